"""The in-memory priority and limits engine of the mf_priority jobtap
plugin (fluxacct/engine.h): :class:`PriorityEngine`.

    with fluxacct.Database(path) as db, fluxacct.PriorityEngine(db) as eng:
        eng.validate(5001, bank='A', queue='batch')   # raises if rejected
        eng.job_new(1, 5001, bank='A', queue='batch')
        if eng.job_depend(1).add == 0:                # admitted, not held
            print(eng.job_priority(1).priority)       # 50000

Jobs are identified by their 64-bit Flux job id (an int, or any FLUID text
form).  Every call raises the :mod:`fluxacct.errors` exception of the C
library's errno with its message: NotFound (ENOENT), PermissionDenied
(EPERM: a rule or limit; the text is flux-accounting's), InvalidArgument
(EINVAL: bad arguments or a malformed payload, the text naming the
element), AlreadyExists (EEXIST), plain :class:`fluxacct.Error` for EAGAIN.
"""
import enum
import errno
import json
import threading
from typing import NamedTuple, Optional

from ._core import ffi, lib, check_ptr, cstr, new_error, pystr, raise_error
from ._core import take_string
from . import _fields
from .errors import ClosedError, InvalidArgument
from .parse import jobid_parse

__all__ = ['PriorityEngine', 'JobState', 'Hold', 'JobPriority',
           'DependResult', 'Release', 'hold_name', 'hold_names',
           'PRIORITY_MAX']

#: The largest job priority (urgency 31 gives it).
PRIORITY_MAX = lib.FLUXACCT_PRIORITY_MAX


class JobState(enum.IntEnum):
    """Job states as Flux numbers them (flux_job_state_t), for
    :meth:`PriorityEngine.job_new`'s `state`."""
    NEW = lib.FLUXACCT_JOB_NEW
    DEPEND = lib.FLUXACCT_JOB_DEPEND
    PRIORITY = lib.FLUXACCT_JOB_PRIORITY
    SCHED = lib.FLUXACCT_JOB_SCHED
    RUN = lib.FLUXACCT_JOB_RUN
    CLEANUP = lib.FLUXACCT_JOB_CLEANUP


class Hold(enum.IntFlag):
    """The limits that hold a job, one bit each (the masks in
    :class:`DependResult` and :class:`Release` are plain ints of these
    bits); each bit is one Flux dependency, named by :func:`hold_name`."""
    QUEUE_RUN_JOBS = lib.FLUXACCT_HOLD_QUEUE_RUN_JOBS
    QUEUE_SCHED_JOBS = lib.FLUXACCT_HOLD_QUEUE_SCHED_JOBS
    QUEUE_SCHED_NODES = lib.FLUXACCT_HOLD_QUEUE_SCHED_NODES
    QUEUE_SCHED_CORES = lib.FLUXACCT_HOLD_QUEUE_SCHED_CORES
    QUEUE_RESOURCES = lib.FLUXACCT_HOLD_QUEUE_RESOURCES
    RUN_JOBS = lib.FLUXACCT_HOLD_RUN_JOBS
    SCHED_JOBS = lib.FLUXACCT_HOLD_SCHED_JOBS
    RESOURCES = lib.FLUXACCT_HOLD_RESOURCES
    ALLOCATION = lib.FLUXACCT_HOLD_ALLOCATION
    ALL = lib.FLUXACCT_HOLD_ALL


def hold_name(bit):
    """The Flux dependency name of one :class:`Hold` bit (e.g.
    ``"max-running-jobs-user-limit"``), or None if `bit` is not exactly one
    known bit."""
    if not 0 <= bit <= 0xffffffff:
        return None
    return pystr(lib.fluxacct_engine_hold_name(bit))


_HOLD_BITS = [(1 << i, hold_name(1 << i)) for i in range(32)
              if hold_name(1 << i) is not None]
_HOLD_MASK = sum(bit for bit, _ in _HOLD_BITS)


def hold_names(mask):
    """The dependency names of every bit set in `mask`, in the order the
    plugin adds them (queue limits first).  :raises InvalidArgument: a bit
    that is no :class:`Hold`."""
    if mask & ~_HOLD_MASK or mask < 0:
        raise InvalidArgument(errno.EINVAL,
                              f'hold mask {mask:#x} has unknown bits')
    return [name for bit, name in _HOLD_BITS if mask & bit]


