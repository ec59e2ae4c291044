"""Execute notebooks in place so their outputs can be committed, like `nbdev_test` but keeping outputs.

Cells flagged `#| slow` or `#| cuda` are skipped (their committed outputs kept) unless named in --flags.
With --only, only the slow/cuda cells whose source contains one of the given strings run (the others keep their
outputs), so that two long cells of one notebook can run in two processes on two copies (then tools/merge_cells.py).
Usage: python tools/run_nb.py nbs/08_unrolled.ipynb [--flags slow] [--only "text in cell,other text"]
"""
import argparse, io, os, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from IPython.utils import capture

class _Tee(io.StringIO):
    "A cell's captured stream that a long cell also echoes to the log as it prints (execnb's verbose mode drops them)."
    echo = False
    def write(self, s):
        if _Tee.echo:
            sys.__stdout__.write(s)
            sys.__stdout__.flush()
        return super().write(s)
capture.StringIO = _Tee  # the class IPython's capture_output makes for stdout and stderr

def run(path, flags=(), only=()):
    path = Path(path).resolve()
    nb, shell = read_nb(path), CaptureShell(mpl_format='retina')
    os.chdir(path.parent)  # cells run from the notebook's folder, as under nbdev_test
    shell.run('import matplotlib; matplotlib.use("Agg"); %matplotlib inline')
    for cell in nb.cells:
        if cell.cell_type != 'code': continue
        cell_flags = {w for l in cell.source.splitlines() if l.startswith('#|') for w in l[2:].split()}
        if cell_flags & ({'slow', 'cuda', 'notest'} - set(flags)): continue
        if only and cell_flags & {'slow', 'cuda'} and not any(o in cell.source for o in only): continue
        t = time.time()
        cell.outputs = []
        _Tee.echo = bool(cell_flags & {'slow', 'cuda'})  # a long cell's prints reach the log too, as they happen
        source = cell.source
        # execnb drops *all* printed output of a cell ending in `;` (Jupyter only hides the last value): add a statement
        if source.rstrip().endswith(';'): cell.source = source + '\npass'
        try: shell.cell(cell)
        finally: cell.source = source
        if shell.exc:
            if cell_flags & {'slow', 'cuda'}: write_nb(nb, path)  # keep what a long cell printed before it failed
            raise RuntimeError(f'{path}: cell failed:\n{cell.source}\n{shell.exc!r}')
        print(f'{time.time()-t:7.1f}s  {cell.source.splitlines()[0][:70] if cell.source else ""}', flush=True)
        if cell_flags & {'slow', 'cuda'}: write_nb(nb, path)  # keep a long result even if a later cell fails
    write_nb(nb, path)

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('paths', nargs='+')
    p.add_argument('--flags', default='')
    p.add_argument('--only', default='', help='comma-separated strings: run only the slow/cuda cells containing one')
    a = p.parse_args()
    sys.argv = sys.argv[:1]  # torch.compile pastes argv into generated code: a quote in --only broke it (SyntaxError)
    for path in a.paths: run(path, a.flags.split(), [o for o in a.only.split(',') if o])
