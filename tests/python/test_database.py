"""create_db, Database open/close, batches and the database properties."""
import datetime
import os
import sqlite3

import pytest

import fluxacct


def test_create_db_defaults(db_path, cli):
    with fluxacct.Database(db_path) as db:
        assert db.get_config('priority_decay_half_life') == '604800'
        assert db.get_config('priority_usage_reset_period') == '2419200'
        assert db.get_config('decay_factor') == '0.5'
        assert db.get_config('usage_epoch') == '1700000000'
        assert db.schema_version == fluxacct.SCHEMA_VERSION
        assert db.path == db_path
    assert oct(os.stat(db_path).st_mode & 0o777) == oct(0o644)
    assert cli.json('list-configs') == fluxacct.Database(db_path).list_configs()


@pytest.mark.parametrize('half_life,expect', [
    ('2d', '172800'), (3600, '3600'), (90.0, '90'),
    (datetime.timedelta(hours=2), '7200'), ('1.5m', '90')])
def test_create_db_half_life_forms(tmp_path, half_life, expect):
    path = str(tmp_path / 'h.db')
    # 1d: with a 90 s half-life, 960 periods (the limit is 1000)
    fluxacct.create_db(path, half_life=half_life, reset_period='1d',
                       decay_factor=0.25, mode=0o600)
    with fluxacct.Database(path) as db:
        assert db.get_config('priority_decay_half_life') == expect
        assert db.get_config('priority_usage_reset_period') == '86400'
        assert db.get_config('decay_factor') == '0.25'
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_create_db_usage_epoch_forms(tmp_path):
    path = str(tmp_path / 'e.db')
    fluxacct.create_db(path, usage_epoch='1690000000')
    with fluxacct.Database(path) as db:
        assert db.get_config('usage_epoch') == '1690000000'


def test_create_db_errors(tmp_path, db_path):
    with pytest.raises(fluxacct.AlreadyExists) as e:
        fluxacct.create_db(db_path)
    assert e.value.errno == 17
    assert isinstance(e.value, OSError)
    bad = str(tmp_path / 'bad.db')
    with pytest.raises(fluxacct.InvalidArgument) as e:
        fluxacct.create_db(bad, decay_factor=1.5)
    assert 'decay' in str(e.value)
    assert not os.path.exists(bad)
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.create_db(bad, half_life='-3d')
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.create_db(bad, reset_period='soon')
    with pytest.raises(TypeError):
        fluxacct.create_db(bad, decay_factor='half')
    with pytest.raises(TypeError):
        fluxacct.create_db(42)
    assert not os.path.exists(bad)


def test_open_errors(tmp_path):
    with pytest.raises(fluxacct.NotFound):
        fluxacct.Database(str(tmp_path / 'missing.db'))
    junk = tmp_path / 'junk.db'
    junk.write_bytes(b'this is not sqlite' * 100)
    with pytest.raises(fluxacct.NotADatabase) as e:
        fluxacct.Database(str(junk))
    assert e.value.errno == 71
    other = str(tmp_path / 'other.db')
    c = sqlite3.connect(other)
    c.execute('CREATE TABLE t (x)')
    c.commit()
    c.close()
    with pytest.raises(fluxacct.NotADatabase):
        fluxacct.Database(other)


def test_open_pathlike_and_default_path(db_path, monkeypatch, tmp_path):
    import pathlib
    with fluxacct.Database(pathlib.Path(db_path)) as db:
        assert db.path == db_path
    monkeypatch.setenv('FLUXACCT_DB', db_path)
    assert fluxacct.default_db_path() == db_path
    with fluxacct.Database() as db:
        assert db.path == db_path
    monkeypatch.delenv('FLUXACCT_DB')
    assert fluxacct.default_db_path().endswith('FluxAccounting.db')


def test_readonly(db_path):
    with fluxacct.Database(db_path, readonly=True) as db:
        assert db.readonly
        assert db.list_banks() == []
        with pytest.raises(fluxacct.ReadOnly) as e:
            db.add_bank('root')
        assert e.value.errno == 30
        with pytest.raises(fluxacct.ReadOnly):
            db.begin()


def test_busy_timeout(db_path):
    with fluxacct.Database(db_path) as a, fluxacct.Database(db_path) as b:
        a.set_busy_timeout(0)
        b.set_busy_timeout(50)
        with pytest.raises(fluxacct.InvalidArgument):
            b.set_busy_timeout(-1)
        with a.batch():
            a.add_bank('root')
            with pytest.raises(fluxacct.Busy) as e:
                b.add_bank('other')
            assert e.value.errno == 16
        assert [r['bank'] for r in b.list_banks()] == ['root']


def test_batch_commit_and_rollback(db):
    with db.batch():
        db.add_bank('root')
        db.add_bank('A', parent='root')
    assert len(db.list_banks()) == 2
    with pytest.raises(fluxacct.AlreadyExists):
        with db.batch():
            db.add_bank('B', parent='root')
            db.add_bank('A', parent='root')
    assert [b['bank'] for b in db.list_banks()] == ['root', 'A']
    with pytest.raises(KeyError):
        with db.batch():
            db.add_bank('C', parent='root')
            raise KeyError('not ours')
    assert [b['bank'] for b in db.list_banks()] == ['root', 'A']


def test_batch_failed_call_keeps_batch_open(db):
    """A failing call inside a batch undoes only itself."""
    with db.batch():
        db.add_bank('root')
        with pytest.raises(fluxacct.NotFound):
            db.add_bank('X', parent='nope')
        db.add_bank('A', parent='root')
    assert [b['bank'] for b in db.list_banks()] == ['root', 'A']


def test_batch_nested(db):
    with db.batch():
        db.add_bank('root')
        with pytest.raises(fluxacct.InvalidArgument):
            with db.batch():
                db.add_bank('A', parent='root')
                raise fluxacct.InvalidArgument(22, 'inner')
        db.add_bank('B', parent='root')
    assert [b['bank'] for b in db.list_banks()] == ['root', 'B']


def test_begin_commit_rollback(db):
    with pytest.raises(fluxacct.InvalidArgument):
        db.commit()
    with pytest.raises(fluxacct.InvalidArgument):
        db.rollback()
    db.begin()
    db.add_bank('root')
    db.rollback()
    assert db.list_banks() == []
    db.begin()
    db.add_bank('root')
    db.commit()
    assert len(db.list_banks()) == 1


def test_close_rolls_back_open_batch(db_path):
    db = fluxacct.Database(db_path)
    db.begin()
    db.add_bank('root')
    db.close()
    with fluxacct.Database(db_path) as db:
        assert db.list_banks() == []


def test_version():
    assert fluxacct.version() == fluxacct.__version__
    major, minor, micro = (int(x) for x in fluxacct.version().split('.'))
    assert fluxacct.version_number() == major * 10000 + minor * 100 + micro
    assert fluxacct.UNLIMITED == 2147483647
    assert fluxacct.RESET == -1
