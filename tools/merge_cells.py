"""Copy cells (source and outputs) from one notebook into another, matched by a text each cell contains exactly once.

With `run_nb.py --only`, two long cells of one notebook can run at once on two copies; this brings the second copy's
results back.
Usage: python tools/merge_cells.py nbs/08_copy.ipynb nbs/08_unrolled.ipynb "rand = distill_dd,show_steps(rand)"
"""
import json, sys

def merge(src, dst, markers):
    a, b = json.load(open(src)), json.load(open(dst))
    def find(nb, m):
        hits = [i for i, c in enumerate(nb['cells']) if m in ''.join(c['source'])]
        if len(hits) != 1: raise SystemExit(f'{m!r} is in {len(hits)} cells of a notebook; it must name exactly one')
        return hits[0]
    for m in markers:
        i, j = find(a, m), find(b, m)
        b['cells'][j] = a['cells'][i]
        print(f'{m!r}: cell {i} of {src} -> cell {j} of {dst}')
    with open(dst, 'w') as f: f.write(json.dumps(b, indent=1, ensure_ascii=False) + '\n')

if __name__ == '__main__':
    if len(sys.argv) != 4: raise SystemExit(__doc__)
    merge(sys.argv[1], sys.argv[2], [m for m in sys.argv[3].split(',') if m])
