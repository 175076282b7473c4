"""Job records (import, list, scrub) and decayed usage (update, clear,
periods); values equal to the CLI's on the same database."""
import json
import sqlite3
import time

import pytest

import fluxacct

T0 = 1_700_000_000


def job(jobid, userid, t_run, t_end, nodes='0', cores='0-3', bank=None,
        duration=None, project=None):
    system = {k: v for k, v in (('bank', bank), ('duration', duration),
                                ('project', project)) if v is not None}
    j = {'id': jobid, 'userid': userid, 't_submit': t_run - 10,
         't_run': t_run, 't_inactive': t_end,
         'R': {'version': 1, 'execution': {'R_lite': [
             {'rank': nodes, 'children': {'core': cores}}]}}}
    if system:
        j['jobspec'] = {'attributes': {'system': system}}
    return json.dumps(j)


JOBS = '\n'.join([
    job(1, 5001, T0 + 100, T0 + 3700, nodes='0-1', bank='A', duration=7200,
        project='p1'),
    job(2, 5003, T0 + 200, T0 + 1200),
    job(3, 5002, T0 + 300, T0 + 900, bank='A', duration=60),
]) + '\n'


def test_import_data_and_duplicates(tree_db, cli):
    db = tree_db
    s = db.import_jobs_data(JOBS + 'not json\n')
    assert (s.lines, s.imported, s.duplicates, s.malformed) == (4, 3, 0, 1)
    assert (s.no_resources, s.unknown) == (0, 0)
    assert len(s.problems) == 1 and 'line 4' in s.problems[0]
    s = db.import_jobs_data(JOBS.encode())
    assert (s.imported, s.duplicates, s.problems) == (0, 3, [])
    assert db.list_jobs() == cli.json('view-job-records')
    assert [j['id'] for j in db.list_jobs()] == ['3', '2', '1']


def test_import_unknown_and_no_resources(tree_db):
    db = tree_db
    s = db.import_jobs_data(json.dumps({'id': 9, 'userid': 99, 't_run': T0,
                                        't_inactive': T0 + 5}) + '\n')
    assert (s.imported, s.no_resources, s.unknown) == (1, 1, 1)


def test_import_strict(tree_db):
    db = tree_db
    with pytest.raises(fluxacct.InvalidArgument) as e:
        db.import_jobs_data(JOBS + '{"id": 4}\n', strict=True)
    assert 'line 4' in str(e.value)
    assert db.list_jobs() == []


def test_import_file(tree_db, tmp_path):
    db = tree_db
    f = tmp_path / 'jobs.jsonl'
    f.write_text(JOBS)
    s = db.import_jobs(str(f))
    assert s.imported == 3
    with pytest.raises(fluxacct.NotFound):
        db.import_jobs(str(tmp_path / 'missing.jsonl'))


def test_import_records(tree_db):
    db = tree_db
    records = []
    for line in JOBS.splitlines():
        j = json.loads(line)
        for k in ('R', 'jobspec'):
            if k in j:
                j[k] = json.dumps(j[k])
        records.append(j)
    s = db.import_records(records + [{'id': 7, 'userid': 5001,
                                      't_run': 20, 't_inactive': 10}])
    assert (s.lines, s.imported, s.malformed) == (4, 3, 1)
    assert len(s.problems) == 1 and 'record 4' in s.problems[0]
    got = db.list_jobs()
    assert [j['id'] for j in got] == ['3', '2', '1']
    # the same rows as the same jobs through import_jobs_data()
    s = db.import_jobs_data(JOBS)
    assert (s.imported, s.duplicates) == (0, 3)
    with pytest.raises(fluxacct.InvalidArgument):
        db.import_records([{'id': 8, 'userid': -1, 't_inactive': 1}],
                          strict=True)
    assert db.import_records([]).lines == 0


def test_import_archive(tree_db, tmp_path):
    db = tree_db
    with pytest.raises(fluxacct.NotADatabase):
        db.import_archive(db.path)
    with pytest.raises(fluxacct.NotFound):
        db.import_archive(str(tmp_path / 'missing.sqlite'))
    archive = str(tmp_path / 'job-archive.sqlite')
    c = sqlite3.connect(archive)
    c.execute('CREATE TABLE jobs (id CHAR(16) PRIMARY KEY, userid INT, '
              'ranks TEXT, t_submit REAL, t_run REAL, t_cleanup REAL, '
              't_inactive REAL, eventlog TEXT, jobspec TEXT, R TEXT)')
    for line in JOBS.splitlines():
        j = json.loads(line)
        c.execute('INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                  (str(j['id']), j['userid'], '0', j['t_submit'], j['t_run'],
                   j['t_inactive'], j['t_inactive'], '',
                   json.dumps(j.get('jobspec', {})), json.dumps(j['R'])))
    c.commit()
    c.close()
    s = db.import_archive(archive)
    assert s.imported == 3
    assert len(db.list_jobs()) == 3