class JobPriority(NamedTuple):
    """The result of :meth:`PriorityEngine.job_priority`."""
    #: 0 to PRIORITY_MAX, or None: the job waits (no accounting data yet,
    #: or held by a limit in PRIORITY state)
    priority: Optional[int]
    #: the fair-share used (None when priority is None)
    fairshare: Optional[float]
    #: True when the fair-share differs by more than 1e-9 from the one last
    #: reported for this job (or none was): post a memo ``{"fairshare": F}``
    memo: bool
    #: jobspec attributes to write, ``{"bank": B, "project": P}`` (either
    #: key may be absent; empty when there is nothing to write)
    update: dict


class DependResult(NamedTuple):
    """The result of :meth:`PriorityEngine.job_depend`: :class:`Hold` bits
    of the dependencies to add (0: the job is admitted) and to remove (a
    job replayed in DEPEND that an earlier plugin instance may have held).
    Names: :func:`hold_names`."""
    add: int
    remove: int


class Release(NamedTuple):
    """A job whose limits have room again
    (:meth:`PriorityEngine.next_release`)."""
    #: the job id
    id: int
    #: :class:`Hold` bits of the dependencies to remove (every bit for a
    #: job held by an earlier plugin instance; 0 for a job held in PRIORITY)
    remove: int
    #: True: the job waits in PRIORITY state: compute its priority
    #: (:meth:`PriorityEngine.job_priority`) and give it to the job manager
    reprioritize: bool


_STATE_NAMES = {s.name.lower(): int(s) for s in JobState}
_UNAVAILABLE = lib.FLUXACCT_PRIORITY_UNAVAILABLE
_NAME_CACHE_MAX = 4096
_NULL = ffi.NULL
_tuple_new = tuple.__new__   # a NamedTuple without its Python __new__


def _payload_text(doc, what):
    """str/bytes JSON text, or a dict/list to serialise -> bytes."""
    if isinstance(doc, (dict, list)):
        return json.dumps(doc).encode()
    return cstr(doc, what)


def _state(state):
    """A JobState, its int, or its name in any case -> the int."""
    if type(state) is str:
        try:
            return _STATE_NAMES[state.lower()]
        except KeyError:
            names = ', '.join(_STATE_NAMES)
            raise InvalidArgument(errno.EINVAL, f'unknown job state {state!r}'
                                  f' (expected one of {names})') from None
    return int(state)


def _jobid(jobid):
    """A job id that is not an int: text in any FLUID form parsed."""
    if isinstance(jobid, (str, bytes)):
        return jobid_parse(jobid)
    return int(jobid)


def _update_dict(u):
    """A fluxacct_engine_jobspec_update_t (borrowed strings) -> a dict copy."""
    out = {}
    if u.bank != ffi.NULL:
        out['bank'] = pystr(u.bank)
    if u.project != ffi.NULL:
        out['project'] = pystr(u.project)
    return out


