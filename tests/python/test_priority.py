"""fluxacct.PriorityEngine: the mf_priority engine through the bindings,
each call's success and errors, the plugin scripts' scenarios
(tests/plugin/scripts) on data exported from a database, and lifetimes."""
import errno
import gc
import inspect
import json
import os
import threading

import pytest

import fluxacct
from fluxacct import PriorityEngine, JobState, Hold
from conftest import SOURCE_ROOT

PLUGIN_DATA = os.path.join(SOURCE_ROOT, 'tests', 'plugin', 'data')

RUN_HOLD = 'max-running-jobs-user-limit'


def plugin_config(name):
    """The config= object of a tests/plugin/data file."""
    with open(os.path.join(PLUGIN_DATA, name)) as f:
        return json.load(f)['config']


def assoc(userid, bank, **kw):
    """A rec_update element with flux-accounting's defaults."""
    a = {'userid': userid, 'bank': bank, 'def_bank': bank, 'fairshare': 0.5,
         'max_running_jobs': 5, 'max_active_jobs': 7, 'queues': '',
         'active': 1, 'projects': '*', 'def_project': '*',
         'max_nodes': 2147483647, 'max_cores': 2147483647,
         'max_sched_jobs': 2147483647}
    a.update(kw)
    return a


@pytest.fixture
def acct_db(db):
    """root -> A, B (priority 2); alice (5001) in A with max_running_jobs 2
    and queue batch, and in B; bob (5002) in B with project p1; carol
    (5003) disabled; queue batch (priority 1)."""
    db.add_bank('root')
    db.add_bank('A', parent='root')
    db.add_bank('B', parent='root', priority=2)
    db.add_queue('batch', priority=1)
    db.add_project('p1')
    db.add_user('alice', 'A', userid=5001, max_running_jobs=2,
                queues='batch')
    db.add_user('alice', 'B', userid=5001)
    db.add_user('bob', 'B', userid=5002, projects='p1', default_project='p1')
    db.add_user('carol', 'A', userid=5003)
    db.delete_user('carol', 'A')
    return db


@pytest.fixture
def eng(acct_db):
    """An engine loaded from acct_db's export-json."""
    with PriorityEngine(acct_db.export_json(text=True)) as e:
        yield e


@pytest.fixture
def basic():
    """An engine loaded with tests/plugin/data/basic.json (owner 100)."""
    with PriorityEngine(plugin_config('basic.json'), owner=100) as e:
        yield e


def submit(e, jobid, userid, **kw):
    """validate + new + depend, as the plugin sees a submission; returns
    the DependResult."""
    e.validate(userid, **kw)
    e.job_new(jobid, userid, **kw)
    return e.job_depend(jobid)


# -- the plugin scripts' scenario ------------------------------------------

