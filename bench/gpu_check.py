"""The GPU check: one run on one CUDA device, one results file (JSON). Run it through `bash bench/gpu.sh`.

Sections (each timed; an error in one is recorded and the others still run):
  syncs     host syncs per training batch of every mixing callback (fastaug.mix: MixUp, CutMix, CutMixUp, RICAP, SamplePairing),
            SoftLabel and ProgressiveLabelCorrection (fastaug.labels), and ProgressiveResize, inside a real `fit`, minus a plain
            fit's (and per call of the batch transforms ElasticDeform and Cutout), counted with
            `torch.cuda.set_sync_debug_mode('warn')` and confirmed with 'error' from the second batch on (goal: 0); and
            fastaug.tta's syncs per batch ('flip' and 'd4': the growth from a loader of n batches to one of 2n, so that the
            copies of the results to the host at the end do not count).
  overhead  each mixing callback's cost as a share of a resnet50 training step (bs 256, 224 px, mixed precision), timed with
            CUDA events from the first `before_batch` to the last `after_batch` event of each batch (goal: < 2%).
  tta       fastaug `tta(views='flip')` / fastai `Learner.tta(n=2)` and `tta(views='d4')` / `Learner.tta(n=8)`, resnet50 on
            512 validation images with fastai's `aug_transforms` (goal: <= 0.3).
  elastic   `ElasticDeform` vs kornia `RandomElasticTransform` at the same sigma (Gaussian kernel of 2*ceil(3*sigma)+1 taps) and at
            both defaults, 16x3x224x224 (goal: >= 5x).
  notebooks the notebooks' `#| cuda` cells: each notebook holding one is run by the notebook runner (conftest.py) with
            FASTAUG_TST_FLAGS=cuda.
`--cpu` runs every section on the CPU (the sync counts then count tensor-to-host conversions: item, cpu, tolist, numpy, bool,
int, float, index); `--tiny` shrinks every size so that `--cpu --tiny` finishes in about a minute. Nothing is downloaded.
"""
import argparse, json, math, os, platform, subprocess, sys, time, traceback, warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ('syncs', 'overhead', 'tta', 'elastic', 'notebooks')

class _Parser(argparse.ArgumentParser):
    def error(self, message): _die(message)

def _die(msg):
    print(f"gpu_check: {msg}", file=sys.stderr); sys.exit(2)

def parse(argv=None):
    ap = _Parser(description="fastaug's GPU check: one CUDA device, one results file.")
    ap.add_argument('--out', help="results file (JSON); default $OUT/gpu_results.json, else ./gpu_results.json")
    ap.add_argument('--cpu', action='store_true', help='run on the CPU (to check the script where there is no GPU)')
    ap.add_argument('--tiny', action='store_true', help='tiny sizes: every section in seconds')
    ap.add_argument('--only', default=','.join(SECTIONS), help=f"comma-separated sections of {', '.join(SECTIONS)}")
    ap.add_argument('--budget', type=float, default=450., help='seconds the whole run may take (the notebooks get what is left)')
    a = ap.parse_args(argv)
    a.only = [s for s in a.only.split(',') if s]
    bad = [s for s in a.only if s not in SECTIONS]
    if bad: _die(f"unknown section(s) {bad} in --only; choose from {', '.join(SECTIONS)}")
    out = Path(a.out) if a.out else Path(os.environ.get('OUT') or '.')/'gpu_results.json'
    if out.exists() and out.is_dir(): _die(f"--out {out} is a folder; name a file, e.g. {out/'gpu_results.json'}")
    if not out.parent.is_dir(): _die(f"the folder of --out ({out.parent}) does not exist")
    a.out = out
    if a.budget <= 0: _die(f"--budget must be > 0 seconds, got {a.budget}")
    return a

# ---------------------------------------------------------------------------------------------------------------- sizes
def sizes(tiny, cpu):
    "Every size the sections use."
    if tiny: return dict(img=32, n_items=64, bs=16, classes=10, sync_epochs=2, ov_model='small', ov_bs=16, ov_img=32, ov_steps=4,
                         ov_rounds=2, tta_model='small', tta_img=32, tta_n=32, tta_bs=16, tta_rounds=1, el_bs=2, el_img=64,
                         el_sigmas=(2., 32.), el_repeats=2)
    return dict(img=64, n_items=512, bs=64, classes=10, sync_epochs=2, ov_model='resnet50', ov_bs=256, ov_img=224, ov_steps=12,
                ov_rounds=3, tta_model='resnet50', tta_img=224, tta_n=512, tta_bs=128, tta_rounds=3, el_bs=16, el_img=224,
                el_sigmas=(2., 3., 4., 8., 10.5, 16., 32.), el_repeats=10 if cpu else 30)

