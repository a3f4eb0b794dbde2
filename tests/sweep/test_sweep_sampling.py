"""The bad-input sweep's cases for `fastaug.sampling` (`../shared/findings/bad-input-sweep.md`, SILENT-WRONG and UNCLEAR rows).

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result. Messages must name the offending value and say what to do.
"""
import re, warnings
import numpy as np, pandas as pd, pytest
from fastaug.test_utils import check_case
from fastaug.sampling import (oversample, undersample, class_weights, item_weights, WeightedTrainDL, balanced_holdout,
                              check_leakage)

nan = np.nan
df = pd.DataFrame({'path': [f'{i}.png' for i in range(20)], 'label': list('aaaab') * 4, 'fold': np.arange(20) % 3})
dml = df.assign(label=[['a', 'b'] if i % 2 else ['a'] for i in range(20)])
dset = list(range(10))

def _multi_hot_ok(w):
    "A 2-D multi-hot array gives the weights of the same labels as lists: label 0 has 3 positive rows, label 1 has 2."
    pd.testing.assert_series_equal(w, class_weights([[0], [1], [0, 1], [0]]))
    np.testing.assert_allclose(w.to_numpy(), [4 / 6, 4 / 4])

def _is_valid_ok(o):
    "A fastai `is_valid` column: `True` holds those rows out; only the others are repeated."
    assert (o[o.is_valid].drop(columns='copy').reset_index(drop=True) == df[df.fold == 0].assign(is_valid=True).reset_index(drop=True)).all().all()
    assert o[~o.is_valid].label.value_counts().nunique() == 1

SUB = df.set_axis(1000 + 7 * np.arange(len(df)))   # index labels that are not 0..n-1, as a filtered or sampled frame has

def _index_kept(o):
    "`df`'s index labels are kept, a repeat carrying its original's (as `sample(replace=True)`): joining back by index finds each row's own item."
    assert o.index[:len(SUB)].equals(SUB.index) and o.index.isin(SUB.index).all() and (o['copy'] > 0).any()
    assert (SUB.loc[o.index, 'path'].to_numpy() == o.path.to_numpy()).all()

CASES = [
    # --- SILENT-WRONG in the sweep
    ('oversample fold=True', lambda: oversample(df, True, seed=0), ValueError, r"fold=True is a bool, but column 'fold' holds fold ids such as \[0, 1, 2\]"),
    # --- UNCLEAR in the sweep
    ('oversample seed=-1', lambda: oversample(df, 0, seed=-1), ValueError, r'seed must be an int >= 0 or None, got -1'),
    ("oversample seed='x'", lambda: oversample(df, 0, seed='x'), ValueError, r"seed must be an int >= 0 or None, got 'x'"),
    ('class_weights 2-D multi-hot array', lambda: class_weights(np.array([[1, 0], [0, 1], [1, 1], [1, 0]])), None, _multi_hot_ok),
    ('WeightedTrainDL dataset=None (the default)', lambda: WeightedTrainDL(), TypeError, r'WeightedTrainDL needs a dataset'),
    ('WeightedTrainDL wgts strings', lambda: WeightedTrainDL(dset, wgts=['a'] * 10), TypeError, r"wgts must be numbers, one per item; got \['a', 'a', 'a'\]"),
    ('balanced_holdout empty df', lambda: balanced_holdout(df.iloc[:0]), ValueError, r'df has no rows'),
    ('balanced_holdout multi-label', lambda: balanced_holdout(dml), TypeError, r'balanced_holdout is single-label.*add_folds'),
    ('check_leakage item NaN on both sides', lambda: check_leakage(pd.DataFrame({'path': [nan, nan, 'a'], 'fold': [0, 1, 1]}), 0),
     ValueError, r"missing item in column 'path' at row position\(s\) \[0, 1\]"),
    # --- more of the same kind
    ('oversample fold=1 on a bool is_valid column', lambda: oversample(df.assign(is_valid=df.fold == 0), 1, fold_col='is_valid'), ValueError,
     r"fold=1 is not a bool, but column 'is_valid' holds True/False"),
    ('oversample fold=True on a bool is_valid column', lambda: oversample(df.assign(is_valid=df.fold == 0), True, fold_col='is_valid', seed=0), None, _is_valid_ok),
    ('undersample seed=1.5', lambda: undersample(df, 0, seed=1.5), ValueError, r'seed must be an int >= 0 or None, got 1\.5'),
    ('balanced_holdout seed=-1', lambda: balanced_holdout(df, seed=-1), ValueError, r'seed must be an int >= 0'),
    ("balanced_holdout valid_per_class='2'", lambda: balanced_holdout(df, valid_per_class='2'), ValueError, r"valid_per_class must be an int >= 0, got '2'"),
    ('oversample multi-label cap=True', lambda: oversample(dml, 0, cap=True), ValueError, r'cap must be an int >= 1 or None, got True'),
    ('oversample target={class: 0}', lambda: oversample(df, 0, target={'b': 0}), ValueError, r"target for class 'b' must be an int >= 1, got 0"),
    ('WeightedTrainDL a NaN weight', lambda: WeightedTrainDL(dset, wgts=[nan] + [1] * 9), ValueError, r'finite and >= 0.*row position\(s\) \[0\]'),
    ('WeightedTrainDL seed=-1', lambda: WeightedTrainDL(dset, seed=-1), ValueError, r'seed must be an int >= 0'),
    ('oversample fold column with NaN', lambda: oversample(df.assign(fold=df.fold.where(df.index != 4)), 0), ValueError,
     r"column 'fold' has a missing fold id at row position\(s\) \[4\]"),
    ("check_leakage by='pixels'", lambda: check_leakage(df, 0, by='pixels'), ValueError, r"by must be one of \['path', 'content', 'similar'\], got 'pixels'"),
    ('item_weights label NaN', lambda: item_weights(['a', nan, 'b']), ValueError, r'missing \(NaN/None\) label at row position\(s\) \[1\]'),
    # --- TRIAL3 (a third user trial)
    ('TRIAL3 T9 oversample keeps the index', lambda: oversample(SUB, 0, seed=0), None, _index_kept),
    ('TRIAL3 T9 oversample multi-label keeps the index', lambda: oversample(dml.set_axis(SUB.index), 0, seed=0), None,
     lambda o: bool((dml.set_axis(SUB.index).loc[o.index, 'path'].to_numpy() == o.path.to_numpy()).all() and o.index.isin(SUB.index).all())),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_sampling(case): check_case(*case)
