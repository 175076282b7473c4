"""The accounting database: :func:`create_db` and :class:`Database`."""
import contextlib
import os
import errno
import dataclasses
import json
import threading

from ._core import (ffi, lib, check, check_ptr, cstr, new_error, pystr,
                    take_rows, take_string)
from . import _fields
from .errors import ClosedError
from .fairshare import FairShareTree
from .parse import fsd_parse, time_parse

__all__ = ['create_db', 'default_db_path', 'Database', 'ImportStats',
           'UsageStats', 'UNLIMITED', 'RESET']

def allocation_units(value):
    """An allocation: a number of weighted usage units (node-seconds with
    the default weights), or a string: plain units ('1800000') or hours
    with an 'h' suffix ('500000h' = 1.8e9 units)."""
    if isinstance(value, str):
        text = value.strip()
        scale = 1.0
        if text[-1:] in ('h', 'H'):
            text, scale = text[:-1], 3600.0
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"allocation must be a number of units or of "
                             f"hours such as '500000h', got {value!r}") \
                from None
        return number * scale
    return _fields.float_value(value, 'allocation')


#: "No limit" as stored in limit columns (2147483647).
UNLIMITED = lib.FLUXACCT_UNLIMITED
#: Field value that resets a field to its default in edit calls (-1).
RESET = lib.FLUXACCT_RESET


def default_db_path():
    """The database path used when none is given: $FLUXACCT_DB when set and
    non-empty, else the compiled-in default."""
    return pystr(lib.fluxacct_db_default_path())


def create_db(path, half_life=None, reset_period=None, decay_factor=None,
              mode=None, usage_epoch=None):
    """Create a new, empty accounting database at `path`.

    :param half_life: priority decay half-life: seconds, a timedelta, or a
        Flux Standard Duration such as ``"14d"`` (default 1 week)
    :param reset_period: usage reset period, the same forms (default 4 weeks)
    :param decay_factor: 0 < d < 1 (default 0.5)
    :param mode: file mode of the new file (default 0o644)
    :param usage_epoch: start of the usage periods: epoch seconds, datetime
        or timestamp string (default now)
    :raises AlreadyExists: the file exists and is not empty
    :raises InvalidArgument: a bad option (the message names it)
    """
    opts = _fields.CREATE.new()
    if half_life is not None:
        opts.priority_decay_half_life = _fields.seconds(
            half_life, 'half_life', fsd_parse)
    if reset_period is not None:
        opts.priority_usage_reset_period = _fields.seconds(
            reset_period, 'reset_period', fsd_parse)
    if decay_factor is not None:
        opts.decay_factor = _fields.float_value(decay_factor, 'decay_factor')
    if mode is not None:
        opts.mode = _fields.int_value(mode, 'mode')
    if usage_epoch is not None:
        opts.usage_epoch = _fields.time_or_nan(usage_epoch, 'usage_epoch',
                                               time_parse)
    err = new_error()
    check(lib.fluxacct_db_create(cstr(path, 'path'), opts, err), err)


@dataclasses.dataclass
class ImportStats:
    """Counters of a job import: lines read, records imported, duplicates
    skipped, malformed lines skipped, records stored without resources or
    without a known association yet, and the problem messages reported."""
    lines: int = 0
    imported: int = 0
    duplicates: int = 0
    malformed: int = 0
    no_resources: int = 0
    unknown: int = 0
    problems: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class UsageStats:
    """Counters of a usage update: records charged for the first time, new
    records contributing nothing, associations rewritten, whether all
    records were re-read, and the evaluation time used."""
    new_jobs: int
    uncharged: int
    associations: int
    full_recompute: bool
    now: float


@dataclasses.dataclass
class CsvStats:
    """Counters of export_csv / import_csv: files, data rows and bytes, and
    the problems reported (import_csv_dir)."""
    tables: int = 0
    rows: int = 0
    bytes: int = 0
    problems: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class MigrateStats:
    """What migrate_db() did (or, with dry_run, would do): migrated is
    False for a database that was already current; counters of the rows
    carried over; and the problems reported."""
    migrated: bool
    from_version: int
    associations: int
    banks: int
    queues: int
    qos: int
    projects: int
    jobs: int
    jobs_no_resources: int
    jobs_pending: int
    period_rows: int
    config_keys: int
    other_tables: int
    problems: list = dataclasses.field(default_factory=list)


def _string_list(items):
    """A list of str -> (NULL-terminated `const char *[]`, keep-alive)."""
    if items is None:
        return ffi.NULL, None
    keep = [ffi.new('char[]', cstr(i)) for i in items]
    return ffi.new('const char *[]', keep + [ffi.NULL]), keep


