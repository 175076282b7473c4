"""FairShareTree: the database-independent fair-share engine."""
import json
import math
import os

import pytest

import fluxacct
from conftest import SOURCE_ROOT

DATA = os.path.join(SOURCE_ROOT, 'tests', 'data', 'fairshare')


def small_tree():
    """The tree of tests/data/fairshare/small.json, built by calls."""
    t = fluxacct.FairShareTree()
    t.add_bank('root')
    t.add_bank('A', parent='root', shares=3)
    t.add_bank('B', parent='root')
    t.add_user('a1', 'A', 1, 10)
    t.add_user('a2', 'A', 1, 30)
    t.add_user('b1', 'B', 2, 5.0)
    t.add_user('b2', 'B', 1, 2.5)
    t.add_user('b3', 'B', 1, 12.5)
    return t


def expected_small():
    with open(os.path.join(DATA, 'small.expected.json')) as f:
        return json.load(f)


def test_built_tree_matches_emulator_golden_file():
    with small_tree() as t:
        assert (t.user_count, t.node_count) == (5, 8)
        t.compute()
        got = [(u.name, u.bank, u.shares, u.usage, round(u.fairshare, 6))
               for u in t.users()]
        want = [(e['username'], e['bank'], e['shares'], e['usage'],
                 e['fairshare']) for e in expected_small()]
        assert got == want
        assert json.loads(t.results_json()) == expected_small()


@pytest.mark.parametrize('name', ['small', 'repr'])
def test_load_json_file_golden(name):
    with fluxacct.FairShareTree.from_json_file(
            os.path.join(DATA, name + '.json')) as t:
        t.compute()
        with open(os.path.join(DATA, name + '.expected.json')) as f:
            assert t.results_json().strip() == f.read().strip()


def test_load_json_text_and_dict():
    with open(os.path.join(DATA, 'small.json')) as f:
        text = f.read()
    for doc in (text, text.encode(), json.loads(text)):
        t = fluxacct.FairShareTree.from_json(doc).compute()
        assert json.loads(t.results_json()) == expected_small()


def test_load_json_errors(tmp_path):
    with pytest.raises(fluxacct.InvalidArgument) as e:
        fluxacct.FairShareTree.from_json('{"nope": {}}')
    assert str(e.value) == "ValueError: JSON must contain 'root' key"
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.FairShareTree.from_json('not json')
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.FairShareTree.from_json_file(os.path.join(DATA,
                                                           'invalid.json'))
    with pytest.raises(fluxacct.NotFound) as e:
        fluxacct.FairShareTree.from_json_file(str(tmp_path / 'missing.json'))
    assert 'FileNotFoundError' in str(e.value)


def test_nodes_and_find():
    t = small_tree().compute()
    nodes = t.nodes()
    assert [n.index for n in nodes] == list(range(8))
    root = nodes[0]
    assert (root.type, root.name, root.bank, root.parent, root.depth) == \
        ('bank', 'root', None, -1, 0)
    assert root.usage == 60.0 and root.fairshare is None
    assert root.user_index == -1 and not root.is_user
    a2 = t.find_user('a2', 'A')
    assert a2.is_user and a2.bank == 'A' and a2.shares == 1
    assert nodes[a2.parent] == t.find_bank('A')
    assert a2.fairshare == pytest.approx(0.8)
    assert a2.norm_usage == pytest.approx(30 / 60)
    assert a2.level_shares == 0.5
    assert t.user(a2.user_index) == a2
    assert t.node(a2.index) == a2
    b = t.find_bank('B')
    assert (b.type, b.bank, b.shares, b.siblings) == ('bank', 'root', 1, 2)
    assert b.norm_shares == pytest.approx(0.25)


