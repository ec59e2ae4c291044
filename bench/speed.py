"""Where the wall time goes, before and after: today's code paths against the new defaults, in one run, on this machine.

`before` is the code as it was: glibc's allocator (`DD_MALLOC=system`), eager passes (`compile=False`), and distribution
matching's real images embedded all at once (`dm_loss_before` below, the previous `dm_loss`). `after` is the default
now: freed memory kept (`data.keep_freed_memory`), `torch.compile` where `use_compile('auto')` turns it on (evaluations
of 300 epochs, distillations of 200 steps or more, so it is forced on for the short timed runs here), DM class by class.

Each measurement runs in its own process (`--worker`), `before` and `after` alternately, so that both start from a fresh
allocator and meet the same load. Rows:
- eval: `evaluate_set` of a 100-image set (MNIST, 10 random real images per class), ConvNet, 5 networks x 300 epochs
  with the DSA augmentation, the whole call timed (compiling included); the accuracies of both are printed. It also runs
  `plain`: the same protocol written as a plain eager PyTorch loop (`plain_evaluation`, glibc's allocator), which a user
  would write without this package; with the same seeds it gives the same accuracies as `before`.
- dc / dsa / dm / dd: seconds per outer iteration at the papers' per-iteration settings (DC/DSA at ipc 10 cut to 2 image
  updates with the 50 network epochs between them), the first (compiling) iteration excluded; the loss of each iteration
  of both, for the same seed, compared.

Usage: python bench/speed.py [--rows eval,dc1,dc10,dsa1,dsa10,dm1,dm10,dd] [--reps 2] [--iters 3] [--models 5]
                             [--epochs 300] [--data DIR] [--threads 2]
"""
import argparse, json, os, statistics, subprocess, sys, time

ROWS = {  # name: (method, config, what is timed)
    'dc1': ('dc', dict(ipc=1), 'DC ipc 1 (1 image update)'),
    'dc10': ('dc', dict(ipc=10, outer_loop=2), 'DC ipc 10 (2 of 10 image updates, 50 net epochs between)'),
    'dsa1': ('dsa', dict(ipc=1), 'DSA ipc 1'),
    'dsa10': ('dsa', dict(ipc=10, outer_loop=2), 'DSA ipc 10 (2 of 10 image updates)'),
    'dm1': ('dm', dict(ipc=1), 'DM ipc 1 (256 real images per class)'),
    'dm10': ('dm', dict(ipc=10), 'DM ipc 10'),
    'dd': ('dd', dict(arch='LeNet', steps=10, epochs=3, batch_size=1024), 'DD LeNet, 10 steps x 3 epochs, batch 1024'),
}

def dm_loss_before(net, syn, real, ipc, generator, batch_real=256, strategy=None, classes=None, embed_real=None):
    """The previous `dm_loss`: every class's real batch embedded in one pass (2560 images at ipc 10, 1.3 GB per
    activation)."""
    import torch
    from dataset_distillation.matching import class_batches, embed
    xs_real, xs_syn = [], []
    for _, x_real, x_syn in class_batches(real, syn, ipc, generator, batch_real, strategy, classes):
        xs_real.append(x_real)
        xs_syn.append(x_syn)
    K = len(xs_real)
    with torch.no_grad(): mu_real = embed(net, torch.cat(xs_real)).view(K, batch_real, -1).mean(1)
    mu_syn = embed(net, torch.cat(xs_syn)).view(K, ipc, -1).mean(1)
    return ((mu_real - mu_syn)**2).sum()

EVAL_AUGMENT = 'color_crop_cutout_scale_rotate'  # the DSA strategy for MNIST

