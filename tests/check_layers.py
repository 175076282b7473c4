#!/usr/bin/python3
"""The library's modules call only down.

Usage: check_layers.py NM LIBDIR

Reads the module archives libfluxacct/libfluxacct_<module>.a that the build
makes (one per folder under libfluxacct/src), finds which module defines
each symbol, and fails if a module refers to a symbol of a module it may not
call (ALLOWED below, the same table as libfluxacct/src/README.md), or if
modules call each other in a cycle.
"""
import os
import subprocess
import sys

# module -> the modules it may call (lowest first in the README's map)
ALLOWED = {
    "util": set(),
    "parse": {"util"},
    "fairshare_calc": {"util"},
    "engine": {"util", "parse"},
    "core": {"util", "parse"},
    "model": {"util", "parse", "core"},
    "jobs": {"util", "parse", "core", "model"},
    "usage": {"util", "parse", "core", "model"},
    "fairshare_db": {"util", "parse", "core", "model", "usage",
                     "fairshare_calc"},
    "admin": {"util", "parse", "core", "model", "jobs", "usage",
              "fairshare_calc", "fairshare_db", "engine"},
}


def symbols(nm, archive):
    out = subprocess.run([nm, "-g", archive], check=True,
                         capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] not in "Uw":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def main():
    nm, libdir = sys.argv[1], sys.argv[2]
    owner, refs = {}, {}
    for mod in ALLOWED:
        path = os.path.join(libdir, "libfluxacct_%s.a" % mod)
        if not os.path.exists(path):
            print("missing module archive %s" % path)
            return 1
        defined, undefined = symbols(nm, path)
        for s in defined:
            owner[s] = mod
        refs[mod] = undefined - defined
    bad = 0
    for mod, undefined in refs.items():
        for s in sorted(undefined):
            to = owner.get(s)
            if to is None or to == mod:
                continue
            if to not in ALLOWED[mod]:
                print("%s calls %s in %s, which it may not" % (mod, s, to))
                bad += 1
    # the table itself must be acyclic
    state = {}
    for start in ALLOWED:
        stack = [(start, iter(sorted(ALLOWED[start])))]
        state[start] = "open"
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = "done"
                stack.pop()
            elif state.get(nxt) == "open":
                print("cycle through %s and %s" % (node, nxt))
                return 1
            elif nxt not in state:
                state[nxt] = "open"
                stack.append((nxt, iter(sorted(ALLOWED[nxt]))))
    print("%d modules, %d symbols, %d upward calls" % (len(ALLOWED), len(owner), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
