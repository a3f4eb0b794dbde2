"""The bad-input sweep's cases for `fastaug.labels` (`../shared/findings/bad-input-sweep.md`, SILENT-WRONG and UNCLEAR rows).

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result. Messages must name the offending value and say what to do.
"""
import re, warnings
import numpy as np, pandas as pd, pytest, torch, torch.nn as nn
from fastai.learner import Learner
from fastai.losses import CrossEntropyLossFlat
from fastaug.labels import indexed_dl, item_keys, soft_targets, SoftLabel, ProgressiveLabelCorrection
from fastaug.test_utils import index_dls, IndexLinear

nan = float('nan')
g = torch.Generator().manual_seed(0)
lab = torch.tensor([0, 1, 2, 1])
pr = torch.rand(4, 3, generator=g).softmax(1)
dls = index_dls(n=48, bs=8)

def _done():
    "A PLC callback after a short fit on 48 toy items (keyed by dataset row)."
    plc = ProgressiveLabelCorrection(warmup=1, window=1)
    Learner(index_dls(n=48, bs=8), IndexLinear(), loss_func=CrossEntropyLossFlat(), cbs=plc).fit(2, 1e-2)
    return plc

def _plc_fit(**kw):
    "PLC in a fit (the sweep's `plc_fit`): the bad value must stop it before training."
    plc = ProgressiveLabelCorrection(warmup=1, window=1, **kw)
    Learner(index_dls(n=48, bs=8), IndexLinear(), loss_func=CrossEntropyLossFlat(), cbs=plc).fit(4, 1e-2)
    return plc

def _same_as_tensors(r): torch.testing.assert_close(r, soft_targets(lab, pr))

