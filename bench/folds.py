"""Fold assignment: fastaug vs iterstrat, scikit-multilearn and scikit-learn, side by side in one process.

Run: OMP_NUM_THREADS=1 python bench/folds.py [--quick] [--repeats 3]
Each case runs every splitter with seeds 0..repeats-1 (the slow peers once) and prints the median CPU seconds, the ratio,
the median stratification deviation (`fold_deviation`: the worst |share of a label (pair) in a fold - its share overall|)
and the worst fold-size spread (largest fold - smallest fold). scikit-multilearn ignores `random_state` and draws from
numpy's global generator, so the script seeds that one for it. Needs iterative-stratification and scikit-multilearn
(bench only). The write-up is bench/folds.md.
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); os.environ.setdefault('MKL_NUM_THREADS', '1')
import argparse, time, warnings
import numpy as np
from fastaug.folds import stratified_folds, fold_deviation
from fastaug.test_utils import splitter_folds, zipf_multilabel, skewed_groups

def runs(fn, seeds):
    "CPU seconds and result of `fn(seed)` for each seed."
    out = []
    for s in seeds:
        t = time.process_time(); f = fn(s); out.append((time.process_time() - t, f))
    return out

def row(name, peer, ours, theirs, dev):
    "One table row: median CPU s, speed-up, median deviation, worst size spread."
    t = lambda r: float(np.median([o[0] for o in r]))
    d = lambda r: float(np.median([dev(o[1]) for o in r]))
    spread = lambda r: max(int(np.ptp(np.bincount(o[1]))) for o in r)
    print(f"| {name} | {peer} | {t(theirs):.3f} | {t(ours):.3f} | {t(theirs) / t(ours):.1f}× | {d(theirs):.2e} | {d(ours):.2e} "
          f"| {spread(theirs)} | {spread(ours)} |", flush=True)

def global_seeded(fn):
    "`fn(seed)` for a peer that only reads numpy's global generator."
    def _inner(s): np.random.seed(s); return fn(s)
    return _inner

def main(quick=False, repeats=3):
    warnings.simplefilter('ignore')
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold as IterstratMSKF
    from skmultilearn.model_selection import IterativeStratification
    from sklearn.model_selection import StratifiedKFold, StratifiedGroupKFold
    print("| case | peer | peer CPU s | fastaug CPU s | speed-up | peer worst dev | fastaug worst dev | peer size spread | fastaug size spread |")
    print("|---|---|---|---|---|---|---|---|---|")
    seeds, once = range(repeats), range(1)
    for n, L in [(50_000, 50)] + ([] if quick else [(200_000, 100)]):
        Y, X = zipf_multilabel(n, L), np.zeros((n, 1))
        row(f"multi-label {n // 1000}k×{L}", 'iterstrat MultilabelStratifiedKFold', runs(lambda s: stratified_folds(Y, 5, seed=s), seeds),
            runs(lambda s: splitter_folds(IterstratMSKF(5, shuffle=True, random_state=s), X, Y), seeds if n <= 60_000 else once),
            lambda f: fold_deviation(Y, f))
        row(f"multi-label {n // 1000}k×{L}, order 2 (label pairs)", 'scikit-multilearn IterativeStratification(order=2)',
            runs(lambda s: stratified_folds(Y, 5, seed=s, order=2), seeds),
            runs(global_seeded(lambda s: splitter_folds(IterativeStratification(n_splits=5, order=2), X, Y)), once),
            lambda f: fold_deviation(Y, f, order=2))
    y = np.random.default_rng(0).choice(10, 1_000_000, p=np.r_[0.3, 0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.03, 0.02, 0.01])
    row("single-label 1M, 10 classes", 'sklearn StratifiedKFold', runs(lambda s: stratified_folds(y, 5, seed=s), seeds),
        runs(lambda s: splitter_folds(StratifiedKFold(5, shuffle=True, random_state=s), np.zeros(len(y)), y), seeds), lambda f: fold_deviation(y, f))
    grouped = [("grouped 200k rows / 20k groups, 10 skewed classes", *skewed_groups(), 5, once)]
    rng = np.random.RandomState(0)
    grouped += [("grouped 1k rows, one row per group, 9 folds", np.array([4] * 100 + [0] * 890 + [1] * 10), np.arange(1000), 9, seeds),
                ("grouped 1k rows / 30 groups, 2 classes 30/70", rng.choice(2, 1000, p=[.3, .7]), rng.choice(30, 1000), 5, seeds)]
    for name, y, g, k, peer_seeds in grouped:
        row(name, 'sklearn StratifiedGroupKFold', runs(lambda s: stratified_folds(y, k, groups=g, seed=s), seeds),
            runs(lambda s: splitter_folds(StratifiedGroupKFold(k, shuffle=True, random_state=s), np.zeros(len(y)), y, g), peer_seeds),
            lambda f: fold_deviation(y, f))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--quick', action='store_true', help='skip the 200k×100 cases (scikit-multilearn takes minutes there)')
    ap.add_argument('--repeats', type=int, default=3, help='seeds per splitter (the slow peers run once)')
    a = ap.parse_args()
    main(a.quick, a.repeats)
