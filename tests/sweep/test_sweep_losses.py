"""The bad-input sweep's cases for the soft-target loss (`SoftTargetLoss`, listed under `fastaug.mix` in
`../shared/findings/bad-input-sweep.md`; now in `fastaug.losses`), and more of the same kind.

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result.
"""
import re, warnings
import pytest, torch, torch.nn.functional as F
from fastai.losses import CrossEntropyLossFlat, BCEWithLogitsLossFlat, MSELossFlat, FocalLossFlat, LabelSmoothingCrossEntropyFlat
from fastaug.losses import SoftTargetLoss, one_hot, DeviceCheck

pred = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
lf = SoftTargetLoss()

def _deferred():
    "As on CUDA: the check is reported one call later."
    l = SoftTargetLoss(); l.check = DeviceCheck(defer=True)
    l(pred, torch.ones(4, 3) * 2 / 3)
    return l(pred, torch.eye(3)[[0, 1, 2, 0]])

w = torch.tensor([1., 2., 3.])
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
    ('a regression loss', lambda: SoftTargetLoss(MSELossFlat()), TypeError, r'takes no class targets.*y_int = True'),
    ('one_hot index -1', lambda: one_hot(torch.tensor([0, -1]), 3), ValueError, r'\[0, 3\).*\[-1, 0\]'),
    # issue 12 #6: fastai's LabelSmoothingCrossEntropyFlat(weight=w) on one-hot targets is fastai's loss, not PyTorch's
    ('LabelSmoothingCrossEntropyFlat(weight=w) on one-hot targets', lambda: (SoftTargetLoss(LabelSmoothingCrossEntropyFlat(weight=w))(pred, F.one_hot(torch.tensor([0, 1, 2, 0]), 3).float()),
                                                                          LabelSmoothingCrossEntropyFlat(weight=w)(pred, torch.tensor([0, 1, 2, 0]))), None,
     lambda r: torch.testing.assert_close(r[0], r[1].as_subclass(torch.Tensor), rtol=1e-6, atol=1e-6) is None),
    # issue 12 #5: a FocalLossFlat user gets focal loss on soft targets, never cross-entropy
    ('FocalLossFlat on mixed targets is focal', lambda: (SoftTargetLoss(FocalLossFlat())(pred, torch.tensor([[.7, .3, 0.]] * 4)),
                                                         .7 * FocalLossFlat()(pred, torch.zeros(4, dtype=torch.long)) + .3 * FocalLossFlat()(pred, torch.ones(4, dtype=torch.long))), None,
     lambda r: torch.testing.assert_close(r[0], r[1].as_subclass(torch.Tensor), rtol=1e-5, atol=1e-6) is None),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_losses(case):
    name, thunk, exc, expect = case
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        if exc is None: assert expect(thunk()) is not False
        else:
            with pytest.raises(exc) as e: thunk()
            assert re.search(expect, str(e.value), re.S), f'{name}: {e.value}'
