"The installed `fastaug` console script, run as a user runs it."
import json, re, shutil, subprocess, sys
from pathlib import Path
import pandas as pd, pytest

def _run(*args, cwd):
    exe = Path(sys.executable).parent/'fastaug'   # the console script installed beside this interpreter
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=1500)

def test_folds_demo(tmp_path):
    "`fastaug folds --demo`: the fold report of the digits."
    r = _run('folds', '--demo', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path/'fastaug-demo'/'folds.csv')
    assert len(df) == 1797 and sorted(df.fold.unique()) == [0, 1, 2, 3, 4]
    assert (tmp_path/'fastaug-demo'/'folds.png').exists()
    assert 'worst label-share deviation' in r.stdout

@pytest.mark.parametrize('args, line', [
    (['folds', 'missing.csv'], 'fastaug: error: no such file: missing.csv'),
    (['kfold', '.', '--out', 'run', '--size', '0'], "fastaug kfold: error: argument --size: must be an integer >= 1, got '0' (see fastaug kfold -h)"),
    (['kfold', '.', '--out', 'run', '--lr', '-1'], "fastaug kfold: error: argument --lr: must be a number > 0, got '-1' (see fastaug kfold -h)"),
])
def test_bad_input_is_one_line(tmp_path, args, line):
    "A refused option: one line on stderr, exit code 2, no traceback, nothing written."
    r = _run(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [line]
    assert list(tmp_path.iterdir()) == []

@pytest.fixture(scope='module')
def demo(tmp_path_factory):
    "The README's main job, run once: `fastaug kfold --demo`."
    cwd = tmp_path_factory.mktemp('demo')
    return cwd, _run('kfold', '--demo', cwd=cwd)

def test_kfold_demo(demo):
    "5-fold CV of the digits with 30 planted wrong labels; the audit finds them, calibration is scored held out (and applied only if it helps there), the report is written."
    cwd, r = demo
    assert r.returncode == 0, r.stderr[-3000:]
    out = cwd/'fastaug-demo'
    for f in ['folds.csv', 'oof.csv', 'scores.json', 'calibration.json', 'folds.png', 'confusion.png', 'curves.png', 'reliability.png',
              'planted.csv', 'label_issues.csv', 'near_duplicates.csv', 'report.html']: assert (out/f).exists(), f
    s = json.loads((out/'scores.json').read_text())['oof']
    assert s['accuracy'] > 0.9, s
    assert f"OOF accuracy: {s['accuracy']:.4f} over 1797 items" in r.stdout
    last = r.stdout.strip().splitlines()[-3:]
    m = re.fullmatch(r"planted 30 wrong labels \(fastaug-demo/planted\.csv\): the audit found (\d+) of them among its (\d+) suspects "
                     r"\(fastaug-demo/label_issues\.csv\)", last[0])
    assert m and int(m[1]) >= 24 and int(m[2]) <= 120, last[0]     # most planted labels found, among few suspects
    planted, issues = pd.read_csv(out/'planted.csv'), pd.read_csv(out/'label_issues.csv', index_col=0)
    assert int(m[1]) == planted.row.isin(issues.index).sum()
    cal = json.loads((out/'calibration.json').read_text())                      # calibration scored on held-out OOF rows, applied only when it helps there
    m = re.fullmatch(r"calibrated OOF log-loss, each fold's temperature fitted on the other folds: ([\d.]+) \(([\d.]+) before; fastaug-demo/calibration\.json\)|"
                     r"calibration not applied: on held-out OOF rows it would raise the log-loss to ([\d.]+) \(([\d.]+) without; fastaug-demo/calibration\.json\)", last[1])
    assert m and cal['applied'] == (m[1] is not None), (last[1], cal)
    if cal['applied']: assert float(m[1]) < float(m[2]) and abs(float(m[1]) - s['log_loss_calibrated']) < 1e-4, last[1]
    else: assert float(m[3]) >= float(m[4]) and s['log_loss_calibrated'] == s['log_loss'] and set(cal['temperatures']) == {1.0}, (last[1], cal)
    assert last[2] == 'report: fastaug-demo/report.html'

def test_demo_run_commands(demo, tmp_path):
    "`predict` on the demo's run folder, and a corrupt image given to `predict`: one line, no traceback (the notebook runs `audit` and `report`)."
    cwd, r = demo
    assert r.returncode == 0
    digits = pd.read_csv(cwd/'fastaug-demo'/'folds.csv').item.iloc[:4].tolist()
    p = _run('predict', 'fastaug-demo', *digits, '--out', tmp_path/'preds.csv', cwd=cwd)
    assert p.returncode == 0, p.stderr
    assert len(pd.read_csv(tmp_path/'preds.csv')) == 4 and 'calibrated' in p.stdout
    (tmp_path/'broken.jpg').write_bytes(b'\xff\xd8 not a jpeg')
    p = _run('predict', 'fastaug-demo', tmp_path/'broken.jpg', '--out', tmp_path/'bad.csv', cwd=cwd)
    assert p.returncode == 2 and 'Traceback' not in p.stderr
    assert p.stderr.strip().splitlines() == [f'fastaug: error: cannot read image {tmp_path/"broken.jpg"}; fix or remove it, or pass --skip-bad']
    assert not (tmp_path/'bad.csv').exists()
