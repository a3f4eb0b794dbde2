"""The bad-input sweep's cases for `fastaug.data` (`../shared/findings/bad-input-sweep.md`): the `kfold.image_dls` and
`kfold.small_cnn` rows (both now live in `fastaug.data`), and "16-bit PNGs train as 0/255".

Each row: (case id, thunk, expected exception type, regex the message must match) or (case id, thunk, None, check) where
`check(result)` asserts the now-correct result. Messages must name the offending value and say what to do.
"""
import atexit, shutil, tempfile, warnings
from pathlib import Path
import numpy as np, pandas as pd, pytest, torch
from fastaug.test_utils import check_case
from PIL import Image
from fastai.vision.core import PILImage
from fastaug.data import (image_dls, small_cnn, default_learner, default_fit, load_weights, open_image, PILImageScaled,
                          check_image_files, fashion_mnist_arrays, resolve_arch)
from fastaug.test_utils import digits_folds, write_png16

nan = np.nan
W = Path(tempfile.mkdtemp()); atexit.register(shutil.rmtree, W, True)
dff = digits_folds(4, 2)                                   # 40 digit PNGs with a fold column
ramp = np.linspace(0, 65535, 64).reshape(8, 8).astype(np.uint16)

def png16(): return write_png16(W/'ramp16.png', ramp)

def tiff(name, arr, mode=None):
    fn = W/name; Image.fromarray(arr, mode).save(fn); return fn

def scaled_ok(im):
    a = np.asarray(im)[..., 0]
    np.testing.assert_array_equal(a.ravel(), np.round(ramp.ravel() / 257).astype(np.uint8))
    assert len(np.unique(a)) == 64                         # fastai's PILImage gives [0, 255] only

def fastai_clips():
    "The defect itself, in fastai: a 16-bit ramp opens as black and white (why PILImageScaled exists)."
    return np.unique(np.asarray(PILImage.create(png16()))[..., 0]).tolist()

def dls16():
    d = pd.DataFrame({'path': [str(write_png16(W/f'r{i}.png', ramp)) for i in range(4)], 'label': ['a', 'b'] * 2, 'fold': [0, 0, 1, 1]})
    return image_dls(d, 1, size=8, bs=2).one_batch()[0]

def dls16_ok(x):
    want = torch.tensor(np.round(ramp.ravel() / 257) / 255, dtype=torch.float32)
    torch.testing.assert_close(x[0, 0].flatten(), want, atol=1e-4, rtol=0)

def bad_weights():
    torch.save(small_cnn(3).state_dict(), W/'small.pth')
    return load_weights(small_cnn(3, width=8), W/'small.pth')

CASES = [
    # --- SILENT-WRONG: 16-bit images
    ('fastai PILImage clips a 16-bit PNG (reference)', fastai_clips, None, lambda v: v == [0, 255] or pytest.fail(str(v))),
    ('16-bit PNG opens scaled (open_image)', lambda: open_image(png16()), None, scaled_ok),
    ('16-bit PNG opens scaled (PILImageScaled)', lambda: PILImageScaled.create(png16()), None, scaled_ok),
    ('16-bit PNG in image_dls trains scaled', dls16, None, dls16_ok),
    ('float TIFF (mode F) refused', lambda: open_image(tiff('f.tiff', np.ones((4, 4), np.float32), 'F')), ValueError,
     r'f\.tiff: floating-point image \(mode F\) has no agreed range; convert it to 8 or 16 bits'),
    ('32-bit integer image beyond 16 bits refused', lambda: open_image(tiff('i.tiff', np.full((4, 4), 70000, np.int32))), ValueError,
     r'i\.tiff: 32-bit integer image with values 70000\.\.70000; convert it to 8 or 16 bits'),
    ('8-bit PNG unchanged', lambda: np.asarray(open_image(dff.path[0])), None,
     lambda a: np.testing.assert_array_equal(a, np.asarray(PILImage.create(dff.path[0])))),
    # --- SILENT-WRONG in the sweep (kfold.small_cnn)
    ('kfold.small_cnn n_out=0', lambda: small_cnn(0), ValueError, r'n_out must be an int >= 1, got 0'),
    ('kfold.small_cnn n_in=0', lambda: small_cnn(10, n_in=0), ValueError, r'n_in must be an int >= 1, got 0'),
    # --- UNCLEAR in the sweep (kfold.image_dls, kfold.small_cnn)
    ('kfold.image_dls missing path column', lambda: image_dls(dff.drop(columns='path'), 0, size=8), ValueError, r"column\(s\) \['path'\] not in the DataFrame"),
    ('kfold.image_dls label NaN (build + iterate)', lambda: image_dls(dff.assign(label=[nan] + list(dff.label[1:])), 0, size=8), ValueError,
     r'missing \(NaN/None\) label at row position\(s\) \[0\]'),
    ('kfold.image_dls size=0', lambda: image_dls(dff, 0, size=0).one_batch(), ValueError, r'size must be an int >= 1, got 0'),
    ('kfold.image_dls path to a missing file', lambda: image_dls(dff.assign(path=['/nope/x.png'] + list(dff.path[1:])), 1, size=8).one_batch(),
     FileNotFoundError, r"1 image file\(s\) not found, e\.g\. \['/nope/x\.png'\]; fix the paths or drop those rows"),
    ('image_dls fold not in the fold column', lambda: image_dls(dff, 5, size=8), ValueError, r"fold 5 is not in column 'fold'"),
    ('image_dls bs=0', lambda: image_dls(dff, 0, size=8, bs=0), ValueError, r'bs must be an int >= 1, got 0'),
    ('kfold.small_cnn n_out=-1', lambda: small_cnn(-1), ValueError, r'n_out must be an int >= 1, got -1'),
    ("kfold.small_cnn n_out='10'", lambda: small_cnn('10'), ValueError, r"n_out must be an int >= 1, got '10'"),
    # --- models and files
    ("default_learner arch='bogus'", lambda: default_learner(image_dls(dff, 0, size=8, bs=8), arch='bogus'), ValueError,
     r"unknown arch 'bogus': use 'small', a fastai/torchvision model .* or a timm name"),
    ('resolve_arch arch=None', lambda: resolve_arch(None), ValueError, r"arch must be a model name such as 'resnet18'"),
    ('load_weights that do not fit', bad_weights, ValueError, r'small\.pth does not fit this architecture: only \d+ of \d+ tensors match'),
    ('default_fit epochs=0', lambda: default_fit(None, epochs=0), ValueError, r'epochs must be an int >= 1, got 0'),
    ('default_fit lr=-1', lambda: default_fit(None, lr=-1), ValueError, r'lr must be a finite number in \(0, inf\), got -1'),
    ('check_image_files read=True on a broken file', lambda: (W/'b.png').write_bytes(b'x') and check_image_files([W/'b.png'], read=True), ValueError,
     r'1 file\(s\) are not images PIL can read, e\.g\. \[.*b\.png'),
    ("fashion_mnist_arrays split='valid'", lambda: fashion_mnist_arrays('valid'), ValueError, r"split must be one of \['train', 'test'\], got 'valid'"),
]

@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_sweep_data(case): check_case(*case)
