"""Exceptions raised by fluxacct: one map from errno to exception class.

Every failure of a libfluxacct call raises a subclass of :class:`Error`,
chosen by the errno the C library set (its error *category*), with the C
library's one-line message as the text.  :class:`Error` is an
:class:`OSError`, so ``e.errno`` holds the errno value and code that already
catches ``OSError`` keeps working.
"""
import errno as _errno
import os as _os

__all__ = [
    'Error', 'NotFound', 'AlreadyExists', 'InvalidArgument', 'OutOfRange',
    'PermissionDenied', 'HierarchyError', 'AccessDenied', 'Busy', 'ReadOnly',
    'NotADatabase', 'ClosedError', 'error_for',
]


class Error(OSError):
    """Base class of every fluxacct error.

    ``errno`` is the C library's errno category and ``str(e)`` (also
    ``e.strerror``) the C library's message, e.g.
    ``bank foo not found in bank_table``.
    """

    def __str__(self):
        return str(self.strerror)


class NotFound(Error):
    """ENOENT: no such bank, association, queue, project, key or file."""


class AlreadyExists(Error):
    """EEXIST: the bank, association, queue, project, key or file exists."""


class InvalidArgument(Error):
    """EINVAL: a bad parameter or value (the message names it)."""


class OutOfRange(InvalidArgument):
    """ERANGE: a number too large for its field (parsers)."""


class PermissionDenied(Error):
    """EPERM: a hierarchy or protection rule would be broken (a second root,
    a bank beside associations, a cycle, deleting a protected key or the
    project ``*``, scrubbing records whose usage still counts)."""


#: EPERM from the bank tree rules; the same class as PermissionDenied.
HierarchyError = PermissionDenied


class AccessDenied(Error):
    """EACCES: the file system refused access to the database file."""


class Busy(Error):
    """EBUSY: another writer held the database past the busy timeout."""


class ReadOnly(Error):
    """EROFS: the database was opened read-only or is not writable."""


class NotADatabase(Error):
    """EPROTO: the file is not a libfluxacct database (not SQLite, another
    application's, a flux-accounting database needing update-db, or newer
    than this library)."""


class ClosedError(Error):
    """The Database, FairShareTree or PriorityEngine was used after close()
    (errno EBADF)."""


_BY_ERRNO = {
    _errno.ENOENT: NotFound,
    _errno.EEXIST: AlreadyExists,
    _errno.EINVAL: InvalidArgument,
    _errno.ERANGE: OutOfRange,
    _errno.EPERM: PermissionDenied,
    _errno.EACCES: AccessDenied,
    _errno.EBUSY: Busy,
    _errno.EROFS: ReadOnly,
    _errno.EPROTO: NotADatabase,
    _errno.EBADF: ClosedError,
}


def error_for(errnum, text=None):
    """Return (not raise) the exception for errno ``errnum`` with message
    ``text`` (the errno's strerror when empty).  Unmapped errnos (ENOMEM,
    EIO, ...) give a plain :class:`Error`; errno 0 is reported as EIO."""
    if not errnum:
        errnum = _errno.EIO
    if not text:
        text = _os.strerror(errnum)
    return _BY_ERRNO.get(errnum, Error)(errnum, text)
