"""Crash injection (issue 12): kill -9 at seeded random moments during
import-jobs, update-usage, update-db and pop-db.  After every kill the file
passes PRAGMA integrity_check and holds either everything the command
would have written or nothing of it (all or nothing)."""
import json
import os
import random
import shutil
import signal
import subprocess
import time

from conftest import FLUX_ACCOUNT, GEN_NOW, dump_sha, ok, query

KILLS = 6           # per command
SEED = 12


def fresh(src, dst):
    for f in (dst, f"{dst}.backup", f"{dst}-journal", f"{dst}-wal",
              f"{dst}-shm", f"{dst}.backup.tmp"):
        if os.path.exists(f):
            os.unlink(f)
    shutil.copyfile(src, dst)


def crash_loop(tmp_path, src, args, label):
    """Run `args` on copies of src, killing it at random points; every
    outcome is the state before or the state after a full run."""
    ref = tmp_path / f"{label}-ref.db"
    fresh(src, ref)
    before = dump_sha(ref)
    t0 = time.monotonic()
    ok("-q", *args, db=ref)
    full = time.monotonic() - t0
    after = dump_sha(ref)
    assert before != after, f"{label}: the command changed nothing"
    rng = random.Random(f"{SEED}-{label}")
    victim = tmp_path / f"{label}-victim.db"
    outcomes = {"before": 0, "after": 0}
    killed = 0
    for i in range(KILLS):
        fresh(src, victim)
        proc = subprocess.Popen([FLUX_ACCOUNT, "-q", "-p", str(victim), *args],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, full * 1.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        assert query(victim, "PRAGMA integrity_check") == [("ok",)], \
            f"{label}: kill {i}: integrity_check failed"
        h = dump_sha(victim)
        assert h in (before, after), f"{label}: kill {i}: partial state"
        outcomes["before" if h == before else "after"] += 1
    print(f"{label}: {killed} of {KILLS} killed mid-run, outcomes "
          f"{outcomes}")


def base_db(tmp_path, users=50):
    db = tmp_path / "base.db"
    ok("create-db", str(db))
    ok("edit-config", f"usage_epoch={GEN_NOW - 86400 * 60}", db=db)
    ok("add-bank", "root", "1", db=db)
    ok("add-bank", "--parent-bank", "root", "A", "1", db=db)
    for u in range(users):
        ok("add-user", "-u", f"u{u}", "-B", "A", "-i", str(5000 + u), db=db)
    return db


def jobs_file(tmp_path, n, users=50):
    R = {"version": 1, "execution": {"R_lite": [
        {"rank": "0", "children": {"core": "0-3"}}]}}
    path = tmp_path / "jobs.jsonl"
    with open(path, "w") as f:
        for i in range(n):
            t = GEN_NOW - 86400 * 30 + i * 60
            f.write(json.dumps({
                "id": 1000 + i, "userid": 5000 + i % users,
                "t_submit": t, "t_run": t + 1, "t_inactive": t + 600,
                "ranks": "0", "R": R,
                "jobspec": {"attributes": {"system": {"bank": "A"}}}}) + "\n")
    return str(path)


def test_crash_import_jobs(tmp_path):
    db = base_db(tmp_path)
    crash_loop(tmp_path, db, ["import-jobs", jobs_file(tmp_path, 30000)],
               "import-jobs")


def test_crash_update_usage(tmp_path):
    db = base_db(tmp_path)
    ok("import-jobs", jobs_file(tmp_path, 30000), db=db)
    crash_loop(tmp_path, db, ["update-usage", "--time", str(GEN_NOW)],
               "update-usage")


def test_crash_pop_db(tmp_path):
    db = base_db(tmp_path)
    src = tmp_path / "src.db"
    shutil.copyfile(db, src)
    ok("import-jobs", jobs_file(tmp_path, 30000), db=src)
    out = tmp_path / "csv"
    out.mkdir()
    ok("export-db", "-d", str(out), "-t", "jobs", db=src)
    crash_loop(tmp_path, db, ["pop-db", "-c", str(out / "jobs.csv")],
               "pop-db")


def test_crash_update_db(generated, tmp_path):
    crash_loop(tmp_path, generated(200, 20000), ["update-db"], "update-db")
