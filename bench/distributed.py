"""Seconds per outer iteration of every method (and per evaluation network), one process with 2 threads against 2
processes with one thread each (gloo, `launch`), on this machine, in one run; plus the bytes each process all-reduces
per iteration (`comm_bytes`). The same seeds in both modes, so both compute the same sets.

Usage: python bench/distributed.py [--dataset MNIST5k] [--data DIR] [--iters 4] [--nproc 2]
A GPU machine: the same with --nproc N (one process per GPU, NCCL).
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

CONFIGS = {  # the papers' per-iteration work, with DC/DSA's outer loop cut to 2 image updates to keep the run short
    'dm ipc10': ('dm', dict(ipc=10, batch_real=256)),
    'dc ipc10 (outer 2)': ('dc', dict(ipc=10, outer_loop=2)),
    'dsa ipc10 (outer 2)': ('dsa', dict(ipc=10, outer_loop=2)),
    'dd random, 2 nets': ('dd', dict(net_init='random', n_nets=2, batch_size=1024)),
    'mtt ipc1, 2 trajectories': ('mtt', dict(ipc=1, syn_steps=20, expert_epochs=1, max_start_epoch=1, trajectories=2)),
}

def worker(out, dataset, data, iters):
    "Run every config for `iters` iterations in this process (group); rank 0 writes the seconds per iteration."
    from dataset_distillation.distributed import init_world
    from dataset_distillation.data import load_dataset
    from dataset_distillation.engine import distill
    from dataset_distillation.cli import get_method
    from dataset_distillation.evaluate import evaluate_set, distill_random
    from dataset_distillation.trajectory import train_experts
    world = init_world()
    real = load_dataset(dataset, data)
    experts = Path(out).parent / 'experts'
    train_experts(real, experts, n_experts=2, epochs=1, progress=False)  # for MTT; made once, skipped after
    res = {}
    for name, (method, kw) in CONFIGS.items():
        m = get_method(method)
        cfg = m.config.of(**kw, iterations=iters, **({'experts': str(experts)} if method == 'mtt' else {}))
        stamps = []
        distill(m, real, cfg, progress=False, log=lambda rec, images: stamps.append(time.perf_counter()))
        if world.main: res[name] = (stamps[-1] - stamps[0]) / (len(stamps) - 1)  # the first iteration is a warm-up
    s = distill_random(real, 10)
    t = time.perf_counter()
    evaluate_set(s, real, models=4, epochs=50)
    if world.main:
        res['evaluation, 4 networks x 50 epochs, 100 images'] = (time.perf_counter() - t) / 4
        Path(out).write_text(json.dumps(res))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dataset', default='MNIST5k')
    ap.add_argument('--data', default=None)
    ap.add_argument('--iters', type=int, default=4)
    ap.add_argument('--nproc', type=int, default=2)
    ap.add_argument('--worker', default=None)
    a = ap.parse_args()
    if a.worker: return worker(a.worker, a.dataset, a.data, a.iters)
    tmp = Path(tempfile.mkdtemp())
    cmd = ([sys.executable, __file__, '--dataset', a.dataset, '--iters', str(a.iters)]
           + (['--data', a.data] if a.data else []))
    env = dict(os.environ, OMP_NUM_THREADS=str(a.nproc))
    subprocess.run([*cmd, '--worker', str(tmp / 'one.json')], check=True, env=env)  # one process, nproc threads
    from dataset_distillation.distributed import launch
    launch([*cmd, '--worker', str(tmp / 'many.json')], a.nproc, env=dict(OMP_NUM_THREADS='1'))
    one, many = (json.loads((tmp / f).read_text()) for f in ('one.json', 'many.json'))
    from dataset_distillation.cli import get_method
    from dataset_distillation.distributed import comm_bytes
    from dataset_distillation.data import load_dataset
    real = load_dataset(a.dataset, a.data)
    print(f"\n{a.dataset}, seconds per iteration (evaluation: per network); "
          f"1 process x {a.nproc} threads vs {a.nproc} processes x 1 thread")
    print(f"| run | 1 x {a.nproc} threads | {a.nproc} x 1 thread | speed-up | kB all-reduced per iteration |")
    print("|---|---|---|---|---|")
    for name in one:
        if name in CONFIGS:
            method, kw = CONFIGS[name]
            sent = comm_bytes(get_method(method).config.of(**kw), (real.channels, *real.im_size), real.num_classes)[0]
            kb = f"{sent / 1e3:,.1f}"
        else: kb = '0 (accuracies gathered once)'
        print(f"| {name} | {one[name]:.2f} | {many[name]:.2f} | {one[name] / many[name]:.2f}x | {kb} |")

if __name__ == '__main__': main()
