"Checks of fastaug.sampling beyond the notebook: runtime imports, and exact counts at a larger scale."
import subprocess, sys
import numpy as np, pandas as pd
from fastaug.sampling import oversample, undersample, check_leakage

def test_no_dev_only_imports():
    code = ("import sys, fastaug.sampling; bad = [m for m in ('imblearn', 'hypothesis', 'sklearn.utils._testing') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, '-c', code], check=True)

def test_oversample_exact_at_scale():
    rng = np.random.default_rng(0)
    n, k = 50_000, 200
    y = (k * rng.random(n) ** 2).astype(int)  # class 0 ~70x class 199
    df = pd.DataFrame({'path': np.arange(n).astype(str), 'label': y, 'fold': rng.integers(0, 5, n)})
    o = oversample(df, 2, seed=0)
    trn = df[df.fold != 2].label.value_counts()
    got = o[o.fold != 2].label.value_counts()
    assert (got == trn.max()).all() and set(got.index) == set(trn.index)
    assert o.iloc[:n].drop(columns='copy').equals(df)
    reps = o[o.fold != 2].groupby('label').path.value_counts()
    assert (reps.groupby(level=0).max() - reps.groupby(level=0).min()).max() <= 1
    check_leakage(o, 2)
    u = undersample(df, 2, seed=0)
    assert (u[u.fold != 2].label.value_counts() == trn.min()).all()
