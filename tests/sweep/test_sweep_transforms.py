"""The bad-input sweep's cases for `fastaug.transforms` (../shared/findings/bad-input-sweep.md, SILENT-WRONG and UNCLEAR rows):
each now raises an error that names the offending value and the fix, or returns the correct result."""
import math, re, tempfile
from functools import cached_property
import numpy as np, pandas as pd, pytest, torch, torch.nn as nn
from fastaug.test_utils import check_case
from fastai.vision.all import (DataBlock, ImageBlock, PILImageBW, CategoryBlock, ColReader, RandomSplitter, IndexSplitter, Learner,
                               TensorImage, CrossEntropyLossFlat, params)
from fastaug.data import digits_df
from fastaug.transforms import smooth_noise, ElasticDeform, Cutout, dataset_stats, ProgressiveResize
from fastaug.test_utils import pool_cnn, halves_dls, SizeSpy

nan, inf = float('nan'), float('inf')
def g(): return torch.Generator().manual_seed(0)

class Fixtures:
    "Small objects the cases use, built on first use."
    @cached_property
    def items(self): return list(digits_df().path[:40])
    @cached_property
    def learn(self):
        dblk = DataBlock((ImageBlock(cls=PILImageBW), CategoryBlock), get_x=ColReader('path'), get_y=ColReader('label'),
                         splitter=RandomSplitter(seed=0))
        return Learner(dblk.dataloaders(digits_df().iloc[:100], bs=16, num_workers=0), pool_cnn(10))

    @cached_property
    def sorted_dls(self):
        "Digits in the table's order, which is sorted by label (as folder listings are)."
        dblk = DataBlock((ImageBlock(cls=PILImageBW), CategoryBlock), get_x=ColReader('path'), get_y=ColReader('label'),
                         splitter=IndexSplitter(range(0, 1797, 10)))
        return dblk.dataloaders(digits_df(), bs=64, num_workers=0)

    @cached_property
    def tmp(self):
        "A folder for lr_find's temporary weights, removed with the fixtures."
        self._tmp = tempfile.TemporaryDirectory()
        return self._tmp.name

FX = Fixtures()
@pytest.fixture(scope='module')
def fx(): return FX

# --- TRIAL1 F16 / F13: ProgressiveResize's schedule in a frozen fit_one_cycle, under fine_tune, and lr_find
def _resize_learner(two_groups=True, path='.'):
    "A Learner recording its training input sizes; with `two_groups`, a body and a head, as `vision_learner` builds it."
    net = pool_cnn(2)
    kw = dict(splitter=lambda m: [params(m[0]), params(m[1])]) if two_groups else {}
    return Learner(halves_dls(), nn.Sequential(net[:3], net[3:]) if two_groups else net, loss_func=CrossEntropyLossFlat(),
                   cbs=[ProgressiveResize(start=0.5, until_pct=0.6, multiple=4), SizeSpy()], path=path, **kw)

def _quiet(learn, meth, *args, **kw):
    with learn.no_logging(), learn.no_bar(): getattr(learn, meth)(*args, **kw)
    return learn.size_spy.trn

def _frozen_fit_one_cycle(fx):
    learn = _resize_learner(); learn.freeze()           # a pretrained vision_learner before unfreeze()
    return _quiet(learn, 'fit_one_cycle', 2, 1e-2)

def _grows(sizes): assert sizes[0] == (16, 16) and sizes[-1] == (32, 32) and sizes == sorted(sizes), sorted(set(sizes))

def _fine_tune_ok(sizes, n=len(halves_dls().train)):
    assert set(sizes[:n]) == {(16, 16)}, sorted(set(sizes[:n]))    # the frozen fit at the start size
    _grows(sizes[n:])                                              # the schedule once, over the unfrozen fit

def _lr_find_ok(sizes): assert sizes and set(sizes) == {(32, 32)}, sorted(set(sizes))

# --- TRIAL1 F11: dataset_stats(n_batches=k) reads k batches of items drawn at random, not the first k (a few classes)
def _sample_ok(r, fx=FX):
    tr = fx.sorted_dls.train.items
    pick = np.random.default_rng(0).permutation(len(tr))[:3 * 64]
    xs = torch.cat([b[0] for b in fx.sorted_dls.test_dl(tr.iloc[pick], bs=64)]).double()
    assert np.allclose(r[0], xs.mean((0, 2, 3)).tolist(), atol=1e-6) and np.allclose(r[1], xs.std((0, 2, 3), correction=0).tolist(), atol=1e-6)
    assert tr.label.iloc[pick].nunique() == 10

