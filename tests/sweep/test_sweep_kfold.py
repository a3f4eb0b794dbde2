"""The bad-input sweep's cases for `fastaug.kfold` (`../shared/findings/bad-input-sweep.md`, SILENT-WRONG and UNCLEAR rows),
and issue 12's k-fold defects (#11 duplicated items, #12 two writers, #13 a damaged fold, #17 multi-label scores), and rows at
fold -1 (`TRAIN_ONLY`, e.g. pseudo-labels): training in every fold, never validated.

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result. Messages must name the offending value and say what to do.
`small_cnn` and `image_dls` moved to `fastaug.data`: their rows are in test_sweep_data.py.
"""
import atexit, functools, random, shutil, tempfile, warnings
from pathlib import Path
import numpy as np, pandas as pd, pytest, torch
from fastaug.test_utils import check_case
from fastaug.kfold import (kfold_fit, merge_kfold, ensemble_predict, seeded, prepare_run, run_lock, score_probs, KFoldResult,
                           RunLockedError, IncompleteRunError, fold_state)
from fastaug.data import digits_df, image_dls
from fastaug.folds import TRAIN_ONLY
from fastaug.test_utils import digits_folds, fit_quiet

nan = np.nan
W = Path(tempfile.mkdtemp()); atexit.register(shutil.rmtree, W, True)
df = digits_folds(4, 2).drop(columns='fold')            # 40 digit PNGs, 4 per class
N = len(df)
KW = dict(n_splits=2, seed=0, dls_kwargs={'size': 8, 'bs': 8}, progress=False)

def kf(d, **kw):
    "A tiny k-fold run into a fresh folder."
    kf.n += 1
    return kfold_fit(d, fit_fn=fit_quiet(1), out_dir=W/f'kf{kf.n}', **{**KW, **kw})
kf.n = 0

@functools.cache
def base():
    "A finished run the prediction cases use."
    return kf(df)

def _copy_base(name):
    d = W/name; shutil.copytree(base().out_dir, d, dirs_exist_ok=True); return d

# --- seeded: bad seeds are refused before the global RNG state changes
def seeded_bad(s):
    st = random.getstate(), np.random.get_state()[1].copy(), torch.get_rng_state().clone()
    try:
        with seeded(s): pass
    finally:
        assert random.getstate() == st[0] and (np.random.get_state()[1] == st[1]).all() and torch.equal(torch.get_rng_state(), st[2]), 'global state changed'

# --- #11: duplicated items
def dup_items():
    d = pd.concat([df, df.iloc[:20]], ignore_index=True)     # 20 images listed twice
    return kf(d)

def no_item_on_both_sides(r):
    assert int((r.oof.groupby('item')['fold'].nunique() > 1).sum()) == 0
    assert len(r.oof) == N + 20

def dup_by_content():
    "Copies under other names are found with item_key='content'."
    copies = []
    for i, p in enumerate(df.path[:10]):
        q = W/f'copy{i}.png'; shutil.copyfile(p, q); copies.append(str(q))
    d = pd.concat([df, pd.DataFrame({'path': copies, 'label': df.label[:10].to_numpy()})], ignore_index=True)
    return kf(d, item_key='content')

def copies_in_one_fold(r):
    f = r.oof.fold.to_numpy()
    np.testing.assert_array_equal(f[N:], f[:10])

# --- #12: two writers
def second_writer():
    d = W/'locked'
    with run_lock(d): kfold_fit(df, fit_fn=fit_quiet(1), out_dir=d, **KW)

def lock_released_after_error():
    d = W/'released'
    with pytest.raises(ValueError): kfold_fit(df, fit_fn=fit_quiet(1), out_dir=d, folds=np.zeros(N, int), **KW)
    with run_lock(d): pass                                    # not left locked
    return d

# --- #13: a damaged fold
def truncate_model():
    d = _copy_base('damaged'); p = d/'models'/'fold1.pkl'; p.write_bytes(p.read_bytes()[:100]); return d

