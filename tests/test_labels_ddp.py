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
