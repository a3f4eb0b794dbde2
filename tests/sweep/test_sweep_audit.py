"""Bad input for `fastaug.audit` (issue 14's list: incomplete runs, labels and OOF that do not belong together, missing images),
in the sweep's table form.

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the correct result. Messages must name the offending value and say what to do.
"""
import tempfile, warnings
from pathlib import Path
import numpy as np, pandas as pd, pytest
from PIL import Image
from fastaug.audit import read_oof, label_issues, show_label_issues, relabel, near_duplicates, leakage_pairs
from fastaug.kfold import KFoldResult

nan = float('nan')
P = np.array([[0.8, 0.1, 0.1], [0.85, 0.1, 0.05], [0.1, 0.8, 0.1], [0.1, 0.85, 0.05], [0.1, 0.1, 0.8], [0.05, 0.1, 0.85], [0.9, 0.05, 0.05]])
Y = np.array([0, 0, 1, 1, 2, 2, 1])   # row 6 is mislabelled
TMP = Path(tempfile.mkdtemp())
rng = np.random.default_rng(0)
IMGS = [rng.integers(0, 256, (24, 24), dtype=np.uint8) for _ in range(7)]
for i, a in enumerate(IMGS): Image.fromarray(a).save(TMP/f'{i}.png')
ISS = label_issues(P, Y, items=[str(TMP/f'{i}.png') for i in range(7)])
assert ISS.index.tolist() == [6]
DF = pd.DataFrame({'path': [str(TMP/f'{i}.png') for i in range(7)], 'label': Y})

def _result(oof_index, labels, probs, vocab, label_delim=None):
    "A `KFoldResult` as a run would hold it (no training): the OOF rows carry the input's index labels."
    oof = pd.DataFrame({'item': [f'img/{i}.png' for i in oof_index], 'label': labels, 'fold': np.arange(len(labels)) % 2}, index=pd.Index(oof_index, name='row'))
    oof = pd.concat([oof, pd.DataFrame(probs, index=oof.index, columns=vocab)], axis=1)
    return KFoldResult(oof, pd.DataFrame(), [], oof['fold'].to_numpy(), vocab, None, label_delim is not None, None, label_delim)

# a run over a sampled frame (index labels 100, 90, ...) whose first 3 rows are at fold -1 (no OOF row): row 6 of the OOF is wrong
SAMPLED = pd.DataFrame({'path': [f'img/{i}' for i in ('p0', 'p1', 'p2')] + [f'img/{i}.png' for i in range(100, 30, -10)],
                        'label': [1, 2, 0] + Y.tolist()}, index=[7, 8, 9] + list(range(100, 30, -10)))
SAMPLED_RES = _result(SAMPLED.index[3:], [str(v) for v in Y], P, ['0', '1', '2'])

def _sampled_issues():
    iss = label_issues(SAMPLED_RES)
    return iss.index.tolist() == [40] and iss.item.tolist() == ['img/40.png'] and iss.suggested.tolist() == ['0']

def _sampled_relabel(df):
    out = relabel(df, label_issues(SAMPLED_RES))
    return out.loc[40, 'label'] == 0 and (out.drop(index=40).label == df.drop(index=40).label).all() and out.label.dtype == df.label.dtype

def _csv_relabel(as_str):
    "Issues written as CSV and read back (pandas reads the suggested digits as numbers), applied to int or str labels: one type per column."
    label_issues(SAMPLED_RES).to_csv(TMP/'iss.csv'); iss = pd.read_csv(TMP/'iss.csv', index_col=0)
    df = SAMPLED.assign(label=SAMPLED.label.astype(str)) if as_str else SAMPLED
    out = relabel(df, iss)
    return out.loc[40, 'label'] == ('0' if as_str else 0) and out.label.map(type).nunique() == 1

# multi-label run with label_delim=',' and class names that contain spaces: row 1 lacks 'even number'
ML_VOCAB = ['digit 6', 'even number', 'odd number']
ML_RES = _result([0, 1, 2, 3], ['digit 6,even number', 'digit 6', 'odd number', 'digit 6,even number'],
                 np.array([[0.9, 0.9, 0.1], [0.9, 0.95, 0.05], [0.1, 0.1, 0.9], [0.9, 0.9, 0.1]]), ML_VOCAB, ',')
