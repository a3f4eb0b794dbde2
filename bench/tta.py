"""Test-time augmentation: fastaug `tta` / `ensemble_tta` vs fastai `Learner.tta`, side by side in one process.

Run: python bench/tta.py [--repeats 3] [--epochs 2] [--n-train 30000] [--skip-accuracy] [--skip-speed]
Trains a small CNN on the Fashion-MNIST training arrays (augmentation: flips, rotation <= 10 degrees, zoom <= 1.1),
puts it in a Learner whose DataLoaders read the PNG files through fastai's pipeline with that augmentation, then
1. speed: on a 1,000-image test set, `tta(views='flip')` vs `learn.tta(n=2)`, `tta(views='d4')` vs `learn.tta(n=8)`,
   and `ensemble_tta` of 5 models x 2 views vs five `learn.tta(n=2)` calls (median of `--repeats`, interleaved;
   process CPU seconds and wall seconds, ratios ours / fastai);
2. accuracy on the 10,000 test images: no TTA, fastai tta (n=2 run twice to show it is not repeatable; n=8),
   ours with flip (four merges) / d4 / five_crop / scale / auto (the views of the training augmentation).
The figures and what they mean: bench/tta.md.
The trained model is cached in ~/.fastaug/bench/ (--retrain to train again).
Runs on CUDA when available (model and batches on the GPU; decoding stays on the CPU workers).
"""
import argparse, time, warnings
import torch.nn.functional as F
import numpy as np, pandas as pd, torch, torch.nn as nn, fastai
from fastai.vision.all import *
from fastaug.data import fashion_mnist, data_home, FASHION_CLASSES
from fastaug.tta import tta, ensemble_tta, auto_views

MEAN, STD = 0.286, 0.353
AUGS = lambda: aug_transforms(max_rotate=10., max_zoom=1.1, max_warp=0., p_lighting=0.)

def small_cnn(n_classes=10):
    "A small CNN for 28x28 grey images (24k parameters), global pooling so crops and rescaling are accepted."
    return nn.Sequential(ConvLayer(1, 16), ConvLayer(16, 32, stride=2), ConvLayer(32, 64, stride=2),
                         nn.AdaptiveAvgPool2d(1), Flatten(), nn.Linear(64, n_classes))

def make_dls(df, bs=256, seed=0):
    "fastai DataLoaders reading the PNG files, with the training augmentation fastai's `tta` samples from."
    db = DataBlock((ImageBlock(cls=PILImageBW), CategoryBlock(vocab=FASHION_CLASSES, sort=False)), get_x=ColReader('path'), get_y=ColReader('label'),
                   splitter=RandomSplitter(0.2, seed=seed), batch_tfms=[*AUGS(), Normalize.from_stats(MEAN, STD)])
    return db.dataloaders(df, bs=bs, num_workers=0)