def migrate_db(path, dry_run=False, vacuum=False, progress=None):
    """Migrate a flux-accounting database (any release) in place to the
    libfluxacct schema, after writing PATH.backup, in one transaction (the
    CLI's update-db).  A current database is left as it is.  Returns
    :class:`MigrateStats`.  `progress`, if given, is called as
    ``progress(what, done, total)`` while job records are copied.  :raises
    ReadOnly, NotADatabase, InvalidArgument (duplicate bank names, ...)."""
    stats = _fields.MIGRATE_STATS.new()
    problems = []
    handle = ffi.new_handle(problems)
    err = new_error()
    opts = _fields.MIGRATE.new()
    opts.flags = ((lib.FLUXACCT_MIGRATE_DRY_RUN if dry_run else 0)
                  | (lib.FLUXACCT_MIGRATE_VACUUM if vacuum else 0))
    # one arg for both callbacks: report appends to `problems`, the
    # progress trampoline calls `progress`
    opts.report = lib._fluxacct_report
    opts.arg = handle
    cb = None
    if progress is not None:
        def trampoline(arg, what, done, total):
            progress(pystr(what), done, total)
        cb = ffi.callback('fluxacct_progress_f', trampoline)
        opts.progress = cb
    check(lib.fluxacct_migrate_db(cstr(path, 'path'), opts, stats, err), err)
    del cb  # the callback lives until the call has returned
    return MigrateStats(bool(stats.migrated), stats.from_version,
                        stats.associations, stats.banks, stats.queues,
                        stats.qos, stats.projects, stats.jobs,
                        stats.jobs_no_resources, stats.jobs_pending,
                        stats.period_rows, stats.config_keys,
                        stats.other_tables, problems)


@ffi.def_extern()
def _fluxacct_report(arg, msg):
    """fluxacct_report_f for the import calls: append to the list behind
    arg."""
    ffi.from_handle(arg).append(pystr(msg))


def _filters(filters):
    """Keyword filters -> a NULL-terminated `const char *[]` of "key=value"
    (lists become comma lists; a tuple of strings repeats the key)."""
    items = []
    for key, value in filters.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = '1' if value else '0'
        if isinstance(value, tuple):
            items += [f'{key}={v}' for v in value]
            continue
        if isinstance(value, (list, set, frozenset)):
            value = ','.join(str(v) for v in value)
        items.append(f'{key}={value}')
    if not items:
        return ffi.NULL, None
    keep = [ffi.new('char[]', s.encode('utf-8', 'surrogateescape'))
            for s in items]
    return ffi.new('const char *[]', keep + [ffi.NULL]), keep


def _fields_arg(fields):
    """fields=: None (all columns), "a,b" or a list of column names."""
    if fields is None:
        return ffi.NULL
    if not isinstance(fields, str):
        fields = ','.join(fields)
    return cstr(fields, 'fields')


