"""fastaug.transforms against its peers, side by side in one process (ratios printed; medians of interleaved repeats).

Run: python bench/transforms.py [--only cutout,elastic,stats,resize] [--repeats 5] [--threads 1] [--quick] [--reference]
1. cutout:  `Cutout` vs fastai `RandomErasing` on a 64x3x224x224 batch (both on a fresh copy, p=1).
2. elastic: `ElasticDeform` vs kornia `RandomElasticTransform` (per-sample fields, same_on_batch=False), 16x3x224x224,
            p=1, at the same sigma with a Gaussian kernel of 2*ceil(3*sigma)+1 taps, for sigma 2..32, then both at their
            defaults. kornia is a bench-only dependency (pip install kornia); without it ElasticDeform is timed alone.
3. stats:   `dataset_stats` vs one plain pass over the same loader: Fashion-MNIST's 60,000 training images in memory
            (fastai `TfmdDL`, bs 256), and its 10,000 test PNGs through a fastai DataBlock.
4. resize:  `ProgressiveResize` on Fashion-MNIST (10,000 training images) with a small CNN: training-epoch time at the
            start size (14 px) vs full size (28 px); test accuracy of fixed 28 px training (3 epochs) vs progressive
            14 -> 28 px given the same process CPU time (with --reference, also fixed 28 px for as many epochs).
Runs on CUDA when available (timings synchronise the device). The write-up with the figures is bench/transforms.md.
"""
import argparse, math, time, warnings
import numpy as np, torch, torch.nn as nn, fastai
from fastai.vision.all import *
from fastaug.data import fashion_mnist_arrays, fashion_mnist
from fastaug.transforms import ElasticDeform, Cutout, dataset_stats, ProgressiveResize

DEV = torch.device('cuda') if torch.cuda.is_available() else torch.device('cpu')

def sync():
    if DEV.type == 'cuda': torch.cuda.synchronize()

def timed(fn):
    "(wall seconds, process CPU seconds, result) of `fn()`."
    sync(); w, c = time.perf_counter(), time.process_time()
    out = fn(); sync()
    return time.perf_counter() - w, time.process_time() - c, out

def compare(cases, repeats, setup=None):
    "Run each (name, fn) `repeats` times, interleaved (after `setup()` each time); median wall and CPU ms per name."
    res = {n: ([], []) for n, _ in cases}
    for _ in range(repeats):
        for n, fn in cases:
            if setup: setup()
            w, c, _ = timed(fn); res[n][0].append(w * 1e3); res[n][1].append(c * 1e3)
    return {n: (float(np.median(w)), float(np.median(c))) for n, (w, c) in res.items()}

def report(title, res, ref):
    print(f"\n{title}  (device: {DEV}, torch threads: {torch.get_num_threads()})")
    print(f"{'':48s} {'wall ms':>9s} {'CPU ms':>9s} {'vs ' + ref[:18]:>22s}")
    for n, (w, c) in res.items(): print(f"{n:48s} {w:9.1f} {c:9.1f} {w / res[ref][0]:21.2f}x")

def bench_cutout(repeats):
    x0 = TensorImage(torch.randn(64, 3, 224, 224, device=DEV))
    buf = {}
    def fresh(): buf['x'] = x0.clone()
    cut, era = Cutout(n_holes=1, size=0.4, p=1., seed=0), RandomErasing(p=1., max_count=1)
    cut(buf.setdefault('x', x0.clone()), split_idx=0); era(x0.clone(), split_idx=0)  # warm-up
    res = compare([('fastai RandomErasing(p=1) [one box per batch]', lambda: era(buf['x'], split_idx=0)),
                   ('fastaug Cutout(size=0.4, p=1) [per image]', lambda: cut(buf['x'], split_idx=0)),
                   ('fastaug Cutout(n_holes=4, size=0.2, p=1)', lambda: Cutout(n_holes=4, size=0.2, p=1., seed=0)(buf['x'], split_idx=0)),
                   ('x.clone() (reference)', lambda: buf['x'].clone())], repeats, setup=fresh)
    report('Cutout, 64x3x224x224', res, 'fastai RandomErasing(p=1) [one box per batch]')

SIGMAS = (2, 3, 4, 6, 8, 10.5, 16, 24, 32)

