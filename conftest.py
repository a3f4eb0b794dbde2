"Collect every notebook in `nbs/` as a pytest item, run its cells the way `nbdev_test` does."
import json, os, re, time
from configparser import ConfigParser
from pathlib import Path
import pytest

_root = Path(__file__).parent
_cfg = ConfigParser(delimiters=['=']); _cfg.read(_root/'settings.ini')
_tst_flags = set(_cfg['DEFAULT'].get('tst_flags', '').split())
_force = set(os.environ.get('FASTAUG_TST_FLAGS', '').split())  # e.g. FASTAUG_TST_FLAGS=slow to run slow cells too
_directive = re.compile(r'^\s*#\s*\|\s*(.*)$')

def _directives(src):
    "Directives at the top of a cell, as nbdev reads them: name -> list of words."
    out = {}
    for line in src.splitlines():
        if not line.strip(): continue
        m = _directive.match(line)
        if not m: break
        words = m.group(1).replace(':', ': ').split()
        if words: out[words[0].rstrip(':')] = [w for w in words[1:] if w != ':']
    return out

def _skip(src):
    "Whether `nbdev_test` would skip this code cell."
    if 'nbdev_export' + '(' in src: return True
    d = _directives(src)
    if d.get('eval', [''])[:1] == ['false']: return True
    first = next(iter(d), None)
    return first in (_tst_flags - _force)

def pytest_collect_file(parent, file_path):
    if file_path.suffix == '.ipynb' and file_path.parent.name == 'nbs' and not file_path.name.startswith(('_', '.')) \
            and '.ipynb_checkpoints' not in file_path.parts:
        return NotebookFile.from_parent(parent, path=file_path)

class NotebookFile(pytest.File):
    def collect(self): yield NotebookItem.from_parent(self, name=self.path.stem)

class NotebookError(Exception): pass

class NotebookItem(pytest.Item):
    def runtest(self):
        from execnb.shell import CaptureShell
        os.environ.setdefault('MPLBACKEND', 'Agg')
        cells = json.loads(self.path.read_text())['cells']
        shell = CaptureShell(self.path)
        cwd = os.getcwd(); os.chdir(self.path.parent)
        try:
            for i, c in enumerate(cells):
                src = ''.join(c['source'])
                if c['cell_type'] != 'code' or _skip(src): continue
                shell.run(src)
                if shell.exc:
                    raise NotebookError(f"{self.path.name}, cell {i}:\n{src}\n\n{shell.prettytb(fname=self.path)}")
        finally: os.chdir(cwd)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, NotebookError): return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self): return self.path, 0, f"notebook {self.path.name}"
