"""When does `torch.compile` pay? The compile cost and per-iteration gain of each compiled path, and their break-even.

Usage: python bench/compile.py [--iters 30] [--threads 2] [--rows dd,dc,dsa,dm,train,train_dsa]

Each row runs in two fresh processes (dynamo's caches live in a process), compiled and eager, on MNIST5k. A path's
steady time per iteration is the mean of the second half of the iterations; its start-up cost is everything the run took
beyond that (compiling, and recompiling for the first shapes and modes it meets, spread over the first iterations). The
break-even is the run length from which compiling has paid: (start_on - start_off) / (steady_off - steady_on).
`train.COMPILE_AFTER` holds the figures `use_compile('auto', ...)` uses; this script prints the table they come from.
"""
import argparse, json, os, subprocess, sys, time

ROWS = {  # what one iteration is, and the unit `use_compile` counts for it
    'dd': "unrolled DD, LeNet, 10 steps x 3 epochs (an outer iteration)",
    'dc': "DC ipc 1, ConvNetW32 (an outer iteration: 1 network update)",
    'dsa': "DSA ipc 1, ConvNetW32 (an outer iteration)",
    'dm': "DM ipc 1, ConvNetW32 (an outer iteration)",
    'train': "training a ConvNet on 100 images, batch 256 (an epoch: 1 optimiser step)",
    'train_dsa': "the same with DSA augmentation (an epoch: 1 optimiser step)"}

def measure(row: str, compile: bool, iters: int) -> list:
    "Seconds of each iteration of `row`, in this process."
    import torch
    from dataset_distillation.data import load_dataset
    real, marks = load_dataset('MNIST5k'), [time.perf_counter()]
    tick = lambda *a: marks.append(time.perf_counter())
    if row.startswith('train'):
        from dataset_distillation.augment import augmenter
        from dataset_distillation.models import get_network
        from dataset_distillation.train import Forward, train_epochs
        x, y = real.train_x[:100], real.train_y[:100]
        net, g = get_network('ConvNet', 1, 10, (28, 28), seed=0), torch.Generator().manual_seed(0)
        opt, fwd = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9), Forward(compile)
        augment = augmenter('crop_scale_rotate', g) if row == 'train_dsa' else None
        for _ in range(iters):
            train_epochs(net, opt, x, y, 1, 256, g, augment, fwd)
            tick()
    elif row == 'dd':
        from dataset_distillation.unrolled import distill_dd
        distill_dd(real, iterations=iters, progress=False, compile=compile, callback=tick)
    else:
        from dataset_distillation import matching
        run = getattr(matching, f'distill_{row}')
        run(real, ipc=1, iterations=iters, arch='ConvNetW32', progress=False, compile=compile, callback=tick)
    return [b - a for a, b in zip(marks, marks[1:])]

def row_times(row: str, compile: bool, iters: int, threads: int) -> list:
    "`measure` in a fresh process."
    code = f"import json, sys; sys.path.insert(0, {os.path.dirname(__file__)!r}); from compile import measure; " \
           f"print(json.dumps(measure({row!r}, {compile}, {iters})))"
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out.splitlines()[-1])

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--iters', type=int, default=30)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--rows', default=','.join(ROWS))
    a = p.parse_args()
    print("| row | start-up eager (s) | start-up compiled (s) | eager (s/it) | compiled (s/it) | break-even (it.) |")
    print("|---|---|---|---|---|---|")
    for row in a.rows.split(','):
        off, on = row_times(row, False, a.iters, a.threads), row_times(row, True, a.iters, a.threads)
        steady = lambda t: sum(t[len(t) // 2:]) / len(t[len(t) // 2:])
        start = lambda t: sum(t) - len(t) * steady(t)
        gain, cost = steady(off) - steady(on), start(on) - start(off)
        even = f"{max(cost, 0) / gain:.0f}" if gain > 0 else "never (not faster)"
        print(f"| {ROWS[row]} | {start(off):.2f} | {start(on):.2f} | {steady(off):.3f} | {steady(on):.3f} | {even} |",
              flush=True)