def damaged_resume():
    d = truncate_model(); fit = fit_quiet(1)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        r = kfold_fit(df, fit_fn=fit, out_dir=d, **KW)
    return r, fit, d, [str(o.message) for o in w]

def damaged_resume_ok(o):
    r, fit, d, msgs = o
    assert fit.calls == 1 and fold_state(d, 1) == 'done'
    assert any('fold 1' in m and 'damaged' in m for m in msgs)
    np.testing.assert_allclose(r.oof_probs, base().oof_probs, atol=1e-6)

def incomplete():
    d = _copy_base('gap'); shutil.rmtree(d/'fold0'); return d

# --- #17: multi-label scores
def all_negative():
    t = (np.random.default_rng(0).random((500, 92)) < 2 / 92).astype(np.float32)
    return score_probs(np.full((500, 92), 0.02), t, multi=True)

def all_negative_ok(s):
    assert s['accuracy_multi'] > 0.95 and s['f1_micro'] == 0 and s['f1_macro'] == 0 and s['map'] < 0.1

# --- rows at fold -1 (TRAIN_ONLY): the pseudo-labelling playbook, `pd.concat([df, pseudo_label(res, unlabelled)])`
EXTRA = (digits_df().groupby('label').head(6).groupby('label').tail(2).reset_index(drop=True)        # 20 more digits, as pseudo_label
         .assign(confidence=0.99, pseudo=True, fold=TRAIN_ONLY))                                     # returns its rows: index 0.., fold -1
PSEUDO = pd.concat([df, EXTRA])                  # no ignore_index: index labels repeat; fold NaN for df's rows, -1.0 for EXTRA's
F_GIVEN = np.r_[np.arange(N) % 2, np.full(len(EXTRA), TRAIN_ONLY)]

@functools.cache
def pseudo_run():
    "folds=None on the playbook's table, with a dls_fn that records each fold's training and validation items."
    seen = {}
    def spy(d, k):
        dls = image_dls(d, k, size=8, bs=8); seen[k] = set(dls.train.items.path), set(dls.valid.items.path); return dls
    return kf(PSEUDO, dls_fn=spy), seen

def pseudo_ok(o):
    r, seen = o; extra = set(EXTRA.path)
    assert len(seen) == 2 and all(extra <= tr and not extra & va for tr, va in seen.values()), 'a -1 row missed a training set or was validated'
    assert r.oof.item.tolist() == df.path.tolist() and r.oof.index.tolist() == list(range(N))     # exactly the validated rows, in order
    np.testing.assert_array_equal(r.folds, base().folds)                                            # dealt as without the -1 rows
    s = r.scores
    assert s.n.tolist() == [seen[0][1].__len__(), seen[1][1].__len__(), N] and s.n.iloc[:2].sum() == N
    np.testing.assert_allclose(s.loc['oof', ['accuracy', 'log_loss', 'ece']].to_numpy(float),
                               list(score_probs(r.oof_probs, r.targets).values())[:3], rtol=1e-5)
    assert np.isfinite(r.calibrated_probs).all() and r.temperatures.shape == (2,)
    fc = pd.read_csv(r.out_dir/'folds.csv')
    assert len(fc) == N + len(EXTRA) and (fc.fold == TRAIN_ONLY).sum() == len(EXTRA)               # folds.csv keeps the -1 rows
    assert len(pd.read_csv(r.out_dir/'oof.csv')) == N
    pd.testing.assert_frame_equal(KFoldResult.load(r.out_dir).oof, r.oof)

def pseudo_changed_rows():
    "The manifest covers the -1 rows: another pseudo-label on one of them is another run."
    d = pseudo_run()[0].out_dir
    other = PSEUDO.assign(label=np.where(np.arange(len(PSEUDO)) == N, '7' if PSEUDO.label.iloc[N] != '7' else '3', PSEUDO.label))
    return prepare_run(other, 2, d, seed=0, config={'arch': 'small', 'weights': None, 'size': 8, 'bs': 8})

