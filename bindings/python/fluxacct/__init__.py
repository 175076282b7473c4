"""fluxacct: Python bindings for libfluxacct, Flux bank accounting.

    import fluxacct
    fluxacct.create_db('/tmp/acct.db')
    with fluxacct.Database('/tmp/acct.db') as db:
        db.add_bank('root')
        db.add_bank('physics', shares=3, parent='root')
        db.add_user('alice', 'physics', userid=5001, max_running_jobs=10)
        print(db.view_user('alice'))
        with fluxacct.PriorityEngine(db) as engine:  # mf_priority's decisions
            engine.job_new(1, 5001, bank='physics')
            print(engine.job_priority(1).priority)   # 50000

Errors raise subclasses of :class:`fluxacct.Error` (an OSError) carrying the
C library's errno and message: NotFound, AlreadyExists, InvalidArgument,
PermissionDenied (alias HierarchyError), Busy, ReadOnly, NotADatabase, ...
"""
from ._core import lib, pystr, HEADER_VERSION
from .errors import (Error, NotFound, AlreadyExists, InvalidArgument,
                     OutOfRange, PermissionDenied, HierarchyError,
                     AccessDenied, Busy, ReadOnly, NotADatabase, ClosedError)
from .database import (create_db, default_db_path, Database, ImportStats,
                       CsvStats, MigrateStats, migrate_db,
                       UsageStats, UNLIMITED, RESET)
from .fairshare import FairShareTree, FairShareNode
from .parse import (RCount, JobspecInfo, idset_count, r_count,
                    jobspec_parse, fsd_parse, fsd_format, time_parse,
                    jobid_parse, jobid_encode)
from .priority import (PriorityEngine, JobState, Hold, JobPriority,
                       DependResult, Release, hold_name, hold_names,
                       PRIORITY_MAX)
from . import plugin_feed

#: Version of the fluxacct.h the bindings were compiled against.
__version__ = '%d.%d.%d' % HEADER_VERSION

#: Schema version this library reads and writes (PRAGMA user_version).
SCHEMA_VERSION = lib.FLUXACCT_SCHEMA_VERSION


def version():
    """The version of the libfluxacct shared library actually loaded."""
    return pystr(lib.fluxacct_version())


def version_number():
    """The loaded library's version as MAJOR * 10000 + MINOR * 100 + MICRO."""
    return lib.fluxacct_version_number()


__all__ = [
    'Error', 'NotFound', 'AlreadyExists', 'InvalidArgument', 'OutOfRange',
    'PermissionDenied', 'HierarchyError', 'AccessDenied', 'Busy', 'ReadOnly',
    'NotADatabase', 'ClosedError',
    'create_db', 'default_db_path', 'Database', 'ImportStats', 'UsageStats',
    'CsvStats', 'MigrateStats', 'migrate_db',
    'UNLIMITED', 'RESET', 'SCHEMA_VERSION', 'FairShareTree', 'FairShareNode',
    'RCount', 'JobspecInfo', 'idset_count', 'r_count', 'jobspec_parse',
    'fsd_parse', 'fsd_format', 'time_parse', 'jobid_parse', 'jobid_encode',
    'PriorityEngine', 'JobState', 'Hold', 'JobPriority', 'DependResult',
    'Release', 'hold_name', 'hold_names', 'PRIORITY_MAX',
    'plugin_feed', 'version', 'version_number',
]
