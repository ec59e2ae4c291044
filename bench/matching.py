"""Seconds per outer iteration of DC and DSA (MNIST, ConvNet, batch_real 256, CPU with 2 threads): our implementation
against a plain per-class loop written the way the reference (VICO-UoE/DatasetCondensation main.py) does it, same maths,
same random draws, in the same run; checks that both give the same synthetic update.

Usage: python bench/matching.py [--ipcs 1,10] [--reps 3] [--ipc10_outer 2] [--threads 2] [--data DIR]
"""
import argparse, statistics, time
import torch
import torch.nn.functional as F
from dataset_distillation.data import load_dataset, sample_class
from dataset_distillation.models import get_network
from dataset_distillation.augment import apply_dsa, dsa_strategy, sample_dsa
from dataset_distillation.engine import class_labels, init_synthetic
from dataset_distillation.matching import gm_iteration, get_loops, match_distance, net_seed
from dataset_distillation.train import Forward

def reference_iteration(real, syn, opt_img, ipc, arch, g, outer_loop, inner_loop, strategy=None, batch_real=256,
                        batch_train=256, lr_net=0.01):
    """One iteration as the reference writes it: per class, forward the real batch, grad, detach().clone(); then
    synthetic."""
    net = get_network(arch, real.channels, real.num_classes, real.im_size, seed=net_seed(g))
    net.train()
    net_parameters = list(net.parameters())
    optimizer_net = torch.optim.SGD(net.parameters(), lr=lr_net, momentum=0.5)
    label_syn = class_labels(real.num_classes, ipc)
    loss_avg = 0
    for ol in range(outer_loop):
        loss = torch.tensor(0.0)
        for c in range(real.num_classes):
            img_real = sample_class(real, c, batch_real, g)
            img_syn = syn[c*ipc:(c+1)*ipc].reshape((ipc, real.channels, *real.im_size))
            if strategy:
                aug = sample_dsa(strategy, 1, g)
                img_real, img_syn = apply_dsa(img_real, aug), apply_dsa(img_syn, aug)
            lab_real = torch.ones((img_real.shape[0],), dtype=torch.long) * c
            loss_real = F.cross_entropy(net(img_real), lab_real)
            gw_real = torch.autograd.grad(loss_real, net_parameters)
            gw_real = list((_.detach().clone() for _ in gw_real))
            lab_syn = torch.ones((ipc,), dtype=torch.long) * c
            loss_syn = F.cross_entropy(net(img_syn), lab_syn)
            gw_syn = torch.autograd.grad(loss_syn, net_parameters, create_graph=True)
            keep = [i for i, p in enumerate(net_parameters) if p.ndim > 1]
            loss += match_distance([gw_syn[i] for i in keep], [gw_real[i] for i in keep], 'ours')
        opt_img.zero_grad()
        loss.backward()
        opt_img.step()
        loss_avg += loss.item()
        if ol == outer_loop - 1: break
        image_syn_train, label_syn_train = syn.detach().clone(), label_syn.clone()
        for il in range(inner_loop):
            net.train()
            for idx in torch.randperm(len(image_syn_train), generator=g).split(batch_train):
                img = image_syn_train[idx]
                if strategy: img = apply_dsa(img, sample_dsa(strategy, len(img), g))
                l = F.cross_entropy(net(img), label_syn_train[idx])
                optimizer_net.zero_grad()
                l.backward()
                optimizer_net.step()
    return loss_avg / (real.num_classes * outer_loop)