ML_DF = pd.DataFrame({'path': [f'img/{i}.png' for i in range(4)], 'tags': ML_RES.oof['label'].tolist()})

def _ml_relabel():
    out = relabel(ML_DF, label_issues(ML_RES), label_col='tags')
    return out.tags.tolist() == ['digit 6,even number'] * 2 + ['odd number', 'digit 6,even number']

def _ml_confused(n=300, c=6, seed=0):
    "Multi-label OOF of a decent model: right on most entries, unsure (0.55-0.75 the wrong way) on 6% of them, sure of the truth on 12 wrong given entries."
    r = np.random.default_rng(seed)
    true = r.random((n, c)) < 0.3; true[np.arange(n), r.integers(0, c, n)] = True   # true tags, at least one per row
    p = np.where(true, r.uniform(0.7, 0.97, (n, c)), r.uniform(0.03, 0.3, (n, c)))
    unsure = r.random((n, c)) < 0.06
    p[unsure] = np.where(true[unsure], r.uniform(0.25, 0.45, unsure.sum()), r.uniform(0.55, 0.75, unsure.sum()))   # the model's confusions
    bad = r.choice(n * c, 12, replace=False); given = true.copy(); given.flat[bad] = ~given.flat[bad]
    p.flat[bad] = np.where(true.flat[bad], 0.95, 0.05)
    return p, given, true

MLC_P, MLC_GIVEN, MLC_TRUE = _ml_confused()
MLC_NAMES = np.array(list('abcdef'))

def _ml_fixed(count='confident'):
    "Wrong (item, label) entries before and after applying label_issues' suggestions, the entries changed, and the most changed per label over the confident count."
    iss = label_issues(MLC_P, [list(MLC_NAMES[r]) for r in MLC_GIVEN], classes=list(MLC_NAMES), count=count)
    new = MLC_GIVEN.copy()
    for r, s in zip(iss.index, iss.suggested): new[r] = np.isin(MLC_NAMES, s.split(' '))
    conf = label_issues(MLC_P, [list(MLC_NAMES[r]) for r in MLC_GIVEN], classes=list(MLC_NAMES))
    ch, conf_ch = new != MLC_GIVEN, np.zeros_like(new)
    for r, s in zip(conf.index, conf.suggested): conf_ch[r] = np.isin(MLC_NAMES, s.split(' ')) != MLC_GIVEN[r]
    return {'before': int((MLC_GIVEN != MLC_TRUE).sum()), 'after': int((new != MLC_TRUE).sum()), 'changed': int(ch.sum()),
            'right': int((ch & (MLC_GIVEN != MLC_TRUE)).sum()), 'empty': int((~new.any(1)).sum()),
            'ratio': float((ch.sum(0) / np.maximum(conf_ch.sum(0), 1)).max())}

# the only label of row 0 and both labels of row 1 are confidently contradicted, and nothing else is likely: both are listed, each keeping its likeliest label
BARE_P = np.array([[0.02, 0.05], [0.03, 0.04]] + [[0.95, 0.05]] * 10 + [[0.05, 0.95]] * 10)
BARE_Y = [['a'], ['a', 'b']] + [['a']] * 10 + [['b']] * 10
# an int-labelled run (its classes in their own type)
INT_RES = KFoldResult(pd.concat([pd.DataFrame({'item': [f'img/{i}.png' for i in range(7)], 'label': Y, 'fold': np.arange(7) % 2}),
                                 pd.DataFrame(P, columns=['0', '1', '2'])], axis=1), pd.DataFrame(), [], np.arange(7) % 2, ['0', '1', '2'], classes=[0, 1, 2])

def _warned(thunk, pattern):
    "Run `thunk` and return whether a warning matching `pattern` was raised."
    import re
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always'); thunk()
    return any(re.search(pattern, str(o.message)) for o in w)

