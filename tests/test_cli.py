"The installed `fastaug` console script, run as a user runs it."
import subprocess, sys
from pathlib import Path
import pandas as pd

def _run(*args, cwd):
    exe = Path(sys.executable).parent/'fastaug'   # the console script installed beside this interpreter
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=1500)

def test_folds_demo(tmp_path):
    "`fastaug folds --demo`: the fold report of the digits."
    r = _run('folds', '--demo', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path/'fastaug-demo'/'folds.csv')
    assert len(df) == 1797 and sorted(df.fold.unique()) == [0, 1, 2, 3, 4]
    assert (tmp_path/'fastaug-demo'/'folds.png').exists()
    assert 'worst label-share deviation' in r.stdout

def test_bad_input_is_one_line(tmp_path):
    r = _run('folds', 'missing.csv', cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == ['fastaug: error: no such file: missing.csv']
    assert 'Traceback' not in r.stderr

def test_kfold_demo(tmp_path):
    "The README's main job: 5-fold CV of the digits with MixUp and TTA, OOF accuracy well above 90%."
    r = _run('kfold', '--demo', cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    out = tmp_path/'fastaug-demo'
    for f in ['folds.csv', 'oof.csv', 'scores.json', 'folds.png', 'confusion.png', 'curves.png']: assert (out/f).exists(), f
    import json
    acc = json.loads((out/'scores.json').read_text())['oof']['accuracy']
    assert acc > 0.9, acc
    assert f'OOF accuracy: {acc:.4f}' in r.stdout
