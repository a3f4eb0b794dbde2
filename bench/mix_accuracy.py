"Does batch mixing help? Fashion-MNIST, small training set, small CNN: baseline vs MixUp vs CutMix vs CutMixUp (mean of seeds)."
import argparse, time, json
import numpy as np, torch, torch.nn as nn
from fastai.basics import *
from fastai.callback.progress import *
from fastai.callback.schedule import *
from fastaug.data import fashion_mnist_arrays
from fastaug.mix import MixUp, CutMix, CutMixUp, RICAP, SamplePairing

METHODS = {
    'baseline': lambda s: [],
    'MixUp(alpha=0.4)': lambda s: [MixUp(0.4, seed=s)],
    'CutMix(alpha=1.0)': lambda s: [CutMix(1.0, seed=s)],
    'CutMixUp(0.4, 1.0, switch_prob=0.5)': lambda s: [CutMixUp(0.4, 1.0, seed=s)],
    'RICAP(beta=0.3)': lambda s: [RICAP(0.3, seed=s)],
    'SamplePairing(p=0.5, schedule=None)': lambda s: [SamplePairing(0.5, schedule=None, seed=s)],
}

def cnn(c=10):
    def blk(i, o): return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
    return nn.Sequential(*blk(1, 16), nn.MaxPool2d(2), *blk(16, 32), *blk(32, 32), nn.MaxPool2d(2),
                         *blk(32, 64), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, c))

def data(n_train, seed, bs):
    "A class-balanced training subset of `n_train` images and the full 10k test set, normalised tensors."
    x, y = fashion_mnist_arrays('train'); xt, yt = fashion_mnist_arrays('test')
    rng = np.random.default_rng(seed)
    idx = np.concatenate([rng.choice(np.flatnonzero(y == c), n_train // 10, replace=False) for c in range(10)])
    def prep(a): return ((torch.tensor(a, dtype=torch.float32) / 255 - 0.286) / 0.353)[:, None]
    tr = list(zip(prep(x[idx]), torch.tensor(y[idx])))
    te = list(zip(prep(xt), torch.tensor(yt)))
    # validation during training on 500 test images only (a full pass each epoch would cost ~40% of the run);
    # the reported accuracy is on all 10,000 test images, once, at the end
    dls = DataLoaders.from_dsets(tr, te[:500], bs=bs, num_workers=0)
    dls.c = 10
    return dls, dls.valid.new(te)

def run(method, seed, args):
    torch.manual_seed(seed)   # model init and shuffling; the mixing callbacks use their own generators
    dls, test_dl = data(args.n_train, seed, args.bs)
    model = cnn().to(memory_format=torch.channels_last)   # ~30% faster on CPU
    learn = Learner(dls, model, loss_func=CrossEntropyLossFlat(), metrics=accuracy, cbs=METHODS[method](seed))
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(args.epochs, args.lr)
    with learn.no_bar(): return float(learn.validate(dl=test_dl)[1])

def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--n-train', type=int, default=5000)
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--bs', type=int, default=128)
    p.add_argument('--lr', type=float, default=3e-3)
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--methods', nargs='+', default=list(METHODS)[:4], help=f'from {list(METHODS)}')
    p.add_argument('--threads', type=int, default=1, help='1 is much faster than 2 on a shared 2-core machine')
    p.add_argument('--json', default=None, help='write the raw results here')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    res, t0 = {}, time.time()
    for seed in args.seeds:
        for m in args.methods:
            t = time.time(); res.setdefault(m, []).append(run(m, seed, args))
            print(f'{m:40s} seed {seed}: test acc {res[m][-1]:.4f}  ({time.time() - t:.0f} s)', flush=True)
    print(f'\nFashion-MNIST, {args.n_train} training images (class-balanced), full 10k test set, small CNN (4 conv + BN, 34k parameters), '
          f'{args.epochs} epochs one-cycle lr {args.lr}, bs {args.bs}, seeds {args.seeds}; total {time.time() - t0:.0f} s\n')
    base = np.mean(res['baseline']) if 'baseline' in res else None
    print('| method | test accuracy, mean ± sd | per seed | vs baseline |\n|---|---|---|---|')
    for m, v in res.items():
        d = '' if base is None or m == 'baseline' else f'{100 * (np.mean(v) - base):+.2f} pt'
        print(f"| {m} | {100 * np.mean(v):.2f} ± {100 * np.std(v, ddof=1) if len(v) > 1 else 0:.2f} | {', '.join(f'{100 * a:.2f}' for a in v)} | {d} |")
    if args.json: Path(args.json).write_text(json.dumps(res))

if __name__ == '__main__': main()
