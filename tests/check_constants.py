#!/usr/bin/python3
"""The ABI check's second half: the values of the public constants.

abidiff (check_abi.sh) sees the types and functions the library exports,
not the values of the FLUXACCT_* macros and enum constants a program
compiles in (flags, hold bits, job states, limits).  This compiles a
program that prints every one of them and compares the values with the
baseline tests/abi/constants.txt: a constant that disappears or changes
value fails; a new one passes.  Version macros may only grow: a versioned
struct's FLUXACCT_*_VERSION (libfluxacct(3), "API RULES"), the library's
FLUXACCT_VERSION_MINOR/MICRO and the database's FLUXACCT_SCHEMA_VERSION.

usage: check_constants.py CC INCLUDE_DIR GENERATED_INCLUDE_DIR BASELINE [--write]
(--write rewrites the baseline: scripts/abi-baseline does, on purpose)"""
import os
import re
import subprocess
import sys
import tempfile

# The one reader of the headers' integer FLUXACCT_* macros, shared with the
# Python bindings' cdef generator.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'bindings', 'python'))
from make_cdef import constants  # noqa: E402

MAY_GROW = re.compile(r'^FLUXACCT_\w+_VERSION$')
MAY_CHANGE = {'FLUXACCT_VERSION_MINOR', 'FLUXACCT_VERSION_MICRO'}


def names(cc, incdirs):
    """Integer FLUXACCT_* macros and enum constants of the public headers."""
    flags = [f'-I{d}' for d in incdirs] + jansson_cflags()
    src = '#include <fluxacct/fluxacct.h>\n#include <fluxacct/json.h>\n'
    with tempfile.TemporaryDirectory() as d:
        header = os.path.join(d, 'all.h')
        with open(header, 'w') as f:
            f.write(src)
        out = set(constants(cc + flags, header))
    text = subprocess.run(cc + flags + ['-E', '-P', '-x', 'c', '-'],
                          input=src, check=True, capture_output=True,
                          text=True).stdout
    for body in re.findall(r'enum\s*\w*\s*\{(.*?)\}', text, flags=re.S):
        out |= set(re.findall(r'\b(FLUXACCT_\w+)\s*=', body))
    return sorted(out)


def jansson_cflags():
    return subprocess.run(['pkg-config', '--cflags', 'jansson'],
                          capture_output=True, text=True).stdout.split()


def values(cc, incdirs, consts):
    with tempfile.TemporaryDirectory() as d:
        c = os.path.join(d, 'consts.c')
        exe = os.path.join(d, 'consts')
        with open(c, 'w') as f:
            f.write('#include <stdio.h>\n#include <fluxacct/fluxacct.h>\n'
                    '#include <fluxacct/json.h>\nint main (void)\n{\n')
            for n in consts:
                f.write(f'    printf ("%s %lld\\n", "{n}", (long long)({n}));\n')
            f.write('    return 0;\n}\n')
        flags = [f'-I{d}' for d in incdirs] + jansson_cflags()
        subprocess.run(cc + flags + [c, '-o', exe], check=True)
        out = subprocess.run([exe], check=True, capture_output=True,
                             text=True).stdout
    return dict((k, int(v)) for k, v in
                (line.split() for line in out.splitlines()))


def main(argv):
    write = '--write' in argv
    argv = [a for a in argv if a != '--write']
    if len(argv) != 5:
        sys.exit(__doc__)
    cc, incdir, genincdir, baseline = argv[1].split(), argv[2], argv[3], argv[4]
    incdirs = [genincdir, incdir]
    now = values(cc, incdirs, names(cc, incdirs))
    if write:
        with open(baseline, 'w') as f:
            f.write('# FLUXACCT_* constants of libfluxacct 1.0 and their values '
                    '(tests/check_constants.py; scripts/abi-baseline)\n')
            for k in sorted(now):
                f.write(f'{k} {now[k]}\n')
        print(f'check_constants: wrote {len(now)} constants to {baseline}')
        return 0
    base = {}
    for line in open(baseline):
        if line.strip() and not line.startswith('#'):
            k, v = line.split()
            base[k] = int(v)
    problems = []
    for k, v in sorted(base.items()):
        if k not in now:
            problems.append(f'{k}: removed (was {v})')
        elif k in MAY_CHANGE or (MAY_GROW.match(k) and now[k] >= v):
            continue
        elif now[k] != v:
            problems.append(f'{k}: {v} -> {now[k]}')
    for p in problems:
        print(p)
    added = sorted(set(now) - set(base))
    print(f'check_constants: {len(base)} constants in the baseline, '
          f'{len(added)} added, {len(problems)} changed or removed')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
