"""Speed of the mixing callbacks inside a real `fit`, of the mixing op alone, and of the soft-target loss: fastaug vs
fastai MixUp/CutMix vs timm Mixup, in one process.

CPU, 1 thread (or CUDA with --device cuda), batch 64x3x224x224 float32; medians, methods interleaved round by round so
they share the machine's noise; ratios to fastai MixUp(0.4). In a fit: the callback's own time per training batch
(`before_batch`, plus `after_pred` where fastaug builds the targets), batches collated into fresh memory by a fastai
DataLoader, as a user meets them. Loss: forward + backward at 64x1000 logits, ratio to timm SoftTargetCrossEntropy.
On CUDA it also runs every fastaug callback's batch under `torch.cuda.set_sync_debug_mode('error')` and times a resnet50
training step with and without each callback. Write-up: bench/mix.md.
"""
import argparse, statistics, time, types, warnings
import torch, torch.nn as nn, torch.nn.functional as F
from fastai.basics import *
from fastai.callback.mixup import MixUp as FaMixUp, CutMix as FaCutMix
from timm.data import Mixup as TimmMixup
from timm.loss import SoftTargetCrossEntropy
from fastai.callback.progress import *
from fastaug.mix import MixUp, CutMix, CutMixUp, RICAP, SamplePairing
from fastaug.losses import SoftTargetLoss

class FakeLearner(types.SimpleNamespace):
    "Just what the callbacks read from a Learner during `before_batch`."
    @property
    def x(self): return self.xb[0]
    @property
    def y(self): return self.yb[0]

def attach(cb, c):
    # `dl`: a loader that stacks fresh batches (the op is timed on a fresh clone), so fastaug mixes in place as in a fit
    cb.learn = FakeLearner(xb=None, yb=None, epoch=0, pct_train=0., training=True, dls=types.SimpleNamespace(c=c), loss_func=CrossEntropyLossFlat(),
                           dl=torch.utils.data.DataLoader(range(1), batch_size=1))
    if isinstance(cb, (FaMixUp, FaCutMix)): cb.stack_y = True   # fastai's path for CrossEntropyLossFlat (y_int): only x is mixed
    else: cb._shuffles = True
    return cb

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize()

class Images(torch.utils.data.Dataset):
    "`n` random float32 images `3×size×size` with class labels; a DataLoader collates them into fresh memory, as from any dataset."
    def __init__(self, n, size, c):
        g = torch.Generator().manual_seed(0)
        self.x, self.y = torch.randn(n, 3, size, size, generator=g), torch.randint(0, c, (n,), generator=g)
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return self.x[i], self.y[i]

def timed(cb, store):
    "Record the time of `cb`'s `before_batch` and `after_pred` in `store`."
    for ev in ('before_batch', 'after_pred'):
        f = getattr(cb, ev, None)
        if f is None: continue
        def w(f=f, ev=ev):
            t = time.perf_counter(); f(); store[ev].append(time.perf_counter() - t)
        setattr(cb, ev, w)

FIT_CBS = {'fastai MixUp(0.4)': lambda: FaMixUp(0.4), 'fastai CutMix(1.0)': lambda: FaCutMix(1.0),
           'fastaug MixUp(0.4)': lambda: MixUp(0.4, seed=0), 'fastaug CutMix(1.0)': lambda: CutMix(1.0, seed=0),
           'fastaug CutMixUp(0.4, 1.0)': lambda: CutMixUp(0.4, 1.0, seed=0),
           'fastaug CutMixUp(0.4, 1.0, element_wise=False)': lambda: CutMixUp(0.4, 1.0, element_wise=False, seed=0),
           'fastaug RICAP(0.3)': lambda: RICAP(0.3, seed=0), 'fastaug SamplePairing(schedule=None)': lambda: SamplePairing(schedule=None, seed=0)}

