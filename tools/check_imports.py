"""Check that the package's imports point one way: every module imports only modules of earlier chapters.

Usage: python tools/check_imports.py   (exit 1 and one line per offender, else exit 0 and a summary line)

A module's chapter is the notebook that exports it (`#| default_exp NAME`), in the notebooks' file order, which is the
tutorial's order. Every import of a package module counts, wherever it stands: at the top, inside a function (a lazy
import) or under a condition; `importlib.import_module` with a name that is not a literal is refused, since it cannot be
checked. With every arrow pointing to an earlier chapter there can be no cycle. `__init__.py` (which may import modules
so that their `@patch`ed methods are always there) is not a chapter and is not checked.
"""
import ast, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG, NBS = ROOT / 'dataset_distillation', ROOT / 'nbs'

def chapters() -> dict:
    "module name -> (position, notebook) in the tutorial's order."
    out = {}
    for i, nb in enumerate(sorted(NBS.glob('*.ipynb'))):
        for cell in json.loads(nb.read_text())['cells']:
            m = re.match(r'#\|\s*default_exp\s+(\S+)', ''.join(cell['source']))
            if m and cell['cell_type'] == 'code': out[m[1]] = (i, nb.name)
    return out

def imported(tree: ast.AST, module: str) -> list:
    """`(line, module)` of every package module `module` imports, anywhere in its code; `(line, None)` for a dynamic
    import."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            name = node.module or ''
            if node.level == 1: mods = [name.split('.')[0]] if name else [a.name for a in node.names]
            elif name == 'dataset_distillation': mods = [a.name for a in node.names]
            else: mods = [name.split('.')[1]] if name.startswith('dataset_distillation.') else []
            found += [(node.lineno, m) for m in mods]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name.split('.')[1]) for a in node.names
                      if a.name.startswith('dataset_distillation.')]
        elif (isinstance(node, ast.Call)
              and getattr(node.func, 'attr', getattr(node.func, 'id', None)) == 'import_module'):
            arg = node.args[0] if node.args else None
            ok = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            found.append((node.lineno, arg.value.removeprefix('dataset_distillation.') if ok else None))
    return [(line, m) for line, m in found if m != module]

if __name__ == '__main__':
    order, bad, arrows = chapters(), [], 0
    for path in sorted(PKG.glob('*.py')):
        module = path.stem
        if module in ('__init__', '_modidx'): continue
        if module not in order:
            bad.append(f"{path.name}: no notebook exports it (#| default_exp {module})")
            continue
        for line, target in imported(ast.parse(path.read_text()), module):
            arrows += 1
            if target is None:
                bad.append(f"{path.name}:{line}: a dynamic import (import_module of a computed name) cannot be checked")
            elif target not in order:
                continue  # not a module of ours (e.g. a name imported from the package's __init__)
            elif order[target][0] >= order[module][0]:
                bad.append(f"{path.name}:{line}: imports {target} ({order[target][1]}), "
                           f"a later chapter than {order[module][1]}")
    print('\n'.join(bad) if bad
          else f"check_imports: {arrows} imports between {len(order)} modules, each from an earlier chapter")
    sys.exit(1 if bad else 0)
