"Package-level checks: version, public names, console script."
from configparser import ConfigParser
from pathlib import Path
import shutil, subprocess, sys
import fastaug

def test_version_matches_settings():
    cfg = ConfigParser(delimiters=['=']); cfg.read(Path(__file__).parents[1]/'settings.ini')
    assert fastaug.__version__ == cfg['DEFAULT']['version']

def test_all_reexports_public_names():
    import fastaug.all as A
    import importlib
    for mod in ('data', 'folds', 'sampling', 'mix', 'tta', 'kfold', 'labels', 'transforms'):
        m = importlib.import_module(f'fastaug.{mod}')
        missing = [n for n in m.__all__ if not hasattr(A, n)]
        assert not missing, f'fastaug.all lacks {missing} from fastaug.{mod}'
