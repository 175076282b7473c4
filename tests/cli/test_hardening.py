"""Hardening (issue 12): each reproducer of the issue, as a test.

Every input is bounded and checked where it enters; every reader is
served whatever the file holds; pop-db applies the rules of add-*/edit-*.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile

import pytest

from conftest import FAIL, FLUX_ACCOUNT, USAGE, execute, parsable, query
from fluxacct_testutil import nobody_can_run

DEPTH_MAX = 100


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return str(path)


BANK_HDR = "bank_id,bank,active,parent_bank,shares,job_usage,priority," \
           "ignore_older_than\n"


def chain_csv(path, n, start=2):
    """A bank_table.csv: c1 under root, c2 under c1, ... cN."""
    rows, p = [], "root"
    for i in range(1, n + 1):
        rows.append(f"{i + start - 1},c{i},1,{p},1,0,0,0\n")
        p = f"c{i}"
    return write(path / "bank_table.csv", BANK_HDR + "".join(rows))


def raw_chain(db, n):
    """A chain of n banks written straight into the file, past every
    writer's check (as an old or hand-edited database could hold)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO bank_table (bank, parent_bank, shares) "
                     "VALUES ('root', '', 1)")
        p = "root"
        for i in range(1, n + 1):
            conn.execute("INSERT INTO bank_table (bank, parent_bank, shares) "
                         "VALUES (?, ?, 1)", (f"c{i}", p))
            p = f"c{i}"
    conn.close()


# ---- 1. deep bank trees ------------------------------------------------

def test_deep_chain_from_pop_db_is_refused(run, fails, tmp_path):
    run("add-bank", "root", "1")
    csv = chain_csv(tmp_path, 5000)
    fails("pop-db", "-c", csv, match=["levels", "limit is 100"])


def test_chain_at_the_limit_prints(run, tmp_path):
    run("add-bank", "root", "1")
    run("pop-db", "-c", chain_csv(tmp_path, DEPTH_MAX - 1))
    _, out, _ = run("print-hierarchy")
    assert len(out.splitlines()) == DEPTH_MAX + 1
    _, out, _ = run("print-hierarchy", "-P")
    lines = out.splitlines()
    assert lines[-1] == " " * (DEPTH_MAX - 1) + f"c{DEPTH_MAX - 1}||true|1|0.0"
    run("view-bank", "root", "-t")


def test_add_and_move_past_the_depth_limit(run, fails, tmp_path):
    run("add-bank", "root", "1")
    run("pop-db", "-c", chain_csv(tmp_path, DEPTH_MAX - 1))
    fails("add-bank", "--parent-bank", f"c{DEPTH_MAX - 1}", "x", "1",
          rc=USAGE, match="limit is 100 levels")
    run("add-bank", "--parent-bank", "root", "side", "1")
    run("add-bank", "--parent-bank", "side", "leaf", "1")
    fails("edit-bank", "side", "--parent-bank", f"c{DEPTH_MAX - 2}",
          rc=USAGE, match="limit is 100 levels")


def test_readers_walk_any_tree_without_recursion(db, run):
    """A 5000-deep chain already in the file: every reader still works."""
    raw_chain(db, 5000)
    for args in (["print-hierarchy"], ["view-bank", "root", "-t"],
                 ["view-bank", "c4000", "-t"], ["list-banks"]):
        code, out, err = run(*args, ok=None)
        assert code == 0, f"{args}: exit {code}: {err}"
    _, out, _ = run("print-hierarchy", "-P")
    assert len(out.splitlines()) == 5002
    # the fair-share tree, the roll-up and the export walk it too: each
    # works, or refuses the tree by the depth limit, never crashes
    for args in (["export-json"], ["export-db", "-d", db + ".csv"],
                 ["update-fshare"], ["update-usage"]):
        code, out, err = run(*args, ok=None)
        assert code == 0 or (code > 0 and "limit is 100" in err), \
            f"{args}: exit {code}: {err}"


# ---- 2. half-life and reset period --------------------------------------

def config(db, key):
    return query(db, "SELECT value FROM config_table WHERE key=?", (key,))[0][0]


def test_bare_number_is_weeks_everywhere(db, run, tmp_path):
    run("edit-config", "priority_decay_half_life=2")
    assert float(config(db, "priority_decay_half_life")) == 2 * 604800
    run("update-usage", "--priority-decay-half-life=1")
    assert float(config(db, "priority_decay_half_life")) == 604800
    run("edit-config", "priority_usage_reset_period=8")
    assert float(config(db, "priority_usage_reset_period")) == 8 * 604800
    run("edit-config", "priority_decay_half_life=3d")
    assert float(config(db, "priority_decay_half_life")) == 3 * 86400
    other = str(tmp_path / "o.db")
    execute(["create-db", other, "--priority-decay-half-life=2"])
    assert float(config(other, "priority_decay_half_life")) == 2 * 604800


