"""Benchmark trajectory matching's three gradient modes: time per outer iteration and peak tensor memory against
syn_steps.

Usage: python bench/trajectory.py [--sizes 10,20,40,80] [--ipc 10] [--reps 1] [--threads 2] [--data DIR]

One outer iteration (the student unroll and the gradients of images, step size and soft labels; no optimiser step) of
ConvNet on MNIST, all ipc*10 images in every student step, DSA augmentation, for 'exact' (back-gradients), 'naive'
(autograd through the unroll, as the MTT reference) and 'tesla' (truncated, constant memory). Time: median of `reps`
runs after a warm-up. Memory: the peak bytes torch allocates during one run above the level at its start
(bench/unrolled.py's `peak_bytes`). The three modes use the same expert parameters, images and draws.
"""
import argparse, math
import torch
from unrolled import median_time, peak_bytes  # bench/unrolled.py
from dataset_distillation.data import load_dataset
from dataset_distillation.models import get_network
from dataset_distillation.augment import dsa_strategy
from dataset_distillation.backgrad import functional_loss, params_of
from dataset_distillation.trajectory import GRAD_MODES, mtt_grads, plan_steps

def main(sizes=(10, 20, 40, 80), ipc=10, reps=1, threads=2, data=None, naive_max=None):
    torch.set_num_threads(threads)
    try: real = load_dataset('MNIST', data=data)
    except (FileNotFoundError, ValueError): real = load_dataset('MNIST5k')
    g = torch.Generator().manual_seed(0)
    net = get_network('ConvNet', real.channels, real.num_classes, real.im_size, seed=0)
    f, theta0 = functional_loss(net), params_of(net)
    target = {k: p + 0.01 * torch.randn(p.shape, generator=g) for k, p in theta0.items()}
    images = real.train_x[torch.randint(len(real.train_y), (10 * ipc,), generator=g)].clone()
    labels = torch.randn(10 * ipc, 10, generator=g)
    log_lr = torch.tensor(math.log(0.01))
    n_params = sum(p.numel() for p in theta0.values())
    print(f'{real.name}, ConvNet ({n_params * 4 / 2**20:.2f} MB of parameters), ipc {ipc}: {10 * ipc} images per step, '
          f'DSA, soft labels; {threads} thread(s), median of {reps}')
    rows = []
    for steps in sizes:
        plan = plan_steps(len(images), steps, 0, dsa_strategy(real.name), torch.Generator().manual_seed(steps))
        row = {'steps': steps}
        for mode in GRAD_MODES:
            if mode == 'naive' and naive_max and steps > naive_max:  # its memory would not fit: left out
                row['naive_s'] = row['naive_MB'] = float('nan')
                continue
            fn = lambda: mtt_grads(f, theta0, target, images, labels, log_lr, plan, mode)
            row[f'{mode}_s'], row[f'{mode}_MB'] = median_time(fn, reps), peak_bytes(fn) / 2**20
        rows.append(row)
        print(f"syn_steps {steps:>3}: "
              + ', '.join(f"{m} {row[f'{m}_s']:.1f} s {row[f'{m}_MB']:.0f} MB" for m in GRAD_MODES), flush=True)
    print(f"\n| syn_steps | {' | '.join(f'{m} s/it' for m in GRAD_MODES)} "
          f"| {' | '.join(f'{m} MB' for m in GRAD_MODES)} | exact/naive time |")
    print('|---:' * (2 * len(GRAD_MODES) + 2) + '|')
    for r in rows:
        print(f"| {r['steps']} | " + ' | '.join(f"{r[f'{m}_s']:.2f}" for m in GRAD_MODES) + ' | '
              + ' | '.join(f"{r[f'{m}_MB']:.0f}" for m in GRAD_MODES) + f" | {r['exact_s'] / r['naive_s']:.2f} |")
    def slope(m):  # over the first and last sizes this mode was measured at (NaN: left out)
        measured = [r for r in rows if not math.isnan(r[f'{m}_MB'])]
        a, b = measured[0], measured[-1]
        return (b[f'{m}_MB'] - a[f'{m}_MB']) / (b['steps'] - a['steps']), a['steps'], b['steps']
    slope = {m: slope(m) for m in GRAD_MODES}
    print("\nmemory per student step: " +
          ', '.join(f"{m} {s:.2f} MB (syn_steps {a} -> {b})" for m, (s, a, b) in slope.items()) +
          f"; exact/naive slope {slope['exact'][0] / slope['naive'][0]:.3f} (target <= 0.1); "
          f"one parameter copy is {n_params * 4 / 2**20:.2f} MB")
    print("time exact/naive: " + ', '.join(f"{r['steps']}: {r['exact_s'] / r['naive_s']:.2f}" for r in rows)
          + " (target <= 1.6)")
    return rows

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=' '.join(__doc__.split('\n\n')[0].split()))  # first paragraph, unwrapped
    p.add_argument('--sizes', default='10,20,40,80')
    p.add_argument('--ipc', type=int, default=10)
    p.add_argument('--reps', type=int, default=1)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--data', default=None)
    p.add_argument('--naive_max', type=int, default=None,
                   help="largest syn_steps 'naive' runs at (its memory grows ~0.3 GB per step at ipc 10)")
    a = p.parse_args()
    main(tuple(int(s) for s in a.sizes.split(',')), a.ipc, a.reps, a.threads, a.data, a.naive_max)