CASES = [
    # --- SILENT-WRONG in the sweep
    ('soft_targets probs rows sum to 2', lambda: soft_targets(lab, pr * 2), ValueError, r'probs (rows must sum to 1|has values outside \[0, 1\])'),
    ('soft_targets probs are logits (negative)', lambda: soft_targets(lab, torch.randn(4, 3, generator=g)), ValueError,
     r'probs has values outside \[0, 1\] \(logits\? apply softmax first\) at row position\(s\)'),
    ('ProgressiveLabelCorrection delta_inc=NaN', lambda: ProgressiveLabelCorrection(delta_inc=nan), ValueError, r'delta_inc must be a finite number in \[0, inf\), got nan'),
    ('ProgressiveLabelCorrection min_changed=-1', lambda: ProgressiveLabelCorrection(min_changed=-1), ValueError, r'min_changed must be a finite number in \[0, 1\], got -1'),
    ('ProgressiveLabelCorrection delta_inc=NaN (fit, rule=gap/linear)', lambda: _plc_fit(delta_inc=nan, rule='gap'), ValueError, r'delta_inc must be a finite number.*nan'),
    # --- UNCLEAR in the sweep
    ('indexed_dl torch DataLoader', lambda: indexed_dl(torch.utils.data.DataLoader(list(range(5)), batch_size=2)), TypeError,
     r'indexed_dl needs a fastai DataLoader .*torch\.utils\.data\.dataloader\.DataLoader: build the loader with fastai'),
    ('indexed_dl a list', lambda: indexed_dl([1, 2, 3]), TypeError, r'needs a fastai DataLoader .*got builtins\.list'),
    ('item_keys key=5 (int)', lambda: item_keys(dls.train, 5), TypeError, r'key must be None, a column name, a callable on the items or an array of one key per row; got int 5'),
    ("soft_targets a='0.5'", lambda: soft_targets(lab, pr, '0.5'), ValueError, r"a must be a finite number in \[0, 1\], got '0\.5'"),
    ('soft_targets a=None', lambda: soft_targets(lab, pr, None), ValueError, r'a must be a finite number in \[0, 1\], got None'),
    ('soft_targets labels >= n_classes', lambda: soft_targets(torch.tensor([0, 1, 5, 1]), pr), ValueError, r'class index outside 0\.\.2 \(5\) at row position\(s\) \[2\]'),
    ('soft_targets labels negative', lambda: soft_targets(torch.tensor([0, 1, -1, 1]), pr), ValueError, r'class index outside 0\.\.2 \(-1\) at row position\(s\) \[2\]'),
    ('soft_targets labels numpy array', lambda: soft_targets(lab.numpy(), pr), None, _same_as_tensors),
    ('soft_targets probs numpy array', lambda: soft_targets(lab, pr.numpy()), None, _same_as_tensors),
    ('ProgressiveLabelCorrection delta_inc=None', lambda: ProgressiveLabelCorrection(delta_inc=None), ValueError, r'delta_inc must be a finite number in \[0, inf\), got None'),
    ("ProgressiveLabelCorrection delta='0.3'", lambda: ProgressiveLabelCorrection(delta='0.3'), ValueError, r"delta must be a finite number in \(0, 0\.9\], got '0\.3'"),
    ('ProgressiveLabelCorrection.relabel df missing key column', lambda: _done().relabel(pd.DataFrame({'label': [0, 1]}), key='path'), ValueError,
     r"column\(s\) \['path'\] not in the DataFrame \(columns: \['label'\]\)"),
    ('ProgressiveLabelCorrection.relabel df missing label column', lambda: _done().relabel(pd.DataFrame({'x': range(48)}), label_col='label'), ValueError,
     r"column\(s\) \['label'\] not in the DataFrame \(columns: \['x'\]\)"),
    # --- more of the same kind
    ('soft_targets probs NaN', lambda: soft_targets(lab, torch.where(torch.arange(4)[:, None] == 1, nan, pr)), ValueError, r'probs has NaN at row position\(s\) \[1\]'),
    ('soft_targets float targets of another shape', lambda: soft_targets(torch.rand(4, 2), pr), ValueError, r'float targets of shape \(4, 2\) do not match probs of shape \(4, 3\)'),
    ('SoftLabel a=2', lambda: SoftLabel(pr, a=2), ValueError, r'a must be a finite number in \[0, 1\], got 2'),
    ('SoftLabel oof_probs logits (fit)', lambda: Learner(index_dls(n=48), IndexLinear(), loss_func=CrossEntropyLossFlat(),
                                                         cbs=SoftLabel(torch.randn(48, 2, generator=g))).fit(1, 0), ValueError, r'oof_probs has values outside \[0, 1\].*apply softmax'),
    ('ProgressiveLabelCorrection window=0', lambda: ProgressiveLabelCorrection(window=0), ValueError, r'window must be an int >= 1, got 0'),
    ('ProgressiveLabelCorrection warmup=2.5', lambda: ProgressiveLabelCorrection(warmup=2.5), ValueError, r'warmup must be an int >= 4, got 2\.5'),
    ('ProgressiveLabelCorrection delta > delta_max', lambda: ProgressiveLabelCorrection(delta=0.95), ValueError, r'delta must be a finite number in \(0, 0\.9\], got 0\.95'),
    ('ProgressiveLabelCorrection delta_max=inf', lambda: ProgressiveLabelCorrection(delta_max=float('inf')), ValueError, r'delta_max must be a finite number in \(0, 1\], got inf'),
    ("ProgressiveLabelCorrection rule='Ratio'", lambda: ProgressiveLabelCorrection(rule='Ratio'), ValueError, r"rule must be one of \['ratio', 'gap'\], got 'Ratio'"),
    ('ProgressiveLabelCorrection.load missing file', lambda: ProgressiveLabelCorrection().load('/nonexistent/x.plc.pth'), FileNotFoundError, r'no PLC state at .*x\.plc\.pth'),
]

@pytest.mark.parametrize('case,thunk,exc,expect', CASES, ids=[c[0] for c in CASES])
def test_sweep_labels(case, thunk, exc, expect):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        if exc is None: expect(thunk()); return
        with pytest.raises(exc) as e: thunk()
    assert re.search(expect, str(e.value)), f"{case}: message {str(e.value)!r} does not match {expect!r}"