def near_constant(z):
    "A correct field for sigma far above the image: finite, [2, 2, 8, 8], nearly constant over the image, unit std overall."
    assert z.shape == (2, 2, 8, 8) and torch.isfinite(z).all()
    assert z.flatten(2).std(-1).max() < 1e-3
    big = smooth_noise(2000, 8, 8, 1e6, g())
    assert abs(big.std().item() - 1) < 0.05

# (case id as in the sweep, thunk taking the fixtures, expected exception type and message regex — or a check of the result)
CASES = [
    ('smooth_noise sigma=0', lambda fx: smooth_noise(2, 8, 8, 0., g()), ValueError, r"sigma must be a finite number in \(0, inf\).*got 0"),
    ('smooth_noise sigma=-4', lambda fx: smooth_noise(64, 32, 32, -4., g()), ValueError, r"sigma must be .*got -4"),
    ('smooth_noise h=2.5 float', lambda fx: smooth_noise(2, 2.5, 8, 2., g()), ValueError, r"h must be an int >= 1, got 2\.5"),
    ('dataset_stats channels-last batches [bs,H,W,C]', lambda fx: dataset_stats([torch.rand(2, 8, 8, 3)], show_progress=False),
     ValueError, r"\(2, 8, 8, 3\) look channels-last.*permute\(0, 3, 1, 2\)"),
    ('smooth_noise sigma=NaN', lambda fx: smooth_noise(2, 8, 8, nan, g()), ValueError, r"sigma must be a finite number.*got nan"),
    ('smooth_noise sigma=inf', lambda fx: smooth_noise(2, 8, 8, inf, g()), ValueError, r"sigma must be a finite number.*got inf"),
    ('smooth_noise n=-1', lambda fx: smooth_noise(-1, 8, 8, 2., g()), ValueError, r"n must be an int >= 0, got -1"),
    ('smooth_noise dtype=int64', lambda fx: smooth_noise(2, 8, 8, 2., g(), dtype=torch.int64), ValueError,
     r"dtype must be a floating torch dtype.*torch\.int64"),
    ('smooth_noise huge sigma 1e6 on 8x8', lambda fx: smooth_noise(2, 8, 8, 1e6, g()), None, near_constant),
    ("ElasticDeform seed='x' (call)", lambda fx: ElasticDeform(p=1., seed='x')(TensorImage(torch.rand(2, 1, 8, 8)), split_idx=0),
     ValueError, r"seed must be an int >= 0 or None, got 'x'"),
    ('ElasticDeform seed=1.5 (call)', lambda fx: ElasticDeform(p=1., seed=1.5)(TensorImage(torch.rand(2, 1, 8, 8)), split_idx=0),
     ValueError, r"seed must be an int >= 0 or None, got 1\.5"),
    ('Cutout fill=None (call)', lambda fx: Cutout(p=1., fill=None, seed=0)(TensorImage(torch.rand(4, 3, 16, 16)), split_idx=0),
     ValueError, r"fill must be a finite number.*got None"),
    ("Cutout fill='x' (call)", lambda fx: Cutout(p=1., fill='x', seed=0)(TensorImage(torch.rand(4, 3, 16, 16)), split_idx=0),
     ValueError, r"fill must be a finite number.*got 'x'"),
    ('dataset_stats None', lambda fx: dataset_stats(None), TypeError, r"needs DataLoaders, a DataLoader or an iterable of batches, got NoneType"),
    # --- TRIAL1 findings
    ('F16 ProgressiveResize frozen fit_one_cycle runs the schedule', _frozen_fit_one_cycle, None, _grows),
    ('F16 ProgressiveResize fine_tune: start size, then the schedule once', lambda fx: _quiet(_resize_learner(), 'fine_tune', 2, 1e-2), None, _fine_tune_ok),
    ('F16 ProgressiveResize fine_tune, one parameter group', lambda fx: _quiet(_resize_learner(False), 'fine_tune', 2, 1e-2), None, _fine_tune_ok),
    ('F13 ProgressiveResize skips lr_find', lambda fx: _quiet(_resize_learner(path=fx.tmp), 'lr_find', num_it=12, show_plot=False), None, _lr_find_ok),
    ('F11 dataset_stats n_batches draws items at random', lambda fx: dataset_stats(fx.sorted_dls, n_batches=3, show_progress=False), None, _sample_ok),
    ('F11 dataset_stats seed=-1', lambda fx: dataset_stats(fx.sorted_dls, n_batches=3, seed=-1), ValueError, r"seed must be an int >= 0 or None, got -1"),
]

@pytest.mark.parametrize('case,thunk,exc,expect', CASES, ids=[c[0] for c in CASES])
def test_sweep_transforms(fx, case, thunk, exc, expect): check_case(case, lambda: thunk(fx), exc, expect)