def pseudo_resume():
    "Given folds with -1 rows, interrupted in fold 1: the rerun trains fold 1 only and equals the uninterrupted run."
    d = W/'pseudo_resume'
    with pytest.raises(RuntimeError, match='planted'): kfold_fit(PSEUDO, fit_fn=fit_quiet(1, fail_at=1), out_dir=d, folds=F_GIVEN, **KW)
    fit = fit_quiet(1)
    return kfold_fit(PSEUDO, fit_fn=fit, out_dir=d, folds=F_GIVEN, **KW), fit, kf(PSEUDO, folds=F_GIVEN)

def pseudo_resume_ok(o):
    r, fit, whole = o
    assert fit.calls == 1
    np.testing.assert_array_equal(r.folds, F_GIVEN[:N]); np.testing.assert_array_equal(r.oof_probs, whole.oof_probs)
    np.testing.assert_array_equal(r.temperatures, whole.temperatures)

def pseudo_read_oof():
    from fastaug.audit import read_oof
    return read_oof(pseudo_run()[0].out_dir)

def copy_at_minus1(by='path'):
    "A -1 row that is a validated image: the same path, or (item_key='content') the same bytes under another name."
    q = df.path[5] if by == 'path' else str(W/'pseudo_copy.png')
    if by == 'content': shutil.copyfile(df.path[5], q)
    return pd.concat([df, EXTRA.iloc[:1].assign(path=q)], ignore_index=True)

