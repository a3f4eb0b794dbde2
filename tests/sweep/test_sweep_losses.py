"""The bad-input sweep's cases for the soft-target loss (`SoftTargetLoss`, listed under `fastaug.mix` in
`../shared/findings/bad-input-sweep.md`; now in `fastaug.losses`), and more of the same kind.

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result.
"""
import re, warnings
import pytest, torch, torch.nn as nn, torch.nn.functional as F
from fastaug.test_utils import check_case
from fastai.losses import (CrossEntropyLossFlat, BCEWithLogitsLossFlat, MSELossFlat, FocalLossFlat, FocalLoss, LabelSmoothingCrossEntropyFlat,
                           LabelSmoothingCrossEntropy)
from fastai.layers import NoneReduce
from fastaug.losses import SoftTargetLoss, soft_one_hot, DeviceCheck

pred = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
lf = SoftTargetLoss()

def _deferred():
    "As on CUDA: the check is reported one call later."
    l = SoftTargetLoss(); l.check = DeviceCheck(defer=True)
    l(pred, torch.ones(4, 3) * 2 / 3)
    return l(pred, torch.eye(3)[[0, 1, 2, 0]])

w = torch.tensor([1., 2., 3.])
ya, yb = torch.tensor([0, 1, 2, 0]), torch.tensor([2, 2, 0, 1])
lam = torch.tensor([.9, .6, .75, .5])
mixed = lam[:, None] * F.one_hot(ya, 3) + (1 - lam[:, None]) * F.one_hot(yb, 3)

def _blend(lf):
    "The loss per sample for both labels, lerped by λ."
    with NoneReduce(lf) as l: return torch.lerp(l(pred, yb), l(pred, ya), lam)

def _two_pass(lf):
    "fastai's MixUp loss: the blend, reduced as `lf` reduces ('mean': over the batch)."
    return _blend(lf).sum() if getattr(lf, 'reduction', 'mean') == 'sum' else _blend(lf).mean()

def _issue6():
    g = torch.Generator().manual_seed(38)
    p, y, wt = torch.randn(16, 6, generator=g), torch.randint(0, 6, (16,), generator=g), torch.rand(6, generator=g)
    lf = LabelSmoothingCrossEntropyFlat(weight=wt)
    assert round(lf(p, y).item(), 4) == 2.2705 and round(F.cross_entropy(p, y, weight=wt, label_smoothing=.1).item(), 4) == 2.2558
    torch.testing.assert_close(SoftTargetLoss(lf)(p, F.one_hot(y, 6).float()), lf(p, y).as_subclass(torch.Tensor), rtol=1e-6, atol=1e-7)

def _close(r): return torch.testing.assert_close(r[0].as_subclass(torch.Tensor), r[1].as_subclass(torch.Tensor), rtol=1e-5, atol=1e-6) is None

