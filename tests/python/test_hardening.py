"""Hardening (issue 12) through the binding: the bank depth limit, names,
and finite values are enforced by the library for Python as for the CLI;
a deep in-memory fair-share tree computes without recursion."""
import json
import math

import pytest

import fluxacct


def test_add_bank_chain_stops_at_the_depth_limit(db, cli):
    db.add_bank('root')
    parent = 'root'
    for i in range(1, 100):
        db.add_bank(f'c{i}', parent=parent)
        parent = f'c{i}'
    with pytest.raises(fluxacct.InvalidArgument, match='limit is 100 levels'):
        db.add_bank('too-deep', parent=parent)
    out = cli.run('print-hierarchy', '-P').stdout
    assert len(out.splitlines()) == 101


@pytest.mark.parametrize('name', ['x|y', 'a,b', 'tab\there', 'b' * 256,
                                  'ctl\x1b[31m'])
def test_bad_bank_names(db, name):
    db.add_bank('root')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_bank(name, parent='root')


@pytest.mark.parametrize('value', [math.inf, -math.inf, 1e300])
def test_bank_priority_is_finite_and_bounded(db, value):
    db.add_bank('root')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_bank('A', parent='root', priority=value)


def test_half_life_bounds(db):
    with pytest.raises(fluxacct.InvalidArgument, match='decay periods'):
        db.edit_config('priority_decay_half_life', '100s')
    with pytest.raises(fluxacct.InvalidArgument, match='from 60 s'):
        db.edit_config('priority_decay_half_life', '1e-300')
    # the library takes seconds (or a duration); bare weeks are the CLI's
    db.edit_config('priority_decay_half_life', '1209600')
    assert db.get_config('priority_decay_half_life') == '1209600'


def test_deep_fairshare_tree_in_memory():
    t = fluxacct.FairShareTree()
    t.add_bank('root')
    parent = 'root'
    for i in range(5000):
        t.add_bank(f'c{i}', parent=parent)
        parent = f'c{i}'
    t.add_user('u', parent, usage=1.0)
    t.compute()
    assert t.find_user('u', parent).fairshare == 1.0


# One validation function per row type (issue 12 #7): the same bad value
# is refused by the API's add and edit, by the CLI's, and by pop-db (CSV
# import), with the same message naming table.column and the value.
BANK_HDR = ('bank_id,bank,active,parent_bank,shares,job_usage,priority,'
            'ignore_older_than\n')
ASSOC_HDR = 'username,userid,bank,default_bank,max_running_jobs\n'

ROW_RULES = [
    ('bank_table.shares must be an integer from 0 to 2147483647, got '
     "'-5'",
     lambda db: db.add_bank('C', shares=-5, parent='root'),
     lambda db: db.edit_bank('A', shares=-5),
     ['add-bank', '--parent-bank', 'root', 'C', '--', '-5'],
     ['edit-bank', 'A', '--shares=-5'],
     'bank_table.csv', BANK_HDR + '9,C,1,root,-5,0,0,0\n'),
    ('bank_table.priority must be a finite number from -1e9 to 1e9, got '
     "'10000000000'",
     lambda db: db.add_bank('C', parent='root', priority=1e10),
     lambda db: db.edit_bank('A', priority=1e10),
     ['add-bank', '--parent-bank', 'root', 'C', '1', '--priority=1e10'],
     ['edit-bank', 'A', '--priority=1e10'],
     'bank_table.csv', BANK_HDR + '9,C,1,root,1,0,1e10,0\n'),
    ("bank_table.bank contains '|' (the --parsable separator), got 'x|y'",
     lambda db: db.add_bank('x|y', parent='root'), None,
     ['add-bank', '--parent-bank', 'root', 'x|y', '1'], None,
     'bank_table.csv', BANK_HDR + '9,x|y,1,root,1,0,0,0\n'),
    ('association_table.max_running_jobs must be an integer from 0 to '
     "2147483647, got '-7'",
     lambda db: db.add_user('u', 'A', max_running_jobs=-7),
     lambda db: db.edit_user('alice', 'A', max_running_jobs=-7),
     ['add-user', '-u', 'u', '-B', 'A', '--max-running-jobs=-7'],
     ['edit-user', 'alice', '-B', 'A', '--max-running-jobs=-7'],
     'association_table.csv', ASSOC_HDR + 'u,1001,A,A,-7\n'),
    ('association_table.userid must be an integer from 0 to 4294967295, '
     "got '99999999999'",
     lambda db: db.add_user('u', 'A', userid=99999999999),
     lambda db: db.edit_user('alice', 'A', userid=99999999999),
     ['add-user', '-u', 'u', '-B', 'A', '--userid=99999999999'],
     ['edit-user', 'alice', '-B', 'A', '--userid=99999999999'],
     'association_table.csv', ASSOC_HDR + 'u,99999999999,A,A,5\n'),
    ("association_table.queues contains '|' (the --parsable separator), "
     "got 'a|b'",
     lambda db: db.add_user('u', 'A', queues='a|b'),
     lambda db: db.edit_user('alice', 'A', queues='a|b'),
     ['add-user', '-u', 'u', '-B', 'A', '--queues=a|b'],
     ['edit-user', 'alice', '-B', 'A', '--queues=a|b'],
     'association_table.csv',
     'username,userid,bank,default_bank,queues\nu,1001,A,A,a|b\n'),
    ('queue_table.max_nodes_per_job must be an integer from 0 to '
     "2147483647, got '-3'",
     lambda db: db.add_queue('q', max_nodes_per_job=-3),
     lambda db: db.edit_queue('q0', max_nodes_per_job=-3),
     ['add-queue', 'q', '--max-nodes-per-job=-3'],
     ['edit-queue', 'q0', '--max-nodes-per-job=-3'],
     'queue_table.csv', 'queue,max_nodes_per_job\nq,-3\n'),
    ("project_table.project contains a comma (the list separator), got "
     "'x,y'",
     lambda db: db.add_project('x,y'), None,
     ['add-project', 'x,y'], None,
     'project_table.csv', 'project\n"x,y"\n'),
    ('priority_factor_weight_table.weight must be an integer from 0 to '
     "4294967295, got '-1'",
     None, lambda db: db.edit_factor('bank', -1),
     None, ['edit-factor', '--factor', 'bank', '--weight', '-1'],
     'priority_factor_weight_table.csv', 'factor,weight\nnewfactor,-1\n'),
]