@pytest.mark.parametrize("kv,match", [
    ("priority_decay_half_life=0.5s", "from 60 s"),
    ("priority_decay_half_life=1e-300", "from 60 s"),
    ("priority_decay_half_life=100s", "24192 decay periods; the limit is 1000"),
    ("priority_usage_reset_period=1e11s", "100 years"),
    ("priority_usage_reset_period=1e300", "100 years"),
    ("priority_usage_reset_period=2000", "2000 decay periods"),
])
def test_period_bounds(fails, kv, match):
    fails("edit-config", kv, rc=USAGE, match=match)


def test_create_db_period_bounds(tmp_path):
    code, _, err = execute(["create-db", str(tmp_path / "x.db"),
                            "--priority-decay-half-life=10s"])
    assert code != 0 and "from 60 s" in err
    assert not os.path.exists(tmp_path / "x.db")


@pytest.mark.parametrize("value", ["inf", "nan", " 2", "0x10", "1e308"])
def test_bare_weeks_one_rule_everywhere(db, fails, tmp_path, value):
    """create-db, update-usage and edit-config read a bare number of weeks
    with one function: a non-finite, hex, space-led or overflowing number
    is refused by all three with the same message."""
    msg = "a bare number is weeks: finite, decimal, no spaces"
    before = config(db, "priority_decay_half_life")
    fails("edit-config", f"priority_decay_half_life={value}", rc=USAGE,
          match=msg)
    fails("update-usage", f"--priority-decay-half-life={value}", rc=USAGE,
          match=msg)
    assert config(db, "priority_decay_half_life") == before
    code, _, err = execute(["create-db", str(tmp_path / "w.db"),
                            f"--priority-decay-half-life={value}"])
    assert code == USAGE and msg in err
    assert not os.path.exists(tmp_path / "w.db")


# ---- 3. and 4. finite values, integer conversions -------------------------

JOB = {"id": 1, "userid": 1001, "t_submit": 100.0, "t_run": 100.0,
       "t_inactive": 200.0, "ranks": "0",
       "R": {"version": 1, "execution": {"R_lite": [
           {"rank": "0", "children": {"core": "0"}}]}},
       "jobspec": {"attributes": {"system": {"bank": "A"}}}}


def test_weight_bound_and_no_inf(run, fails, db, tree):
    fails("edit-config", "node_weight=1e308", rc=USAGE, match="1000000")
    fails("edit-config", "gpu_weight=inf", rc=USAGE)


def test_job_times_are_bounded(run, fails, tmp_path, tree):
    for t in (1e308, 1e13):
        job = dict(JOB, t_inactive=t)
        path = write(tmp_path / "j.jsonl", json.dumps(job) + "\n")
        err = fails("import-jobs", "--strict", path, rc=FAIL)
        assert "9999-12-31" in err


def test_ignore_older_than_is_range_checked(run, fails, tree):
    fails("edit-bank", "A", "--ignore-older-than=99999999999999999999",
          rc=USAGE)
    run("edit-bank", "A", "--ignore-older-than=1000")


