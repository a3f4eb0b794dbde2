"""`from fastaug.all import *` after `from fastai.vision.all import *` (the documented order) replaces no fastai name except the two it
means to: `MixUp` and `CutMix`. A fastaug helper named like a fastai one with another meaning (fastaug's former `one_hot`, class indices
to probability rows, against fastai's one item's labels to a multi-hot vector) would silently change what fastai code does.
"""
import warnings

REPLACED = {'MixUp', 'CutMix'}   # fastaug's drop-in mixing callbacks, announced in the README and in 03_mix

def _star(module):
    ns = {}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        exec(f'from {module} import *', ns)
    ns.pop('__builtins__', None)
    return ns

def test_no_fastai_name_shadowed():
    fa, ours = _star('fastai.vision.all'), _star('fastaug.all')
    clash = sorted(n for n in ours if n in fa and ours[n] is not fa[n])
    assert set(clash) <= REPLACED, f'fastaug.all replaces fastai names: {sorted(set(clash) - REPLACED)}'
    assert REPLACED <= set(clash), 'fastaug.all no longer provides its MixUp/CutMix'

def test_one_hot_is_fastais():
    ns = _star('fastai.vision.all'); ns.update(_star('fastaug.all'))
    assert ns['one_hot']([1, 3], 5).tolist() == [0, 1, 0, 1, 0]   # fastai's: one item's labels -> a multi-hot vector
    assert ns['soft_one_hot'](ns['tensor']([1, 3]), 5).shape == (2, 5)
