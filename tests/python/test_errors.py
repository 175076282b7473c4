"""errors.py: one map from errno to exception classes."""
import errno
import pickle

import pytest

import fluxacct
from fluxacct.errors import error_for


@pytest.mark.parametrize('num,cls', [
    (errno.ENOENT, fluxacct.NotFound),
    (errno.EEXIST, fluxacct.AlreadyExists),
    (errno.EINVAL, fluxacct.InvalidArgument),
    (errno.ERANGE, fluxacct.OutOfRange),
    (errno.EPERM, fluxacct.PermissionDenied),
    (errno.EACCES, fluxacct.AccessDenied),
    (errno.EBUSY, fluxacct.Busy),
    (errno.EROFS, fluxacct.ReadOnly),
    (errno.EPROTO, fluxacct.NotADatabase),
    (errno.EBADF, fluxacct.ClosedError),
    (errno.ENOMEM, fluxacct.Error),
])
def test_map(num, cls):
    e = error_for(num, 'the text')
    assert type(e) is cls
    assert isinstance(e, fluxacct.Error) and isinstance(e, OSError)
    assert e.errno == num
    assert str(e) == 'the text' == e.strerror


def test_defaults():
    assert str(error_for(errno.ENOENT)) == 'No such file or directory'
    assert error_for(0, 'x').errno == errno.EIO
    assert fluxacct.HierarchyError is fluxacct.PermissionDenied


def test_pickle_roundtrip():
    e = pickle.loads(pickle.dumps(error_for(errno.EEXIST, 'bank A exists')))
    assert type(e) is fluxacct.AlreadyExists
    assert (e.errno, str(e)) == (errno.EEXIST, 'bank A exists')


def test_raised_from_c_with_its_text(db):
    with pytest.raises(OSError) as e:
        db.view_bank('nope')
    assert type(e.value) is fluxacct.NotFound
    assert e.value.errno == errno.ENOENT
    assert str(e.value) == 'bank nope not found in bank_table'


def test_every_public_name_documented():
    for name in fluxacct.__all__:
        obj = getattr(fluxacct, name)
        if isinstance(obj, int):
            continue
        assert obj.__doc__, name
        if isinstance(obj, type):
            for attr, member in vars(obj).items():
                if attr.startswith('_') or not callable(member) and \
                        not isinstance(member, property):
                    continue
                assert member.__doc__, f'{name}.{attr}'
