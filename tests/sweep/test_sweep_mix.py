"""The bad-input sweep's cases for `fastaug.mix` (`../shared/findings/bad-input-sweep.md`, SILENT-WRONG and UNCLEAR rows), and more of the same kind.

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result. Messages must name the offending value and say what to do.
"""
import re, warnings
import pytest, torch, torch.nn as nn, torch.nn.functional as F
from fastaug.test_utils import check_case
from torch.utils.data import DataLoader as TorchDL
from fastai.callback.core import Callback
from fastai.callback.mixup import MixUp as FastaiMixUp, CutMix as FastaiCutMix
from fastai.data.core import DataLoaders
from fastai.learner import Learner
from fastai.losses import CrossEntropyLossFlat, MSELossFlat
import fastai.callback.progress   # `Learner.no_bar`
from fastaug.mix import MixUp, CutMix, CutMixUp, RICAP, SamplePairing
from fastaug.losses import SoftTargetCallback
from fastaug.test_utils import cls_dls, cls_learner

x = torch.randn(6, 3, 8, 8, generator=torch.Generator().manual_seed(0))
yi = torch.tensor([0, 1, 2, 0, 1, 2])

def fit1(cbs, c=3, loss_func=None, dls=None):
    "One epoch of a tiny Learner whose model has `c` outputs, on labels 0..2."
    learn = cls_learner(dls=dls if dls is not None else cls_dls(c=3), c=c, loss_func=loss_func, cbs=cbs)
    with learn.no_bar(), learn.no_logging(): learn.fit(1)
    return learn

class ToFloat(Callback):
    "Turns the class indices into floats before mixing, as a careless pipeline does."
    order = 19
    def before_batch(self): self.learn.yb = (self.yb[0].float(),)

class Smooth(SoftTargetCallback):
    "A soft-target callback other than a mixer (as SoftLabel is one)."
    order = 15
    def before_batch(self): self.learn.yb = (F.one_hot(self.y, 3).float() * .9 + .1 / 3,); self.soft_batch()

def _fastai_mixer_then_alone(fa_cls, ours):
    "fastai's mixer beside a fastaug callback: refused at before_fit, the loss untouched, and fastai's mixer alone then trains on that Learner."
    learn = cls_learner(dls=cls_dls(c=3), c=3, cbs=[ours, fa_cls()]); lf = learn.loss_func
    with learn.no_bar(), learn.no_logging():
        try: learn.fit(1)
        except ValueError as e: msg = str(e)
        else: raise AssertionError('not refused')
        assert learn.loss_func is lf, learn.loss_func
        learn.remove_cb(ours); learn.fit(1)
    assert learn.loss_func is lf
    return msg

def my_ce(pred, targ): return F.cross_entropy(pred, targ)
def my_ce_yint(pred, targ): return F.cross_entropy(pred, targ)
my_ce_yint.y_int = True
def my_ce_red(pred, targ, reduction='mean'): return F.cross_entropy(pred, targ, reduction=reduction)
my_ce_red.y_int = True

def _stored_batches(cls):
    "Batches a PyTorch DataLoader hands out as they are stored (batch_size=None): mixed copies, the stored data untouched."
    g = torch.Generator().manual_seed(0)
    stored = [(torch.rand(8, 3, 8, 8, generator=g), torch.randint(0, 3, (8,), generator=g)) for _ in range(3)]
    orig = [x.clone() for x, _ in stored]
    dls = DataLoaders(TorchDL(stored, batch_size=None, shuffle=True), TorchDL(stored[:1], batch_size=None))
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3))
    learn = Learner(dls, model, loss_func=CrossEntropyLossFlat(), cbs=cls(seed=0))
    with learn.no_bar(), learn.no_logging(): learn.fit(2)
    return all(torch.equal(x, o) for (x, _), o in zip(stored, orig))

def _mixed_ok(r):
    (xm,), (ym,) = r
    assert ym.shape == (6, 3) and torch.allclose(ym.sum(1), torch.ones(6))

