"""The bad-input sweep's cases for `fastaug.transforms` (../shared/findings/bad-input-sweep.md, SILENT-WRONG and UNCLEAR rows):
each now raises an error that names the offending value and the fix, or returns the correct result."""
import math, re
from functools import cached_property
import numpy as np, pandas as pd, pytest, torch
from fastai.vision.all import DataBlock, ImageBlock, PILImageBW, CategoryBlock, ColReader, RandomSplitter, Learner, TensorImage
from fastaug.data import digits_df
from fastaug.transforms import smooth_noise, ElasticDeform, Cutout, dataset_stats, pseudo_label
from fastaug.test_utils import pool_cnn

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

@pytest.fixture(scope='module')
def fx(): return Fixtures()

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
    ('pseudo_label items missing files', lambda fx: pseudo_label(fx.learn, ['/nope/a.png', '/nope/b.png'], verbose=False),
     FileNotFoundError, r"2 of the 2 items do not exist, e\.g\. \['/nope/a\.png'"),
    ('pseudo_label items DataFrame without the path column', lambda fx: pseudo_label(fx.learn, pd.DataFrame({'file': fx.items}), verbose=False),
     ValueError, r"cannot read these items \(KeyError: 'path'\).*columns given: \['file'\]"),
]

@pytest.mark.parametrize('case,thunk,exc,expect', CASES, ids=[c[0] for c in CASES])
def test_sweep_transforms(fx, case, thunk, exc, expect):
    if exc is None:
        expect(thunk(fx))
        return
    with pytest.raises(exc) as e: thunk(fx)
    assert re.search(expect, str(e.value), re.S), f"{case}: {type(e.value).__name__}: {e.value}"
