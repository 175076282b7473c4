"""The library's strict parsers for the text formats Flux hands to
accounting: idsets, R, jobspec, Flux Standard Durations, timestamps and job
ids.  Each raises fluxacct.InvalidArgument (or OutOfRange) with the C
library's message on malformed input."""
import dataclasses
import json

from ._core import ffi, lib, check, cstr, new_error, pystr, raise_error
from . import _fields

__all__ = ['RCount', 'JobspecInfo', 'idset_count', 'r_count',
           'jobspec_parse', 'fsd_parse', 'fsd_format', 'time_parse',
           'jobid_parse', 'jobid_encode']


@dataclasses.dataclass(frozen=True)
class RCount:
    """Resources counted from R: nodes (distinct ranks), cores and GPUs."""
    nnodes: int
    ncores: int
    ngpus: int


@dataclasses.dataclass(frozen=True)
class JobspecInfo:
    """What accounting reads from a jobspec: job size, requested duration
    (seconds, 0 if absent) and attributes.system bank, queue and project
    (None if absent)."""
    nnodes: int
    ncores: int
    ngpus: int
    nslots: int
    duration: float
    bank: str = None
    queue: str = None
    project: str = None


def _json_text(doc):
    """JSON text from a str/bytes document or a dict/list to serialise."""
    if isinstance(doc, (dict, list)):
        return json.dumps(doc).encode()
    return cstr(doc, 'document')


def idset_count(s):
    """Number of ids in the RFC 22 idset string `s` ("0-3,5" -> 5)."""
    count = ffi.new('uint64_t *')
    err = new_error()
    check(lib.fluxacct_idset_count(cstr(s, 'idset'), count, err), err)
    return count[0]


def r_count(R):
    """Count nodes, cores and GPUs in an R document (JSON text or a dict).
    Returns an :class:`RCount`."""
    out = _fields.R_COUNT.new()
    err = new_error()
    check(lib.fluxacct_r_count(_json_text(R), out, err), err)
    return RCount(out.nnodes, out.ncores, out.ngpus)


def jobspec_parse(jobspec):
    """Parse a jobspec (JSON text or a dict) into a :class:`JobspecInfo`."""
    out = _fields.JOBSPEC_INFO.new()
    err = new_error()
    check(lib.fluxacct_jobspec_parse(_json_text(jobspec), out, err), err)
    try:
        return JobspecInfo(out.nnodes, out.ncores, out.ngpus, out.nslots,
                           out.duration, pystr(out.bank), pystr(out.queue),
                           pystr(out.project))
    finally:
        lib.fluxacct_jobspec_info_clear(out)


def fsd_parse(s):
    """Seconds in the Flux Standard Duration `s` ("1.5m" -> 90.0; "inf" ->
    math.inf)."""
    out = ffi.new('double *')
    err = new_error()
    check(lib.fluxacct_fsd_parse(cstr(s, 'duration'), out, err), err)
    return out[0]


def fsd_format(seconds):
    """The compact Flux Standard Duration for `seconds` (3600 -> "1h")."""
    buf = ffi.new('char[]', 64)
    if lib.fluxacct_fsd_format(float(seconds), buf, len(buf)) < 0:
        raise_error(None)
    return pystr(buf)


def time_parse(s):
    """Epoch seconds for a timestamp: epoch seconds, "YYYY-MM-DD",
    "YYYY-MM-DDTHH:MM[:SS]" or "MM/DD/YYYY [HH:MM[:SS]]" (local time)."""
    out = ffi.new('double *')
    err = new_error()
    check(lib.fluxacct_time_parse(cstr(s, 'time'), out, err), err)
    return out[0]


def jobid_parse(s):
    """The integer job id in any FLUID text form (decimal, f58, hex,
    dothex, kvs)."""
    out = ffi.new('uint64_t *')
    err = new_error()
    check(lib.fluxacct_jobid_parse(cstr(s, 'job id'), out, err), err)
    return out[0]


def jobid_encode(jobid, encoding='f58'):
    """Job id `jobid` as text: encoding "dec", "hex", "dothex", "kvs", "f58"
    or "f58plain"."""
    buf = ffi.new('char[]', lib.FLUXACCT_JOBID_STRSZ)
    err = new_error()
    check(lib.fluxacct_jobid_encode(jobid, cstr(encoding, 'encoding'), buf,
                                    len(buf), err), err)
    return pystr(buf)
