"""Evidence for `fastaug.audit` on Fashion-MNIST (see bench/audit.md).

  python bench/audit.py oof      # k-fold runs on a noisy Fashion-MNIST subset, cached under /tmp/fastaug_audit (once)
  python bench/audit.py --seed 15 oof   # a second draw (subset, noise, folds): 5,000 images per noise kind, kept beside the first
  python bench/audit.py labels   # precision / recall / F1 of label_issues vs cleanlab's find_label_issues, same OOF probabilities (every cached draw)
  python bench/audit.py runs RUN[:PLANTED_CSV] ...   # label_issues' counts on k-fold run folders (planted.csv, or the CSV given, names the wrong labels)
  python bench/audit.py multi [RUN:CSV ...]   # multi-label: entries relabel changes and wrong entries before -> after (default: planted tag tables, runs cached)
  python bench/audit.py dups 60000 2000   # near_duplicates: recall and false pairs on planted copies, time for 60k images vs brute-force imagehash
  python bench/audit.py dupstime 60000   # wall and CPU seconds of near_duplicates on that clean set with torch's default threads
  python bench/audit.py photos   # the same on tiles of real photos (scikit-learn's sample images)
  python bench/audit.py digits   # the demo's 8x8 digits with planted copies (2x enlarged, JPEG q85): pairs found and false pairs, auto threshold with and without its cap for small pictures
"""
import os, sys, time, json
from pathlib import Path
import numpy as np, pandas as pd

CACHE = Path(os.environ.get('FASTAUG_AUDIT_CACHE', '/tmp/fastaug_audit'))
N, SEED, NOISE = 10_000, 14, 0.2

def tag(seed=None):
    "Suffix of the cached images and runs of a draw: '' for the first (seed 14), '_s<seed>' for others."
    seed = SEED if seed is None else seed
    return '' if seed == 14 else f'_s{seed}'

