#!/usr/bin/python3
"""Write the C source of the fluxacct._fluxacct cffi extension (API mode).

usage: _fluxacct_build.py CDEF VERSION OUTPUT.c

CDEF is the declaration file make_cdef.py generated from fluxacct.h; VERSION
is the libfluxacct version the bindings are built for (MAJOR.MINOR.MICRO).
The generated C source refuses to compile (#error) against headers of any
other version, and meson compiles it against the libfluxacct built beside it.
"""
import contextlib
import io
import sys

import cffi

# Declarations that are ours, not the library's: the Python function the
# import calls report problems through (a fluxacct_report_f), and free() for
# the strings the library returns with ownership.
EXTRA = '''
extern "Python" void _fluxacct_report (void *arg, const char *msg);
void free (void *ptr);
'''


def build(cdef_path, version, output):
    major, minor, micro = (int(x) for x in version.split('.'))
    with open(cdef_path) as f:
        cdef = f.read()
    ffi = cffi.FFI()
    ffi.set_source('fluxacct._fluxacct', f'''
#include <stdlib.h>
#include <fluxacct/fluxacct.h>
#if FLUXACCT_VERSION_MAJOR != {major} || FLUXACCT_VERSION_MINOR != {minor} \\
    || FLUXACCT_VERSION_MICRO != {micro}
#error "fluxacct.h is not version {version}, the version these bindings are built for"
#endif
''')
    ffi.cdef(cdef + EXTRA)
    with contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating"
        ffi.emit_c_code(output)


if __name__ == '__main__':
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    build(*sys.argv[1:])