def test_usage_overflow_is_refused_not_stored(db, run, tree):
    """A job record written behind the library's back with an infinite end
    time: update-usage refuses the sum instead of storing Inf."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO jobs (id, userid, t_submit, t_run, "
                     "t_inactive, ranks, R, jobspec, bank, nnodes, ncores, "
                     "ngpus, charge_bank, seq) VALUES ('f1', 1001, 1, 1, ?, "
                     "'0', '{}', '{}', 'A', 1, 1, 0, 'A', 1)",
                     (float("inf"),))
    conn.close()
    code, _, err = run("update-usage", ok=None)
    assert code != 0 and "1e300" in err, err
    rows = query(db, "SELECT job_usage FROM association_table")
    assert all(r[0] < 1e300 for r in rows)
    _, out, _ = run("view-user", "alice", "--json")
    json.loads(out)


# ---- 5. reads for everyone -------------------------------------------------

needs_root = pytest.mark.skipif(
    not nobody_can_run(FLUX_ACCOUNT) or not shutil.which("sqlite3"),
    reason="needs root, setpriv, a build tree other users can reach and "
           "the sqlite3 shell")


@needs_root
def test_non_owner_reads_after_the_sqlite3_shell():
    d = tempfile.mkdtemp(prefix="fluxacct-shell-")
    os.chmod(d, 0o755)
    path = os.path.join(d, "FluxAccounting.db")
    for args in (["create-db", path], ["-p", path, "add-bank", "root", "1"]):
        assert execute(args)[0] == 0
    subprocess.run(["sqlite3", path, "SELECT count(*) FROM bank_table;"],
                   check=True, capture_output=True)
    assert not os.path.exists(path + "-shm")
    for args in (["list-banks"], ["print-hierarchy"], ["export-json"],
                 ["view-config", "decay_factor"]):
        p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                            "--clear-groups", FLUX_ACCOUNT, "-p", path,
                            *args], capture_output=True, text=True)
        assert p.returncode == 0, f"{args}: {p.stderr}"
    # the owner can still write afterwards
    assert execute(["-p", path, "add-bank", "--parent-bank", "root", "A",
                    "1"])[0] == 0
    shutil.rmtree(d)


def in_mount_namespace(script):
    """Run `sh -c script` in a private mount namespace: as root directly,
    otherwise as the root of a new user namespace.  Returns the completed
    process, or None and why the kernel refused."""
    if not shutil.which("unshare"):
        return None, "no unshare(1)"
    cmd = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        cmd[1:1] = ["--user", "--map-root-user"]
    probe = subprocess.run(cmd + ["true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return None, "unshare refused: " + probe.stderr.strip()
    return subprocess.run(cmd + ["sh", "-c", script], capture_output=True,
                          text=True), None


READS = [["list-banks"], ["print-hierarchy"], ["print-hierarchy", "-P"],
         ["view-bank", "root", "-t"], ["list-users", "--json"],
         ["view-user", "alice"], ["export-json"], ["list-queues"],
         ["view-config", "decay_factor"], ["list-factors"]]


@pytest.mark.parametrize("state", ["after-sqlite3-shell", "wal-and-shm"])
def test_reads_on_a_read_only_file_system(state):
    """Issue 12 #5: every read works on a database on a read-only file
    system, for its owner and (as root, with setpriv) for other users,
    whether the -wal/-shm files are there or the owner's sqlite3 shell
    removed them; a write fails saying the file system is read-only."""
    d = tempfile.mkdtemp(prefix="fluxacct-rofs-")
    try:
        os.chmod(d, 0o755)
        src, mnt = os.path.join(d, "src"), os.path.join(d, "mnt")
        os.mkdir(src, 0o755)
        os.mkdir(mnt, 0o755)
        path = os.path.join(src, "f.db")
        for args in (["create-db", path], ["add-bank", "root", "1"],
                     ["add-bank", "--parent-bank", "root", "A", "1"],
                     ["add-user", "-u", "alice", "-B", "A"],
                     ["add-queue", "q1"]):
            assert execute(args if args[0] == "create-db"
                           else ["-p", path] + args)[0] == 0, args
        expect = [execute(["-p", path] + r) for r in READS]
        assert all(e[0] == 0 for e in expect)
        if state == "after-sqlite3-shell":
            if shutil.which("sqlite3"):
                subprocess.run(["sqlite3", path,
                                "SELECT count(*) FROM bank_table;"],
                               check=True, capture_output=True)
            else:   # the same on close: the last connection removes them
                conn = sqlite3.connect(path)
                conn.execute("SELECT count(*) FROM bank_table").fetchall()
                conn.close()
            assert not os.path.exists(path + "-shm")
            assert not os.path.exists(path + "-wal")
        else:
            assert os.path.exists(path + "-shm")
        users = [[]]
        if os.geteuid() == 0 and nobody_can_run(FLUX_ACCOUNT):
            users.append(["setpriv", "--reuid=nobody", "--regid=nogroup",
                          "--clear-groups"])
        lines = [f"mount --bind {src} {mnt} && "
                 f"mount -o remount,bind,ro {mnt} || exit 97",
                 f"touch {mnt}/probe 2>/dev/null && exit 98"]
        ro = os.path.join(mnt, "f.db")
        for u, who in enumerate(users):
            for i, r in enumerate(READS):
                argv = " ".join(who + [FLUX_ACCOUNT, "-p", ro]
                                + [f"'{x}'" for x in r])
                lines.append(f"{argv} > {d}/out-{u}-{i} 2>&1; "
                             f"echo $? > {d}/rc-{u}-{i}")
        lines.append(f"{FLUX_ACCOUNT} -p {ro} add-bank --parent-bank root B 1"
                     f" > {d}/write 2>&1; echo $? >> {d}/write")
        p, why = in_mount_namespace("\n".join(lines))
        if p is None:
            pytest.skip(why)
        assert p.returncode == 0, (p.returncode, p.stderr)
        for u in range(len(users)):
            for i, r in enumerate(READS):
                with open(f"{d}/rc-{u}-{i}") as f:
                    rc = int(f.read())
                with open(f"{d}/out-{u}-{i}") as f:
                    out = f.read()
                assert rc == 0, (users[u], r, out)
                assert out == expect[i][1], (users[u], r)
        with open(f"{d}/write") as f:
            out = f.read()
        assert out.endswith("\n2\n") and "read-only file system" in out, out
        assert not os.path.exists(path + "-journal")
    finally:
        shutil.rmtree(d)


def test_fifo_is_not_a_database(tmp_path):
    fifo = str(tmp_path / "fifo")
    os.mkfifo(fifo)
    code, _, err = execute(["-p", fifo, "list-banks"], timeout=20)
    assert code != 0 and "not a regular file" in err


# ---- 6. and 8. names ----------------------------------------------------

@pytest.mark.parametrize("name,match", [
    ("\udcff", "UTF-8"),
    ("x|y", "'|'"),
    ("a\x1b[31mb", "control character"),
    ("b" * 300, "longer than 255"),
])
def test_bad_names_everywhere(run, fails, name, match):
    run("add-bank", "root", "1")
    arg = name  # "\udcff" reaches the command as the byte 0xff
    fails("add-bank", "--parent-bank", "root", arg, rc=USAGE, match=match)
    run("add-bank", "--parent-bank", "root", "A", "1")
    fails("add-user", "-u", arg, "-B", "A", rc=USAGE, match=match)
    fails("add-queue", arg, rc=USAGE, match=match)
    fails("add-project", arg, rc=USAGE, match=match)


def test_error_messages_escape_control_characters(run):
    run("add-bank", "root", "1")
    code, out, err = run("view-bank", "no\x1b[2Jpe", ok=False)
    assert "\x1b" not in err and "\\x1b" in err


def test_list_users_json_is_valid_utf8(run):
    run("add-bank", "root", "1")
    run("add-bank", "--parent-bank", "root", "bänk", "1")
    run("add-user", "-u", "zoë", "-B", "bänk")
    _, out, _ = run("list-users", "--json")
    json.loads(out)
    _, out, _ = run("list-users", "--parsable")
    rows = parsable(out)
    assert rows[0]["username"] == "zoë"


def test_json_is_valid_utf8_whatever_the_file_holds(db, run):
    """Issue 12 #6: a name that is not UTF-8, written behind the library's
    back (a hand-edited file), does not make --json output invalid UTF-8:
    the bad byte is U+FFFD; export-json says what is wrong."""
    run("add-bank", "root", "1")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO bank_table (bank, parent_bank, shares) "
                     "VALUES (CAST(x'62ff' AS TEXT), 'root', 1)")
        conn.execute("INSERT INTO association_table (creation_time, "
                     "mod_time, username, userid, bank, default_bank) VALUES "
                     "(0, 0, CAST(x'75ff' AS TEXT), 5, CAST(x'62ff' AS TEXT),"
                     " CAST(x'62ff' AS TEXT))")
    conn.close()
    for args, key, name in ((["list-banks", "--json"], "bank", "b\ufffd"),
                            (["list-users", "--json"], "username",
                             "u\ufffd")):
        p = subprocess.run([FLUX_ACCOUNT, "-p", db, *args],
                           capture_output=True)
        assert p.returncode == 0, p.stderr
        rows = json.loads(p.stdout.decode("utf-8"))   # strict: must decode
        assert name in [r[key] for r in rows]
    code, _, err = run("export-json", ok=None)
    assert code == 0 or "not UTF-8" in err, err


# ---- 7. pop-db applies the rules of add-* ---------------------------------

ASSOC_HDR = "creation_time,mod_time,active,username,userid,bank," \
            "default_bank,shares,job_usage,fairshare,max_running_jobs," \
            "max_active_jobs,max_nodes,max_cores,queues,projects," \
            "default_project,max_sched_jobs\n"


@pytest.mark.parametrize("rows,match", [
    ("2,a,1,b,1,0,0,0\n3,b,1,a,1,0,0,0\n", "cycle"),
    ("2,a,1,a,1,0,0,0\n", "own parent"),
    ("2,a,1,root,-5,0,0,0\n", "bank_table.shares"),
    ("2,a,1,root,1,0,1e999,0\n", "bank_table.priority"),
    ("2,a,1,root,1,0,0,99999999999999999999\n", "ignore_older_than"),
    ("2,\"a\nb\",1,root,1,0,0,0\n", "control character"),
    ("2,\"a,b\",1,root,1,0,0,0\n", "comma"),
    ("2,BIG,1,root,1,0,0,0\n", "longer than 255"),
])
def test_pop_db_bank_rules(run, fails, tmp_path, rows, match):
    rows = rows.replace("BIG", "x" * (1 << 20))    # a 1 MB name
    run("add-bank", "root", "1")
    csv = write(tmp_path / "bank_table.csv", BANK_HDR + rows)
    fails("pop-db", "-c", csv, match=match)


@pytest.mark.parametrize("field,value,match", [
    ("shares", "-3", "association_table.shares"),
    ("max_running_jobs", "-7", "max_running_jobs"),
    ("userid", "99999999999", "association_table.userid"),
    ("username", "x|y", "'|'"),
    ("fairshare", "nan", "fairshare"),
    ("job_usage", "1e999", "job_usage"),
])
def test_pop_db_association_rules(run, fails, tmp_path, field, value, match):
    run("add-bank", "root", "1")
    run("add-bank", "--parent-bank", "root", "A", "1")
    vals = {"creation_time": "0", "mod_time": "0", "active": "1",
            "username": "u", "userid": "1001", "bank": "A",
            "default_bank": "A", "shares": "1", "job_usage": "0",
            "fairshare": "0.5", "max_running_jobs": "5",
            "max_active_jobs": "7", "max_nodes": "1", "max_cores": "1",
            "queues": "", "projects": "*", "default_project": "*",
            "max_sched_jobs": "1"}
    vals[field] = value
    cols = ASSOC_HDR.strip().split(",")
    csv = write(tmp_path / "association_table.csv",
                ASSOC_HDR + ",".join(vals[c] for c in cols) + "\n")
    fails("pop-db", "-c", csv, match=match)


def test_pop_db_refuses_invalid_utf8(run, fails, tmp_path):
    """Issue 12 #6: a bank named by the byte 0xff, from pop-db as from
    add-bank, is refused; export-json and the plugin's data then work."""
    run("add-bank", "root", "1")
    path = tmp_path / "bank_table.csv"
    path.write_bytes(BANK_HDR.encode() + b"2,b\xff,1,root,1,0,0,0\n")
    fails("pop-db", "-c", str(path), match="bank_table.bank is not valid UTF-8")
    run("export-json")


