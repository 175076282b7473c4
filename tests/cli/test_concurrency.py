"""Several flux-account processes on one database at once."""
import os
import sqlite3
import subprocess
import time

from conftest import FAIL, FLUX_ACCOUNT, dump_db, execute, query

N = 1000

# One shell loop per writer: starting 1000 processes from a shell costs far
# less than from Python, and 2 x 1000 CLI runs take ~20 s on a 2-core
# machine, so the test drives the real CLI rather than a C helper.
LOOP = r'''
fa=$1 db=$2 prefix=$3 n=$4
i=1
while [ "$i" -le "$n" ]; do
    "$fa" -p "$db" add-user --username "$prefix$i" --bank B --userid "$i" \
        || echo "add-user $prefix$i failed with status $?" >&2
    i=$((i + 1))
done
'''

READER = r'''
fa=$1 db=$2 n=$3
i=1
while [ "$i" -le "$n" ]; do
    "$fa" -p "$db" list-users --fields username -B B >/dev/null \
        || echo "list-users failed with status $?" >&2
    "$fa" -p "$db" view-bank B -t -P >/dev/null \
        || echo "view-bank failed with status $?" >&2
    i=$((i + 1))
done
'''


def test_two_writers_thousand_users_each(run, db):
    run("add-bank", "root")
    run("add-bank", "--parent-bank", "root", "B")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("FLUXACCT_")}
    procs = [subprocess.Popen(["sh", "-c", LOOP, "writer", FLUX_ACCOUNT, db,
                               prefix, str(N)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env)
             for prefix in ("a", "b")]
    procs.append(subprocess.Popen(["sh", "-c", READER, "reader",
                                   FLUX_ACCOUNT, db, "100"],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env))
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        err = err.decode()
        assert p.returncode == 0
        assert "locked" not in err, err
        assert err == "", err
    assert query(db, "SELECT COUNT(*) FROM association_table") == [(2 * N,)]
    assert query(db, "SELECT COUNT(*) FROM job_usage_factor_table") == \
        [(2 * N,)]
    names = {r[0] for r in query(db, "SELECT username FROM "
                                     "association_table")}
    assert names == {f"{p}{i}" for p in "ab" for i in range(1, N + 1)}
    assert query(db, "PRAGMA integrity_check") == [("ok",)]


def test_writer_waits_for_lock(run, db):
    """A short-held lock is waited for, not reported."""
    run("add-bank", "root")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    p = subprocess.Popen([FLUX_ACCOUNT, "-p", db, "add-bank",
                          "--parent-bank", "root", "A"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)
    conn.execute("COMMIT")
    conn.close()
    out, err = p.communicate(timeout=60)
    assert (p.returncode, out, err) == (0, b"", b"")
    assert query(db, "SELECT bank FROM bank_table ORDER BY bank_id") == \
        [("root",), ("A",)]


def test_writer_gives_up_on_held_lock(run, db):
    """Past the busy timeout the command fails cleanly and says why."""
    run("add-bank", "root")
    before = dump_db(db)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        env = dict(os.environ, FLUXACCT_BUSY_TIMEOUT_MS="300")
        t0 = time.monotonic()
        code, out, err = execute(["-p", db, "add-bank", "--parent-bank",
                                  "root", "A"], env=env)
        elapsed = time.monotonic() - t0
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert code == FAIL and out == ""
    assert "locked by another writer" in err and db in err
    assert 0.25 < elapsed < 20
    assert dump_db(db) == before


def test_reader_not_blocked_by_writer(tree, db):
    """WAL: views work while another connection holds the write lock."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE bank_table SET shares=99 WHERE bank='A'")
    try:
        env = dict(os.environ, FLUXACCT_BUSY_TIMEOUT_MS="200")
        code, out, err = execute(["-p", db, "view-bank", "A", "-o",
                                  "{shares}"], env=env)
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert (code, out, err) == (0, "shares\n1\n", "")
