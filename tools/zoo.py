"""Keep the zoo (`zoo/`): add a set with the command that made it, or check every file against the manifest.

Usage: python tools/zoo.py add NAME SET.pt --command "dd_distill ..." [--note "..."]
       python tools/zoo.py check

`add` copies SET.pt (evaluated and recorded with `dd_eval --record` first: the manifest copies its records) to
`zoo/NAME.pt` and writes its entry (`distilled.zoo_entry`), replacing an entry of the same name; `check` loads every
set through `zoo:NAME` (sha256 and format checks) and reports the zoo's size.
"""
import argparse, os, shutil, sys
from pathlib import Path

ZOO = Path(__file__).resolve().parent.parent / 'zoo'
LIMIT = 20 * 2**20  # bytes: the zoo stays small enough to live in the repository

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('action', choices=['add', 'check'])
    ap.add_argument('name', nargs='?')
    ap.add_argument('set', nargs='?')
    ap.add_argument('--command', default='')
    ap.add_argument('--note', default='')
    a = ap.parse_args()
    os.environ['DD_ZOO'] = str(ZOO)
    from dataset_distillation.distilled import DistilledSet, write_zoo_manifest, zoo_entry, zoo_manifest
    ZOO.mkdir(exist_ok=True)
    sets = zoo_manifest() if (ZOO / 'manifest.json').is_file() else {}
    if a.action == 'add':
        if not (a.name and a.set and a.command): sys.exit('add needs NAME, SET.pt and --command')
        shutil.copy(a.set, ZOO / f'{a.name}.pt')
        sets[a.name] = zoo_entry(ZOO / f'{a.name}.pt', a.name, a.command, a.note)
        write_zoo_manifest(ZOO, list(sets.values()))
    for name in sets: DistilledSet.load(f'zoo:{name}')
    size = sum((ZOO / e['file']).stat().st_size for e in sets.values())
    print(f'zoo: {len(sets)} sets, {size / 2**20:.2f} MB, every sha256 as the manifest says')
    if size > LIMIT: sys.exit(f'the zoo is over {LIMIT / 2**20:.0f} MB')
