"""The bad-input sweep's cases for `fastaug.folds` (`../shared/findings/bad-input-sweep.md`, SILENT-WRONG and UNCLEAR rows).

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result. Messages must name the offending value and say what to do.
"""
import warnings
import numpy as np, pandas as pd, pytest
from fastaug.test_utils import check_case
import scipy.sparse as sp
from fastaug.folds import (stratified_folds, fold_deviation, add_folds, FoldSplitter, KFoldSplitter,
                           MultilabelStratifiedKFold, fold_report, plot_folds, TRAIN_ONLY)

nan = np.nan
df = pd.DataFrame({'path': [f'{i}.png' for i in range(20)], 'label': list('aabbb') * 4, 'fold': np.arange(20) % 2})
dn = df.assign(fold=df.fold.astype(float).where(np.arange(20) != 3))      # row 3 has no fold
d8 = pd.DataFrame({'tags': ['a b', 'b', 'a', 'c a', 'b c', 'a', 'b', 'c']})
y = np.array([0, 0, 0, 1, 1, 0, 1, 1, 1, 0]); f = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
base = np.arange(20) % 3
X6, Y6 = np.zeros((12, 2)), np.tile([[1, 0], [0, 1], [1, 1]], (4, 1))
itm = [(i % 3, (i * 7) % 5) for i in range(40)]
items = [f'{c}/{i}.png' for i, c in enumerate('abcd' * 5)]

def _df_items():
    "fastai's everyday pattern: a DataFrame source, ColReader getters (defect 2)."
    from fastai.data.block import DataBlock
    from fastai.data.transforms import ColReader
    return DataBlock(get_x=ColReader('path'), get_y=ColReader('label'), splitter=KFoldSplitter(0, 2, get_y=ColReader('label'))).datasets(df)

def _df_items_ok(dsets):
    valid = np.flatnonzero(stratified_folds(df.label, 2, seed=0) == 0)
    assert sorted(dsets.splits[1]) == valid.tolist() and len(dsets.splits[0]) + len(valid) == len(df)

def _two_lambdas():
    "Two splitters over the same items with different labelling functions (defect 3: the old cache returned the first's folds)."
    return KFoldSplitter(0, 5, get_y=lambda o: o[0]).folds(itm), KFoldSplitter(0, 5, get_y=lambda o: o[1]).folds(itm)

def _two_lambdas_ok(r):
    f1, f2 = r
    np.testing.assert_array_equal(f1, stratified_folds([o[0] for o in itm], 5, seed=0))
    np.testing.assert_array_equal(f2, stratified_folds([o[1] for o in itm], 5, seed=0))
    c = pd.crosstab(np.array([o[1] for o in itm]), f2).to_numpy()
    assert (c.max(1) - c.min(1) <= 1).all()          # the second splitter's own labels are stratified

def _gap_ok(r): assert np.isfinite(r) and abs(r - fold_deviation(y, f)) < 1e-12

def _fold_col_kept(o): assert (o.label == df.label).all() and 'fold2' in o

# --- TRIAL1 F8: pseudo_label's rows carry fold -1 ("training in every fold"); every reader of fold ids must agree
pl = pd.DataFrame({'path': [f'u{i}.png' for i in range(4)], 'label': list('abba'), 'confidence': .99, 'pseudo': True, 'fold': TRAIN_ONLY})
both = pd.concat([df, pl], ignore_index=True)                        # what 07_transforms says to do with pseudo_label's rows
PL_ROWS = list(range(20, 24))

def _pl_train_ok(r):
    trn, val = r
    assert set(PL_ROWS) <= set(trn) and not set(PL_ROWS) & set(val)
    assert sorted(val) == np.flatnonzero(df.fold == 1).tolist() and len(trn) + len(val) == len(both)

