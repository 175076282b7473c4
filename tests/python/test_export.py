"""Database.export_json and export_payload: the mf_priority.so data feed
read by the library, compared with flux-account export-json."""
import json

import pytest

import fluxacct

SERVICES = ('rec_update', 'rec_q_update', 'rec_proj_update',
            'rec_bank_update', 'rec_fac_update', 'rec_config_update',
            'reprioritize')

# libfluxacct's extra payload keys (issue 14 allocations)
ALLOC_CONFIG = {'allocation_enforcement': 'off',
                'allocation_default_time_limit': 3600, 'node_weight': 1.0,
                'core_weight': 0.0, 'gpu_weight': 0.0}
NO_ALLOC_ROOT_CHILD = {'parent_bank': 'root', 'allocation': 0.0,
                       'allocation_used': 0.0, 'allocation_window_end': 0}


@pytest.fixture
def feed_db(tree_db):
    db = tree_db
    db.add_queue('batch', priority=5)
    db.add_project('p1')
    db.edit_user('bob', queues='batch', projects='p1')
    db.edit_bank('B', priority=2.5)
    db.edit_factor('bank', 10)
    db.edit_config('deny_unknown_queues', 'true')
    db.delete_user('carol', 'B')
    return db


def test_export_json_dict(feed_db):
    o = feed_db.export_json()
    assert list(o) == ['associations', 'queues', 'projects', 'banks',
                       'config', 'priority_factors']
    a = {x['userid']: x for x in o['associations']}
    assert sorted(a) == [5001, 5002, 5003]
    assert a[5002]['queues'] == 'batch' and a[5002]['def_bank'] == 'A'
    assert a[5002]['projects'] == 'p1,*' and a[5002]['def_project'] == '*'
    assert a[5003]['active'] == 0                  # disabled ones too
    assert a[5001]['fairshare'] == 0.5
    assert o['queues'][0]['queue'] == 'batch'
    assert o['queues'][0]['priority'] == 5
    assert o['projects'] == [{'project': '*'}, {'project': 'p1'}]
    assert {'bank': 'B', 'priority': 2.5, **NO_ALLOC_ROOT_CHILD} \
        in o['banks']
    assert {'factor': 'bank', 'weight': 10} in o['priority_factors']
    assert o['config'] == {'deny_unknown_queues': True, **ALLOC_CONFIG}
    assert feed_db.plugin_payloads() == o
    assert fluxacct.plugin_feed.payloads(feed_db) == o


def test_export_json_text(feed_db):
    text = feed_db.export_json(text=True)
    assert isinstance(text, str) and '\n' not in text
    assert json.loads(text) == feed_db.export_json()
    indented = feed_db.export_json(text=True, indent=True)
    assert indented.startswith('{\n  "associations": [')
    assert json.loads(indented) == feed_db.export_json()


def test_export_json_same_as_cli(feed_db, cli):
    out = cli.run('export-json').stdout
    assert json.loads(out) == feed_db.export_json()
    assert out == feed_db.export_json(text=True) + '\n'
    out = cli.run('export-json', '--indent').stdout
    assert out == feed_db.export_json(text=True, indent=True) + '\n'


@pytest.mark.parametrize('name', SERVICES)
def test_export_payload_same_as_cli(feed_db, cli, name):
    out = cli.run('export-json', '--payload', name).stdout
    assert json.loads(out) == feed_db.export_payload(name)
    assert out == feed_db.export_payload(name, text=True) + '\n'
    out = cli.run('export-json', '--payload', name, '--replace').stdout
    assert json.loads(out) == feed_db.export_payload(name, replace=True)


def test_export_payload_contents(feed_db):
    o = feed_db.export_json()
    keys = dict(fluxacct.plugin_feed.RPC_ORDER)
    for name in SERVICES[:-1]:
        assert feed_db.export_payload(name) == {'data': o[keys[name]]}
    assert feed_db.export_payload('rec_update', replace=True) == {
        'data': o['associations'], 'replace': True}
    # "replace" is rec_update's only
    assert feed_db.export_payload('rec_q_update', replace=True) == {
        'data': o['queues']}
    assert feed_db.export_payload('reprioritize') == {}
    assert fluxacct.plugin_feed.rpc_payloads(feed_db) == [
        (name, feed_db.export_payload(name, replace=True))
        for name in SERVICES]
    assert fluxacct.plugin_feed.rpc_payloads(feed_db, replace=False)[0] == (
        'rec_update', {'data': o['associations']})