def train_model(epochs=2, bs=256, lr=5e-3, seed=0, n_train=30_000):
    """Train `small_cnn` on the Fashion-MNIST arrays (in memory: the PNG pipeline is too slow to train on 2 cores),
    with the same normalisation as the PNG pipeline and the same augmentation (fastai's batch transforms)."""
    from fastaug.data import fashion_mnist_arrays
    x, y = fashion_mnist_arrays('train')
    g = torch.Generator().manual_seed(seed)
    idx = torch.randperm(len(x), generator=g)[:n_train]
    x = torch.from_numpy(x.copy())[idx].unsqueeze(1); y = torch.from_numpy(y)[idx]
    dev = default_device()
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = small_cnn().to(dev)
        augs = Pipeline(AUGS(), split_idx=0)
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-2)
        steps = epochs * (len(x) // bs)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
        model.train()
        for e in range(epochs):
            perm = torch.randperm(len(x), generator=g)
            for i in range(0, len(x) - bs + 1, bs):
                j = perm[i:i+bs]
                xb = augs(TensorImage(x[j].to(dev).float() / 255))
                xb = ((xb - MEAN) / STD).as_subclass(torch.Tensor)
                loss = F.cross_entropy(model(xb), y[j].to(dev))
                opt.zero_grad(); loss.backward(); opt.step(); sched.step()
    return model.eval()

def timed(fn):
    "(process CPU seconds, wall seconds, result) of `fn()`."
    c, w = time.process_time(), time.perf_counter()
    out = fn()
    if torch.cuda.is_available(): torch.cuda.synchronize()
    return time.process_time() - c, time.perf_counter() - w, out

def compare(cases, repeats):
    "Run each (name, fn) `repeats` times, interleaved; median CPU and wall seconds per name."
    res = {n: ([], []) for n, _ in cases}
    for _ in range(repeats):
        for n, fn in cases:
            c, w, _ = timed(fn); res[n][0].append(c); res[n][1].append(w)
    return {n: (float(np.median(c)), float(np.median(w))) for n, (c, w) in res.items()}

def acc(p, t): return float((p.argmax(1) == t).float().mean())

def main(repeats=3, epochs=2, n_train=30_000, skip_accuracy=False, skip_speed=False, seed=0, retrain=False):
    warnings.simplefilter('ignore')
    dev = default_device()
    print(f"device: {dev} ({torch.cuda.get_device_name() if dev.type == 'cuda' else f'CPU, {torch.get_num_threads()} threads'}); "
          f"torch {torch.__version__}, fastai {fastai.__version__}", flush=True)
    cache = data_home()/'bench'/f'tta_cnn_e{epochs}_n{n_train}_s{seed}.pth'
    if cache.exists() and not retrain:
        model = small_cnn().to(default_device()); model.load_state_dict(torch.load(cache, map_location=default_device())); model.eval()
        print(f"loaded the trained model from {cache} (--retrain to train it again)", flush=True)
    else:
        t = time.perf_counter()
        model = train_model(epochs, seed=seed, n_train=n_train)
        print(f"trained {epochs} epochs on {n_train} images in {time.perf_counter() - t:.0f} s", flush=True)
        cache.parent.mkdir(parents=True, exist_ok=True); torch.save(model.state_dict(), cache)
    fm = fashion_mnist(split='all')
    test = fm[fm.is_test].reset_index(drop=True)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        dls = make_dls(fm[~fm.is_test].sample(2000, random_state=seed), seed=seed)
    learn = Learner(dls, model, loss_func=CrossEntropyLossFlat(), metrics=accuracy)
    learn.remove_cb(ProgressCallback)

    if not skip_speed:
        tdl = dls.test_dl(test.sample(1000, random_state=seed), with_labels=True)
        models = [learn]
        for s in range(1, 5):  # four more members: the same architecture, other weights (their speed is what counts)
            with torch.random.fork_rng():
                torch.manual_seed(seed + s)
                models.append(Learner(dls, small_cnn().to(dev)))
        fa = lambda l, n: (lambda: l.tta(dl=tdl, n=n))
        cases = [('get_preds', lambda: learn.get_preds(dl=tdl)),
                 ('fastai tta(n=2)', fa(learn, 2)), ('ours flip', lambda: tta(learn, tdl, views='flip')),
                 ('fastai tta(n=8)', fa(learn, 8)), ('ours d4', lambda: tta(learn, tdl, views='d4')),
                 ('5 x fastai tta(n=2)', lambda: [m.tta(dl=tdl, n=2) for m in models]),
                 ('ensemble_tta 5 x flip', lambda: ensemble_tta(models, tdl, views='flip'))]
        for l in models[1:]: l.remove_cb(ProgressCallback)  # no progress bars in the timing
        for _, fn in cases: fn()  # warm up
        r = compare(cases, repeats)
        print(f"\nSpeed, 1,000 test images (28x28 PNG), bs={tdl.bs}, median of {repeats}:\n")
        print("| what | fastai CPU s | ours CPU s | ours / fastai (CPU) | fastai wall s | ours wall s | ours / fastai (wall) |")
        print("|---|---|---|---|---|---|---|")
        for a, b in [('fastai tta(n=2)', 'ours flip'), ('fastai tta(n=8)', 'ours d4'), ('5 x fastai tta(n=2)', 'ensemble_tta 5 x flip')]:
            print(f"| {b} vs {a} | {r[a][0]:.2f} | {r[b][0]:.2f} | **{r[b][0]/r[a][0]:.2f}×** | {r[a][1]:.2f} | {r[b][1]:.2f} | {r[b][1]/r[a][1]:.2f}× |")
        g = r['get_preds']
        print(f"\nget_preds: {g[0]:.2f} CPU s, {g[1]:.2f} wall s; in units of get_preds (CPU): "
              + ", ".join(f"{n} {v[0]/g[0]:.1f}×" for n, v in r.items() if n != 'get_preds'), flush=True)
        with torch.no_grad():  # how much of get_preds is the model forward
            x = torch.cat([b[0] for b in tdl]).as_subclass(torch.Tensor)
            learn.model.eval()
            c, w, _ = timed(lambda: [learn.model(x[i:i+tdl.bs]) for i in range(0, len(x), tdl.bs)])
        print(f"model forward alone on the 1,000 images: {c:.2f} CPU s ({c/g[0]:.0%} of get_preds)", flush=True)

    if not skip_accuracy:
        dl = dls.test_dl(test, with_labels=True)
        with learn.no_bar():
            p0, t0 = learn.get_preds(dl=dl)
            rows = [('no TTA (get_preds)', acc(p0, t0), '')]
            a, _ = learn.tta(dl=dl, n=2); b, _ = learn.tta(dl=dl, n=2)
            rows.append(('fastai tta(n=2)', acc(a, t0), f'2nd call {acc(b, t0):.4f}; max abs difference in p {float((a-b).abs().max()):.3f}'))
            a, _ = learn.tta(dl=dl, n=8)
            rows.append(('fastai tta(n=8)', acc(a, t0), ''))
        for i, (v, m) in enumerate([('flip', 'mean'), ('flip', 'gmean'), ('flip', 'max'), ('flip', 'tsharpen'),
                                    ('d4', 'mean'), ('five_crop', 'mean'), ('scale', 'mean'), ('auto', 'mean')]):
            a, t = tta(learn, dl, views=v, merge=m)
            note = ('identical' if torch.equal(a, tta(learn, dl, views=v, merge=m)[0]) else 'DIFFERS') if i == 0 else ''
            if v == 'auto': note = f"views from the training augmentation: '{auto_views(learn)}'"
            rows.append((f"ours views='{v}', merge='{m}'", acc(a, t), note))
        print(f"\nAccuracy on the 10,000 Fashion-MNIST test images (small CNN, {epochs} epochs on {n_train} images):\n")
        print("| method | accuracy | repeat call |")
        print("|---|---|---|")
        for n, a, note in rows: print(f"| {n} | {a:.4f} | {note} |")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--epochs', type=int, default=2)
    ap.add_argument('--n-train', type=int, default=30_000)
    ap.add_argument('--skip-accuracy', action='store_true')
    ap.add_argument('--skip-speed', action='store_true')
    ap.add_argument('--retrain', action='store_true')
    a = ap.parse_args()
    main(a.repeats, a.epochs, a.n_train, a.skip_accuracy, a.skip_speed, retrain=a.retrain)