def _pl_report_ok(rep):
    assert rep.index.tolist() == [0, 1, -1, 'all'] and rep.loc[-1, 'n'] == 4 and np.isnan(rep.loc[-1, 'max_dev'])
    assert rep.loc['all', 'n'] == 24 and abs(rep.loc['all', 'max_dev'] - fold_deviation(df.label, df.fold)) < 1e-12

def _pl_plot_ok(ax):
    import matplotlib.pyplot as plt
    assert [t.get_text() for t in ax.get_xticklabels()] == ['0', '1', '-1 (train only)', 'all']
    plt.close('all')

def _dev_ok(r): assert abs(r - fold_deviation(df.label, df.fold)) < 1e-12, r

def _kept_ok(o):
    assert (o.fold.iloc[20:] == TRAIN_ONLY).all() and set(o.fold.iloc[:20]) == {0, 1}
    np.testing.assert_array_equal(o.fold.iloc[:20], stratified_folds(df.label, 2, seed=1))

def _pl_weighted():
    from fastai.data.block import DataBlock, CategoryBlock
    from fastai.data.transforms import ColReader
    from fastaug.sampling import weighted_dls
    dblock = DataBlock((CategoryBlock, CategoryBlock), get_x=ColReader('label'), get_y=ColReader('label'), splitter=FoldSplitter(1))
    return weighted_dls(dblock, both, bs=4, seed=0)

def _pl_weighted_ok(dls):
    assert sorted(dls.valid.items.index) == np.flatnonzero(both.fold == 1).tolist()
    assert set(PL_ROWS) <= set(dls.train.items.index)

def _pseudo_label_rows():
    "`pseudo_label`'s own output appended to a labelled table with folds, split by FoldSplitter."
    from fastai.vision.all import DataBlock, ImageBlock, PILImageBW, CategoryBlock, ColReader, Learner
    from fastaug.data import digits_df
    from fastaug.test_utils import pool_cnn
    from fastaug.kfold import pseudo_label
    d = digits_df()
    lab = add_folds(d.groupby('label').head(6).reset_index(drop=True), 2, seed=0)
    unlab = d[~d.path.isin(lab.path)].iloc[::300][['path']]
    dblk = DataBlock((ImageBlock(cls=PILImageBW), CategoryBlock), get_x=ColReader('path'), get_y=ColReader('label'), splitter=FoldSplitter(0))
    learn = Learner(dblk.dataloaders(lab, bs=16, num_workers=0), pool_cnn(10))
    out = pseudo_label(learn, unlab, threshold=1e-6, views='none', verbose=False)    # every item kept
    return out, pd.concat([lab, out], ignore_index=True), len(lab)

def _pseudo_label_rows_ok(r):
    out, tab, n = r
    assert (out.fold == TRAIN_ONLY).all() and len(out) == 6
    for k in (0, 1):
        trn, val = FoldSplitter(k)(tab)
        assert set(range(n, n + 6)) <= set(trn) and max(val) < n

def _two_splits(make):
    "Whether two `split` calls of a fresh splitter from `make` give the same test folds (multi-label toy data)."
    Y = (np.random.default_rng(0).random((60, 4)) < 0.3).astype(int); X = np.zeros((60, 1))
    a, b = ([t.tolist() for _, t in make().split(X, Y)] for _ in range(2))
    return a == b

def _iterstrat(**kw):
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold as IterstratMSKF
    return IterstratMSKF(5, **kw)

