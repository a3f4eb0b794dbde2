"""The bad-input sweep's cases for `fastaug.kfold` (`../shared/findings/bad-input-sweep.md`, SILENT-WRONG and UNCLEAR rows),
and issue 12's k-fold defects (#11 duplicated items, #12 two writers, #13 a damaged fold, #17 multi-label scores), rows at
fold -1 (`TRAIN_ONLY`, e.g. pseudo-labels): training in every fold, never validated, and the second user trial's findings
K1-K7 and K12: fold columns, pseudo-labels of a k-fold run, multi-label delimiters, stale derived files, mixed label types,
damaged run files, merging a damaged fold, folds without a training batch; the third trial's T1-T2: label_delim, single-label
mode and label type checked on resume, answers in the labels' type; T5 a DataFrame to ensemble_predict; T6 a dls_fn not split
by the folds; T12 another fit_fn on resume; T10 calibration scored held out.

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result. Messages must name the offending value and say what to do.
`small_cnn` and `image_dls` moved to `fastaug.data`: their rows are in test_sweep_data.py.
"""
import atexit, functools, random, shutil, tempfile, warnings
from pathlib import Path
import numpy as np, pandas as pd, pytest, torch
from fastaug.test_utils import check_case
from fastaug.kfold import (kfold_fit, merge_kfold, ensemble_predict, seeded, prepare_run, run_lock, score_probs, KFoldResult,
                           RunLockedError, IncompleteRunError, fold_state, pseudo_label, DERIVED_FILES, read_manifest)
from fastaug.core import parse_labels
from fastaug.data import digits_df, image_dls, default_fit
from fastaug.folds import TRAIN_ONLY
from fastaug.test_utils import digits_folds, fit_quiet, pool_cnn
from fastai.learner import Learner, load_learner

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

def refused_clean(d, **kw):
    "`kf(d, **kw)`, checking that a refusal leaves no file in the run folder."
    try: return kf(d, **kw)
    except Exception:
        out = W/f'kf{kf.n}'
        left = sorted(p.name for p in out.glob('*')) if out.exists() else []
        assert not left, f'a refused run left {left}'
        raise

# --- TRIAL2 K2: pseudo_label of a k-fold run = ensemble_predict's calibrated ensemble with the run's views; Learners as before
@functools.cache
def flip_run(): return kf(df, tta='flip')

def pl_vs_predict(r):
    "pseudo_label keeping everything, and ensemble_predict, on the same images with their defaults."
    paths = EXTRA.path.tolist()
    return r, pseudo_label(r, paths, threshold=1e-6, verbose=False), ensemble_predict(r, paths), ensemble_predict(r, paths, views='none')

def pl_vs_predict_ok(o):
    r, pl, ep, plain = o; conf = ep[r.vocab].to_numpy().max(1)
    np.testing.assert_allclose(pl.confidence.to_numpy(), conf, rtol=1e-6)
    assert pl.label.astype(str).tolist() == ep.prediction.tolist()
    if r.out_dir.name != base().out_dir.name: assert not np.allclose(plain[r.vocab].to_numpy().max(1), conf), "the run's views were not used"
    p, t = r.calibrated_probs, r.targets; keep = p.max(1) >= 1e-6
    assert pl.attrs['pseudo_label']['est_precision'] == pytest.approx((p.argmax(1) == t)[keep].mean())   # precision of the calibrated OOF

@functools.cache
def int_run(): return kf(df.assign(label=df.label.astype(int)))

def int_pseudo_labels():
    "A run on integer labels gives integer pseudo-labels: appended to the table, the label column stays one type."
    pl = pseudo_label(int_run(), EXTRA.path.tolist(), threshold=1e-6, verbose=False)
    both = pd.concat([df.assign(label=df.label.astype(int)), pl])
    return both, parse_labels(both.label)

def fold_learner(): return load_learner(base().model_paths[0], cpu=True)