def my_ce(pred, targ): return F.cross_entropy(pred, targ)
def my_ce_yint(pred, targ): return F.cross_entropy(pred, targ)
my_ce_yint.y_int = True
def my_ce_red(pred, targ, reduction='mean'): return F.cross_entropy(pred, targ, reduction=reduction)
my_ce_red.y_int = True
def my_ce_ignores(pred, targ, reduction='mean'): return F.cross_entropy(pred, targ)
my_ce_ignores.y_int = True
CASES = [
    # --- SILENT-WRONG in the sweep
    ('soft targets summing to 2', lambda: lf(pred, torch.ones(4, 3) * 2 / 3), ValueError, r'probability vectors.*row sums in \[2, 2\].*softmax, not logits'),
    ('soft targets negative', lambda: lf(pred, torch.tensor([[-1., 1., 1.]] * 4)), ValueError, r'smallest entry -1'),
    # --- UNCLEAR in the sweep
    ('soft targets with 1 class too many', lambda: lf(pred, torch.rand(4, 4).softmax(1)), ValueError, r'targets of shape \(4, 4\).*predictions \(4, 3\).*shape'),
    ('class index out of range', lambda: lf(pred, torch.tensor([0, 1, 9, 0])), ValueError, r'class indices must lie in \[0, 3\).*\[0, 9\]'),
    ("loss_func='ce' (a string)", lambda: SoftTargetLoss('ce'), TypeError, r"loss_func must be a loss .*got 'ce'"),
    # --- more of the same kind
    ('float class indices', lambda: lf(pred, torch.tensor([0., 1., 2., 0.])), ValueError, r'class indices must be an integer tensor \(`\.long\(\)`\)'),
    ('logits as soft targets', lambda: lf(pred, torch.randn(4, 3)), ValueError, r'probability vectors'),
    ('deferred check (as on CUDA) reports at the next call', _deferred, ValueError, r'row sums in \[2, 2\]'),
    ('multi-label targets outside [0, 1]', lambda: SoftTargetLoss(BCEWithLogitsLossFlat())(pred, torch.full((4, 3), 2.)), ValueError, r'\[0, 1\], got values in \[2, 2\]'),
    ('a regression loss', lambda: SoftTargetLoss(MSELossFlat()), TypeError, r'cannot tell whether .*MSELoss.* takes class indices.*`y_int = True` on it'),
    ('soft_one_hot index -1', lambda: soft_one_hot(torch.tensor([0, -1]), 3), ValueError, r'\[0, 3\).*\[-1, 0\]'),
    # TRIAL1 F12: a loss of the user's own, and the advice the message gives
    ('custom loss without y_int', lambda: SoftTargetLoss(my_ce), TypeError,
     r"cannot tell whether my_ce takes class indices.*set `my_ce\.y_int = True` and let it return one loss per sample for `reduction='none'`"),
    ('custom loss with y_int, no reduction', lambda: SoftTargetLoss(my_ce_yint), TypeError, r"my_ce_yint has `y_int = True` but no `reduction`.*reduction='mean'"),
    ('custom loss with y_int and reduction: fastai\'s MixUp loss', lambda: (SoftTargetLoss(my_ce_red)(pred, mixed), _two_pass(my_ce_red)), None, _close),
    ('custom loss ignoring reduction', lambda: SoftTargetLoss(my_ce_ignores)(pred, mixed), ValueError, r'my_ce_ignores returned a loss of shape \(\) for 12 samples.*one loss per sample'),
    # TRIAL1 F2: a class-weighted cross-entropy's 'mean' divides by the targets' total weight Σ t·w (on one-hot targets PyTorch's Σ w[y]);
    # fastai's MixUp and F.cross_entropy on probability targets divide by n: they differ by Σ t·w / n (see tests/peers/test_fastai_mixup.py)
    ('CrossEntropyLossFlat(weight=w) on mixed targets: the blend over sum(t*w)', lambda: (SoftTargetLoss(CrossEntropyLossFlat(weight=w))(pred, mixed),
                                                                                  _blend(CrossEntropyLossFlat(weight=w)).sum() / (mixed @ w).sum()), None, _close),
    ('CrossEntropyLossFlat(weight=w, label_smoothing) on mixed targets: F.cross_entropy * n / sum(t*w)',
     lambda: (SoftTargetLoss(CrossEntropyLossFlat(weight=w, label_smoothing=.1))(pred, mixed),
              F.cross_entropy(pred, mixed, weight=w, label_smoothing=.1) * len(mixed) / (mixed @ w).sum()), None, _close),
    ('CrossEntropyLossFlat(weight=w, reduction=sum) on mixed targets: fastai MixUp', lambda: (SoftTargetLoss(CrossEntropyLossFlat(weight=w, reduction='sum'))(pred, mixed),
                                                                                       _two_pass(CrossEntropyLossFlat(weight=w, reduction='sum'))), None, _close),
    ('LabelSmoothingCrossEntropyFlat(weight=w, reduction=sum) on mixed targets: fastai MixUp',
     lambda: (SoftTargetLoss(LabelSmoothingCrossEntropyFlat(weight=w, reduction='sum'))(pred, mixed),
              _two_pass(LabelSmoothingCrossEntropyFlat(weight=w, reduction='sum'))), None, _close),
    ('FocalLossFlat(weight=w) on mixed targets: fastai MixUp (a plain mean in fastai)', lambda: (SoftTargetLoss(FocalLossFlat(weight=w))(pred, mixed),
                                                                                          _two_pass(FocalLossFlat(weight=w))), None, _close),
    # issue 12 #6: fastai's LabelSmoothingCrossEntropyFlat(weight=w) (smoothing term unweighted) on one-hot targets is fastai's loss, not
    # PyTorch's weighted-smoothing cross-entropy: a batch on which fastai's loss is 2.2705 and PyTorch's 2.2558
    ('LabelSmoothingCrossEntropyFlat(weight=w) = 2.2705 on one-hot targets', lambda: _issue6(), None, lambda r: r is None),
    # issue 12 #5: a FocalLossFlat user gets focal loss on soft targets, never cross-entropy
    ('FocalLossFlat on mixed targets is focal', lambda: (SoftTargetLoss(FocalLossFlat())(pred, torch.tensor([[.7, .3, 0.]] * 4)),
                                                         .7 * FocalLossFlat()(pred, torch.zeros(4, dtype=torch.long)) + .3 * FocalLossFlat()(pred, torch.ones(4, dtype=torch.long))), None,
     lambda r: torch.testing.assert_close(r[0], r[1].as_subclass(torch.Tensor), rtol=1e-5, atol=1e-6) is None),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_losses(case): check_case(*case)

# --- issue 12 #6: on one-hot targets the wrapped loss IS the user's loss (to float32 rounding), for every loss accepted, every reduction
g1 = torch.Generator().manual_seed(1)
P, Y = torch.randn(12, 5, generator=g1), torch.randint(0, 5, (12,), generator=g1)
OH, W5 = F.one_hot(Y, 5).float(), torch.rand(5, generator=g1) + 0.2

class MyLoss(nn.Module):
    "A loss of the user's own over class indices: `y_int` and a `reduction`, not a cross-entropy."
    y_int = True
    def __init__(self, reduction='mean'): super().__init__(); self.reduction = reduction
    def forward(self, p, t):
        l = F.cross_entropy(p, t, reduction='none') * 2 + (t % 2)
        return l.mean() if self.reduction == 'mean' else l.sum() if self.reduction == 'sum' else l

ACCEPTED = {   # name: (make(reduction), whether the user's loss takes the one-hot floats itself (multi-label), not the indices)
    'CE':                         (lambda r: CrossEntropyLossFlat(reduction=r), False),
    'nn.CrossEntropyLoss':        (lambda r: nn.CrossEntropyLoss(reduction=r), False),
    'CE+weight':                  (lambda r: CrossEntropyLossFlat(weight=W5, reduction=r), False),
    'CE+label_smoothing':         (lambda r: CrossEntropyLossFlat(label_smoothing=0.1, reduction=r), False),
    'CE+weight+label_smoothing':  (lambda r: CrossEntropyLossFlat(weight=W5, label_smoothing=0.2, reduction=r), False),
    'nn.CE+weight+smoothing':     (lambda r: nn.CrossEntropyLoss(weight=W5, label_smoothing=0.1, reduction=r), False),
    'LSCE':                       (lambda r: LabelSmoothingCrossEntropyFlat(reduction=r), False),
    'LSCE+weight':                (lambda r: LabelSmoothingCrossEntropyFlat(weight=W5, reduction=r), False),
    'LabelSmoothingCE(eps=.3)+weight': (lambda r: LabelSmoothingCrossEntropy(eps=0.3, weight=W5, reduction=r), False),
    'Focal':                      (lambda r: FocalLossFlat(reduction=r), False),
    'Focal+weight':               (lambda r: FocalLossFlat(gamma=1.5, weight=W5, reduction=r), False),
    'FocalLoss+weight':           (lambda r: FocalLoss(weight=W5, reduction=r), False),
    'y_int custom loss':          (lambda r: MyLoss(r), False),
    'BCEWithLogitsLossFlat':      (lambda r: BCEWithLogitsLossFlat(reduction=r), True),
    'nn.BCEWithLogitsLoss':       (lambda r: nn.BCEWithLogitsLoss(reduction=r), True),
}
ONE_HOT = [(n, r) for n in ACCEPTED for r in ('mean', 'sum', 'none')]

@pytest.mark.parametrize('name,red', ONE_HOT, ids=[f'{n}-{r}' for n, r in ONE_HOT])
def test_one_hot_is_the_users_loss(name, red):
    make, multi = ACCEPTED[name]
    lf = make(red)
    ref = lf(P, OH if multi else Y)
    torch.testing.assert_close(SoftTargetLoss(lf)(P, OH), ref.as_subclass(torch.Tensor), rtol=1e-6, atol=1e-7)

@pytest.mark.parametrize('f', [F.cross_entropy, 'custom function'])
def test_one_hot_is_the_users_loss_functions(f):
    "Functions (no `reduction` attribute): reduced by 'mean'."
    if f == 'custom function': f = my_ce_red
    torch.testing.assert_close(SoftTargetLoss(f)(P, OH), f(P, Y), rtol=1e-6, atol=1e-7)
