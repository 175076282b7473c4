"""flux-account update-db: the flux-accounting corpus, idempotence, refusals,
crash safety (kill -9), and a migrated database in daily use."""
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import (GEN_NOW, corpus_files, dump_sha, ok, query, run, sha,
                      tables, FLUX_ACCOUNT)

UNLIMITED = 2147483647
SCHEMA = 1003  # FLUXACCT_SCHEMA_VERSION


def old_associations(path):
    """The association rows as the old release meant them: the columns a
    release lacks take the meaning update-db documents."""
    cols = {r[1] for r in query(path, "PRAGMA table_info(association_table)")}

    def pick(*names, default):
        for n in names:
            if n.startswith("NOT "):
                if n[4:] in cols:
                    return n
            elif n in cols:
                return n
        return default
    sql = ("SELECT username, bank, userid, default_bank, shares, job_usage, "
           "fairshare, {rj}, {aj}, {active}, {queues}, {mn}, {mc}, {pr}, "
           "{dp}, {ms}, creation_time FROM association_table ORDER BY rowid"
           ).format(rj=pick("max_running_jobs", "max_jobs", default="5"),
                    aj=pick("max_active_jobs", "max_jobs", default="7"),
                    active=pick("active", "NOT deleted", default="1"),
                    queues=pick("queues", "qos", default="''"),
                    mn=pick("max_nodes", default=str(UNLIMITED)),
                    mc=pick("max_cores", default=str(UNLIMITED)),
                    pr=pick("projects", default="'*'"),
                    dp=pick("default_project", default="'*'"),
                    ms=pick("max_sched_jobs", default=str(UNLIMITED)))
    keys = ["username", "bank", "userid", "default_bank", "shares",
            "job_usage", "fairshare", "max_running_jobs", "max_active_jobs",
            "active", "queues", "max_nodes", "max_cores", "projects",
            "default_project", "max_sched_jobs", "creation_time"]
    return [dict(zip(keys, r)) for r in query(path, sql)]


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_file_migrates(name, corpus_copy, tmp_path):
    db = corpus_copy(name)
    orig = corpus_copy(name, "orig.db")
    before = old_associations(db)
    banks = sorted(r[0] for r in query(db, "SELECT bank FROM bank_table"))
    version = query(db, "PRAGMA user_version")[0][0]

    p = ok("update-db", db=db)
    assert f"migrated from flux-accounting schema {version}" in p.stderr
    assert sha(f"{db}.backup") == sha(orig)
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert query(db, "PRAGMA application_id")[0][0] == 0x46584143
    assert query(db, "PRAGMA user_version")[0][0] == SCHEMA

    # every association reads back with the same shares, limits and usage
    for a in before:
        rows = json.loads(ok("view-user", a["username"], "-j", db=db).stdout)
        row = [r for r in rows if r["bank"] == a["bank"]]
        assert len(row) == 1, (a, rows)
        for k, v in a.items():
            assert row[0][k] == v, (name, k, row[0][k], v)
    if not before:
        assert json.loads(ok("list-users", "-j", db=db).stdout) == []
    listed = json.loads(ok("list-banks", "--inactive", "-j", db=db).stdout)
    assert sorted(b["bank"] for b in listed) == banks

    # a second run: nothing to do, and the file is not touched
    h = sha(db)
    p = ok("update-db", db=db)
    assert "up to date" in p.stderr and "nothing changed" in p.stderr
    assert sha(db) == h


def test_corpus_is_complete():
    assert len(corpus_files()) == 26


@pytest.mark.parametrize("name", ["FluxAccountingv0-10-0.db",
                                  "FluxAccountingv0-60-0.db"])
def test_other_commands_refuse_old_database(name, corpus_copy, tmp_path):
    db = corpus_copy(name)
    h = sha(db)
    (tmp_path / "bank_table.csv").write_text("bank,parent_bank,shares\nX,root,1\n")
    for args in (["list-users"], ["view-user", "testuser"],
                 ["add-bank", "--parent-bank", "root", "X", "1"],
                 ["edit-user", "testuser", "--shares", "5"],
                 ["update-usage"], ["export-db", "-d", tmp_path / "out"],
                 ["pop-db", "-c", tmp_path / "bank_table.csv"]):
        p = run(*args, db=db)
        assert p.returncode != 0, args
        assert "update-db" in p.stderr, (args, p.stderr)
        assert sha(db) == h, args
    assert not (tmp_path / "out").exists()


