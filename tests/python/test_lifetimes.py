"""Lifetimes: use after close raises ClosedError; results outlive their
database; garbage collection in any order does not crash."""
import gc
import inspect
import weakref

import pytest

import fluxacct

# A plausible argument list for every public Database method.
ARGS = {
    'set_busy_timeout': (10,), 'add_bank': ('X',), 'edit_bank': ('X',),
    'delete_bank': ('X',), 'view_bank': ('X',), 'add_user': ('u', 'A'),
    'add_users': ([],), 'edit_user': ('u',), 'delete_user': ('u', 'A'),
    'view_user': ('u',), 'add_queue': ('q',), 'edit_queue': ('q',),
    'delete_queue': ('q',), 'view_queue': ('q',), 'add_project': ('p',),
    'delete_project': ('p',), 'view_project': ('p',),
    'edit_factor': ('bank', 1), 'get_factor': ('bank',),
    'view_factor': ('bank',), 'add_config': ('k', 'v'),
    'edit_config': ('k', 'v'), 'delete_config': ('k',),
    'get_config': ('k',), 'view_config': ('k',), 'import_jobs': ('-',),
    'import_jobs_data': (b'',), 'import_archive': ('x',),
    'scrub_jobs': (0,), 'clear_usage': ('A',), 'usage_periods': ('u',),
    'fetch_mark': (0,), 'jobs_known': ([1],),
    'usage_report': (0, 1), 'set_progress': (None,),
    'allocation_series': ('A',),
    'export_csv': ('.',), 'import_csv': ('x.csv',), 'import_csv_dir': ('.',),
    'export_payload': ('rec_update',), 'import_records': ([],),
}


def public_methods(cls):
    return [name for name, member in inspect.getmembers(cls)
            if not name.startswith('_') and callable(member)
            and name not in ('close', 'batch')]


def test_every_method_raises_after_close(db_path):
    db = fluxacct.Database(db_path)
    db.close()
    assert db.closed
    assert repr(db) == '<fluxacct.Database closed>'
    names = public_methods(fluxacct.Database)
    assert len(names) > 35
    for name in names:
        with pytest.raises(fluxacct.ClosedError) as e:
            getattr(db, name)(*ARGS.get(name, ()))
        assert 'closed' in str(e.value), name
    for prop in ('path', 'schema_version'):
        with pytest.raises(fluxacct.ClosedError):
            getattr(db, prop)
    with pytest.raises(fluxacct.ClosedError):
        with db.batch():
            pass
    with pytest.raises(fluxacct.ClosedError):
        with db:
            pass
    db.close()                                    # idempotent


def test_context_manager_closes(db_path):
    with fluxacct.Database(db_path) as db:
        db.add_bank('root')
    assert db.closed
    with pytest.raises(fluxacct.ClosedError):
        db.list_banks()


def test_close_inside_batch(db_path):
    db = fluxacct.Database(db_path)
    with pytest.raises(fluxacct.ClosedError):
        with db.batch():
            db.add_bank('root')
            db.close()
            db.add_bank('A', parent='root')
    with fluxacct.Database(db_path) as again:
        assert again.list_banks() == []          # rolled back at close


def test_results_outlive_database(db_path):
    db = fluxacct.Database(db_path)
    db.add_bank('root')
    banks = db.list_banks()
    ref = weakref.ref(db)
    del db
    gc.collect()
    assert ref() is None                          # closed by the collector
    assert banks[0]['bank'] == 'root'
    with fluxacct.Database(db_path) as db:        # and the file is usable
        db.add_bank('A', parent='root')


def test_gc_of_database_with_live_children(db_path):
    """A batch context and a bound method keep the database alive; dropping
    everything in any order does not crash."""
    db = fluxacct.Database(db_path)
    batch = db.batch()
    method = db.list_banks
    del db
    gc.collect()
    with batch:
        method.__self__.add_bank('root')
    assert [b['bank'] for b in method()] == ['root']
    del method
    gc.collect()
    del batch
    gc.collect()


def test_many_open_and_dropped(db_path):
    for _ in range(200):
        fluxacct.Database(db_path).list_configs()
    gc.collect()


def test_tree_after_close():
    t = fluxacct.FairShareTree()
    t.add_bank('root')
    t.add_user('u', 'root', usage=1)
    users = t.compute().users()
    t.close()
    assert t.closed
    for call in (lambda: t.add_bank('x'), lambda: t.add_user('v', 'root'),
                 t.compute, t.users, t.nodes, lambda: t.node(0),
                 lambda: t.user(0), lambda: t.find_bank('root'),
                 lambda: t.find_user('u', 'root'), t.results_json,
                 lambda: t.user_count, lambda: t.node_count):
        with pytest.raises(fluxacct.ClosedError):
            call()
    t.close()
    assert users[0].name == 'u'                   # copies stay valid
    with fluxacct.FairShareTree() as t2:
        t2.add_bank('root')
    assert t2.closed


def test_tree_nodes_outlive_tree():
    t = fluxacct.FairShareTree.from_json(
        {'root': {'bank': 'root', 'children': [{'username': 'u',
                                                 'usage': 2}]}})
    nodes = t.compute().nodes()
    del t
    gc.collect()
    assert [n.name for n in nodes] == ['root', 'u']
