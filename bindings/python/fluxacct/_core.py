"""Shared plumbing: the cffi module, string conversion, error checks, and
copying result tables out of fluxacct_rows_t.  Private to the package."""
import os

from ._fluxacct import ffi, lib
from .errors import error_for

#: Version of the headers the extension was compiled against.
HEADER_VERSION = (lib.FLUXACCT_VERSION_MAJOR, lib.FLUXACCT_VERSION_MINOR,
                  lib.FLUXACCT_VERSION_MICRO)


def _check_library_version():
    """Refuse to load against a libfluxacct.so of another version than the
    headers the extension was built with (e.g. a stale LD_LIBRARY_PATH)."""
    loaded = ffi.string(lib.fluxacct_version()).decode()
    built = '%d.%d.%d' % HEADER_VERSION
    if loaded != built:
        raise ImportError(f'fluxacct: the bindings were built for libfluxacct '
                          f'{built} but libfluxacct {loaded} is loaded')


_check_library_version()


def cstr(value, what='value'):
    """str, bytes or path-like -> bytes for a `const char *` argument;
    None -> NULL."""
    if value is None:
        return ffi.NULL
    if isinstance(value, str):
        return value.encode('utf-8', 'surrogateescape')
    if isinstance(value, bytes):
        return value
    if isinstance(value, os.PathLike):
        return os.fsencode(value)
    raise TypeError(f'{what} must be a str, not {type(value).__name__}')


def pystr(ptr):
    """A borrowed `const char *` -> str (None for NULL)."""
    if ptr == ffi.NULL:
        return None
    return ffi.string(ptr).decode('utf-8', 'surrogateescape')


def new_error():
    """A zeroed fluxacct_error_t for one call."""
    return ffi.new('fluxacct_error_t *')


def raise_error(err, errnum=None):
    """Raise the fluxacct.Error subclass for the errno of the C call that
    just failed, with the text it left in `err`."""
    if errnum is None:
        errnum = ffi.errno
    text = ffi.string(err.text).decode('utf-8', 'replace') if err else ''
    raise error_for(errnum, text)


def check(rc, err):
    """Raise for a -1 return; return rc otherwise."""
    if rc < 0:
        raise_error(err)
    return rc


def check_ptr(ptr, err):
    """Raise for a NULL return; return ptr otherwise."""
    if ptr == ffi.NULL:
        raise_error(err)
    return ptr


_T_INT = lib.FLUXACCT_TYPE_INT
_T_REAL = lib.FLUXACCT_TYPE_REAL
_T_TEXT = lib.FLUXACCT_TYPE_TEXT


def take_rows(rows):
    """Copy a fluxacct_rows_t into a list of dicts keyed by column name
    (values int, float, str or None), then destroy it."""
    try:
        ncols = lib.fluxacct_rows_columns(rows)
        names = [pystr(lib.fluxacct_rows_column_name(rows, c))
                 for c in range(ncols)]
        cols = list(enumerate(names))
        rtype, rint = lib.fluxacct_rows_type, lib.fluxacct_rows_int
        rreal, rtext = lib.fluxacct_rows_real, lib.fluxacct_rows_text
        out = []
        for r in range(lib.fluxacct_rows_count(rows)):
            row = {}
            for c, name in cols:
                t = rtype(rows, r, c)
                if t == _T_INT:
                    row[name] = rint(rows, r, c)
                elif t == _T_REAL:
                    row[name] = rreal(rows, r, c)
                elif t == _T_TEXT:
                    row[name] = pystr(rtext(rows, r, c))
                else:
                    row[name] = None
            out.append(row)
        return out
    finally:
        lib.fluxacct_rows_destroy(rows)


def take_string(ptr):
    """Copy a malloc'd `char *` the caller owns into a str and free() it."""
    try:
        return pystr(ptr)
    finally:
        lib.free(ptr)
