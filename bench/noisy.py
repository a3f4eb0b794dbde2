"""Noisy-label benchmark for `fastaug.labels` on Fashion-MNIST (Debian package).

Clean test accuracy, mean of seeds: standard training vs SoftLabel (a=0.7, 5-fold OOF) vs ProgressiveLabelCorrection,
under symmetric 40%, pair-flip 35% and PMD Type-I 35% label noise; label precision of PLC's corrections; and the
per-epoch overhead of the callbacks (`--overhead`).

    python bench/noisy.py                       # default grid (2,000 training images, 12 epochs)
    python bench/noisy.py --noise pmd:0.35      # the PLC target alone
    python bench/noisy.py --n-train 5000 --n-test 2000 --epochs 30 --warmup 10 --threads 2   # the main run (about 16 min on 2 quiet cores)
    python bench/noisy.py --n-train 5000 --n-test 2000 --epochs 30 --warmup 10 --threads 2 --methods plc plc_gap   # the code's rule vs the paper's
    python bench/noisy.py --overhead            # per-epoch cost of the callbacks
    python bench/noisy.py --n-train 60000 --n-test 10000 --epochs 60 --oof-epochs 20 --warmup 10   # full size, on CUDA
"""
import argparse, time, json
import numpy as np, pandas as pd, torch, torch.nn as nn, torch.nn.functional as F
from fastai.basics import *
from fastai.callback.progress import *
from fastai.callback.schedule import *
from fastaug.data import fashion_mnist_arrays
from fastaug.folds import stratified_folds
from fastaug.labels import SoftLabel, ProgressiveLabelCorrection, ItemIndex, indexed_dl

# ---------------------------------------------------------------- noise
def inject_noise(y, kind, rate, n_classes=10, eta=None, seed=0):
    "Noisy copy of labels `y`: 'symmetric' (to another class, uniformly), 'pairflip' (c -> c+1), 'pmd' (PMD Type-I; needs clean-classifier probabilities `eta`)."
    rng = np.random.default_rng(seed); y = np.asarray(y); n = len(y)
    if kind == 'symmetric':
        flip = rng.random(n) < rate
        return np.where(flip, (y + rng.integers(1, n_classes, n)) % n_classes, y)
    if kind == 'pairflip':
        return np.where(rng.random(n) < rate, (y + 1) % n_classes, y)
    if kind == 'pmd':   # Zhang et al. 2021, Type-I: tau(x) = -1/2 (eta_y - eta_s)^2 + 1/2, flipped to s, the most likely other class
        e = eta.copy(); ey = e[np.arange(n), y]; e[np.arange(n), y] = -1
        s = e.argmax(1); es = e[np.arange(n), s]
        tau = 0.5 - 0.5 * (ey - es) ** 2
        p = np.clip(tau * rate / tau.mean(), 0, 1)
        return np.where(rng.random(n) < p, s, y)
    raise ValueError(f"unknown noise kind {kind!r}")

# ---------------------------------------------------------------- data, model
class TensorItems:
    "Map-style dataset of (image, label) from in-memory tensors."
    def __init__(self, x, y): self.x, self.y = x, torch.as_tensor(y, dtype=torch.long)
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return self.x[i], self.y[i]

def make_dls(xtr, ytr, xte, yte, bs, device):
    trn = TfmdDL(TensorItems(xtr, ytr), bs=bs, shuffle=True, drop_last=True, num_workers=0)
    val = TfmdDL(TensorItems(xte, yte), bs=512, num_workers=0)
    return DataLoaders(trn, val, device=device)

def cnn():
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))

def train(dls, epochs, lr, seed, cbs=()):
    torch.manual_seed(seed); dls.train.rng = random.Random(seed)
    learn = Learner(dls, cnn(), loss_func=CrossEntropyLossFlat(), metrics=accuracy, cbs=list(cbs))
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(epochs, lr)
    return learn

def test_acc(learn):
    with learn.no_bar(): p, t = learn.get_preds(ds_idx=1)
    return float((p.argmax(1) == t).float().mean())

def oof_probs(xtr, ytr, xte, yte, args, seed, device):
    "5-fold out-of-fold softmax of the noisy training set."
    folds = stratified_folds(ytr, n_splits=5, seed=seed)
    out = np.zeros((len(ytr), 10), dtype=np.float64)
    for k in range(5):
        tr, va = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        dls = make_dls(xtr[tr], ytr[tr], xtr[va], ytr[va], args.bs, device)
        learn = train(dls, args.oof_epochs, args.lr, seed + k)
        with learn.no_bar(): p, _ = learn.get_preds(ds_idx=1)
        out[va] = p.double().numpy()
    return out / out.sum(1, keepdims=True)

# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--n-train', type=int, default=2000); ap.add_argument('--n-test', type=int, default=1000)
    ap.add_argument('--epochs', type=int, default=12); ap.add_argument('--oof-epochs', type=int, default=3)
    ap.add_argument('--bs', type=int, default=128); ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--noise', nargs='+', default=['symmetric:0.4', 'pairflip:0.35', 'pmd:0.35'])
    ap.add_argument('--methods', nargs='+', default=['standard', 'softlabel', 'plc'])
    ap.add_argument('--warmup', type=int, default=6); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--overhead', action='store_true', help='only the per-epoch overhead benchmark')
    ap.add_argument('--reps', type=int, default=5, help='repeats of the overhead timing (median)')
    ap.add_argument('--out', default=None)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    X, Y = fashion_mnist_arrays('train'); Xt, Yt = fashion_mnist_arrays('test')
    rng = np.random.default_rng(1234)
    tr = rng.choice(len(X), args.n_train, replace=False); te = rng.choice(len(Xt), args.n_test, replace=False)
    norm = lambda a: ((torch.tensor(a, dtype=torch.float32) / 255 - 0.286) / 0.353)[:, None]
    xtr, ytr, xte, yte = norm(X[tr]), Y[tr], norm(Xt[te]), Yt[te]
    print(f"device={device} threads={torch.get_num_threads()} n_train={len(xtr)} n_test={len(xte)} epochs={args.epochs}", flush=True)
    if args.overhead: return overhead(xtr, ytr, xte, yte, args, device)

    from sklearn.decomposition import PCA   # the "clean classifier" eta(x) for PMD noise: logistic regression on 50 PCA components
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    feats = X[tr].reshape(len(tr), -1) / 255
    eta = make_pipeline(PCA(50, random_state=0), LogisticRegression(max_iter=300)).fit(feats, ytr).predict_proba(feats)
    rows = []
    for seed in args.seeds:   # seeds outermost: a cut-short run still covers every noise type
        for spec in args.noise:
            kind, rate = spec.split(':'); rate = float(rate)
            yn = inject_noise(ytr, kind, rate, eta=eta, seed=seed)
            actual = float((yn != ytr).mean())
            for m in args.methods:
                t0 = time.perf_counter()
                dls = make_dls(xtr, yn, xte, yte, args.bs, device)
                extra = {}
                if m == 'standard': learn = train(dls, args.epochs, args.lr, seed)
                elif m == 'softlabel':
                    oof = oof_probs(xtr, yn, xte, yte, args, seed, device)
                    extra['oof_acc_clean'] = float((oof.argmax(1) == ytr).mean())
                    learn = train(dls, args.epochs, args.lr, seed, [SoftLabel(oof, a=0.7)])
                elif m in ('plc', 'plc_gap'):   # the official code's rule and schedule; the paper's (gap, a step every round)
                    rule = 'gap' if m == 'plc_gap' else 'ratio'
                    learn = train(dls, args.epochs, args.lr, seed, [ProgressiveLabelCorrection(warmup=args.warmup, window=5, rule=rule)])
                    plc = learn.plc; cur = plc.cur.cpu().numpy()
                    changed = cur != yn
                    extra.update(changed=int(changed.sum()), precision=float((cur[changed] == ytr[changed]).mean()) if changed.any() else float('nan'),
                                 label_acc_before=float((yn == ytr).mean()), label_acc_after=float((cur == ytr).mean()),
                                 final_delta=float(plc.delta))
                acc = test_acc(learn)
                rows.append(dict(noise=spec, seed=seed, method=m, actual_noise=actual, test_acc=acc, secs=time.perf_counter() - t0, **extra))
                print(json.dumps(rows[-1]), flush=True)
                if args.out: pd.DataFrame(rows).to_csv(args.out, index=False)
    df = pd.DataFrame(rows)
    if args.out: df.to_csv(args.out, index=False)
    summ = df.groupby(['noise', 'method']).test_acc.agg(['mean', 'std', 'count']).unstack('method')
    print('\nclean test accuracy (mean over seeds)\n', (df.pivot_table(index='noise', columns='method', values='test_acc', aggfunc='mean') * 100).round(2))
    print('\nstd over seeds\n', (df.pivot_table(index='noise', columns='method', values='test_acc', aggfunc='std') * 100).round(2))
    if {'plc', 'plc_gap'} & set(args.methods):
        print('\nPLC corrections\n', df[df.method.isin(['plc', 'plc_gap'])].groupby(['noise', 'method'])[['changed', 'precision', 'label_acc_before', 'label_acc_after', 'final_delta']].mean().round(3))

