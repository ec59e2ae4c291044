"""Check that the names the notebooks' prose puts in backticks exist in the package.

Usage: python tools/check_names.py   (exit 1 and one line per offender, else exit 0 and a summary line)

The package is read with `ast` (nothing is imported). A backticked span in a markdown cell is checked when it is one
token `name` or `a.b.c`, or a call of one (`name()`, `a.b(x, k=1)`: the callee is checked), and
- its first dotted part is a module of the package (`engine`, `dataset_distillation.engine`): the next part must be a
  name the module defines (not one it imports), and a part after a class must be a member of that class;
- or its first part is a name some module defines: after a class, the next part must be a member of the class
  (its methods, class attributes and dataclass fields, `self.x` assignments, `@patch`ed methods, inherited members);
- or it is a bare snake_case (or UPPER_CASE) name with an underscore: the package must mention it somewhere (a
  definition, a parameter or field, an imported name, an attribute or keyword it uses, or a string key such as
  `eval_augment`), or `OUTSIDE` must list it.
Everything else (`torch.func`, `nn.Module`, `--flags`, `k=v`, `set.pt`, literals, math) is not ours and is skipped.
"""
import ast, builtins, json, keyword, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / 'dataset_distillation'
SPAN = re.compile(r'(?<!`)`([^`]+)`(?!`)')  # a code span may wrap lines, as in markdown
TOKEN = re.compile(r'([A-Za-z_][\w.]*)(\(.*\))?')
SNAKE = re.compile(r'_*[a-z][a-z0-9]*(_[a-z0-9]+)+_*|_*[A-Z][A-Z0-9]*(_[A-Z0-9]+)+_*')
# names of other projects that the prose names bare: nbdev's tools, the reference code's functions, a torch method
OUTSIDE = {'nbdev_export', 'nbdev_clean', 'nbdev_test', 'show_doc', 'distance_wb', 'get_daparam', 'clamp_min'}
FILE_EXTS = {'py', 'pt', 'ipynb', 'json', 'jsonl', 'md', 'gz', 'yml', 'yaml', 'csv', 'png', 'txt', 'log', 'sh'}

def patched_class(fn):
    "The class names a `@patch`ed function's first parameter is annotated with (`self: A` or `self: A|B`)."
    names = [getattr(d.func if isinstance(d, ast.Call) else d, 'id', None) for d in fn.decorator_list]  # @patch(...)
    if 'patch' not in names or not fn.args.args: return []
    ann = fn.args.args[0].annotation
    return [n.id for n in ast.walk(ann) if isinstance(n, ast.Name)] if ann is not None else []

def assigned(node):
    "The names an assignment binds."
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}

def class_members(cls):
    "Methods, class attributes and fields, and `self.x` attributes assigned in a class body."
    out = set()
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): out.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name): out.add(node.target.id)
        elif isinstance(node, ast.Assign): out |= assigned(node)
    out |= {n.attr for n in ast.walk(cls) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
            and isinstance(n.value, ast.Name) and n.value.id in ('self', 'cls')}
    return out

def read_package():
    "Module -> names it defines; class -> (members, base names); every identifier the package mentions."
    modules, classes, mentioned = {}, {}, set()
    for path in sorted(PKG.glob('*.py')):
        if path.name.startswith('_'): continue
        tree = ast.parse(path.read_text())
        defined = set()
        for node in tree.body:
            nested = isinstance(node, (ast.If, ast.Try))  # definitions under a top-level `if` or `try` count too
            for n in [b for b in ast.walk(node) if isinstance(b, ast.stmt)] if nested else [node]:
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    if not patched_class(n): defined.add(n.name)
                elif isinstance(n, (ast.Assign, ast.AnnAssign)): defined |= assigned(n)
        modules[path.stem] = defined
        for n in ast.walk(tree):
            if isinstance(n, ast.ClassDef):
                members, bases = classes.get(n.name, (set(), []))
                bases += [b.id for b in n.bases if isinstance(b, ast.Name)]
                classes[n.name] = (members | class_members(n), bases)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for c in patched_class(n): classes.setdefault(c, (set(), []))[0].add(n.name)
            name = next((getattr(n, a) for a in ('id', 'attr', 'arg', 'name', 'value') if hasattr(n, a)), None)
            if isinstance(name, str) and name.isidentifier(): mentioned.add(name)
            if isinstance(n, ast.alias): mentioned |= set((n.asname or n.name).split('.'))
    return modules, classes, mentioned

def has_member(classes, cls, name, seen=()):
    "Whether class `cls` (or a package class it derives from) defines `name`."
    if cls not in classes or cls in seen: return False
    members, bases = classes[cls]
    return name in members or any(has_member(classes, b, name, seen + (cls,)) for b in bases)

def check(token, modules, classes, mentioned):
    "An error message for a backticked token that is ours and does not resolve, else None."
    parts = token.split('.')
    if parts[-1] in FILE_EXTS and len(parts) > 1: return None
    if parts[0] == PKG.name: parts = parts[1:] or [PKG.name]
    defined = set().union(*modules.values())
    if parts[0] in modules:
        if len(parts) == 1: return None
        if parts[1] not in modules[parts[0]]: return f"module {parts[0]} defines no {parts[1]}"
        parts = parts[1:]
    elif parts[0] not in defined:
        bare = len(parts) == 1 and SNAKE.fullmatch(parts[0])
        ok = parts[0] in mentioned or parts[0] in OUTSIDE or keyword.iskeyword(parts[0]) or hasattr(builtins, parts[0])
        return None if not bare or ok else f"{parts[0]} is not defined or used in the package"
    if len(parts) > 1 and parts[0] in classes and not has_member(classes, parts[0], parts[1]):
        return f"class {parts[0]} has no member {parts[1]}"
    return None

def markdown_spans(nb_path):
    "The backticked spans of a notebook's markdown cells, outside fenced code blocks."
    for cell in json.loads(nb_path.read_text())['cells']:
        if cell['cell_type'] != 'markdown': continue
        text = re.sub(r'```.*?```', '', ''.join(cell['source']), flags=re.S)
        yield from (' '.join(s.split()) for s in SPAN.findall(text))

def main():
    modules, classes, mentioned = read_package()
    offenders, n_checked = [], 0
    notebooks = sorted((ROOT / 'nbs').glob('*.ipynb'))
    for nb in notebooks:
        for span in markdown_spans(nb):
            if not (m := TOKEN.fullmatch(span)): continue
            n_checked += 1
            if (msg := check(m[1], modules, classes, mentioned)):
                offenders.append(f"{nb.relative_to(ROOT)}: `{span}`: {msg}")
    for line in dict.fromkeys(offenders): print(line)
    if offenders: sys.exit(1)
    print(f"check_names: {n_checked} backticked names in {len(notebooks)} notebooks, all resolve")

if __name__ == '__main__': main()
