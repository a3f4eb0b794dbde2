"""The bad-input sweep's command lines (`../shared/findings/bad-input-sweep.md`: 88 command lines; issue 12, items 12, 17, 21).

Every command-line failure is one line on stderr, exit code 2, and leaves nothing half-written. Each row of `CASES` is
(case id, argv, regex the one line must match); `{d}` in argv is the fixtures' folder. Bad options must be refused before
anything trains: a spy on `Learner.fit` checks that no row reaches training. `main` runs in this process (fast); the
installed console script is checked end to end in `tests/test_cli.py`.
"""
import contextlib, errno, io, json, os, re, shutil, warnings
from pathlib import Path
import numpy as np, pandas as pd, pytest
from PIL import Image
import torch
from fastai.learner import Learner
from fastaug.cli import main

SMALL = ['--n-splits', '3', '--epochs', '1', '--size', '8', '--bs', '8', '--cpu']

def _write_fixtures(d:Path):
    "Tiny image folders and CSVs: good, broken, and the shapes of the sweep's bad inputs."
    rng = np.random.default_rng(0); rows = []
    for c, level in [('dark', 40), ('mid', 128), ('light', 215)]:
        (d/'imgs'/c).mkdir(parents=True)
        for i in range(12):
            Image.fromarray(np.clip(rng.normal(level, 20, (8, 8)), 0, 255).astype(np.uint8)).save(d/'imgs'/c/f'{i}.png')
            rows.append((f'imgs/{c}/{i}.png', c))
    items = pd.DataFrame(rows, columns=['path', 'label']); items.to_csv(d/'items.csv', index=False)
    shutil.copytree(d/'imgs'/'dark', d/'bad'/'a'); shutil.copytree(d/'imgs'/'light', d/'bad'/'b'); (d/'bad'/'a'/'broken.png').write_bytes(b'not a png')
    (d/'bad1'/'a').mkdir(parents=True); (d/'bad1'/'a'/'broken.png').write_bytes(b'not a png'); shutil.copytree(d/'imgs'/'dark', d/'bad1'/'b')
    (d/'empty').mkdir(); (d/'holes'/'a').mkdir(parents=True); (d/'holes'/'b').mkdir(); shutil.copy(d/'imgs/dark/0.png', d/'holes/a/x.png')
    (d/'deep'/'a'/'2019').mkdir(parents=True); shutil.copy(d/'imgs/dark/0.png', d/'deep/a/2019/x.png'); shutil.copytree(d/'imgs/mid', d/'deep/b')
    tags = [' '.join(sorted({t for t in rng.choice(list('abcdefgh'), rng.integers(1, 4))})) for _ in range(36)]
    items.assign(label=tags).to_csv(d/'tags.csv', index=False)               # multi-label strings, --label-delim forgotten
    items.assign(label='dark').to_csv(d/'one_class.csv', index=False)
    items.assign(label=items.label.where(np.arange(36) != 4)).to_csv(d/'nan_label.csv', index=False)
    items.assign(path=items.path.where(np.arange(36) != 5, 'imgs/dark/nope.png')).to_csv(d/'missing_img.csv', index=False)
    items.iloc[:0].to_csv(d/'no_rows.csv', index=False)
    (d/'not_a_csv.csv').write_text('path,label\nx.png,a,b,c\n')
    (d/'a_file').write_text('x')
    (d/'new').mkdir(); shutil.copy(d/'imgs/dark/0.png', d/'new/ok.png'); (d/'new'/'broken.jpg').write_bytes(b'\xff\xd8 truncated')
    items.assign(fold=np.arange(36) % 3).to_csv(d/'with_folds.csv', index=False)                          # e.g. of `fastaug folds`
    items.assign(fold=np.where(np.arange(36) % 3 == 1, 'a', np.arange(36) % 3)).to_csv(d/'bad_folds.csv', index=False)
    items.assign(fold=np.where(np.arange(36) % 12 == 0, '-1', '')).to_csv(d/'train_only.csv', index=False)   # only -1 and empty cells
    na = np.array(['None', 'NA', 'null', 'N/A', 'nan', 'n/a'])
    items.assign(label=na[np.arange(36) % 6], group=na[np.arange(36) // 6]).to_csv(d/'na_names.csv', index=False)
    np.save(d/'weights.npy', np.zeros(3)); torch.save([1, 2, 3], d/'list.pth'); torch.save({}, d/'empty.pth')

_RUN_OUT = {}   # stdout of the fixture's full run

@pytest.fixture(scope='module')
def d(tmp_path_factory):
    "The fixtures, and one finished 3-fold run (`run`), a run missing fold 1 (`partial`) and one with a damaged fold (`damaged`)."
    d = tmp_path_factory.mktemp('cli'); _write_fixtures(d)
    _RUN_OUT['run'] = _main(['kfold', str(d/'imgs'), '--out', str(d/'run'), *SMALL])[1]
    for i in (0, 2): _main(['kfold', str(d/'imgs'), '--out', str(d/'partial'), '--fold', str(i), *SMALL])
    shutil.copytree(d/'run', d/'damaged'); (d/'damaged'/'models'/'fold1.pkl').write_bytes(b'truncated')
    return d

def _main(argv):
    "Run `main(argv)` in this process: (exit code, stdout, stderr lines)."
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try: main(argv); code = 0
        except SystemExit as e: code = e.code
    return code, out.getvalue(), err.getvalue().strip().splitlines()

@pytest.fixture
def no_training(monkeypatch):
    "Fail the case if anything reaches `Learner.fit`."
    calls = []
    monkeypatch.setattr(Learner, 'fit', lambda self, *a, **k: calls.append(1) or (_ for _ in ()).throw(AssertionError('trained')))
    return calls

KF = ['kfold', '{d}/imgs', '--out', '{d}/x']   # a valid image folder and output folder: only the option under test is wrong
# numbers that used to train, or crash after training started (sweep: --size 0, --lr -1, --epochs 0 ran; --bs 0)
_NUMBERS = {'an integer >= 1': 'size=0 size=1.5 epochs=0 bs=0 threads=0', 'a number > 0': 'lr=-1 lr=0 lr=nan lr=inf',
            'an integer >= 2': 'n-splits=1', 'an integer >= 0': 'workers=-1 seed=-1 fold=-1'}
NUMBER_CASES = [(f'kfold --{o} {v}', KF + [f'--{o}', v], rf"argument --{o}: must be {re.escape(w)}, got '{re.escape(v)}'")
                for w, ovs in _NUMBERS.items() for o, v in (ov.split('=') for ov in ovs.split())]

CASES = [
    *NUMBER_CASES,
    ('kfold --fold 3 of 3', KF + ['--fold', '3', '--n-splits', '3'], r"--fold 3 is out of range 0\.\.2 \(--n-splits 3\)"),
    # --- names checked before training (sweep: --arch bogus crashed in timm; --tta bogus was found after fold 0 trained)
    ('kfold --arch bogus', KF + ['--arch', 'bogus'], r"unknown --arch 'bogus': use 'small', a fastai/torchvision model"),
    ('kfold --arch timm:bogus', KF + ['--arch', 'timm:bogus'], r"unknown --arch 'timm:bogus'"),
    ('kfold --tta bogus', KF + ['--tta', 'bogus'], r"--tta 'bogus' is not a set of views; use auto, none, flip"),
    ('kfold --mix bogus', KF + ['--mix', 'bogus'], r"argument --mix: invalid choice: 'bogus'"),
    ('kfold --aug bogus', KF + ['--aug', 'bogus'], r"argument --aug: invalid choice: 'bogus'"),
    ('kfold --label-delim empty', KF + ['--label-delim='], r"argument --label-delim: must not be empty"),
    ('kfold --pretrained-weights missing', KF + ['--pretrained-weights', '{d}/nope.pth'], r"--pretrained-weights .*nope\.pth: no such file"),
    # weights PyTorch cannot load as a state dict (trial K14: an unpickling essay at the first fold)
    *[(f'kfold --pretrained-weights {f}', KF + ['--pretrained-weights', f'{{d}}/{f}'], rf"--pretrained-weights .*{re.escape(f)} is not a PyTorch state dict "
       r"\(a \.pth/\.pt file saved with torch\.save\(model\.state_dict\(\)\)\)$") for f in ('weights.npy', 'list.pth', 'empty.pth', 'items.csv')],
    # --- a CSV's fold column (trial K1: new folds silently replaced it)
    ('kfold CSV with a fold column', ['kfold', '{d}/with_folds.csv', '--out', '{d}/x'],
     r"with_folds\.csv has a 'fold' column with fold ids 0\.\.2: pass --fold-col fold to use them, or drop the column to deal new folds$"),
    ('kfold CSV with a fold column of names', ['kfold', '{d}/bad_folds.csv', '--out', '{d}/x'], r"has a 'fold' column with fold ids '0', 'a', '2': pass --fold-col fold"),
    ('kfold --fold-col missing', ['kfold', '{d}/items.csv', '--out', '{d}/x', '--fold-col', 'fold'], r"has no column 'fold' \(--fold-col\); its columns: path, label"),
    ('kfold --fold-col on a folder', KF + ['--fold-col', 'fold'], r"--fold-col needs a CSV"),
    ('kfold --fold-col with --demo', ['kfold', '--demo', '--out', '{d}/x', '--fold-col', 'fold'], r"--fold-col needs a CSV"),
    ('kfold --fold-col not ids', ['kfold', '{d}/bad_folds.csv', '--out', '{d}/x', '--fold-col', 'fold'], r"--fold-col fold holds 'a' on line\(s\) 3, 6, 9, 12, 15 \(and 7 more\); fold ids are integers 0\.\.k-1"),
    ('kfold --fold-col empty cells', ['kfold', '{d}/train_only.csv', '--out', '{d}/x', '--fold-col', 'fold'], r"empty 'fold' on line\(s\) 3, 4"),
    ('kfold --fold-col and --n-splits', ['kfold', '{d}/with_folds.csv', '--out', '{d}/x', '--fold-col', 'fold', '--n-splits', '5'], r"--n-splits 5, but --fold-col fold holds 3 folds \(0\.\.2\); drop --n-splits$"),
    ('kfold --fold-col --fold 3', ['kfold', '{d}/with_folds.csv', '--out', '{d}/x', '--fold-col', 'fold', '--fold', '3'], r"--fold 3 is out of range 0\.\.2 \(--fold-col fold 3\)$"),
    # --- fewer training rows than --bs (trial K12: fastai's "This DataLoader does not contain any batches" at fold 0)
    ('kfold default --bs above the training rows', KF, r"fold 0 has 2\d training rows, fewer than --bs 64: lower --bs \(e\.g\. --bs 16\)$"),
    ('kfold --bs above the training rows', KF + ['--n-splits', '3', '--bs', '25'], r"fold 0 has 24 training rows, fewer than --bs 25: lower --bs \(e\.g\. --bs 16\)$"),
    ('kfold --bs above the training rows of --fold', KF + ['--n-splits', '3', '--bs', '25', '--fold', '2'], r"fold 2 has 24 training rows, fewer than --bs 25"),
    ('kfold --bs above the rows of --fold-col', ['kfold', '{d}/with_folds.csv', '--out', '{d}/x', '--fold-col', 'fold', '--bs', '30'], r"fold 0 has 24 training rows, fewer than --bs 30"),
    # --- outputs (sweep: --out naming a file)
    ('kfold --out a file', ['kfold', '{d}/imgs', '--out', '{d}/a_file'], r"--out .*a_file is a file; give a folder for the run's files"),
    ('kfold --out under a file', ['kfold', '{d}/imgs', '--out', '{d}/a_file/run'], r"--out .*a_file/run: .*a_file is a file, not a folder"),
    ('predict --out a folder', ['predict', '{d}/run', '{d}/new/ok.png', '--out', '{d}/imgs'], r"--out .*imgs is a folder; give a file name"),
    ('folds --out a folder', ['folds', '{d}/items.csv', '--out', '{d}/imgs'], r"--out .*imgs is a folder; give a file name"),
    # --- what to train on
    ('kfold no DATA', ['kfold', '--out', '{d}/x'], r"missing DATA \(a folder of class folders, or a CSV\), or use --demo"),
    ('kfold DATA and --demo', ['kfold', '{d}/imgs', '--demo'], r"give either DATA or --demo, not both"),
    ('kfold no --out', ['kfold', '{d}/imgs'], r"missing --out DIR"),
    ('kfold DATA missing', ['kfold', '{d}/nope', '--out', '{d}/x'], r"no such file or folder: .*nope"),
    ('kfold folder without classes', ['kfold', '{d}/empty', '--out', '{d}/x'], r"has no class folders \(expected .*empty/<class>/<image>\)"),
    ('kfold empty class folder', ['kfold', '{d}/holes', '--out', '{d}/x'], r"class folder .*holes/b has no images"),
    ('kfold image below its class folder', ['kfold', '{d}/deep', '--out', '{d}/x'], r"deep/a/2019/x\.png is in a subfolder of its class folder"),
    ('kfold corrupt image', ['kfold', '{d}/bad', '--out', '{d}/x'], r"cannot read image .*bad/a/broken\.png; fix or remove it, or pass --skip-bad"),
    ('kfold --skip-bad leaving one class', ['kfold', '{d}/bad1', '--out', '{d}/x', '--skip-bad'], r"only 1 class \('b'\); a classifier needs 2 or more"),
    ('kfold --group-col on a folder', KF + ['--group-col', 'patient'], r"--group-col needs a CSV"),
    ('kfold CSV without the label column', ['kfold', '{d}/items.csv', '--out', '{d}/x', '--label-col', 'species'], r"has no column 'species' \(--label-col\); its columns: path, label"),
    ('kfold CSV without the group column', ['kfold', '{d}/items.csv', '--out', '{d}/x', '--group-col', 'patient'], r"has no column 'patient' \(--group-col\)"),
    ('kfold CSV with an empty label', ['kfold', '{d}/nan_label.csv', '--out', '{d}/x'], r"empty 'label' on line\(s\) 6$"),
    ('kfold CSV naming a missing image', ['kfold', '{d}/missing_img.csv', '--out', '{d}/x'], r"no such image: .*imgs/dark/nope\.png; fix the paths .* or pass --skip-bad"),
    ('kfold CSV without rows', ['kfold', '{d}/no_rows.csv', '--out', '{d}/x'], r"no_rows\.csv has no rows"),
    ('kfold CSV not a CSV', ['kfold', '{d}/not_a_csv.csv', '--out', '{d}/x'], r"cannot read .*not_a_csv\.csv as CSV"),
    ('kfold one class', ['kfold', '{d}/one_class.csv', '--out', '{d}/x'], r"only 1 class \('dark'\); a classifier needs 2 or more"),
    # --- a forgotten --label-delim (sweep: 1,589 classes made silently)
    ('kfold --label-delim forgotten', ['kfold', '{d}/tags.csv', '--out', '{d}/x'], r"distinct labels, \d+% of the rows holding ' ', made of only 8 parts: multi-label\? pass --label-delim ' ', or --single-label"),
    ('folds --label-delim forgotten', ['folds', '{d}/tags.csv', '--out', '{d}/f.csv'], r"made of only 8 parts: multi-label\? pass --label-delim ' '"),
    # --- a run folder in other hands (sweep: resume=False told to a command-line user; issue 12 item 12)
    ('kfold rerun with other arguments', ['kfold', '{d}/imgs', '--out', '{d}/run', *SMALL, '--seed', '1'], r"holds a k-fold run with other arguments \(folds changed; seed: 0 -> 1\); use another --out, or start over with --no-resume$"),
    # trial T1: a resume reading the labels another way (finished folds' columns would be relabelled as the new classes)
    ('kfold rerun with --label-delim', ['kfold', '{d}/imgs', '--out', '{d}/run', *SMALL, '--label-delim', ' '],
     r"holds a k-fold run with other arguments \((folds changed; )?--label-delim: None -> ' '\); use another --out, or start over with --no-resume$"),
    # --- predict (sweep: tracebacks of 13-74 lines on a bad image)
    ('predict a corrupt image', ['predict', '{d}/run', '{d}/new', '--out', '{d}/p.csv'], r"cannot read image .*new/broken\.jpg; fix or remove it, or pass --skip-bad"),
    ('predict a missing image', ['predict', '{d}/run', '{d}/new/nope.png', '--out', '{d}/p.csv'], r"no such file or folder: .*new/nope\.png"),
    ('predict not a run folder', ['predict', '{d}/imgs', '{d}/new/ok.png', '--out', '{d}/p.csv'], r"imgs is not a k-fold run folder \(no manifest\.json\); give the --out folder of `fastaug kfold`"),
    ('predict run folder missing', ['predict', '{d}/nope', '{d}/new/ok.png', '--out', '{d}/p.csv'], r"no such run folder: .*nope"),
    # trial T5: a CSV given to predict is read for its images, not called an unreadable image
    ('predict a CSV without the item column', ['predict', '{d}/run', '{d}/items.csv', '--out', '{d}/p.csv', '--item-col', 'file'], r"items\.csv has no column 'file' \(--item-col\); its columns: path, label$"),
    ('predict a CSV naming a missing image', ['predict', '{d}/run', '{d}/missing_img.csv', '--out', '{d}/p.csv'], r"no such image: .*imgs/dark/nope\.png; fix the paths"),
    ('predict --tta bogus', ['predict', '{d}/run', '{d}/new/ok.png', '--out', '{d}/p.csv', '--tta', 'bogus'], r"--tta 'bogus' is not a set of views"),
    ('predict --merge bogus', ['predict', '{d}/run', '{d}/new/ok.png', '--out', '{d}/p.csv', '--merge', 'bogus'], r"--merge 'bogus' is not a merge; use mean, gmean"),
    ('predict a run missing a fold', ['predict', '{d}/partial', '{d}/new/ok.png', '--out', '{d}/p.csv'], r"fold\(s\) \[1\] not finished: run them \(--fold\) or merge their folders"),
    ('predict a damaged fold', ['predict', '{d}/damaged', '{d}/new/ok.png', '--out', '{d}/p.csv'], r"fold 1 is damaged \(models/fold1\.pkl has 9 bytes"),
    # --- merge, audit, report on what is not a (finished) run
    ('merge not run folders', ['merge', '{d}/imgs', '--out', '{d}/m'], r"imgs is not a k-fold run folder"),
    ('merge an incomplete set', ['merge', '{d}/partial', '--out', '{d}/m'], r"fold\(s\) \[1\] not finished"),
    ('audit not a run folder', ['audit', '{d}/imgs'], r"imgs is not a k-fold run folder"),
    ('report not a run folder', ['report', '{d}/imgs'], r"imgs is not a k-fold run folder"),
    ('report a run missing a fold', ['report', '{d}/partial'], r"fold\(s\) \[1\] not finished"),
    # --- the parser itself
    ('no command', [], r"the following arguments are required: COMMAND"),
    ('unknown command', ['train'], r"argument COMMAND: invalid choice: 'train'"),
    ('unknown option', KF + ['--bogus', '3'], r"unrecognized arguments: --bogus 3"),
    ('folds missing CSV', ['folds', '{d}/nope.csv'], r"no such file: .*nope\.csv"),
    ('folds --n-splits 1', ['folds', '{d}/items.csv', '--n-splits', '1'], r"argument --n-splits: must be an integer >= 2"),
]

def _fmt(argv, d): return [a.format(d=d) for a in argv]

@pytest.mark.parametrize('case, argv, pattern', CASES, ids=[c[0] for c in CASES])
def test_one_line_exit_2(case, argv, pattern, d, no_training):
    before = sorted(p.name for p in d.iterdir())
    code, out, err = _main(_fmt(argv, d))
    assert code == 2, (code, out, err)
    assert len(err) == 1, err
    assert re.match(r'fastaug( \w+)?: error: ', err[0]) and re.search(pattern, err[0]), err[0]
    assert sorted(p.name for p in d.iterdir()) == before      # nothing created (run folders, CSVs, temporary files)
    assert not no_training                                     # refused before any training

def test_locked_run_folder(d, tmp_path):
    "Two runs into one folder (issue 12, item 12): the second gets one line naming the holder; the holder's folder stays."
    from fastaug.test_utils import lock_held_elsewhere
    out = tmp_path/'run'
    with lock_held_elsewhere(out) as pid:
        code, _, err = _main(['kfold', str(d/'imgs'), '--out', str(out), *SMALL])
    assert code == 2 and len(err) == 1 and re.search(rf"is in use by another k-fold run \(pid {pid} .*use another output folder", err[0]), err
    assert out.exists()

def test_disk_full_while_saving_a_model(d, tmp_path, monkeypatch):
    "A full disk says so (sweep: it never said 'no space'); the new run folder does not stay behind half-written."
    def full(self, fname='export.pkl', **kw):   # what PyTorch's writer raises when the disk fills up
        raise RuntimeError('[enforce fail at inline_container.cc:672] . unexpected pos 159296 vs 159192')
    monkeypatch.setattr(Learner, 'export', full)
    code, _, err = _main(['kfold', str(d/'imgs'), '--out', str(tmp_path/'run'), *SMALL])
    assert code == 2 and len(err) == 1 and re.search(r"no space left on the device of .*run \([\d,]+ [KM]B free\); free some space or choose another --out", err[0]), err
    assert not (tmp_path/'run').exists()

def test_disk_full_while_writing_a_csv(d, tmp_path, monkeypatch):
    def full(self, *a, **k): raise OSError(errno.ENOSPC, 'No space left on device')
    monkeypatch.setattr(pd.DataFrame, 'to_csv', full)
    code, _, err = _main(['folds', str(d/'items.csv'), '--out', str(tmp_path/'sub'/'f.csv')])
    assert code == 2 and len(err) == 1 and 'no space left on the device of' in err[0], err
    assert list(tmp_path.iterdir()) == []          # neither the CSV, nor its temporary file, nor the folder made for it

def test_interrupted_run_leaves_no_folder(d, tmp_path, monkeypatch):
    "Ctrl-C in fold 0: exit 130, and the run folder the command created is gone (no fold finished)."
    monkeypatch.setattr(Learner, 'fit', lambda self, *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    code, _, err = _main(['kfold', str(d/'imgs'), '--out', str(tmp_path/'run'), *SMALL])
    assert code == 130 and err == ['fastaug: interrupted']
    assert not (tmp_path/'run').exists()

def test_failure_after_a_fold_keeps_it(d, tmp_path, monkeypatch):
    "A failure in fold 1 keeps fold 0 (the same command resumes), and says what failed in one line."
    fit, n = Learner.fit, []
    def fit_then_fail(self, *a, **k):
        n.append(1)
        if len(n) > 1: raise RuntimeError('CUDA error: an illegal memory access was encountered\nmore detail')
        return fit(self, *a, **k)
    monkeypatch.setattr(Learner, 'fit', fit_then_fail)
    code, _, err = _main(['kfold', str(d/'imgs'), '--out', str(tmp_path/'run'), *SMALL])
    assert code == 2 and len(err) == 1 and re.search(r"RuntimeError: CUDA error: an illegal memory access was encountered \(unexpected; FASTAUG_TRACEBACK=1 shows where it came from\)$", err[0]), err
    assert (tmp_path/'run'/'fold0'/'done.json').exists() and not (tmp_path/'run'/'fold1').exists()

def test_skip_bad(d, tmp_path):
    "--skip-bad trains on the readable images and names the skipped one in one warning line."
    code, out, err = _main(['kfold', str(d/'bad'), '--out', str(tmp_path/'run'), '--skip-bad', *SMALL])
    assert code == 0, err
    assert len(pd.read_csv(tmp_path/'run'/'oof.csv')) == 24
    assert any(re.match(r"fastaug: warning: skipped 1 missing or unreadable image\(s\): .*broken\.png$", l) for l in err), err

def test_single_label_override(d, tmp_path, monkeypatch):
    "--single-label accepts labels that look delimited (no training needed to see it: the refusal is gone)."
    monkeypatch.setattr('fastaug.cli._train', lambda a, df, out: (_ for _ in ()).throw(ValueError(f'reached training with {df.label.nunique()} classes')))
    code, _, err = _main(['kfold', str(d/'tags.csv'), '--out', str(tmp_path/'run'), '--single-label', '--bs', '8'])
    assert code == 2 and re.search(r'reached training with \d+ classes', err[-1]), err

def test_multi_label_summary(d, tmp_path):
    "Issue 12, item 17: a multi-label run prints micro/macro F1 and mAP beside accuracy_multi."
    code, out, err = _main(['kfold', str(d/'tags.csv'), '--out', str(tmp_path/'run'), '--label-delim', ' ', *SMALL])
    assert code == 0, err
    s = json.loads((tmp_path/'run'/'scores.json').read_text())['oof']
    assert f"OOF accuracy_multi: {s['accuracy_multi']:.4f}, micro-F1 {s['f1_micro']:.4f}, macro-F1 {s['f1_macro']:.4f}, mAP {s['map']:.4f} over 36 items" in out
    before = (tmp_path/'run'/'manifest.json').read_text()     # trial T1: the same folder resumed single-label is refused, before training
    code, _, err = _main(['kfold', str(d/'tags.csv'), '--out', str(tmp_path/'run'), '--single-label', *SMALL])
    assert code == 2 and all(l.startswith('fastaug: warning: ') for l in err[:-1]), err   # warnings of the folds dealt (25 classes), then the one error line
    assert re.search(r"run with other arguments \((folds changed; )?--label-delim: ' ' -> None; classes: \['a', 'b', 'c', 'd', 'e', \.\.\. \(8 classes\)\] -> \['a', 'a b', ", err[-1]), err
    assert (tmp_path/'run'/'manifest.json').read_text() == before

def _reached(monkeypatch):
    "Stop `fastaug kfold` where it would train, keeping the items and options it would train on."
    got = {}
    def train(a, df, out): got.update(a=a, df=df); raise ValueError('reached training')
    monkeypatch.setattr('fastaug.cli._train', train)
    return got

def test_na_strings_are_class_names(d, tmp_path, monkeypatch):
    "Trial K13: 'None', 'NA', 'null', 'N/A', 'nan' in a CSV are class and group names, as class folders of those names are."
    got = _reached(monkeypatch)
    code, _, err = _main(['kfold', str(d/'na_names.csv'), '--out', str(tmp_path/'run'), '--group-col', 'group', *SMALL])
    assert code == 2 and err[-1].endswith('reached training'), err
    df = got['df']
    assert sorted(df.label.unique()) == sorted(['None', 'NA', 'null', 'N/A', 'nan', 'n/a']) and df.group.nunique() == 6

def test_fold_column_of_train_only_rows(d, tmp_path, monkeypatch):
    "A `fold` column of -1 and empty cells only is not refused: its -1 rows train in every fold, the others are dealt."
    got = _reached(monkeypatch)
    code, _, err = _main(['kfold', str(d/'train_only.csv'), '--out', str(tmp_path/'run'), *SMALL])
    assert code == 2 and err[-1].endswith('reached training'), err
    assert got['a'].fold_col is None and (got['df'].fold == -1).sum() == 3

def test_fold_col_trains_on_the_csv_folds(d, tmp_path):
    "Trial K1: `--fold-col fold` trains on the CSV's folds (its --n-splits is the column's)."
    argv = [a for a in SMALL if a not in ('--n-splits', '3')]
    code, out, err = _main(['kfold', str(d/'with_folds.csv'), '--out', str(tmp_path/'run'), '--fold-col', 'fold', *argv])
    assert code == 0, err
    folds = pd.read_csv(tmp_path/'run'/'folds.csv')
    assert folds.fold.tolist() == (np.arange(36) % 3).tolist()

def test_paths_absolute_from_any_directory(d, tmp_path, monkeypatch):
    "Trial K9: a run of a relative CSV resumes (--fold jobs), audits and reports the same from another directory."
    shutil.copytree(d/'imgs', tmp_path/'data'/'imgs'); (tmp_path/'data'/'copies').mkdir()
    shutil.copy(d/'imgs'/'mid'/'3.png', tmp_path/'data'/'copies'/'mid3.png')   # a planted copy: a pair the audit finds only if it opens both
    items = pd.read_csv(d/'items.csv')
    pd.concat([items, pd.DataFrame({'path': ['copies/mid3.png'], 'label': ['mid']})]).to_csv(tmp_path/'data'/'items.csv', index=False)
    (tmp_path/'elsewhere').mkdir()
    monkeypatch.chdir(tmp_path/'data')
    code, _, err = _main(['kfold', 'items.csv', '--out', 'run', '--fold', '0', *SMALL])
    assert code == 0, err
    monkeypatch.chdir(tmp_path/'elsewhere')
    code, out, err = _main(['kfold', '../data/items.csv', '--out', '../data/run', *SMALL])
    assert code == 0, err
    assert 'fold 0: finished earlier, skipped' in out
    oof = pd.read_csv(tmp_path/'data'/'run'/'oof.csv')
    assert all(Path(p).is_absolute() and Path(p).is_file() for p in oof.item)
    assert oof.item.iloc[0].startswith(str((tmp_path/'data').resolve()))
    dups = []
    for cwd in (tmp_path/'data', tmp_path/'elsewhere', tmp_path):
        monkeypatch.chdir(cwd)
        code, _, err = _main(['audit', str(tmp_path/'data'/'run')]); assert code == 0, err
        dups.append(pd.read_csv(tmp_path/'data'/'run'/'near_duplicates.csv'))
        code, _, err = _main(['report', str(tmp_path/'data'/'run')]); assert code == 0, err
    for other in dups[1:]: pd.testing.assert_frame_equal(other, dups[0])
    assert {Path(dups[0].item_a[0]).name, Path(dups[0].item_b[0]).name} == {'3.png', 'mid3.png'}, dups[0]   # the planted pair, from every directory
    code, _, err = _main(['kfold', str(tmp_path/'data'/'imgs'), '--out', str(tmp_path/'frun'), '--fold', '0', *SMALL]); assert code == 0, err
    assert pd.read_csv(tmp_path/'frun'/'folds.csv').item.map(lambda p: Path(p).is_absolute()).all()   # a folder's too

def test_merge_is_a_full_run(d, tmp_path):
    "Trial K8: `fastaug merge` writes the pictures of a full run and prints its score lines."
    code, _, err = _main(['kfold', str(d/'imgs'), '--out', str(tmp_path/'job1'), '--fold', '1', *SMALL]); assert code == 0, err
    code, out, err = _main(['merge', str(d/'partial'), str(tmp_path/'job1'), '--out', str(tmp_path/'merged')])
    assert code == 0, err
    for f in ('folds.png', 'confusion.png', 'curves.png', 'reliability.png'): assert (tmp_path/'merged'/f).exists(), f
    assert 'KFoldResult' not in out
    full = _RUN_OUT['run']
    tail = lambda o, run: [l.replace(str(run), 'RUN') for l in o.strip().splitlines()[-5:]]
    assert tail(out, tmp_path/'merged') == tail(full, d/'run'), (out, full)
    assert re.fullmatch(r"OOF accuracy: [\d.]+ over 36 items; log-loss [\d.]+ \(([\d.]+ calibrated, held out|calibration not applied)\); results in RUN/", tail(out, tmp_path/'merged')[-1])

def test_planted_csv_describes_its_run(d, tmp_path, monkeypatch):
    "Trial K4: the demo's planted.csv is rewritten by `--demo --no-resume`, and never survives a run without --demo."
    digits = pd.read_csv(d/'items.csv').assign(path=lambda x: [str(d/p) for p in x.path], label=lambda x: x.label.map({'dark': '0', 'mid': '1', 'light': '2'}))
    monkeypatch.setattr('fastaug.data.digits_df', lambda: digits.copy())   # a tiny demo: 36 images of 3 "digits"
    out = tmp_path/'demo'
    def planted_matches_run():
        pl, oof = pd.read_csv(out/'planted.csv'), pd.read_csv(out/'oof.csv')
        assert (oof.label.astype(str).to_numpy()[pl.row] == pl.planted.astype(str).to_numpy()).all()
        return pl
    for seed in (0, 1):
        code, _, err = _main(['kfold', '--demo', '--out', str(out), '--seed', str(seed), '--no-resume', *SMALL]); assert code == 0, err
        pl = planted_matches_run()
        if seed == 0: first = pl
    assert not pl.equals(first)
    code, _, err = _main(['kfold', str(d/'imgs'), '--out', str(out), '--no-resume', *SMALL]); assert code == 0, err
    assert not (out/'planted.csv').exists()

def test_library_batch_size_in_option_words():
    "The library's own batch-size refusal (any `dls_fn`) reaches a command-line user in option words."
    from fastaug.cli import _cli_words
    msg = "fold 0 has 30 training rows, fewer than the batch size bs=64: fastai drops the last partial batch, so the fold would train on nothing; lower bs (e.g. bs=8)"
    assert _cli_words(msg).endswith("fewer than the batch size --bs 64: fastai drops the last partial batch, so the fold would train on nothing; lower --bs (e.g. --bs 8)")

def test_predict_a_csv(d, tmp_path):
    "Trial T5: `fastaug predict RUN items.csv` predicts the CSV's images (paths relative to it), as `fastaug kfold` reads them."
    code, out, err = _main(['predict', str(d/'run'), str(d/'items.csv'), '--out', str(tmp_path/'p.csv')])
    assert code == 0, err
    p = pd.read_csv(tmp_path/'p.csv')
    assert p.item.tolist() == [str((d/q).resolve()) for q in pd.read_csv(d/'items.csv').path] and set(p.prediction) <= {'dark', 'mid', 'light'}
