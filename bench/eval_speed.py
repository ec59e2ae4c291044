"""`dd_eval` against a plain eager PyTorch loop of the same protocol: whole processes, on this machine, in one run.

The set: 10 random real MNIST training images per class (seed 0), saved with `DistilledSet.save`. The protocol: one
ConvNet (seed 0), SGD lr 0.01, momentum 0.9, weight decay 5e-4, batch 256, lr x0.1 at half the epochs, no augmentation,
then the accuracy on the 10 000 test images. `plain` is that protocol written as a user would write it without our
training code (`plain_loop` below: our data loader, set file and network, so the weights and accuracies are the same;
the loop, the optimiser and the test pass are plain PyTorch, testing in batches of `--plain_test_batch`). `dd_eval` is
the command as a user runs it (`dd_eval SET --models 1 --epochs E --augment none`), with its defaults, and with
`--compile off`. Each measurement is a fresh process timed from outside (imports, data loading and compiling
included); the modes alternate so that each meets the same load. Torch's compile cache is warmed by one untimed
`dd_eval` first, as it is for anyone who has evaluated before (`--cold` skips that).

Usage: python bench/eval_speed.py [--epochs 60,300] [--reps 2] [--threads 2] [--data DIR] [--plain_test_batch 1024]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path


def plain_loop(set_file: str, data, epochs: int, test_batch: int) -> float:
    "The evaluation protocol as a plain eager PyTorch loop (`speed.plain_evaluation`): the accuracy (%) of one ConvNet."
    from dataset_distillation.data import load_dataset
    from dataset_distillation.distilled import DistilledSet
    from speed import plain_evaluation
    real, s = load_dataset('MNIST', data), DistilledSet.load(set_file)
    return plain_evaluation(s.images, s.labels, real, 1, epochs, None, test_batch)[0]


def timed(cmd: list, env: dict) -> tuple:
    "Seconds of a whole process, and the accuracy it printed."
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if out.returncode: raise SystemExit(f'{cmd} failed:\n{out.stderr[-3000:]}')
    res = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, res['accuracy'] if 'accuracy' in res else res['ConvNet']['mean']


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', default='60,300')
    ap.add_argument('--reps', type=int, default=2)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--data', default=None, help='data root (default: $DD_DATA, else ~/.cache/dataset_distillation)')
    ap.add_argument('--plain_test_batch', type=int, default=1024)
    ap.add_argument('--cold', action='store_true', help="don't warm torch's compile cache first")
    ap.add_argument('--plain', default=None, help=argparse.SUPPRESS)  # worker: SET_FILE
    ap.add_argument('--plain_epochs', type=int, default=300, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.plain:
        print(json.dumps(dict(accuracy=plain_loop(a.plain, a.data, a.plain_epochs, a.plain_test_batch))))
        sys.exit()
    import torch
    from dataset_distillation.data import load_dataset
    from dataset_distillation.evaluate import distill_random
    env = {**os.environ, 'OMP_NUM_THREADS': str(a.threads)}
    data = ['--data', a.data] if a.data else []
    with tempfile.TemporaryDirectory() as tmp:
        set_file = str(Path(tmp) / 'random10.pt')
        distill_random(load_dataset('MNIST', a.data), 10, seed=0).save(set_file)
        modes = {'plain': lambda e: [sys.executable, __file__, '--plain', set_file, '--plain_epochs', str(e),
                                     '--plain_test_batch', str(a.plain_test_batch), *data],
                 'dd_eval': lambda e: ['dd_eval', set_file, '--models', '1', '--epochs', str(e), '--augment', 'none',
                                       '--quiet', *data],
                 'dd_eval --compile off': lambda e: [*modes['dd_eval'](e), '--compile', 'off']}
        if not a.cold: subprocess.run(modes['dd_eval'](300)[:-1] + ['--epochs', '2', '--compile', 'on', '--quiet'],
                                      env=env, capture_output=True)
        print(f'torch {torch.__version__}; {a.threads} threads; whole processes, modes alternating', flush=True)
        rows = []
        for epochs in map(int, a.epochs.split(',')):
            res = {m: [] for m in modes}
            for _ in range(a.reps):
                for m, cmd in modes.items():
                    res[m].append(timed(cmd(epochs), env))
                    print(f'  {epochs} epochs, {m}: {res[m][-1][0]:.1f} s, {res[m][-1][1]:.2f} %', flush=True)
            med = {m: statistics.median(s for s, _ in r) for m, r in res.items()}
            rows.append((epochs, med, {m: r[0][1] for m, r in res.items()}))
        print('\n| epochs | plain loop (s) | dd_eval (s) | ratio | dd_eval --compile off (s) | ratio | accuracy '
              '(plain / dd_eval / off) |\n|---|---|---|---|---|---|---|')
        for epochs, med, acc in rows:
            p = med['plain']
            print(f"| {epochs} | {p:.1f} | {med['dd_eval']:.1f} | {med['dd_eval'] / p:.2f} | "
                  f"{med['dd_eval --compile off']:.1f} | {med['dd_eval --compile off'] / p:.2f} | "
                  f"{acc['plain']:.2f} / {acc['dd_eval']:.2f} / {acc['dd_eval --compile off']:.2f} |")