CASES = [
    # --- SILENT-WRONG in the sweep
    ('stratified_folds y with NaN', lambda: stratified_folds(['a', nan, 'b', 'a', 'b', 'a'], 2), ValueError, r'missing \(NaN/None\) label at row position\(s\) \[1\]'),
    ('stratified_folds sparse multi-hot with 3', lambda: stratified_folds(sp.csr_matrix(np.array([[1, 0], [0, 3], [1, 1], [0, 1]])), 2, seed=0),
     ValueError, r'multi-hot \(0/1\); other values \(3, .*row position\(s\) \[1\]'),
    ('stratified_folds sparse multi-hot with -1', lambda: stratified_folds(sp.csr_matrix(np.array([[1, 0], [0, -1], [1, 1], [0, 1]])), 2, seed=0),
     ValueError, r'multi-hot \(0/1\); other values \(-1, .*row position\(s\) \[1\]'),
    ('fold_deviation fold ids with a gap {0,2}', lambda: fold_deviation(y, f * 2), None, _gap_ok),
    ('fold_deviation order=3', lambda: fold_deviation(y, f, order=3), ValueError, r'order must be one of \[1, 2\], got 3'),
    ('add_folds fold_col == label_col', lambda: add_folds(df, 2, fold_col='label', seed=0), ValueError, r"fold_col='label' would overwrite the label .*pass another fold_col"),
    ('FoldSplitter fold col with NaN', lambda: FoldSplitter(1)(dn), ValueError, r"column 'fold' must be integer fold ids .*NaN marks a row without a fold.*row position\(s\) \[3\]"),
    ('KFoldSplitter fold=1.5', lambda: KFoldSplitter(1.5, 5)(items), ValueError, r'fold must be an int in 0\.\.4, got 1\.5'),
    ('KFoldSplitter two get_y lambdas, same items', _two_lambdas, None, _two_lambdas_ok),
    # --- UNCLEAR in the sweep
    ('stratified_folds seed=-1', lambda: stratified_folds(base, 2, seed=-1), ValueError, r'seed must be an int >= 0 or None, got -1'),
    ('stratified_folds seed=1.5', lambda: stratified_folds(base, 2, seed=1.5), ValueError, r'seed must be an int >= 0 or None, got 1\.5'),
    ("stratified_folds seed='x'", lambda: stratified_folds(base, 2, seed='x'), ValueError, r"seed must be an int >= 0 or None, got 'x'"),
    ('stratified_folds groups 2-D', lambda: stratified_folds(base, 2, groups=np.zeros((20, 2))), ValueError, r'groups must be 1-D, one group per row; got shape \(20, 2\)'),
    ('fold_deviation folds shorter than y', lambda: fold_deviation(y, f[:6]), ValueError, r'folds must be 1-D with one fold id per row \(10 rows\); got shape \(6,\)'),
    ('fold_deviation folds longer than y', lambda: fold_deviation(y[:6], f), ValueError, r'one fold id per row \(6 rows\); got shape \(10,\)'),
    ('fold_deviation negative fold ids', lambda: fold_deviation(y, f - 2), ValueError, r'integer fold ids >= 0, or -1 .*other values \(-2, .*row position\(s\) \[0, 1, 2, 3\]'),
    ('fold_deviation float fold ids 0.5', lambda: fold_deviation(y, f + 0.5), ValueError, r'integer fold ids >= 0.*0\.5.*row position\(s\) \[0, 1'),
    ('fold_deviation string fold ids', lambda: fold_deviation(y, f.astype(str)), ValueError, r"integer fold ids >= 0.*'0'"),
    ('fold_deviation empty', lambda: fold_deviation([], []), ValueError, r'y is empty'),
    ('fold_deviation folds with NaN', lambda: fold_deviation(y, np.where(f == 0, nan, f)), ValueError, r'NaN marks a row without a fold.*row position\(s\) \[0, 1, 2, 3\]'),
    ('add_folds df is a list', lambda: add_folds([1, 2, 3], 2), TypeError, r'expected a pandas DataFrame, got list'),
    ('add_folds df is a Series', lambda: add_folds(df['label'], 2), TypeError, r'expected a pandas DataFrame, got Series'),
    ("add_folds label_delim=''", lambda: add_folds(d8, 2, label_col='tags', label_delim=''), ValueError, r"label_delim must be a non-empty string, got ''"),
    ("KFoldSplitter n_splits='5'", lambda: KFoldSplitter(0, '5'), ValueError, r"n_splits must be an int >= 2, got '5'"),
    ('KFoldSplitter n_splits=0', lambda: KFoldSplitter(0, 0), ValueError, r'n_splits must be an int >= 2, got 0'),
    ('KFoldSplitter items are a DataFrame, get_y=ColReader', _df_items, None, _df_items_ok),
    ('MultilabelStratifiedKFold y=None', lambda: list(MultilabelStratifiedKFold(2).split(X6, None)), ValueError, r'y is None: pass the labels'),
    ('MultilabelStratifiedKFold X=None', lambda: list(MultilabelStratifiedKFold(2).split(None, Y6)), ValueError, r'X is None: pass the samples'),
    ('MultilabelStratifiedKFold random_state=-1', lambda: list(MultilabelStratifiedKFold(2, random_state=-1).split(X6, Y6)), ValueError,
     r'random_state must be an int >= 0 or None, got -1'),
    ('fold_report not a DataFrame', lambda: fold_report([1, 2, 3]), TypeError, r'expected a pandas DataFrame, got list'),
    ('plot_folds ax not an Axes', lambda: plot_folds(df, ax='x'), TypeError, r'ax must be a matplotlib Axes .*got str'),
    # --- more of the same kind
    ('FoldSplitter float fold ids 0.5/1.7', lambda: FoldSplitter(1)(df.assign(fold=np.where(df.fold == 1, 1.7, 0.5))), ValueError, r"column 'fold' must be integer fold ids .*0\.5"),
    ('FoldSplitter string fold ids', lambda: FoldSplitter(1)(df.assign(fold=df.fold.astype(str))), ValueError, r"column 'fold' must be integer fold ids .*'0'"),
    ('FoldSplitter fold=1.5', lambda: FoldSplitter(1.5), ValueError, r'fold must be an int >= 0, got 1\.5'),
    ('FoldSplitter fold=True', lambda: FoldSplitter(True), ValueError, r'fold must be an int >= 0, got True'),
    ('FoldSplitter float column of whole numbers', lambda: FoldSplitter(1)(df.assign(fold=df.fold.astype(float))), None,
     lambda r: np.testing.assert_array_equal(sorted(r[1]), np.flatnonzero(df.fold == 1))),
    ('KFoldSplitter seed=-1', lambda: KFoldSplitter(0, 5, seed=-1), ValueError, r'seed must be an int >= 0 or None, got -1'),
    ("KFoldSplitter seed='x'", lambda: KFoldSplitter(0, 5, seed='x'), ValueError, r"seed must be an int >= 0 or None, got 'x'"),
    ('KFoldSplitter DataFrame items without get_y', lambda: KFoldSplitter(0, 2)(df), ValueError, r"the items are a DataFrame: pass get_y \(e\.g\. ColReader\('label'\)\)"),
    ('KFoldSplitter order=3', lambda: KFoldSplitter(0, 2, order=3), ValueError, r'order must be one of \[1, 2\], got 3'),
    ('add_folds fold_col == group_col', lambda: add_folds(df.assign(g=np.arange(20) // 2), 2, group_col='g', fold_col='g'), ValueError, r"fold_col='g' would overwrite"),
    ("add_folds fold_col='path' (not fold ids)", lambda: add_folds(df, 2, fold_col='path'), ValueError, r"fold_col='path' would overwrite column 'path' \((object|str)\), which holds no fold ids"),
    ('add_folds again over an int fold column', lambda: add_folds(df, 2, seed=0), None, lambda o: np.testing.assert_array_equal(o.fold, stratified_folds(df.label, 2, seed=0))),
    ('add_folds new fold column keeps labels', lambda: add_folds(df, 2, fold_col='fold2', seed=0), None, _fold_col_kept),
    ('add_folds label NaN', lambda: add_folds(df.assign(label=df.label.where(np.arange(20) != 5)), 2), ValueError, r'row position\(s\) \[5\]'),
    ('stratified_folds n_splits=2.0', lambda: stratified_folds(base, 2.0), ValueError, r'n_splits must be an int >= 2, got 2\.0'),
    ('stratified_folds groups with NaN', lambda: stratified_folds(base, 2, groups=np.where(np.arange(20) == 4, nan, np.arange(20) // 2)), ValueError,
     r'NaN/None group .*row position\(s\) \[4\]'),
    ('MultilabelStratifiedKFold n_splits=1', lambda: MultilabelStratifiedKFold(1), ValueError, r'n_splits must be an int >= 2, got 1'),
    ('MultilabelStratifiedKFold n_splits=1.5', lambda: MultilabelStratifiedKFold(1.5), ValueError, r'n_splits must be an int >= 2, got 1\.5'),
    ('MultilabelStratifiedKFold n_splits=2.0', lambda: MultilabelStratifiedKFold(2.0), ValueError, r'n_splits must be an int >= 2, got 2\.0'),
    ('MultilabelStratifiedKFold shuffle=None', lambda: MultilabelStratifiedKFold(2, shuffle=None), TypeError, r'shuffle must be True or False, got None'),
    ('MultilabelStratifiedKFold random_state without shuffle', lambda: MultilabelStratifiedKFold(2, shuffle=False, random_state=0), ValueError,
     r'random_state=0 has no effect since shuffle is False'),
    ('MultilabelStratifiedKFold X and y lengths differ', lambda: list(MultilabelStratifiedKFold(2).split(X6[:5], Y6)), ValueError, r'X has 5 rows but y has 12'),
    ('fold_report fold col with NaN', lambda: fold_report(dn), ValueError, r"column 'fold' must be integer fold ids .*row position\(s\) \[3\]"),
    # --- TRIAL1 F8: fold -1 is training in every fold (pseudo_label's rows), everywhere in folds
    ('F8 FoldSplitter fold -1 rows train', lambda: FoldSplitter(1)(both), None, _pl_train_ok),
    ('F8 fold_report fold -1 row of its own', lambda: fold_report(both), None, _pl_report_ok),
    ('F8 plot_folds fold -1 bar', lambda: plot_folds(both), None, _pl_plot_ok),
    ('F8 weighted_dls with FoldSplitter and fold -1', _pl_weighted, None, _pl_weighted_ok),
    ('F8 fold_deviation leaves fold -1 out', lambda: fold_deviation(both.label, both.fold), None, _dev_ok),
    ('F8 add_folds keeps fold -1 rows', lambda: add_folds(both, 2, seed=1), None, _kept_ok),
    ('F8 pseudo_label output with FoldSplitter', _pseudo_label_rows, None, _pseudo_label_rows_ok),
    ('F8 NaN fold: the message offers -1, not a validation fold', lambda: FoldSplitter(1)(both.assign(fold=both.fold.where(both.index != 21))), ValueError,
     r"give it a fold id, or -1 to keep it out of every validation fold.*row position\(s\) \[21\]"),
    ('F8 fold -2 refused', lambda: FoldSplitter(1)(both.assign(fold=both.fold.replace(-1, -2))), ValueError, r"or -1 for rows that train in every fold.*\(-2, \.\.\.\)"),
    # --- TRIAL3 minor note: which splitters give the same folds on two `split` calls (01_folds' table)
    ('TRIAL3 iterstrat MultilabelStratifiedKFold() draws new folds per split, as fastaug\'s default',
     lambda: (pytest.importorskip('iterstrat'), _two_splits(_iterstrat), _two_splits(lambda: MultilabelStratifiedKFold(5)))[1:], None, lambda r: r == (False, False)),
    ('TRIAL3 MultilabelStratifiedKFold(random_state=0): the same folds per split, iterstrat\'s and fastaug\'s',
     lambda: (pytest.importorskip('iterstrat'), _two_splits(lambda: _iterstrat(shuffle=True, random_state=0)), _two_splits(lambda: MultilabelStratifiedKFold(5, random_state=0)),
              _two_splits(lambda: MultilabelStratifiedKFold(5, shuffle=False)))[1:], None, lambda r: r == (True, True, True)),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_folds(case): check_case(*case)
