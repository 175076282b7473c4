"""Helpers shared by the three pytest trees (tests/cli, tests/admin,
tests/python): where the built flux-account is, running it, and reading a
database.  Each tree's conftest.py puts this directory on sys.path and keeps
its own fixtures (and the names its tests import) on top of these.

Standard library only: the trees run under /usr/bin/python3, and
tests/python also imports the built bindings."""
import hashlib
import os
import pathlib
import shutil
import sqlite3
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]


def flux_account_path(build_root=None):
    """The flux-account to test: $FLUX_ACCOUNT (meson sets it), else
    BUILD_ROOT/tools/flux-account (BUILD_ROOT defaults to the repository's
    build/); an absolute path."""
    path = os.environ.get("FLUX_ACCOUNT") or os.path.join(
        str(build_root or REPO / "build"), "tools", "flux-account")
    return os.path.abspath(path)


def run_flux_account(exe, args, env=None, cwd=None, timeout=None):
    """Run EXE with ARGS (converted with str), stdin from /dev/null.

    Returns the subprocess.CompletedProcess with stdout and stderr decoded
    as UTF-8 (strictly: output that is not UTF-8 is a failure)."""
    p = subprocess.run([exe, *[str(a) for a in args]],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       env=env, cwd=cwd, timeout=timeout)
    p.stdout = p.stdout.decode("utf-8")
    p.stderr = p.stderr.decode("utf-8")
    return p


def remove_fluxacct_env(monkeypatch):
    """Unset every FLUXACCT_* variable of the caller through MONKEYPATCH
    (FLUXACCT_DB, FLUXACCT_BUSY_TIMEOUT_MS, ... must not reach a test)."""
    for key in list(os.environ):
        if key.startswith("FLUXACCT_"):
            monkeypatch.delenv(key)


def query(path, sql, params=(), readonly=True):
    """All rows of SQL on the database at PATH.  readonly=False opens it for
    writing, which lets SQLite roll a hot journal back first (a database
    left by a killed writer)."""
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    else:
        conn = sqlite3.connect(str(path))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def dump_db(path):
    """The database's content as SQL text (sqlite3 iterdump), read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def dump_sha(path):
    """SHA-256 of `sqlite3 DB .dump` (the sqlite3 shell rolls a hot journal
    back first)."""
    p = subprocess.run(["sqlite3", str(path), ".dump"], capture_output=True,
                       check=True)
    return hashlib.sha256(p.stdout).hexdigest()


def file_sha(path):
    """SHA-256 of the file's bytes."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def nobody_can_run(program):
    """True when root can run `program --version` as nobody: setpriv exists
    and no private parent directory (a clone under a 0700 mktemp -d, say)
    hides the build tree from other users.  The tests that run commands as
    nobody skip, saying why, when it is False."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                        "--clear-groups", program, "--version"],
                       capture_output=True, stdin=subprocess.DEVNULL)
    return p.returncode == 0
