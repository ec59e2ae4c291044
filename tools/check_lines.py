"""Check line length (at most 120 characters) and `;`-joined statements in the Python we write.

Usage: python tools/check_lines.py   (exit 1 and one line per offender, else exit 0 and a summary line)

Runs ruff's E501 (line length), E702 and E703 (statements joined or ended by `;`) on the package, bench/ and tools/,
and leaves out the two kinds of line nbdev writes itself rather than copying from a notebook's code: a module's
docstring (the notebook's one-line `> subtitle`) and the first line of `__all__` (nbdev wraps the list at 120 characters
without counting `__all__ = `). The package's `_modidx.py` is nbdev's index, not ours.
"""
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def generated(path: str, row: int) -> bool:
    "Whether line `row` of `path` is one nbdev writes: the module docstring, or `__all__`'s first line."
    line = Path(path).read_text().splitlines()[row - 1]
    return (row == 1 and line.startswith('"""')) or line.startswith('__all__ = ')

if __name__ == '__main__':
    cmd = ['ruff', 'check', '--select', 'E501,E702,E703', '--line-length', '120', '--output-format', 'json',
           '--exclude', 'dataset_distillation/_modidx.py', 'dataset_distillation', 'bench', 'tools']
    found = json.loads(subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout or '[]')
    bad = [f"{Path(f['filename']).relative_to(ROOT)}:{f['location']['row']}: {f['code']} {f['message']}" for f in found
           if not (f['code'] == 'E501' and generated(f['filename'], f['location']['row']))]
    print('\n'.join(bad) if bad else "check_lines: no line over 120 characters, no statements joined by ';'")
    sys.exit(1 if bad else 0)