class Database:
    """An open accounting database (one SQLite connection).

    Use as a context manager, or call :meth:`close`.  Every method is one
    transaction unless called inside :meth:`batch`.  Results are plain
    Python objects (lists of dicts keyed by column name) that do not depend
    on the database staying open.  A Database may be shared between threads
    (calls are serialised), but concurrent writers should each open their
    own: SQLite then makes them wait for each other.

    :param path: the database file (default: :func:`default_db_path`)
    :param readonly: open read-only (every change raises ReadOnly)
    :raises NotFound: the file does not exist
    :raises NotADatabase: not a libfluxacct database (the message says why)
    """

    def __init__(self, path=None, readonly=False):
        if path is None:
            path = default_db_path()
        self._lock = threading.RLock()
        self._progress_cb = None
        self._db = None
        err = new_error()
        flags = lib.FLUXACCT_DB_READONLY if readonly else 0
        db = check_ptr(lib.fluxacct_db_open(cstr(path, 'path'), flags, err),
                       err)
        self._db = ffi.gc(db, lib.fluxacct_db_close)
        self.readonly = bool(readonly)

    # -- lifetime ---------------------------------------------------------

    def close(self):
        """Close the database, rolling back a batch left open.  Idempotent;
        any later use raises ClosedError."""
        with self._lock:
            if self._db is not None:
                db, self._db = self._db, None
                ffi.release(db)

    @property
    def closed(self):
        """True after :meth:`close`."""
        return self._db is None

    def __enter__(self):
        self._handle()
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        if self._db is None:
            return '<fluxacct.Database closed>'
        return f'<fluxacct.Database {self.path!r}>'

    def _handle(self):
        if self._db is None:
            raise ClosedError(errno.EBADF, 'fluxacct: the database is closed')
        return self._db

    def _call(self, fn, *args):
        """fn(db, *args, &error) returning int: raise on -1."""
        err = new_error()
        with self._lock:
            rc = fn(self._handle(), *args, err)
            if rc < 0:
                check(rc, err)
        return rc

    def _rows(self, fn, *args):
        """fn(db, *args, &error) returning fluxacct_rows_t *: copied out."""
        err = new_error()
        with self._lock:
            rows = check_ptr(fn(self._handle(), *args, err), err)
        return take_rows(rows)

    def _one(self, fn, *args):
        rows = self._rows(fn, *args)
        return rows[0] if rows else None

    def _string(self, fn, *args):
        """fn(db, *args, &error) returning a malloc'd `char *`: copied out
        and freed."""
        err = new_error()
        with self._lock:
            p = check_ptr(fn(self._handle(), *args, err), err)
        return take_string(p)

    # -- database ---------------------------------------------------------

    @property
    def path(self):
        """The path the database was opened with."""
        with self._lock:
            return pystr(lib.fluxacct_db_path(self._handle()))

    @property
    def schema_version(self):
        """The database's schema version (PRAGMA user_version)."""
        with self._lock:
            return lib.fluxacct_db_schema_version(self._handle())

    def set_busy_timeout(self, ms):
        """Wait up to `ms` milliseconds for another writer before a call
        fails with Busy (default 30000 or $FLUXACCT_BUSY_TIMEOUT_MS)."""
        self._call(lib.fluxacct_db_set_busy_timeout, ms)

    def set_progress(self, callback):
        """Call ``callback(what, done, total)`` during long operations
        (job import, usage updates): `what` names the work, `done` out of
        `total` units (total 0 when unknown).  None removes it.  Exceptions
        raised by the callback are printed and ignored (the C operation
        cannot be interrupted half-way)."""
        if callback is None:
            with self._lock:
                lib.fluxacct_db_set_progress(self._handle(), ffi.NULL,
                                             ffi.NULL)
            self._progress_cb = None
            return

        def trampoline(arg, what, done, total):
            callback(pystr(what), done, total)

        cb = ffi.callback('fluxacct_progress_f', trampoline)
        with self._lock:
            lib.fluxacct_db_set_progress(self._handle(), cb, ffi.NULL)
        self._progress_cb = cb  # keep it alive as long as it is installed

    def begin(self):
        """Start a batch (nests); prefer :meth:`batch`."""
        self._call(lib.fluxacct_db_begin)

    def commit(self):
        """Commit the innermost batch."""
        self._call(lib.fluxacct_db_commit)

    def rollback(self):
        """Roll back the innermost batch."""
        self._call(lib.fluxacct_db_rollback)

    @contextlib.contextmanager
    def batch(self):
        """Context manager grouping calls into one transaction: committed
        when the block ends, rolled back if it raises.  Batches nest.  The
        write lock is taken at the start, so a batch never fails half-way
        with Busy.  A batch belongs to the handle: other threads calling
        this Database meanwhile write into it, so give each its own."""
        self.begin()
        try:
            yield self
        except BaseException:
            if not self.closed:
                self.rollback()
            raise
        self.commit()

    # -- banks ------------------------------------------------------------

    def _bank_fields(self, bank, fields):
        f = _fields.BANK.new()
        keep = {}
        fields = dict(fields, bank=bank)
        if 'parent' in fields:
            fields['parent_bank'] = fields.pop('parent')
        _fields.BANK.fill(f, fields, keep, 'bank')
        return f, keep

    def _alloc_fields(self, allocation, allocation_start, allocation_period):
        return dict(
            allocation=None if allocation is None
            else allocation_units(allocation),
            allocation_start=None if allocation_start is None
            else _fields.time_or_nan(allocation_start, 'allocation_start',
                                     time_parse),
            allocation_period=None if allocation_period is None
            else _fields.seconds(allocation_period, 'allocation_period',
                                 fsd_parse))

    def add_bank(self, bank, shares=1, parent=None, priority=None,
                 ignore_older_than=None, allocation=None,
                 allocation_start=None, allocation_period=None):
        """Add a bank (or re-enable a disabled one).  `parent` None makes the
        root.  `allocation` (weighted usage units, or a string such as
        '500000h' for hours), `allocation_start` (epoch seconds, datetime or
        a timestamp string) and `allocation_period` (seconds, timedelta or a
        duration such as '90d'; 0 = a window that never resets) give the
        bank an allocation (fluxacct-semantics(7) "Allocations").
        :raises AlreadyExists, NotFound (parent), HierarchyError (the
        parent holds associations or is disabled), InvalidArgument."""
        f, keep = self._bank_fields(bank, dict(
            shares=shares, parent=parent, priority=priority,
            ignore_older_than=ignore_older_than,
            **self._alloc_fields(allocation, allocation_start,
                                 allocation_period)))
        self._call(lib.fluxacct_bank_add, f)

    def edit_bank(self, bank, shares=None, parent=None, priority=None,
                  ignore_older_than=None, allocation=None,
                  allocation_start=None, allocation_period=None):
        """Change a bank's shares, parent (move), priority,
        ignore_older_than or allocation (as add_bank(); allocation=0 clears
        it; the used amount is recomputed at the next update_usage()).
        :raises NotFound, HierarchyError (cycle, moving the root, a bank
        beside associations), InvalidArgument (nothing to change)."""
        f, keep = self._bank_fields(bank, dict(
            shares=shares, parent=parent, priority=priority,
            ignore_older_than=ignore_older_than,
            **self._alloc_fields(allocation, allocation_start,
                                 allocation_period)))
        self._call(lib.fluxacct_bank_edit, f)

    def delete_bank(self, bank, force=False):
        """Disable a bank, its sub-banks and their associations; with
        force=True delete the rows.  :raises NotFound."""
        self._call(lib.fluxacct_bank_delete, cstr(bank, 'bank'),
                   lib.FLUXACCT_FORCE if force else 0)

    def view_bank(self, bank, fields=None):
        """One bank's row as a dict.  :raises NotFound."""
        return self._one(lib.fluxacct_bank_view, cstr(bank, 'bank'),
                         _fields_arg(fields))

    def list_banks(self, inactive=False, fields=None):
        """Active banks (all with inactive=True) by bank_id, as dicts."""
        return self._rows(lib.fluxacct_bank_list,
                          lib.FLUXACCT_INCLUDE_INACTIVE if inactive else 0,
                          _fields_arg(fields))

    # -- associations -----------------------------------------------------

    def add_user(self, username, bank, **fields):
        """Add an association (a user in a bank), or re-enable a disabled one.

        Keyword fields: userid, shares, fairshare, max_running_jobs,
        max_active_jobs, max_nodes, max_cores, max_sched_jobs (ints or
        "unlimited"), queues, projects (comma strings or lists),
        default_project.  :raises AlreadyExists, NotFound (bank, queue,
        project), HierarchyError (bank has sub-banks or is disabled),
        InvalidArgument."""
        f = _fields.ASSOC.new()
        keep = {}
        _fields.ASSOC.fill(f, dict(fields, username=username, bank=bank),
                           keep, 'add_user')
        self._call(lib.fluxacct_assoc_add, f)

    def add_users(self, users):
        """Add many associations in one call and one transaction (all or
        none).  `users` is an iterable of dicts with the keys add_user()
        takes (username and bank required).  :raises as add_user(); the
        message names the failing element's index."""
        users = list(users)
        arr = _fields.ASSOC.new(len(users))
        keep = {}
        for i, user in enumerate(users):
            _fields.ASSOC.fill(arr[i], user, keep, f'add_users[{i}]')
        self._call(lib.fluxacct_assoc_add_many, arr, len(users))

    def edit_user(self, username, bank=None, **fields):
        """Change fields of the user's association in `bank`, or of all the
        user's associations when bank is None.  A field set to -1 (or
        fluxacct.RESET) is reset to its default; "unlimited" means no limit.
        Also default_bank, add_queues, delete_queues.  :raises NotFound,
        InvalidArgument (nothing to change, bad value)."""
        f = _fields.ASSOC.new()
        keep = {}
        _fields.ASSOC.fill(f, fields, keep, 'edit_user')
        self._call(lib.fluxacct_assoc_edit, cstr(username, 'username'),
                   cstr(bank, 'bank'), f)

    def sync_userids(self):
        """Make job_usage_factor_table and job_usage_per_association_table
        carry their association's userid (flux-accounting's sync-userids).
        :return: (factor rows changed, period rows changed)"""
        n = ffi.new('int64_t[2]')
        self._call(lib.fluxacct_assoc_sync_userids, n, n + 1)
        return int(n[0]), int(n[1])

    def edit_all_users(self, bank=None, **fields):
        """Change fields of every association (of `bank`'s only when
        given); fields as edit_user() except add_queues and delete_queues.
        default_bank makes that bank every such user's default (each must
        have an active association there, else NotFound)."""
        f = _fields.ASSOC.new()
        keep = {}
        _fields.ASSOC.fill(f, fields, keep, 'edit_all_users')
        self._call(lib.fluxacct_assoc_edit_all, cstr(bank, 'bank'), f)

    def delete_user(self, username, bank, force=False):
        """Disable an association (force=True: delete it and its usage
        history).  :raises NotFound."""
        self._call(lib.fluxacct_assoc_delete, cstr(username, 'username'),
                   cstr(bank, 'bank'), lib.FLUXACCT_FORCE if force else 0)

    def view_user(self, username, fields=None):
        """All associations of `username` (active or not), by bank, as
        dicts.  :raises NotFound."""
        return self._rows(lib.fluxacct_assoc_view, cstr(username, 'username'),
                          _fields_arg(fields))

    def list_users(self, fields=None, **filters):
        """Associations matching every filter, by username then bank.
        Filters are column=value keywords: a list matches any of its values;
        queues, projects and default_project match substrings; active takes
        a bool.  :raises InvalidArgument (unknown filter column)."""
        arr, keep = _filters(filters)
        return self._rows(lib.fluxacct_assoc_list, arr, _fields_arg(fields))

    # -- queues -----------------------------------------------------------

    def _queue_fields(self, queue, fields, what):
        f = _fields.QUEUE.new()
        keep = {}
        _fields.QUEUE.fill(f, dict(fields, queue=queue), keep, what)
        return f, keep

    def add_queue(self, queue, **limits):
        """Add a queue.  Keyword limits: min_nodes_per_job,
        max_nodes_per_job, max_time_per_job, priority, max_running_jobs,
        max_nodes_per_assoc, max_sched_jobs, max_sched_nodes_per_assoc,
        max_sched_cores_per_assoc, max_nodes, max_cores.  :raises
        AlreadyExists, InvalidArgument."""
        f, keep = self._queue_fields(queue, limits, 'add_queue')
        self._call(lib.fluxacct_queue_add, f)

    def edit_queue(self, queue, **limits):
        """Change a queue's limits (-1 resets one).  :raises NotFound,
        InvalidArgument."""
        f, keep = self._queue_fields(queue, limits, 'edit_queue')
        self._call(lib.fluxacct_queue_edit, f)

    def delete_queue(self, queue):
        """Delete a queue; returns the number of associations still listing
        it.  :raises NotFound."""
        return self._call(lib.fluxacct_queue_delete, cstr(queue, 'queue'))

    def view_queue(self, queue, fields=None):
        """One queue's row as a dict.  :raises NotFound."""
        return self._one(lib.fluxacct_queue_view, cstr(queue, 'queue'),
                         _fields_arg(fields))

    def list_queues(self, fields=None):
        """All queues by name, as dicts."""
        return self._rows(lib.fluxacct_queue_list, _fields_arg(fields))

    # -- projects ---------------------------------------------------------

    def add_project(self, project):
        """Add a project.  :raises AlreadyExists, InvalidArgument."""
        self._call(lib.fluxacct_project_add, cstr(project, 'project'))

    def delete_project(self, project):
        """Delete a project; returns the number of associations still
        listing it.  :raises NotFound, PermissionDenied (the project "*")."""
        return self._call(lib.fluxacct_project_delete,
                          cstr(project, 'project'))

    def view_project(self, project, fields=None):
        """One project's row as a dict.  :raises NotFound."""
        return self._one(lib.fluxacct_project_view, cstr(project, 'project'),
                         _fields_arg(fields))

    def list_projects(self, fields=None):
        """All projects by project_id, as dicts."""
        return self._rows(lib.fluxacct_project_list, _fields_arg(fields))

    # -- priority factors -------------------------------------------------

    def edit_factor(self, factor, weight):
        """Set a priority factor's integer weight.  :raises NotFound (the
        message lists the known factors)."""
        self._call(lib.fluxacct_factor_edit, cstr(factor, 'factor'),
                   _fields.int_value(weight, 'weight'))

    def get_factor(self, factor):
        """A priority factor's weight.  :raises NotFound."""
        out = ffi.new('int64_t *')
        self._call(lib.fluxacct_factor_get, cstr(factor, 'factor'), out)
        return out[0]

    def reset_factors(self):
        """Restore the default weights (fairshare 100000, queue 10000,
        bank 0, urgency 1000)."""
        self._call(lib.fluxacct_factor_reset)

    def view_factor(self, factor, fields=None):
        """One factor's row as a dict.  :raises NotFound."""
        return self._one(lib.fluxacct_factor_view, cstr(factor, 'factor'),
                         _fields_arg(fields))

    def list_factors(self, fields=None):
        """All priority factors, as dicts."""
        return self._rows(lib.fluxacct_factor_list, _fields_arg(fields))

    # -- configuration ----------------------------------------------------

    def add_config(self, key, value):
        """Add a configuration key.  :raises AlreadyExists,
        InvalidArgument."""
        self._call(lib.fluxacct_config_add, cstr(key, 'key'),
                   cstr(str(value), 'value'))

    def edit_config(self, key, value):
        """Change a key's value (validated and normalised for protected
        keys).  :raises NotFound, InvalidArgument."""
        self._call(lib.fluxacct_config_edit, cstr(key, 'key'),
                   cstr(str(value), 'value'))

    def delete_config(self, key):
        """Delete a key.  :raises NotFound, PermissionDenied (protected)."""
        self._call(lib.fluxacct_config_delete, cstr(key, 'key'))

    def get_config(self, key):
        """A key's value as a str.  :raises NotFound."""
        return self._string(lib.fluxacct_config_get, cstr(key, 'key'))

    def view_config(self, key, fields=None):
        """One key's row as a dict.  :raises NotFound."""
        return self._one(lib.fluxacct_config_view, cstr(key, 'key'),
                         _fields_arg(fields))

    def list_configs(self, fields=None):
        """The whole configuration, as dicts."""
        return self._rows(lib.fluxacct_config_list, _fields_arg(fields))

    # -- job records ------------------------------------------------------

    def _import(self, fn, *args, strict=False):
        stats = _fields.JOBS_STATS.new()
        problems = []
        handle = ffi.new_handle(problems)
        opts = _fields.JOBS_IMPORT.new()
        opts.flags = lib.FLUXACCT_IMPORT_STRICT if strict else 0
        opts.report = lib._fluxacct_report
        opts.arg = handle
        self._call(fn, *args, opts, stats)
        return ImportStats(stats.lines, stats.imported, stats.duplicates,
                           stats.malformed, stats.no_resources, stats.unknown,
                           problems)

    def import_jobs(self, path, strict=False):
        """Import Flux jobs from a JSON Lines file ("-" for stdin).  Returns
        :class:`ImportStats`; problems lists the skipped lines.  With
        strict=True a malformed line fails the whole import
        (InvalidArgument).  :raises NotFound (file)."""
        return self._import(lib.fluxacct_jobs_import, cstr(path, 'path'),
                            strict=strict)

    def import_jobs_data(self, data, strict=False):
        """Import Flux jobs from JSON Lines in `data` (bytes or str).
        Returns :class:`ImportStats`."""
        if isinstance(data, str):
            data = data.encode('utf-8')
        buf = ffi.from_buffer(data)
        return self._import(lib.fluxacct_jobs_import_buffer, buf, len(data),
                            strict=strict)

    def import_archive(self, path):
        """Import the jobs of a flux-core job-archive database.  Returns
        :class:`ImportStats`.  :raises NotADatabase, NotFound."""
        return self._import(lib.fluxacct_jobs_import_archive,
                            cstr(path, 'path'))

    def import_records(self, records, strict=False):
        """Import job records already read (dicts with job-list's keys:
        ``id`` (int), ``userid``, ``t_submit``, ``t_run``, ``t_inactive``,
        optional ``ranks``, ``R`` and ``jobspec`` as JSON text) through the
        same record path as :meth:`import_jobs`, in one transaction.
        Returns :class:`ImportStats`; invalid records are skipped and
        listed in problems, or with strict=True fail the import
        (InvalidArgument)."""
        records = list(records)
        arr = _fields.JOBS_RECORD.new(max(len(records), 1))
        keep = []

        def text(rec, key):
            v = rec.get(key)
            if v is None:
                return ffi.NULL
            keep.append(ffi.new('char[]', cstr(v, key)))
            return keep[-1]

        for i, rec in enumerate(records):
            arr[i].id = rec['id']
            arr[i].userid = rec['userid']
            arr[i].t_submit = rec.get('t_submit', 0)
            arr[i].t_run = rec.get('t_run', 0)
            arr[i].t_inactive = rec['t_inactive']
            arr[i].ranks = text(rec, 'ranks')
            arr[i].R = text(rec, 'R')
            arr[i].jobspec = text(rec, 'jobspec')
        return self._import(lib.fluxacct_jobs_import_records, arr,
                            len(records), strict=strict)
    def fetch_since(self):
        """Where the next fetch from a running Flux instance starts (job-list's
        `since`, epoch seconds): the fetch mark, or the newest record, minus
        FLUXACCT_FETCH_OVERLAP seconds; 0 when there is neither."""
        out = ffi.new('double *')
        self._call(lib.fluxacct_jobs_fetch_since, out)
        return out[0]

    def fetch_mark(self, newest):
        """Raise the fetch mark to `newest` (epoch seconds; never lowers it).
        Inside a :meth:`batch` with the fetched records.
        :raises InvalidArgument (not a time >= 0)."""
        t = _fields.time_or_nan(newest, 'newest', time_parse)
        self._call(lib.fluxacct_jobs_fetch_mark, t)

    def jobs_known(self, ids):
        """Which of the job ids (integers) are stored: a list of booleans."""
        ids = [int(i) for i in ids]
        if any(i < 0 or i >= 1 << 64 for i in ids):
            raise ValueError('job ids must be from 0 to 2**64-1')
        arr = ffi.new('uint64_t[]', ids) if ids else ffi.NULL
        known = ffi.new('unsigned char[]', max(len(ids), 1))
        self._call(lib.fluxacct_jobs_known, arr, len(ids),
                   known if ids else ffi.NULL)
        return [bool(known[i]) for i in range(len(ids))]

    # -- CSV export and import (export-db, pop-db) ------------------------

    def export_csv(self, directory, tables=None):
        """Write every table (or those named in `tables`) to TABLE.csv in
        `directory`, with a header row.  Returns :class:`CsvStats`."""
        arr, keep = _string_list(tables)
        stats = _fields.CSV_STATS.new()
        self._call(lib.fluxacct_csv_export, cstr(directory, 'directory'),
                   arr, stats)
        return CsvStats(stats.tables, stats.rows, stats.bytes)

    def import_csv(self, paths, fields=None, replace=False):
        """Load TABLE.csv files (a path or a list of paths; the table is the
        file's base name) in one transaction; `fields` limits the columns
        (matched by name); replace=True empties each table first.  Returns
        :class:`CsvStats`.  :raises InvalidArgument (file and line in the
        message; nothing is written)."""
        if isinstance(paths, (str, bytes)) or hasattr(paths, '__fspath__'):
            paths = [paths]
        arr, keep = _string_list([os.fspath(p) for p in paths])
        stats = _fields.CSV_STATS.new()
        opts = _fields.CSV_IMPORT.new()
        opts.flags = lib.FLUXACCT_CSV_REPLACE if replace else 0
        cfields = (ffi.new('char[]', cstr(fields, 'fields'))
                   if fields is not None else ffi.NULL)
        opts.fields = cfields
        self._call(lib.fluxacct_csv_import, arr, opts, stats)
        return CsvStats(stats.tables, stats.rows, stats.bytes)

    def import_csv_dir(self, directory, replace=True):
        """Load every known TABLE.csv of `directory` (a restore: with
        replace=True each table with a file is emptied first).  Returns
        :class:`CsvStats` with the problems reported."""
        stats = _fields.CSV_STATS.new()
        problems = []
        handle = ffi.new_handle(problems)
        opts = _fields.CSV_IMPORT.new()
        opts.flags = lib.FLUXACCT_CSV_REPLACE if replace else 0
        opts.report = lib._fluxacct_report
        opts.arg = handle
        self._call(lib.fluxacct_csv_import_dir,
                   cstr(directory, 'directory'), opts, stats)
        return CsvStats(stats.tables, stats.rows, stats.bytes, problems)

    def list_jobs(self, **filters):
        """Job records matching every filter, by t_inactive then id: userid,
        id (any job id form), after_start, before_end (epoch seconds),
        project, bank, and requested_duration, actual_duration,
        duration_delta as "<op> <number>" (a tuple gives several
        conditions)."""
        arr, keep = _filters(filters)
        return self._rows(lib.fluxacct_jobs_list, arr)

    def scrub_jobs(self, older_than, force=False):
        """Delete job records that ended before `older_than` (epoch seconds,
        datetime or timestamp); returns how many.  :raises PermissionDenied
        when their usage still counts and force is not given."""
        t = _fields.time_or_nan(older_than, 'older_than', time_parse)
        out = ffi.new('int64_t *')
        self._call(lib.fluxacct_jobs_scrub, t,
                   lib.FLUXACCT_FORCE if force else 0, out)
        return out[0]

    # -- usage ------------------------------------------------------------

    def update_usage(self, now=None):
        """Charge new job records and rewrite every association's and bank's
        decayed usage as of `now` (default: the current time).  Returns
        :class:`UsageStats`."""
        stats = _fields.USAGE_STATS.new()
        self._call(lib.fluxacct_usage_update,
                   _fields.time_or_nan(now, 'now', time_parse), stats)
        return UsageStats(stats.new_jobs, stats.uncharged, stats.associations,
                          bool(stats.full_recompute), stats.now)

    def clear_usage(self, bank, t=None):
        """Forget a bank's usage from before `t` (default now) and
        recompute its subtree.  :raises NotFound."""
        self._call(lib.fluxacct_usage_clear, cstr(bank, 'bank'),
                   _fields.time_or_nan(t, 't', time_parse))

    def usage_periods(self, username):
        """An association's per-period usage as last written by
        update_usage(): dicts with username, bank, period (0 = current),
        value.  :raises NotFound."""
        return self._rows(lib.fluxacct_usage_periods,
                          cstr(username, 'username'))

    _REPORT_BY = {'association': 0, 'bank': 1, 'user': 2}
    _REPORT_UNITS = {'sec': 1.0, 'min': 60.0, 'hour': 3600.0}

    def usage_report(self, start, end, by='association', username=None,
                     bank=None, bins=None, unit='sec'):
        """Undecayed node-time of the jobs that ended in [start, end]
        (epoch seconds, datetime or timestamp strings), grouped `by`
        'association' (key "bank:username"), 'bank' or 'user', optionally
        only one user's or bank's jobs, split by job size when `bins` (a
        list of ascending node counts) is given, in `unit` 'sec', 'min' or
        'hour'.  Returns dicts with "key", one "N+" entry per bin, and
        "total", largest total first.  :raises InvalidArgument."""
        if by not in self._REPORT_BY:
            raise TypeError(f"by must be one of {sorted(self._REPORT_BY)}")
        if unit not in self._REPORT_UNITS:
            raise TypeError(f"unit must be one of {sorted(self._REPORT_UNITS)}")
        bins = list(bins or [])
        # the bins and the strings stay alive in these locals during the call
        cbins = ffi.new('int64_t[]', bins) if bins else ffi.NULL
        opts = _fields.USAGE_REPORT.new()
        opts.start = _fields.time_or_nan(start, 'start', time_parse)
        opts.end = _fields.time_or_nan(end, 'end', time_parse)
        opts.by = self._REPORT_BY[by]
        cuser = (ffi.new('char[]', cstr(username, 'username'))
                 if username is not None else ffi.NULL)
        cbank = (ffi.new('char[]', cstr(bank, 'bank'))
                 if bank is not None else ffi.NULL)
        opts.username = cuser
        opts.bank = cbank
        opts.bins = cbins
        opts.nbins = len(bins)
        opts.unit = self._REPORT_UNITS[unit]
        return self._rows(lib.fluxacct_usage_report, opts)

    def allocation_report(self, bank=None):
        """Every bank's allocation (or one bank's) as of the last
        update_usage(): dicts with bank, allocation, used, remaining,
        percent, allocation_start, allocation_period, window_start,
        window_end, as_of, burn_rate (units per second), projected_exhaustion
        (epoch seconds or None) and state ('ok', 'exhausted', 'not-started',
        'pending').  :raises NotFound (unknown bank, or it has no
        allocation)."""
        return self._rows(lib.fluxacct_allocation_report,
                          cstr(bank, 'bank') if bank is not None
                          else ffi.NULL)

    def allocation_series(self, bank, points=200):
        """A bank's burn-down over its current window: a list of `points`
        (time, cumulative used) pairs from the window start to the last
        update_usage() time.  :raises NotFound (unknown bank or no
        allocation), Error with errno ENODATA (no current
        window), InvalidArgument."""
        if not isinstance(points, int) or isinstance(points, bool):
            raise TypeError('points must be an int')
        if points < 2 or points > 100000:
            raise ValueError('points must be from 2 to 100000')
        t = ffi.new('double[]', points)
        used = ffi.new('double[]', points)
        self._call(lib.fluxacct_allocation_series, cstr(bank, 'bank'),
                   points, t, used)
        return [(t[i], used[i]) for i in range(points)]

    # -- fair-share -------------------------------------------------------

    def update_fairshare(self):
        """Compute fair-share over the database's bank tree and store it in
        every active association's fairshare column (one transaction);
        returns how many values changed.  :raises NotFound (no root bank),
        ReadOnly, Busy."""
        out = ffi.new('int64_t *')
        self._call(lib.fluxacct_fairshare_update, out)
        return out[0]

    def fairshare_tree(self):
        """The database's fair-share tree (active banks and associations,
        with shares and usage) as a :class:`FairShareTree`, not computed
        yet.  The tree is a copy: it does not change with the database.
        :raises NotFound (no root bank)."""
        err = new_error()
        with self._lock:
            tree = check_ptr(lib.fluxacct_fairshare_tree(self._handle(), err),
                             err)
        return FairShareTree(tree)

    def fairshare_export_json(self):
        """The database's tree as fairshare-emulate input JSON text
        (``{"root": ...}``): :meth:`FairShareTree.from_json` on it computes
        what :meth:`update_fairshare` stores.  :raises NotFound."""
        return self._string(lib.fluxacct_fairshare_export_json)

    # -- plugin feed ------------------------------------------------------

    def export_json(self, text=False, indent=False):
        """The load-time object of the mf_priority.so plugin, as
        ``flux-account export-json`` prints it: a dict with
        ``associations`` (every association, disabled ones too, as
        rec_update elements), ``queues``, ``projects``, ``banks``,
        ``config`` (``{"deny_unknown_queues": bool}``) and
        ``priority_factors``, read in one transaction.

        :param text: return the JSON text (a str) instead of a dict, e.g.
            for ``config=`` or :meth:`PriorityEngine.load`
        :param indent: with text=True, indent by 2 (as ``--indent``)
        :raises Busy, NotADatabase: from the database
        """
        flags = lib.FLUXACCT_EXPORT_INDENT if indent else 0
        s = self._string(lib.fluxacct_export_json, flags)
        return s if text else json.loads(s)

    def export_payload(self, name, replace=False, text=False, indent=False):
        """The request payload ``{"data": ...}`` of the plugin's service
        `name`, as ``flux-account export-json --payload NAME`` prints it:
        rec_update, rec_q_update, rec_proj_update, rec_bank_update,
        rec_fac_update, rec_config_update or reprioritize (``{}``).

        :param replace: rec_update only: add ``"replace": true`` (the list
            is the complete set, as ``flux-account priority-update`` sends)
        :param text: return the JSON text (a str) instead of a dict
        :param indent: with text=True, indent by 2
        :raises InvalidArgument: unknown name (the message lists the names)
        """
        flags = lib.FLUXACCT_EXPORT_INDENT if indent else 0
        if replace:
            flags |= lib.FLUXACCT_EXPORT_REPLACE
        s = self._string(lib.fluxacct_export_payload, cstr(name, 'name'),
                         flags)
        return s if text else json.loads(s)

    def plugin_payloads(self):
        """The same dict as :meth:`export_json` (kept for older callers;
        see :mod:`fluxacct.plugin_feed`)."""
        return self.export_json()