CASES = [
    # --- SILENT-WRONG in the sweep
    ('SamplePairing schedule=(1.5, 0.5)', lambda: SamplePairing(schedule=(1.5, 0.5)), ValueError, r'schedule\[0\] \(epochs on\) must be an int >= 1, got 1\.5'),
    # --- UNCLEAR in the sweep
    ("MixUp label_smoothing='0.1'", lambda: MixUp(label_smoothing='0.1'), ValueError, r"label_smoothing must be a finite number in \[0, 1\), got '0\.1'"),
    ('MixUp label_smoothing=None', lambda: MixUp(label_smoothing=None), ValueError, r'label_smoothing must be a finite number in \[0, 1\), got None'),
    ("MixUp stop_pct='x'", lambda: MixUp(stop_pct='x'), ValueError, r"stop_pct must be a finite number in \[0, 1\] or None, got 'x'"),
    ('CutMix minmax=5', lambda: CutMix(minmax=5), ValueError, r'minmax must be \(lo, hi\) with 0 <= lo <= hi <= 1, or None; got 5'),
    ('SamplePairing schedule=5', lambda: SamplePairing(schedule=5), ValueError, r'schedule must be \(epochs on, epochs off\) or None, got 5'),
    ("MixUp stop_epoch='x'", lambda: MixUp(stop_epoch='x'), ValueError, r"stop_epoch must be an int >= 0 or None, got 'x'"),
    ("MixUp seed='x'", lambda: MixUp(seed='x'), ValueError, r"seed must be an int >= 0 or None, got 'x'"),
    ('MixUp seed=1.5', lambda: MixUp(seed=1.5), ValueError, r'seed must be an int >= 0 or None, got 1\.5'),
    ('MixUp n_classes=2 < labels (fit)', lambda: fit1(MixUp(n_classes=2, seed=0)), ValueError, r'n_classes=2 but the model outputs 3 classes.*drop n_classes'),
    ('MixUp n_classes=0', lambda: MixUp(n_classes=0), ValueError, r'n_classes must be an int >= 1 or None, got 0'),
    ('MixUp n_classes=5 > model outputs 3 (fit)', lambda: fit1(MixUp(n_classes=5, seed=0)), ValueError, r'n_classes=5 but the model outputs 3'),
    ('MixUp.mix_batch targets with -1 (ignore index)', lambda: MixUp(n_classes=3, seed=0).mix_batch((x,), (torch.tensor([0, 1, -1, 0, 1, 2]),)),
     ValueError, r'class indices must lie in \[0, 3\).*got indices in \[-1, 2\]'),
    ('MixUp.mix_batch targets >= n_classes', lambda: MixUp(n_classes=3, seed=0).mix_batch((x,), (torch.tensor([0, 1, 7, 0, 1, 2]),)),
     ValueError, r'class indices must lie in \[0, 3\).*\[0, 7\]'),
    ('MixUp.mix_batch targets length != batch', lambda: MixUp(n_classes=3, seed=0).mix_batch((x,), (yi[:4],)), ValueError, r'batch size 6, got one of shape \(4,\)'),
    ('CutMix.mix_batch targets length != batch', lambda: CutMix(n_classes=3, seed=0).mix_batch((x,), (yi[:4],)), ValueError, r'batch size 6, got one of shape \(4,\)'),
    ('RICAP.mix_batch targets length != batch', lambda: RICAP(n_classes=3, seed=0).mix_batch((x,), (yi[:4],)), ValueError, r'batch size 6, got one of shape \(4,\)'),
    ('MixUp float class-index targets with CE loss (fit)', lambda: fit1([ToFloat(), MixUp(seed=0)]), ValueError,
     r'float targets of shape \(16,\) with the class-index loss .*CrossEntropyLoss.*\.long\(\)'),
    # --- more of the same kind
    ('MixUp alpha=0', lambda: MixUp(alpha=0), ValueError, r'alpha must be a finite number in \(0, inf\), got 0'),
    ("MixUp alpha='x'", lambda: MixUp(alpha='x'), ValueError, r"alpha must be a finite number in \(0, inf\), got 'x'"),
    ('MixUp p=1.5', lambda: MixUp(p=1.5), ValueError, r'p must be a finite number in \[0, 1\], got 1\.5'),
    ('MixUp stop_pct=2', lambda: MixUp(stop_pct=2), ValueError, r'stop_pct must be a finite number in \[0, 1\] or None, got 2'),
    ('MixUp label_smoothing=1', lambda: MixUp(label_smoothing=1.), ValueError, r'label_smoothing must be a finite number in \[0, 1\), got 1\.0'),
    ('CutMix minmax=(0.6, 0.4)', lambda: CutMix(minmax=(0.6, 0.4)), ValueError, r'lo <= hi, got \(0\.6, 0\.4\)'),
    ("CutMix minmax=('a', 1)", lambda: CutMix(minmax=('a', 1)), ValueError, r"minmax\[0\] must be a finite number in \[0, 1\], got 'a'"),
    ('CutMixUp switch_prob=-0.1', lambda: CutMixUp(switch_prob=-0.1), ValueError, r'switch_prob must be a finite number in \[0, 1\], got -0\.1'),
    ('RICAP beta=-1', lambda: RICAP(beta=-1), ValueError, r'beta must be a finite number in \(0, inf\), got -1'),
    ('SamplePairing schedule=(0, 2)', lambda: SamplePairing(schedule=(0, 2)), ValueError, r'schedule\[0\] \(epochs on\) must be an int >= 1, got 0'),
    ('SamplePairing start_epoch=-1', lambda: SamplePairing(start_epoch=-1), ValueError, r'start_epoch must be an int >= 0, got -1'),
    ('MixUp mix_batch class indices without a class count', lambda: MixUp().mix_batch((x,), (yi,)), ValueError, r'pass n_classes='),
    ('MixUp 2-D integer targets', lambda: MixUp(n_classes=3).mix_batch((x,), (yi[:, None].expand(6, 2),)), ValueError, r'integer targets must be class indices of shape \[bs\], got \(6, 2\)'),
    ('MixUp uint8 images', lambda: MixUp(n_classes=3).mix_batch(((x * 50).byte(),), (yi,)), TypeError, r'floating-point inputs, got torch\.uint8.*IntToFloatTensor'),
    ('CutMix 2-D inputs', lambda: CutMix(n_classes=3).mix_batch((x.flatten(1),), (yi,)), ValueError, r'needs images \[bs, C, H, W\], got an input of shape \(6, 192\)'),
    ('MixUp with a regression loss on class indices (fit)', lambda: fit1(MixUp(seed=0), loss_func=MSELossFlat()), TypeError, r'cannot tell whether .*MSELoss.* takes class indices.*y_int = True'),
    ('MixUp and CutMix in one Learner', lambda: fit1([MixUp(), CutMix()]), ValueError, r"fastaug's MixUp and fastaug's CutMix would each mix every batch.*CutMixUp"),
    # TRIAL1 F4: fastai's MixUp/CutMix beside fastaug's callbacks (import order `fastaug.all` then `fastai.vision.all`)
    ("fastaug's and fastai's MixUp in one Learner", lambda: fit1([MixUp(), FastaiMixUp()]), ValueError,
     r"fastaug's MixUp cannot train beside fastai's MixUp \(`fastai\.callback\.mixup\.MixUp`\).*`from fastaug\.all import \*` after `from fastai\.vision\.all import \*`"),
    ("fastai's CutMix beside a soft-target callback: refused, loss untouched, fastai's CutMix alone trains after",
     lambda: _fastai_mixer_then_alone(FastaiCutMix, Smooth()), None, lambda m: bool(re.search(r"fastaug's Smooth cannot train beside fastai's CutMix.*import \*", m))),
    ("fastai's MixUp beside fastaug's RICAP: the same", lambda: _fastai_mixer_then_alone(FastaiMixUp, RICAP(seed=0)), None,
     lambda m: bool(re.search(r"fastaug's RICAP cannot train beside fastai's MixUp", m))),
    # TRIAL1 F12: a loss of the user's own; following the message's advice works
    ('MixUp with a custom loss without y_int (fit)', lambda: fit1(MixUp(seed=0), loss_func=my_ce), TypeError,
     r"cannot tell whether my_ce takes class indices.*set `my_ce\.y_int = True` and let it return one loss per sample for `reduction='none'`"),
    ('MixUp with a custom loss with y_int, no reduction (fit)', lambda: fit1(MixUp(seed=0), loss_func=my_ce_yint), TypeError, r"my_ce_yint has `y_int = True` but no `reduction`"),
    ('MixUp with a custom loss with y_int and reduction (fit, correct)', lambda: fit1(MixUp(seed=0), loss_func=my_ce_red), None, lambda learn: learn.loss_func is my_ce_red),
    # TRIAL1 F14: batches handed out as stored are not mixed in place
    ('MixUp on stored batches (torch DataLoader(batch_size=None))', lambda: _stored_batches(MixUp), None, lambda same: same is True),
    ('CutMix on stored batches', lambda: _stored_batches(CutMix), None, lambda same: same is True),
    ('RICAP on stored batches', lambda: _stored_batches(RICAP), None, lambda same: same is True),
    ('SamplePairing on stored batches', lambda: _stored_batches(SamplePairing), None, lambda same: same is True),
    ('MixUp on a plain DataLoaders without c (fastai trains: so do we)', lambda: fit1(MixUp(seed=0), dls=cls_dls(c=3, with_c=False)), None,
     lambda learn: isinstance(learn.loss_func, CrossEntropyLossFlat)),
    ('MixUp mix_batch with n_classes (correct)', lambda: MixUp(n_classes=3, seed=0).mix_batch((x,), (yi,)), None, _mixed_ok),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_mix(case): check_case(*case)