def test_scenario_from_database(acct_db):
    """example.jt / priority.jt / holds.jt on a database built here: load
    export_json, priority 50000 (default weights, fair-share 0.5, urgency
    16), max_running_jobs hold and release order, a malformed payload
    changes nothing."""
    eng = PriorityEngine()
    eng.load(acct_db.export_json())
    assert eng.has_data
    # priority 50000 + queue batch (1 x 10000)
    assert submit(eng, 1, 5001, bank='A') == (0, 0)
    p = eng.job_priority(1)
    assert p == (50000, 0.5, True, {})
    assert p.priority == 50000 and p.fairshare == 0.5 and p.memo
    assert eng.job_priority(1, urgency=16).memo is False     # unchanged
    eng.job_sched(1)
    assert submit(eng, 2, 5001, bank='A', queue='batch').add == 0
    assert eng.job_priority(2).priority == 60000
    eng.job_sched(2)
    # max_running_jobs 2: the next three are held, in order
    for jobid in (3, 4, 5):
        dep = submit(eng, jobid, 5001, bank='A')
        assert dep.add == Hold.RUN_JOBS and dep.remove == 0
        assert fluxacct.hold_names(dep.add) == [RUN_HOLD]
    q = eng.query()
    held = q['mf_priority_map'][0]['banks'][0]['held_jobs']
    assert list(held) == ['3', '4', '5']
    assert held['3']['deps'] == [RUN_HOLD]
    assert eng.next_release() is None
    eng.job_run(1)
    assert eng.next_release() is None        # running still counts
    eng.job_inactive(1)
    assert list(eng.releases()) == [(3, Hold.RUN_JOBS, False)]
    eng.job_inactive(2)
    eng.job_inactive(3)
    assert [r.id for r in eng.releases()] == [4, 5]
    assert eng.next_release() is None
    # a malformed payload is refused whole; the state is unchanged
    before = eng.query(text=True)
    bad = {'data': [assoc(5001, 'A', max_running_jobs=100),
                    assoc(5002, 'B', max_running_jobs=-1)]}
    with pytest.raises(fluxacct.InvalidArgument) as e:
        eng.update('rec_update', bad)
    assert str(e.value) == ('rec_update: data[1].max_running_jobs: expected '
                            'an integer from 0 to 2147483647, got -1')
    assert e.value.errno == errno.EINVAL
    assert eng.query(text=True) == before
    eng.close()


def test_scenario_feed_from_database(acct_db):
    """The requests flux-account priority-update sends, applied with
    update(): an engine fed that way equals one loaded with export-json."""
    fed = PriorityEngine()
    assert not fed.has_data
    for name, payload in fluxacct.plugin_feed.rpc_payloads(acct_db):
        fed.update(name, payload)
    loaded = PriorityEngine(acct_db)                 # a Database loads too
    assert fed.query() == loaded.query()
    # rec_update with "replace": the deleted association leaves the engine
    acct_db.delete_user('alice', 'B', force=True)
    fed.update('rec_update', acct_db.export_payload('rec_update'))
    banks = fed.query()['mf_priority_map'][0]['banks']
    assert [b['bank_name'] for b in banks] == ['A', 'B']
    fed.update('rec_update', acct_db.export_payload('rec_update',
                                                    replace=True))
    banks = fed.query()['mf_priority_map'][0]['banks']
    assert [b['bank_name'] for b in banks] == ['A']
    fed.close()
    loaded.close()


def test_plugin_priority_script(basic):
    """priority.jt's first cases (basic.json: debug has priority 2, bank B
    F 0.25)."""
    e = basic
    for jobid, kw, want in [
            (1, dict(bank='A', queue='batch'), 50000),
            (2, dict(bank='A', queue='debug'), 70000),
            (3, dict(bank='A', queue='nosuch'), 50000),
            (4, {}, 50000)]:
        submit(e, jobid, 5001, **kw)
        assert e.job_priority(jobid).priority == want, jobid
    submit(e, 5, 5001, bank='B')
    assert e.job_priority(5, urgency=20) == (29000, 0.25, True, {})
    assert e.job_priority(5).priority == 29000      # urgency kept
    assert e.job_priority(5, urgency=0).priority == 0
    assert e.job_priority(5, urgency=31).priority == fluxacct.PRIORITY_MAX
    assert fluxacct.PRIORITY_MAX == 4294967295


# -- each call ---------------------------------------------------------------

def test_create_empty():
    with PriorityEngine() as e:
        assert not e.has_data
        q = e.query()
        assert q['priority_factors'] == {'fairshare': 100000, 'queue': 10000,
                                         'bank': 0, 'urgency': 1000}
        assert q['mf_priority_map'] == [] and q['have_data'] is False
        assert q['instance_owner'] is None
        assert q['deny_unknown_queues'] is False
        assert json.loads(e.query(text=True)) == q
        assert repr(e) == '<fluxacct.PriorityEngine has_data=False>'
    assert repr(e) == '<fluxacct.PriorityEngine closed>'