def test_corrupt_database_message(db, run, tmp_path):
    """Issue 12 #9: SQLite's "database disk image is malformed" reaches
    the user as what it means and what to do."""
    run("add-bank", "root", "1")
    conn = sqlite3.connect(db)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                        "'bank_table'").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * page + 8)
        f.write(b"\xff" * 40)
    for args in (["list-banks"], ["print-hierarchy"]):
        code, _, err = run(*args, ok=None)
        assert code != 0 and "malformed" not in err, err
        assert "is corrupt or not a database" in err, err


def test_pop_db_job_time_rule(run, fails, tmp_path):
    csv = write(tmp_path / "jobs.csv",
                "id,userid,t_submit,t_run,t_inactive,ranks,R,jobspec\n"
                "f1,1001,1,1,1e308,0,{},{}\n")
    fails("pop-db", "-c", csv, match="jobs.t_inactive")


# ---- 9. the smaller ones ----------------------------------------------------

def test_format_widths_are_bounded(run, fails):
    run("add-bank", "root", "1")
    fails("list-banks", "-o", "{bank:>2147483647}", rc=USAGE,
          match="at most 1024")
    fails("list-banks", "-o", "{bank:.99999999999}", rc=USAGE,
          match="at most 1024")
    _, out, _ = run("list-banks", "-o", "{bank:>10}")
    assert out.splitlines()[1] == "      root"