def bench_fit(args, dev):
    "Each callback's own time per training batch inside `learn.fit` (a tiny model, so the data path is the user's)."
    c, bs = 10, args.bs
    dls = DataLoaders.from_dsets(Images(bs * args.batches, args.size, c), Images(bs, 8, c), bs=bs, shuffle=True, num_workers=0,
                                 drop_last=True, device=dev)
    runs = {}
    for k, mk in FIT_CBS.items():
        cb, store = mk(), {'before_batch': [], 'after_pred': []}; timed(cb, store)
        model = nn.Sequential(nn.AdaptiveAvgPool2d(4), nn.Flatten(), nn.Linear(48, c)).to(dev)
        runs[k] = (Learner(dls, model, loss_func=CrossEntropyLossFlat(), cbs=cb), store)
    for r in range(args.rounds + 1):
        for k, (learn, store) in runs.items():
            with learn.no_bar(), learn.no_logging(): learn.fit(1)
            sync(dev)
            if r == 0:   # the first round warms up
                for v in store.values(): v.clear()
    tot = lambda s: statistics.median([a + b for a, b in zip(s['before_batch'], s['after_pred'] or [0.] * len(s['before_batch']))])
    base = tot(runs['fastai MixUp(0.4)'][1])
    print(f'\n### In a fit: the callback\'s time per training batch (before_batch + after_pred), {dev.type}'
          f'{" 1 thread" if dev.type == "cpu" else ""}, {bs}x3x{args.size}x{args.size} float32, median of {args.rounds * args.batches} batches\n\n'
          '| callback | ms | vs fastai MixUp |\n|---|---|---|')
    for k, (learn, s) in runs.items(): print(f'| {k} | {1e3 * tot(s):.1f} | {tot(s) / base:.2f} |', flush=True)

def bench_ops(args, dev):
    bs, c = args.bs, 1000
    x0 = torch.randn(bs, 3, args.size, args.size, device=dev)
    y0 = torch.randint(0, c, (bs,), device=dev)
    def cb_op(cb):
        cb = attach(cb, c)
        def f(x, y):
            cb.learn.xb, cb.learn.yb = (x,), (y,)
            cb.before_batch()
            return cb.learn.xb[0]
        return f
    def timm_op(**kw):
        m = TimmMixup(num_classes=c, label_smoothing=0., **kw)
        return lambda x, y: m(x, y)[0]
    ops = {
        'fastai MixUp(0.4)': cb_op(FaMixUp(0.4)),
        'fastai CutMix(1.0)': cb_op(FaCutMix(1.0)),
        "timm Mixup(mixup 0.4, mode='batch')": timm_op(mixup_alpha=0.4, cutmix_alpha=0.),
        "timm Mixup(cutmix 1.0, mode='batch')": timm_op(mixup_alpha=0., cutmix_alpha=1.),
        "timm Mixup(0.4, 1.0, switch 0.5, mode='batch')": timm_op(mixup_alpha=0.4, cutmix_alpha=1., switch_prob=0.5, mode='batch'),
        "timm Mixup(0.4, 1.0, switch 0.5, mode='elem')": timm_op(mixup_alpha=0.4, cutmix_alpha=1., switch_prob=0.5, mode='elem'),
        'x.clone()': lambda x, y: x.clone(),
        'fastaug MixUp(0.4)': cb_op(MixUp(0.4, seed=0)),
        'fastaug CutMix(1.0)': cb_op(CutMix(1.0, seed=0)),
        'fastaug CutMixUp(0.4, 1.0, element_wise=False)': cb_op(CutMixUp(0.4, 1.0, element_wise=False, seed=0)),
        'fastaug CutMixUp(0.4, 1.0, element_wise=True)': cb_op(CutMixUp(0.4, 1.0, element_wise=True, seed=0)),
        'fastaug RICAP(0.3)': cb_op(RICAP(0.3, seed=0)),
        'fastaug SamplePairing(1.0)': cb_op(SamplePairing(1.0, schedule=None, seed=0)),
    }
    times = {k: [] for k in ops}
    for r in range(args.repeats + 1):
        for k, f in ops.items():
            x, y = x0.clone(), y0.clone(); sync(dev)
            t = time.perf_counter(); f(x, y); sync(dev)
            if r: times[k].append(time.perf_counter() - t)   # the first round warms up
    base = statistics.median(times['fastai MixUp(0.4)'])
    print(f'\n### Mixing op, {dev.type}{" 1 thread" if dev.type == "cpu" else ""}, {bs}x3x{args.size}x{args.size} float32, '
          f'median of {args.repeats}\n\n| op | ms | vs fastai MixUp |\n|---|---|---|')
    for k, v in times.items():
        m = statistics.median(v); print(f'| {k} | {1e3 * m:.1f} | {m / base:.2f} |')
    return times