def plain_evaluation(x, y, real, models: int, epochs: int, strategy: str | None, test_batch: int = 1024) -> list:
    "The evaluation protocol as a plain eager PyTorch loop (no package training code): accuracies of `models` ConvNets."
    import torch, torch.nn.functional as F
    from dataset_distillation.models import get_network
    from dataset_distillation.augment import make_augment
    accs = []
    for i in range(models):  # network i: seed i for its weights, its batches and its augmentation draws
        net = get_network('ConvNet', real.channels, real.num_classes, real.im_size, seed=i)
        g = torch.Generator().manual_seed(i)
        augment = make_augment(strategy, g) if strategy else (lambda xb: xb)
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, [epochs // 2], 0.1)
        net.train()
        for _ in range(epochs):
            for idx in torch.randperm(len(x), generator=g).split(256):
                loss = F.cross_entropy(net(augment(x[idx])), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            sched.step()
        net.eval()
        with torch.no_grad():
            correct = sum((net(xb).argmax(1) == yb).sum().item()
                          for xb, yb in zip(real.test_x.split(test_batch), real.test_y.split(test_batch)))
        accs.append(round(100 * correct / len(real.test_y), 2))
    return accs

def worker(row, mode, a):
    "One measurement in this process; prints one JSON line."
    import torch
    from dataset_distillation import data, matching
    from dataset_distillation.data import load_dataset
    torch.set_num_threads(a.threads)
    before = mode == 'before'
    assert data.KEPT_FREED_MEMORY == (mode == 'after'), 'DD_MALLOC not as the mode says'
    try: real = load_dataset('MNIST', a.data)
    except (FileNotFoundError, ValueError): real = load_dataset('MNIST5k')
    if row == 'eval':
        from dataset_distillation.evaluate import distill_random, evaluate_set
        s = distill_random(real, ipc=10, seed=0)
        t = time.perf_counter()
        if mode == 'plain':
            accs = plain_evaluation(s.images, s.labels, real, a.models, a.epochs, EVAL_AUGMENT)
            return dict(seconds=time.perf_counter() - t, accs=accs, mean=statistics.mean(accs),
                        std=statistics.pstdev(accs), dataset=real.name)
        r = evaluate_set(s, real, models=a.models, epochs=a.epochs, augment=EVAL_AUGMENT,
                         compile=False if before else 'auto')
        return dict(seconds=time.perf_counter() - t, accs=r['accs'], mean=r['mean'], std=r['std'], dataset=real.name)
    name, cfg, _ = ROWS[row]
    if before and name == 'dm': matching.dm_loss = dm_loss_before
    opts = dict(compile=not before)
    return dict(**iteration_times(name, cfg, real, a.iters, **opts), dataset=real.name)

def iteration_times(name, cfg: dict, real, iters: int, device='auto', sync=lambda: None, **opts) -> dict:
    """Run method `name` for `iters` + 1 iterations from seed 0: the first iteration's seconds, each later one's, every
    loss."""
    from dataset_distillation.engine import distill
    from dataset_distillation.cli import get_method
    method = get_method(name)
    stamps, losses = [], []
    def callback(it, images, loss):
        sync()
        stamps.append(time.perf_counter())
        losses.append(loss)
    t0 = time.perf_counter()
    distill(method, real, method.config.of(**cfg, iterations=iters + 1, seed=0), device, progress=False,
            callback=callback, **opts)
    return dict(first=stamps[0] - t0, per_iteration=[b - a for a, b in zip(stamps, stamps[1:])], losses=losses)

def run_worker(row, mode, a):
    env = {**os.environ, 'DD_MALLOC': 'keep' if mode == 'after' else 'system', 'OMP_NUM_THREADS': str(a.threads)}
    cmd = [sys.executable, __file__, '--worker', row, '--mode', mode, '--iters', str(a.iters),
           '--models', str(a.models), '--epochs', str(a.epochs), '--threads', str(a.threads)]
    cmd += ['--data', a.data] if a.data else []
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode: raise SystemExit(f'{row} {mode} failed:\n{out.stderr[-3000:]}')
    return json.loads(out.stdout.strip().splitlines()[-1])

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--rows', default='eval,dc1,dc10,dsa1,dsa10,dm1,dm10,dd')
    ap.add_argument('--reps', type=int, default=2)
    ap.add_argument('--iters', type=int, default=3)
    ap.add_argument('--models', type=int, default=5)
    ap.add_argument('--epochs', type=int, default=300)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--data', default=None, help='data root (default: $DD_DATA, else ~/.cache/dataset_distillation)')
    ap.add_argument('--worker', default=None)
    ap.add_argument('--mode', default=None)
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, a.mode, a)))
        sys.exit()
    import torch
    print(f'torch {torch.__version__}; {a.threads} threads; '
          'each measurement in a fresh process, before/after alternating', flush=True)
    table = []
    for row in a.rows.split(','):
        modes = ('plain', 'before', 'after') if row == 'eval' else ('before', 'after')
        res = {m: [] for m in modes}
        for rep in range(1 if row == 'eval' else a.reps):
            for mode in modes:
                r = run_worker(row, mode, a)
                res[mode].append(r)
                if row == 'eval':
                    print(f'  eval {mode}: {r["seconds"]:.1f} s, {r["mean"]:.2f} +- {r["std"]:.2f} % {r["accs"]}',
                          flush=True)
                else:
                    later = ", ".join(f"{t:.2f}" for t in r["per_iteration"])
                    print(f'  {row} {mode}: first {r["first"]:.2f} s, then {later} s; '
                          f'losses {", ".join(f"{l:.5f}" for l in r["losses"])}', flush=True)
        if row == 'eval':
            b, f = res['before'][0], res['after'][0]
            what = f'evaluation, {a.models} ConvNets x {a.epochs} epochs, 100 images ({b["dataset"]}), whole call'
            note = f'{b["mean"]:.2f} ± {b["std"]:.2f} vs {f["mean"]:.2f} ± {f["std"]:.2f} %'
            table.append((what, b['seconds'], f['seconds'], note))
            p = res['plain'][0]
            plain = 'the same evaluation as a plain eager PyTorch loop (before) against ours (after)'
            table.append((what.replace('evaluation', plain), p['seconds'], f['seconds'],
                          f'{p["mean"]:.2f} ± {p["std"]:.2f} vs {f["mean"]:.2f} ± {f["std"]:.2f} %'
                          + ('; plain = our eager code, network by network' if p['accs'] == b['accs'] else '')))
        else:
            tb = statistics.median(t for r in res['before'] for t in r['per_iteration'])
            tf = statistics.median(t for r in res['after'] for t in r['per_iteration'])
            lb, lf = res['before'][0]['losses'], res['after'][0]['losses']
            rel = max(abs(x - y) / max(abs(x), 1e-12) for x, y in zip(lb, lf))
            table.append((ROWS[row][2] + f', {res["before"][0]["dataset"]}', tb, tf,
                          f'loss rel. diff {rel:.1e} over {len(lb)} it.'))
    print('\n| run | before (s) | after (s) | speed-up | same results? |\n|---|---|---|---|---|')
    for what, b, f, note in table: print(f'| {what} | {b:.2f} | {f:.2f} | {b / f:.2f}x | {note} |')