def test_set_owner():
    with PriorityEngine() as e:
        e.set_owner(100)
        assert e.query()['instance_owner']['userid'] == 100
        # before any data the owner's jobs are prioritised at once
        e.validate(100, queue='anything')
        assert e.job_new(1, 100) == {}
        assert e.job_depend(1) == (0, 0)
        assert e.job_priority(1) == (50000, 0.5, True, {})
        # others wait for data
        e.validate(5001)
        e.job_new(2, 5001)
        assert e.job_priority(2) == (None, None, False, {})
        assert e.query()['jobs_waiting_for_data'] == 1
        e.set_owner(101)                               # may change
        assert e.query()['instance_owner']['userid'] == 101
        with pytest.raises(OverflowError):
            e.set_owner(-1)


def test_load_forms(acct_db):
    text = acct_db.export_json(text=True)
    want = PriorityEngine(text).query()
    for config in (acct_db, acct_db.export_json(), text, text.encode(),
                   acct_db.export_json(text=True, indent=True)):
        with PriorityEngine() as e:
            e.load(config)
            assert e.query() == want
    with PriorityEngine() as e:
        e.load({'priority_factors': [{'factor': 'bank', 'weight': 7}]})
        assert e.query()['priority_factors']['bank'] == 7
        assert not e.has_data
        e.load({'unknown': 1})                         # ignored
        e.load({'associations': [assoc(1, 'x')]})
        assert e.has_data
        e.load({'associations': []})                   # the complete set
        assert not e.has_data
        with pytest.raises(TypeError):
            e.load(42)


def test_load_errors(basic):
    before = basic.query()
    cases = [
        ({'associations': [assoc(1, 'x', max_running_jobs=-1)]},
         'associations[0].max_running_jobs: expected an integer from 0 to '
         '2147483647, got -1'),
        ('{"associations": [', None),
        ('[]', None),
        ('', None),
        ({'priority_factors': [{'factor': 'age', 'weight': 1}]},
         'unknown factor "age"'),
    ]
    for config, text in cases:
        with pytest.raises(fluxacct.InvalidArgument) as e:
            basic.load(config)
        if text:
            assert text in str(e.value)
        assert basic.query() == before, config


def test_update_services(basic):
    e = basic
    e.update('rec_q_update', {'data': [{
        'queue': 'debug', 'min_nodes_per_job': 1, 'max_nodes_per_job': 1,
        'max_time_per_job': 60, 'priority': -3, 'max_running_jobs': 100,
        'max_nodes_per_assoc': 2147483647, 'max_sched_jobs': 2147483647,
        'max_sched_nodes_per_assoc': 2147483647,
        'max_sched_cores_per_assoc': 2147483647}]})
    assert list(e.query()['queues']) == ['debug']
    e.update('rec_proj_update', '{"data": [{"project": "x"}]}')
    assert e.query()['projects'] == ['x']
    e.update('rec_bank_update', b'{"data": [{"bank": "A", "priority": 4}]}')
    assert e.query()['banks'] == {'A': 4.0}
    e.update('rec_fac_update', {'data': [{'factor': 'urgency',
                                          'weight': 0}]})
    assert e.query()['priority_factors']['urgency'] == 0
    e.update('rec_config_update', {'data': {'deny_unknown_queues': True}})
    assert e.query()['deny_unknown_queues'] is True
    e.update('rec_update', {'data': [assoc(42, 'A')]})
    assert [u['userid'] for u in e.query()['mf_priority_map']] == [42, 5001]
    e.update('rec_update', {'data': [assoc(42, 'A')], 'replace': True})
    # a user whose associations were all removed is no longer listed
    assert [u['userid'] for u in e.query()['mf_priority_map']] == [42]
    e.update('reprioritize')
    e.update('reprioritize', {})


