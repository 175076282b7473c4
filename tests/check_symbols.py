#!/usr/bin/python3
"""The library exports exactly the functions its public headers declare,
and the version script lists exactly those names.

usage: check_symbols.py LIBFLUXACCT.so INCLUDE_DIR SYMFILE"""
import glob
import os
import re
import subprocess
import sys

lib, incdir, symfile = sys.argv[1:4]

declared = set()
for h in glob.glob(os.path.join(incdir, 'fluxacct', '*.h')) + \
        glob.glob(os.path.join(incdir, 'fluxacct', '*.h.in')):
    text = re.sub(r'/\*.*?\*/', '', open(h).read(), flags=re.S)
    text = re.sub(r'#define[^\n]*(\\\n[^\n]*)*', '', text)
    declared |= set(re.findall(r'\b(fluxacct_[a-z0-9_]+)\s*\(', text))

out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                     capture_output=True, text=True).stdout
exported = set()
for line in out.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in 'TtWi':
        exported.add(parts[2].split('@')[0])

sym = set(re.findall(r'^\s*(fluxacct_[a-z0-9_]+);', open(symfile).read(),
                     flags=re.M))
ok = True
for name, a, b in (('exported but not declared', exported, declared),
                   ('declared but not exported', declared, exported),
                   ('in the version script but not declared', sym, declared),
                   ('declared but not in the version script', declared, sym)):
    diff = sorted(a - b)
    if diff:
        ok = False
        print(f'{name}: {", ".join(diff)}')
others = sorted(s for s in exported if not s.startswith('fluxacct_'))
if others:
    ok = False
    print('exported symbols without the fluxacct_ prefix: ' + ', '.join(others))
print(f'{len(declared)} declared, {len(exported)} exported')
sys.exit(0 if ok else 1)