def test_current_database_is_left_alone(tmp_path):
    db = tmp_path / "new.db"
    ok("create-db", db)
    h = sha(db)
    p = ok("update-db", db=db)
    assert "up to date" in p.stderr
    assert sha(db) == h
    assert not os.path.exists(f"{db}.backup")


ALLOCATION_COLUMNS = ("allocation", "allocation_start", "allocation_period",
                      "allocation_used", "allocation_window")


def as_schema_1002(db):
    """Turn a current database back into libfluxacct schema 1002: no bank
    allocation columns, no allocation config keys."""
    con = sqlite3.connect(str(db))
    con.executescript("".join(f"ALTER TABLE bank_table DROP COLUMN {c};"
                              for c in ALLOCATION_COLUMNS)
                      + "DELETE FROM config_table WHERE key IN "
                        "('allocation_enforcement', "
                        "'allocation_default_time_limit');"
                        "PRAGMA user_version=1002;")
    con.close()


def as_schema_1001(db):
    """Turn a current database back into libfluxacct schema 1001: the index
    on seq alone instead of the covering index for update-usage, and no
    association_table.max_wall_pj."""
    as_schema_1002(db)
    con = sqlite3.connect(str(db))
    con.executescript("DROP INDEX jobs_usage_idx;"
                      "ALTER TABLE association_table DROP COLUMN max_wall_pj;"
                      "CREATE INDEX jobs_seq_idx ON jobs (seq);"
                      "PRAGMA user_version=1001;")
    con.close()


def jobs_indexes(db):
    return sorted(r[0] for r in query(db, "SELECT name FROM sqlite_master "
                                          "WHERE type = 'index' AND tbl_name"
                                          " = 'jobs' AND sql IS NOT NULL"))


def test_own_schema_1001_is_upgraded(tmp_path):
    db = tmp_path / "old.db"
    ok("create-db", db)
    ok("add-bank", "root", "1", db=db)
    ok("add-bank", "A", "1", "--parent-bank", "root", db=db)
    ok("add-user", "--username", "u1", "--userid", "5001", "--bank", "A",
       db=db)
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("".join(
        json.dumps({"id": 1000 + i, "userid": 5001, "t_submit": 100.0 + i,
                    "t_run": 200.0 + i, "t_inactive": 500.0 + i,
                    "ranks": "0", "R": {"version": 1, "execution": {
                        "R_lite": [{"rank": "0", "children": {"core": "0"}}],
                        "starttime": 200.0, "expiration": 900.0}},
                    "jobspec": {"version": 1, "resources": [
                        {"type": "node", "count": 1, "with": [
                            {"type": "slot", "count": 1, "label": "task",
                             "with": [{"type": "core", "count": 1}]}]}],
                        "tasks": [], "attributes": {"system": {
                            "duration": 60, "bank": "A"}}}}) + "\n"
        for i in range(3)))
    ok("import-jobs", str(jobs), db=db)
    as_schema_1001(db)
    rows = query(db, "SELECT * FROM jobs ORDER BY seq")

    # other commands refuse it and say what to run
    p = run("list-banks", db=db, check=1)
    assert "older than 1003: run flux-account update-db" in p.stderr

    h = sha(db)
    p = ok("update-db", "--dry-run", db=db)
    assert "would be upgraded from libfluxacct schema 1001 to 1003" in p.stderr
    assert sha(db) == h

    p = ok("update-db", db=db)
    assert "upgraded from libfluxacct schema 1001 to 1003" in p.stderr
    assert "3 job records" in p.stderr
    assert os.path.exists(f"{db}.backup")
    assert query(db, "PRAGMA user_version")[0][0] == SCHEMA
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert jobs_indexes(db) == ["jobs_inactive_idx", "jobs_usage_idx",
                                "jobs_userid_idx"]
    assert query(db, "SELECT * FROM jobs ORDER BY seq") == rows
    # update-usage charges from the index alone
    plan = query(db, "EXPLAIN QUERY PLAN SELECT userid, charge_bank, t_run, "
                     "t_inactive, nnodes, ncores, ngpus FROM jobs WHERE seq "
                     "> 0 ORDER BY seq")
    assert "COVERING INDEX jobs_usage_idx" in plan[0][-1]
    ok("update-usage", "-t", "1000", db=db)
    usage = query(db, "SELECT job_usage FROM association_table")[0][0]
    assert usage > 0
    p = ok("update-db", db=db)
    assert "up to date" in p.stderr