def test_job_records_format_widths_are_bounded(run, fails):
    """The issue's own reproducer: view-job-records had a format parser of
    its own, with widths unbounded (4 GB of spaces per job)."""
    run("add-bank", "root", "1")
    fails("view-job-records", "-o", "{jobid:>2147483647}", rc=USAGE,
          match="at most 1024")
    fails("view-job-records", "-o", "{jobid:>5", rc=USAGE,
          match="invalid format string")
    _, out, _ = run("view-job-records", "-o", "[{jobid:>7}] {{x}}")
    assert out.splitlines() == ["[  jobid] {x}"]


def test_constraint_messages_are_translated(run, fails, tmp_path,
                                            monkeypatch):
    """Issue 12 #9: SQLite's NOT NULL and UNIQUE texts never reach users."""
    monkeypatch.chdir(tmp_path)     # short paths: the whole message fits
    write(tmp_path / "priority_factor_weight_table.csv", "factor\nnewf\n")
    err = fails("pop-db", "-c", "priority_factor_weight_table.csv",
                match="weight must have a value")
    assert "constraint" not in err
    write(tmp_path / "project_table.csv", "project_id,project\n1,x\n")
    err = fails("pop-db", "-c", "project_table.csv", match="already exists")
    assert "constraint" not in err


def test_disk_full_is_translated_and_harmless():
    """Issue 12 #9: writes on a full file system fail with "disk full", not
    SQLite's "disk I/O error", and the database stays whole."""
    d = tempfile.mkdtemp(prefix="fluxacct-full-")
    try:
        mnt = os.path.join(d, "mnt")
        os.mkdir(mnt)
        db = os.path.join(mnt, "f.db")
        long = "q" * 240
        script = "\n".join([
            f"mount -t tmpfs -o size=320k tmpfs {mnt} || exit 97",
            f"{FLUX_ACCOUNT} create-db {db} || exit 96",
            "i=0",
            "while [ $i -lt 2000 ]; do i=$((i+1))",
            f"  {FLUX_ACCOUNT} -p {db} add-queue q${{i}}{long} 2> {d}/err "
            "|| break",
            "done",
            f"echo $i > {d}/count",
            f"{FLUX_ACCOUNT} -p {db} list-queues -o '{{queue}}' > {d}/after "
            f"2>&1; echo $? >> {d}/after",
            f"/usr/bin/python3 -c \"import sqlite3; print(sqlite3.connect("
            f"'{db}').execute('PRAGMA integrity_check').fetchone()[0])\" "
            f"> {d}/check 2>&1"])
        p, why = in_mount_namespace(script)
        if p is None:
            pytest.skip(why)
        assert p.returncode == 0, (p.returncode, p.stderr)
        with open(f"{d}/count") as f:
            count = int(f.read())
        with open(f"{d}/err") as f:
            err = f.read()
        assert 1 < count < 2000, count   # some fitted, then it filled
        assert "disk full" in err and "I/O error" not in err, err
        with open(f"{d}/after") as f:
            after = f.read().splitlines()
        assert after[-1] == "0" and len(after) == count + 1   # header, rows
        with open(f"{d}/check") as f:
            assert f.read().strip() == "ok"
    finally:
        shutil.rmtree(d)


