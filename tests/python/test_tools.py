"""bulk_update.py and the usage_plot.py example, run as scripts."""
import json
import os

import pytest

import fluxacct
from conftest import PYTHON_DIR, run_python
from test_jobs_usage import JOBS, T0

BULK_UPDATE = os.path.join(PYTHON_DIR, 'tools', 'bulk_update.py')
USAGE_PLOT = os.path.join(PYTHON_DIR, 'examples', 'usage_plot.py')

FAKE_FLUX = '''
import json, os

class _Future:
    def get(self):
        return {}

class Flux:
    """Records RPCs instead of sending them."""
    def rpc(self, topic, payload=None):
        with open(os.environ['FAKE_FLUX_LOG'], 'a') as f:
            f.write(json.dumps([topic, payload]) + '\\n')
        return _Future()
'''

# libfluxacct's extra payload keys (issue 14 allocations)
ALLOC_CONFIG = {'allocation_enforcement': 'off',
                'allocation_default_time_limit': 3600, 'node_weight': 1.0,
                'core_weight': 0.0, 'gpu_weight': 0.0}
NO_ALLOC_ROOT_CHILD = {'parent_bank': 'root', 'allocation': 0.0,
                       'allocation_used': 0.0, 'allocation_window_end': 0}


def fake_module(tmp_path, name, source):
    d = tmp_path / f'fake-{name}'
    (d / name).mkdir(parents=True)
    (d / name / '__init__.py').write_text(source)
    return str(d)


@pytest.fixture
def feed_db(tree_db):
    db = tree_db
    db.add_queue('batch', priority=5)
    db.add_project('p1')
    db.edit_user('bob', queues='batch', projects='p1')
    db.edit_bank('B', priority=2.0)
    db.edit_factor('bank', 10)
    db.edit_config('deny_unknown_queues', 'true')
    db.delete_user('carol', 'B')
    return db


# bob's rec_update element in feed_db
BOB = {'userid': 5002, 'bank': 'A', 'def_bank': 'A', 'fairshare': 0.5,
       'max_running_jobs': 5, 'max_active_jobs': 7, 'queues': 'batch',
       'active': 1, 'projects': 'p1,*', 'def_project': '*',
       'max_nodes': 2147483647, 'max_cores': 2147483647,
       'max_sched_jobs': 2147483647, 'max_wall_pj': 2147483647}


def test_payloads(feed_db):
    p = fluxacct.plugin_feed.payloads(feed_db)
    assert set(p) == {'associations', 'queues', 'projects', 'banks',
                      'priority_factors', 'config'}
    assert [a['userid'] for a in p['associations']] == [5001, 5002, 5003]
    assert p['associations'][1] == BOB
    assert p['associations'][2]['active'] == 0    # disabled ones are sent
    assert p['queues'] == [{
        'queue': 'batch', 'min_nodes_per_job': 1, 'max_nodes_per_job': 1,
        'max_time_per_job': 60, 'priority': 5, 'max_running_jobs': 100,
        'max_nodes_per_assoc': 2147483647, 'max_sched_jobs': 2147483647,
        'max_sched_nodes_per_assoc': 2147483647,
        'max_sched_cores_per_assoc': 2147483647}]
    assert p['projects'] == [{'project': '*'}, {'project': 'p1'}]
    assert {'bank': 'B', 'priority': 2.0, **NO_ALLOC_ROOT_CHILD} \
        in p['banks']
    assert {'factor': 'bank', 'weight': 10} in p['priority_factors']
    assert p['config'] == {'deny_unknown_queues': True, **ALLOC_CONFIG}
    assert feed_db.plugin_payloads() == p


def test_bulk_update_without_flux(feed_db):
    p = run_python(BULK_UPDATE, '-p', feed_db.path)
    assert p.returncode == 3
    assert "flux-core's Python bindings are not available" in p.stderr
    assert p.stdout == ''