def test_unknown_own_schema_refused(tmp_path):
    db = tmp_path / "odd.db"
    ok("create-db", db)
    con = sqlite3.connect(str(db))
    con.execute("PRAGMA user_version=1000")
    con.close()
    h = sha(db)
    p = run("update-db", db=db, check=1)
    assert "schema version 1000, which no release wrote" in p.stderr
    assert sha(db) == h


def test_dry_run(corpus_copy, tmp_path):
    db = corpus_copy("FluxAccountingv0-60-0.db")
    h = sha(db)
    p = ok("update-db", "--dry-run", db=db)
    assert "would be migrated" in p.stderr
    assert sha(db) == h
    assert not os.path.exists(f"{db}.backup")


def test_path_argument_and_quiet(corpus_copy, tmp_path):
    db = corpus_copy("FluxAccountingv0-45-0.db")
    p = ok("-q", "update-db", db)
    assert p.stderr == "" and p.stdout == ""
    assert query(db, "PRAGMA user_version")[0][0] == SCHEMA


def test_unwritable_backup_refused(corpus_copy, tmp_path):
    db = corpus_copy("FluxAccountingv0-60-0.db")
    h = sha(db)
    os.mkdir(f"{db}.backup")
    p = run("update-db", db=db, check=1)
    assert "cannot write the backup" in p.stderr
    assert "nothing was changed" in p.stderr
    assert sha(db) == h


def test_duplicate_bank_names_refused(corpus_copy):
    db = corpus_copy("FluxAccountingv0-56-0.db")
    c = sqlite3.connect(str(db))
    c.execute("INSERT INTO bank_table (bank, parent_bank, shares) VALUES "
              "('A', 'root', 2)")
    c.commit()
    c.close()
    h = sha(db)
    p = run("update-db", db=db, check=1)
    assert "bank names must be unique" in p.stderr
    assert "A (ids 2, 3)" in p.stderr
    assert "bank name 'A' is used by 2 banks" in p.stderr
    assert sha(db) == h
    assert not os.path.exists(f"{db}.backup")


def test_old_rows_breaking_the_rules_are_reported(corpus_copy):
    """Issue 12 #6/#7: update-db applies the rules of add-* to every old
    row; it reports each value that breaks one (table.column and the
    value) and keeps nothing of the run: the old file is untouched."""
    db = corpus_copy("FluxAccountingv0-56-0.db")
    c = sqlite3.connect(str(db))
    c.execute("INSERT INTO bank_table (bank, parent_bank, shares) VALUES "
              "(CAST(x'62ff' AS TEXT), 'root', 1)")
    c.execute("INSERT INTO bank_table (bank, parent_bank, shares) VALUES "
              "('x|y', 'root', -5)")
    c.commit()
    c.close()
    h = sha(db)
    p = run("update-db", db=db, check=1)
    assert "bank_table.bank is not valid UTF-8" in p.stderr, p.stderr
    assert "bank_table.bank contains '|'" in p.stderr
    assert "bank_table.shares must be an integer from 0" in p.stderr
    assert "3 values break the rules of add-* and edit-*" in p.stderr
    assert sha(db) == h


def test_not_a_database(tmp_path):
    f = tmp_path / "x.db"
    f.write_text("hello\n" * 200)
    p = run("update-db", db=f, check=1)
    assert "not an SQLite database" in p.stderr
    p = run("update-db", db=tmp_path / "missing.db", check=1)
    assert "No such file" in p.stderr


