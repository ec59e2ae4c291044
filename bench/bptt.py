"""Memory and time of a window of W unrolled Adam steps: the exact back-gradient kernel against autograd through the window.

One outer gradient as a long-unroll method (RaT-BPTT) takes it: a fresh ConvNet (MNIST, 1x28x28) trained for W Adam
steps (lr 1e-3) on minibatches of the learned images (ipc 10; `--batch` images per step, drawn per step from a seeded
generator), then the cross-entropy of `--real` real images at the end, differentiated with respect to the images.
`exact`: `backgrad.unroll(..., keep=True, opt=Adam())` then `reverse_sweep(..., opt=Adam())`: the parameters and Adam's
state of every step, no graph. `autograd`: the W steps with `create_graph=True` and one `backward` (what `higher` does).
Each measurement runs in a fresh process; peak memory is the process's maximum resident set size (`ru_maxrss`) minus
that of the same process before the gradient (data and network loaded); both methods' image gradients are compared.

Usage: python bench/bptt.py [--windows 10,30,60,100] [--batch 20] [--real 500] [--threads 1] [--data DIR]
"""
import argparse, json, os, resource, subprocess, sys, time


def worker(method: str, W: int, a) -> dict:
    import torch, torch.nn.functional as F
    torch.set_num_threads(a.threads)
    from dataset_distillation.data import load_dataset, sample_balanced
    from dataset_distillation.models import get_network
    from dataset_distillation.backgrad import Adam, functional_loss, params_of, reverse_sweep, unroll
    try: real = load_dataset('MNIST', a.data)
    except (FileNotFoundError, ValueError): real = load_dataset('MNIST5k')
    g = torch.Generator().manual_seed(0)
    images, labels = sample_balanced(real, 10, g)
    x_real, y_real = real.train_x[:a.real], real.train_y[:a.real]
    net = get_network('ConvNet', real.channels, real.num_classes, real.im_size, seed=0)
    f, theta0 = functional_loss(net), params_of(net)
    idx = [torch.randperm(len(images), generator=g)[:a.batch] for _ in range(W)]
    class SafeAdam(Adam):  # autograd's derivative of sqrt(q) at q = 0 (a gradient always 0) is inf: clamp it away
        def _scale(self, new, t):
            c1, c2, _, _ = super()._scale(new, t)
            r = {k: (q / c2).clamp_min(1e-30).sqrt() for k, q in new['q'].items()}
            return c1, c2, r, {k: rk + self.eps for k, rk in r.items()}
    etas, opt = torch.full((W,), 1e-3), (Adam() if method == 'exact' else SafeAdam())
    outer = lambda th: F.cross_entropy(torch.func.functional_call(net, th, (x_real,)), y_real)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    if method == 'exact':
        (theta, _), kept = unroll(f, theta0, lambda s: (images[idx[s]], labels[idx[s]]), etas, keep=True, opt=opt)
        th = {k: p.detach().requires_grad_() for k, p in theta.items()}
        v = dict(zip(th, torch.autograd.grad(outer(th), list(th.values()))))
        gx = torch.zeros_like(images)
        def back(s, hx, hy): gx.index_add_(0, idx[s], hx)
        reverse_sweep(f, kept, lambda s: (images[idx[s]], labels[idx[s]]), etas, v, back, opt=opt)
    else:
        x = images.clone().requires_grad_()
        theta = {k: p.clone().requires_grad_() for k, p in theta0.items()}
        state = opt.init(theta)
        for s in range(W):
            gs = torch.autograd.grad(f(theta, x[idx[s]], labels[idx[s]]), list(theta.values()), create_graph=True)
            theta, state = opt.step(theta, state, dict(zip(theta, gs)), etas[s], s)
        gx, = torch.autograd.grad(outer(theta), x)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
    return dict(seconds=seconds, peak_mb=peak / 1024, grad=gx.flatten()[:2000].tolist())


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--windows', default='10,30,60,100')
    ap.add_argument('--batch', type=int, default=20)
    ap.add_argument('--real', type=int, default=500)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--data', default=None)
    ap.add_argument('--worker', default=None)
    ap.add_argument('--W', type=int, default=10)
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, a.W, a)))
        sys.exit()
    import torch
    print(f'torch {torch.__version__}; {a.threads} thread(s); batch {a.batch}, {a.real} real images; fresh processes')
    rows = []
    for W in map(int, a.windows.split(',')):
        res = {}
        for method in ('exact', 'autograd'):
            cmd = [sys.executable, __file__, '--worker', method, '--W', str(W), '--batch', str(a.batch),
                   '--real', str(a.real), '--threads', str(a.threads)] + (['--data', a.data] if a.data else [])
            out = subprocess.run(cmd, capture_output=True, text=True,
                                 env={**os.environ, 'OMP_NUM_THREADS': str(a.threads)})
            if out.returncode: raise SystemExit(f'{method} W={W} failed:\n{out.stderr[-2000:]}')
            res[method] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"  W={W} {method}: {res[method]['seconds']:.1f} s, {res[method]['peak_mb']:.0f} MB", flush=True)
        e, g = (torch.tensor(res[m]['grad'], dtype=torch.float64) for m in ('exact', 'autograd'))
        rows.append((W, res, ((e - g).norm() / g.norm()).item()))
    print('\n| W | exact (s) | autograd (s) | time ratio | exact peak (MB) | autograd peak (MB) | gradient rel. diff |')
    print('|---|---|---|---|---|---|---|')
    for W, res, diff in rows:
        e, g = res['exact'], res['autograd']
        print(f"| {W} | {e['seconds']:.1f} | {g['seconds']:.1f} | {e['seconds'] / g['seconds']:.2f} | "
              f"{e['peak_mb']:.0f} | {g['peak_mb']:.0f} | {diff:.1e} |")
    (W0, r0, _), (W1, r1, _) = rows[0], rows[-1]
    grow = {m: (r1[m]['peak_mb'] - r0[m]['peak_mb']) / (W1 - W0) for m in ('exact', 'autograd')}
    print(f"\nmemory growth per window step: exact {grow['exact']:.1f} MB, autograd {grow['autograd']:.1f} MB "
          f"({grow['exact'] / grow['autograd']:.3f} of autograd's)")