def test_update_errors(basic):
    before = basic.query(text=True)
    with pytest.raises(fluxacct.NotFound) as e:
        basic.update('rec_bogus', {'data': []})
    assert str(e.value) == 'unknown service "rec_bogus"'
    with pytest.raises(fluxacct.InvalidArgument) as e:
        basic.update('rec_update')
    assert str(e.value) == 'rec_update: no payload'
    with pytest.raises(fluxacct.InvalidArgument) as e:
        basic.update('rec_update', {})
    assert str(e.value) == 'rec_update: missing key "data"'
    with pytest.raises(fluxacct.InvalidArgument) as e:
        basic.update('rec_update', {'data': [], 'replace': 'yes'})
    assert 'replace: expected true or false' in str(e.value)
    with pytest.raises(fluxacct.InvalidArgument) as e:
        basic.update('rec_fac_update',
                      {'data': [{'factor': 'queue', 'weight': -5}]})
    assert str(e.value) == ('rec_fac_update: data[0].weight: expected an '
                            'integer from 0 to 4294967295, got -5')
    with pytest.raises(fluxacct.InvalidArgument):
        basic.update(None, {'data': []})
    assert basic.query(text=True) == before


def test_validate(basic):
    e = basic
    e.validate(5001)
    e.validate(5001, bank='B', queue='batch', project='*')
    e.validate(5001, queue='unknown')              # deny_unknown_queues off
    e.validate(100, bank='nope')                   # the owner
    with pytest.raises(fluxacct.NotFound) as x:
        e.validate(7777)
    assert str(x.value) == ('cannot find user/bank or user/default bank '
                            'entry for uid: 7777')
    with pytest.raises(fluxacct.NotFound):
        e.validate(5001, bank='C')
    with pytest.raises(fluxacct.PermissionDenied) as x:
        e.validate(5001, bank='B', queue='debug')
    assert str(x.value).startswith('queue "debug" not valid for user')
    with pytest.raises(fluxacct.PermissionDenied) as x:
        e.validate(5001, bank='B', project='physics')
    assert str(x.value).startswith('project "physics" not valid for user')
    with pytest.raises(fluxacct.PermissionDenied) as x:
        e.validate(5001, nnodes=None, size_error='resources: bad count')
    assert str(x.value) == ('unable to count resources for job: '
                            'resources: bad count')
    with pytest.raises(fluxacct.PermissionDenied):
        e.validate(5001, ncores=-1)
    e.update('rec_update', {'data': [assoc(5001, 'A', max_nodes=2,
                                           max_active_jobs=1)]})
    e.validate(5001, nnodes=2, ncores=2)
    with pytest.raises(fluxacct.PermissionDenied) as x:
        e.validate(5001, nnodes=3, ncores=3)
    assert str(x.value).startswith('job size (3 node(s), 3 core(s)) is '
                                   'greater than max resources limits')
    e.job_new(1, 5001)
    with pytest.raises(fluxacct.PermissionDenied) as x:
        e.validate(5001)
    assert str(x.value) == 'user has max active jobs'
    e.validate(5001, submit=False)                 # already counted
    e.update('rec_update', {'data': [assoc(5001, 'A', active=0)]})
    with pytest.raises(fluxacct.PermissionDenied) as x:
        e.validate(5001, submit=False)
    assert str(x.value) == ('user/bank entry has been disabled from '
                            'flux-accounting DB')
    e.update('rec_config_update', {'data': {'deny_unknown_queues': True}})
    e.update('rec_update', {'data': [assoc(5001, 'A')]})
    with pytest.raises(fluxacct.PermissionDenied) as x:
        e.validate(5001, queue='unknown')
    assert 'deny-unknown-queues is enabled' in str(x.value)
    with pytest.raises(OverflowError):
        e.validate(-1)
    with pytest.raises(TypeError):
        e.validate(5001, bank=3)


def test_validate_without_data():
    with PriorityEngine() as e:
        e.validate(7777)                           # jobs wait for data
        e.validate(7777, bank='x', nnodes=None)


