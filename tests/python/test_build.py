"""The build: the cdef is generated from the headers and covers the whole
API, the package wraps every function, and the version guard works."""
import os
import re
import subprocess
import sys
import sysconfig

import pytest

import fluxacct
from fluxacct import lib
from conftest import SOURCE_ROOT, BUILD_ROOT, PYTHON_DIR

PKG_DIR = os.path.dirname(fluxacct.__file__)
INCLUDE = os.path.join(SOURCE_ROOT, 'libfluxacct', 'include')
BUILD_INCLUDE = os.path.join(BUILD_ROOT, 'libfluxacct', 'include')

# Functions the package deliberately does not call, and why.
NOT_CALLED = {
    # results are copied into dicts, indexed by name in Python
    'fluxacct_rows_column_index',
    # json.dumps() of the copied dicts gives the same document
    'fluxacct_rows_to_json',
}


def exported_symbols():
    with open(os.path.join(SOURCE_ROOT, 'libfluxacct', 'libfluxacct.sym')) as f:
        return re.findall(r'^\s*(fluxacct_\w+);', f.read(), re.M)


def package_source():
    text = ''
    for name in os.listdir(PKG_DIR):
        if name.endswith('.py'):
            with open(os.path.join(PKG_DIR, name)) as f:
                text += f.read()
    return text


# Declared in <fluxacct/json.h>, which takes jansson's json_t: for C
# programs that already hold parsed JSON, not part of the cffi surface.
JANSSON_ONLY = {
    'fluxacct_jobspec_parse_json',
    'fluxacct_jobspec_count_json',
}


def test_cdef_covers_every_exported_function():
    missing = [s for s in exported_symbols()
               if not hasattr(lib, s) and s not in JANSSON_ONLY]
    assert missing == []


def test_package_calls_every_function():
    source = package_source()
    uncalled = [s for s in exported_symbols()
                if f'lib.{s}' not in source and s not in NOT_CALLED
                and s not in JANSSON_ONLY]
    assert uncalled == []


def test_cdef_has_only_fluxacct_declarations():
    with open(os.path.join(PKG_DIR, '_fluxacct.cdef')) as f:
        cdef = f.read()
    assert '#include' not in cdef and '# 1 "' not in cdef
    assert '__' not in cdef                       # no compiler internals
    for name in re.findall(r'(\w+)\s*\((?!\*)', cdef):
        assert name.startswith('fluxacct_'), name
    for name in re.findall(r'}\s*(\w+);|typedef struct \w+ (\w+);', cdef):
        assert any(n.startswith('fluxacct_') for n in name if n), name
    assert '#define FLUXACCT_UNLIMITED ...' in cdef
    assert lib.FLUXACCT_UNSET == -2**63


def test_make_cdef_drops_system_headers(tmp_path):
    inc = tmp_path / 'fluxacct'
    inc.mkdir()
    (inc / 'x.h').write_text(
        '#include <stdio.h>\n#include <stdint.h>\n'
        '#define FLUXACCT_X_LIMIT (INT64_MAX)\n#define FLUXACCT_X_GUARD\n'
        '#define FLUXACCT_X_NAME "x"\n#define FLUXACCT_X_MAX(a, b) a\n'
        'typedef struct { int64_t v; FILE *f; } fluxacct_x_t;\n'
        'int fluxacct_x (fluxacct_x_t *x, size_t n) __attribute__((nonnull));\n')
    out = tmp_path / 'x.cdef'
    subprocess.run([sys.executable, os.path.join(PYTHON_DIR, 'make_cdef.py'),
                    str(out), 'cc', '--', f'-I{tmp_path}', str(inc / 'x.h')],
                   check=True)
    text = out.read_text()
    assert 'printf' not in text and 'typedef' in text
    assert 'int fluxacct_x (fluxacct_x_t *x, size_t n) ;' in text
    assert '#define FLUXACCT_X_LIMIT ...' in text
    for name in ('GUARD', 'NAME', 'MAX'):
        assert f'FLUXACCT_X_{name}' not in text


def compile_extension(tmp_path, version):
    c = tmp_path / '_fluxacct.c'
    subprocess.run([sys.executable,
                    os.path.join(PYTHON_DIR, '_fluxacct_build.py'),
                    os.path.join(PKG_DIR, '_fluxacct.cdef'), version, str(c)],
                   check=True)
    return subprocess.run(
        ['cc', '-fsyntax-only', f'-I{INCLUDE}', f'-I{BUILD_INCLUDE}',
         '-I' + sysconfig.get_paths()['include'], str(c)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_version_guard(tmp_path):
    if not os.path.isdir(BUILD_INCLUDE):
        pytest.skip('no build tree')
    ok = compile_extension(tmp_path, fluxacct.__version__)
    assert ok.returncode == 0, ok.stdout
    major, minor, micro = fluxacct.__version__.split('.')
    bad = compile_extension(tmp_path, f'{major}.{int(minor) + 1}.{micro}')
    assert bad.returncode != 0
    assert 'is not version' in bad.stdout


def test_library_matches_headers():
    assert fluxacct.version() == fluxacct.__version__