# ---------------------------------------------------------------------------------------------------------------- helpers
def _imports():
    global torch, nn, F, np
    import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
    import fastai.vision.all  # fastai's patches (no_bar, fit_one_cycle, Learner.tta, ...), as a user's import brings them

def small_cnn(c=10, c_in=3):
    "A small CNN ending in global pooling."
    return nn.Sequential(nn.Conv2d(c_in, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.Conv2d(16, 32, 3, stride=2, padding=1),
                         nn.BatchNorm2d(32), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, c))

def make_model(name, c):
    if name == 'small': return small_cnn(c)
    import torchvision
    return getattr(torchvision.models, name)(weights=None, num_classes=c)  # built from code: nothing downloaded

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

class Window:
    "Host syncs inside training batches: on CUDA `set_sync_debug_mode` ('warn' counts, 'error' raises); on the CPU, counted conversions."
    NAMES = ('item', 'cpu', 'tolist', 'numpy', '__bool__', '__int__', '__float__', '__index__')
    def __init__(self, dev, mode='count', skip_first=0):
        self.dev, self.mode, self.skip_first, self.counts, self.seen, self.on = dev, mode, skip_first, [], 0, False
    def open(self):
        self.seen += 1
        if self.seen <= self.skip_first: return
        self.n, self.on = 0, True
        if self.dev.type == 'cuda':
            self._cm = warnings.catch_warnings(record=True); self._rec = self._cm.__enter__(); warnings.simplefilter('always')
            torch.cuda.set_sync_debug_mode('error' if self.mode == 'error' else 'warn')
        else:
            self._saved = {n: getattr(torch.Tensor, n) for n in self.NAMES}
            for n in self.NAMES: setattr(torch.Tensor, n, self._guard(n, self._saved[n]))
    def _guard(self, name, f):
        def g(*args, **kwargs):
            if self.mode == 'error': raise RuntimeError(f"host synchronisation: Tensor.{name} called inside a training batch")
            self.n += 1
            return f(*args, **kwargs)
        return g
    def close(self):
        if not self.on: return
        self.on = False
        if self.dev.type == 'cuda':
            torch.cuda.set_sync_debug_mode(0)
            self.n = sum('synchroniz' in str(w.message) for w in self._rec); self._cm.__exit__(None, None, None)
        else:
            for n, f in self._saved.items(): setattr(torch.Tensor, n, f)
        self.counts.append(self.n)

def window_cbs(w):
    "Two callbacks: the first to run at `before_batch` opens the window, the last to run at `after_batch` closes it."
    from fastai.callback.core import Callback
    class _Open(Callback):
        order, run_valid = -1000, False
        def before_batch(self): w.open()
    class _Close(Callback):
        order, run_valid = 1000, False
        def after_batch(self): w.close()
        def after_cancel_batch(self): w.close()
        def after_fit(self): w.close()
    return [_Open(), _Close()]

def image_items(n, size, c, seed=0, dtype='float'):
    "`n` random (TensorImage [3, size, size], TensorCategory) items."
    from fastai.torch_core import TensorImage, TensorCategory
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 3, size, size, generator=g)
    if dtype == 'uint8': x = (x * 255).to(torch.uint8)
    y = torch.randint(0, c, (n,), generator=g)
    return [(TensorImage(x[i]), TensorCategory(y[i])) for i in range(n)]

def item_dls(s, dev):
    "fastai DataLoaders over in-memory items, batches on `dev`."
    from fastai.data.core import DataLoaders, TfmdDL
    items = image_items(s['n_items'], s['img'], s['classes'])
    return DataLoaders(TfmdDL(items, bs=s['bs'], shuffle=True, drop_last=True, num_workers=0),
                       TfmdDL(items[:s['bs']], bs=s['bs'], num_workers=0), device=dev)