def test_job_new(basic):
    e = basic
    # default bank written when none was given
    assert e.job_new(1, 5001) == {'bank': 'A'}
    assert e.job_new(2, 5001, bank='B') == {}
    e.update('rec_update', {'data': [assoc(5002, 'A', def_project='p',
                                           projects='p,*')]})
    assert e.job_new(3, 5002) == {'bank': 'A', 'project': 'p'}
    assert e.job_new(4, 5002, project='*') == {'bank': 'A'}
    with pytest.raises(fluxacct.AlreadyExists) as x:
        e.job_new(1, 5001)
    assert str(x.value) == 'job 1 is already known'
    with pytest.raises(fluxacct.InvalidArgument) as x:
        e.job_new(5, 5001, state='bogus')
    assert 'unknown job state' in str(x.value)
    with pytest.raises(fluxacct.InvalidArgument):
        e.job_new(5, 5001, state=3)
    # replayed jobs (plugin reload) rebuild the counters, no jobspec update
    assert e.job_new(10, 5001, state=JobState.RUN) == {}
    assert e.job_new(11, 5001, state='sched') == {}
    assert e.job_new(12, 5001, state='SCHED') == {}
    assert e.job_new(13, 5001, state=int(JobState.PRIORITY)) == {}
    a = e.query()['mf_priority_map'][0]['banks'][0]
    assert a['cur_run_jobs'] == 1 and a['admitted_jobs'] == 4
    with pytest.raises(OverflowError):
        e.job_new(-1, 5001)


def test_job_ids_in_any_form(basic):
    e = basic
    big = 2 ** 40 + 7
    f58 = fluxacct.jobid_encode(big, 'f58')
    e.job_new(f58, 5001)
    assert e.job_depend(big) == (0, 0)
    e.job_new('12345', 5001)
    assert e.job_priority(fluxacct.jobid_encode(12345, 'hex')).priority \
        == 50000
    assert [u['banks'][0]['cur_active_jobs']
            for u in e.query()['mf_priority_map']] == [2]
    e.job_run(f58.encode())
    with pytest.raises(fluxacct.InvalidArgument):
        e.job_sched('not-a-job-id')
    with pytest.raises(TypeError):
        e.job_sched(None)


def test_job_depend(basic):
    e = basic
    with pytest.raises(fluxacct.NotFound) as x:
        e.job_depend(99)
    assert str(x.value) == 'job 99 is unknown to the priority engine'
    for jobid in (1, 2, 3):                        # max_running_jobs 3
        e.job_new(jobid, 5001)
        assert e.job_depend(jobid) == (0, 0)
    e.job_new(4, 5001)
    assert e.job_depend(4) == fluxacct.DependResult(Hold.RUN_JOBS, 0)
    assert e.job_depend(4) == (0, 0)               # repeated: no change
    # a job replayed in DEPEND: holds of an earlier instance are removed
    e.job_new(5, 5001, state=JobState.DEPEND)
    assert e.job_depend(5) == (Hold.RUN_JOBS, Hold.ALL & ~Hold.RUN_JOBS)


def test_job_priority(basic):
    e = basic
    with pytest.raises(fluxacct.NotFound):
        e.job_priority(1)
    e.job_new(1, 5001)
    for bad in (32, -1, 100):
        with pytest.raises(fluxacct.InvalidArgument) as x:
            e.job_priority(1, urgency=bad)
        assert str(x.value) == 'urgency must be 0-31'
    r = e.job_priority(1, urgency=17)
    assert isinstance(r, fluxacct.JobPriority)
    assert r == (51000, 0.5, True, {})
    assert e.job_priority(1) == (51000, 0.5, False, {})
    e.update('rec_update', {'data': [assoc(5001, 'A', fairshare=0.6)]})
    assert e.job_priority(1) == (61000, 0.6, True, {})


