"""`bench/gpu.sh`, the GPU check, runs here on the CPU at tiny sizes (`--cpu --tiny`), so it is known to work before a GPU is
lent; its one results file holds every section. Bad command lines stop with one line on stderr and exit code 2."""
import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CALLBACKS = ['MixUp', 'CutMix', 'CutMixUp', 'RICAP', 'SamplePairing', 'SoftLabel', 'ProgressiveLabelCorrection']

def run(*args, timeout=300):
    env = {**os.environ, 'PYTHON': sys.executable, 'OMP_NUM_THREADS': '1'}
    return subprocess.run(['bash', str(ROOT/'bench'/'gpu.sh'), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)

@pytest.fixture(scope='module')
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp('gpu')/'results.json'
    p = run('--cpu', '--tiny', '--out', str(out))
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(out.read_text()), p, out

def test_every_section_ran(results):
    r, p, out = results
    assert r['errors'] == [], r['errors']
    for k in ('syncs', 'overhead', 'tta', 'elastic', 'notebooks'): assert k in r and 'error' not in r[k], (k, r.get(k))
    assert r['env']['cpu'] and r['env']['tiny']
    assert str(out) in p.stdout and [f.name for f in out.parent.iterdir()] == [out.name]  # one file, nothing half-written

def test_syncs(results):
    "Every callback's training batches convert nothing to the host (the CPU stand-in for a CUDA sync), in 'error' mode too."
    s = results[0]['syncs']['results']
    assert s['plain fit (fastai alone)']['per_batch'] == 0
    for cb in CALLBACKS:
        assert s[cb]['batches'] > 1 and s[cb]['per_batch'] == 0 and s[cb]['max_per_batch'] == 0, (cb, s[cb])
        assert s[cb]['error_mode'] == 'pass', (cb, s[cb])
    for t in ('ProgressiveResize', 'ElasticDeform', 'Cutout'):
        assert s[t]['per_batch'] == 0 and s[t]['error_mode'] == 'pass', (t, s[t])
    for v in ('flip', 'd4'): assert s[f"tta(views='{v}')"]['batches'] > 1 and s[f"tta(views='{v}')"]['per_batch'] == 0

def test_speed_sections(results):
    r = results[0]
    assert set(r['overhead']['results']) == {'plain', *CALLBACKS[:5]}
    assert all(v['ms_per_step'] > 0 for v in r['overhead']['results'].values())
    assert set(r['tta']['ratios']) == {'flip / fastai n=2', 'd4 / fastai n=8'} and all(v > 0 for v in r['tta']['ratios'].values())
    el = r['elastic']
    if 'skipped' not in el: assert 'defaults' in el['results'] and all(v['kornia_over_ours'] > 0 for v in el['results'].values())
    assert r['notebooks']['notebooks'] and all(k.startswith('nbs/') for k in r['notebooks']['notebooks'])

@pytest.mark.parametrize('args,msg', [(['--cpu', '--only', 'bogus'], 'unknown section'), (['--cpu', '--bogus'], 'unrecognized'),
                                      (['--cpu', '--out', '/nonexistent/dir/r.json'], 'does not exist')])
def test_bad_command_line(tmp_path, args, msg):
    p = run(*args, timeout=120)
    assert p.returncode == 2 and msg in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert not list(tmp_path.iterdir())

def test_no_cuda_without_cpu_flag(tmp_path):
    import torch
    if torch.cuda.is_available(): pytest.skip('a CUDA device is present')
    p = run('--tiny', '--out', str(tmp_path/'r.json'), timeout=120)
    assert p.returncode == 2 and '--cpu' in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert not (tmp_path/'r.json').exists()