def test_migrated_database_in_daily_use(corpus_copy, tmp_path):
    db = corpus_copy("FluxAccountingv0-60-0.db")
    ok("update-db", db=db)
    ok("add-bank", "--parent-bank", "root", "B", "2", db=db)
    ok("add-user", "-u", "alice", "-B", "A", "-i", "5001", db=db)
    ok("add-user", "-u", "bob", "-B", "B", "-i", "5002", "--shares", "4", db=db)
    ok("edit-user", "testuser", "--max-running-jobs", "12", db=db)
    ok("add-queue", "batch", "--priority", "3", db=db)
    ok("edit-user", "alice", "--queues", "batch", db=db)
    ok("edit-config", "core_weight=0.5", db=db)
    users = json.loads(ok("list-users", "-j", db=db).stdout)
    assert sorted(u["username"] for u in users) == ["alice", "bob", "testuser"]
    t = json.loads(ok("view-user", "testuser", "-j", db=db).stdout)
    assert t[0]["max_running_jobs"] == 12
    assert ok("view-bank", "root", "-t", db=db).stdout.count("\n") >= 5

    now = int(time.time())
    R = {"version": 1, "execution": {"R_lite": [
        {"rank": "0-1", "children": {"core": "0-3"}}]}}
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("".join(json.dumps({
        "id": 1000 + i, "userid": 5001 + i % 2, "t_submit": now - 500,
        "t_run": now - 400, "t_inactive": now - 300, "R": R,
        "jobspec": {"attributes": {"system": {"bank": "A" if i % 2 == 0 else "B"}}}})
        + "\n" for i in range(4)))
    p = ok("import-jobs", jobs, db=db)
    assert "4 imported" in p.stderr
    ok("update-usage", "--time", now, db=db)
    alice = json.loads(ok("view-user", "alice", "-j", db=db).stdout)[0]
    # 2 jobs x (2 nodes x 1.0 + 8 cores x 0.5) x 100 s
    assert alice["job_usage"] == pytest.approx(1200.0)
    recs = json.loads(ok("view-job-records", "-u", "5001", "--json", db=db).stdout)
    assert sorted(r["id"] for r in recs) == ["1000", "1002"]
    ok("delete-user", "bob", "B", "--force", db=db)
    ok("export-db", "-d", tmp_path / "csv", db=db)
    assert (tmp_path / "csv" / "association_table.csv").exists()
    assert query(db, "PRAGMA integrity_check") == [("ok",)]


def expected_usage(old, migrated):
    """Per association: the stored flux-accounting usage plus what the
    records it had not charged add, decayed by period (E = its bin start)."""
    E = query(old, "SELECT end_half_life_period FROM t_half_life_period_table")[0][0]
    H, D, N = 604800.0, 0.5, 4
    charged = query(migrated, "SELECT value FROM usage_state_table WHERE "
                              "key = 'charged_seq'")[0][0]
    extra = {}
    for uid, bank, t_run, t_in, nn in query(
            migrated, "SELECT userid, charge_bank, t_run, t_inactive, nnodes "
                      "FROM jobs WHERE seq > ? AND nnodes IS NOT NULL AND "
                      "t_run > 0", (charged,)):
        k = -math.floor((t_in - E) / H)
        if 0 <= k < N:
            extra[(uid, bank)] = extra.get((uid, bank), 0) + D ** k * nn * (t_in - t_run)
    return {(u, b): ju + extra.get((uid, b), 0)
            for u, b, uid, ju in query(old, "SELECT username, bank, userid, "
                                            "job_usage FROM association_table")}


def test_generated_usage_survives(generated, tmp_path):
    src = generated(300, 20000)
    db = tmp_path / "g.db"
    shutil.copyfile(src, db)
    p = ok("update-db", db=db)
    assert "20000 job records" in p.stderr
    migrated = tmp_path / "migrated.db"
    shutil.copyfile(db, migrated)

    # records in rowid (= id) order within each pass; charged ones first
    charged = query(db, "SELECT value FROM usage_state_table WHERE key = "
                        "'charged_seq'")[0][0]
    ids = [int(i) for (i,) in query(db, "SELECT id FROM jobs ORDER BY seq")]
    assert ids[:charged] == sorted(ids[:charged])
    assert ids[charged:] == sorted(ids[charged:])
    assert 0 < charged < len(ids)
    # the stored usage is what view-user shows right after the migration
    for u, b, ju in query(src, "SELECT username, bank, job_usage FROM "
                               "association_table LIMIT 20"):
        rows = json.loads(ok("view-user", u, "-j", db=db).stdout)
        assert [r["job_usage"] for r in rows if r["bank"] == b] == [ju]

    ok("update-usage", "--time", GEN_NOW, db=db)
    want = expected_usage(src, migrated)
    got = {(u, b): ju for u, b, ju in query(db, "SELECT username, bank, "
                                                "job_usage FROM association_table")}
    assert got.keys() == want.keys()
    bad = [(k, got[k], want[k]) for k in got
           if abs(got[k] - want[k]) > 1e-9 * max(1.0, abs(want[k]))]
    assert not bad, bad[:5]
    # a second update-usage at the same time changes nothing
    before = tables(db)
    ok("update-usage", "--time", GEN_NOW, db=db)
    assert tables(db) == before


