"""Fixtures for the flux-account CLI tests.

The tests drive the built binary with subprocess.  Its path comes from
$FLUX_ACCOUNT (meson sets it); run by hand, build/tools/flux-account in the
repository is used.

Every test gets a fresh database (`db`), a runner bound to it (`run`), and a
content dump of it (`dump`) so a failing command can be shown to leave the
database unchanged (`fails`).
"""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "pyhelpers"))
from fluxacct_testutil import (REPO, dump_db, flux_account_path,  # noqa: E402,F401
                               query, remove_fluxacct_env, run_flux_account)

FLUX_ACCOUNT = flux_account_path()

# Exit statuses of flux-account.
OK, FAIL, USAGE = 0, 1, 2

INT_MAX = 2147483647


def pytest_report_header(config):
    return f"flux-account: {FLUX_ACCOUNT}"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No FLUXACCT_* variable of the caller leaks into a test."""
    remove_fluxacct_env(monkeypatch)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")


def execute(args, env=None, cwd=None, timeout=60):
    """Run flux-account with args; return (rc, stdout, stderr) as text."""
    p = run_flux_account(FLUX_ACCOUNT, args, env=env, cwd=cwd, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


class Runner:
    """run(*args, ok=True): flux-account -p DB args...

    ok=True asserts exit 0, ok=False asserts a non-zero exit, ok=None checks
    nothing; rc=N asserts exit N.  db=False leaves out '-p DB' (for global
    options and create-db).  Returns (rc, stdout, stderr)."""

    def __init__(self, path):
        self.path = path

    def __call__(self, *args, ok=True, rc=None, db=True, env=None, cwd=None):
        argv = (["-p", self.path] if db else []) + list(args)
        code, out, err = execute(argv, env=env, cwd=cwd)
        where = f"flux-account {' '.join(map(str, argv))}\nstdout:{out}\nstderr:{err}"
        if rc is not None:
            assert code == rc, f"exit {code}, expected {rc}: {where}"
        elif ok is True:
            assert code == 0, f"exit {code}: {where}"
        elif ok is False:
            assert code != 0, f"unexpected success: {where}"
        return code, out, err


@pytest.fixture
def db(tmp_path):
    """A fresh, empty accounting database; returns its path (str)."""
    path = str(tmp_path / "FluxAccounting.db")
    code, out, err = execute(["create-db", path])
    assert code == 0, err
    return path


@pytest.fixture
def run(db):
    return Runner(db)


@pytest.fixture
def dump(db):
    """dump() -> content of the test's database; dump(path) of another."""

    def _dump(path=None):
        return dump_db(path or db)

    return _dump


@pytest.fixture
def fails(run, dump):
    """fails(*args, rc=1, match=...) runs a command that must fail.

    Asserts the exit status, that nothing went to stdout, that stderr is one
    'flux-account: ERROR: ' message containing every `match` string, and
    that the database content is unchanged.  Returns stderr."""

    def _fails(*args, rc=FAIL, match=(), **kw):
        before = dump()
        code, out, err = run(*args, rc=rc, **kw)
        assert out == "", f"stdout of a failing command: {out!r}"
        assert err.startswith("flux-account: ERROR: "), err
        for m in [match] if isinstance(match, str) else match:
            assert m in err, f"{m!r} not in {err!r}"
        assert dump() == before, "a failing command changed the database"
        return err

    return _fails


@pytest.fixture
def tree(run):
    """root -> A (users alice, bob), B -> B1 (user carol), B2 (empty)."""
    run("add-bank", "root", "1")
    run("add-bank", "--parent-bank", "root", "A", "1")
    run("add-bank", "--parent-bank", "root", "B", "2")
    run("add-bank", "--parent-bank", "B", "B1", "3")
    run("add-bank", "--parent-bank", "B", "B2", "4")
    run("add-user", "--username", "alice", "--bank", "A", "--userid", "1001")
    run("add-user", "--username", "bob", "--bank", "A", "--userid", "1002")
    run("add-user", "--username", "carol", "--bank", "B1", "--userid", "1003")
    return run


def table(text):
    """Parse flux-account's default table: list of dicts (cells stripped)."""
    lines = text.rstrip("\n").split("\n")
    header = [h.strip() for h in lines[0].split(" | ")]
    assert set(lines[1]) <= set("-+"), lines[1]
    rows = []
    for line in lines[2:]:
        cells = [c.strip() for c in line.split(" | ")]
        assert len(cells) == len(header), line
        rows.append(dict(zip(header, cells)))
    return rows


def parsable(text):
    """Parse '|'-separated output with a header: list of dicts."""
    lines = text.rstrip("\n").split("\n")
    header = lines[0].split("|")
    return [dict(zip(header, line.split("|"))) for line in lines[1:]]
