"""The database-independent fair-share engine: :class:`FairShareTree`."""
import dataclasses
import errno
import math
import threading

from ._core import ffi, lib, check, check_ptr, cstr, new_error, pystr, \
    take_string
from . import _fields
from .errors import ClosedError

__all__ = ['FairShareTree', 'FairShareNode']


@dataclasses.dataclass(frozen=True)
class FairShareNode:
    """One node of a computed tree, a bank or a user (association).

    For a user, ``bank`` is its bank; for a bank, its parent (None for the
    root).  "Level" values are relative to the node and its siblings;
    ``fairshare`` is None and ``rank`` 0 for banks (so that nodes compare
    equal to themselves); ``user_index`` is the user's place in visit order
    (-1 for banks).
    """
    index: int
    type: str            # "bank" or "user"
    name: str
    bank: str
    parent: int
    depth: int
    shares: int
    usage: float
    level_shares: float
    level_usage: float
    weight: float
    position: int
    siblings: int
    norm_shares: float
    norm_usage: float
    fairshare: float
    rank: int
    tied: int
    user_index: int

    @property
    def is_user(self):
        """True for a user (association) node."""
        return self.type == 'user'


_FIELDS = [f.name for f in dataclasses.fields(FairShareNode)]


def _node(info):
    """Copy a fluxacct_fstree_node_t (its strings are borrowed from the tree)."""
    values = {name: getattr(info, name) for name in _FIELDS
              if name not in ('type', 'name', 'bank')}
    is_user = info.type == lib.FLUXACCT_FSTREE_USER
    if not is_user:
        values['fairshare'] = None
    return FairShareNode(type='user' if is_user else 'bank',
                         name=pystr(info.name), bank=pystr(info.bank),
                         **values)


class FairShareTree:
    """A bank tree with users as leaves, independent of any database.

    Build it with :meth:`add_bank` and :meth:`add_user` (or load
    fairshare-emulate JSON with :meth:`from_json` / :meth:`from_json_file`),
    call :meth:`compute`, then read :meth:`users` (visit order),
    :meth:`nodes` (depth first, index 0 the root), :meth:`find_user`,
    :meth:`find_bank` or :meth:`results_json`.  Nodes are plain copies that
    stay valid after the tree changes or is closed.  Use as a context
    manager or call :meth:`close`.
    """

    def __init__(self, _tree=None):
        self._lock = threading.RLock()
        if _tree is None:
            err = new_error()
            _tree = check_ptr(lib.fluxacct_fstree_create(err), err)
        self._tree = ffi.gc(_tree, lib.fluxacct_fstree_destroy)

    @classmethod
    def from_json(cls, text):
        """A tree from fairshare-emulate input, ``{"root": NODE}`` (str,
        bytes, or an already parsed dict).  Not computed yet.  :raises
        InvalidArgument (with flux-accounting's message)."""
        if isinstance(text, dict):
            import json
            text = json.dumps(text)
        err = new_error()
        return cls(check_ptr(lib.fluxacct_fstree_load_json(
            cstr(text, 'text'), err), err))

    @classmethod
    def from_json_file(cls, path):
        """The same as :meth:`from_json`, reading the file at `path`.
        :raises NotFound."""
        err = new_error()
        return cls(check_ptr(lib.fluxacct_fstree_load_json_file(
            cstr(path, 'path'), err), err))

    def close(self):
        """Free the tree.  Idempotent; later use raises ClosedError."""
        with self._lock:
            if self._tree is not None:
                tree, self._tree = self._tree, None
                ffi.release(tree)

    @property
    def closed(self):
        """True after :meth:`close`."""
        return self._tree is None

    def __enter__(self):
        self._handle()
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if self._tree is None:
            raise ClosedError(errno.EBADF, 'fluxacct: the tree is closed')
        return self._tree

    def _call(self, fn, *args):
        err = new_error()
        with self._lock:
            return check(fn(self._handle(), *args, err), err)

    def add_bank(self, name, parent=None, shares=1, usage=None):
        """Add a bank; parent None makes the root.  usage None means the sum
        of its children's.  :raises AlreadyExists, NotFound (parent),
        InvalidArgument."""
        self._call(lib.fluxacct_fstree_add_bank, cstr(name, 'name'),
                   cstr(parent, 'parent'), shares,
                   math.nan if usage is None else float(usage))

    def add_user(self, username, bank, shares=1, usage=0.0):
        """Add a user (association) under an existing bank.  :raises
        AlreadyExists, NotFound (bank), InvalidArgument."""
        self._call(lib.fluxacct_fstree_add_user, cstr(username, 'username'),
                   cstr(bank, 'bank'), shares, float(usage))

    def compute(self):
        """Run the weighted tree walk.  :raises InvalidArgument (no root)."""
        self._call(lib.fluxacct_fstree_compute)
        return self

    @property
    def user_count(self):
        """Number of users in the tree."""
        return self._call(lib.fluxacct_fstree_user_count)

    @property
    def node_count(self):
        """Number of nodes, banks and users."""
        return self._call(lib.fluxacct_fstree_node_count)

    def node(self, index):
        """Node `index` (depth first; 0 is the root) of the computed tree.
        :raises InvalidArgument (not computed, out of range)."""
        info = _fields.FSTREE_NODE.new()
        with self._lock:
            self._call(lib.fluxacct_fstree_node, index, info)
            return _node(info)

    def user(self, i):
        """The i-th user in visit order of the computed tree."""
        info = _fields.FSTREE_NODE.new()
        with self._lock:
            self._call(lib.fluxacct_fstree_user, i, info)
            return _node(info)

    def nodes(self):
        """Every node of the computed tree, depth first."""
        with self._lock:
            return [self.node(i) for i in range(self.node_count)]

    def users(self):
        """The users of the computed tree in visit order (rank order)."""
        with self._lock:
            return [self.user(i) for i in range(self.user_count)]

    def find_user(self, username, bank):
        """The node of `username` in `bank`.  :raises NotFound."""
        with self._lock:
            return self.node(self._call(lib.fluxacct_fstree_find_user,
                                        cstr(username, 'username'),
                                        cstr(bank, 'bank')))

    def find_bank(self, name):
        """The node of bank `name`.  :raises NotFound."""
        with self._lock:
            return self.node(self._call(lib.fluxacct_fstree_find_bank,
                                        cstr(name, 'name')))

    def results_json(self):
        """The users as ``fairshare-emulate --json`` prints them (str)."""
        err = new_error()
        with self._lock:
            p = check_ptr(lib.fluxacct_fstree_results_json(self._handle(),
                                                           err), err)
        return take_string(p)
