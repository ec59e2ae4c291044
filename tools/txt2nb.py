"""Write a notebook from a plain-text cell file (an authoring aid; the .ipynb is the source of truth).

Cells start with a line `%% md` (markdown) or `%%` (code); everything up to the next marker is the cell.
Usage: python tools/txt2nb.py cells.txt nbs/08_unrolled.ipynb
"""
import json, sys

def cells_from_text(text):
    cells, kind, lines = [], None, []
    def close():
        if kind is not None:
            src = '\n'.join(lines).strip('\n')
            cell = {'cell_type': 'markdown' if kind == 'md' else 'code', 'metadata': {}, 'source': src.splitlines(True)}
            if kind != 'md': cell.update(execution_count=None, outputs=[])
            cells.append(cell)
    for line in text.splitlines():
        if line.strip() in ('%%', '%% md'):
            close()
            kind, lines = ('md' if line.strip() == '%% md' else 'code'), []
        else: lines.append(line)
    close()
    return cells

if __name__ == '__main__':
    src, dest = sys.argv[1:3]
    nb = {'cells': cells_from_text(open(src).read()), 'metadata': {
        'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}},
        'nbformat': 4, 'nbformat_minor': 5}
    with open(dest, 'w') as f:
        json.dump(nb, f, indent=1)
        f.write('\n')