# --- TRIAL2 K3: multi-label predictions joined with the run's delimiter; class names with spaces stay whole
@functools.cache
def comma_run():
    "Two classes named with spaces in every row (so every prediction has both), and the digit."
    d = df.assign(label=df.label.map(lambda l: f'digit {l},in every row,also in every row'))
    return kfold_fit(d, fit_fn=fit_quiet(2, lr=1e-2), out_dir=W/'comma', label_delim=',', **KW)

def comma_ok(p):
    r = comma_run()
    assert r.label_delim == ',' and KFoldResult.load(r.out_dir).label_delim == ',' and read_manifest(r.out_dir)['label_delim'] == ','
    assert p.prediction.tolist() == [','.join(np.array(r.vocab)[row > 0.5]) for row in p[r.vocab].to_numpy()]
    assert all({'also in every row', 'in every row'} <= set(s.split(',')) for s in p.prediction), p.prediction.tolist()   # names with spaces whole

# --- TRIAL2 K4: files made from a run are removed when the run changes
def with_derived(name):
    d = _copy_base(name)
    for n in DERIVED_FILES: (d/n).write_text('made from the old run')
    return d

def derived_left(d): return [n for n in DERIVED_FILES if (Path(d)/n).exists()]

def derived_no_resume():
    d = with_derived('der_no_resume'); kfold_fit(df, fit_fn=fit_quiet(1), out_dir=d, resume=False, **KW); return d

def derived_retrain():
    d = with_derived('der_retrain'); p = d/'models'/'fold1.pkl'; p.write_bytes(p.read_bytes()[:100])
    kfold_fit(df, fit_fn=fit_quiet(1), out_dir=d, **KW); return d

def derived_nothing_trained():
    d = with_derived('der_kept'); kfold_fit(df, fit_fn=fit_quiet(1), out_dir=d, **KW); return d

def derived_merge():
    d = W/'der_merge'; d.mkdir(exist_ok=True)
    for n in DERIVED_FILES: (d/n).write_text('made from another run')
    merge_kfold([base().out_dir], d); return d

def derived_refused_no_resume():
    "resume=False with a refused argument: the old run and its files stay."
    d = with_derived('der_refused')
    with pytest.raises(ValueError, match="column 'fold' holds fold ids"):
        kfold_fit(df.assign(fold=np.arange(N) % 2), fit_fn=fit_quiet(1), out_dir=d, resume=False, **KW)
    return d