@pytest.mark.parametrize('msg,api_add,api_edit,cli_add,cli_edit,csv,rows',
                         ROW_RULES, ids=[r[0].split()[0] for r in ROW_RULES])
def test_one_rule_per_row_type(db, cli, tmp_path, monkeypatch, msg, api_add,
                               api_edit, cli_add, cli_edit, csv, rows):
    db.add_bank('root')
    db.add_bank('A', parent='root')
    db.add_user('alice', 'A', userid=5001)
    db.add_queue('q0')
    before = db.export_json()
    for call in (api_add, api_edit):
        if call:
            with pytest.raises(fluxacct.InvalidArgument) as e:
                call(db)
            assert msg in str(e.value)
    for args in (cli_add, cli_edit):
        if args:
            p = cli.run(*args, check=False)
            assert p.returncode == 2, (args, p.stderr)
            assert p.stderr == f'flux-account: ERROR: {msg}\n', args
    # a short relative path: the whole message fits the library's error text
    monkeypatch.chdir(tmp_path)
    path = csv
    (tmp_path / csv).write_text(rows)
    with pytest.raises(fluxacct.InvalidArgument) as e:
        db.import_csv(str(path))
    assert str(e.value).endswith(f'{path}:2: {msg}'), str(e.value)
    p = cli.run('pop-db', '-c', str(path), check=False)
    assert p.returncode != 0 and f'{path}:2: {msg}' in p.stderr, p.stderr
    assert db.export_json() == before


# Job rows (issue 12 #3, #6, #7): every value a job record stores passes
# the rule of its jobs column (model/validate.c), the one pop-db and
# update-db apply, whichever way the record comes in: import-jobs (JSON
# Lines, the path fetch-job-records feeds), the records API, pop-db (CSV).
# The same bad value gets the same text, naming jobs.<column> and the
# value; import-jobs names the line, the API the record, pop-db file:line.
R1 = ('{"version": 1, "execution": {"R_lite": [{"rank": "0", '
      '"children": {"core": "0"}}]}}')
JOB_OK = {'id': 7, 'userid': 5001, 't_submit': 100.0, 't_run': 110.0,
          't_inactive': 200.0, 'ranks': '0'}
TIME_RULE = ('must be a time from 0 to 253402300799 (epoch seconds, '
             '9999-12-31)')
JOBS_HDR = ('id,userid,t_submit,t_run,t_inactive,ranks,R,jobspec,project,'
            'bank,requested_duration\n')


def job_spec(bank='A', project='', duration=60):
    return json.dumps({'attributes': {'system': {
        'bank': bank, 'project': project, 'duration': duration}}})


