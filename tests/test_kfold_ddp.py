"`kfold_fit` under DistributedDataParallel: two CPU processes over gloo, as `accelerate launch` would start them."
import json, os, socket, warnings
import numpy as np
import pytest

def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _worker(rank, world, port, out):
    os.environ.update(WORLD_SIZE=str(world), RANK=str(rank), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(world),
                      MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port), ACCELERATE_USE_CPU='true', OMP_NUM_THREADS='1')
    warnings.simplefilter('ignore')
    import torch
    torch.set_num_threads(1)
    from fastaug.data import digits_df
    from fastaug.kfold import kfold_fit
    df = digits_df().groupby('label').head(12).reset_index(drop=True)
    df = df.assign(label=df.label.astype(int))          # labels of their own type, as read from a CSV
    res = kfold_fit(df, 2, fit_fn=lambda learn: learn.fit(1, 3e-3), out_dir=out/'run', seed=0,
                    dls_kwargs={'size': 8, 'bs': 16}, progress=False)
    np.save(out/f'oof{rank}.npy', res.oof_probs)
    np.save(out/f'fold{rank}.npy', res.folds)
    np.save(out/f'temps{rank}.npy', res.temperatures)
    import torch.distributed as dist
    assert dist.is_initialized() and dist.get_world_size() == world   # it really ran distributed

def test_kfold_ddp_two_processes(tmp_path):
    pytest.importorskip('accelerate')
    import torch.multiprocessing as mp
    from fastaug.kfold import KFoldResult, fold_state
    mp.spawn(_worker, args=(2, _free_port(), tmp_path), nprocs=2, join=True)
    a, b = np.load(tmp_path/'oof0.npy'), np.load(tmp_path/'oof1.npy')
    assert a.shape == (120, 10)
    np.testing.assert_array_equal(a, b)                      # every rank holds the same OOF predictions
    np.testing.assert_allclose(a.sum(1), 1, atol=1e-4)      # and every item has one
    np.testing.assert_array_equal(np.load(tmp_path/'fold0.npy'), np.load(tmp_path/'fold1.npy'))
    np.testing.assert_array_equal(np.load(tmp_path/'temps0.npy'), np.load(tmp_path/'temps1.npy'))   # one calibration
    run = tmp_path/'run'
    assert (run/'oof.csv').exists() and (run/'models'/'fold1.pkl').exists()
    assert not (run/'.lock').exists()                        # rank 0's lock is released
    assert [fold_state(run, k) for k in range(2)] == ['done', 'done']   # files match the checksums rank 0 recorded
    res = KFoldResult.load(run)                              # the folder is a complete run, calibration included
    np.testing.assert_array_equal(res.oof_probs, a)
    assert json.loads((run/'calibration.json').read_text())['temperatures'] == res.temperatures.tolist()