# --- TRIAL2 K6: damaged run files are named
def damaged_file(name, fn, how='truncate'):
    d = _copy_base(name); p = d/fn
    if how == 'truncate': p.write_bytes(p.read_bytes()[:len(p.read_bytes()) // 2])
    elif how == 'sort': pd.read_csv(p, index_col=0, keep_default_na=False, dtype=str).sort_values(['fold', 'item']).to_csv(p)   # as a spreadsheet would
    elif how == 'empty json': p.write_text('{}')
    return d

def repaired_by_rerun():
    "kfold_fit on the folder rewrites a damaged calibration.json and a re-sorted folds.csv (no fold trained)."
    d = damaged_file('k6_repair', 'calibration.json'); damaged_file('k6_repair', 'folds.csv', 'sort'); fit = fit_quiet(1)
    kfold_fit(df, fit_fn=fit, out_dir=d, **KW)
    return fit, KFoldResult.load(d)

def repaired_ok(o):
    fit, r = o
    assert fit.calls == 0
    np.testing.assert_array_equal(r.oof_probs, base().oof_probs); np.testing.assert_array_equal(r.temperatures, base().temperatures)

# --- TRIAL3 T1: a resume with another label_delim, single-label mode or label type is another run, refused before training
ABC = df.assign(label=np.array(['a,b', 'a,c', 'b,c'])[np.arange(N) % 3])     # reads as 3 classes, or as 3 labels with label_delim=','
ABC_FOLDS = np.arange(N) % 2

def relabelled_resume(name, first:dict, then:dict, d=None):
    "Fold 0 of a run with `first`, then a resume with `then`: the refusal must come before any training and leave the manifest as it was."
    d = d or W/name; first_kw = {'folds': ABC_FOLDS, **first}
    if not (d/'manifest.json').exists(): kfold_fit(first_kw.pop('df', ABC), fit_fn=fit_quiet(1), out_dir=d, fold=0, **{**KW, **first_kw})
    before, fit = (d/'manifest.json').read_text(), fit_quiet(1)
    try: kfold_fit(then.pop('df', ABC), fit_fn=fit, out_dir=d, **{**KW, 'folds': ABC_FOLDS, **then})
    finally: assert fit.calls == 0 and (d/'manifest.json').read_text() == before, 'trained, or the manifest was rewritten'

def merge_other_delims():
    "Single-fold jobs of one data set, folds and seed, but one read single-label and one multi-label: not one run."
    for k, delim in ((0, None), (1, ',')): kfold_fit(ABC, fit_fn=fit_quiet(1), out_dir=W/f't1job{k}', fold=k, folds=ABC_FOLDS, label_delim=delim, **KW)
    return merge_kfold([W/'t1job0', W/'t1job1'], W/'t1merged')

def old_manifest_resume():
    "A run recorded before the label type was part of the manifest resumes (what it records is compared) and answers in the labels' type."
    d = W/'t1old'; shutil.copytree(int_run().out_dir, d)
    m = read_manifest(d); del m['label_type'], m['functions']; (d/'manifest.json').write_text(__import__('json').dumps(m))
    fit = fit_quiet(1); r = kfold_fit(df.assign(label=df.label.astype(int)), fit_fn=fit, out_dir=d, **KW)
    return fit, r, read_manifest(d)

# --- TRIAL3 T2: a run on int (bool, ...) labels answers in the labels' type, as scikit-learn's classes_ and fastai's vocab do
DI = df.assign(label=df.label.astype(int))

def int_answers():
    r = int_run(); ep = ensemble_predict(r, DI.path.tolist())
    return r, ep, KFoldResult.load(r.out_dir)

def int_answers_ok(o):
    r, ep, loaded = o
    for oof in (r.oof, loaded.oof):
        assert oof.label.dtype.kind == 'i' and (oof.label == DI.label).all(), oof.label.head()
    assert [type(c) for c in r.classes] == [np.int64] * 10 and r.classes == list(range(10)) and r.vocab == [str(i) for i in range(10)]
    acc = (np.array(r.vocab)[ep[r.vocab].to_numpy().argmax(1)] == DI.label.astype(str)).to_numpy().mean()
    assert ep.prediction.dtype.kind == 'i' and acc > 0 and (ep.prediction == DI.label).mean() == acc, (ep.prediction.dtype, acc)
    assert (r.oof.label.to_numpy() == r.targets).all()            # targets index the classes: here class k is k

def bool_answers():
    d = df.assign(label=df.label.astype(int) % 2 == 0)
    r = kf(d); return d, r, ensemble_predict(r, d.path[:6].tolist())

def bool_answers_ok(o):
    d, r, ep = o
    assert r.oof.label.dtype == bool and (r.oof.label == d.label).all() and ep.prediction.dtype == bool, (r.oof.label.dtype, ep.prediction.dtype)
    assert r.classes == [False, True] and r.vocab == ['False', 'True']

# --- TRIAL3 T12: a resume with another fit_fn (a partial's arguments, a function's code) is refused before training
def fit_v1(learn):
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(1, 3e-3)

def fit_v2(learn):   # fit_v1 edited between two runs (same name, other code)
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(2, 3e-3)
fit_v2.__qualname__ = fit_v1.__qualname__

def refit_resume(name, first, then):
    "Fold 0 trained with `first`, then a resume with `then`; the refusal comes before any training."
    d, calls = W/name, []
    kfold_fit(df, fit_fn=first, out_dir=d, fold=0, **KW)
    spy = functools.wraps(then)(lambda learn: calls.append(1) or then(learn)) if not isinstance(then, functools.partial) else then
    try: return kfold_fit(df, fit_fn=spy, out_dir=d, **KW), calls
    except ValueError: assert not calls and len(list(d.glob('fold*/done.json'))) == 1, 'trained'; raise

# --- TRIAL3 T6: a dls_fn whose validation set is not fold k is refused before the fold trains
def shuffled_split(d, k):
    "image_dls on a shuffled fold column: DataLoaders built from the run's rows, but not split by its folds (as a RandomSplitter)."
    return image_dls(d.assign(fold=np.random.default_rng(1).permutation(d['fold'].to_numpy())), k, size=8, bs=8)

def wrong_split():
    fit = fit_quiet(1)
    try: kfold_fit(df, fit_fn=fit, dls_fn=shuffled_split, out_dir=W/'t6', **KW)
    finally: assert fit.calls == 0 and not list((W/'t6').glob('fold*/done.json')), 'a fold trained on the wrong split'

# --- TRIAL3 T10: the calibrated OOF scores are held out (each fold's rows calibrated by a temperature fitted on the other folds),
# and calibration is applied only when it lowers that held-out log-loss
def held_out_calibration(r):
    cal = __import__('json').loads((r.out_dir/'calibration.json').read_text()); o = r.scores.loc['oof']
    p, t, f = r.oof_probs, r.targets, r.folds
    from fastaug.kfold import fit_temperature, apply_temperature
    held = np.empty_like(p)
    for i in range(2): held[f == i] = apply_temperature(p[f == i], fit_temperature(p[f != i], t[f != i]))
    assert cal['held_out']['log_loss'] == pytest.approx(score_probs(held, t)['log_loss'], rel=1e-6)
    assert cal['applied'] == (cal['held_out']['log_loss'] < o['log_loss'])
    want = cal['held_out'] if cal['applied'] else {'log_loss': o['log_loss'], 'ece': o['ece']}
    assert (o['log_loss_calibrated'], o['ece_calibrated']) == pytest.approx((want['log_loss'], want['ece'])), (dict(o), cal)
    if not cal['applied']: assert set(np.ravel(r.temperatures)) == {1.0} and np.allclose(r.calibrated_probs, p, atol=1e-6)
    loaded = KFoldResult.load(r.out_dir).scores.loc['oof']
    assert (loaded['log_loss_calibrated'], loaded['ece_calibrated']) == pytest.approx((o['log_loss_calibrated'], o['ece_calibrated']))

def miscalibrated_folds():
    "Fold 0's model over-confident, fold 1's under-confident: each fold's temperature is wrong for the other, so held out it does not help."
    import hashlib, json
    from scipy.special import softmax
    from fastaug.kfold import finish_run
    d, t, rng = _copy_base('t10guard'), base().targets, np.random.default_rng(0)
    for k, (right, scale) in enumerate([(0.6, 3.0), (0.95, 0.3)]):
        fn = d/f'fold{k}'/'oof.npz'
        with np.load(fn) as z: rows, c = z['rows'], z['probs'].shape[1]
        pred = np.where(rng.random(len(rows)) < right, t[rows], (t[rows] + rng.integers(1, c, len(rows))) % c)
        z = rng.normal(size=(len(rows), c)); z[np.arange(len(rows)), pred] += 3
        with open(fn, 'wb') as f: np.savez(f, rows=rows, probs=softmax(z * scale, 1).astype(np.float32))
        done = json.loads((d/f'fold{k}'/'done.json').read_text())
        done['files'][f'fold{k}/oof.npz'] = {'size': fn.stat().st_size, 'sha256': hashlib.sha256(fn.read_bytes()).hexdigest()}
        (d/f'fold{k}'/'done.json').write_text(json.dumps(done))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always'); r = finish_run(d)
    return r, [str(o.message) for o in w]

def not_applied_ok(o):
    r, msgs = o; held_out_calibration(r)
    cal = __import__('json').loads((r.out_dir/'calibration.json').read_text())
    assert not cal['applied'] and cal['held_out']['log_loss'] >= cal['before']['log_loss'], cal
    assert any('temperature scaling would raise the log-loss of held-out OOF rows' in m and 'not applied (T=1)' in m for m in msgs), msgs

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
    # --- TRIAL2 K1: a `fold` column of fold ids is refused with folds=None, before anything is written
    ("K1 kfold_fit folds=None on a 'fold' column of ids 0..1", lambda: refused_clean(df.assign(fold=np.arange(N) % 2)), ValueError,
     r"^column 'fold' holds fold ids \[0, 1\], which folds=None would replace by new folds: pass folds='fold' to use them, or drop the column "
     r"\(df\.drop\(columns='fold'\)\) to deal new folds \(with folds=None a 'fold' column may hold only -1, rows that only train, and empty cells\)$"),
    ("K1 a 'fold' column of strings (a CSV read as text), with -1 rows", lambda: prepare_run(df.assign(fold=np.where(np.arange(N) < 3, '-1', (np.arange(N) % 3).astype(str))),
                                                                                    2, W/'k1s', seed=0), ValueError, r"holds fold ids \[0, 1, 2\]"),
    ("K1 a 'fold' column of other values", lambda: prepare_run(df.assign(fold=['a'] + [''] * (N - 1)), 2, W/'k1a', seed=0), ValueError, r"holds fold ids \['a'\]"),
    ("K1 a 'fold' column of -1 and empty cells keeps its meaning", lambda: prepare_run(df.assign(fold=np.where(np.arange(N) < 2, '-1', '')), 2, W/'k1e', seed=0),
     None, lambda r: (r.df.fold.tolist()[:2] == [-1, -1] and set(r.df.fold[2:]) == {0, 1}) or pytest.fail(str(r.df.fold.tolist()))),
    ("K1 folds='fold' uses the column", lambda: prepare_run(df.assign(fold=np.arange(N) % 2), folds='fold', out_dir=W/'k1u'), None,
     lambda r: (r.df.fold.tolist() == (np.arange(N) % 2).tolist()) or pytest.fail('other folds')),
    # --- TRIAL2 K2: pseudo_label of a k-fold run
    ('K2 pseudo_label(run) = ensemble_predict(run): calibrated', lambda: pl_vs_predict(base()), None, pl_vs_predict_ok),
    ("K2 pseudo_label(run) uses the run's TTA views (tta='flip')", lambda: pl_vs_predict(flip_run()), None, pl_vs_predict_ok),
    ('K2 pseudo_label(run folder)', lambda: pseudo_label(str(base().out_dir), EXTRA.path.tolist(), threshold=1e-6, verbose=False), None,
     lambda p: np.testing.assert_allclose(p.confidence, pl_vs_predict(base())[1].confidence, rtol=1e-6)),
    ('K2 pseudo_label of an integer-label run: integer labels, one type after concat', int_pseudo_labels, None,
     lambda o: (o[0].label.dtype.kind == 'i' and o[1][0] == 'single') or pytest.fail(str(o[0].label.dtype))),
    ('K2 pseudo_label of a multi-label run', lambda: pseudo_label(comma_run(), EXTRA.path.tolist()), ValueError, r'pseudo_label is for single-label runs; this run is multi-label'),
    ('K2 pseudo_label of a damaged run', lambda: pseudo_label(truncate_model(), EXTRA.path.tolist()), IncompleteRunError, r'fold 1 is damaged'),
    ('pseudo_label items missing files', lambda: pseudo_label(fold_learner(), ['/nope/a.png', '/nope/b.png'], verbose=False),
     FileNotFoundError, r"2 of the 2 items do not exist, e\.g\. \['/nope/a\.png'"),
    ('pseudo_label items DataFrame without the path column', lambda: pseudo_label(fold_learner(), pd.DataFrame({'file': df.path[:4]}), verbose=False),
     ValueError, r"cannot read these items \(KeyError: 'path'\).*columns given: \['file'\]"),
    ('pseudo_label model outputs != vocab', lambda: pseudo_label(Learner(fold_learner().dls, pool_cnn(3, c_in=3)), df.path[:8].tolist(), verbose=False),
     ValueError, r"the model gives 3 class probabilities but the vocab has 10 classes"),
    ('pseudo_label of a str', lambda: pseudo_label('/nope/run', df.path[:2].tolist()), IncompleteRunError, r'/nope/run: not a k-fold run folder \(no manifest\.json\)'),
    # --- TRIAL2 K3: multi-label predictions joined with the run's label_delim
    ("K3 ensemble_predict of a ','-delimited run, class names with spaces", lambda: ensemble_predict(comma_run(), df.path[:6].tolist()), None, comma_ok),
    # --- TRIAL2 K4: DERIVED_FILES go when the run changes, stay when it does not
    ('K4 resume=False removes the derived files', derived_no_resume, None, lambda d: not derived_left(d) or pytest.fail(str(derived_left(d)))),
    ('K4 retraining a damaged fold removes them', derived_retrain, None, lambda d: not derived_left(d) or pytest.fail(str(derived_left(d)))),
    ('K4 a resumed run with nothing to train keeps them', derived_nothing_trained, None, lambda d: derived_left(d) == list(DERIVED_FILES) or pytest.fail(str(derived_left(d)))),
    ('K4 merging folds into a folder removes them', derived_merge, None, lambda d: not derived_left(d) or pytest.fail(str(derived_left(d)))),
    ('K4 resume=False refused by a bad argument keeps the old run', derived_refused_no_resume, None,
     lambda d: (derived_left(d) == list(DERIVED_FILES) and KFoldResult.load(d).oof.shape == base().oof.shape) or pytest.fail('old run lost')),
    # --- TRIAL2 K5: a label column mixing types
    ('K5 parse_labels int and str', lambda: parse_labels(pd.Series([1, 2, '3', 4] * 5, dtype=object)), ValueError,
     r"^labels mix types \(15 int, 5 str; str at row position\(s\) \[2, 6, 10, 14, 18\]\), so 1 and '1' would be two classes: cast the label column "
     r"to one type, e\.g\. df\[col\]\.astype\(str\)$"),
    ('K5 kfold_fit on int labels with some str (relabel of an int column)', lambda: refused_clean(df.assign(label=[int(l) if i % 5 else l for i, l in enumerate(df.label)])),
     ValueError, r"labels mix types \(32 int, 8 str; str at row position\(s\) \[0, 5, 10, 15, 20, 25, 30, 35\]\).*df\[col\]\.astype\(str\)"),
    ('K5 a NaN among strings is still a missing label', lambda: parse_labels(['a', nan, 'b']), ValueError, r'^missing \(NaN/None\) label at row position\(s\) \[1\]$'),
    ('K5 numbers of several types are one kind', lambda: parse_labels([1, 2.5, np.int64(3)]), None, lambda r: r[0] == 'single' and r[1].tolist() == [0, 1, 2]),
    # --- TRIAL2 K6: an unreadable run file is named, with what to do
    ('K6 load: truncated calibration.json', lambda: KFoldResult.load(damaged_file('k6c', 'calibration.json')), IncompleteRunError,
     r"/k6c/calibration\.json is unreadable \(.+\): rerun kfold_fit on this folder to rewrite it$"),
    ('K6 predict: truncated calibration.json', lambda: ensemble_predict(damaged_file('k6c2', 'calibration.json'), df.path[:2]), IncompleteRunError,
     r"/k6c2/calibration\.json is unreadable \(.+\): rerun kfold_fit"),
    ('K6 load: calibration.json without temperatures', lambda: KFoldResult.load(damaged_file('k6e', 'calibration.json', 'empty json')), IncompleteRunError,
     r"/k6e/calibration\.json is unreadable \(no 'temperatures', 'fitted_on'\): rerun kfold_fit"),
    ('K6 load: truncated manifest.json', lambda: KFoldResult.load(damaged_file('k6m', 'manifest.json')), IncompleteRunError,
     r"/k6m/manifest\.json is unreadable \(.+\): the run's arguments cannot be checked: start over with resume=False \(--no-resume on the command line\), or restore the file$"),
    ('K6 kfold_fit resumes a folder with a truncated manifest.json', lambda: kfold_fit(df, fit_fn=fit_quiet(1), out_dir=damaged_file('k6m2', 'manifest.json'), **KW),
     IncompleteRunError, r"/k6m2/manifest\.json is unreadable"),
    ('K6 kfold_fit seed=None on a truncated manifest.json', lambda: kfold_fit(df, fit_fn=fit_quiet(1), out_dir=damaged_file('k6m3', 'manifest.json'), **{**KW, 'seed': None}),
     IncompleteRunError, r"/k6m3/manifest\.json is unreadable"),
    ('K6 predict: truncated manifest.json', lambda: ensemble_predict(damaged_file('k6m4', 'manifest.json'), df.path[:2]), IncompleteRunError, r"/k6m4/manifest\.json is unreadable"),
    ('K6 load: truncated folds.csv', lambda: KFoldResult.load(damaged_file('k6f', 'folds.csv')), IncompleteRunError,
     r"/k6f/folds\.csv (is unreadable \(.+\)|does not match manifest\.json \(.*\)): rerun kfold_fit on this folder to rewrite it$"),
    ('K6 load: folds.csv re-sorted by fold', lambda: KFoldResult.load(damaged_file('k6s', 'folds.csv', 'sort')), IncompleteRunError,
     r"/k6s/folds\.csv does not match manifest\.json \(items, labels or folds edited, re-sorted or cut short\): rerun kfold_fit on this folder to rewrite it$"),
    ('K6 load: truncated scores.json', lambda: KFoldResult.load(damaged_file('k6j', 'scores.json')), IncompleteRunError, r"/k6j/scores\.json is unreadable \(.+\): rerun kfold_fit"),
    ('K6 kfold_fit rewrites a damaged calibration.json and folds.csv', repaired_by_rerun, None, repaired_ok),
    # --- TRIAL2 K7: merge_kfold names the source folder of a damaged fold
    ('K7 merge: a damaged fold in a source', lambda: merge_kfold([truncate_model()], W/'k7out'), IncompleteRunError,
     r"/damaged: fold 1 is damaged \(models/fold1\.pkl has 100 bytes, done\.json recorded \d+\); rerun kfold_fit on this folder \(resume\)"),
    ('K7 merge: a fold damaged in one source and done in another', lambda: merge_kfold([truncate_model(), base().out_dir], W/'k7ok'), None,
     lambda r: np.testing.assert_array_equal(r.oof_probs, base().oof_probs)),
    ('K7 merge: a source with a re-sorted folds.csv', lambda: merge_kfold([damaged_file('k7s', 'folds.csv', 'sort')], W/'k7sout'), IncompleteRunError,
     r"/k7s/folds\.csv does not match manifest\.json"),
    # --- TRIAL2 K12: a fold with fewer training rows than the batch size
    ('K12 bs=64 on 20 training rows per fold', lambda: refused_clean(df, dls_kwargs={'size': 8, 'bs': 64}), ValueError,
     r"^fold 0 has 20 training rows, fewer than the batch size bs=64: fastai drops the last partial batch, so the fold would train on nothing; lower bs \(e\.g\. bs=8\)$"),
    ("K12 image_dls's default bs", lambda: refused_clean(df, dls_kwargs={'size': 8}), ValueError, r"^fold 0 has 20 training rows, fewer than the batch size bs=64"),
    ('K12 bs equal to the training rows trains', lambda: kf(df, dls_kwargs={'size': 8, 'bs': 20}), None, lambda r: len(r.oof) == N),
    ('K12 a dls_fn without a training batch', lambda: kf(df, dls_fn=lambda d, k: image_dls(d, k, size=8, bs=32)), ValueError,
     r"^fold 0 has 20 training rows, fewer than the batch size bs=32: fastai drops the last partial batch, so the fold would train on nothing; lower bs$"),
    # --- TRIAL3 T1: resuming with another label_delim / single-label mode / label type is refused, before training, with the difference
    ("T1 resume of a single-label run with label_delim=','", lambda: relabelled_resume('t1a', {}, {'label_delim': ','}), ValueError,
     r"t1a holds a k-fold run with other arguments \(label_delim: None -> ','; classes: \['a,b', 'a,c', 'b,c'\] -> \['a', 'b', 'c'\]\); use another out_dir, "
     r"or start over with resume=False \(--no-resume on the command line\)$"),
    ("T1 resume of a ','-delimited run single-label", lambda: relabelled_resume('t1b', {'label_delim': ','}, {}), ValueError,
     r"\(label_delim: ',' -> None; classes: \['a', 'b', 'c'\] -> \['a,b', 'a,c', 'b,c'\]\)"),
    ("T1 resume with another delimiter, same classes", lambda: relabelled_resume('t1c', {'label_delim': ','}, {'label_delim': ';', 'df': ABC.assign(label=ABC.label.str.replace(',', ';'))}),
     ValueError, r"\(data changed; label_delim: ',' -> ';'\)"),
    ('T1 resume of an int-label run with str labels', lambda: relabelled_resume('t1d', {'df': DI}, {'df': df}), ValueError, r"\(label type: int64 -> str\)"),
    ('T1 merge of jobs read single- and multi-label', merge_other_delims, ValueError,
     r"t1job1 and .*t1job0 are different runs \(label_delim, multi, vocab differ\)$"),
    ('T1 a run recorded without a label type resumes, compared on what it records', old_manifest_resume, None,
     lambda o: (o[0].calls == 0 and o[2]['label_type'] == 'int64' and o[1].oof.label.dtype.kind == 'i') or pytest.fail(str(o[2]))),
    # --- TRIAL3 T2: int / bool labels in, the same type out (oof, ensemble_predict; pseudo_label above)
    ('T2 int labels: oof.label, classes and predictions are ints; prediction == label is the accuracy', int_answers, None, int_answers_ok),
    ('T2 bool labels: bools out', bool_answers, None, bool_answers_ok),
    # --- TRIAL3 T5/T6
    ("T5 ensemble_predict of a DataFrame: its item column", lambda: ensemble_predict(base(), df.iloc[:3]), None,
     lambda p: (p.item.tolist() == df.path[:3].tolist()) or pytest.fail(str(p.item.tolist()))),
    ("T5 ensemble_predict of a DataFrame without the item column", lambda: ensemble_predict(base(), df[['label']].rename(columns={'label': 'file'})), ValueError,
     r"^items is a DataFrame without the run's item column 'path' \(columns: \['file'\]\): pass its column of images, e\.g\. df\['file'\]$"),
    ('T6 a dls_fn not split by the folds: refused before training', wrong_split, ValueError,
     r"^dls_fn's validation set for fold 0 has 20 items, \d+ of them in fold 0, which has 20, and its training set \d+ items of fold 0: "
     r"build the DataLoaders from the DataFrame given to dls_fn, with FoldSplitter\(fold\)$"),
    ('T12 resume with partial(default_fit) of other epochs', lambda: refit_resume('t12a', functools.partial(default_fit, epochs=1), functools.partial(default_fit, epochs=2, lr=1e-2)),
     ValueError, r"\(fit_fn: 'fastaug\.data\.default_fit\(epochs=1\)' -> 'fastaug\.data\.default_fit\(epochs=2, lr=0\.01\)'\); use another out_dir"),
    ('T12 resume with a fit function edited (same name)', lambda: refit_resume('t12b', fit_v1, fit_v2), ValueError,
     r"\(fit_fn: '.*fit_v1 \(code [0-9a-f]{16}\)' -> '.*fit_v1 \(code [0-9a-f]{16}\)'\)"),
    ('T12 resume with the same function resumes (fold 1 only)', lambda: refit_resume('t12c', fit_v1, fit_v1), None, lambda o: (o[1] == [1] and len(o[0].oof) == N) or pytest.fail(str(o[1]))),
    ('T10 calibration scored on held-out OOF rows, applied only when it helps (a run)', base, None, held_out_calibration),
    ('T10 the same on an integer-label run', int_run, None, held_out_calibration),
    ('T10 calibration that would not help held out is not applied (T=1), with a warning', miscalibrated_folds, None, not_applied_ok),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_kfold(case): check_case(*case)