def test_late_data():
    """late.jt: jobs accepted before data are matched when it arrives;
    the jobspec update comes with the priority; a job that breaks a rule
    fails there."""
    with PriorityEngine(owner=100) as e:
        e.job_new(1, 5001)
        e.job_new(2, 7777)
        e.job_new(3, 5001, queue='debug', bank='B')
        for jobid in (1, 2, 3):
            e.job_depend(jobid)
            assert e.job_priority(jobid).priority is None
        with pytest.raises(fluxacct.Error) as x:
            e.job_check_update(1, 'bank', 'A')
        assert x.value.errno == errno.EAGAIN
        assert type(x.value) is fluxacct.Error
        assert str(x.value) == ('update_bank: plugin still waiting on '
                                'flux-accounting data')
        e.load(plugin_config('basic.json'))
        assert e.job_priority(1) == (50000, 0.5, True, {'bank': 'A'})
        with pytest.raises(fluxacct.NotFound) as x:
            e.job_priority(2)
        assert 'uid: 7777' in str(x.value)
        with pytest.raises(fluxacct.PermissionDenied) as x:
            e.job_priority(3)
        assert str(x.value).startswith('queue "debug" not valid for user')


def test_job_state_calls(basic):
    e = basic
    for call in (e.job_sched, e.job_run, e.job_inactive):
        with pytest.raises(fluxacct.NotFound) as x:
            call(8)
        assert str(x.value) == 'job 8 is unknown to the priority engine'
    e.job_new(1, 5001)
    e.job_depend(1)
    e.job_sched(1)
    a = e.query()['mf_priority_map'][0]['banks'][0]
    assert (a['cur_sched_jobs'], a['cur_run_jobs']) == (1, 0)
    e.job_run(1)
    a = e.query()['mf_priority_map'][0]['banks'][0]
    assert (a['cur_sched_jobs'], a['cur_run_jobs']) == (0, 1)
    e.job_inactive(1)
    a = e.query()['mf_priority_map'][0]['banks'][0]
    assert (a['cur_active_jobs'], a['cur_run_jobs']) == (0, 0)
    with pytest.raises(fluxacct.NotFound):
        e.job_inactive(1)                          # forgotten


def test_job_check_update_and_update(basic):
    e = basic
    e.job_new(1, 5001, bank='A', queue='batch')
    e.job_depend(1)
    e.job_check_update(1, 'bank', 'B')
    e.job_check_update(1, 'attributes.system.queue', 'debug')
    with pytest.raises(fluxacct.InvalidArgument) as x:
        e.job_check_update(1, 'urgency', '3')
    assert str(x.value) == ('update of urgency is not handled by the '
                            'priority engine')
    with pytest.raises(fluxacct.InvalidArgument):
        e.job_check_update(1, 'bank', None)
    with pytest.raises(fluxacct.NotFound) as x:
        e.job_check_update(1, 'bank', 'C')
    assert str(x.value) == ('update_bank: cannot find flux-accounting '
                            'entry for uid/bank: 5001/C')
    with pytest.raises(fluxacct.NotFound):
        e.job_check_update(2, 'bank', 'B')
    e.job_check_update(1, 'queue', 'secret')       # unknown queues allowed
    e.job_update(1, bank='B')
    with pytest.raises(fluxacct.PermissionDenied) as x:
        e.job_check_update(1, 'queue', 'debug')
    assert str(x.value) == 'mf_priority: queue not valid for user: debug'
    banks = e.query()['mf_priority_map'][0]['banks']
    assert [b['cur_active_jobs'] for b in banks] == [0, 1]
    e.job_update(1, queue='batch')                 # unchanged: a no-op
    e.job_update(1)
    with pytest.raises(fluxacct.NotFound):
        e.job_update(1, bank='C')
    with pytest.raises(fluxacct.NotFound):
        e.job_update(2, bank='A')