def overhead(xtr, ytr, xte, yte, args, device, epochs=2):
    reps = args.reps
    "Time per training epoch with and without the callbacks, interleaved, median of `reps`."
    oof = np.full((len(ytr), 10), 0.1)
    mk = {'standard': lambda: [], 'softlabel': lambda: [SoftLabel(oof, a=0.7)],
          'plc': lambda: [ProgressiveLabelCorrection(warmup=1, window=1)]}
    times, cpu = {k: [] for k in mk}, {k: [] for k in mk}
    for r in range(reps):
        for k, f in mk.items():
            dls = make_dls(xtr, ytr, xte[:16], yte[:16], args.bs, device)
            learn = Learner(dls, cnn(), loss_func=CrossEntropyLossFlat(), cbs=f())
            with learn.no_bar(), learn.no_logging():
                learn.fit(1, 1e-3)   # warm-up
                t0, c0 = time.perf_counter(), time.process_time(); learn.fit(epochs, 1e-3)
                if device == 'cuda': torch.cuda.synchronize()
                times[k].append((time.perf_counter() - t0) / epochs); cpu[k].append((time.process_time() - c0) / epochs)
    hook_cost(xtr, ytr, xte, yte, args, device)
    # on a shared CPU the process's own CPU time (one thread) is far steadier than wall time; on CUDA read the wall time
    for name, tt in (('wall', times), ('cpu', cpu)):
        med = {k: float(np.median(v)) for k, v in tt.items()}
        for k in mk: print(f"{name:4s} {k:10s} {med[k]*1000:8.1f} ms/epoch  ratio {med[k]/med['standard']:.3f}  (runs: {', '.join(f'{t:.2f}' for t in tt[k])} s)")

def hook_cost(xtr, ytr, xte, yte, args, device, n=300):
    "CPU time of the callbacks' per-batch work (index pop, targets, bookkeeping, loss) against one training step of the CNN."
    dls = make_dls(xtr, ytr, xte[:16], yte[:16], args.bs, device)
    x, y, idx = indexed_dl(dls.train).one_batch()
    model = cnn().to(device); opt = torch.optim.Adam(model.parameters())
    def step():
        loss = F.cross_entropy(model(x), y); opt.zero_grad(); loss.backward(); opt.step()
    pred = model(x).detach().requires_grad_()
    def timed(f, reps):
        for _ in range(3): f()
        if device == 'cuda': torch.cuda.synchronize()
        t = time.process_time() if device == 'cpu' else time.perf_counter()
        for _ in range(reps): f()
        if device == 'cuda': torch.cuda.synchronize()
        return ((time.process_time() if device == 'cpu' else time.perf_counter()) - t) / reps
    t_step = float(np.median([timed(step, 10) for _ in range(5)]))
    base = lambda: F.cross_entropy(pred, y).backward()
    for name, cb in (('softlabel', SoftLabel(np.full((len(ytr), 10), 0.1), a=0.7)), ('plc', ProgressiveLabelCorrection(warmup=1, window=1))):
        learn = Learner(dls, cnn(), loss_func=CrossEntropyLossFlat(), cbs=[cb])
        with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-3)   # sets up the callback's state
        if name == 'plc': cb.before_fit()
        ii = ItemIndex(); ii.learn = learn; ii._n_inp = 1
        learn.training = True
        def hooks():
            learn.xb, learn.yb = (x,), (y, idx)
            ii.before_batch(); cb.before_batch()
            learn.pred = pred; cb.after_pred()
            learn.loss_func(learn.pred, *learn.yb).backward()
            if name == 'softlabel': cb.after_loss()
        t_h = float(np.median([timed(hooks, n // 5) for _ in range(5)])); t_b = float(np.median([timed(base, n // 5) for _ in range(5)]))
        print(f"per batch ({args.bs} images): {name} hooks {1e3 * (t_h - t_b):.3f} ms more than the plain loss, "
              f"one training step {1e3 * t_step:.1f} ms -> {100 * (t_h - t_b) / t_step:.2f}% of a step")

if __name__ == '__main__': main()