def test_kill9_leaves_old_or_new(generated, tmp_path):
    """kill -9 at random points of update-db, 20 times: the file is always
    the old database or the migrated one, never something in between."""
    src = generated(500, 40000)
    ref = tmp_path / "ref.db"
    shutil.copyfile(src, ref)
    old_hash = dump_sha(ref)
    t0 = time.monotonic()
    ok("-q", "update-db", db=ref)
    full = time.monotonic() - t0
    new_hash = dump_sha(ref)
    src_sha = sha(src)
    rng = random.Random(7)
    outcomes = {"old": 0, "new": 0}
    killed = 0
    victim = tmp_path / "victim.db"
    for i in range(20):
        for f in (victim, f"{victim}.backup", f"{victim}-journal", f"{victim}-wal",
                  f"{victim}-shm", f"{victim}.backup.tmp"):
            if os.path.exists(f):
                os.unlink(f)
        shutil.copyfile(src, victim)
        proc = subprocess.Popen([FLUX_ACCOUNT, "-q", "-p", str(victim), "update-db"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, full * 1.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        # the first reader rolls a hot journal back
        assert query(victim, "PRAGMA integrity_check") == [("ok",)], i
        h = dump_sha(victim)
        assert h in (old_hash, new_hash), f"try {i}: neither old nor new"
        outcomes["old" if h == old_hash else "new"] += 1
        if os.path.exists(f"{victim}.backup"):
            assert sha(f"{victim}.backup") == src_sha, i
        if h == old_hash:
            # and it still migrates
            if i % 5 == 0:
                ok("-q", "update-db", db=victim)
                assert dump_sha(victim) == new_hash
    print(f"kill -9: {killed} of 20 killed mid-run; outcomes {outcomes}; "
          f"a full run takes {full:.2f} s")
    assert killed >= 8


# ---- the seed's own database (issue 16) ------------------------------------

SEED = "FluxAccounting-seed-era.db"


def test_seed_era_database_migrates(corpus_copy):
    """The association table exactly as the seed README shows it (deleted,
    admin_level, max_jobs, max_wall_pj; no userid, no default_bank)."""
    db = corpus_copy(SEED)
    p = ok("update-db", db=db)
    assert "migrated from flux-accounting schema 0" in p.stderr
    assert "admin_level column is dropped" in p.stderr
    assert "had no userid" in p.stderr
    assert query(db, "PRAGMA user_version")[0][0] == SCHEMA
    rows = query(db, "SELECT username, bank, active, default_bank, shares, "
                     "max_running_jobs, max_active_jobs, max_wall_pj "
                     "FROM association_table ORDER BY username, bank")
    assert rows == [
        # deleted -> active; default bank = the user's earliest association
        ("fluxuser", "bar", 1, "foo", 1, 100, 100, 60),
        ("fluxuser", "foo", 1, "foo", 1, 1, 1, 60),
        ("olduser", "foo", 0, "foo", 1, 5, 5, 30),
        ("otheruser", "bar", 1, "bar", 3, 5, 5, 1440)]
    # userid from the password database, else the unknown id
    import pwd
    for user, uid in query(db, "SELECT username, userid FROM "
                               "association_table"):
        try:
            want = pwd.getpwnam(user).pw_uid
        except KeyError:
            want = 4294967295
        assert uid == want
    cols = [r[1] for r in query(db, "PRAGMA table_info(association_table)")]
    assert "admin_level" not in cols and "deleted" not in cols
    # the migrated database is usable, and max_wall_pj reaches the plugin
    out = json.loads(ok("view-user", "otheruser", "--json", db=db).stdout)
    assert out[0]["max_wall_pj"] == 1440
    payload = json.loads(ok("export-json", db=db).stdout)
    assert sorted(a["max_wall_pj"] for a in payload["associations"]) == [
        30, 60, 60, 1440]
    ok("add-user", "-u", "newuser", "-B", "foo", db=db)
    # idempotent
    p = ok("update-db", db=db)
    assert "up to date" in p.stderr


def test_libfluxacct_1001_upgrades(tmp_path):
    """A database of libfluxacct schema 1001 (before max_wall_pj) gains the
    column, unlimited, with a backup; the library refuses it until then."""
    db = tmp_path / "FluxAccounting.db"
    ok("create-db", db)
    ok("add-bank", "root", "1", db=db)
    ok("add-bank", "--parent-bank", "root", "A", "1", db=db)
    ok("add-user", "-u", "alice", "-B", "A", "-i", "5001", db=db)
    as_schema_1002(db)
    conn = sqlite3.connect(db)
    conn.executescript("ALTER TABLE association_table DROP COLUMN max_wall_pj;"
                       "PRAGMA user_version=1001;")
    conn.close()
    p = run("list-users", db=db)
    assert p.returncode == 1 and f"update-db -p {db}" in p.stderr
    p = ok("update-db", db=db)
    assert "upgraded from libfluxacct schema 1001 to 1003" in p.stderr
    assert os.path.exists(f"{db}.backup")
    assert query(db, "SELECT username, max_wall_pj FROM association_table") \
        == [("alice", UNLIMITED)]
    assert query(db, "PRAGMA user_version")[0][0] == SCHEMA


def test_libfluxacct_1002_upgrades(tmp_path):
    """A database of libfluxacct schema 1002 (before allocations) gains the
    bank allocation columns (no allocation; U not computed) and the two
    config keys, with a backup; its rows are unchanged."""
    db = tmp_path / "FluxAccounting.db"
    ok("create-db", db)
    ok("add-bank", "root", "1", db=db)
    ok("add-bank", "--parent-bank", "root", "A", "1", db=db)
    ok("add-user", "-u", "alice", "-B", "A", "-i", "5001", db=db)
    as_schema_1002(db)
    before = query(db, "SELECT * FROM bank_table ORDER BY bank_id")
    p = run("list-banks", db=db)
    assert p.returncode == 1 and "older than 1003" in p.stderr
    p = ok("update-db", db=db)
    assert "upgraded from libfluxacct schema 1002 to 1003" in p.stderr
    assert os.path.exists(f"{db}.backup")
    assert query(db, "PRAGMA user_version")[0][0] == SCHEMA
    rows = query(db, "SELECT * FROM bank_table ORDER BY bank_id")
    assert [r[:len(before[0])] for r in rows] == before
    assert [r[len(before[0]):] for r in rows] == [(0.0, 0, 0, 0.0, -1)] * 2
    assert dict(query(db, "SELECT key, value FROM config_table WHERE key "
                          "LIKE 'allocation%'")) == {
        "allocation_enforcement": "off",
        "allocation_default_time_limit": "3600"}
    ok("edit-bank", "A", "--allocation", "500000h", db=db)
    assert query(db, "SELECT allocation FROM bank_table WHERE bank = 'A'") \
        == [(1.8e9,)]
    p = ok("update-db", db=db)
    assert "up to date" in p.stderr


def test_flux_accounting_database_ends_at_1003(tmp_path):
    """update-db of a flux-accounting database lands on schema 1003 with
    the allocation columns and keys."""
    db = tmp_path / "fa.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE bank_table (bank_id integer PRIMARY KEY AUTOINCREMENT,"
        " bank text NOT NULL, active int(11) DEFAULT 1 NOT NULL, parent_bank"
        " text DEFAULT '', shares int NOT NULL, job_usage real DEFAULT 0.0"
        " NOT NULL);"
        "CREATE TABLE association_table (creation_time bigint(20) NOT NULL,"
        " mod_time bigint(20) DEFAULT 0 NOT NULL, active int(11) DEFAULT 1"
        " NOT NULL, username tinytext NOT NULL, userid int(11) DEFAULT 65534"
        " NOT NULL, bank tinytext NOT NULL, default_bank tinytext NOT NULL,"
        " shares int(11) DEFAULT 1 NOT NULL, job_usage real DEFAULT 0.0 NOT"
        " NULL, fairshare real DEFAULT 0.5 NOT NULL, PRIMARY KEY (username,"
        " bank));"
        "INSERT INTO bank_table (bank, parent_bank, shares) VALUES"
        " ('root', '', 1), ('A', 'root', 1);"
        "INSERT INTO association_table (creation_time, username, userid,"
        " bank, default_bank) VALUES (0, 'alice', 5001, 'A', 'A');"
        "PRAGMA user_version=21;")
    conn.close()
    ok("update-db", db=db)
    assert query(db, "PRAGMA user_version")[0][0] == SCHEMA
    assert query(db, "SELECT bank, allocation, allocation_window FROM "
                     "bank_table ORDER BY bank_id") == [("root", 0.0, -1),
                                                        ("A", 0.0, -1)]
    assert query(db, "SELECT value FROM config_table WHERE key = "
                     "'allocation_enforcement'") == [("off",)]
