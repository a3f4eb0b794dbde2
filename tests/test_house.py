"House rules a maintainer checks by eye, checked here so they stay true: small exports, no private imports across modules, pictures in the docs."
import json, re
from pathlib import Path
import pytest

root = Path(__file__).parents[1]
nbs = sorted((root/'nbs').glob('[0-9]*.ipynb'))

def _cells(nb): return json.loads(nb.read_text())['cells']

def _export_sizes(nb):
    return [len(''.join(c['source']).splitlines()) - 1 for c in _cells(nb)
            if c['cell_type'] == 'code' and re.match(r'\s*#\s*\|\s*export', ''.join(c['source']))]

def test_exports_are_small():
    sizes = {nb.name: _export_sizes(nb) for nb in nbs}
    flat = [s for v in sizes.values() for s in v]
    assert sum(flat) / len(flat) <= 25, f"mean export cell {sum(flat) / len(flat):.1f} lines"
    big = {k: [s for s in v if s > 60] for k, v in sizes.items() if any(s > 60 for s in v)}
    assert not big, f"export cells over 60 lines: {big}"

def test_no_private_names_across_modules():
    bad = [f"{f.name}: {l.strip()}" for f in (root/'fastaug').glob('*.py') for l in f.read_text().splitlines()
           if re.match(r'\s*from\s+(\.|fastaug\.)\w*\s+import\s+(.*,\s*)?_\w', l)]
    assert not bad, bad

@pytest.mark.parametrize('stem', ['02_sampling', '03_mix', '04_tta', '06_labels', '07_transforms'])
def test_picture_in_first_third(stem):
    cells = _cells(root/'nbs'/f'{stem}.ipynb')
    pics = [i for i, c in enumerate(cells) if c['cell_type'] == 'code' and any('image/png' in o.get('data', {}) for o in c.get('outputs', []))]
    assert pics and pics[0] <= len(cells) / 3, f"first stored picture at cell {pics[0] if pics else None} of {len(cells)}"

def test_docs_speak_of_the_library():
    words = re.compile(r"this session|the issue'?s? (target|budget)|closing note", re.I)
    bad = [nb.name for nb in nbs if words.search(nb.read_text())]
    assert not bad, bad