def test_tree_errors():
    t = fluxacct.FairShareTree()
    with pytest.raises(fluxacct.InvalidArgument):
        t.compute()                               # no root
    t.add_bank('root')
    with pytest.raises(fluxacct.AlreadyExists):
        t.add_bank('root2')                       # a second root
    with pytest.raises(fluxacct.AlreadyExists):
        t.add_bank('root', parent='root')
    with pytest.raises(fluxacct.NotFound):
        t.add_bank('X', parent='nope')
    with pytest.raises(fluxacct.InvalidArgument):
        t.add_bank('', parent='root')
    with pytest.raises(fluxacct.InvalidArgument):
        t.add_bank('neg', parent='root', usage=-1)
    with pytest.raises(fluxacct.NotFound):
        t.add_user('u', 'nope')
    t.add_user('u', 'root', usage=1)
    with pytest.raises(fluxacct.AlreadyExists):
        t.add_user('u', 'root')
    with pytest.raises(fluxacct.InvalidArgument):
        t.add_user('v', 'root', usage=math.inf)
    with pytest.raises(fluxacct.InvalidArgument):
        t.node(0)                                 # not computed
    with pytest.raises(fluxacct.InvalidArgument):
        t.results_json()
    t.compute()
    with pytest.raises(fluxacct.InvalidArgument):
        t.node(99)
    with pytest.raises(fluxacct.InvalidArgument):
        t.user(-1)
    with pytest.raises(fluxacct.NotFound):
        t.find_user('u', 'other')
    with pytest.raises(fluxacct.NotFound):
        t.find_bank('nope')
    t.add_user('w', 'root')                       # discards the results
    with pytest.raises(fluxacct.InvalidArgument):
        t.users()
    assert len(t.compute().users()) == 2


def test_empty_tree_computes_to_nothing():
    t = fluxacct.FairShareTree()
    t.add_bank('root')
    t.compute()
    assert t.users() == []
    assert t.user_count == 0


def test_bank_usage_given():
    t = fluxacct.FairShareTree()
    t.add_bank('root')
    t.add_bank('A', parent='root', usage=100.0)
    t.add_user('a', 'A', usage=1.0)
    t.compute()
    assert t.find_bank('A').usage == 100.0


# -- fair-share over a database ---------------------------------------------

def usage_db(db):
    from test_jobs_usage import JOBS, T0
    db.import_jobs_data(JOBS)
    db.update_usage(now=T0 + 10_000)
    return db


def test_update_fairshare_same_as_cli(tree_db, tmp_path):
    import sqlite3
    from conftest import CLI
    db = usage_db(tree_db)
    copy = str(tmp_path / 'copy.db')
    src, dst = sqlite3.connect(db.path), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    assert db.update_fairshare() == 3
    assert db.update_fairshare() == 0             # nothing changed
    CLI(copy).run('update-fshare')
    with fluxacct.Database(copy, readonly=True) as other:
        assert db.list_users(fields='username,bank,fairshare') == \
            other.list_users(fields='username,bank,fairshare')
    fs = {u['username']: u['fairshare'] for u in db.list_users()}
    assert fs['carol'] > fs['bob'] > fs['alice']


def test_fairshare_tree_from_database(tree_db):
    db = usage_db(tree_db)
    db.update_fairshare()
    tree = db.fairshare_tree()
    assert (tree.user_count, tree.node_count) == (3, 6)
    stored = {(u['username'], u['bank']): u['fairshare']
              for u in db.list_users()}
    users = tree.compute().users()
    assert {(u.name, u.bank): u.fairshare for u in users} == stored
    assert tree.find_bank('A').usage == db.view_bank('A')['job_usage']
    db.add_user('dave', 'B')                      # the tree is a copy
    assert tree.user_count == 3


def test_fairshare_export_json(tree_db):
    db = usage_db(tree_db)
    text = db.fairshare_export_json()
    doc = json.loads(text)
    assert doc['root']['bank'] == 'root'
    emulated = fluxacct.FairShareTree.from_json(text).compute()
    direct = db.fairshare_tree().compute()
    assert emulated.results_json() == direct.results_json()


def test_fairshare_database_errors(db, db_path):
    with pytest.raises(fluxacct.NotFound):
        db.update_fairshare()                     # no root bank
    with pytest.raises(fluxacct.NotFound):
        db.fairshare_tree()
    with pytest.raises(fluxacct.NotFound):
        db.fairshare_export_json()
    db.add_bank('root')
    db.add_bank('A', parent='root')
    db.add_user('u', 'A')
    with fluxacct.Database(db_path, readonly=True) as ro:
        with pytest.raises(fluxacct.ReadOnly):
            ro.update_fairshare()
        assert ro.fairshare_tree().compute().users()[0].name == 'u'
