"""fastaug's `ProgressiveLabelCorrection` against the official PLC code.

Upstream: github.com/pxiangwu/PLC at commit 9a13490cab184474146cf2bbe07c793e3f2e9907 — `utils.py` (`lrt_correction`) and
`cifar/train.py` (the training loop: a `rollWindow × n × c` record of each item's training softmax, slot `epoch % rollWindow`;
from epoch `warm_up` on, `lrt_correction(labels, record.mean(0), current_delta, inc)` after every epoch). The reference below is
written from reading those two files (not copied): same arithmetic, same order, same dtypes.

Deliberate differences, as `xfail(strict=True)`:
- the official code caps δ with `max(current_delta, 0.9)` after an increase: δ jumps to 0.9 at its first rise, then past 1,
  where every item's ratio (≤ 1) is below δ and every label is set to its argmax each epoch. fastaug caps with `min` at
  `delta_max`, as the paper and the code's docstring describe (δ rises by `delta_inc` up to 0.9);
- an item that no batch reached in an epoch keeps, in the official record, the softmax of `rollWindow` epochs before; fastaug
  keeps the previous epoch's (fastai drops the last partial batch by default, so this happens every epoch there).
"""
import numpy as np, pytest, torch, torch.nn as nn, torch.nn.functional as F
from fastai.basics import Learner, Callback, DataLoaders, TfmdDL, CrossEntropyLossFlat, SGD
from fastaug.labels import ProgressiveLabelCorrection

# ------------------------------------------------------------------ the reference (official code, re-expressed)
def ref_lrt_correction(y_tilde, f_x, current_delta=0.3, delta_increment=0.1, cap=max):
    "`utils.lrt_correction`: relabel where float(f_y / f_max) < δ; raise δ when fewer than 0.1% changed. `cap=max` as upstream."
    y = torch.as_tensor(y_tilde).clone()
    n = len(y)
    f_m, y_mle = f_x.max(1)[0], f_x.argmax(1)
    ratio = [float(f_x[i][int(y[i])] / f_m[i]) for i in range(n)]   # float32 quotient, compared as a Python float
    count = 0
    for i in range(n):
        if ratio[i] < current_delta: y[i] = y_mle[i]; count += 1
    if count < 0.001 * n: current_delta = cap(current_delta + delta_increment, 0.9)
    return y, current_delta

def ref_loop(batches, outputs, y0, warm_up, roll, delta=0.3, inc=0.1, cap=max):
    "`cifar/train.py`: per batch `record[epoch % roll, idx] = softmax(outputs)`, then from `warm_up` on a correction per epoch."
    n_ep, n, c = outputs.shape
    record = torch.zeros(roll, n, c)
    y, labels, deltas = torch.as_tensor(y0).clone(), [], []
    for e in range(n_ep):
        for idx in batches[e]: record[e % roll, idx] = F.softmax(outputs[e, idx], dim=1)
        if e >= warm_up:
            deltas.append(delta)
            y, delta = ref_lrt_correction(y, record.mean(0), delta, inc, cap)
        labels.append(y.clone())
    return labels, deltas, delta, record.mean(0)

# ------------------------------------------------------------------ fastaug, in a real fit whose outputs are a fixed table
class _Table(nn.Module):
    "Returns `outputs[epoch, item]` for inputs that are item indices: the same outputs for fastaug and the reference."
    def __init__(self, outputs): super().__init__(); self.outputs, self.epoch, self.w = outputs, 0, nn.Parameter(torch.zeros(()))
    def forward(self, x): return self.outputs[self.epoch, x[:, 0].long()] + 0 * self.w

class _Record(Callback):
    "Sets the table's epoch; records each epoch's training batches (item indices) and PLC's labels after the epoch."
    order, run_valid = 20, False
    def before_fit(self): self.batches, self.labels = [], []
    def before_epoch(self): self.learn.model.epoch = self.epoch; self.batches.append([])
    def before_batch(self): self.batches[-1].append(self.learn.item_idx.clone())
    def after_epoch(self): self.labels.append(self.learn.plc.cur.clone())

def _fit(outputs, y, warm_up, roll, drop_last=False, bs=64, **kw):
    n = outputs.shape[1]
    ds = list(zip(torch.arange(n).float()[:, None], torch.as_tensor(y)))
    dls = DataLoaders(TfmdDL(ds, bs=bs, shuffle=True, drop_last=drop_last, num_workers=0), TfmdDL(ds[:8], bs=8, num_workers=0), device='cpu')
    rec = _Record()
    plc = ProgressiveLabelCorrection(warmup=warm_up, window=roll, **kw)
    learn = Learner(dls, _Table(outputs), loss_func=CrossEntropyLossFlat(), opt_func=SGD, cbs=[plc, rec])
    with learn.no_logging(): learn.fit(outputs.shape[0], 0.)
    return plc, rec