def test_list_jobs_filters(tree_db, cli):
    db = tree_db
    db.import_jobs_data(JOBS)
    assert [j['id'] for j in db.list_jobs(userid=5001)] == ['1']
    assert [j['id'] for j in db.list_jobs(id='1')] == ['1']
    assert [j['id'] for j in db.list_jobs(
        id=fluxacct.jobid_encode(3, 'f58'))] == ['3']
    assert [j['id'] for j in db.list_jobs(bank='A')] == ['3', '1']
    assert [j['id'] for j in db.list_jobs(project='p1')] == ['1']
    assert [j['id'] for j in db.list_jobs(after_start=T0 + 150)] == ['3', '2']
    assert [j['id'] for j in db.list_jobs(before_end=T0 + 1000)] == ['3']
    assert [j['id'] for j in db.list_jobs(
        requested_duration=('> 0', '< 100'))] == ['3']
    assert [j['id'] for j in db.list_jobs(actual_duration='>= 3600')] == ['1']
    one = db.list_jobs(userid=5001)[0]
    assert (one['nnodes'], one['ncores'], one['username']) == (2, 8, 'alice')
    assert one['duration_delta'] == 7200 - 3600
    assert db.list_jobs(bank='A') == cli.json('view-job-records', '-B', 'A')
    with pytest.raises(fluxacct.InvalidArgument):
        db.list_jobs(color='red')
    with pytest.raises(fluxacct.InvalidArgument):
        db.list_jobs(actual_duration='about 5')


def test_scrub_jobs(tree_db):
    db = tree_db
    db.import_jobs_data(JOBS)
    assert db.scrub_jobs(T0 - 10**8) == 0
    assert db.scrub_jobs(T0 + 1000) == 1
    assert [j['id'] for j in db.list_jobs()] == ['2', '1']
    now = time.time()
    db.import_jobs_data(job(10, 5001, now - 600, now - 60) + '\n')
    with pytest.raises(fluxacct.PermissionDenied):
        db.scrub_jobs(now)               # its usage still counts
    assert len(db.list_jobs()) == 3
    assert db.scrub_jobs(now, force=True) == 3
    assert db.list_jobs() == []


def test_fetch_mark_and_known(tree_db):
    db = tree_db
    assert db.fetch_since() == 0
    db.import_jobs_data(JOBS)
    newest = max(j['t_inactive'] for j in db.list_jobs())
    assert db.fetch_since() == newest - fluxacct.lib.FLUXACCT_FETCH_OVERLAP
    with db.batch():
        db.fetch_mark(T0 + 10**6)
    assert db.fetch_since() == T0 + 10**6 - 60
    db.fetch_mark(T0)                    # never lowered
    assert db.fetch_since() == T0 + 10**6 - 60
    assert db.jobs_known([1, 2, 99]) == [True, True, False]
    assert db.jobs_known([]) == []
    with pytest.raises(fluxacct.InvalidArgument):
        db.fetch_mark(-5)
    with pytest.raises(ValueError):
        db.jobs_known([-1])


def test_update_usage(tree_db, cli):
    db = tree_db
    db.import_jobs_data(JOBS)
    s = db.update_usage(now=T0 + 10_000)
    assert (s.new_jobs, s.uncharged, s.now) == (3, 0, T0 + 10_000)
    assert s.associations >= 3
    assert isinstance(s.full_recompute, bool)
    # node-seconds: 2 nodes x 3600 s, 1 x 1000 s, 1 x 600 s
    usage = {u['username']: u['job_usage'] for u in db.list_users()}
    assert usage == {'alice': 7200.0, 'bob': 600.0, 'carol': 1000.0}
    assert db.view_bank('A')['job_usage'] == 7800.0
    assert db.view_bank('root')['job_usage'] == 8800.0
    assert db.list_users() == cli.json('list-users')
    periods = db.usage_periods('alice')
    assert periods == cli.json('view-user', 'alice', '-J')
    assert periods[0] == {'username': 'alice', 'bank': 'A', 'period': 0,
                          'value': 7200.0}
    assert db.update_usage(now=T0 + 10_000).new_jobs == 0   # idempotent
    assert {u['username']: u['job_usage'] for u in db.list_users()} == usage
    with pytest.raises(fluxacct.NotFound):
        db.usage_periods('nobody')


def test_update_usage_same_as_cli(tree_db, cli, tmp_path):
    """The bindings and flux-account compute the same usage from the same
    records."""
    db = tree_db
    db.import_jobs_data(JOBS)
    copy = str(tmp_path / 'copy.db')
    src, dst = sqlite3.connect(db.path), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    now = T0 + 9 * 86400         # past a period boundary: decay applies
    db.update_usage(now=now)
    from conftest import CLI
    CLI(copy).run('update-usage', '-t', str(now))
    with fluxacct.Database(copy, readonly=True) as other:
        for user in ('alice', 'bob', 'carol'):
            assert db.usage_periods(user) == other.usage_periods(user)
            assert db.view_user(user)[0]['job_usage'] == \
                other.view_user(user)[0]['job_usage']


def test_update_usage_time_forms(tree_db):
    db = tree_db
    assert db.update_usage('1700010000').now == 1_700_010_000
    import datetime
    t = datetime.datetime.fromtimestamp(T0 + 20_000, datetime.timezone.utc)
    assert db.update_usage(t).now == T0 + 20_000
    assert db.update_usage().now > T0
    with pytest.raises(fluxacct.InvalidArgument):
        db.update_usage('yesterday-ish')


def test_clear_usage(tree_db):
    db = tree_db
    db.import_jobs_data(JOBS)
    db.update_usage(now=T0 + 10_000)
    db.clear_usage('A', t=T0 + 5000)
    assert db.view_bank('A')['ignore_older_than'] == T0 + 5000
    usage = {u['username']: u['job_usage'] for u in db.list_users()}
    assert usage == {'alice': 0.0, 'bob': 0.0, 'carol': 1000.0}
    with pytest.raises(fluxacct.NotFound):
        db.clear_usage('nope')
    db.clear_usage('B')                  # t defaults to now
    assert db.view_user('carol')[0]['job_usage'] == 0.0
