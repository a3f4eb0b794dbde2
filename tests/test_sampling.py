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

def _weighted_draws(cbs, n_fits=3):
    "The rows (by their input value) of each training batch over `n_fits` fits of one epoch on `weighted_dls(seed=0)`."
    import torch, torch.nn as nn
    from fastai.basics import DataBlock, TransformBlock, CategoryBlock, ColReader, ColSplitter, Learner, Callback, CrossEntropyLossFlat
    from fastaug.sampling import weighted_dls
    df = pd.DataFrame({'x': np.arange(40.), 'label': ['a'] * 30 + ['b'] * 10, 'is_valid': np.arange(40) % 5 == 0})
    db = DataBlock((TransformBlock, CategoryBlock), get_x=lambda r: torch.tensor([r.x], dtype=torch.float32), get_y=ColReader('label'), splitter=ColSplitter())
    class Rows(Callback):
        order, run_valid = 30, False
        def before_fit(self): self.fit_rows = []
        def before_batch(self): self.fit_rows.append(self.learn.xb[0][:, 0].long().tolist())
    learn = Learner(weighted_dls(db, df, seed=0, bs=8, num_workers=0), nn.Linear(1, 2), loss_func=CrossEntropyLossFlat(), cbs=cbs)
    out = []
    with learn.no_logging():
        for _ in range(n_fits): r = Rows(); learn.fit(1, 0, cbs=r); out.append(r.fit_rows)
    return out

def test_weighted_stream_continues_under_per_item_callbacks():
    "SoftLabel and PLC train on a copy of the weighted loader: its draws continue the loader's own stream, fit after fit, exactly as without them."
    from fastaug.labels import SoftLabel, ProgressiveLabelCorrection
    plain = _weighted_draws([])
    assert plain[0] != plain[1] != plain[2]   # a fresh weighted draw every fit
    soft = pd.DataFrame(np.full((40, 2), 0.5), index=np.arange(40), columns=['a', 'b'])
    assert _weighted_draws([SoftLabel(soft)]) == plain
    assert _weighted_draws([ProgressiveLabelCorrection(warmup=5, window=1)]) == plain
