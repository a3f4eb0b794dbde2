"""k-fold runs measured: the Fashion-MNIST ensemble (OOF vs test accuracy), and the calibration of the digits main job.

Run:
  python bench/kfold.py fashion [--per-class 500] [--epochs 4] [--size 28] [--out /tmp/fastaug-bench-kfold]
  python bench/kfold.py calibration [--epochs 5] [--out /tmp/fastaug-bench-calib]
  python bench/kfold.py holdout [--epochs 5] [--out /tmp/fastaug-bench-calib-holdout]
`fashion` needs the Debian package `dataset-fashion-mnist` (images are written once under ~/.fastaug).
`calibration` runs the settings of `fastaug kfold --demo` (the digits, 5 folds, small CNN at 16 px, MixUp, flip TTA, seed 0)
through the API and prints log-loss and ECE of the out-of-fold predictions before and after temperature scaling;
`holdout` trains the same run on 80% of the digits and scores its calibrated and raw ensemble on the other 20%.
The write-up is in bench/kfold.md.
"""
import argparse, json, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
from fastai.learner import load_learner

def fashion(per_class=500, epochs=4, size=28, n_splits=5, out='/tmp/fastaug-bench-kfold', seed=0):
    from fastaug.data import fashion_mnist
    from fastaug.kfold import kfold_fit, ensemble_predict
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
    acc = lambda e: float((pd.Categorical(e.prediction, categories=vocab).codes == y).mean())
    ens, ens_flip = ensemble_predict(res, test.path.tolist(), views='none'), ensemble_predict(res, test.path.tolist(), views='flip')
    secs = [json.loads((Path(out)/f'fold{i}'/'done.json').read_text())['seconds'] for i in range(n_splits)]
    print(f"Fashion-MNIST, {len(train)} training images ({per_class}/class), {n_splits} folds, small CNN, {epochs} epochs at {size}px, "
          f"test set {len(test)} images; device {'cuda' if torch.cuda.is_available() else 'cpu'}")
    print("| measure | value |\n|---|---|")
    print(f"| OOF accuracy (every training image predicted by the fold model that never saw it) | {res.scores.loc['oof', 'accuracy']:.4f} |")
    print(f"| single-fold model, test accuracy (mean ± std of {n_splits}) | {np.mean(single):.4f} ± {np.std(single):.4f} |")
    print(f"| {n_splits}-model ensemble, test accuracy | {acc(ens):.4f} |")
    print(f"| {n_splits}-model ensemble + flip TTA, test accuracy | {acc(ens_flip):.4f} |")
    print(f"| wall time per fold (mean, s) | {np.mean(secs):.1f} |")
    print(f"| whole run incl. OOF prediction (s) | {wall:.1f} |")

def holdout_calibration(epochs=5, out='/tmp/fastaug-bench-calib-holdout', seed=0, test_share=0.2):
    "The same run on 80% of the digits; the ensemble's predictions on the other 20% with and without the fold temperatures."
    from fastaug.data import digits_df, default_learner
    from fastaug.kfold import kfold_fit, ensemble_predict, score_probs, targets_of
    from fastaug.mix import MixUp
    from sklearn.model_selection import train_test_split
    df = digits_df()
    train, test = train_test_split(df, test_size=test_share, stratify=df.label, random_state=seed)
    def fit(learn):
        with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(epochs, 3e-3)
    res = kfold_fit(train.reset_index(drop=True), 5, out_dir=out, resume=False, seed=seed, fit_fn=fit, tta='flip', progress=False,
                    learner_fn=lambda dls: default_learner(dls, cbs=[MixUp()]), dls_kwargs=dict(size=16), config=dict(epochs=epochs, mix='mixup'))
    t = targets_of(test.label, res.vocab)
    print(f"digits: 5-fold run on {len(train)} images, its 5-model ensemble (flip TTA) on {len(test)} held-out images")
    print("| held-out predictions | accuracy | log-loss | ECE |\n|---|---|---|---|")
    for name, cal in [('ensemble, raw', False), ('ensemble, fold temperatures', True)]:
        s = score_probs(ensemble_predict(res, test.path.tolist(), calibrate=cal)[res.vocab].to_numpy(), t)
        print(f"| {name} | {s['accuracy']:.4f} | {s['log_loss']:.4f} | {s['ece']:.4f} |")
    o = res.scores.loc['oof']
    print(f"(this run's OOF: log-loss {o['log_loss']:.4f} -> {o['log_loss_calibrated']:.4f}, ECE {o['ece']:.4f} -> {o['ece_calibrated']:.4f})")

def calibration(epochs=5, out='/tmp/fastaug-bench-calib', seed=0):
    from fastaug.data import digits_df, default_learner
    from fastaug.kfold import kfold_fit, fit_temperature, apply_temperature, score_probs
    from fastaug.mix import MixUp
    def fit(learn):
        with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(epochs, 3e-3)
    res = kfold_fit(digits_df(), 5, out_dir=out, resume=False, seed=seed, fit_fn=fit, tta='flip', progress=False,
                    learner_fn=lambda dls: default_learner(dls, cbs=[MixUp()]), dls_kwargs=dict(size=16),
                    config=dict(epochs=epochs, mix='mixup'))
    p, t, f = res.oof_probs, res.targets, res.folds
    cross = np.empty_like(p)   # fold k's rows calibrated with a temperature fitted on the other folds' rows only
    for k in range(5): cross[f == k] = apply_temperature(p[f == k], fit_temperature(p[f != k], t[f != k]))
    rows = [('raw OOF', p), ('calibrated (temperature per fold model)', res.calibrated_probs), ('calibrated, cross-fitted', cross)]
    print(f"digits, 1,797 images, 5 folds, small CNN at 16 px, MixUp, {epochs} epochs, flip TTA, seed {seed} (the settings of `fastaug kfold --demo`)")
    print("| OOF predictions | accuracy | log-loss | ECE |\n|---|---|---|---|")
    for name, q in rows:
        s = score_probs(q, t)
        print(f"| {name} | {s['accuracy']:.4f} | {s['log_loss']:.4f} | {s['ece']:.4f} |")
    print(f"temperatures per fold: {', '.join(f'{v:.3f}' for v in res.temperatures)}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('what', nargs='?', default='fashion', choices=['fashion', 'calibration', 'holdout'])
    ap.add_argument('--per-class', type=int, default=500); ap.add_argument('--epochs', type=int)
    ap.add_argument('--size', type=int, default=28); ap.add_argument('--out')
    a = ap.parse_args()
    warnings.simplefilter('ignore')
    if a.what == 'fashion': fashion(a.per_class, a.epochs or 4, a.size, out=a.out or '/tmp/fastaug-bench-kfold')
    elif a.what == 'calibration': calibration(a.epochs or 5, out=a.out or '/tmp/fastaug-bench-calib')
    else: holdout_calibration(a.epochs or 5, out=a.out or '/tmp/fastaug-bench-calib-holdout')
