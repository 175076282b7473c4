"""Fixtures for the fluxacct binding tests.

Run by meson (tests/meson.build) with PYTHONPATH at the build tree's
bindings/python, FLUX_ACCOUNT at the built CLI, and TEST_SOURCE_ROOT and
TEST_BUILD_ROOT naming the trees.  Every test gets its own temporary database.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

import fluxacct

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "pyhelpers"))
from fluxacct_testutil import (flux_account_path,  # noqa: E402
                               remove_fluxacct_env, run_flux_account)

SOURCE_ROOT = os.environ.get(
    'TEST_SOURCE_ROOT',
    os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..')))
BUILD_ROOT = os.environ.get('TEST_BUILD_ROOT',
                            os.path.join(SOURCE_ROOT, 'build'))
FLUX_ACCOUNT = flux_account_path(BUILD_ROOT)
PYTHON_DIR = os.path.join(SOURCE_ROOT, 'bindings', 'python')


@pytest.fixture(autouse=True, scope='session')
def clean_environment():
    """No FLUXACCT_* variable of the caller's (FLUXACCT_DB,
    FLUXACCT_BUSY_TIMEOUT_MS, ...) reaches the library or the CLI."""
    mp = pytest.MonkeyPatch()
    remove_fluxacct_env(mp)
    yield
    mp.undo()


@pytest.fixture
def db_path(tmp_path):
    """A new, empty database's path (half-life 1 week, reset 4 weeks)."""
    path = str(tmp_path / 'acct.db')
    fluxacct.create_db(path, usage_epoch=1_700_000_000)
    return path


@pytest.fixture
def db(db_path):
    """The database at db_path, open for writing; closed after the test."""
    with fluxacct.Database(db_path) as d:
        yield d


@pytest.fixture
def tree_db(db):
    """root -> A (2 shares), B (1); alice and bob in A, carol in B."""
    db.add_bank('root')
    db.add_bank('A', shares=2, parent='root')
    db.add_bank('B', parent='root')
    db.add_user('alice', 'A', userid=5001)
    db.add_user('bob', 'A', userid=5002, shares=2)
    db.add_user('carol', 'B', userid=5003)
    return db


class CLI:
    """Runs the built flux-account on one database."""

    def __init__(self, path):
        self.path = path

    def run(self, *args, check=True):
        if not os.access(FLUX_ACCOUNT, os.X_OK):
            pytest.skip(f'no flux-account at {FLUX_ACCOUNT}')
        p = run_flux_account(FLUX_ACCOUNT, ['-p', self.path, *args])
        if check and p.returncode != 0:
            raise AssertionError(f'flux-account {" ".join(args)}: '
                                 f'exit {p.returncode}: {p.stderr}')
        return p

    def json(self, *args):
        """The command's --json output, parsed."""
        return json.loads(self.run(*args, '--json').stdout)


@pytest.fixture
def cli(db_path):
    """flux-account -p db_path ... (see CLI)."""
    return CLI(db_path)


def run_python(script, *args, env=None, pythonpath=()):
    """Run a script under this interpreter with the package importable."""
    e = dict(os.environ)
    e['PYTHONPATH'] = os.pathsep.join(
        list(pythonpath) + [os.path.dirname(os.path.dirname(fluxacct.__file__))])
    if env:
        e.update(env)
    return subprocess.run([sys.executable, script, *args], env=e,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