# msg; the record's changes (jobspec: bank, project, duration); CSV fields
JOB_RULES = [
    (f"jobs.userid must be an integer from 0 to 4294967295, got "
     f"'99999999999'", {'userid': 99999999999}, {}),
    (f"jobs.userid must be an integer from 0 to 4294967295, got '-1'",
     {'userid': -1}, {}),
    (f"jobs.t_submit {TIME_RULE}, got '-1'", {'t_submit': -1.0}, {}),
    (f"jobs.t_run {TIME_RULE}, got '1e+308'", {'t_run': 1e308}, {}),
    (f"jobs.t_inactive {TIME_RULE}, got '1e+308'", {'t_inactive': 1e308},
     {}),
    (f"jobs.t_inactive {TIME_RULE}, got '10000000000000'",
     {'t_inactive': 1e13}, {}),
    ("jobs.bank contains '|' (the --parsable separator), got 'x|y'", {},
     {'bank': 'x|y'}),
    ("jobs.bank is longer than 255 bytes, got '" + 'b' * 40, {},
     {'bank': 'b' * 256}),
    ("jobs.project contains a comma (the list separator), got 'p,q'", {},
     {'project': 'p,q'}),
    (f"jobs.requested_duration {TIME_RULE}, got '-5'", {},
     {'duration': -5}),
    (f"jobs.requested_duration {TIME_RULE}, got '10000000000000'", {},
     {'duration': 1e13}),
]


def csv_field(v):
    v = str(v)
    return '"' + v.replace('"', '""') + '"' if any(
        c in v for c in ',"\n') else v


def job_number(v):
    """A number as import-jobs' JSON and pop-db's CSV both write it."""
    return repr(v) if isinstance(v, float) else str(v)


@pytest.mark.parametrize('msg,fields,spec', JOB_RULES,
                         ids=[f'{r[0].split()[0]}-{i}'
                              for i, r in enumerate(JOB_RULES)])
def test_one_rule_for_job_rows(db, cli, tmp_path, monkeypatch, msg, fields,
                               spec):
    db.add_bank('root')
    db.add_bank('A', parent='root')
    db.add_user('alice', 'A', userid=5001)
    job = dict(JOB_OK, **fields)
    sys = dict({'bank': 'A', 'project': '', 'duration': 60}, **spec)
    jobspec = job_spec(**sys)
    before = db.export_json()

    def refused(prefix, call):
        with pytest.raises(fluxacct.InvalidArgument) as e:
            call()
        assert f'{prefix}{msg}' in str(e.value), str(e.value)
        assert db.list_jobs() == []

    # import-jobs: the library (file and buffer), then the CLI
    line = json.dumps(dict(job, R=json.loads(R1),
                           jobspec=json.loads(jobspec)))
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'j.jsonl').write_text(line + '\n')
    refused('line 1: ', lambda: db.import_jobs('j.jsonl', strict=True))
    refused('line 1: ', lambda: db.import_jobs_data(line + '\n',
                                                     strict=True))
    stats = db.import_jobs_data(line + '\n')
    assert (stats.imported, stats.malformed) == (0, 1)
    assert any(f'line 1: {msg}' in p for p in stats.problems), stats.problems
    p = cli.run('import-jobs', '--strict', 'j.jsonl', check=False)
    assert p.returncode != 0 and f'line 1: {msg}' in p.stderr, p.stderr
    # the records API
    rec = dict(job, R=R1, jobspec=jobspec)
    refused('record 1: ', lambda: db.import_records([rec], strict=True))
    # pop-db: the same values as CSV fields
    row = [job['id'], job['userid'], job_number(job['t_submit']),
           job_number(job['t_run']), job_number(job['t_inactive']), '0', R1,
           jobspec, sys['project'], sys['bank'], job_number(sys['duration'])]
    (tmp_path / 'jobs.csv').write_text(
        JOBS_HDR + ','.join(csv_field(v) for v in row) + '\n')
    refused('jobs.csv:2: ', lambda: db.import_csv('jobs.csv'))
    p = cli.run('pop-db', '-c', 'jobs.csv', check=False)
    assert p.returncode != 0 and f'jobs.csv:2: {msg}' in p.stderr, p.stderr
    assert db.export_json() == before
    # the record made good goes in by every path, alike
    good = dict(JOB_OK, R=R1, jobspec=job_spec())
    assert db.import_records([good], strict=True).imported == 1


def test_job_record_rule_keeps_valid_records(db):
    """Values at the edges of the rules are stored as given."""
    db.add_bank('root')
    db.add_bank('A', parent='root')
    db.add_user('alice', 'A', userid=4294967295)
    recs = [dict(JOB_OK, id=1, userid=4294967295, t_submit=0.0, t_run=0.0,
                 t_inactive=253402300799.0, R=R1, jobspec=job_spec()),
            dict(JOB_OK, id=2, userid=0, R=R1,
                 jobspec=job_spec(bank='', duration=0))]
    assert db.import_records(recs, strict=True).imported == 2
    jobs = {j['id']: j for j in db.list_jobs()}
    assert jobs['1']['t_inactive'] == 253402300799.0
    assert jobs['2']['userid'] == 0
