"Package-level checks: version, public names, console script."
from configparser import ConfigParser
from pathlib import Path
import shutil, subprocess, sys
import fastaug

def test_version_matches_settings():
    cfg = ConfigParser(delimiters=['=']); cfg.read(Path(__file__).parents[1]/'settings.ini')
    assert fastaug.__version__ == cfg['DEFAULT']['version']

def test_star_import_gives_every_public_name():
    "`from fastaug.all import *` binds every name in every module's `__all__`, to the module's own object."
    import importlib, pkgutil
    ns = {}
    exec('from fastaug.all import *', ns)
    mods = [m.name for m in pkgutil.iter_modules(fastaug.__path__) if not m.name.startswith('_') and m.name not in ('all', 'cli', 'test_utils')]
    assert {'core', 'folds', 'mix', 'kfold'} <= set(mods)
    for mod in mods:
        m = importlib.import_module(f'fastaug.{mod}')
        missing = [n for n in m.__all__ if n not in ns]
        assert not missing, f'`from fastaug.all import *` lacks {missing} from fastaug.{mod}'
        assert all(ns[n] is getattr(m, n) for n in m.__all__ if not n.isupper()), mod