def test_bulk_update_sends_rpcs(feed_db, tmp_path):
    log = tmp_path / 'rpcs.log'
    p = run_python(BULK_UPDATE, '-p', feed_db.path,
                   env={'FAKE_FLUX_LOG': str(log)},
                   pythonpath=[fake_module(tmp_path, 'flux', FAKE_FLUX)])
    assert p.returncode == 0, p.stderr
    rpcs = [json.loads(line) for line in log.read_text().splitlines()]
    assert [t for t, _ in rpcs] == [
        'job-manager.mf_priority.' + n for n in
        ('rec_update', 'rec_q_update', 'rec_proj_update', 'rec_bank_update',
         'rec_fac_update', 'rec_config_update', 'reprioritize')]
    payloads = fluxacct.plugin_feed.payloads(feed_db)
    # As `flux-account priority-update` sends them: rec_update is the
    # complete set ("replace": true), reprioritize carries {}.
    assert rpcs[0][1] == {'data': payloads['associations'], 'replace': True}
    assert rpcs[5][1] == {'data': {'deny_unknown_queues': True, **ALLOC_CONFIG}}
    assert rpcs[6][1] == {}


def test_bulk_update_sends_what_priority_update_sends(feed_db, tmp_path, cli):
    log = tmp_path / 'rpcs.log'
    p = run_python(BULK_UPDATE, '-p', feed_db.path,
                   env={'FAKE_FLUX_LOG': str(log)},
                   pythonpath=[fake_module(tmp_path, 'flux', FAKE_FLUX)])
    assert p.returncode == 0, p.stderr
    rpcs = [json.loads(line) for line in log.read_text().splitlines()]
    dry = cli.run('priority-update', '--dry-run').stdout.splitlines()
    assert [[topic, json.loads(payload)] for topic, payload in
            (line.split(' ', 1) for line in dry)] == rpcs


def test_bulk_update_print(feed_db):
    p = run_python(BULK_UPDATE, '-p', feed_db.path, '--print')
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == fluxacct.plugin_feed.payloads(feed_db)


def test_bulk_update_errors(tmp_path):
    p = run_python(BULK_UPDATE, '-p', str(tmp_path / 'missing.db'))
    assert p.returncode == 1
    assert 'bulk_update.py: error:' in p.stderr
    p = run_python(BULK_UPDATE, '--bogus')
    assert p.returncode == 2


def matplotlib_missing():
    import importlib.util
    return importlib.util.find_spec('matplotlib') is None


@pytest.fixture
def usage_db(tree_db):
    tree_db.import_jobs_data(JOBS)
    tree_db.update_usage(now=T0 + 10_000)
    return tree_db


@pytest.mark.skipif(matplotlib_missing(), reason='needs python3-matplotlib')
@pytest.mark.parametrize('args,suffix,magic', [
    ((), '.png', b'\x89PNG'),
    (('-B', 'A'), '.svg', b'<?xml'),
    (('-u', 'alice'), '.png', b'\x89PNG'),
])
def test_usage_plot(usage_db, tmp_path, args, suffix, magic):
    out = tmp_path / ('plot' + suffix)
    p = run_python(USAGE_PLOT, '-p', usage_db.path, *args, str(out))
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(magic)
    if suffix == '.svg':
        svg = out.read_text()
        assert 'alice@A' in svg and 'carol@B' not in svg


@pytest.mark.skipif(matplotlib_missing(), reason='needs python3-matplotlib')
def test_usage_plot_update_and_errors(tree_db, tmp_path):
    tree_db.import_jobs_data(JOBS)
    out = tmp_path / 'p.png'
    p = run_python(USAGE_PLOT, '-p', tree_db.path, '--update',
                   str(T0 + 10_000), str(out))
    assert p.returncode == 0, p.stderr
    assert tree_db.view_user('alice')[0]['job_usage'] == 7200.0
    p = run_python(USAGE_PLOT, '-p', tree_db.path, '-u', 'nobody',
                   str(out))
    assert p.returncode == 1 and 'not found' in p.stderr
    p = run_python(USAGE_PLOT, '-p', tree_db.path, str(tmp_path / 'x.gif'))
    assert p.returncode == 2


def test_usage_plot_without_matplotlib(usage_db, tmp_path):
    hide = fake_module(tmp_path, 'matplotlib',
                       'raise ImportError("No module named matplotlib")\n')
    out = tmp_path / 'plot.png'
    p = run_python(USAGE_PLOT, '-p', usage_db.path, str(out),
                   pythonpath=[hide])
    assert p.returncode == 3
    assert 'apt-get install python3-matplotlib' in p.stderr
    assert not out.exists()
