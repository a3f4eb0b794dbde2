"""The bad-input sweep's cases for `fastaug.tta` (`../shared/findings/bad-input-sweep.md`, SILENT-WRONG and UNCLEAR rows).

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result. Messages must name the offending value and say what to do.
"""
import re, warnings
from pathlib import Path
import pytest, torch, torch.nn as nn
from fastaug.test_utils import check_case
from fastai.data.load import DataLoader
from fastai.data.core import DataLoaders
from fastai.learner import Learner
from fastai.losses import CrossEntropyLossFlat
from fastaug.tta import merge_views, tta, ensemble_tta, get_views
from fastaug.transforms import ElasticDeform, Cutout

nan, inf = float('nan'), float('inf')
g = torch.Generator().manual_seed(0)
z = torch.randn(2, 4, 3, generator=g)  # 2 views, 4 items, 3 classes
sm = lambda x: x.softmax(-1)

def _model(c_out=3, c_in=3):
    "A tiny CNN with global pooling, seeded."
    with torch.random.fork_rng():
        torch.manual_seed(c_out)
        return nn.Sequential(nn.Conv2d(c_in, 4, 3, padding=1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, c_out))

def _learner(c_out=3):
    "A Learner on 16 random 3×8×8 images (train and valid), without files."
    items = [(torch.randn(3, 8, 8, generator=g), torch.tensor(i % 3)) for i in range(16)]
    dls = DataLoaders(DataLoader(items, bs=8, shuffle=True), DataLoader(items, bs=8))
    return Learner(dls, _model(c_out), loss_func=CrossEntropyLossFlat())

learn, l2, l4 = _learner(), _learner(), _learner(4)

def _bad_pkl():
    import tempfile
    p = Path(tempfile.mkdtemp()) / 'bad.pkl'
    p.write_text('x')
    return ensemble_tta([p], dl=learn.dls.valid)

def _one_view_ok(r): torch.testing.assert_close(r, z[0].softmax(-1))

# --- TRIAL1 F17: fastaug's own random transforms as views are deterministic (their generators are seeded per view)
def _twice(v): return tta(learn, views=['none', v])[0], tta(learn, views=['none', v])[0]

def _same_and_augmented(r):
    a, b = r
    assert torch.equal(a, b), (a - b).abs().max()
    assert not torch.equal(a, tta(learn, views='none')[0])          # the view did change the images

def _cutout_in_place():
    cu = Cutout(p=1., size=4, seed=0)
    return tta(learn, views=['none', cu])[0], tta(learn, views='none')[0], tta(learn, views=[cu])[0]

def _other_views_untouched(r):
    both, plain, cut = r
    torch.testing.assert_close(both, (plain + cut) / 2)             # the 'none' view saw the images without holes

CASES = [
    # --- SILENT-WRONG in the sweep
    ('merge_views z 2-D [bs, c] (views dim missing)', lambda: merge_views(z[0], 'mean', sm), ValueError, r'n_views, bs, n_classes.*\(4, 3\).*z\[None\]'),
    ('merge_views tsharpen t=-1', lambda: merge_views(z, 'tsharpen', sm, t=-1), ValueError, r't must be a finite number in \(0, inf\).*-1'),
    ('merge_views tsharpen t=NaN', lambda: merge_views(z, 'tsharpen', sm, t=nan), ValueError, r't must be .*nan'),
    ("merge_views kind='bogus'", lambda: merge_views(z, 'gmean', sm, kind='bogus'), ValueError, r"kind must be one of \[None, 'softmax', 'sigmoid', 'other'\], got 'bogus'"),
    ('ensemble_tta weights NaN', lambda: ensemble_tta([learn, l2], weights=[nan, 1]), ValueError, r'weights\[0\] must be a finite number in \[0, inf\).*nan'),
    ('ensemble_tta weights inf', lambda: ensemble_tta([learn, l2], weights=[inf, 1]), ValueError, r'weights\[0\] must be a finite number.*inf'),
    # --- UNCLEAR in the sweep
    ('merge_views z 1-D', lambda: merge_views(torch.randn(5), 'mean', sm), ValueError, r'n_views, bs, n_classes.*\(5,\)'),
    ('tta max_bs=-1', lambda: tta(learn, max_bs=-1), ValueError, r'max_bs must be an int >= 1 or None, got -1'),
    ('tta max_bs=1.5', lambda: tta(learn, max_bs=1.5), ValueError, r'max_bs must be an int >= 1 or None, got 1\.5'),
    ("tta max_bs='4'", lambda: tta(learn, max_bs='4'), ValueError, r"max_bs must be an int >= 1 or None, got '4'"),
    ('tta dl of 1-channel images into a 3-channel model', lambda: tta(learn, dl=[(torch.randn(4, 1, 8, 8),)]), RuntimeError,
     r'items of shape \(1, 8, 8\).*number of channels.*The model said'),
    ("ensemble_tta weights ['a', 'b']", lambda: ensemble_tta([learn, l2], weights=['a', 'b']), ValueError, r"weights\[0\] must be a finite number.*'a'"),
    ('ensemble_tta members with 3 and 4 classes', lambda: ensemble_tta([learn, l4]), ValueError, r'different numbers of classes: member 0 3, member 1 4'),
    ('ensemble_tta a text file as .pkl member', _bad_pkl, ValueError, r'Cannot load .*bad\.pkl as an exported Learner'),
    # --- more of the same kind
    ('ensemble_tta weights not a list', lambda: ensemble_tta([learn, l2], weights=2), TypeError, r'weights must be a list of numbers.*2'),
    ('ensemble_tta all-zero weights', lambda: ensemble_tta([learn, l2], weights=[0, 0]), ValueError, r'positive sum'),
    ('tta ds_idx=-1', lambda: tta(learn, ds_idx=-1), ValueError, r'ds_idx must be an int >= 0'),
    ("merge_views merge='median'", lambda: merge_views(z, 'median', sm), ValueError, r"merge must be one of .*'tsharpen'.*'median'"),
    ("get_views('auto') without a Learner", lambda: get_views('auto'), ValueError, r'auto_views\(learn\)'),
    ('merge_views one view as z[None] (the fix the error names)', lambda: merge_views(z[:1], 'gmean', sm), None, _one_view_ok),
    # --- TRIAL1 F17
    ('F17 ElasticDeform view, two tta calls', lambda: _twice(ElasticDeform(alpha=2., p=1.)), None, _same_and_augmented),
    ('F17 seeded ElasticDeform view, two tta calls', lambda: _twice(ElasticDeform(alpha=2., p=1., seed=0)), None, _same_and_augmented),
    ('F17 Cutout view, two tta calls', lambda: _twice(Cutout(p=1., size=4)), None, _same_and_augmented),
    ('F17 Cutout view writes in place on a copy only', _cutout_in_place, None, _other_views_untouched),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_tta(case): check_case(*case)