def bench_elastic(repeats, bs=16, size=224, sigmas=SIGMAS):
    "σ sweep: `ElasticDeform` vs kornia `RandomElasticTransform` at the same σ (kernel 2⌈3σ⌉+1), then defaults vs defaults."
    try: import kornia.augmentation as K
    except ImportError: K = None; print("\nkornia is not installed (pip install kornia): ElasticDeform is timed alone")
    x = TensorImage(torch.rand(bs, 3, size, size, device=DEV))
    xk = x.as_subclass(torch.Tensor)
    print(f"\nElasticDeform vs kornia RandomElasticTransform, {bs}x3x{size}x{size} float32, per-image fields, p=1, alpha 2 px "
          f"(device: {DEV}, torch threads: {torch.get_num_threads()}, median of {repeats} interleaved runs)")
    print(f"{'sigma':>6s} {'kernel':>7s} {'ElasticDeform ms':>17s} {'kornia ms':>10s} {'kornia / ours':>14s}")
    ratios = {}
    def row(name, kernel, ours, peer):
        ours(); peer and peer()  # warm-up (caches, kornia's first call)
        res = compare([('ours', ours)] + ([('kornia', peer)] if peer else []), repeats)
        r = res['kornia'][0] / res['ours'][0] if peer else float('nan')
        ratios[name] = r
        print(f"{name:>6s} {kernel:>7s} {res['ours'][0]:17.1f} {res['kornia'][0] if peer else float('nan'):10.1f} {r:13.1f}x")
    for s in sigmas:
        k = 2 * math.ceil(3 * s) + 1
        ed = ElasticDeform(alpha=2., sigma=s, p=1., seed=0)
        kt = K.RandomElasticTransform(kernel_size=(k, k), sigma=(s, s), p=1., same_on_batch=False) if K else None
        row(f"{s:g}", str(k), lambda: ed(x, split_idx=0), (lambda: kt(xk)) if K else None)
    ed, kt = ElasticDeform(seed=0), (K.RandomElasticTransform() if K else None)  # ours: sigma 4, alpha 2, p 0.5; kornia: kernel 63, sigma 32, p 0.5
    row('deflt', '63', lambda: ed(x, split_idx=0), (lambda: kt(xk)) if K else None)
    if K: print(f"  smallest ratio over the sweep and the defaults: {min(ratios.values()):.1f}x")
    return ratios

class ArrayDS:
    "Fashion-MNIST arrays as fastai items: (TensorImage [1, 28, 28] uint8, TensorCategory)."
    def __init__(self, x, y): self.x, self.y = torch.from_numpy(x)[:, None], torch.from_numpy(y)
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return TensorImage(self.x[i]), TensorCategory(self.y[i])

def array_dl(x, y, bs=256, shuffle=False, tfms=()):
    return TfmdDL(ArrayDS(x, y), bs=bs, shuffle=shuffle, num_workers=0, device=DEV, after_batch=[IntToFloatTensor(), *tfms])