# ---------------------------------------------------------------------------------------------------------------- syncs
def mixers(c):
    "The mixing callbacks, by name (public API)."
    from fastaug.mix import MixUp, CutMix, CutMixUp, RICAP, SamplePairing
    return {'MixUp': lambda: MixUp(seed=0, n_classes=c), 'CutMix': lambda: CutMix(seed=0, n_classes=c),
            'CutMixUp': lambda: CutMixUp(seed=0, n_classes=c), 'RICAP': lambda: RICAP(seed=0, n_classes=c),
            'SamplePairing': lambda: SamplePairing(schedule=None, n_classes=c, seed=0)}

def label_cbs(n, c):
    from fastaug.labels import SoftLabel, ProgressiveLabelCorrection
    p = np.random.default_rng(0).dirichlet(np.ones(c), size=n).astype(np.float32)
    return {'SoftLabel': lambda: SoftLabel(p), 'ProgressiveLabelCorrection': lambda: ProgressiveLabelCorrection(warmup=1, window=1)}

def fit_syncs(s, dev, cb, mode):
    "Per-batch sync counts of a fit with callback `cb` (None: plain), or the error raised in 'error' mode."
    from fastai.learner import Learner
    from fastai.losses import CrossEntropyLossFlat
    torch.manual_seed(0)
    w = Window(dev, mode, skip_first=1 if mode == 'error' else 0)
    from fastai.callback.core import TrainEvalCallback
    from fastai.learner import CastToTensor
    # without fastai's Recorder, whose smoothed loss goes to the host every batch: the window then holds nothing but the
    # batch itself (forward, loss, backward, step) and the callback under test, so 'error' mode can cover all of it
    learn = Learner(item_dls(s, dev), small_cnn(s['classes']).to(dev), loss_func=CrossEntropyLossFlat(), default_cbs=False,
                    cbs=[TrainEvalCallback(), CastToTensor(), *([cb] if cb else []), *window_cbs(w)])
    try:
        learn.fit(s['sync_epochs'], 1e-3)
    except Exception as e:
        if mode != 'error': raise
        return None, f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"
    finally: w.close()
    return w.counts, None

def transform_syncs(s, dev):
    "Syncs per call of fastaug's batch transforms on a device batch (after a first call, which fills per-shape caches)."
    from fastai.torch_core import TensorImage
    from fastaug.transforms import ElasticDeform, Cutout
    res = {}
    for name, tfm in (('ElasticDeform', ElasticDeform(p=0.5, seed=0)), ('Cutout', Cutout(p=0.5, seed=0))):
        xs = [TensorImage(torch.rand(s['bs'], 3, s['img'], s['img'], device=dev)) for _ in range(4)]
        tfm(xs[0], split_idx=0)
        w, err = Window(dev, 'count'), None
        for x in xs[1:]:
            w.open()
            try: tfm(x, split_idx=0)
            finally: w.close()
        e = Window(dev, 'error'); e.open()
        try: tfm(TensorImage(torch.rand(s['bs'], 3, s['img'], s['img'], device=dev)), split_idx=0)
        except Exception as ex: err = f"{type(ex).__name__}: {str(ex).splitlines()[0][:300]}"
        finally: e.close()
        res[name] = dict(per_batch=float(np.mean(w.counts)), max_per_batch=max(w.counts), batches=len(w.counts), error_mode='pass' if err is None else err)
    return res

