"""Fold assignment: fastaug vs iterstrat, scikit-multilearn and scikit-learn, side by side in one process.

Run: OMP_NUM_THREADS=1 python bench/folds.py [--quick] [--repeats 3]
Prints CPU seconds (median of repeats; slow peers once), ratios, and the stratification deviation of each:
the worst |share of a label (pair) in a fold - its share overall|. Needs iterative-stratification and
scikit-multilearn installed (bench only).
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); os.environ.setdefault('MKL_NUM_THREADS', '1')
import argparse, time, warnings
import numpy as np
from fastaug.folds import stratified_folds, fold_deviation

def make_multilabel(n, n_labels, seed=0, mean_labels=2.0):
    "Multi-hot labels: ~`mean_labels` labels per row (1 + Poisson), label frequencies Zipf (1/rank)."
    rng = np.random.default_rng(seed)
    p = 1 / np.arange(1, n_labels + 1); p /= p.sum()
    m = np.clip(rng.poisson(mean_labels - 1, n) + 1, 1, n_labels)
    Y = np.zeros((n, n_labels), np.int8)
    Y[np.repeat(np.arange(n), m), rng.choice(n_labels, size=m.sum(), p=p)] = 1
    return Y

def make_grouped(n=200_000, n_groups=20_000, n_classes=10, seed=0):
    "Single labels with skewed class frequencies (share ~ 0.6^c), in groups of skewed sizes that mostly share one class."
    rng = np.random.default_rng(seed)
    p = 0.6 ** np.arange(n_classes); p /= p.sum()
    sizes = rng.exponential(1.0, n_groups) + 0.05
    g = rng.choice(n_groups, n, p=sizes / sizes.sum())
    main = rng.choice(n_classes, n_groups, p=p)
    return np.where(rng.random(n) < 0.8, main[g], rng.choice(n_classes, n, p=p)), g

def cpu(fn, repeats):
    "Median CPU seconds of `fn()` over `repeats` runs, and its last result."
    ts = []
    for _ in range(repeats):
        t = time.process_time(); out = fn(); ts.append(time.process_time() - t)
    return float(np.median(ts)), out

def folds_of(splitter, n):
    "Fold id array from an sklearn-style splitter's generator of (train, test)."
    f = np.full(n, -1)
    for k, (_, te) in enumerate(splitter): f[te] = k
    return f

def row(name, t_ours, t_peer, d_ours, d_peer, peer):
    print(f"| {name} | {peer} | {t_peer:.3f} | {t_ours:.3f} | {t_peer / t_ours:.1f}× | {d_peer:.2e} | {d_ours:.2e} |", flush=True)

def main(quick=False, repeats=3):
    warnings.simplefilter('ignore')
    print("| case | peer | peer CPU s | fastaug CPU s | speed-up | peer worst dev | fastaug worst dev |")
    print("|---|---|---|---|---|---|---|")
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold as IterstratMSKF
    from skmultilearn.model_selection import IterativeStratification
    from sklearn.model_selection import StratifiedKFold, StratifiedGroupKFold
    sizes = [(50_000, 50)] + ([] if quick else [(200_000, 100)])
    for n, L in sizes:
        Y = make_multilabel(n, L)
        X = np.zeros((n, 1))
        t_o, f_o = cpu(lambda: stratified_folds(Y, 5, seed=0), repeats)
        t_p, f_p = cpu(lambda: folds_of(IterstratMSKF(n_splits=5, shuffle=True, random_state=0).split(X, Y), n), 1 if n > 60_000 else repeats)
        row(f"multi-label {n // 1000}k×{L}", t_o, t_p, fold_deviation(Y, f_o), fold_deviation(Y, f_p), 'iterstrat MultilabelStratifiedKFold')
    for n, L in sizes:
        Y = make_multilabel(n, L)
        X = np.zeros((n, 1))
        t_o, f_o = cpu(lambda: stratified_folds(Y, 5, seed=0, order=2), repeats)
        t_p, f_p = cpu(lambda: folds_of(IterativeStratification(n_splits=5, order=2).split(X, Y), n), 1)
        row(f"multi-label {n // 1000}k×{L}, order 2 (label pairs)", t_o, t_p, fold_deviation(Y, f_o, order=2), fold_deviation(Y, f_p, order=2),
            'scikit-multilearn IterativeStratification(order=2)')
    y = np.random.default_rng(0).choice(10, 1_000_000, p=np.r_[0.3, 0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.03, 0.02, 0.01])
    t_o, f_o = cpu(lambda: stratified_folds(y, 5, seed=0), repeats)
    t_p, f_p = cpu(lambda: folds_of(StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(len(y)), y), len(y)), repeats)
    row("single-label 1M, 10 classes", t_o, t_p, fold_deviation(y, f_o), fold_deviation(y, f_p), 'sklearn StratifiedKFold')
    y, g = make_grouped()
    t_o, f_o = cpu(lambda: stratified_folds(y, 5, groups=g, seed=0), repeats)
    t_p, f_p = cpu(lambda: folds_of(StratifiedGroupKFold(5, shuffle=True, random_state=0).split(np.zeros(len(y)), y, g), len(y)), 1)
    row("grouped 200k rows / 20k groups, 10 skewed classes", t_o, t_p, fold_deviation(y, f_o), fold_deviation(y, f_p), 'sklearn StratifiedGroupKFold')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--quick', action='store_true', help='skip the 200k×100 cases (scikit-multilearn takes minutes there)')
    ap.add_argument('--repeats', type=int, default=3)
    a = ap.parse_args()
    main(a.quick, a.repeats)
