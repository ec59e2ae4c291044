"""Benchmark back-gradients against the naive unroll: time per outer iteration and peak tensor memory, MNIST LeNet.

Usage: python bench/unrolled.py [--sizes 10,30,100] [--reps 3] [--threads 1] [--data DIR]

Time: median wall time of `reps` outer-loss-and-gradient evaluations (one outer iteration without the Adam step).
Memory: the peak, during one evaluation, of the bytes held by tensors allocated after it started, as recorded by the
PyTorch profiler's memory events ("Total Allocated" of torch's CPU allocator; tensors existing before -- data, images,
initial weights -- are not counted). It sees every tensor torch allocates, including those saved for backward, but not
Python objects or the allocator's cached/freed pages. Each step uses 10 distilled images (1 per class), the outer loss a
batch of 256 real images; steps = 10 and epochs = S*E / 10.
"""
import argparse, json, statistics, tempfile, time
import torch
from torch.profiler import profile, ProfilerActivity
from dataset_distillation.data import load_dataset
from dataset_distillation.models import get_network
from dataset_distillation.backgrad import params_of
from dataset_distillation.unrolled import backgrad, naive_backgrad

def peak_bytes(fn):
    "Peak bytes allocated by torch (CPU) while `fn()` runs, above the level when it started."
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof: fn()
    with tempfile.TemporaryDirectory() as d:
        prof.export_chrome_trace(f'{d}/trace.json')
        events = json.load(open(f'{d}/trace.json'))['traceEvents']
    return max([e['args']['Total Allocated'] for e in events if e.get('name') == '[memory]'] + [0])

def median_time(fn, reps):
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)

def main(sizes=(10, 30, 100), reps=3, threads=1, data=None, batch=256):
    torch.set_num_threads(threads)
    try: real = load_dataset('MNIST', data=data)
    except (FileNotFoundError, ValueError): real = load_dataset('MNIST5k')
    g = torch.Generator().manual_seed(0)
    net = get_network('LeNet', seed=0)
    theta0 = params_of(net)
    idx = torch.randint(len(real.train_y), (batch,), generator=g)
    real_x, real_y = real.train_x[idx], real.train_y[idx]
    steps, rows = 10, []
    images = torch.randn(steps, 10, 1, 28, 28, generator=g)
    labels = torch.arange(10).repeat(steps, 1)
    print(f'{real.name}, LeNet, {steps} steps x 10 images, real batch {batch}, {threads} thread(s), median of {reps}')
    for T in sizes:
        raw = torch.full((T,), 0.02).expm1().log()
        run = {'backgrad': lambda: backgrad(net, theta0, images, labels, raw, real_x, real_y),
               'naive': lambda: naive_backgrad(net, theta0, images, labels, raw, real_x, real_y)}
        row = {'T': T}
        for name, fn in run.items():
            row[f'{name}_s'] = median_time(fn, reps)
            row[f'{name}_MB'] = peak_bytes(fn) / 2**20
        rows.append(row)
    print(f"{'S*E':>5} | {'backgrad s/it':>13} | {'naive s/it':>10} | {'time ratio':>10} | "
          f"{'backgrad MB':>11} | {'naive MB':>8} | {'mem ratio':>9}")
    for r in rows:
        print(f"{r['T']:>5} | {r['backgrad_s']:>13.3f} | {r['naive_s']:>10.3f} | "
              f"{r['backgrad_s']/r['naive_s']:>10.2f} | "
              f"{r['backgrad_MB']:>11.1f} | {r['naive_MB']:>8.1f} | {r['backgrad_MB']/r['naive_MB']:>9.3f}")
    a, b = rows[0], rows[-1]
    slope = {m: (b[f'{m}_MB'] - a[f'{m}_MB']) / (b['T'] - a['T']) for m in ('backgrad', 'naive')}
    print(f"memory growth per step (S*E {a['T']} -> {b['T']}): backgrad {slope['backgrad']*1024:.0f} KB, naive "
          f"{slope['naive']*1024:.0f} KB, ratio {slope['backgrad']/slope['naive']:.3f} (target <= 0.25)")
    print("time ratio backgrad/naive: " + ', '.join(f"{r['T']}: {r['backgrad_s']/r['naive_s']:.2f}" for r in rows)
          + " (target <= 1.5)")
    print(f"(LeNet parameters: {sum(p.numel() for p in theta0.values())*4/1024:.0f} KB per copy)")
    return rows

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--sizes', default='10,30,100')
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--data', default=None)
    a = p.parse_args()
    main(tuple(int(s) for s in a.sizes.split(',')), a.reps, a.threads, a.data)
