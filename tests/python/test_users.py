"""Associations: add (one and many), edit, edit-all, delete, view, list."""
import pytest

import fluxacct


def test_add_user_defaults_and_cli(tree_db, cli):
    db = tree_db
    [a] = db.view_user('alice')
    assert a['username'] == 'alice' and a['bank'] == 'A'
    assert a['userid'] == 5001 and a['default_bank'] == 'A'
    assert (a['max_running_jobs'], a['max_active_jobs']) == (5, 7)
    assert a['max_nodes'] == fluxacct.UNLIMITED
    assert a['projects'] == '*' and a['queues'] == ''
    for user in ('alice', 'bob', 'carol'):
        assert db.view_user(user) == cli.json('view-user', user)
    assert db.list_users() == cli.json('list-users')


def test_add_user_all_fields(tree_db, cli):
    db = tree_db
    db.add_queue('batch')
    db.add_queue('debug')
    db.add_project('p1')
    db.add_user('dave', 'B', userid=6000, shares=3, fairshare=0.25,
                max_running_jobs=2, max_active_jobs=4, max_nodes=8,
                max_cores='unlimited', max_sched_jobs=9,
                queues=['batch', 'debug'], projects='p1',
                default_project='p1')
    [d] = db.view_user('dave')
    assert (d['userid'], d['shares'], d['fairshare']) == (6000, 3, 0.25)
    assert (d['max_running_jobs'], d['max_active_jobs'], d['max_nodes'],
            d['max_cores'], d['max_sched_jobs']) == \
        (2, 4, 8, fluxacct.UNLIMITED, 9)
    assert d['queues'] == 'batch,debug'
    assert d['projects'] == 'p1,*' and d['default_project'] == 'p1'
    assert [d] == cli.json('view-user', 'dave')


def test_second_bank_keeps_default(tree_db):
    db = tree_db
    db.add_user('alice', 'B')
    assert [r['bank'] for r in db.view_user('alice')] == ['A', 'B']
    assert {r['default_bank'] for r in db.view_user('alice')} == {'A'}


def test_add_user_errors(tree_db):
    db = tree_db
    with pytest.raises(fluxacct.AlreadyExists):
        db.add_user('alice', 'A')
    with pytest.raises(fluxacct.NotFound):
        db.add_user('alice', 'nope')
    with pytest.raises(fluxacct.NotFound):
        db.add_user('erin', 'A', queues='nope')
    with pytest.raises(fluxacct.NotFound):
        db.add_user('erin', 'A', projects='nope')
    with pytest.raises(fluxacct.HierarchyError):
        db.add_user('erin', 'root')              # root has sub-banks
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_user('', 'A')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_user('erin', 'A', shares=-2)
    with pytest.raises(TypeError) as e:
        db.add_user('erin', 'A', max_jobs=3)
    assert 'max_running_jobs' in str(e.value)    # lists the real fields
    with pytest.raises(TypeError):
        db.add_user('erin', 'A', max_nodes=2.5)
    with pytest.raises(TypeError):
        db.add_user('erin', 'A', queues=5)
    with pytest.raises(fluxacct.NotFound):
        db.view_user('erin')


def test_add_users_batch(tree_db, cli):
    db = tree_db
    db.add_queue('batch')
    db.add_users([{'username': f'u{i:03d}', 'bank': 'AB'[i % 2],
                   'userid': 7000 + i, 'max_running_jobs': i}
                  for i in range(50)]
                 + [{'username': 'q', 'bank': 'B', 'queues': ['batch']}])
    users = db.list_users(bank='A')
    assert len(users) == 2 + 25
    u7 = db.view_user('u007')[0]
    assert (u7['bank'], u7['userid'], u7['max_running_jobs']) == \
        ('B', 7007, 7)
    assert db.view_user('q')[0]['queues'] == 'batch'
    assert db.list_users() == cli.json('list-users')
    db.add_users([])


def test_add_users_all_or_nothing(tree_db):
    db = tree_db
    with pytest.raises(fluxacct.NotFound) as e:
        db.add_users([{'username': 'x1', 'bank': 'A'},
                      {'username': 'x2', 'bank': 'nope'}])
    assert '1' in str(e.value)                   # names the element
    with pytest.raises(fluxacct.NotFound):
        db.view_user('x1')
    with pytest.raises(fluxacct.AlreadyExists):
        db.add_users([{'username': 'x1', 'bank': 'A'},
                      {'username': 'x1', 'bank': 'A'}])
    with pytest.raises(TypeError) as e:
        db.add_users([{'username': 'x1', 'bank': 'A', 'bogus': 1}])
    assert 'add_users[0]' in str(e.value)
    assert len(db.list_users()) == 3


