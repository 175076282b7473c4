"""Queues, projects, priority factors and configuration."""
import pytest

import fluxacct


def test_queues(db, cli):
    db.add_queue('batch')
    db.add_queue('debug', priority=-5, max_running_jobs=3,
                 max_nodes_per_job=4, max_sched_jobs='unlimited')
    q = db.view_queue('debug')
    assert (q['priority'], q['max_running_jobs'], q['max_nodes_per_job']) == \
        (-5, 3, 4)
    assert q['max_sched_jobs'] == fluxacct.UNLIMITED
    assert db.view_queue('batch')['max_time_per_job'] == 60
    assert db.list_queues() == cli.json('list-queues')
    assert q == cli.json('view-queue', 'debug')[0]
    db.edit_queue('debug', priority=7, max_running_jobs=-1)
    q = db.view_queue('debug')
    assert (q['priority'], q['max_running_jobs']) == (7, 100)
    assert [r['queue'] for r in db.list_queues(fields='queue')] == \
        ['batch', 'debug']
    assert db.view_queue('batch', fields=['queue', 'priority']) == \
        {'queue': 'batch', 'priority': 0}


def test_queue_errors(db):
    db.add_queue('batch')
    with pytest.raises(fluxacct.AlreadyExists):
        db.add_queue('batch')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_queue('')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_queue('neg', max_nodes=-3)
    with pytest.raises(fluxacct.NotFound):
        db.edit_queue('nope', priority=1)
    with pytest.raises(fluxacct.InvalidArgument):
        db.edit_queue('batch')
    with pytest.raises(fluxacct.NotFound):
        db.view_queue('nope')
    with pytest.raises(fluxacct.NotFound):
        db.delete_queue('nope')
    with pytest.raises(TypeError):
        db.add_queue('x', wall_time=3)


def test_delete_queue_counts_users(tree_db):
    db = tree_db
    db.add_queue('batch')
    db.add_queue('idle')
    db.edit_user('alice', queues='batch')
    db.edit_user('bob', queues='batch')
    assert db.delete_queue('batch') == 2
    assert db.delete_queue('idle') == 0
    assert db.list_queues() == []


def test_projects(tree_db, cli):
    db = tree_db
    db.add_project('p1')
    db.add_project('p2')
    assert [p['project'] for p in db.list_projects()] == ['*', 'p1', 'p2']
    assert db.list_projects() == cli.json('list-projects')
    assert db.view_project('p1') == cli.json('view-project', 'p1')[0]
    db.edit_user('alice', projects='p1')
    assert db.delete_project('p1') == 1
    assert db.delete_project('p2') == 0
    assert db.view_project('*', fields='project') == {'project': '*'}


def test_project_errors(db):
    db.add_project('p1')
    with pytest.raises(fluxacct.AlreadyExists):
        db.add_project('p1')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_project('')
    with pytest.raises(fluxacct.NotFound):
        db.delete_project('nope')
    with pytest.raises(fluxacct.PermissionDenied):
        db.delete_project('*')
    with pytest.raises(fluxacct.NotFound):
        db.view_project('nope')
    with pytest.raises(fluxacct.InvalidArgument):
        db.list_projects(fields='nope')


def test_factors(db, cli):
    assert {f['factor']: f['weight'] for f in db.list_factors()} == \
        {'fairshare': 100000, 'queue': 10000, 'bank': 0, 'urgency': 1000}
    db.edit_factor('bank', 500)
    assert db.get_factor('bank') == 500
    assert db.view_factor('bank') == {'factor': 'bank', 'weight': 500}
    assert db.list_factors() == cli.json('list-factors')
    assert db.view_factor('bank') == cli.json('view-factor', 'bank')[0]
    db.reset_factors()
    assert db.get_factor('bank') == 0
    with pytest.raises(fluxacct.NotFound) as e:
        db.edit_factor('nope', 1)
    assert 'fairshare' in str(e.value)          # lists the known factors
    with pytest.raises(fluxacct.NotFound):
        db.get_factor('nope')
    with pytest.raises(fluxacct.NotFound):
        db.view_factor('nope')
    with pytest.raises(TypeError):
        db.edit_factor('bank', 1.5)


def test_config(db, cli):
    db.add_config('site', 'llnl')
    assert db.get_config('site') == 'llnl'
    db.edit_config('site', 'anl')
    db.edit_config('priority_decay_half_life', '14d')
    assert db.get_config('priority_decay_half_life') == '1209600'
    db.edit_config('decay_factor', 0.25)
    assert db.view_config('decay_factor') == {'key': 'decay_factor',
                                              'value': '0.25'}
    assert db.list_configs() == cli.json('list-configs')
    assert db.view_config('site') == cli.json('view-config', 'site')[0]
    db.delete_config('site')
    with pytest.raises(fluxacct.NotFound):
        db.get_config('site')


def test_config_errors(db):
    with pytest.raises(fluxacct.AlreadyExists):
        db.add_config('decay_factor', '0.3')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_config('', 'x')
    with pytest.raises(fluxacct.NotFound):
        db.edit_config('nope', '1')
    with pytest.raises(fluxacct.InvalidArgument):
        db.edit_config('decay_factor', '1.5')
    with pytest.raises(fluxacct.InvalidArgument):
        db.edit_config('decay_mode', 'sometimes')
    with pytest.raises(fluxacct.PermissionDenied):
        db.delete_config('decay_factor')
    with pytest.raises(fluxacct.NotFound):
        db.delete_config('nope')
    with pytest.raises(fluxacct.NotFound):
        db.view_config('nope')
    assert db.get_config('decay_factor') == '0.5'


def test_edit_config_pairs_atomically(db):
    """Several keys in one batch apply together or not at all."""
    with pytest.raises(fluxacct.InvalidArgument):
        with db.batch():
            db.edit_config('decay_factor', '0.3')
            db.edit_config('decay_mode', 'never')
    assert db.get_config('decay_factor') == '0.5'
