"""Permissions (issue 7 item 3): the database is created 0644; any user can
run the read commands; a write command by a user without write access fails
with one clear line and exit status 2, and changes nothing.  Runs the CLI
as 'nobody' through setpriv, so it needs root (CI runs as root)."""
import os
import shutil
import stat
import subprocess
import tempfile

import pytest

from conftest import FLUX_ACCOUNT, USAGE, dump_db, execute
from fluxacct_testutil import nobody_can_run

pytestmark = pytest.mark.skipif(
    not nobody_can_run(FLUX_ACCOUNT),
    reason="needs root, setpriv and a build tree other users can reach")

READ = [["list-banks"], ["view-bank", "root"], ["view-bank", "root", "-t"],
        ["view-bank", "A", "-u"], ["print-hierarchy"], ["list-users"],
        ["view-user", "alice"], ["view-user", "alice", "-J"],
        ["list-queues"], ["view-queue", "batch"], ["list-projects"],
        ["view-project", "*"], ["list-factors"], ["view-factor", "bank"],
        ["list-configs"], ["view-config", "decay_factor"],
        ["view-job-records"], ["view-usage-report"], ["show-usage", "banks"],
        ["shares"], ["explain-fairshare", "alice"], ["export-json"],
        ["bank-info", "-u", "alice"], ["allocation-report"]]
WRITE = [["add-bank", "--parent-bank", "root", "x", "1"],
         ["edit-bank", "A", "--shares", "2"], ["delete-bank", "A"],
         ["add-user", "-u", "bob", "-B", "A"], ["delete-user", "alice", "A"],
         ["edit-user", "alice", "--shares", "3"],
         ["edit-all-users", "--shares", "3"],
         ["add-queue", "q"], ["edit-queue", "batch", "--priority", "2"],
         ["delete-queue", "batch"], ["add-project", "p"],
         ["delete-project", "p0"], ["edit-factor", "--factor", "bank",
                                    "--weight", "3"], ["reset-factors"],
         ["add-config", "k=v"], ["edit-config", "decay_factor=0.3"],
         ["delete-config", "site"], ["import-jobs", "/dev/null"],
         ["fetch-job-records", "--copy", "/dev/null"],
         ["scrub-old-jobs", "--force", "0"], ["update-usage"],
         ["clear-usage", "A"], ["update-fshare"],
         ["pop-db", "-c", "/dev/null/bank_table.csv"], ["update-db"],
         ["sync-userids"]]
# commands that do not open the accounting database as a reader or writer
# priority-update talks to a running Flux instance (none here: it fails
# the same way for everyone)
# export-db reads the database but writes files into a directory of the
# caller's: tested below
# jobs reads the running instance only, never the database
NO_DB = {"create-db", "fairshare-emulate", "priority-update", "export-db",
         "jobs"}


@pytest.fixture(scope="module")
def shared_db():
    d = tempfile.mkdtemp(prefix="fluxacct-perm-")
    os.chmod(d, 0o755)
    path = os.path.join(d, "FluxAccounting.db")
    for args in (["create-db", path],
                 ["-p", path, "add-bank", "root", "1"],
                 ["-p", path, "add-bank", "--parent-bank", "root", "A", "1",
                  "--allocation", "10h"],
                 ["-p", path, "add-user", "-u", "alice", "-B", "A"],
                 ["-p", path, "add-queue", "batch"],
                 ["-p", path, "add-project", "p0"],
                 ["-p", path, "add-config", "site=x"]):
        code, out, err = execute(args)
        assert code == 0, err
    yield path
    shutil.rmtree(d)


def as_nobody(*args):
    p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                        "--clear-groups", FLUX_ACCOUNT, *args],
                       capture_output=True, stdin=subprocess.DEVNULL,
                       env={"PATH": os.environ.get("PATH", ""), "TZ": "UTC"})
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def test_created_0644(shared_db):
    assert stat.S_IMODE(os.stat(shared_db).st_mode) == 0o644
    for suffix in ("-wal", "-shm"):
        if os.path.exists(shared_db + suffix):
            assert stat.S_IMODE(os.stat(shared_db + suffix).st_mode) == 0o644


def test_mode_option(tmp_path):
    path = tmp_path / "m.db"
    assert execute(["create-db", "--mode", "0640", path])[0] == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


@pytest.mark.parametrize("args", READ, ids=lambda a: " ".join(a))
def test_read_commands_work_for_anyone(shared_db, args):
    code, out, err = as_nobody("-p", shared_db, *args)
    assert code == 0, err
    assert err == ""


@pytest.mark.parametrize("args", WRITE, ids=lambda a: " ".join(a))
def test_write_commands_refused_cleanly(shared_db, args):
    before = dump_db(shared_db)
    code, out, err = as_nobody("-p", shared_db, *args)
    assert code == USAGE
    assert out == ""
    assert err == (f"flux-account: ERROR: the accounting database {shared_db}"
                   " is read-only for you; run this as its owner\n")
    assert dump_db(shared_db) == before


def test_readers_see_latest_writes(shared_db):
    assert execute(["-p", shared_db, "add-bank", "--parent-bank", "root",
                    "late", "1"])[0] == 0
    code, out, err = as_nobody("-p", shared_db, "list-banks", "-o", "{bank}")
    assert code == 0 and "late" in out.split()


def test_every_subcommand_classified():
    """A new subcommand must be added to READ, WRITE or NO_DB here."""
    code, out, err = execute(["--help"])
    subs = []
    listing = False
    for line in out.splitlines():
        if line.startswith("Subcommands:"):
            listing = True
        elif listing and line.startswith("  ") and line.strip():
            subs.append(line.split()[0])
    known = {a[0] for a in READ} | {a[0] for a in WRITE} | NO_DB
    assert sorted(set(subs) - known) == []


def test_create_db_where_not_allowed():
    d = tempfile.mkdtemp(prefix="fluxacct-perm-")
    os.chmod(d, 0o755)
    try:
        code, out, err = as_nobody("create-db", os.path.join(d, "x.db"))
        assert code != 0 and out == ""
        assert err.startswith("flux-account: ERROR: ") and "x.db" in err
        assert not os.path.exists(os.path.join(d, "x.db"))
    finally:
        shutil.rmtree(d)


def test_export_db_by_anyone(shared_db):
    d = tempfile.mkdtemp(prefix="fluxacct-export-")
    os.chmod(d, 0o777)
    try:
        code, out, err = as_nobody("-p", shared_db, "export-db", "-d", d)
        assert code == 0, err
        assert os.path.exists(os.path.join(d, "association_table.csv"))
    finally:
        shutil.rmtree(d)