def test_import_jobs_bounds_line_length(run, fails):
    fails("import-jobs", "/dev/zero", rc=FAIL, match="longer than 64 MiB")


def test_unique_constraint_is_translated(run, fails):
    code, out, err = run("add-config", "decay_factor=0.2", ok=False)
    assert "UNIQUE constraint" not in err and "already exists" in err


@pytest.mark.skipif(not nobody_can_run(FLUX_ACCOUNT),
                    reason="needs root, setpriv and a build tree other users "
                           "can reach")
def test_create_db_in_unwritable_directory_is_exit_2():
    d = tempfile.mkdtemp(prefix="fluxacct-ro-")
    os.chmod(d, 0o755)
    for target in ("x.db", "sub/x.db"):
        p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                            "--clear-groups", FLUX_ACCOUNT, "create-db",
                            os.path.join(d, target)],
                           capture_output=True, text=True)
        assert p.returncode == USAGE, p.stderr
        assert "Permission denied" in p.stderr
    shutil.rmtree(d)


def test_export_db_on_a_full_disk_leaves_nothing(run, tree, tmp_path):
    """export-db into a tiny file system: it fails, and no CSV file (nor a
    temporary one) is left behind."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs", str(mnt)],
            capture_output=True).returncode != 0:
        pytest.skip("needs root and a tmpfs mount")
    try:
        for i in range(40):
            run("add-queue", f"queue{i:04d}" + "q" * 200)
        code, out, err = run("export-db", "-d", str(mnt), ok=None)
        assert code != 0, "the export fit: make the file system smaller"
        assert os.listdir(mnt) == []
    finally:
        subprocess.run(["umount", str(mnt)])
