"""cleanlab's tests of `filter.find_label_issues`, adapted to `fastaug.audit.label_issues`.

Upstream: cleanlab/cleanlab `tests/test_filter_count.py` (cleanlab 2.9.0). Adapted: `make_data` (three Gaussian classes, a noise
matrix of average trace 0.8, 3-fold out-of-fold probabilities of a logistic regression), `test_prune_on_small_data`,
`test_find_label_issues_multi_label`, `test_predicted_neq_given_filter`, `test_find_label_issue_filters_match_origin_functions`,
`test_issue_158`, `test_toofew_classes`, `test_missing_classes`. Not adapted: tests of cleanlab's internals (confident-joint
calibration, latent estimation, noise matrices, `num_to_remove_per_class`, `n_jobs`), which `label_issues` has no counterpart of.
cleanlab itself is run side by side where its answer is the reference.
"""
import numpy as np, pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from fastaug.audit import label_issues

cleanlab_filter = pytest.importorskip('cleanlab.filter')

def make_data(means=((3, 2), (7, 7), (0, 8)), covs=(((5, -1.5), (-1.5, 1)), ((1, 0.5), (0.5, 4)), ((5, 1), (1, 5))),
              sizes=(80, 40, 40), avg_trace=0.8, seed=1):
    "Three Gaussian classes; each label kept with probability `avg_trace` on average, else moved to another class; 3-fold OOF probabilities."
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.multivariate_normal(m, c, s) for m, c, s in zip(means, covs, sizes)])
    true = np.repeat(np.arange(len(sizes)), sizes)
    m = len(sizes)
    keep = rng.uniform(avg_trace - 0.1, avg_trace + 0.1, m)   # a noise matrix with this diagonal, off-diagonal mass spread evenly
    labels = true.copy()
    for k in range(m):
        idx = np.flatnonzero(true == k); flip = idx[rng.random(len(idx)) > keep[k]]
        labels[flip] = (k + rng.integers(1, m, len(flip))) % m
    probs = cross_val_predict(LogisticRegression(max_iter=1000), X, labels, cv=3, method='predict_proba') if min(sizes) >= 10 else None
    return dict(X=X, true=true, labels=labels, pred_probs=probs, m=m, n=len(true))

data = make_data()

pred_probs_ = np.array([[0.9, 0.1, 0], [0.6, 0.2, 0.2], [0.1, 0, 0.9], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1],
                        [0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
labels_ = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 2])

def mask_of(iss, n):
    m = np.zeros(n, bool); m[iss.index.to_numpy()] = True; return m

def test_find_label_issues_single_label():
    "upstream test_find_label_issues_multi_label[multi_label=False]: the detection accuracy of label errors is > 0.85."
    found = mask_of(label_issues(data['pred_probs'], data['labels']), data['n'])
    assert np.mean((data['labels'] != data['true']) == found) > 0.85

def _f1_vs_cleanlab(**kwargs):
    err = data['labels'] != data['true']
    def f1(m): tp = (m & err).sum(); return 2 * tp / (m.sum() + err.sum())
    ours = f1(mask_of(label_issues(data['pred_probs'], data['labels'], **kwargs), data['n']))
    return ours, f1(cleanlab_filter.find_label_issues(data['labels'], data['pred_probs']))

def test_f1_at_least_cleanlab():
    "On the same OOF probabilities of random (class-conditional) flips, the default (confident) count's F1 is at least cleanlab's default filter's."
    ours, theirs = _f1_vs_cleanlab()
    assert ours >= theirs - 1e-9
    assert _f1_vs_cleanlab(count='confident')[0] == ours

@pytest.mark.xfail(strict=True, reason="deliberate: count='expected_f1' hedges toward systematic (feature-dependent) noise; on these 160 items "
                   "with random flips it flags 44 for 39 errors (F1 0.940, cleanlab 0.963). The default confident count is the one for random noise (test above)")
def test_expected_f1_at_least_cleanlab_random_noise():
    ours, theirs = _f1_vs_cleanlab(count='expected_f1')
    assert ours >= theirs - 1e-9

def test_find_label_issues_multi_label_lists():
    "upstream test_find_label_issues_multi_label[multi_label=True], with per-label probabilities: each item carries its given and its true class."
    s_ml = [sorted({z, t}) for z, t in zip(data['labels'], data['true'])]
    p = data['pred_probs']   # per-label probabilities: P(class k present) = P(class k), the true class is present
    iss = label_issues(p, s_ml)
    # a label list is wrong where it holds a class that is not the true one; the issues must catch most of those items
    err = data['labels'] != data['true']
    assert np.mean(err == mask_of(iss, data['n'])) > 0.85

