"""Fixtures for the admin CLI tests (update-db, export-db, pop-db).

Environment (set by meson): FLUX_ACCOUNT, the flux-account binary;
FLUXACCT_DBS_DIR, the flux-accounting corpus; GEN_FADB, the generator of
flux-accounting v0.60 databases (tests/tools/gen_fadb)."""
import hashlib
import os
import shutil
import sqlite3
import subprocess

import pytest

FLUX_ACCOUNT = os.environ.get("FLUX_ACCOUNT", "flux-account")
DBS_DIR = os.environ.get("FLUXACCT_DBS_DIR", "")
GEN_FADB = os.environ.get("GEN_FADB", "")

# the generator's default "now": update-usage runs are evaluated there
GEN_NOW = 1700000000


def run(*args, db=None, cwd=None, check=None):
    """Run flux-account; check=0 asserts success, check=N asserts exit N."""
    cmd = [FLUX_ACCOUNT] + (["-p", str(db)] if db else []) + [str(a) for a in args]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if check is not None:
        assert p.returncode == check, f"{cmd}: rc {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def ok(*args, **kw):
    return run(*args, check=0, **kw)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def dump_sha(path):
    """Hash of `sqlite3 DB .dump` (rolls a hot journal back first)."""
    p = subprocess.run(["sqlite3", str(path), ".dump"], capture_output=True, check=True)
    return hashlib.sha256(p.stdout).hexdigest()


def query(path, sql, args=()):
    c = sqlite3.connect(str(path))
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def tables(path):
    """{table: [rows with (type, value) cells]} of a database."""
    c = sqlite3.connect(str(path))
    out = {}
    for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type='table' "
                          "AND name NOT LIKE 'sqlite_%'"):
        out[t] = [tuple((type(v).__name__, v) for v in r)
                  for r in c.execute(f'SELECT * FROM "{t}"')]
    c.close()
    return out


def corpus_files():
    if not DBS_DIR or not os.path.isdir(DBS_DIR):
        return []
    return sorted(f for f in os.listdir(DBS_DIR) if f.startswith("FluxAccountingv0-"))


@pytest.fixture
def corpus_copy(tmp_path):
    """Copy a corpus file into tmp_path (writable) and return its path."""
    def copy(name, dest="FluxAccounting.db"):
        path = tmp_path / dest
        shutil.copyfile(os.path.join(DBS_DIR, name), path)
        os.chmod(path, 0o644)
        return path
    return copy


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """Generated flux-accounting v0.60 databases, made once per size."""
    made = {}

    def gen(assoc, jobs, seed=1):
        key = (assoc, jobs, seed)
        if key not in made:
            d = tmp_path_factory.mktemp("gen")
            path = d / f"fa-{assoc}-{jobs}-{seed}.db"
            subprocess.run([GEN_FADB, "-o", str(path), "-a", str(assoc), "-j",
                            str(jobs), "-s", str(seed), "-t", str(GEN_NOW)],
                           check=True)
            made[key] = path
        return made[key]
    if not GEN_FADB:
        pytest.skip("GEN_FADB is not set")
    return gen
