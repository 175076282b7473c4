"""Filling the library's *_fields_t / *_options_t structs from keyword
arguments.  The field names and types are read from the generated cdef, so a
field the C API gains is accepted here without code changes."""
import datetime
import math

from ._core import ffi, lib

UNLIMITED = lib.FLUXACCT_UNLIMITED


class StructSpec:
    """Field names and Python kinds ('str', 'int', 'float') of one C struct,
    and how to initialise it to "not given"."""

    def __init__(self, ctype, init=None, skip=('version',)):
        self.name = ctype
        self.ctype = ffi.typeof(ctype)
        self.ptype = ffi.typeof(ctype + ' *')
        self.init = init
        self.kinds = {}
        for name, field in self.ctype.fields:
            if name in skip:
                continue
            t = field.type
            if t.kind == 'pointer':
                self.kinds[name] = 'str'
            elif t.cname in ('double', 'float'):
                self.kinds[name] = 'float'
            else:
                self.kinds[name] = 'int'
        self.size = ffi.sizeof(self.ctype)
        blank = ffi.new(self.ptype)
        if init is not None:
            init(blank)
        self.blank = bytes(ffi.buffer(blank))

    def new(self, count=None):
        """A struct (or an array of `count`) with every field "not given"."""
        if count is None:
            p = ffi.new(self.ptype)
            ffi.memmove(p, self.blank, self.size)
        else:
            p = ffi.new(self.name + '[]', count)
            if count:
                ffi.memmove(p, self.blank * count, self.size * count)
        return p

    def fill(self, p, fields, keep, what):
        """Set the fields named in the dict `fields` (None values are skipped,
        meaning "not given").  `keep` is a dict that owns the C strings until
        the call is made; equal strings share one copy (add_users() reuses a
        bank name many times)."""
        kinds = self.kinds
        for name, value in fields.items():
            if value is None:
                continue
            kind = kinds.get(name)
            if kind is None:
                raise TypeError(f'{what}: unknown field {name!r} (fields: '
                                f'{", ".join(sorted(kinds))})')
            if kind == 'str':
                b = text_value(value, name)
                c = keep.get(b)
                if c is None:
                    c = keep[b] = ffi.new('char[]', b)
                setattr(p, name, c)
            elif kind == 'int':
                setattr(p, name, int_value(value, name))
            else:
                setattr(p, name, float_value(value, name))


def text_value(value, name):
    """A string field: str, a list of names (joined with commas), or -1
    (reset to the default)."""
    if isinstance(value, str):
        return value.encode('utf-8', 'surrogateescape')
    if isinstance(value, bytes):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return ','.join(items).encode('utf-8', 'surrogateescape')
    if value == -1 and not isinstance(value, bool):
        return b'-1'
    raise TypeError(f'{name} must be a str or a list of str, '
                    f'not {type(value).__name__}')


def int_value(value, name):
    """An integer field: an int, or 'unlimited' (FLUXACCT_UNLIMITED)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value == 'unlimited':
        return UNLIMITED
    raise TypeError(f'{name} must be an int, not {type(value).__name__}')


def float_value(value, name):
    """A real field: a number, or a datetime (as epoch seconds)."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f'{name} must be a number, not {type(value).__name__}')


def seconds(value, name, parse):
    """A duration: number of seconds, timedelta, or a Flux Standard Duration
    string such as '14d' (parsed by the library)."""
    if isinstance(value, str):
        return parse(value)
    return float_value(value, name)


def time_or_nan(value, name, parse):
    """A point in time for calls taking NAN as "now": None -> NAN; number,
    datetime, or a timestamp string (parsed by the library)."""
    if value is None:
        return math.nan
    if isinstance(value, str):
        return parse(value)
    return float_value(value, name)


BANK = StructSpec('fluxacct_bank_fields_t', lib.fluxacct_bank_fields_init)
ASSOC = StructSpec('fluxacct_assoc_fields_t', lib.fluxacct_assoc_fields_init)
QUEUE = StructSpec('fluxacct_queue_fields_t', lib.fluxacct_queue_fields_init)
CREATE = StructSpec('fluxacct_db_create_options_t',
                    lib.fluxacct_db_create_options_init)
