"""Oversampling a 1M-row DataFrame with 1,000 classes: `fastaug.oversample` against imbalanced-learn's
`RandomOverSampler` on the same training index array, side by side (median of repeats, ratios printed).

    python bench/sampling.py              # 1,000,000 rows, 1,000 classes, 5 repeats
    python bench/sampling.py --n 100000   # quicker

Both bring every training class (folds != 0) up to the largest training class. `RandomOverSampler` gets only the
training rows' index array and labels (its best case: no DataFrame); `oversample` takes and returns the whole
DataFrame (paths, labels, folds; validation rows kept once). Everything here is numpy/pandas on the host: there is
no CUDA path to measure.
"""
import argparse, os, time
import numpy as np, pandas as pd
from imblearn.over_sampling import RandomOverSampler
from fastaug.sampling import oversample

def make_df(n, n_classes, ratio=40.0, seed=0):
    "`n` rows with class sizes spread geometrically over `ratio` (largest / smallest), 5 folds, string paths."
    sizes = np.exp(np.linspace(0, np.log(ratio), n_classes))
    sizes = np.floor(sizes / sizes.sum() * n).astype(int)
    sizes[-1] += n - sizes.sum()
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat(np.arange(n_classes), sizes))
    return pd.DataFrame({'path': [f'images/{i:07d}.png' for i in range(n)], 'label': y, 'fold': np.arange(n) % 5})

def spread(pos, y):
    "Largest (max - min) of how often the images of one class appear, over all classes."
    c = pd.DataFrame({'pos': pos, 'y': y}).groupby('y').pos.value_counts()
    g = c.groupby(level=0)
    return int((g.max() - g.min()).max())

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=1_000_000); p.add_argument('--classes', type=int, default=1000)
    p.add_argument('--repeats', type=int, default=5)
    a = p.parse_args()
    df = make_df(a.n, a.classes)
    trn = np.flatnonzero(df.fold.to_numpy() != 0)
    X, y = trn[:, None], df.label.to_numpy()[trn]
    counts = np.bincount(y)
    print(f"{a.n:,} rows, {a.classes:,} classes; training rows {len(trn):,}, class sizes {counts.min()}..{counts.max()}; "
          f"{os.cpu_count()} CPUs, pandas {pd.__version__}")

    def ros(seed): return RandomOverSampler(random_state=seed).fit_resample(X, y)
    def ros_df(seed):
        Xr, _ = ros(seed)
        return pd.concat([df, df.iloc[Xr[len(trn):, 0]]])  # the same DataFrame oversample returns (index labels kept)
    def ours(seed): return oversample(df, 0, seed=seed)

    fns = {'imblearn RandomOverSampler (index array)': ros, 'imblearn + building the DataFrame': ros_df,
           'fastaug oversample (DataFrame in, out)': ours}
    ours(0); ros(0)  # warm up
    times = {k: [] for k in fns}
    for r in range(a.repeats):  # interleaved, so machine noise hits every peer alike
        for k, f in fns.items():
            t = time.perf_counter(); f(r); times[k].append(time.perf_counter() - t)
    base = np.median(times['imblearn RandomOverSampler (index array)'])
    print(f"\n{'':45s} {'median s':>9s} {'min s':>7s} {'vs imblearn':>12s}")
    for k, ts in times.items():
        print(f"{k:45s} {np.median(ts):9.3f} {min(ts):7.3f} {np.median(ts) / base:11.2f}x")

    o, (Xr, yr) = ours(0), ros(0)
    ot = o[o.fold != 0]
    same = np.array_equal(np.bincount(ot.label.to_numpy()), np.bincount(yr))
    print(f"\noutput training rows: fastaug {len(ot):,}, imblearn {len(yr):,}; same class counts: {same}")
    print(f"largest spread of copies per image within a class (max - min): fastaug {spread(ot.path.to_numpy(), ot.label.to_numpy())}, "
          f"imblearn {spread(Xr[:, 0], yr)}")

if __name__ == '__main__': main()
