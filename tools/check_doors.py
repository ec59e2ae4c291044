"""Check that every file the package reads goes through one of its checked readers (the doors of the distilled chapter).

Usage: python tools/check_doors.py   (exit 1 and one line per offender, else exit 0 and a summary line)

A set, checkpoint, expert or imported tensor file is read by `read_record` (archive checks before `torch.load`), a JSON
or YAML document by `read_document` (bounded, no YAML aliases), a run log by `read_lines`, an image by `read_image`
(size before decoding, real bit depth). This script reads the package with `ast` and reports any other call that reads
a file's content: `torch.load`, `pickle.load(s)`, `numpy.load`, `json.load`, anything of `yaml`, PIL's `Image.open`,
`Path.read_text`/`read_bytes`, and `open` without a write mode. Calls inside functions (nested ones included) are
checked, lazy imports too, since they are plain calls here.
"""
import ast, sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / 'dataset_distillation'
DOORS = {('distilled', 'read_record'), ('distilled', 'read_document'), ('distilled', '_yaml'),
         ('distilled', 'read_lines'), ('distilled', 'read_image')}
ALLOWED = {('data', 'file_digest'): "hashes a file (torchvision's md5, the zoo's sha256): nothing is parsed"}
READS = {('torch', 'load'), ('pickle', 'load'), ('pickle', 'loads'), ('np', 'load'), ('numpy', 'load'),
         ('json', 'load'), ('Image', 'open'), ('PILImage', 'open')}

def call_name(node: ast.Call) -> tuple:
    "`(base, attr)` of a call such as `torch.load(...)` or `path.read_text()`; `(None, name)` for a bare name."
    f = node.func
    if isinstance(f, ast.Attribute): return (f.value.id if isinstance(f.value, ast.Name) else None, f.attr)
    return (None, f.id) if isinstance(f, ast.Name) else (None, None)

def reads(node: ast.Call) -> bool:
    "Whether the call reads a file's content outside a door."
    base, name = call_name(node)
    if (base, name) in READS or base == 'yaml' or name in ('read_text', 'read_bytes'): return True
    if (base, name) == (None, 'open'):
        mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == 'mode'), None)
        return not (isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in 'wax+'))
    return False

def offenders(path: Path) -> list:
    module, out = path.stem, []
    def visit(node, where):
        for child in ast.iter_child_nodes(node):
            inner = where
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = where or child.name  # the outermost function
            if isinstance(child, ast.Call) and reads(child) and (module, where) not in DOORS | set(ALLOWED):
                out.append(f"{path.name}:{child.lineno}: {ast.unparse(child.func)}(...) in {where or 'module level'}: "
                           "read files through distilled.read_record / read_document / read_lines / read_image")
            visit(child, inner)
    visit(ast.parse(path.read_text()), None)
    return out

if __name__ == '__main__':
    files = sorted(p for p in PKG.glob('*.py') if p.name != '_modidx.py')
    bad = [o for p in files for o in offenders(p)]
    print('\n'.join(bad) if bad
          else f"check_doors: every file read in {len(files)} modules goes through a checked reader")
    sys.exit(1 if bad else 0)