CASES = [
    # --- SILENT-WRONG in the sweep
    ('kfold_fit folds non-integer 0.5/1.7', lambda: kf(df, folds=np.where(np.arange(N) % 2, 1.7, 0.5)), ValueError,
     r'fold ids must be integers >= 0, or -1 for rows that train in every fold \(got 0\.5\) at row position\(s\) \[0, 1, 2, .*\(and 30 more\)$'),
    ('kfold_fit duplicated items (20 images listed twice)', dup_items, None, no_item_on_both_sides),
    ('kfold_fit duplicated content under other names', dup_by_content, None, copies_in_one_fold),
    ('prepare_run given folds split a duplicated image', lambda: prepare_run(pd.concat([df, df.iloc[:1]], ignore_index=True), folds=[0, 1] * 20 + [1],
                                                                               out_dir=W/'p1'), ValueError, r'same image \(by path\).*row position\(s\) \[0, 40\]'),
    # --- UNCLEAR in the sweep
    ('seeded seed=1.5', lambda: seeded_bad(1.5), ValueError, r'seed must be an int >= 0, got 1\.5'),
    ('seeded seed=None', lambda: seeded_bad(None), ValueError, r'seed must be an int >= 0, got None'),
    ("seeded seed='x'", lambda: seeded_bad('x'), ValueError, r"seed must be an int >= 0, got 'x'"),
    ('kfold_fit df a list', lambda: kf([1, 2]), TypeError, r'expected a pandas DataFrame, got list'),
    ("kfold_fit fold='1'", lambda: kf(df, fold='1'), ValueError, r"fold must be an int >= 0 or None, got '1'"),
    ('kfold_fit fold=0.5', lambda: kf(df, fold=0.5), ValueError, r'fold must be an int >= 0 or None, got 0\.5'),
    ('kfold_fit fold out of range', lambda: kf(df, fold=2), ValueError, r'fold must be an int in 0\.\.1, got 2'),
    ('kfold_fit seed=-1', lambda: kf(df, seed=-1), ValueError, r'seed must be an int >= 0 or None, got -1'),
    ('kfold_fit seed=1.5', lambda: kf(df, seed=1.5), ValueError, r'seed must be an int >= 0 or None, got 1\.5'),
    ('kfold_fit folds length mismatch', lambda: kf(df, folds=np.arange(10) % 2), ValueError, r'folds has 10 values for 40 rows: give one fold id per row'),
    ('kfold_fit folds with NaN', lambda: kf(df, folds=np.where(np.arange(N) == 0, nan, np.arange(N) % 2)), ValueError,
     r'fold ids must be integers >= 0, or -1 .*\(got nan\) at row position\(s\) \[0\]; rows without a fold: give them one, or pass folds=None'),
    ("kfold_fit folds strings ('a','b')", lambda: kf(df, folds=np.where(np.arange(N) % 2, 'a', 'b')), ValueError, r"fold ids must be integers >= 0, or -1 for rows that train in every fold \(got 'b'\)"),
    ('kfold_fit folds column name missing', lambda: kf(df, folds='kfold'), ValueError, r"column\(s\) \['kfold'\] not in the DataFrame"),
    ('kfold_fit folds all one id', lambda: kf(df, folds=np.zeros(N, int)), ValueError, r'single fold id: a k-fold run needs at least 2 folds'),
    ('kfold_fit folds with a gap', lambda: kf(df, folds=np.arange(N) % 2 * 2), ValueError, r'folds must use every id 0\.\.2; got ids \[0, 2\]'),
    ('kfold_fit item path missing on disk', lambda: kf(df.assign(path=['/nope/x.png'] + list(df.path[1:]))), FileNotFoundError,
     r"1 image file\(s\) not found, e\.g\. \['/nope/x\.png'\]"),
    ('kfold_fit n_splits=1', lambda: kf(df, n_splits=1), ValueError, r'n_splits must be an int >= 2, got 1'),
    ("kfold_fit item_key='hash'", lambda: kf(df, item_key='hash'), ValueError, r"item_key must be one of \['path', 'content'\], got 'hash'"),
    ('merge_kfold dirs=[]', lambda: merge_kfold([], W/'m0'), ValueError, r'merge_kfold needs at least one run folder'),
    ('ensemble_predict missing image', lambda: ensemble_predict(base(), ['/nope/a.png']), FileNotFoundError, r'/nope/a\.png'),
    ('ensemble_predict corrupt image', lambda: (W/'corrupt.png').write_bytes(b'not an image') and ensemble_predict(base(), [str(W/'corrupt.png')]),
     ValueError, r'not images PIL can read, e\.g\. \[.*corrupt\.png'),
    ('ensemble_predict items a single path string', lambda: ensemble_predict(base(), df.path[0]), None, lambda p: len(p) == 1 or pytest.fail(f'{len(p)} rows')),
    ('ensemble_predict items a folder', lambda: ensemble_predict(base(), str(W)), ValueError, r'items is a folder .*pass its image files'),
    ('ensemble_predict calibrate on a result without calibration', lambda: ensemble_predict(KFoldResult(**{**vars(base()), 'temperatures': None}), df.path[:2]),
     ValueError, r'no calibration: pass calibrate=False'),
    ('kfold_fit integer labels (a CSV read by pandas)', lambda: kf(df.assign(label=df.label.astype(int))), None,
     lambda r: (r.vocab == [str(i) for i in range(10)] and np.isfinite(r.oof_probs).all()) or pytest.fail(str(r.vocab))),
    # --- issue 12, k-fold defects
    ('#12 a second writer into a locked folder', second_writer, RunLockedError, r'locked is in use by another k-fold run \(pid \d+ on host .*wait for it to finish'),
    ('#12 the lock is released after an error', lock_released_after_error, None, lambda d: not (d/'.lock').exists() or pytest.fail('lock left')),
    ('#13 load refuses a truncated model', lambda: KFoldResult.load(truncate_model()), IncompleteRunError,
     r'fold 1 is damaged \(models/fold1\.pkl has 100 bytes, done\.json recorded \d+\); rerun kfold_fit'),
    ('#13 predict refuses a truncated model', lambda: ensemble_predict(truncate_model(), df.path[:2]), IncompleteRunError, r'fold 1 is damaged'),
    ('#13 resume retrains a damaged fold', damaged_resume, None, damaged_resume_ok),
    ('#13 an edited OOF file fails its checksum', lambda: (lambda d: (d/'fold0'/'oof.npz').write_bytes(b'x' * (d/'fold0'/'oof.npz').stat().st_size) and fold_state(d, 0))(_copy_base('edited')),
     None, lambda s: s == 'fold0/oof.npz does not match its checksum' or pytest.fail(s)),
    ('incomplete run names the missing fold', lambda: KFoldResult.load(incomplete()), IncompleteRunError, r'fold\(s\) \[0\] not finished: run them'),
    ('#17 multi-label all-negative predictor', all_negative, None, all_negative_ok),
    # --- rows at fold -1 (TRAIN_ONLY): train in every fold, never validated
    ('-1 rows, folds=None (pseudo-label playbook): train in every fold, no OOF row', pseudo_run, None, pseudo_ok),
    ('-1 rows: another label on a -1 row is another run', pseudo_changed_rows, ValueError, r'data changed'),
    ('-1 rows, given folds: resume trains the missing fold only', pseudo_resume, None, pseudo_resume_ok),
    ("-1 rows: audit's read_oof reads the run (validated rows)", pseudo_read_oof, None,
     lambda o: (len(o.probs) == N and (o.folds >= 0).all() and list(o.items) == df.path.tolist()) or pytest.fail(f'{len(o.probs)} rows')),
    ('-1 rows: ensemble_predict', lambda: ensemble_predict(pseudo_run()[0], EXTRA.path[:3].tolist()), None,
     lambda p: (len(p) == 3 and np.allclose(p.iloc[:, 2:].sum(1), 1, atol=1e-4)) or pytest.fail(str(p))),
    ("-1 rows: folds='fold' with the labelled rows at NaN", lambda: kf(PSEUDO, folds='fold'), ValueError,
     r'\(got nan\) at row position\(s\) \[0, 1, .*\(and 30 more\); rows without a fold: give them one, or pass folds=None'),
    ('-1 rows: fold -2', lambda: kf(df, folds=np.where(np.arange(N) == 3, -2, np.arange(N) % 2)), ValueError,
     r'fold ids must be integers >= 0, or -1 for rows that train in every fold \(got -2\) at row position\(s\) \[3\]$'),
    ('-1 rows: every row at -1 (folds=)', lambda: kf(df, folds=np.full(N, -1)), ValueError, r'every row is at fold -1 \(training only\): a k-fold run needs rows to validate'),
    ("-1 rows: every row at -1 (a 'fold' column, folds=None)", lambda: kf(df.assign(fold=-1)), ValueError, r"every row is at fold -1 \(training only\) in column 'fold'"),
    ('-1 rows: one real fold', lambda: kf(PSEUDO, folds=np.r_[np.zeros(N, int), F_GIVEN[N:]]), ValueError, r'single fold id: a k-fold run needs at least 2 folds'),
    ('-1 rows: a copy of a validated image (folds=None)', lambda: prepare_run(copy_at_minus1(), 2, W/'c1', seed=0), ValueError,
     r'same image \(by path\) or group are at fold -1 .* in a validation fold at row position\(s\) \[5, 40\]: a model would be scored on an image it trained on; drop'),
    ('-1 rows: a copy of a validated image (given folds)', lambda: prepare_run(copy_at_minus1(), folds=np.r_[np.arange(N) % 2, -1], out_dir=W/'c2'), ValueError,
     r'are at fold -1 .* at row position\(s\) \[5, 40\]'),
    ("-1 rows: the same bytes under another name (item_key='content')", lambda: prepare_run(copy_at_minus1('content'), 2, W/'c3', seed=0, item_key='content'),
     ValueError, r'same image \(by content\) or group are at fold -1 .* \[5, 40\]'),
    ('-1 rows: in the group of a validated row (group_col)', lambda: prepare_run(PSEUDO.assign(g=np.r_[np.arange(N), 7, np.arange(N + 1, N + len(EXTRA))]), 2, W/'c4',
                                                                                 seed=0, group_col='g'), ValueError, r'are at fold -1 .* \[7, 40\]'),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_kfold(case): check_case(*case)