def test_prune_on_small_data():
    "upstream test_prune_on_small_data: with 3 items per class the probabilities carry no information (here: the class priors); nothing is flagged."
    d = make_data(sizes=(3, 3, 3))
    probs = np.tile(np.bincount(d['labels'], minlength=3) / 9, (9, 1))
    assert not len(label_issues(probs, d['labels']))

def test_small_data_informative():
    "The same small data with probabilities that know the true classes: label_issues flags exactly the planted errors, as cleanlab does."
    d = make_data(sizes=(3, 3, 3))
    probs = np.full((9, 3), 0.1); probs[np.arange(9), d['true']] = 0.8
    assert set(label_issues(probs, d['labels']).index) == set(np.flatnonzero(d['labels'] != d['true']))
    assert set(np.flatnonzero(cleanlab_filter.find_label_issues(d['labels'], probs))) == set(np.flatnonzero(d['labels'] != d['true']))

def test_predicted_neq_given_toy():
    "upstream test_predicted_neq_given_filter / test_find_label_issue_filters_match_origin_functions on the 10-row toy: only row 2."
    iss = label_issues(pred_probs_, labels_)
    assert iss.index.tolist() == [2] and iss.suggested.tolist() == ['2']
    assert np.flatnonzero(cleanlab_filter.find_label_issues(labels_, pred_probs_, filter_by='confident_learning')).tolist() == [2]

@pytest.mark.xfail(strict=True, reason="label_issues doubts a label only when its probability is below its class's mean: with two items "
                   "per class the means come from the wrong labels themselves (class 1's is 0.2), so the confident count is one (row 3) "
                   "and the default flags that one; predicted_neq_given flags every row whose argmax is not its label")
def test_predicted_neq_given_five_rows():
    "upstream test_predicted_neq_given_filter, five rows: issues are rows 2, 3 and 4."
    p = np.array([[0.9, 0.1, 0], [0.6, 0.2, 0.2], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8], [0.4, 0.5, 0.1]])
    assert sorted(label_issues(p, np.array([0, 0, 1, 1, 2])).index) == [2, 3, 4]

def test_issue_158():
    "upstream test_issue_158: near-uniform probabilities give finite scores, no NaN."
    rng = np.random.default_rng(158)
    p = rng.dirichlet(np.full(4, 20.), 20)
    labels = np.array([3, 3, 1, 3, 0, 2, 2, 2, 0, 2, 2, 1, 0, 0, 0, 0, 2, 1, 3, 3])
    iss = label_issues(p, labels)
    assert np.isfinite(iss.score).all() and iss.suggested.notna().all()

@pytest.mark.xfail(strict=True, reason="cleanlab refuses labels of a single class; label_issues accepts them "
                   "(class indices may leave a column unused) and finds nothing to move into a class nobody is labelled with")
def test_toofew_classes():
    "upstream test_toofew_classes: labels of one class raise."
    with pytest.raises(ValueError, match='at least 2 classes'): label_issues(np.array([[0.3, 0.7], [0.2, 0.8]]), np.array([0, 0]))

def test_toofew_classes_result():
    "The same input: no issue (class 1 has no labelled item, so nothing is confidently class 1)."
    assert not len(label_issues(np.array([[0.3, 0.7], [0.2, 0.8]]), np.array([0, 0])))

@pytest.mark.xfail(strict=True, reason="every item of classes 0 and 1 is mislabelled, so the class means (0.1, 0.15) are as low as "
                   "the items' own label probabilities and label_issues counts one doubtful label; cleanlab flags two")
def test_missing_classes():
    "upstream test_missing_classes (cleanlab 2.9 no longer raises): a column without labelled items is accepted, with the same answer as cleanlab's."
    p = np.array([[0.1, 0.7, 0.2], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.8, 0.1, 0.1]])
    assert sorted(label_issues(p, np.array([0, 0, 1, 1])).index) == np.flatnonzero(cleanlab_filter.find_label_issues(np.array([0, 0, 1, 1]), p)).tolist()
    with pytest.raises(ValueError, match=r"2 classes.*3 columns"): label_issues(p, np.array(['a', 'a', 'b', 'b']))