def test_update_releases_held_jobs():
    """holds.jt: raising a limit releases at once; a job held when its
    data arrived is released in PRIORITY (reprioritize)."""
    with PriorityEngine(plugin_config('limits.json')) as e:
        for jobid in (60, 61):
            e.job_new(jobid, 6006)
            assert e.job_depend(jobid).add == Hold.RUN_JOBS
        e.update('rec_update', {'data': [assoc(6006, 'zero',
                                               max_running_jobs=1,
                                               queues='batch')]})
        assert e.next_release() == fluxacct.Release(60, Hold.RUN_JOBS, False)
        assert e.next_release() is None
    with PriorityEngine() as e:
        e.job_new(1, 5001)
        e.job_new(2, 5001)
        e.load({'associations': [assoc(5001, 'A', max_running_jobs=1)]})
        assert e.job_priority(1).priority == 50000
        p = e.job_priority(2)
        assert p == (None, None, False, {'bank': 'A'})
        e.job_inactive(1)
        assert list(e.releases()) == [(2, 0, True)]
        assert e.job_priority(2).priority == 50000


def test_allocation_hold_and_reject():
    """Allocations (issue 14): hold, then release when the allocation is
    raised; reject names the bank; the query shows A, U, R per bank."""
    with PriorityEngine() as e:
        e.load({'associations': [assoc(5001, 'A1')],
                'banks': [{'bank': 'root', 'priority': 0},
                          {'bank': 'A1', 'priority': 0, 'parent_bank': 'root',
                           'allocation': 100.0, 'allocation_used': 100.0,
                           'allocation_window_end': 0}],
                'config': {'allocation_enforcement': 'hold'}})
        e.job_new(1, 5001)
        assert e.job_depend(1).add == Hold.ALLOCATION
        a = e.query()['allocations']['A1']
        assert (a['allocation'], a['allocation_used'],
                a['allocation_reserved'], a['exhausted']) == (100, 100, 0,
                                                              True)
        e.update('rec_bank_update', {'data': [
            {'bank': 'A1', 'priority': 0, 'allocation': 1e6,
             'allocation_used': 100.0}]})
        assert list(e.releases()) == [(1, Hold.ALLOCATION, False)]
        assert e.query()['allocations']['A1']['allocation_reserved'] == 3600
        e.update('rec_config_update',
                 {'data': {'allocation_enforcement': 'reject'}})
        e.update('rec_bank_update', {'data': [
            {'bank': 'A1', 'priority': 0, 'allocation': 10.0}]})
        with pytest.raises(fluxacct.PermissionDenied) as x:
            e.validate(5001)
        assert str(x.value) == ('bank A1: allocation exhausted: '
                                'used+reserved 3600 >= allocation 10')


def test_hold_names():
    assert PriorityEngine.hold_name(Hold.RUN_JOBS) == RUN_HOLD
    names = [fluxacct.hold_name(1 << i) for i in range(9)]
    assert names == [
        'max-run-jobs-queue', 'max-sched-jobs-queue-limit',
        'max-sched-nodes-queue-limit', 'max-sched-cores-queue-limit',
        'max-resources-queue', 'max-running-jobs-user-limit',
        'max-sched-jobs-user-limit', 'max-resources-user-limit',
        'allocation-exhausted']
    assert Hold.ALLOCATION == 0x100
    for bad in (0, 3, 0x200, Hold.ALL, -1, 2 ** 40):
        assert fluxacct.hold_name(bad) is None
    assert fluxacct.hold_names(0) == []
    assert fluxacct.hold_names(Hold.ALL) == names
    assert fluxacct.hold_names(Hold.RUN_JOBS | Hold.QUEUE_RUN_JOBS) == [
        'max-run-jobs-queue', RUN_HOLD]
    for bad in (0x200, -1):
        with pytest.raises(fluxacct.InvalidArgument):
            fluxacct.hold_names(bad)
    assert [int(s) for s in JobState] == [1, 2, 4, 8, 16, 32]