def _near_threshold(n=4000, c=4, n_ep=3, seed=0, delta=0.3):
    "Items labelled 0 whose f_0 / f_max is within a few ulps of δ, as the rolling mean of `n_ep` epochs of outputs."
    g = torch.Generator().manual_seed(seed)
    k = 16 * torch.rand(n, generator=g, dtype=torch.float64) - 8   # ratios δ·(1 + k·2⁻²⁴), |k| < 8
    p = torch.zeros(n, c, dtype=torch.float64)
    p[:, 1] = 0.55 + 0.2 * torch.rand(n, generator=g, dtype=torch.float64)   # f_max in (0.55, 0.75), where a float32 product test can disagree
    p[:, 0] = p[:, 1] * delta * (1 + k * 2.**-24); p[:, 2:] = (1 - p[:, :2].sum(1, keepdim=True)) / (c - 2)
    shift = torch.rand(n_ep, n, 1, generator=g, dtype=torch.float64)   # the same probabilities, rounded differently each epoch
    return (p.log() + shift).float(), torch.zeros(n, dtype=torch.long)

def _noisy(n=240, c=4, n_ep=10, noise=0.3, seed=0):
    "Labels with a fraction `noise` flipped, and outputs that agree with the true labels (so corrections stop and δ rises)."
    g = torch.Generator().manual_seed(seed)
    t = torch.randint(0, c, (n,), generator=g)
    y = torch.where(torch.rand(n, generator=g) < noise, (t + torch.randint(1, c, (n,), generator=g)) % c, t)
    return 4 * F.one_hot(t, c).float() + torch.randn(n_ep, n, c, generator=g), y

def test_defaults_are_the_official_arguments():
    p = ProgressiveLabelCorrection()   # train.py: --delta 0.3 --inc 0.1 --warm_up 8 --rollWindow 5; lrt_correction: 0.1% and 0.9
    assert (p.delta, p.delta_inc, p.warmup, p.window, p.min_changed, p.delta_max, p.rule) == (0.3, 0.1, 8, 5, 0.001, 0.9, 'ratio')

def test_one_correction_matches_lrt_correction():
    "Three epochs, window 3, one correction: the labels are those of `lrt_correction` on the rolling mean, at the threshold too."
    out, y = _near_threshold()
    plc, rec = _fit(out, y, warm_up=2, roll=3, bs=500)
    labels, deltas, delta, f = ref_loop(rec.batches, out, y, warm_up=2, roll=3)
    assert torch.equal(plc.cur, labels[-1]) and plc.history[-1]['changed'] == int((labels[-1] != y).sum()) > 0
    assert torch.equal(torch.tensor(plc.probs.to_numpy()), f)
    fy, fm = f[:, 0], f.max(1).values
    official = torch.tensor([float(a / b) < 0.3 for a, b in zip(fy, fm)])
    assert (official != (fy < 0.3 * fm)).sum() >= 1, "the problem must hold ratios where a float32 product test disagrees"

@pytest.mark.parametrize('warm_up,roll', [(3, 3), (2, 3), (4, 2)])
def test_loop_matches_train_py_with_min_cap(warm_up, roll):
    "Every epoch's labels, the δ sequence and the rolling record equal the official loop's, once its cap is `min` (see the xfail below)."
    out, y = _noisy()
    plc, rec = _fit(out, y, warm_up=warm_up, roll=roll, bs=96)
    labels, deltas, delta, f = ref_loop(rec.batches, out, y, warm_up, roll, cap=min)
    for e in range(out.shape[0]): assert torch.equal(rec.labels[e], labels[e]), e
    assert [h['delta'] for h in plc.history if h['epoch'] >= warm_up] == deltas and plc.delta == delta
    assert torch.equal(torch.tensor(plc.probs.to_numpy()), f)
    assert (labels[-1] != y).sum() > 30 and len(set(deltas)) > 3   # labels were corrected, then δ rose, more than once

@pytest.mark.xfail(strict=True, reason="official code caps δ with max(δ, 0.9): δ jumps to 0.9, then past 1 (all labels set to argmax); fastaug caps with min at delta_max")
def test_loop_matches_train_py_as_published():
    out, y = _noisy()
    plc, rec = _fit(out, y, warm_up=3, roll=3, bs=96)
    labels, deltas, delta, f = ref_loop(rec.batches, out, y, 3, 3, cap=max)
    for e in range(out.shape[0]): assert torch.equal(rec.labels[e], labels[e]), e
    assert [h['delta'] for h in plc.history if h['epoch'] >= 3] == deltas

@pytest.mark.xfail(strict=True, reason="an item no batch reached keeps the previous epoch's softmax in fastaug, that of rollWindow epochs before in the official record")
def test_unseen_items_as_published():
    out, y = _noisy(n=250)
    plc, rec = _fit(out, y, warm_up=3, roll=3, drop_last=True, bs=64)   # 250 = 3·64 + 58: 58 items unseen each epoch
    labels, deltas, delta, f = ref_loop(rec.batches, out, y, 3, 3, cap=min)
    assert torch.equal(torch.tensor(plc.probs.to_numpy()), f)
