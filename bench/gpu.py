"""The GPU table: every method's seconds per outer iteration at the papers' settings, peak GPU memory, and an evaluation
of 5 networks trained one by one against together (`train_together`), on one CUDA device, in a few minutes.

Data: full MNIST from --data / $DD_DATA / the default root when it is there, else the embedded MNIST-5k.
Usage: python bench/gpu.py [--iters 3] [--data DIR]
                           [--rows dc1,dc10,dsa1,dsa10,dm1,dm10,dd,mtt10,mtt10naive,mtt10tesla,eval]
(bench/gpu.sh runs it, then the notebooks' CUDA cells.)
"""
import argparse, statistics, sys, tempfile, time
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).parent))
from speed import iteration_times

ROWS = {  # name: (method, the paper's per-iteration config, what it is)
    'dc1': ('dc', dict(ipc=1), 'DC ipc 1 (1 outer step)'),
    'dc10': ('dc', dict(ipc=10), 'DC ipc 10 (10 outer x 50 inner)'),
    'dsa1': ('dsa', dict(ipc=1), 'DSA ipc 1'),
    'dsa10': ('dsa', dict(ipc=10), 'DSA ipc 10 (10 outer x 50 inner)'),
    'dm1': ('dm', dict(ipc=1), 'DM ipc 1 (256 real per class)'),
    'dm10': ('dm', dict(ipc=10), 'DM ipc 10'),
    'dd': ('dd', dict(arch='LeNet', steps=10, epochs=3, batch_size=1024), 'DD LeNet, 10 steps x 3 epochs, batch 1024'),
    'mtt10': ('mtt', dict(ipc=10, syn_steps=30, expert_epochs=2, max_start_epoch=2), 'MTT ipc 10, N=30, exact'),
    'mtt10naive': ('mtt', dict(ipc=10, syn_steps=30, expert_epochs=2, max_start_epoch=2, mode='naive'),
                   'MTT ipc 10, N=30, naive'),
    'mtt10tesla': ('mtt', dict(ipc=10, syn_steps=30, expert_epochs=2, max_start_epoch=2, mode='tesla'),
                   'MTT ipc 10, N=30, tesla'),
}

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--iters', type=int, default=3)
    ap.add_argument('--data', default=None)
    ap.add_argument('--rows', default=','.join(ROWS) + ',eval')
    ap.add_argument('--epochs', type=int, default=300)
    ap.add_argument('--device', default='cuda', help='cuda; cpu only to check the script itself (no memory column)')
    a = ap.parse_args()
    cuda = a.device == 'cuda'
    if cuda and not torch.cuda.is_available(): raise SystemExit('bench/gpu.py: no CUDA device visible to torch')
    from dataset_distillation.data import load_dataset
    from dataset_distillation.evaluate import distill_random, evaluate_set
    from dataset_distillation.trajectory import train_experts
    torch.backends.cudnn.benchmark = True
    try: real = load_dataset('MNIST', a.data)
    except (FileNotFoundError, ValueError): real = load_dataset('MNIST5k')
    real = real.to(a.device)
    print(f'{torch.cuda.get_device_name() if cuda else "CPU"}; torch {torch.__version__}; {real.name}', flush=True)
    sync, table = (torch.cuda.synchronize if cuda else lambda: None), []
    peak = (lambda: torch.cuda.max_memory_allocated() / 2**20) if cuda else (lambda: None)
    experts = Path(tempfile.mkdtemp()) / 'experts'
    for row in a.rows.split(','):
        if cuda: torch.cuda.reset_peak_memory_stats()
        if row == 'eval':
            s = distill_random(real, ipc=10, seed=0)
            times = {}
            for together in (False, True, False, True):  # alternated; the first of each compiles or warms up
                sync()
                t = time.perf_counter()
                r = evaluate_set(s, real, models=5, epochs=a.epochs, together=together, device=a.device,
                                 augment='color_crop_cutout_scale_rotate')
                sync()
                times.setdefault(together, []).append((time.perf_counter() - t, r['mean'], r['std']))
                print(f'  eval together={together}: {times[together][-1][0]:.1f} s, '
                      f'{r["mean"]:.2f} +- {r["std"]:.2f} %', flush=True)
            for together, label in ((False, 'one by one'), (True, 'together')):
                sec, mean, std = times[together][-1]
                table.append((f'evaluation, 5 ConvNets x {a.epochs} epochs on 100 images, {label} '
                              f'({mean:.2f} ± {std:.2f} %)', sec, None))
            table[-1] = (*table[-1][:2], peak())
            continue
        name, cfg, what = ROWS[row]
        if name == 'mtt':
            train_experts(real, experts, n_experts=2, epochs=4, device=a.device, progress=False)  # once; reused after
            cfg = dict(cfg, experts=str(experts))
        r = iteration_times(name, cfg, real, a.iters, device=a.device, sync=sync)
        per = statistics.median(r['per_iteration'])
        table.append((what, per, peak()))
        later = ", ".join(f"{t:.3f}" for t in r["per_iteration"])
        print(f'  {row}: first {r["first"]:.2f} s, then {later} s', flush=True)
    print('\n| run | seconds (per outer iteration; evaluation: whole call) | peak GPU memory (MiB) |\n|---|---|---|')
    for what, sec, mem in table: print(f'| {what} | {sec:.3f} | {"" if mem is None else f"{mem:.0f}"} |')
