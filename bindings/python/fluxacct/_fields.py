"""The library's versioned structs: every one the package passes (the
*_fields_t and *_options_t it fills, the stats and other output structs the
library fills) is made here, initialised by the library's own
fluxacct_X_init() with the header's FLUXACCT_X_VERSION; and filling the
*_fields_t structs from keyword arguments.  The field names and types are
read from the generated cdef, so a field the C API gains is accepted here
without code changes."""
import datetime
import math

from ._core import ffi, lib, raise_error

UNLIMITED = lib.FLUXACCT_UNLIMITED


class StructSpec:
    """Field names and Python kinds ('str', 'int', 'float') of one C struct,
    and how to initialise it to "not given".

    A versioned struct (libfluxacct(3), "API RULES") is initialised by the
    library's ``fluxacct_X_init (p, version)``: pass that function and the
    header's ``FLUXACCT_X_VERSION``.  Every struct :meth:`new` returns is a
    copy of that initialised one, so it carries the version the bindings
    were compiled against."""

    def __init__(self, ctype, init=None, version=None, skip=('version',)):
        if (init is None) != (version is None):
            raise TypeError(f'{ctype}: init and version go together')
        self.name = ctype
        self.ctype = ffi.typeof(ctype)
        self.ptype = ffi.typeof(ctype + ' *')
        self.init = init
        self.version = version
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
        if init is not None and init(blank, version) < 0:
            raise_error(None)
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


# Every versioned struct the package passes: input fields and options, and
# the output structs the library fills (which must be initialised too).
BANK = StructSpec('fluxacct_bank_fields_t', lib.fluxacct_bank_fields_init,
                  lib.FLUXACCT_BANK_FIELDS_VERSION)
ASSOC = StructSpec('fluxacct_assoc_fields_t', lib.fluxacct_assoc_fields_init,
                   lib.FLUXACCT_ASSOC_FIELDS_VERSION)
QUEUE = StructSpec('fluxacct_queue_fields_t', lib.fluxacct_queue_fields_init,
                   lib.FLUXACCT_QUEUE_FIELDS_VERSION)
CREATE = StructSpec('fluxacct_db_create_options_t',
                    lib.fluxacct_db_create_options_init,
                    lib.FLUXACCT_DB_CREATE_OPTIONS_VERSION)
USAGE_REPORT = StructSpec('fluxacct_usage_report_options_t',
                          lib.fluxacct_usage_report_options_init,
                          lib.FLUXACCT_USAGE_REPORT_OPTIONS_VERSION)
USAGE_STATS = StructSpec('fluxacct_usage_stats_t',
                         lib.fluxacct_usage_stats_init,
                         lib.FLUXACCT_USAGE_STATS_VERSION)
JOBS_IMPORT = StructSpec('fluxacct_jobs_import_options_t',
                         lib.fluxacct_jobs_import_options_init,
                         lib.FLUXACCT_JOBS_IMPORT_OPTIONS_VERSION)
JOBS_STATS = StructSpec('fluxacct_jobs_import_stats_t',
                        lib.fluxacct_jobs_import_stats_init,
                        lib.FLUXACCT_JOBS_IMPORT_STATS_VERSION)
JOBS_RECORD = StructSpec('fluxacct_jobs_record_t',
                         lib.fluxacct_jobs_record_init,
                         lib.FLUXACCT_JOBS_RECORD_VERSION)
MIGRATE = StructSpec('fluxacct_migrate_options_t',
                     lib.fluxacct_migrate_options_init,
                     lib.FLUXACCT_MIGRATE_OPTIONS_VERSION)
MIGRATE_STATS = StructSpec('fluxacct_migrate_stats_t',
                           lib.fluxacct_migrate_stats_init,
                           lib.FLUXACCT_MIGRATE_STATS_VERSION)
CSV_IMPORT = StructSpec('fluxacct_csv_import_options_t',
                        lib.fluxacct_csv_import_options_init,
                        lib.FLUXACCT_CSV_IMPORT_OPTIONS_VERSION)
CSV_STATS = StructSpec('fluxacct_csv_stats_t', lib.fluxacct_csv_stats_init,
                       lib.FLUXACCT_CSV_STATS_VERSION)
FSTREE_NODE = StructSpec('fluxacct_fstree_node_t',
                         lib.fluxacct_fstree_node_init,
                         lib.FLUXACCT_FSTREE_NODE_VERSION)
R_COUNT = StructSpec('fluxacct_r_count_t', lib.fluxacct_r_count_init,
                     lib.FLUXACCT_R_COUNT_VERSION)
JOBSPEC_INFO = StructSpec('fluxacct_jobspec_info_t',
                          lib.fluxacct_jobspec_info_init,
                          lib.FLUXACCT_JOBSPEC_INFO_VERSION)
JOBDESC = StructSpec('fluxacct_engine_jobdesc_t',
                     lib.fluxacct_engine_jobdesc_init,
                     lib.FLUXACCT_ENGINE_JOBDESC_VERSION)
JOBSPEC_UPDATE = StructSpec('fluxacct_engine_jobspec_update_t',
                            lib.fluxacct_engine_jobspec_update_init,
                            lib.FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION)
PRIORITY = StructSpec('fluxacct_engine_priority_t',
                      lib.fluxacct_engine_priority_init,
                      lib.FLUXACCT_ENGINE_PRIORITY_VERSION)
RELEASE = StructSpec('fluxacct_engine_release_t',
                     lib.fluxacct_engine_release_init,
                     lib.FLUXACCT_ENGINE_RELEASE_VERSION)