def bench_stats(repeats, quick=False):
    x, y = fashion_mnist_arrays('train')
    dl = array_dl(x, y)
    def plain():
        for b in dl: pass
    res = compare([('one plain pass over the loader', plain),
                   ('dataset_stats(dl)', lambda: dataset_stats(dl, show_progress=False)),
                   ], repeats)
    report('dataset_stats, Fashion-MNIST train (60,000 images in memory, bs 256)', res, 'one plain pass over the loader')
    m, s = dataset_stats(dl, show_progress=False)
    xf = x.astype(np.float64) / 255
    print(f"  mean {m[0]:.6f} std {s[0]:.6f}; numpy: mean {xf.mean():.6f} std {xf.std():.6f}")
    if quick: return
    df = fashion_mnist(split='test')
    dls = DataBlock((ImageBlock(cls=PILImageBW), CategoryBlock), get_x=ColReader('path'), get_y=ColReader('label'),
                    splitter=IndexSplitter([]), batch_tfms=[Normalize()]).dataloaders(df, bs=256, num_workers=0, device=DEV)
    tdl = dls.train.new(shuffle=False, drop_last=False)
    def plain2():
        for b in tdl: pass
    res = compare([('one plain pass over the loader', plain2), ('dataset_stats(dls)', lambda: dataset_stats(dls, show_progress=False))],
                  max(1, repeats // 2))
    report('dataset_stats, Fashion-MNIST test (10,000 PNGs through a DataBlock, bs 256)', res, 'one plain pass over the loader')

def small_cnn(n_classes=10):
    "A small CNN for grey images of any size (global pooling)."
    return nn.Sequential(ConvLayer(1, 16), ConvLayer(16, 32, stride=2), ConvLayer(32, 32), ConvLayer(32, 64, stride=2),
                         nn.AdaptiveAvgPool2d(1), Flatten(), nn.Linear(64, n_classes))

class TrainTimer(Callback):
    "Wall and process CPU seconds of each epoch's training phase (validation excluded)."
    order = 99
    def before_fit(self): self.times = []
    def before_train(self): self.t = (time.perf_counter(), time.process_time())
    def after_train(self): sync(); self.times.append((time.perf_counter() - self.t[0], time.process_time() - self.t[1]))

def bench_resize(quick=False, seed=0, n_train=10_000, epochs=3, reference=False):
    if quick: n_train, epochs = 3_000, 2
    x, y = fashion_mnist_arrays('train'); xt, yt = fashion_mnist_arrays('test')
    idx = np.random.default_rng(seed).permutation(len(x))[:n_train]
    norm = Normalize.from_stats([0.286], [0.353])
    def learner(cbs=()):
        torch.manual_seed(seed)
        dls = DataLoaders(array_dl(x[idx], y[idx], bs=128, shuffle=True, tfms=[norm]), array_dl(xt, yt, bs=512, tfms=[norm]), device=DEV)
        return Learner(dls, small_cnn(), loss_func=CrossEntropyLossFlat(), metrics=accuracy, cbs=[*cbs, TrainTimer()])
    def fit(learn, n, lr=3e-3):
        "(wall s, process CPU s, final test accuracy, per-epoch training times) of `fit_one_cycle(n)`."
        with learn.no_bar(), learn.no_logging(): w, c, _ = timed(lambda: learn.fit_one_cycle(n, lr))
        return w, c, float(learn.recorder.values[-1][-1]), learn.train_timer.times
    print(f"\nProgressiveResize, Fashion-MNIST, {n_train:,} training images, bs 128, small CNN, test on 10,000 (device {DEV})")
    w_fix, c_fix, a_fix, tt28 = fit(learner(), epochs)
    _, _, _, tt14 = fit(learner([ProgressiveResize(start=0.5, end=0.5, multiple=2)]), 1)
    t28, t14 = np.median(tt28[1:] if len(tt28) > 1 else tt28, 0), np.median(tt14, 0)
    print(f"  training-epoch time, wall / CPU s: 14 px {t14[0]:.1f} / {t14[1]:.1f}, 28 px {t28[0]:.1f} / {t28[1]:.1f}; "
          f"ratio 14/28 px: wall {t14[0] / t28[0]:.2f}, CPU {t14[1] / t28[1]:.2f}")
    # equal time: progressive 14 -> 28 px (until_pct=0.5) for as many epochs as fit in the fixed run's process CPU time
    # (less disturbed than wall time by other jobs on a shared machine), from the measured epoch times: the side grows
    # linearly, cost interpolated in pixels between the two sizes, validation as in the fixed run
    c_val = (c_fix - sum(t[1] for t in tt28)) / epochs
    per_epoch = 0.5 * np.mean([t14[1] + (t28[1] - t14[1]) * (s * s - 0.25) / 0.75 for s in np.linspace(0.5, 1, 51)]) + 0.5 * t28[1] + c_val
    n_prog = max(epochs, int(c_fix / per_epoch + 0.25))
    w_pr, c_pr, a_pr, _ = fit(learner([ProgressiveResize(start=0.5, until_pct=0.5, multiple=2)]), n_prog)
    print(f"  fixed 28 px, {epochs} epochs:                                wall {w_fix:6.1f} s, CPU {c_fix:6.1f} s, test accuracy {a_fix:.4f}")
    print(f"  ProgressiveResize 14->28 px (until_pct=0.5), {n_prog} epochs: wall {w_pr:6.1f} s, CPU {c_pr:6.1f} s, test accuracy {a_pr:.4f}")
    if reference:
        w_f2, c_f2, a_f2, _ = fit(learner(), n_prog)
        print(f"  (fixed 28 px, {n_prog} epochs, for reference:                   wall {w_f2:6.1f} s, CPU {c_f2:6.1f} s, test accuracy {a_f2:.4f})")

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--only', default='cutout,elastic,stats,resize')
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--reference', action='store_true', help='resize: also train fixed size for the progressive run\'s epochs')
    ap.add_argument('--threads', type=int, default=1, help='torch CPU threads (the elastic sweep is quoted at 1)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    warnings.simplefilter('ignore')
    print(f"torch {torch.__version__}, fastai {fastai.__version__}, device {DEV}, {torch.get_num_threads()} threads")
    parts = a.only.split(',')
    if 'cutout' in parts: bench_cutout(a.repeats)
    if 'elastic' in parts: bench_elastic(a.repeats)
    if 'stats' in parts: bench_stats(a.repeats, a.quick)
    if 'resize' in parts: bench_resize(a.quick, reference=a.reference)