class PriorityEngine:
    """The mf_priority plugin's decisions, without Flux: associations,
    queues, projects, bank priorities and factor weights loaded from
    flux-accounting's JSON, per-association job counters, and the FIFO of
    jobs held by a limit.  Feed it the job events a jobtap plugin sees
    (:meth:`job_new`, :meth:`job_depend`, :meth:`job_priority`,
    :meth:`job_sched`, :meth:`job_run`, :meth:`job_inactive`) and act on
    what it returns.

    A context manager; :meth:`close` frees it and any later use raises
    ClosedError.  Calls from several threads are serialised.

    :param config: data to :meth:`load` at once (a :class:`Database`, a
        dict, or JSON text)
    :param owner: the instance owner's userid (:meth:`set_owner`)
    """

    def __init__(self, config=None, owner=None):
        self._e = None
        self._lock = threading.Lock()
        err = new_error()
        e = check_ptr(lib.fluxacct_engine_create(err), err)
        self._e = ffi.gc(e, lib.fluxacct_engine_destroy)
        # One set of in/out structs per engine, used under the lock: a call
        # allocates nothing but its result.
        self._err = new_error()
        # Each is initialised once, to the version the bindings were built
        # for; the library keeps `version` when it fills one.
        self._desc = _fields.JOBDESC.new()
        self._upd = _fields.JOBSPEC_UPDATE.new()
        self._prio = _fields.PRIORITY.new()
        self._rel = _fields.RELEASE.new()
        self._masks = ffi.new('unsigned int[2]')
        self._names = {}
        if owner is not None:
            self.set_owner(owner)
        if config is not None:
            self.load(config)

    # -- lifetime ---------------------------------------------------------

    def close(self):
        """Free the engine and everything it holds.  Idempotent; any later
        use raises ClosedError."""
        with self._lock:
            if self._e is not None:
                e, self._e = self._e, None
                ffi.release(e)
                self._names.clear()

    @property
    def closed(self):
        """True after :meth:`close`."""
        return self._e is None

    def __enter__(self):
        if self._e is None:
            self._closed()
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        if self._e is None:
            return '<fluxacct.PriorityEngine closed>'
        return f'<fluxacct.PriorityEngine has_data={self.has_data}>'

    @staticmethod
    def _closed():
        raise ClosedError(errno.EBADF, 'fluxacct: the priority engine is '
                          'closed')

    def _fail(self):
        """Raise for the C call that just failed; leave the error buffer
        empty for the next one."""
        errnum = ffi.errno
        err = self._err
        try:
            raise_error(err, errnum)
        finally:
            err.text[0] = b'\0'

    def _intern(self, s):
        """A cached C copy of the name `s` (names repeat from job to job).
        The caller keeps the result in a local while the C call runs."""
        if len(self._names) >= _NAME_CACHE_MAX:
            self._names.clear()
        c = self._names[s] = ffi.new('char[]', cstr(s, 'name'))
        return c

    # -- data -------------------------------------------------------------

    def set_owner(self, userid):
        """Declare the instance owner's userid: the owner's jobs are never
        rejected, and without an association (or before data) they run
        under a built-in one (fair-share 0.5, limits 1000000, any known
        queue and project)."""
        with self._lock:
            if self._e is None:
                self._closed()
            if lib.fluxacct_engine_set_owner(self._e, userid, self._err) < 0:
                self._fail()

    def load(self, config):
        """Load the load-time object of ``flux account export-json`` (the
        plugin's ``config=``): a :class:`fluxacct.Database` (read with
        :meth:`~fluxacct.Database.export_json`), a dict, or its JSON text.
        Keys that are absent leave that part unchanged; "associations" is
        the complete set.  All or nothing.

        :raises InvalidArgument: malformed (the message names the element,
            e.g. ``associations[3].max_running_jobs: expected an integer
            from 0 to 2147483647, got -1``); the engine is unchanged
        """
        if hasattr(config, 'export_json'):
            config = config.export_json(text=True)
        text = _payload_text(config, 'config')
        with self._lock:
            if self._e is None:
                self._closed()
            if lib.fluxacct_engine_load(self._e, text, self._err) < 0:
                self._fail()

    def update(self, name, payload=None):
        """Apply the payload of the plugin's service `name` (rec_update,
        rec_q_update, rec_proj_update, rec_bank_update, rec_fac_update,
        rec_config_update, reprioritize): a dict ``{"data": ...}`` (as
        :meth:`fluxacct.Database.export_payload` returns) or its JSON text;
        None for reprioritize.  Held jobs whose limits now have room are
        released (:meth:`next_release`).  All or nothing.

        :raises InvalidArgument: malformed payload (the message, prefixed
            with the service name, names the element); the engine is
            unchanged
        :raises NotFound: unknown service name
        """
        text = ffi.NULL if payload is None else _payload_text(payload,
                                                              'payload')
        with self._lock:
            if self._e is None:
                self._closed()
            if lib.fluxacct_engine_update(self._e, cstr(name, 'name'), text,
                                          self._err) < 0:
                self._fail()

    @property
    def has_data(self):
        """True when at least one association is loaded (jobs can be
        matched and prioritised)."""
        with self._lock:
            if self._e is None:
                self._closed()
            return lib.fluxacct_engine_has_data(self._e) == 1

    def query(self, text=False):
        """The state in the shape of ``flux jobtap query mf_priority.so``:
        a dict with "mf_priority_map" (users, their associations with
        limits, counters, queue usage and held jobs), "queues", "projects",
        "banks", "priority_factors", "deny_unknown_queues",
        "instance_owner", "have_data" and "jobs_waiting_for_data".  With
        text=True, the JSON text instead."""
        with self._lock:
            if self._e is None:
                self._closed()
            p = lib.fluxacct_engine_query(self._e, self._err)
            if p == ffi.NULL:
                self._fail()
        s = take_string(p)
        return s if text else json.loads(s)

    # -- jobs -------------------------------------------------------------

    def _fill(self, userid, bank, queue, project, nnodes, ncores, size_error):
        """Fill the engine's fluxacct_engine_jobdesc_t; returns what must stay
        alive during the call."""
        d = self._desc
        get = self._names.get
        b = _NULL if bank is None else get(bank) or self._intern(bank)
        q = _NULL if queue is None else get(queue) or self._intern(queue)
        p = (_NULL if project is None
             else get(project) or self._intern(project))
        e = (_NULL if size_error is None
             else ffi.new('char[]', cstr(size_error, 'size_error')))
        d.userid = userid
        d.bank = b
        d.queue = q
        d.project = p
        d.nnodes = -1 if nnodes is None else nnodes
        d.ncores = -1 if ncores is None else ncores
        d.size_error = e
        d.duration = 0.0
        return b, q, p, e

    def validate(self, userid, *, bank=None, queue=None, project=None,
                 nnodes=1, ncores=1, size_error=None, submit=True):
        """The submit-time checks (job.validate) for a job of `userid` with
        attributes.system `bank`, `queue` and `project` (None: not given)
        and a size of `nnodes` nodes and `ncores` cores (default 1 and 1,
        as ``flux submit -n1``; None or -1 when the jobspec could not be
        counted, with the reason in `size_error`).  With submit=False (a
        pending job re-validated after ``flux update``) max_active_jobs is
        not checked.  The engine is not changed; returns None to accept.

        :raises NotFound: no association for the user/bank
        :raises PermissionDenied: a rule or limit (flux-accounting's text)
        """
        with self._lock:
            if self._e is None:
                self._closed()
            keep = self._fill(userid, bank, queue, project, nnodes, ncores,
                              size_error)
            if lib.fluxacct_engine_validate(
                    self._e, self._desc,
                    lib.FLUXACCT_VALIDATE_SUBMIT if submit else 0,
                    self._err) < 0:
                self._fail()
            del keep

    def max_wall(self, userid, *, bank=None):
        """The maximum wall time per job, in seconds, of the association a
        job of `userid` in `bank` (None: the default bank) is charged to
        (the payload's max_wall_pj, in minutes); 0 when none applies.  A
        job requesting no duration is given it by the plugin."""
        with self._lock:
            if self._e is None:
                self._closed()
            keep = self._fill(userid, bank, None, None, 1, 1, None)
            v = lib.fluxacct_engine_max_wall(self._e, self._desc)
            del keep
            return v

    def job_new(self, jobid, userid, *, bank=None, queue=None, project=None,
                nnodes=1, ncores=1, size_error=None, state=JobState.NEW):
        """A job enters the engine (job.new): at submission (state NEW), or
        already active when the plugin is loaded (any later
        :class:`JobState` or its lower-case name; RUN for a CLEANUP job
        that ran).  Job attributes as :meth:`validate`.

        :return: at submission, the jobspec attributes to write:
            ``{"bank": default bank}`` when the job named none,
            ``{"project": default project}`` likewise (unless it is "*");
            an empty dict otherwise
        :raises AlreadyExists: the id is known
        :raises InvalidArgument: bad arguments (e.g. an unknown state)
        """
        if type(jobid) is not int:
            jobid = _jobid(jobid)
        state = _state(state)
        with self._lock:
            if self._e is None:
                self._closed()
            keep = self._fill(userid, bank, queue, project, nnodes, ncores,
                              size_error)
            u = self._upd
            if lib.fluxacct_engine_job_new(self._e, jobid, self._desc, state,
                                           u, self._err) < 0:
                self._fail()
            del keep
            return _update_dict(u)

    def job_depend(self, jobid):
        """The job reaches DEPEND (job.state.depend): admitted if every
        limit has room, else held in its association's FIFO.

        :return: :class:`DependResult` (add, remove) of :class:`Hold` bits
        :raises NotFound: unknown job
        """
        if type(jobid) is not int:
            jobid = _jobid(jobid)
        with self._lock:
            if self._e is None:
                self._closed()
            m = self._masks
            if lib.fluxacct_engine_job_depend(self._e, jobid, m, m + 1,
                                              self._err) < 0:
                self._fail()
            return _tuple_new(DependResult, (m[0], m[1]))

    def job_priority(self, jobid, urgency=None):
        """The job's priority (job.state.priority, job.priority.get):
        ``round(W_fs*F + W_queue*Q + W_bank*B + W_urgency*(urgency-16))``
        clamped to [0, PRIORITY_MAX]; urgency 0 gives 0, 31 PRIORITY_MAX.

        :param urgency: 0..31, or None for the urgency last given (16 at
            first)
        :return: :class:`JobPriority`
        :raises NotFound: unknown job, or data is loaded but the job
            matches no association
        :raises PermissionDenied: the job, accepted before data arrived,
            breaks a rule of its association (validation's message): end
            the job with an exception carrying it
        :raises InvalidArgument: urgency out of range
        """
        if type(jobid) is not int:
            jobid = _jobid(jobid)
        if urgency is None:
            urgency = -1
        elif not 0 <= urgency <= 31:
            raise InvalidArgument(errno.EINVAL, 'urgency must be 0-31')
        with self._lock:
            if self._e is None:
                self._closed()
            out = self._prio
            u = self._upd
            if lib.fluxacct_engine_job_priority(self._e, jobid, urgency, out,
                                                u, self._err) < 0:
                self._fail()
            prio = out.priority
            if prio == _UNAVAILABLE:
                return _tuple_new(JobPriority, (None, None, False,
                                                _update_dict(u)))
            return _tuple_new(JobPriority, (prio, out.fairshare,
                                            out.memo != 0, _update_dict(u)))

    def job_sched(self, jobid):
        """The job reaches SCHED (job.state.sched).  :raises NotFound."""
        if type(jobid) is not int:
            jobid = _jobid(jobid)
        with self._lock:
            if self._e is None:
                self._closed()
            if lib.fluxacct_engine_job_sched(self._e, jobid, self._err) < 0:
                self._fail()

    def job_run(self, jobid):
        """The job starts running (job.state.run); held jobs may be
        released (:meth:`next_release`).  :raises NotFound."""
        if type(jobid) is not int:
            jobid = _jobid(jobid)
        with self._lock:
            if self._e is None:
                self._closed()
            if lib.fluxacct_engine_job_run(self._e, jobid, self._err) < 0:
                self._fail()

    def job_inactive(self, jobid):
        """The job is inactive (job.state.inactive): it leaves every counter
        and the held FIFO and is forgotten; held jobs may be released.
        :raises NotFound."""
        if type(jobid) is not int:
            jobid = _jobid(jobid)
        with self._lock:
            if self._e is None:
                self._closed()
            if lib.fluxacct_engine_job_inactive(self._e, jobid,
                                                self._err) < 0:
                self._fail()

    def job_check_update(self, jobid, key, value):
        """May a pending job's bank or queue change to `value`
        (job.update.KEY)?  `key` is "bank" or "queue" (or
        "attributes.system.bank"/"...queue").  Returns None if yes.

        :raises NotFound: unknown job or association
        :raises PermissionDenied: a rule or limit (the message says which)
        :raises Error: errno EAGAIN: no data loaded yet
        :raises InvalidArgument: unknown key
        """
        if type(jobid) is not int:
            jobid = _jobid(jobid)
        with self._lock:
            if self._e is None:
                self._closed()
            if lib.fluxacct_engine_job_check_update(
                    self._e, jobid, cstr(key, 'key'), cstr(value, 'value'),
                    self._err) < 0:
                self._fail()

    def job_update(self, jobid, bank=None, queue=None):
        """A pending job's bank and/or queue changed (job.update): move its
        counters and held place (None leaves that attribute unchanged);
        held jobs may be released.  :raises NotFound: unknown job, or no
        association for the new bank."""
        if type(jobid) is not int:
            jobid = _jobid(jobid)
        with self._lock:
            if self._e is None:
                self._closed()
            if lib.fluxacct_engine_job_update(
                    self._e, jobid, cstr(bank, 'bank'), cstr(queue, 'queue'),
                    self._err) < 0:
                self._fail()

    def next_release(self):
        """Take the next job released from a hold (oldest first), already
        counted as admitted: a :class:`Release`, or None when none is
        waiting.  Jobs are released whenever a job runs or ends, a job
        moves, limits change or data arrives."""
        with self._lock:
            if self._e is None:
                self._closed()
            r = self._rel
            rc = lib.fluxacct_engine_next_release(self._e, r)
            if rc == 0:
                return None
            if rc < 0:
                raise_error(None)
            return _tuple_new(Release, (r.id, r.remove, r.reprioritize != 0))

    def releases(self):
        """Iterate over :meth:`next_release` until none is waiting (jobs
        released while iterating are included)."""
        while True:
            r = self.next_release()
            if r is None:
                return
            yield r

    #: The Flux dependency name of one :class:`Hold` bit (see
    #: :func:`hold_name`).
    hold_name = staticmethod(hold_name)
