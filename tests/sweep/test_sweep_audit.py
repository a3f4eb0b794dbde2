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
    ("count='bogus'", lambda: label_issues(P, Y, count='bogus'), ValueError, r"count must be one of \['auto', 'confident', 'mixture'\], got 'bogus'"),
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
    ('relabel: df shorter than the OOF', lambda: relabel(DF.iloc[:1], ISS), ValueError, r'row positions up to \d but df has 1 rows'),
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