def run(kind, real, ipc, strategy, seed, outer_loop, inner_loop, fwd):
    "Time one iteration of `kind` from a fixed state; return (seconds, synthetic images after, loss)."
    g = torch.Generator().manual_seed(seed)
    syn = init_synthetic(real, ipc, 'real', g)
    opt = torch.optim.SGD([syn], lr=0.1, momentum=0.5)
    t0 = time.perf_counter()
    if kind == 'ours':
        loss = gm_iteration(real, syn, opt, ipc, 'ConvNet', g, outer_loop, inner_loop, strategy=strategy, fwd=fwd)
    else: loss = reference_iteration(real, syn, opt, ipc, 'ConvNet', g, outer_loop, inner_loop, strategy)
    return time.perf_counter() - t0, syn.detach(), loss

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--ipcs', default='1,10')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--ipc10_outer', type=int, default=0,
                    help='truncate the outer loop of ipc>1 to this many steps, '
                         'each with its inner loop of network updates (0: full)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--methods', default='dc,dsa')
    ap.add_argument('--data', default=None, help='data root (default: $DD_DATA, else ~/.cache/dataset_distillation)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    try: real, note = load_dataset('MNIST', data=a.data), 'MNIST'
    except (FileNotFoundError, ValueError): real, note = load_dataset('MNIST5k'), 'MNIST5k (full MNIST not found)'
    print(f'data: {note}; torch {torch.__version__}; {torch.get_num_threads()} threads; ConvNet; batch_real 256')
    fwd = Forward(compile=True)
    t0 = time.perf_counter()
    run('ours', real, 1, None, 123, 1, 1, fwd)
    print(f'warm-up (torch.compile of the real forward/backward, once per process): {time.perf_counter() - t0:.1f} s')
    rows = []
    for ipc in map(int, a.ipcs.split(',')):
        outer_loop, inner_loop = get_loops(ipc)
        full = outer_loop
        # the last outer step of an iteration trains no network,
        # so k steps *with* their inner loops need k + 1 outer steps
        if ipc > 1 and a.ipc10_outer: outer_loop = min(a.ipc10_outer + 1, outer_loop)
        for method in a.methods.split(','):
            strategy = dsa_strategy(real.name) if method == 'dsa' else None
            times = {'ours': [], 'loop': []}
            for rep in range(a.reps):
                for kind in ('loop', 'ours'):  # interleaved, so load changes hit both alike
                    dt, syn, loss = run(kind, real, ipc, strategy, rep, outer_loop, inner_loop, fwd)
                    times[kind].append(dt)
                    if kind == 'loop': syn_loop, loss_loop = syn, loss
                    else: syn_ours, loss_ours = syn, loss
                g = torch.Generator().manual_seed(rep)
                x0 = init_synthetic(real, ipc, 'real', g).detach()
                rel = lambda syn: ((syn - syn_loop).norm() / (syn_loop - x0).norm()).item()
                diff = rel(syn_ours)
                print(f'  {method} ipc {ipc} rep {rep}: '
                      f'loop {times["loop"][-1]:.2f} s, ours {times["ours"][-1]:.2f} s, '
                      f'loss {loss_loop:.5f} vs {loss_ours:.5f}, |update diff| / |update| = {diff:.2e}', flush=True)
                if outer_loop == 1: assert diff < 1e-2, f'synthetic updates differ: relative difference {diff:.2e}'
                else:
                    # With network updates between outer steps the iteration amplifies rounding: in the per-class loop
                    # itself, starting images perturbed by 1e-5 (relative) change the update by ~8% after 5 and ~27%
                    # after 50 network steps, the size of the compiled-vs-eager difference. So the maths is checked
                    # with our eager forward (untimed), which must give the loop's update exactly.
                    eager = rel(run('ours', real, ipc, strategy, rep, outer_loop, inner_loop, Forward(False))[1])
                    print(f'    ours with the eager forward: |update diff| / |update| = {eager:.2e}', flush=True)
                    assert eager < 1e-5, f'synthetic updates differ: relative difference {eager:.2e}'
            lo, us = statistics.median(times['loop']), statistics.median(times['ours'])
            timed = f'{outer_loop} of {full} outer, {outer_loop - 1} x {inner_loop} net updates'
            rows.append((method, ipc, timed, lo, us, lo / us))
    print('\n| method | ipc | timed | per-class loop (s) | ours (s) | speed-up |\n|---|---|---|---|---|---|')
    for m, ipc, loops, lo, us, r in rows: print(f'| {m} | {ipc} | {loops} | {lo:.2f} | {us:.2f} | {r:.2f}x |')
