"PLC state is identical on every rank under DDP (2 CPU processes, gloo)."
import os, socket, tempfile
from pathlib import Path
import torch, torch.distributed as dist, torch.multiprocessing as mp

def _free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _blobs(n=240, seed=0):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 3
    x = torch.tensor([[0., 4.], [4., -3.], [-4., -3.]])[y] + torch.randn(n, 2, generator=g)
    flip = torch.rand(n, generator=g) < 0.15
    return x, torch.where(flip, (y + 1) % 3, y)

def _worker(rank, world, port, out):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world)
    try:
        from fastai.basics import (TfmdDL, DataLoaders, Learner, Callback, CrossEntropyLossFlat, SGD, partial)
        import torch.nn as nn
        from fastaug.labels import ProgressiveLabelCorrection
        torch.manual_seed(0)
        x, y = _blobs(); n = len(x)
        ep = [0]
        def shard():   # a DistributedSampler-style shard: one permutation for all ranks, global dataset indices
            ep[0] += 1
            return torch.randperm(n, generator=torch.Generator().manual_seed(ep[0])).tolist()[rank::world]
        ds = list(zip(x, y))
        trn = TfmdDL(ds, bs=16, drop_last=True, get_idxs=shard, num_workers=0)
        dls = DataLoaders(trn, TfmdDL(ds[:32], bs=32, num_workers=0), device='cpu')
        class Seen(Callback):
            order = 16; run_valid = False
            def before_fit(self): self.idx = []
            def before_batch(self): self.idx.append(self.learn.item_idx)
        seen = Seen()
        model = nn.parallel.DistributedDataParallel(nn.Linear(2, 3))
        plc = ProgressiveLabelCorrection(warmup=2, window=2)
        learn = Learner(dls, model, loss_func=CrossEntropyLossFlat(), cbs=[plc, seen], opt_func=partial(SGD, mom=0.9))
        learn.fit(6, 0.05)
        torch.save(dict(state=plc.state_dict(), seen=torch.cat(seen.idx)), Path(out)/f'rank{rank}.pth')
    finally: dist.destroy_process_group()

def test_plc_state_equal_across_ranks():
    with tempfile.TemporaryDirectory() as out:
        mp.spawn(_worker, args=(2, _free_port(), out), nprocs=2, join=True)
        r0, r1 = (torch.load(Path(out)/f'rank{r}.pth', weights_only=False) for r in (0, 1))
    s0, s1 = r0['state'], r1['state']
    # each rank trained on its own shard of the items...
    e0, e1 = set(r0['seen'][:112].tolist()), set(r1['seen'][:112].tolist())   # epoch 1: 7 batches of 16 per rank
    assert len(e0) == len(e1) == 112 and not e0 & e1
    # ...yet both hold the same state, covering every item either rank saw
    for k in ('rec', 'cur', 'orig', 'changed_at'): assert torch.equal(s0[k], s1[k]), k
    assert s0['delta'] == s1['delta'] and s0['history'] == s1['history'] and s0['n_epochs'] == 6
    both = set(r0['seen'].tolist()) | set(r1['seen'].tolist())
    assert (s0['orig'][sorted(both)] >= 0).all()
    x, y = _blobs()
    assert torch.equal(s0['orig'][sorted(both)], y[sorted(both)])

def _fastai_worker(rank, world, port, out):
    "The same, but sharded by fastai's own `DistributedDL` inside `Learner.distrib_ctx` (accelerate, CPU)."
    os.environ.update(WORLD_SIZE=str(world), RANK=str(rank), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(world),
                      MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port), ACCELERATE_USE_CPU='true', OMP_NUM_THREADS='1')
    import warnings; warnings.simplefilter('ignore')
    torch.set_num_threads(1)
    from fastai.basics import TfmdDL, DataLoaders, Learner, Callback, CrossEntropyLossFlat, SGD, partial
    import fastai.distributed   # noqa: F401 (patches `Learner.distrib_ctx`)
    import torch.nn as nn
    from fastaug.kfold import cpu_broadcast
    from fastaug.labels import ProgressiveLabelCorrection
    torch.manual_seed(0)
    x, y = _blobs(250); n = len(x)                     # 250 rows: DistributedDL pads the last shard
    x = torch.cat([x, torch.arange(n, dtype=torch.float)[:, None]], 1)   # column 2 = the row's own index
    ds = list(zip(x, y))
    dls = DataLoaders(TfmdDL(ds, bs=16, shuffle=True, num_workers=0), TfmdDL(ds[:32], bs=32, num_workers=0), device='cpu')
    class Seen(Callback):
        order = 16; run_valid = False
        def before_fit(self): self.idx, self.ok = [], []
        def before_batch(self):
            self.idx.append(self.learn.item_idx)
            self.ok.append(torch.equal(self.learn.xb[0][:, 2].long(), self.learn.item_idx))   # test-only host check
    class Lin(nn.Module):
        def __init__(self): super().__init__(); self.lin = nn.Linear(2, 3)
        def forward(self, x): return self.lin(x[:, :2])
    seen, plc = Seen(), ProgressiveLabelCorrection(warmup=2, window=2)
    learn = Learner(dls, Lin(), loss_func=CrossEntropyLossFlat(), cbs=[plc, seen], opt_func=partial(SGD, mom=0.9))
    with cpu_broadcast(), learn.distrib_ctx(sync_bn=False): learn.fit(5, 0.05)
    assert dist.is_initialized() and dist.get_world_size() == world   # it really ran distributed
    torch.save(dict(state=plc.state_dict(), idx=seen.idx, ok=seen.ok), Path(out)/f'rank{rank}.pth')

def test_plc_under_fastai_distributed_dl(tmp_path):
    import pytest; pytest.importorskip('accelerate')
    mp.spawn(_fastai_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    r0, r1 = (torch.load(tmp_path/f'rank{r}.pth', weights_only=False) for r in (0, 1))
    assert all(r0['ok']) and all(r1['ok'])               # every index is the index of the row it came with
    assert len(r0['idx']) == len(r1['idx']) == 5 * 8     # 125 rows a rank an epoch: 7 batches of 16 and one of 13
    for ep in range(5):
        e0, e1 = (torch.cat(r['idx'][ep*8:(ep+1)*8]) for r in (r0, r1))
        assert len(e0) == len(e1) == 125 and len(set(e0.tolist())) == len(set(e1.tolist())) == 125
        assert not set(e0.tolist()) & set(e1.tolist()) and len(set(e0.tolist()) | set(e1.tolist())) == 250   # one shard each
    s0, s1 = r0['state'], r1['state']
    for k in ('rec', 'cur', 'orig', 'changed_at'): assert torch.equal(s0[k], s1[k]), k
    assert s0['delta'] == s1['delta'] and s0['history'] == s1['history'] and s0['n_epochs'] == 5
    _, yb = _blobs(250)
    assert torch.equal(s0['orig'], yb)                   # every row's state, keyed by the right rows
