"""k-fold ensemble on Fashion-MNIST: OOF accuracy, the ensemble's test accuracy vs the mean single-fold test accuracy, time per fold.

Run: python bench/kfold.py [--per-class 500] [--epochs 4] [--size 28] [--out /tmp/fastaug-bench-kfold]
Needs the Debian package `dataset-fashion-mnist` (images are written once under ~/.fastaug).
"""
import argparse, json, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
from fastai.vision.all import load_learner
from fastaug.data import fashion_mnist
from fastaug.kfold import kfold_fit, ensemble_predict

def main(per_class=500, epochs=4, size=28, n_splits=5, out='/tmp/fastaug-bench-kfold', seed=0):
    warnings.simplefilter('ignore')
    df = fashion_mnist(split='all')
    train = df[~df.is_test].groupby('label', group_keys=False).sample(per_class, random_state=seed).reset_index(drop=True)
    test = df[df.is_test].reset_index(drop=True)
    def fit(learn):
        with learn.no_bar(): learn.fit_one_cycle(epochs, 3e-3)
    t0 = time.time()
    res = kfold_fit(train, n_splits, out_dir=out, resume=False, seed=seed, dls_kwargs=dict(size=size, bs=128),
                    config=dict(epochs=epochs, size=size, per_class=per_class), fit_fn=fit, progress=True)
    wall = time.time() - t0
    vocab = [str(v) for v in res.vocab]
    y = pd.Categorical(test.label, categories=vocab).codes
    single = []
    for p in res.model_paths:
        learn = load_learner(p, cpu=not torch.cuda.is_available())
        with learn.no_bar(): preds = learn.get_preds(dl=learn.dls.test_dl(test.path.tolist(), bs=256))[0]
        single.append(float((preds.argmax(1).numpy() == y).mean()))
    ens = ensemble_predict(res, test.path.tolist())
    ens_acc = float((pd.Categorical(ens.prediction, categories=vocab).codes == y).mean())
    ens_flip = ensemble_predict(res, test.path.tolist(), views='flip')
    ens_flip_acc = float((pd.Categorical(ens_flip.prediction, categories=vocab).codes == y).mean())
    secs = [json.loads((Path(out)/f'fold{i}'/'done.json').read_text())['seconds'] for i in range(n_splits)]
    print(f"Fashion-MNIST, {len(train)} training images ({per_class}/class), {n_splits} folds, small CNN, {epochs} epochs at {size}px, "
          f"test set {len(test)} images; device {'cuda' if torch.cuda.is_available() else 'cpu'}")
    print("| measure | value |\n|---|---|")
    print(f"| OOF accuracy (every training image predicted by the fold model that never saw it) | {res.scores.loc['oof', 'accuracy']:.4f} |")
    print(f"| single-fold model, test accuracy (mean ± std of {n_splits}) | {np.mean(single):.4f} ± {np.std(single):.4f} |")
    print(f"| {n_splits}-model ensemble, test accuracy | {ens_acc:.4f} |")
    print(f"| {n_splits}-model ensemble + flip TTA, test accuracy | {ens_flip_acc:.4f} |")
    print(f"| wall time per fold (mean, s) | {np.mean(secs):.1f} |")
    print(f"| whole run incl. OOF prediction (s) | {wall:.1f} |")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--per-class', type=int, default=500); ap.add_argument('--epochs', type=int, default=4)
    ap.add_argument('--size', type=int, default=28); ap.add_argument('--out', default='/tmp/fastaug-bench-kfold')
    a = ap.parse_args()
    main(a.per_class, a.epochs, a.size, out=a.out)
