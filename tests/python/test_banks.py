"""Banks: add, edit, delete, view, list; values equal to the CLI's."""
import pytest

import fluxacct


def test_add_view_list(tree_db, cli):
    db = tree_db
    a = db.view_bank('A')
    assert a['bank'] == 'A' and a['parent_bank'] == 'root'
    assert a['shares'] == 2 and a['active'] == 1
    assert isinstance(a['job_usage'], float)
    assert db.view_bank('A') == cli.json('view-bank', 'A')[0]
    assert db.list_banks() == cli.json('list-banks')
    assert [b['bank'] for b in db.list_banks()] == ['root', 'A', 'B']


def test_add_bank_options(db, cli):
    db.add_bank('root', shares=5)
    db.add_bank('A', parent='root', shares=0, priority=2.5,
                ignore_older_than=1_700_000_100)
    a = db.view_bank('A')
    assert (a['shares'], a['priority'], a['ignore_older_than']) == \
        (0, 2.5, 1_700_000_100)
    assert db.view_bank('root')['shares'] == 5
    assert a == cli.json('view-bank', 'A')[0]


def test_add_bank_errors(tree_db):
    db = tree_db
    with pytest.raises(fluxacct.AlreadyExists) as e:
        db.add_bank('A', parent='root')
    assert str(e.value) == 'bank A already exists in bank_table'
    with pytest.raises(fluxacct.AlreadyExists):
        db.add_bank('root2')                      # a second root
    with pytest.raises(fluxacct.NotFound):
        db.add_bank('X', parent='nope')
    with pytest.raises(fluxacct.HierarchyError) as e:
        db.add_bank('sub', parent='A')           # A holds associations
    assert e.value.errno == 1
    assert isinstance(e.value, fluxacct.PermissionDenied)
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_bank('', parent='root')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_bank('neg', parent='root', shares=-2)
    with pytest.raises(TypeError):
        db.add_bank('typed', parent='root', shares='3')
    with pytest.raises(TypeError):
        db.add_bank(42)
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_bank(None)                        # the name is required
    assert [b['bank'] for b in db.list_banks()] == ['root', 'A', 'B']


def test_edit_bank(tree_db, cli):
    db = tree_db
    db.add_bank('C', parent='root')
    db.add_bank('D', parent='C')
    db.edit_bank('B', shares=7, priority=1.5)
    assert db.view_bank('B')['shares'] == 7
    assert db.view_bank('B')['priority'] == 1.5
    db.edit_bank('D', parent='root')
    assert db.view_bank('D')['parent_bank'] == 'root'
    assert db.view_bank('B') == cli.json('view-bank', 'B')[0]


def test_edit_bank_errors(tree_db):
    db = tree_db
    db.add_bank('C', parent='root')
    db.add_bank('D', parent='C')
    with pytest.raises(fluxacct.InvalidArgument):
        db.edit_bank('A')                        # nothing to change
    with pytest.raises(fluxacct.NotFound):
        db.edit_bank('nope', shares=1)
    with pytest.raises(fluxacct.NotFound):
        db.edit_bank('C', parent='nope')
    with pytest.raises(fluxacct.HierarchyError):
        db.edit_bank('C', parent='D')            # a cycle
    with pytest.raises(fluxacct.HierarchyError):
        db.edit_bank('D', parent='A')            # beside associations
    assert db.view_bank('C')['parent_bank'] == 'root'


def test_delete_bank(tree_db, cli):
    db = tree_db
    db.delete_bank('B')
    assert db.view_bank('B')['active'] == 0
    assert db.view_user('carol')[0]['active'] == 0
    assert [b['bank'] for b in db.list_banks()] == ['root', 'A']
    assert [b['bank'] for b in db.list_banks(inactive=True)] == \
        ['root', 'A', 'B']
    assert db.list_banks(inactive=True) == cli.json('list-banks', '--inactive')
    db.delete_bank('B', force=True)
    with pytest.raises(fluxacct.NotFound):
        db.view_bank('B')
    with pytest.raises(fluxacct.NotFound):
        db.delete_bank('B')


def test_view_list_fields(tree_db, cli):
    db = tree_db
    assert db.view_bank('A', fields='bank,shares') == {'bank': 'A',
                                                       'shares': 2}
    assert db.list_banks(fields=['bank']) == [{'bank': 'root'}, {'bank': 'A'},
                                              {'bank': 'B'}]
    assert db.list_banks(fields='bank,shares') == \
        cli.json('list-banks', '--fields', 'bank,shares')
    with pytest.raises(fluxacct.InvalidArgument) as e:
        db.view_bank('A', fields='bank,nope')
    assert 'nope' in str(e.value)
    with pytest.raises(fluxacct.InvalidArgument):
        db.list_banks(fields='nope')
    with pytest.raises(fluxacct.NotFound):
        db.view_bank('nope')