def bench_loss(args, dev):
    bs, c = 64, 1000
    pred0 = torch.randn(bs, c, device=dev)
    y1, y2 = torch.randint(0, c, (bs,), device=dev), torch.randint(0, c, (bs,), device=dev)
    lam = torch.rand(bs, device=dev)
    soft = lam[:, None] * F.one_hot(y1, c) + (1 - lam[:, None]) * F.one_hot(y2, c)
    ce = CrossEntropyLossFlat(); stl = SoftTargetLoss(CrossEntropyLossFlat()); timm_ce = SoftTargetCrossEntropy()
    def fastai_two_pass(p):   # what fastai's MixUp computes for a y_int loss: two losses, lerped
        with NoneReduce(ce) as lf: return torch.lerp(lf(p, y2), lf(p, y1), lam).mean()
    losses = {'timm SoftTargetCrossEntropy': lambda p: timm_ce(p, soft), 'fastai MixUp loss (two CE passes, lerp)': fastai_two_pass,
              'fastaug SoftTargetLoss': lambda p: stl(p, soft)}
    times = {k: [] for k in losses}
    for r in range(args.loss_repeats + 1):
        for k, f in losses.items():
            p = pred0.clone().requires_grad_(); sync(dev)
            t = time.perf_counter()
            for _ in range(20): f(p).backward()
            sync(dev)
            if r: times[k].append((time.perf_counter() - t) / 20)
    base = statistics.median(times['timm SoftTargetCrossEntropy'])
    print(f'\n### Soft-target loss, forward + backward, {bs}x{c} logits, median of {args.loss_repeats}\n\n| loss | µs | vs timm |\n|---|---|---|')
    for k, v in times.items():
        m = statistics.median(v); print(f'| {k} | {1e6 * m:.0f} | {m / base:.2f} |')
    test_close(stl(pred0, soft), timm_ce(pred0, soft), eps=1e-4)

def cuda_checks(args, dev):
    "No host syncs under `set_sync_debug_mode('error')`, and the per-step overhead on a resnet50 training step."
    import torchvision
    c = 1000; x0 = torch.randn(args.bs, 3, args.size, args.size, device=dev); y0 = torch.randint(0, c, (args.bs,), device=dev)
    cbs = [MixUp(seed=0), CutMix(seed=0), CutMixUp(seed=0), CutMixUp(element_wise=False, seed=0), RICAP(seed=0), SamplePairing(schedule=None, seed=0)]
    for cb in cbs:
        attach(cb, c); cb.learn.xb, cb.learn.yb = (x0.clone(),), (y0.clone(),)
        cb.before_batch(); torch.cuda.synchronize()   # first call: allocations, generator set-up
        torch.cuda.set_sync_debug_mode('error')
        try:
            cb.learn.xb, cb.learn.yb = (x0.clone(),), (y0.clone(),); cb.before_batch()
            cb.learn.pred = torch.randn(args.bs, c, device=dev); cb.after_pred()
            cb.learn.loss_func(cb.learn.pred, *cb.learn.yb)
        finally: torch.cuda.set_sync_debug_mode(0)
        print(f'{type(cb).__name__}: before_batch, after_pred and the loss ran with set_sync_debug_mode("error"): no host sync')
    model = torchvision.models.resnet50().to(dev).to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    def step(cb):
        x, y = x0.clone().contiguous(memory_format=torch.channels_last), y0.clone()
        if cb is not None: cb.learn.xb, cb.learn.yb = (x,), (y,); cb.before_batch(); x = cb.learn.xb[0]
        with torch.autocast('cuda', dtype=torch.bfloat16): pred = model(x)
        if cb is None: loss = CrossEntropyLossFlat()(pred.float(), y)
        else: cb.learn.pred = pred.float(); cb.after_pred(); loss = cb.learn.loss_func(cb.learn.pred, *cb.learn.yb)
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    res = {}
    for r in range(args.repeats + 2):
        for cb in [None] + cbs:
            torch.cuda.synchronize(); t = time.perf_counter()
            for _ in range(5): step(cb)
            torch.cuda.synchronize()
            if r > 1: res.setdefault(type(cb).__name__ if cb else 'no mixing', []).append((time.perf_counter() - t) / 5)
    base = statistics.median(res['no mixing'])
    print(f'\n### resnet50 training step (bf16 autocast, channels_last, bs {args.bs}), ms\n\n| callback | ms/step | overhead |\n|---|---|---|')
    for k, v in res.items(): m = statistics.median(v); print(f'| {k} | {1e3 * m:.1f} | {100 * (m / base - 1):+.1f}% |')

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--size', type=int, default=224)
    p.add_argument('--repeats', type=int, default=15)
    p.add_argument('--loss-repeats', type=int, default=15)
    p.add_argument('--batches', type=int, default=3, help='training batches per fit, in-fit part')
    p.add_argument('--rounds', type=int, default=5, help='fits per callback, in-fit part')
    p.add_argument('--only', choices=['fit', 'ops', 'loss'], default=None)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    warnings.filterwarnings('ignore')
    if args.only in (None, 'fit'): bench_fit(args, dev)
    if args.only in (None, 'ops'): bench_ops(args, dev)
    if args.only in (None, 'loss'): bench_loss(args, dev)
    if dev.type == 'cuda': cuda_checks(args, dev)

if __name__ == '__main__': main()
