"""Fixtures for the admin CLI tests (update-db, export-db, pop-db).

Environment (set by meson): FLUX_ACCOUNT, the flux-account binary;
FLUXACCT_DBS_DIR, the flux-accounting corpus; GEN_FADB, the generator of
flux-accounting v0.60 databases (tests/tools/gen_fadb)."""
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "pyhelpers"))
import fluxacct_testutil as util  # noqa: E402
from fluxacct_testutil import dump_sha, flux_account_path  # noqa: E402,F401

FLUX_ACCOUNT = flux_account_path()
DBS_DIR = os.environ.get("FLUXACCT_DBS_DIR", "")
GEN_FADB = os.environ.get("GEN_FADB", "")

# the generator's default "now": update-usage runs are evaluated there
GEN_NOW = 1700000000


def run(*args, db=None, cwd=None, check=None):
    """Run flux-account; check=0 asserts success, check=N asserts exit N."""
    argv = (["-p", str(db)] if db else []) + list(args)
    p = util.run_flux_account(FLUX_ACCOUNT, argv, cwd=cwd)
    if check is not None:
        assert p.returncode == check, \
            f"{p.args}: rc {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def ok(*args, **kw):
    return run(*args, check=0, **kw)


sha = util.file_sha


def query(path, sql, args=()):
    """Opened for writing: a killed writer's hot journal is rolled back."""
    return util.query(path, sql, args, readonly=False)


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