def section_syncs(a, s, dev):
    c, res = s['classes'], {}
    base, _ = fit_syncs(s, dev, None, 'count')
    b = float(np.mean(base[1:]))
    res['plain fit (fastai alone)'] = dict(per_batch=b, first_batch=base[0], batches=len(base))
    from fastaug.transforms import ProgressiveResize
    cbs = {**mixers(c), **label_cbs(s['n_items'], c), 'ProgressiveResize': lambda: ProgressiveResize(start=0.5, multiple=4)}
    for name, make in cbs.items():
        counts, _ = fit_syncs(s, dev, make(), 'count')
        _, err = fit_syncs(s, dev, make(), 'error')
        res[name] = dict(per_batch=float(np.mean(counts[1:])) - b, first_batch=counts[0] - base[0], max_per_batch=max(counts[1:]) - max(base[1:]),
                         batches=len(counts), error_mode='pass' if err is None else err)
    res.update(transform_syncs(s, dev))
    from fastai.learner import Learner
    from fastai.losses import CrossEntropyLossFlat
    from fastaug.tta import tta
    learn = Learner(item_dls(s, dev), small_cnn(c).to(dev), loss_func=CrossEntropyLossFlat())
    full = learn.dls.train.new(shuffle=False, drop_last=False)
    half = full.new(full.dataset[:len(full.dataset) // 2])
    def count(dl, views):
        w = Window(dev, 'count'); w.open()
        try: tta(learn, dl, views=views)
        finally: w.close()
        return w.counts[0]
    for views in ('flip', 'd4'):
        count(half, views)  # warm-up
        c1, c2 = count(half, views), count(full, views)
        # syncs that grow with the number of batches; the copies of the results to the host at the end do not
        res[f"tta(views='{views}')"] = dict(per_batch=(c2 - c1) / (len(full) - len(half)), total=c2, batches=len(full))
    per_batch_ok = all(v.get('per_batch', 0) <= 0 and v.get('error_mode', 'pass') == 'pass' for k, v in res.items()
                       if not k.startswith(('tta', 'plain')))
    tta_ok = all(v['per_batch'] <= 0 for k, v in res.items() if k.startswith('tta'))
    return dict(results=res, goal='0 host syncs per batch (tta: per extra batch, from two loaders of n and 2n batches)',
                met=per_batch_ok and tta_ok)

# ---------------------------------------------------------------------------------------------------------------- overhead
class RepeatDL:
    "The same device batch `n` times (a fresh copy each time): no data loading inside the timings."
    n_inp = 1
    def __init__(self, x, y, n): self.x, self.y, self.n, self.bs, self.device = x, y, n, len(x), x.device
    def __len__(self): return self.n
    def __iter__(self):
        from fastai.torch_core import TensorImage, TensorCategory
        for _ in range(self.n): yield TensorImage(self.x.clone()), TensorCategory(self.y)
    def to(self, device): return self

class StepTimer:
    "Times each training batch from the first `before_batch` to the last `after_batch` (CUDA events; perf_counter on the CPU)."
    def __init__(self, dev): self.dev, self.pairs, self.t0 = dev, [], None
    def cbs(self): return window_cbs(self)
    def open(self):
        if self.dev.type == 'cuda': self.t0 = torch.cuda.Event(enable_timing=True); self.t0.record()
        else: self.t0 = time.perf_counter()
    def close(self):
        if self.t0 is None: return
        if self.dev.type == 'cuda': e = torch.cuda.Event(enable_timing=True); e.record(); self.pairs.append((self.t0, e))
        else: self.pairs.append(time.perf_counter() - self.t0)
        self.t0 = None
    def ms(self):
        if self.dev.type == 'cuda': sync(self.dev); return [a.elapsed_time(b) for a, b in self.pairs]
        return [v * 1e3 for v in self.pairs]

def section_overhead(a, s, dev):
    from fastai.learner import Learner
    from fastai.data.core import DataLoaders
    from fastai.losses import CrossEntropyLossFlat
    c, bs, img, steps = 1000 if s['ov_model'] != 'small' else s['classes'], s['ov_bs'], s['ov_img'], s['ov_steps']
    if dev.type == 'cuda': torch.backends.cudnn.benchmark = True
    g = torch.Generator(device=dev).manual_seed(0)
    x, y = torch.rand(bs, 3, img, img, device=dev, generator=g), torch.randint(0, c, (bs,), device=dev, generator=g)
    model = make_model(s['ov_model'], c).to(dev)
    if dev.type == 'cuda':
        from fastai.callback.fp16 import MixedPrecision, AMPMode
        amp_mode = AMPMode.BF16 if torch.cuda.is_bf16_supported() else AMPMode.FP16
    configs = {'plain': None, **mixers(c)}
    times = {k: [] for k in configs}
    for r in range(s['ov_rounds']):
        for name, make in configs.items():
            t = StepTimer(dev)
            cbs = ([make()] if make else []) + t.cbs() + ([MixedPrecision(amp_mode=amp_mode)] if dev.type == 'cuda' else [])
            learn = Learner(DataLoaders(RepeatDL(x, y, steps), RepeatDL(x[:8], y[:8], 1), device=dev), model, loss_func=CrossEntropyLossFlat(), cbs=cbs)
            with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-4)
            times[name] += t.ms()[2:]  # the first two batches warm up (cuDNN autotuning, allocations)
    med = {k: float(np.median(v)) for k, v in times.items()}
    res = {k: dict(ms_per_step=v, share=(v - med['plain']) / med['plain']) for k, v in med.items()}
    precision = 'bf16' if dev.type == 'cuda' and amp_mode == AMPMode.BF16 else 'fp16' if dev.type == 'cuda' else 'fp32 (CPU)'
    return dict(model=s['ov_model'], bs=bs, image=img, precision=precision, steps_timed=len(times['plain']), results=res,
                goal='each mixing callback < 2% of a training step', met=all(v['share'] < 0.02 for k, v in res.items() if k != 'plain'))

# ---------------------------------------------------------------------------------------------------------------- tta
def section_tta(a, s, dev):
    from fastai.data.core import Datasets
    from fastai.data.transforms import Categorize, IntToFloatTensor, Normalize
    from fastai.vision.augment import aug_transforms
    from fastai.vision.core import imagenet_stats
    from fastai.learner import Learner
    from fastai.losses import CrossEntropyLossFlat
    from fastaug.tta import tta
    n, img, c = s['tta_n'], s['tta_img'], s['classes']
    items = image_items(2 * n, img, c, dtype='uint8')
    dsets = Datasets(range(2 * n), tfms=[[lambda i: items[i][0]], [lambda i: int(items[i][1]), Categorize()]], splits=[list(range(n)), list(range(n, 2 * n))])
    dls = dsets.dataloaders(bs=s['tta_bs'], num_workers=0, device=dev,
                            after_batch=[IntToFloatTensor(), *aug_transforms(), Normalize.from_stats(*imagenet_stats)])
    learn = Learner(dls, make_model(s['tta_model'], c).to(dev), loss_func=CrossEntropyLossFlat())
    runs = {"fastaug tta(views='flip')": lambda: tta(learn, dls.valid, views='flip'),
            'fastai Learner.tta(n=2)': lambda: learn.tta(dl=dls.valid, n=2),
            "fastaug tta(views='d4')": lambda: tta(learn, dls.valid, views='d4'),
            'fastai Learner.tta(n=8)': lambda: learn.tta(dl=dls.valid, n=8)}
    times = {k: [] for k in runs}
    with learn.no_bar(), learn.no_logging():
        for f in runs.values(): f()  # warm-up
        for r in range(s['tta_rounds']):
            for k, f in runs.items():
                sync(dev); t0 = time.perf_counter(); f(); sync(dev); times[k].append(time.perf_counter() - t0)
    med = {k: float(np.median(v)) for k, v in times.items()}
    ratios = {"flip / fastai n=2": med["fastaug tta(views='flip')"] / med['fastai Learner.tta(n=2)'],
              "d4 / fastai n=8": med["fastaug tta(views='d4')"] / med['fastai Learner.tta(n=8)']}
    return dict(model=s['tta_model'], images=n, image=img, seconds=med, ratios=ratios, goal='<= 0.3', met=all(v <= 0.3 for v in ratios.values()))

# ---------------------------------------------------------------------------------------------------------------- elastic
def section_elastic(a, s, dev):
    from fastai.torch_core import TensorImage
    from fastaug.transforms import ElasticDeform
    try: import kornia.augmentation as K
    except ImportError: return dict(skipped='kornia is not installed (pip install kornia)', met=None)
    x = TensorImage(torch.rand(s['el_bs'], 3, s['el_img'], s['el_img'], device=dev)); xk = x.as_subclass(torch.Tensor)
    def timed(f):
        f(); sync(dev); ts = []
        for _ in range(s['el_repeats']): sync(dev); t0 = time.perf_counter(); f(); sync(dev); ts.append(time.perf_counter() - t0)
        return float(np.median(ts))
    res = {}
    for sg in list(s['el_sigmas']) + ['defaults']:
        if sg == 'defaults': ed, kt = ElasticDeform(seed=0), K.RandomElasticTransform()
        else:
            k = 2 * math.ceil(3 * sg) + 1
            ed, kt = ElasticDeform(sigma=sg, p=1., seed=0), K.RandomElasticTransform(kernel_size=(k, k), sigma=(sg, sg), p=1.)
        t_ours, t_k = [], []
        for _ in range(2):  # interleaved
            t_ours.append(timed(lambda: ed(x, split_idx=0))); t_k.append(timed(lambda: kt(xk)))
        res[str(sg)] = dict(ms_ours=1e3 * min(t_ours), ms_kornia=1e3 * min(t_k), kornia_over_ours=min(t_k) / min(t_ours))
    return dict(batch=[s['el_bs'], 3, s['el_img'], s['el_img']], results=res, goal='>= 5x', met=all(v['kornia_over_ours'] >= 5 for v in res.values()))

# ---------------------------------------------------------------------------------------------------------------- notebooks
def cuda_notebooks():
    "Notebooks holding a `#| cuda` cell, with their number."
    out = {}
    for p in sorted((ROOT/'nbs').glob('*.ipynb')):
        cells = json.loads(p.read_text()).get('cells', [])
        k = sum(1 for c in cells if c['cell_type'] == 'code' and ''.join(c['source']).lstrip().startswith('#| cuda'))
        if k: out[str(p.relative_to(ROOT))] = k
    return out

def section_notebooks(a, s, dev, seconds):
    nbs = cuda_notebooks()
    if a.cpu: return dict(notebooks=nbs, skipped='--cpu: the #| cuda cells need a CUDA device', met=None)
    if not nbs: return dict(notebooks={}, note='no notebook has a #| cuda cell', met=True)
    env = {**os.environ, 'FASTAUG_TST_FLAGS': 'cuda'}
    cmd = [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', *nbs]
    try: import xdist; cmd[4:4] = ['-n', str(min(4, len(nbs)))] if len(nbs) > 1 else []
    except ImportError: pass
    try: p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=max(30, seconds))
    except subprocess.TimeoutExpired: return dict(notebooks=nbs, error=f'timed out after {seconds:.0f} s', met=False)
    return dict(notebooks=nbs, returncode=p.returncode, summary=(p.stdout.strip().splitlines() or [''])[-1],
                tail=(p.stdout + p.stderr)[-3000:] if p.returncode else '', met=p.returncode == 0)

# ---------------------------------------------------------------------------------------------------------------- main
def write(out, res):
    "Write `res` to `out` atomically (no half-written file)."
    tmp = out.with_name(out.name + '.tmp')
    tmp.write_text(json.dumps(res, indent=1, default=str)); os.replace(tmp, out)

def main(argv=None):
    a = parse(argv)
    t_start = time.time()
    import torch as _t
    if not a.cpu and not _t.cuda.is_available(): _die("no CUDA device here; run with --cpu (and --tiny) to check the script on the CPU")
    warnings.simplefilter('ignore')
    _imports()
    import fastai
    dev = torch.device('cpu') if a.cpu else torch.device('cuda')
    s = sizes(a.tiny, a.cpu)
    res = dict(env=dict(python=platform.python_version(), torch=torch.__version__, fastai=fastai.__version__, cuda=torch.version.cuda,
                        device=torch.cuda.get_device_name(dev) if dev.type == 'cuda' else platform.processor() or 'cpu',
                        torch_threads=torch.get_num_threads(), cpu=a.cpu, tiny=a.tiny, started=time.strftime('%Y-%m-%d %H:%M:%S')),
               sizes=s)
    funcs = dict(syncs=section_syncs, overhead=section_overhead, tta=section_tta, elastic=section_elastic)
    for name in SECTIONS:
        if name not in a.only: continue
        t0 = time.time()
        try:
            if name == 'notebooks': r = section_notebooks(a, s, dev, a.budget - (time.time() - t_start))
            else: r = funcs[name](a, s, dev)
        except Exception as e:
            r = dict(error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc()[-2000:], met=False)
        r['seconds'] = round(time.time() - t0, 1)
        if a.tiny and name in ('overhead', 'tta', 'elastic') and 'error' not in r:  # the speed goals are stated for the full sizes
            r['met'], r['note'] = None, 'tiny sizes: the goal applies to the full run'
        res[name] = r
        print(f"{name}: {'error: ' + r['error'] if 'error' in r else 'goal met' if r.get('met') else 'no goal checked' if r.get('met') is None else 'goal NOT met'} "
              f"({r['seconds']} s)", flush=True)
        write(a.out, res)
    res['summary'] = {k: res[k].get('met') for k in SECTIONS if k in res}
    res['errors'] = [k for k in SECTIONS if k in res and 'error' in res[k]]
    res['seconds'] = round(time.time() - t_start, 1)
    write(a.out, res)
    print(f"results: {a.out} ({res['seconds']} s)")
    return 1 if res['errors'] else 0

if __name__ == '__main__': sys.exit(main())