# -- lifetimes and threads ---------------------------------------------------

ENGINE_ARGS = {
    'set_owner': (1,), 'load': ('{}',), 'update': ('reprioritize',),
    'validate': (1,), 'job_new': (1, 1), 'job_depend': (1,),
    'job_priority': (1,), 'job_sched': (1,), 'job_run': (1,),
    'job_inactive': (1,), 'job_check_update': (1, 'bank', 'A'),
    'job_update': (1,), 'next_release': (), 'query': (), 'max_wall': (1,),
}


def test_every_method_raises_after_close():
    e = PriorityEngine()
    e.close()
    assert e.closed
    names = [n for n, m in inspect.getmembers(PriorityEngine)
             if not n.startswith('_') and callable(m)
             and n not in ('close', 'hold_name', 'releases')]
    assert sorted(names) == sorted(ENGINE_ARGS)
    for name in names:
        with pytest.raises(fluxacct.ClosedError) as x:
            getattr(e, name)(*ENGINE_ARGS[name])
        assert 'closed' in str(x.value), name
        assert x.value.errno == errno.EBADF
    with pytest.raises(fluxacct.ClosedError):
        e.has_data
    with pytest.raises(fluxacct.ClosedError):
        list(e.releases())
    with pytest.raises(fluxacct.ClosedError):
        with e:
            pass
    assert e.hold_name(1) == 'max-run-jobs-queue'   # needs no engine
    e.close()                                       # idempotent


def test_context_manager_and_failed_init(db_path):
    with PriorityEngine() as e:
        pass
    assert e.closed
    with pytest.raises(fluxacct.InvalidArgument):
        PriorityEngine('{"associations": 1}')
    db = fluxacct.Database(db_path)
    db.close()
    with pytest.raises(fluxacct.ClosedError):
        PriorityEngine(db)
    gc.collect()


def test_results_outlive_engine(basic):
    basic.job_new(1, 5001)
    r = basic.job_priority(1)
    q = basic.query()
    basic.close()
    assert r.priority == 50000 and q['have_data'] is True


def test_many_engines_dropped():
    config = json.dumps(plugin_config('basic.json'))
    for i in range(200):
        e = PriorityEngine(config)
        e.job_new(i, 5001, bank='A', queue='q%d' % i)
    del e
    gc.collect()


def test_name_cache_bounded(basic):
    for i in range(5000):
        basic.validate(5001, queue=f'q{i}', project='*')
    assert len(basic._names) <= 4096
    basic.validate(5001, queue='batch')


def test_threads_serialised():
    """Two threads driving one engine: every call is serialised, the
    counters come out exact."""
    e = PriorityEngine({'associations': [assoc(1, 'A',
                                               max_running_jobs=100000,
                                               max_active_jobs=100000)]})
    errors = []

    def work(base):
        try:
            for i in range(base, base + 2000):
                e.job_new(i, 1)
                e.job_depend(i)
                e.job_priority(i)
                e.job_run(i)
        except Exception as x:                     # pragma: no cover
            errors.append(x)

    threads = [threading.Thread(target=work, args=(b,))
               for b in (1, 100001)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    a = e.query()['mf_priority_map'][0]['banks'][0]
    assert a['cur_run_jobs'] == 4000 and a['cur_active_jobs'] == 4000
    e.close()


def test_max_wall():
    """The seed's max_wall_pj (minutes) of a job's association, in seconds
    (issue 16)."""
    with PriorityEngine() as e:
        assert e.max_wall(5001) == 0
        e.load({'associations': [assoc(5001, 'A', max_wall_pj=60),
                                 assoc(5001, 'B', def_bank='A'),
                                 assoc(5002, 'C', max_wall_pj=0)]})
        assert e.max_wall(5001) == 3600
        assert e.max_wall(5001, bank='B') == 0
        assert e.max_wall(5002) == 0
        assert e.max_wall(7777) == 0
