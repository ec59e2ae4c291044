"""Write README.md from nbs/index.ipynb where Quarto (and so `nbdev_readme`) is unavailable.

The index's markdown cells and its visible code cells (as ```python blocks; `#|`-flagged cells are left out) are copied
in order; links to documentation pages (`name.html`) point at the docs site; the `> subtitle` line stays a quote, as
nbdev renders it.
Usage: python tools/index2readme.py
"""
import json, re
from configparser import ConfigParser
from pathlib import Path

root = Path(__file__).resolve().parents[1]
cfg = ConfigParser(delimiters=['='])
cfg.read(root/'settings.ini')
site = f"https://{cfg['DEFAULT']['user']}.github.io/{cfg['DEFAULT']['repo']}/"
nb = json.loads((root/'nbs'/'index.ipynb').read_text())
def part(cell):
    text = ''.join(cell['source'])
    if cell['cell_type'] == 'markdown': return text
    return None if text.startswith('#|') else f"```python\n{text}\n```"
parts = [p for p in map(part, nb['cells']) if p is not None]
text = '\n\n'.join(parts)
text = re.sub(r'\]\(([\w-]+\.html)\)', lambda m: f']({site}{m.group(1)})', text)
text = re.sub(r'\]\((images/[^)]+)\)', r'](nbs/\1)', text)
note = ('<!-- Generated from nbs/index.ipynb by tools/index2readme.py (nbdev_readme where Quarto is installed); '
        'edit the notebook. -->\n\n')
(root/'README.md').write_text(note + text.rstrip() + '\n')