def _digit_pairs():
    "scikit-learn's 8x8 digits plus two 2x enlarged and two JPEG q85 copies (the demo's data): the automatic threshold pairs the copies only."
    import io
    from sklearn.datasets import load_digits
    ims = list((load_digits().images * 255 / 16).astype(np.uint8))
    def jpeg(a):
        b = io.BytesIO(); Image.fromarray(a).save(b, 'JPEG', quality=85); return np.asarray(Image.open(b))
    p = near_duplicates(ims + [np.asarray(Image.fromarray(ims[i]).resize((16, 16))) for i in (3, 30)] + [jpeg(ims[i]) for i in (300, 1000)])
    return set(zip(p.a.tolist(), p.b.tolist()))

def _missing_image_titled():
    iss = ISS.assign(item=[str(TMP/'gone.png')] * len(ISS))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore'); fig = show_label_issues(iss, n=1)
    return fig.axes[0].get_title()

CASES = [
    # --- OOF and labels that do not belong together
    ('labels shorter than the OOF', lambda: label_issues(P, Y[:3]), ValueError, r'labels has 3 rows but the OOF probabilities have 7'),
    ('OOF 1-D', lambda: label_issues(P[:, 0], Y), ValueError, r'must be an \[n, c\] array, got shape \(7,\)'),
    ('OOF are logits', lambda: label_issues(np.log(P), Y), ValueError, r'not logits.*row position'),
    ('OOF with NaN', lambda: label_issues(np.where(P > 0.75, nan, P), Y), ValueError, r'finite numbers in \[0, 1\].*row position\(s\) \[0, 1, 2, 3, 4, 5, 6\]'),
    ('rows do not sum to 1', lambda: label_issues(P * 0.5, Y), ValueError, r'softmax rows summing to 1.*multi-hot'),
    ('label names not among the classes', lambda: label_issues(P, list('aabbczb'), classes=['a', 'b', 'c']), ValueError,
     r"labels have classes \['z'\] that are not among the OOF's classes \['a', 'b', 'c'\]"),
    ('label names vs columns, no classes', lambda: label_issues(P, list('aabbbba')), ValueError, r"2 classes \['a', 'b'\] but the OOF probabilities have 3 columns: pass classes="),
    ('class index outside the columns', lambda: label_issues(P, [0, 0, 1, 1, 5, 2, 1]), ValueError, r'class indices \[5\] outside the OOF.s 3 columns'),
    ('classes of another length', lambda: label_issues(P, Y, classes=['a', 'b']), ValueError, r'classes has 2 names but the OOF probabilities have 3 columns'),
    ('no labels with an array', lambda: label_issues(P), ValueError, r'pass labels='),
    ('NaN label', lambda: label_issues(P, [0, 0, nan, 1, 2, 2, 1]), ValueError, r'NaN.*label.*row position\(s\) \[2\]'),
    ('items of another length', lambda: label_issues(P, Y, items=['a', 'b']), ValueError, r'items has 2 entries but the OOF probabilities have 7 rows'),
    ('folds of another length', lambda: label_issues(P, Y, folds=[0, 1]), ValueError, r'folds has 2 entries'),
    ("method='bogus'", lambda: label_issues(P, Y, method='bogus'), ValueError, r"method must be one of \['fastaug', 'cleanlab'\], got 'bogus'"),
    ("count='bogus'", lambda: label_issues(P, Y, count='bogus'), ValueError, r"count must be one of \['confident', 'expected_f1', 'mixture'\], got 'bogus'"),
    # --- a weak OOF model: a warning naming its accuracy, and the same note on the table
    ('OOF model at chance warns', lambda: _warned(lambda: label_issues(np.random.default_rng(0).dirichlet(np.ones(3), 300), np.arange(300) % 3),
                                                  r'unreliable: the out-of-fold model is weak \(OOF accuracy 0\.\d+; always answering the most frequent class scores 0\.333, a model wrong only on the \d+ confidently contradicted labels 0\.\d+\)'), None, bool),
    ('no OOF rows: an empty table, no warning', lambda: (len(label_issues(np.zeros((0, 3)), np.zeros(0, int))), _warned(lambda: label_issues(np.zeros((0, 3)), np.zeros(0, int)), 'unreliable')),
     None, lambda r: r == (0, False)),
    ('one class, predicted right: no warning', lambda: _warned(lambda: label_issues(np.array([[0.9, 0.1]] * 3), [0, 0, 0]), 'unreliable'), None, lambda r: r is False),
    ('a good OOF model does not warn', lambda: _warned(lambda: label_issues(P, Y), 'unreliable'), None, lambda r: r is False),
    ('the note is kept on the table', lambda: label_issues(np.random.default_rng(0).dirichlet(np.ones(3), 300), np.arange(300) % 3).attrs['note'], None,
     lambda n: n.startswith('label issues are unreliable')),
    ('multi-label: a weak model per label warns', lambda: _warned(lambda: label_issues(np.full((40, 2), 0.5) + np.random.default_rng(0).normal(0, 0.01, (40, 2)),
                                                  [['a'], ['b'], ['a', 'b'], ['a']] * 10), r"weak on 2 of the 2 labels \(OOF accuracy vs always answering the label's most frequent value: a 0\.\d+ vs 0\.\d+, b 0\.\d+ vs 0\.\d+\); (no label change is suggested|\d+ of the \d+ suggested label changes are on them \(the model's own probabilities put the \d+ right \d+% of the time\))"), None, bool),
    # --- a run: `row` is the input's index label (as in oof.csv), rows at fold -1 shift nothing
    ('run issues indexed as oof.csv', _sampled_issues, None, bool),
    ('relabel a sampled frame with fold -1 rows first (by item)', lambda: _sampled_relabel(SAMPLED), None, bool),
    ('relabel the same frame shuffled', lambda: _sampled_relabel(SAMPLED.sample(frac=1, random_state=1)), None, bool),
    ('relabel by row when issues carry no items', lambda: relabel(SAMPLED, label_issues(SAMPLED_RES).assign(item=0)).loc[40, 'label'] == 0, None, bool),
    ('relabel: df lacks the issue items', lambda: relabel(SAMPLED.iloc[:5], label_issues(SAMPLED_RES)), ValueError, r"no column of df holds the issues' items \(e\.g\. \['img/40\.png'\]\)"),
    ('relabel: df lacks the issue rows', lambda: relabel(DF, label_issues(SAMPLED_RES).assign(item=0)), ValueError, r"issues name rows \[40\] that df's index does not hold"),
    ('relabel: an item in two rows of another index', lambda: relabel(pd.concat([SAMPLED, SAMPLED.iloc[[-1]]]).reset_index(drop=True), label_issues(SAMPLED_RES)),
     ValueError, r"item 'img/40\.png' is in 2 rows of df\['path'\]"),
    # --- label types: int labels stay int; suggestions that are not ints turn the column to str, with a warning
    # TRIAL3 T11: a CSV run's issues carry absolute paths; the CSV read back holds them relative to its folder
    ('relabel a CSV with relative paths (absolute issue items)', lambda: relabel(DF.assign(path=[f'./{i}.png' for i in range(7)]), ISS).label.tolist(),
     None, lambda r: r == [0, 0, 1, 1, 2, 2, 0]),
    ('relabel relative paths in a subfolder', lambda: relabel(DF.assign(path=[f'{TMP.name}/{i}.png' for i in range(7)]), ISS).label.tolist(),
     None, lambda r: r == [0, 0, 1, 1, 2, 2, 0]),
    ('relabel: relative paths of other files are refused', lambda: relabel(DF.assign(path=[f'other{i}.png' for i in range(7)]), ISS),
     ValueError, r"no column of df holds the issues' items"),
    ('relabel: a file name in two folders is not guessed', lambda: relabel(pd.DataFrame({'path': ['a/6.png', 'b/6.png'] + [f'{i}.png' for i in range(6)], 'label': [1, 1] + list(range(6))}), ISS),
     ValueError, r"no column of df holds the issues' items"),
    ('relabel keeps int labels int', lambda: relabel(DF, ISS).label.tolist(), None, lambda r: r == [0, 0, 1, 1, 2, 2, 0] and all(type(v) is int for v in r)),
    ('relabel int column, str suggestion', lambda: _warned(lambda: relabel(DF, ISS.assign(suggested='cat')), r"not of the int64 type of column 'label'"), None, bool),
    ('relabel int column, str suggestion: homogeneous', lambda: relabel(DF, ISS.assign(suggested='cat')).label.map(type).nunique(), None, lambda r: r == 1),
    ('relabel int labels, issues read from CSV', lambda: _csv_relabel(False), None, bool),
    ('relabel str labels, issues read from CSV', lambda: _csv_relabel(True), None, bool),
    ('relabel drop with a repeated index label', lambda: relabel(pd.concat([SAMPLED, SAMPLED.iloc[[0]].assign(path='img/other')]), label_issues(SAMPLED_RES), action='drop'),
     None, lambda r: len(r) == len(SAMPLED) and 'img/40.png' not in set(r.path)),
    ('relabel keeps categories', lambda: relabel(DF.assign(label=DF.label.astype('category')), ISS).label.dtype.name, None, lambda r: r == 'category'),
    # --- multi-label names: the run's label_delim, never re-split on spaces
    ('multi-label suggested joined with the run delimiter', lambda: label_issues(ML_RES).suggested.tolist(), None, lambda r: r == ['digit 6,even number']),
    ('multi-label labels joined with the run delimiter', lambda: label_issues(ML_RES).label.tolist(), None, lambda r: r == ['digit 6']),
    ('relabel multi-label names with spaces', _ml_relabel, None, bool),
    # --- multi-label suggestions: only entries whose other answer is confidently likelier; a decent model's confusions are left alone
    ('multi-label: relabel with the suggestions mends the labels', _ml_fixed, None, lambda r: r['after'] < r['before'] and r['right'] >= 0.9 * r['changed']),
    ('multi-label: wider counts flag at most twice the confident entries per label', lambda: [_ml_fixed(c) for c in ('expected_f1', 'mixture')], None,
     lambda rs: all(r['ratio'] <= 2 and r['after'] <= r['before'] for r in rs)),
    ('multi-label: never an empty suggestion', lambda: label_issues(BARE_P, BARE_Y), None, lambda r: r.index.tolist() == [0, 1] and r.suggested.tolist() == ['a', 'b']),
    ('multi-label: an empty suggestion where items are given empty sets', lambda: label_issues(np.vstack([BARE_P, [[0.05, 0.05]]]), BARE_Y + [[]]).loc[0, 'suggested'],
     None, lambda r: r == ''),
    ('relabel: an empty suggestion', lambda: relabel(ML_DF, label_issues(ML_RES).assign(suggested=nan), label_col='tags'), ValueError,
     r"issues suggest no label at all for row\(s\) \[1\]: .*remove them from the issues.*action='drop'"),
    ('multi-label: the weak note names every weak label and the changes on them', lambda: _warned(lambda: label_issues(
        np.random.default_rng(1).uniform(0.4, 0.6, (40, 5)), [['a', 'b', 'c', 'd', 'e'][:1 + i % 5] for i in range(40)]),
        r"weak on 5 of the 5 labels \(.*: a 0\.\d+ vs 1\.000, b .*, e 0\.\d+ vs 0\.\d+\); \d+ of the \d+ suggested label changes are on them \(the model's own probabilities put the \d+ right \d+% of the time\)"), None, bool),
    ('a run with int labels: label and suggested are ints', lambda: label_issues(INT_RES)[['label', 'suggested']].dtypes.tolist(), None,
     lambda r: r == [np.dtype('int64')] * 2),
    ('weight=-1', lambda: label_issues(P, Y, weight=-1), ValueError, r'weight must be a finite number in \[0, inf\).*-1'),
    ('ensemble=True without folds', lambda: label_issues(P, Y, ensemble=True), ValueError, r'ensemble needs the fold of each row'),
    ('ensemble of the wrong shape', lambda: label_issues(P, Y, folds=[0, 0, 0, 1, 1, 1, 1], ensemble=np.ones((2, 3, 3)) / 3), ValueError, r'ensemble must be \[k, n, c\].*\(2, 3, 3\)'),
    ('history of the wrong shape', lambda: label_issues(P, Y, history=np.ones((3, 3)) / 3), ValueError, r'history has shape \(3, 3\) but the OOF probabilities have \(7, 3\)'),
    ('history table without class columns', lambda: label_issues(P, Y, items=list('abcdefg'), history=pd.DataFrame({'item': list('abcdefg'), '0': 1.})),
     ValueError, r"history lacks probability columns \['1', '2'\]"),
    ('labels= with a run', lambda: read_oof(TMP, Y), FileNotFoundError, r'no manifest.json'),
    # --- run folders
    ('run folder that does not exist', lambda: label_issues(TMP/'nope'), FileNotFoundError, r'nope does not exist: pass the out_dir of a k-fold run'),
    ('folder that is not a run', lambda: label_issues(TMP), FileNotFoundError, r'not a k-fold run folder \(no manifest.json\)'),
    # --- showing and relabelling
    ('show: issues without images', lambda: show_label_issues(label_issues(P, Y)), ValueError, r'no images.*pass items= to label_issues'),
    ('show: n=0', lambda: show_label_issues(ISS, n=0), ValueError, r'n must be an int >= 1, got 0'),
    ('show: no issues', lambda: show_label_issues(ISS.iloc[:0]), ValueError, r'no label issues to show'),
    ('show: image deleted', _missing_image_titled, None, lambda t: t == 'missing: gone.png'),
    ('relabel: df is a list', lambda: relabel([1, 2], ISS), TypeError, r'df must be a pandas DataFrame, got list'),
    ('relabel: no label column', lambda: relabel(DF, ISS, label_col='tag'), ValueError, r"column 'tag' not in df"),
    ('relabel: df shorter than the OOF', lambda: relabel(DF.iloc[:1], ISS), ValueError, r"no column of df holds the issues' items"),
    ('relabel: unknown items', lambda: relabel(DF.iloc[:1], ISS, item_col='path'), ValueError, r'issue items are not in df\[.path.\]'),
    ("relabel: action='bogus'", lambda: relabel(DF, ISS, action='bogus'), ValueError, r"action must be one of \['relabel', 'drop'\]"),
    # --- near-duplicates
    ('threshold=-1', lambda: near_duplicates(IMGS, threshold=-1), ValueError, r"threshold \(or 'auto'\) must be a finite number in \[0, 2\].*-1"),
    ("threshold='bogus'", lambda: near_duplicates(IMGS, threshold='bogus'), ValueError, r"threshold \(or 'auto'\) must be .*'bogus'"),
    ('crop=0.9', lambda: near_duplicates(IMGS, crop=0.9), ValueError, r'crop must be a finite number in \[0, 0.5\].*0.9'),
    ('size=2', lambda: near_duplicates(IMGS, size=2), ValueError, r'size must be an int >= 4, got 2'),
    ('k=0', lambda: near_duplicates(IMGS, k=0), ValueError, r'k must be an int >= 1, got 0'),
    ('res=4', lambda: near_duplicates(IMGS, res=4), ValueError, r'res must be an int >= 8, got 4'),
    ('images of different sizes are compared at the smaller one', lambda: near_duplicates([IMGS[0], np.kron(IMGS[0], np.ones((2, 2), np.uint8))] + IMGS[1:4]),
     None, lambda r: r[['a', 'b']].values.tolist() == [[0, 1]]),
    ('no items', lambda: near_duplicates([]), None, lambda r: list(r.columns) == ['a', 'b', 'distance'] and not len(r)),
    ('one item', lambda: near_duplicates(IMGS[:1]), None, lambda r: not len(r)),
    ('a path that does not exist', lambda: near_duplicates([str(TMP/'0.png'), str(TMP/'nope.png')]), FileNotFoundError, r'nope.png'),
    ('blank images pair with each other only', lambda: near_duplicates([np.zeros((8, 8), np.uint8), np.full((8, 8), 200, np.uint8)] + IMGS[:2]),
     None, lambda r: r[['a', 'b']].values.tolist() == [[0, 1]]),
    ('8-pixel digits: only the planted copies pair', lambda: _digit_pairs(), None, lambda r: r == {(3, 1797), (30, 1798), (300, 1799), (1000, 1800)}),
    ('leakage_pairs: splits of another length', lambda: leakage_pairs(IMGS, [0, 1, 0]), ValueError, r'splits has 3 entries but items has 7'),
    ('leakage_pairs: labels of another length', lambda: leakage_pairs(IMGS, [0, 1, 0, 1, 0, 1, 0], labels=[0]), ValueError, r'labels has 1 entries but items has 7'),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_audit(case):
    name, thunk, exc, expect = case
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        if exc is None: assert expect(thunk())
        else:
            with pytest.raises(exc, match=expect): thunk()