def test_edit_user(tree_db, cli):
    db = tree_db
    db.add_queue('batch')
    db.add_queue('debug')
    db.add_user('alice', 'B')
    db.edit_user('alice', max_running_jobs=9, queues='batch')
    assert {r['max_running_jobs'] for r in db.view_user('alice')} == {9}
    db.edit_user('alice', bank='B', max_nodes=4, add_queues='debug')
    a, b = db.view_user('alice')
    assert (a['max_nodes'], b['max_nodes']) == (fluxacct.UNLIMITED, 4)
    assert b['queues'] == 'batch,debug' and a['queues'] == 'batch'
    db.edit_user('alice', bank='B', delete_queues=['batch'])
    assert db.view_user('alice')[1]['queues'] == 'debug'
    db.edit_user('alice', default_bank='B')
    assert {r['default_bank'] for r in db.view_user('alice')} == {'B'}
    # -1 (RESET) resets to the default, for numbers and strings alike
    db.edit_user('alice', max_running_jobs=fluxacct.RESET, queues=-1)
    assert {r['max_running_jobs'] for r in db.view_user('alice')} == {5}
    assert {r['queues'] for r in db.view_user('alice')} == {''}
    db.edit_user('alice', bank='A', max_nodes='unlimited', fairshare=0.75)
    assert db.view_user('alice')[0]['fairshare'] == 0.75
    assert db.view_user('alice') == cli.json('view-user', 'alice')


def test_edit_user_errors(tree_db):
    db = tree_db
    with pytest.raises(fluxacct.InvalidArgument):
        db.edit_user('alice')                    # nothing to change
    with pytest.raises(fluxacct.NotFound):
        db.edit_user('nobody', shares=1)
    with pytest.raises(fluxacct.NotFound):
        db.edit_user('alice', bank='B', shares=1)
    with pytest.raises(fluxacct.NotFound):
        db.edit_user('alice', queues='nope')
    with pytest.raises(fluxacct.NotFound):
        db.edit_user('alice', default_bank='nope')
    with pytest.raises(fluxacct.InvalidArgument):
        db.edit_user('alice', max_nodes=-5)
    with pytest.raises(TypeError):
        db.edit_user('alice', username='x', nonsense=1)
    assert db.view_user('alice')[0]['shares'] == 1


def test_edit_all_users(tree_db, cli):
    db = tree_db
    db.edit_all_users(max_active_jobs=20)
    assert {u['max_active_jobs'] for u in db.list_users()} == {20}
    db.edit_all_users(bank='B', max_active_jobs=3)
    assert db.view_user('carol')[0]['max_active_jobs'] == 3
    assert db.view_user('alice')[0]['max_active_jobs'] == 20
    assert db.list_users() == cli.json('list-users')
    with pytest.raises(fluxacct.NotFound):
        db.edit_all_users(default_bank='A')
    with pytest.raises(fluxacct.InvalidArgument):
        db.edit_all_users()


def test_delete_user(tree_db, cli):
    db = tree_db
    db.delete_user('bob', 'A')
    assert db.view_user('bob')[0]['active'] == 0
    assert db.view_user('bob') == cli.json('view-user', 'bob')
    assert [u['username'] for u in db.list_users(active=True)] == \
        ['alice', 'carol']
    db.delete_user('bob', 'A', force=True)
    with pytest.raises(fluxacct.NotFound):
        db.view_user('bob')
    with pytest.raises(fluxacct.NotFound):
        db.delete_user('bob', 'A')
    db.add_user('alice', 'B')
    db.delete_user('alice', 'A')                 # default bank moves to B
    assert db.view_user('alice')[1]['default_bank'] == 'B'


def test_list_users_filters(tree_db, cli):
    db = tree_db
    db.add_queue('batch')
    db.edit_user('bob', queues='batch')
    assert [u['username'] for u in db.list_users(bank='A')] == \
        ['alice', 'bob']
    assert [u['username'] for u in db.list_users(bank=['A', 'B'])] == \
        ['alice', 'bob', 'carol']
    assert [u['username'] for u in db.list_users(queues='bat')] == ['bob']
    assert [u['username'] for u in db.list_users(shares=2)] == ['bob']
    assert db.list_users(active=False) == []
    assert db.list_users(bank='A', fields='username,bank') == \
        cli.json('list-users', '-B', 'A', '--fields', 'username,bank')
    with pytest.raises(fluxacct.InvalidArgument):
        db.list_users(nonsense='x')
    with pytest.raises(fluxacct.InvalidArgument):
        db.list_users(fields='nonsense')


def test_sync_userids(tree_db):
    db = tree_db
    assert db.sync_userids() == (0, 0)
    import sqlite3
    conn = sqlite3.connect(db.path)
    conn.execute("UPDATE job_usage_factor_table SET userid = 9")
    conn.commit()
    conn.close()
    changed = db.sync_userids()
    assert changed[0] > 0 and changed[1] == 0
    assert db.sync_userids() == (0, 0)