def test_export_payload_errors(feed_db):
    with pytest.raises(fluxacct.InvalidArgument) as e:
        feed_db.export_payload('bogus')
    assert 'unknown payload "bogus"' in str(e.value)
    assert 'rec_update' in str(e.value)
    with pytest.raises(fluxacct.InvalidArgument):
        feed_db.export_payload(None)
    with pytest.raises(TypeError):
        feed_db.export_payload(7)


def test_export_empty_and_readonly(db, db_path):
    o = db.export_json()
    assert o['associations'] == [] and o['banks'] == []
    assert o['projects'] == [{'project': '*'}]
    assert o['config'] == {'deny_unknown_queues': False, **ALLOC_CONFIG}
    assert {f['factor']: f['weight'] for f in o['priority_factors']} == {
        'fairshare': 100000, 'queue': 10000, 'bank': 0, 'urgency': 1000}
    db.add_bank('root')
    with fluxacct.Database(db_path, readonly=True) as ro:
        assert ro.export_json()['banks'] == [{
            'bank': 'root', 'priority': 0.0, **NO_ALLOC_ROOT_CHILD,
            'parent_bank': ''}]
        assert ro.export_payload('rec_update') == {'data': []}


def test_export_inside_batch_sees_the_batch(db):
    with db.batch():
        db.add_bank('root')
        db.add_user('u', 'root', userid=7)
        assert [a['userid'] for a in db.export_json()['associations']] == [7]
    assert db.export_payload('rec_update')['data'][0]['bank'] == 'root'


def test_export_after_close(db_path):
    db = fluxacct.Database(db_path)
    db.close()
    with pytest.raises(fluxacct.ClosedError):
        db.export_json()
    with pytest.raises(fluxacct.ClosedError):
        db.export_payload('rec_update')


def test_export_text_escapes_and_reals(db, db_path):
    """The JSON is written from the rows: strings escaped, reals exact."""
    import sqlite3
    db.add_bank('root')
    for i in range(6):
        db.add_user('u%d' % i, 'root', userid=100 + i)
    odd = 'a"b\\c\t\x01\u00e9\u20ac\U0001F600/'
    reals = [0.1, 1e-7, 1e20, -0.5, 3.0, 1.0 / 3]
    con = sqlite3.connect(str(db_path))
    con.execute("UPDATE association_table SET queues=? WHERE userid=100",
                (odd,))
    for i, r in enumerate(reals):
        con.execute("UPDATE association_table SET fairshare=? WHERE "
                    "userid=?", (r, 100 + i))
    con.commit()
    for indent in (False, True):
        text = db.export_json(text=True, indent=indent)
        o = json.loads(text)
        assert o['associations'][0]['queues'] == odd
        assert [a['fairshare'] for a in o['associations']] == reals
    text = db.export_json(text=True)
    assert '"queues":"a\\"b\\\\c\\t\\u0001\u00e9\u20ac\U0001F600/"' in text
    assert '"fairshare":1e20,' in text and '"fairshare":3.0,' in text
    assert '"fairshare":9.9999999999999995e-8,' in text
    # what cannot be JSON is refused with the column named
    con.execute("UPDATE association_table SET queues=CAST(X'41FF42' AS TEXT)"
                " WHERE userid=100")
    con.commit()
    with pytest.raises(fluxacct.Error) as e:
        db.export_json()
    assert 'queues: text that is not UTF-8' in str(e.value)
    con.execute("UPDATE association_table SET queues='' WHERE userid=100")
    con.execute("UPDATE association_table SET fairshare=9e999 WHERE "
                "userid=101")
    con.commit()
    with pytest.raises(fluxacct.OutOfRange) as e:
        db.export_payload('rec_update')
    assert 'fairshare: a value that is not a finite number' in str(e.value)
    con.close()