def subset():
    "A class-balanced subset of Fashion-MNIST train (N images), written once as PNGs; true labels."
    from PIL import Image
    from fastaug.data import fashion_mnist_arrays, FASHION_CLASSES
    x, y = fashion_mnist_arrays('train')
    rng = np.random.default_rng(SEED)
    idx = np.sort(np.concatenate([rng.choice(np.flatnonzero(y == c), N // 10, replace=False) for c in range(10)]))
    d = CACHE/f'images{tag()}'
    paths = [d/f'{i:05d}.png' for i in idx]
    if not (d/'.complete').exists():
        d.mkdir(parents=True, exist_ok=True)
        for p, i in zip(paths, idx): Image.fromarray(x[i]).save(p)
        (d/'.complete').write_text(str(len(idx)))
    return pd.DataFrame({'path': [str(p) for p in paths], 'true': [FASHION_CLASSES[c] for c in y[idx]]}), x[idx], y[idx]

def noisy_labels(x, y, kind):
    "Symmetric: 20% of labels moved to a uniformly drawn other class. Feature-dependent: 20% moved to their second most likely class under a pixel logistic regression, drawn with weight p2/p1 (items near the boundary first)."
    rng = np.random.default_rng(SEED + 1)
    n, y2 = len(y), y.copy()
    if kind == 'symmetric':
        flip = rng.choice(n, int(NOISE * n), replace=False)
        y2[flip] = (y[flip] + rng.integers(1, 10, len(flip))) % 10
        return y2
    from sklearn.linear_model import LogisticRegression
    from fastaug.data import fashion_mnist_arrays
    xt, yt = fashion_mnist_arrays('test')   # the noise model never sees the audited items
    clf = LogisticRegression(max_iter=300).fit(xt.reshape(len(xt), -1) / 255., yt)
    p = clf.predict_proba(x.reshape(n, -1) / 255.)
    p[np.arange(n), y] = -1   # the most likely class other than the true one
    second = p.argmax(1); w = p.max(1) / clf.predict_proba(x.reshape(n, -1) / 255.).max(1)
    flip = rng.choice(n, int(NOISE * n), replace=False, p=w / w.sum())
    y2[flip] = second[flip]
    return y2

def oof(kinds=('symmetric', 'feature')):
    "One 5-fold run per noise kind (small CNN, 4 epochs, flip TTA for the OOF), kept under CACHE; the feature-dependent one (and every run of another seed) on every second image of the subset."
    import torch
    from fastaug.kfold import kfold_fit
    from fastaug.data import FASHION_CLASSES
    torch.set_num_threads(1)
    df, x, y = subset()
    for kind in kinds:
        yn = noisy_labels(x, y, kind)
        d = df.assign(label=[FASHION_CLASSES[c] for c in yn])
        if kind == 'feature' or tag(): d = d.iloc[::2].reset_index(drop=True)   # 5,000 images: half the CPU time
        print(kind, 'noise rate', (yn != y).mean())
        t = time.time()
        kfold_fit(d, 5, out_dir=CACHE/f'run_{kind}{tag()}', seed=SEED, tta='flip', fit_fn=lambda l: l.fit_one_cycle(4, 3e-3),
                  config={'epochs': 4, 'noise': kind}, dls_kwargs={'size': 28, 'bs': 128})
        d.to_csv(CACHE/f'run_{kind}{tag()}'/'truth.csv', index=False)
        print(kind, f'{time.time() - t:.0f}s')

def plant(x, kind, rng):
    "A copy of the uint8 image `x` after one transformation: resize 0.5-2x, JPEG quality 60-95, crop 2-10% per side pair, brightness x0.6-0.85 or x1.15-1.5."
    import io
    from PIL import Image, ImageEnhance
    im = Image.fromarray(x); w, h = im.size
    if kind == 'resize': s = rng.uniform(0.5, 2); return np.asarray(im.resize((max(1, round(w * s)), max(1, round(h * s))), Image.BILINEAR))
    if kind == 'jpeg':
        b = io.BytesIO(); im.save(b, 'JPEG', quality=int(rng.integers(60, 96))); return np.asarray(Image.open(io.BytesIO(b.getvalue())))
    if kind == 'crop':
        fx, fy = rng.uniform(0.02, 0.10, 2); l, t = rng.uniform(0, fx) * w, rng.uniform(0, fy) * h
        return np.asarray(im.crop((round(l), round(t), round(l + (1 - fx) * w), round(t + (1 - fy) * h))))
    f = rng.uniform(0.6, 0.85) if rng.random() < 0.5 else rng.uniform(1.15, 1.5)
    return np.asarray(ImageEnhance.Brightness(im).enhance(f))

KINDS = ('resize', 'jpeg', 'crop', 'brightness')

def planted_set(n, m, seed=SEED):
    "n - 2m distinct training images, m held-out test images and a transformed copy of each (m/4 per kind): items, planted pairs, kinds."
    from fastaug.data import fashion_mnist_arrays
    rng = np.random.default_rng(seed)
    x, _ = fashion_mnist_arrays('train'); xt, _ = fashion_mnist_arrays('test')
    base = [o for o in x[rng.choice(len(x), n - 2 * m, replace=False)]]
    orig = xt[rng.choice(len(xt), m, replace=False)]
    kinds = [KINDS[i % 4] for i in range(m)]
    items = base + list(orig) + [plant(o, k, rng) for o, k in zip(orig, kinds)]
    pairs = [(n - 2 * m + i, n - m + i) for i in range(m)]
    return items, pairs, np.array(kinds)

def phash_pairs(items, max_bits=8):
    "Brute force: imagehash's 64-bit perceptual hash of every image, every pair compared (blocks of rows, popcount of the XOR): pairs and Hamming distances."
    import imagehash
    from PIL import Image
    h = np.array([int(str(imagehash.phash(Image.fromarray(np.asarray(o)))), 16) for o in items], dtype=np.uint64)
    out = []
    for i in range(0, len(h), 1000):
        d = np.bitwise_count(h[i:i + 1000, None] ^ h[None])
        a, b = np.nonzero(d <= max_bits); keep = a + i < b
        out.append(pd.DataFrame({'a': a[keep] + i, 'b': b[keep], 'distance': d[a[keep], b[keep]]}))
    return pd.concat(out, ignore_index=True)

def dups(n=60_000, m=2000):
    "Recall per transformation on planted copies and pairs on a clean set of the same size: near_duplicates against brute-force phash, timed in one process."
    from fastaug.audit import near_duplicates
    from fastaug.data import fashion_mnist_arrays
    items, pairs, kinds = planted_set(n, m)
    x, _ = fashion_mnist_arrays('train')
    clean = list(x[np.random.default_rng(SEED + 2).choice(len(x), n, replace=False)])
    methods = {'near_duplicates(auto)': lambda it: near_duplicates(it), 'near_duplicates(0.004)': lambda it: near_duplicates(it, threshold=0.004),
               'phash brute force': lambda it: phash_pairs(it)}
    cuts = {'phash brute force': (4, 8)}
    rows = []
    for name, fn in methods.items():
        t0, c0 = time.time(), time.process_time(); got = fn(items); sec, cpu = time.time() - t0, time.process_time() - c0
        t0, c0 = time.time(), time.process_time(); got_clean = fn(clean); sec_c, cpu_c = time.time() - t0, time.process_time() - c0
        for cut in cuts.get(name, (None,)):
            g, gc = (got, got_clean) if cut is None else (got[got.distance <= cut], got_clean[got_clean.distance <= cut])
            found = set(zip(g.a.tolist(), g.b.tolist())); hit = np.array([p in found for p in pairs])
            rows.append({'method': name + ('' if cut is None else f', Hamming <= {cut}'), **{k: hit[kinds == k].mean() for k in KINDS},
                         'recall': hit.mean(), 'other pairs': len(found - set(pairs)), f'pairs, clean {n}': len(gc),
                         'false pairs / image': len(gc) / n, 'threshold': got.attrs.get('threshold', cut),
                         f'CPU s ({n}, clean)': cpu_c, f'wall s ({n}, clean)': sec_c})
    print(pd.DataFrame(rows).round(4).to_string(index=False))

def dupstime(n=60_000):
    "Wall and CPU seconds of near_duplicates on the clean set of `dups`, with torch's default threads (what a user meets)."
    import torch
    from fastaug.audit import near_duplicates
    from fastaug.data import fashion_mnist_arrays
    x, _ = fashion_mnist_arrays('train')
    clean = list(x[np.random.default_rng(SEED + 2).choice(len(x), n, replace=False)])
    t0, c0 = time.time(), time.process_time(); got = near_duplicates(clean)
    print(f'{n} clean images, {torch.get_num_threads()} torch threads: {len(got)} pairs, wall {time.time() - t0:.1f} s, CPU {time.process_time() - c0:.1f} s')

def photos(tile=64, seeds=3):
    "Planted copies of real-photo tiles (scikit-learn's two sample photos cut into non-overlapping tiles): recall per transformation, and pairs among the clean tiles."
    from sklearn.datasets import load_sample_images
    from fastaug.audit import near_duplicates
    tiles = [im[r:r + tile, c:c + tile] for im in load_sample_images().images
             for r in range(0, im.shape[0] - tile + 1, tile) for c in range(0, im.shape[1] - tile + 1, tile)]
    n, rows = len(tiles), []
    thr = []
    def auto(it): r = near_duplicates(it); thr.append(r.attrs['threshold']); return r
    for name, fn in [('near_duplicates(auto)', auto), ('near_duplicates(0.03)', lambda it: near_duplicates(it, threshold=0.03)), ('phash, Hamming <= 8', lambda it: phash_pairs(it, 8))]:
        hits, other = {k: [] for k in KINDS}, 0
        for seed in range(seeds):
            rng = np.random.default_rng(SEED + seed)
            for k in KINDS:
                g = fn(tiles + [plant(t, k, rng) for t in tiles]); found = set(zip(g.a.tolist(), g.b.tolist()))
                hits[k] += [(i, n + i) in found for i in range(n)]; other += len(found - {(i, n + i) for i in range(n)})
        rows.append({'method': name, **{k: np.mean(v) for k, v in hits.items()}, 'recall': np.mean(sum(hits.values(), [])),
                     'other pairs (planted sets)': other, f'pairs among the {n} clean tiles': len(fn(tiles))})
    print(f'{n} tiles of {tile}x{tile}, {seeds} draws of each transformation per tile; auto thresholds: median {np.median(thr):.4f}, range {min(thr):.4f}-{max(thr):.4f}')
    print(pd.DataFrame(rows).round(3).to_string(index=False))

def digits(seed=0, m=10):
    "scikit-learn's 1,797 digits (8x8, as the demo writes them) plus m copies (half enlarged 2x, half JPEG quality 85): the automatic threshold with its cap for small pictures, and the collection's threshold alone."
    import io
    from PIL import Image
    from sklearn.datasets import load_digits
    from fastaug.audit import near_duplicates
    ims = list((load_digits().images * 255 / 16).astype(np.uint8)); n = len(ims)
    src = np.random.default_rng(seed).choice(n, m, replace=False)
    def jpeg(a):
        b = io.BytesIO(); Image.fromarray(a).save(b, 'JPEG', quality=85); return np.asarray(Image.open(b))
    copies = [np.asarray(Image.fromarray(ims[i]).resize((16, 16))) if k < m // 2 else jpeg(ims[i]) for k, i in enumerate(src)]
    planted = {(int(i), n + k) for k, i in enumerate(src)}
    rows = []
    for name, items, want in (('digits', ims, set()), ('digits + copies', ims + copies, planted)):
        auto = near_duplicates(items); thr = auto.attrs['threshold']
        for method, got in (('auto (capped at 0.04*(r/32)^2)', auto), (f'collection threshold alone ({thr:.4f})', near_duplicates(items, threshold=thr))):
            found = set(zip(got.a.tolist(), got.b.tolist()))
            rows.append({'items': name, 'method': method, 'planted found': f'{len(found & want)} of {len(want)}', 'other pairs': len(found - want),
                         'closest other': round(float(got[[p not in want for p in zip(got.a, got.b)]].distance.min()), 4) if found - want else None,
                         'farthest planted': round(float(got[[p in want for p in zip(got.a, got.b)]].distance.max()), 4) if found & want else None})
    print(pd.DataFrame(rows).to_string(index=False))

def run_arrays(run):
    "OOF probabilities, given and true labels, folds, classes and the run's namespace, read from the run's files (any run-format version)."
    from types import SimpleNamespace
    man = json.loads((run/'manifest.json').read_text())
    items = pd.read_csv(run/'folds.csv', index_col=0, keep_default_na=False)
    probs = np.zeros((len(items), len(man['vocab'])), np.float32)
    for k in range(man['n_splits']):
        with np.load(run/f'fold{k}'/'oof.npz') as d: probs[d['rows']] = d['probs']
    res = SimpleNamespace(oof=items, model_paths=[run/'models'/f'fold{k}.pkl' for k in range(man['n_splits'])], out_dir=run, vocab=man['vocab'])
    return probs, items['label'].astype(str).to_numpy(), pd.read_csv(run/'truth.csv')['true'].to_numpy(), items['fold'].to_numpy(), man['vocab'], res

def labels():
    "Precision, recall and F1 against the injected errors: cleanlab's find_label_issues and label_issues (each count), from the same OOF probabilities, for every cached run (both draws)."
    import torch, warnings
    from cleanlab.filter import find_label_issues
    from fastaug.audit import label_issues, fold_predictions
    torch.set_num_threads(1); warnings.filterwarnings('ignore')
    rows = []
    for seed in (14, 15):
        for kind in ('symmetric', 'feature'):
            run = CACHE/f'run_{kind}{tag(seed)}'
            if not (run/'truth.csv').exists(): print(f'{run}: run `python bench/audit.py --seed {seed} oof` first'); continue
            probs, given, true, folds, vocab, res = run_arrays(run)
            err = given != true
            preds = fold_predictions(res)   # every fold model on every item, once (kept in the run folder)
            plain = preds[folds, np.arange(len(folds))]   # OOF without TTA: each item's own fold model
            y = np.array([vocab.index(c) for c in given])
            for oof_name, p in (('flip TTA (as stored)', probs), ('no TTA', plain)):
                li = lambda **kw: _mask(label_issues(p, given, classes=vocab, folds=folds, **kw), len(y))
                for name, mask in [('cleanlab find_label_issues', find_label_issues(y, p)),
                                   ('label_issues', li()), ('label_issues(ensemble=True)', li(ensemble=preds)),
                                   ("label_issues(count='expected_f1')", li(count='expected_f1')),
                                   ("label_issues(count='expected_f1', ensemble=True)", li(count='expected_f1', ensemble=preds)),
                                   ("label_issues(count='mixture')", li(count='mixture'))]:
                    tp = (mask & err).sum(); pr, rc = tp / max(mask.sum(), 1), tp / err.sum()
                    rows.append({'seed': seed, 'noise': f'{kind} ({err.mean():.0%} of {len(y)})', 'OOF': oof_name, 'method': name, 'flagged': int(mask.sum()),
                                 'precision': pr, 'recall': rc, 'F1': 2 * pr * rc / max(pr + rc, 1e-12)})
    df = pd.DataFrame(rows); print(df.round(3).to_string(index=False))
    f1 = df.pivot_table(index=['seed', 'noise', 'OOF'], columns='method', values='F1', sort=False)
    print('\nlabel_issues F1 minus cleanlab F1 (same OOF):'); print((f1.drop(columns='cleanlab find_label_issues').sub(f1['cleanlab find_label_issues'], axis=0)).round(3).to_string())

def runs(*specs):
    "Per run folder: OOF accuracy, and for each count how many items label_issues flags, how many planted labels are among them, and its warning."
    import warnings
    from fastaug.audit import label_issues
    rows = []
    for spec in specs:
        run, _, pl = spec.partition(':'); run = Path(run)
        pl = Path(pl) if pl else run/'planted.csv'
        planted = set(pd.read_csv(pl)['item'].astype(str)) if pl.exists() else set()
        acc = json.loads((run/'scores.json').read_text())['oof']
        for count in ('confident', 'expected_f1', 'mixture'):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter('always'); iss = label_issues(run, count=count)
            note = [str(o.message) for o in w if 'unreliable' in str(o.message)]
            rows.append({'run': run.name, 'OOF accuracy': acc.get('accuracy', acc.get('accuracy_multi')), 'items': int(acc['n']), 'planted': len(planted),
                         'count': count, 'flagged': len(iss), 'planted found': int(iss['item'].astype(str).isin(planted).sum()),
                         'warns': 'yes' if note else 'no'})
    print(pd.DataFrame(rows).round(3).to_string(index=False))

def _tags(k, rich):
    "The true tags of digit k: its class and parity (rich: also 'prime', 'loop', 'big')."
    t = [f'digit {k}', ('even' if k % 2 == 0 else 'odd') + ' number']
    if rich: t += [n for n, ks in (('prime', (2, 3, 5, 7)), ('loop', (0, 6, 8, 9)), ('big', (5, 6, 7, 8, 9))) if k in ks]
    return t

ML_SETS = {   # name: (seed, rich tags, P(neighbouring digit's tags), P(parity flipped), P(a tag missing), P(a spurious tag))
    'shift': (0, False, 0.05, 0.04, 0, 0), 'missing': (1, True, 0, 0, 0.15, 0.05),
    'mixed': (3, True, 0.04, 0.04, 0.08, 0.04), 'clean': (2, True, 0, 0, 0, 0)}
ML_MODELS = {'16px': ['--size', '16', '--epochs', '12'], '12px': ['--size', '12', '--epochs', '4']}

def ml_table(name):
    "400 digits tagged (label_delim ','), with the planted noise of ML_SETS[name]; `true` holds the true tags."
    from fastaug.data import digits_df
    seed, rich, shift, parity, drop, add = ML_SETS[name]
    rng = np.random.default_rng(seed)
    df = digits_df().sample(400, random_state=seed).reset_index(drop=True)
    dig = df.path.str.extract(r'/digits/(\d)/')[0].astype(int).to_numpy()
    vocab = sorted({t for k in range(10) for t in _tags(k, rich)})
    out = []
    for k in dig:
        t = _tags((k + 1) % 10 if rng.random() < shift else k, rich)
        if parity and rng.random() < parity: t = [{'even number': 'odd number', 'odd number': 'even number'}.get(x, x) for x in t]
        if drop and rng.random() < drop: gone = t[rng.integers(len(t))]; t = [x for x in t if x != gone]
        if add and rng.random() < add:
            cand = [v for v in vocab if v not in t and not v.startswith('digit')]; t = t + [cand[rng.integers(len(cand))]]
        out.append(','.join(t))
    return df[['path']].assign(tags=out, true=[','.join(_tags(k, rich)) for k in dig])

def ml_runs():
    "The tagged tables (CACHE/multi/<set>.csv) and a 3-fold run of each with each model (CACHE/multi/<set>_<model>), made once."
    import subprocess, shutil
    d = CACHE/'multi'; d.mkdir(parents=True, exist_ok=True)
    exe = shutil.which('fastaug') or str(Path(sys.executable).parent/'fastaug')
    specs = []
    for name in ML_SETS:
        csv = d/f'{name}.csv'
        if not csv.exists(): ml_table(name).to_csv(csv, index=False)
        for model, args in ML_MODELS.items():
            run = d/f'{name}_{model}'
            if not (run/'oof.csv').exists():
                subprocess.run([exe, 'kfold', str(csv), '--label-col', 'tags', '--label-delim', ',', '--n-splits', '3', '--bs', '32',
                                '--out', str(run), '--threads', '1', *args], check=True, capture_output=True)
            specs.append(f'{run}:{csv}')
    return specs

def _disagreements(p, on):
    "Baseline: per label, flip as many least-confident entries as the model disagrees with (under 0.5 and under their answer's mean probability)."
    g = np.where(on, p, 1 - p); flip = np.zeros(p.shape, bool)
    for k in range(p.shape[1]):
        t = [(1 - p[~on[:, k], k]).mean() if (~on[:, k]).any() else 1, p[on[:, k], k].mean() if on[:, k].any() else 1]
        nk = int(((g[:, k] < 0.5) & (g[:, k] < np.where(on[:, k], t[1], t[0]) * (1 - 1e-6))).sum())
        flip[np.argsort(g[:, k], kind='stable')[:nk], k] = True
    return on ^ flip

def multi(*specs):
    "Multi-label runs (RUN:CSV, the CSV's `true` column holding each item's true tags; default the planted sets of ml_runs): the (item, label) entries that relabel changes with label_issues' suggestions (each count), how many of them were wrong, the wrong entries before -> after; beside them the per-label disagreement baseline and cleanlab's flagged items."
    import warnings
    from fastaug.audit import label_issues, relabel, read_oof
    from cleanlab.filter import find_label_issues
    rows = []
    for spec in specs or ml_runs():
        run, _, csv = spec.partition(':'); run = Path(run)
        df = pd.read_csv(csv); delim = json.loads((run/'manifest.json').read_text()).get('label_delim') or ' '
        S = lambda s: frozenset() if pd.isna(s) or s == '' else frozenset(str(s).split(delim))
        true = dict(zip(df.path.astype(str), df.true.map(S)))
        o = read_oof(run); given = o.given > 0.5
        T = np.array([[c in true[str(i)] for c in o.classes] for i in o.items])
        def score(new, old=given):
            ch, wrong = new != old, old != T
            return {'changed': int(ch.sum()), 'wrong': int((ch & wrong).sum()), 'after': int((new != T).sum()), 'worse items': int(((new != T).sum(1) > wrong.sum(1)).sum()),
                    'empty': int((~new.any(1)).sum())}
        row = {'run': run.name, 'mAP': round(json.loads((run/'scores.json').read_text())['oof']['map'], 3), 'wrong entries': int((given != T).sum())}
        for count in ('confident', 'expected_f1', 'mixture'):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter('always'); iss = label_issues(run, count=count)
            fx = relabel(df, iss, label_col='tags'); fixed = dict(zip(fx.path.astype(str), fx.tags.map(S)))
            r = score(np.array([[c in fixed[str(i)] for c in o.classes] for i in o.items]))
            row[count] = f"{r['changed']} ({r['wrong']}) -> {r['after']}" + (f", {r['empty']} empty" if r['empty'] else '')
            if count == 'confident': row['worse items'], row['warns'] = r['worse items'], 'yes' if any('unreliable' in str(x.message) for x in w) else 'no'
        r = score(_disagreements(o.probs, given))
        row['per-label disagreements'] = f"{r['changed']} ({r['wrong']}) -> {r['after']}" + (f", {r['empty']} empty" if r['empty'] else '')
        cl = find_label_issues([np.flatnonzero(g).tolist() for g in given], o.probs, multi_label=True)
        row['cleanlab items (noisy)'] = f"{int(cl.sum())} ({int((cl & (given != T).any(1)).sum())} of {int((given != T).any(1).sum())})"
        rows.append(row)
    print(pd.DataFrame(rows).to_string(index=False))

def _mask(iss, n):
    m = np.zeros(n, bool); m[iss.index.to_numpy()] = True; return m

if __name__ == '__main__':
    argv = sys.argv[1:]
    if argv[:1] == ['--seed']: SEED, argv = int(argv[1]), argv[2:]
    cmd, args = argv[0], argv[1:]
    if cmd == 'oof': oof(args or ('symmetric', 'feature'))
    elif cmd == 'runs': runs(*args)
    elif cmd == 'multi': multi(*args)
    else: {'dups': dups, 'dupstime': dupstime, 'labels': labels, 'photos': photos, 'digits': digits}[cmd](*[int(a) for a in args])
