"""The command surface of issue 16: flux-accounting v0.60's options and
commands that the CLI lacked (each behaviour here; tests/cli/test_compat.py
runs the whole compat surface)."""
import json
import os
import sqlite3
import subprocess

import pytest

from conftest import FAIL, USAGE, FLUX_ACCOUNT, query
from test_usage_fairshare import T0, jobline


@pytest.fixture
def jobs_tree(tree, tmp_path):
    tree("edit-config", f"usage_epoch={T0}")
    lines = [jobline(1, 1001, T0 + 100, T0 + 200, bank="A"),      # 100 s
             jobline(2, 1002, T0 + 100, T0 + 400, 2, bank="A"),   # 300 s
             jobline(3, 1003, T0 + 100, T0 + 150)]                # 50 s
    f = tmp_path / "jobs.jsonl"
    f.write_text("\n".join(lines) + "\n")
    tree("import-jobs", f)
    return tree


def ids(out):
    return [r["id"] for r in json.loads(out)]


# ---- view-job-records ----------------------------------------------------

def test_view_job_records_j_is_the_job_id(jobs_tree):
    assert ids(jobs_tree("view-job-records", "-j", "2", "--json")[1]) == ["2"]


def test_view_job_records_several_expressions(jobs_tree, fails):
    run = jobs_tree
    # several expressions after one flag are ANDed
    assert ids(run("view-job-records", "-e", "> 60", "< 200", "--json")[1]) \
        == ["1"]
    # the flag repeated means the same
    assert ids(run("view-job-records", "-e", "> 60", "-e", "< 200",
                   "--json")[1]) == ["1"]
    # the words after the expressions are options again
    assert ids(run("view-job-records", "-e", ">= 50", "<= 100", "-u", "carol",
                   "--json")[1]) == ["3"]
    fails("view-job-records", "-e", "> 60", "~ 5", rc=USAGE,
          match="must start")


# ---- queues ----------------------------------------------------------------

def test_add_queue_short_forms(run, db):
    run("add-queue", "q", "-P", "7", "-msn", "3", "-msc", "12")
    assert query(db, "SELECT priority, max_sched_nodes_per_assoc, "
                     "max_sched_cores_per_assoc FROM queue_table") == [(7, 3, 12)]
    run("edit-queue", "q", "-P", "-2", "-msn=4", "-msc", "-1")
    assert query(db, "SELECT priority, max_sched_nodes_per_assoc, "
                     "max_sched_cores_per_assoc FROM queue_table") == [
        (-2, 4, 2147483647)]
    out = run("add-queue", "--help")[1]
    assert "-msn, --max-sched-nodes-per-assoc=N" in out


# ---- view-bank -u with -c / -A ---------------------------------------------

def test_view_bank_users_filters(jobs_tree):
    run = jobs_tree
    run("update-usage", "--time", T0 + 500)
    run("add-user", "-u", "dave", "-B", "A", "-i", "1004")
    run("delete-user", "carol", "B1")
    users = json.loads(run("view-bank", "A", "-u", "--json")[1])["users"]
    assert [u["username"] for u in users] == ["alice", "bob", "dave"]
    users = json.loads(run("view-bank", "A", "-u", "-c", "--json")[1])["users"]
    assert [u["username"] for u in users] == ["alice", "bob"]
    users = json.loads(run("view-bank", "B1", "-u", "-A", "--json")[1])["users"]
    assert users == []
    assert run("view-bank", "B1", "-u", "-A")[1].endswith("no users under B1\n")
    users = json.loads(run("view-bank", "B1", "-u", "--json")[1])["users"]
    assert [u["username"] for u in users] == ["carol"]


# ---- standalone programs ---------------------------------------------------

def link(tmp_path, name):
    p = tmp_path / name
    os.symlink(FLUX_ACCOUNT, p)
    return str(p)


def test_standalone_verbose_after_subcommand(jobs_tree, tmp_path):
    prog = link(tmp_path, "flux-account-update-usage")
    p = subprocess.run([prog, "-p", jobs_tree.path, "-v", "--time",
                        str(T0 + 500)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "new jobs charged" in p.stderr
    prog = link(tmp_path, "flux-account-fetch-job-records")
    p = subprocess.run([prog, "-p", jobs_tree.path, "--verbose", "--copy",
                        "/nonexistent/archive.db"], capture_output=True,
                       text=True)
    # accepted as an option: the failure is about the archive, not usage
    assert p.returncode == FAIL, p.stderr
    assert "archive.db" in p.stderr


def test_standalone_update_db_and_fairshare_emulate(tmp_path):
    src = os.path.join(os.environ.get("FLUXACCT_DBS_DIR", os.path.join(
        os.path.dirname(__file__), "..", "data", "flux-accounting-dbs")),
        "FluxAccountingv0-60-0.db")
    db = tmp_path / "old.db"
    db.write_bytes(open(src, "rb").read())
    prog = link(tmp_path, "flux-account-update-db")
    p = subprocess.run([prog, "-p", str(db), "-v"], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    assert "migrated" in p.stderr
    tree = tmp_path / "tree.json"
    tree.write_text(json.dumps({"root": {"bank": "root", "shares": 1,
                                         "children": [{"username": "u",
                                                       "shares": 1}]}}))
    prog = link(tmp_path, "flux-account-fairshare-emulate")
    p = subprocess.run([prog, "-i", str(tree), "-P"], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().split("|")[0] == "u"


# ---- update-db -n/--new-db ---------------------------------------------------

def test_update_db_new_db(run, db, tmp_path, fails):
    new = tmp_path / "template.db"
    run("update-db", "-n", new)
    conn = sqlite3.connect(new)
    tables = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "association_table" in tables and "jobs" in tables
    # it must not exist: an existing file is never overwritten
    fails("update-db", "--new-db", new, match=str(new))


# ---- priority-update on an old schema --------------------------------------

def test_priority_update_names_the_command(tmp_path):
    src = os.path.join(os.path.dirname(__file__), "..", "data",
                       "flux-accounting-dbs", "FluxAccountingv0-10-0.db")
    db = tmp_path / "old.db"
    db.write_bytes(open(src, "rb").read())
    p = subprocess.run([FLUX_ACCOUNT, "-p", str(db), "priority-update"],
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert f"flux-account update-db -p {db}" in p.stderr


# ---- bank-info ---------------------------------------------------------------

def test_bank_info(jobs_tree, fails):
    run = jobs_tree
    run("update-usage", "--time", T0 + 500)
    run("update-fshare")
    lines = run("bank-info", "-t", "root")[1].splitlines()
    assert lines[0].split() == ["Name", "Shares", "Norm", "Shares", "Norm",
                                "Usage", "Level", "FS"]
    names = [l[:20].rstrip() for l in lines[1:]]
    assert names == ["root", " A", "  alice", "  bob", " B", "  B1",
                     "   carol", "  B2"]
    rows = {l[:20].strip(): l[20:].split() for l in lines[1:]}
    assert rows["root"] == ["1", "1.000000", "1.000000", "inf"]
    # A: 1 share of 3 at its level; usage 700 of 750
    assert rows["A"] == ["1", "0.333333", "0.933333", "--"]
    # B1 has 3 of B's 7 shares, B has 2 of 3
    assert rows["B1"][1] == "%.6f" % (2 / 3 * 3 / 7)
    # -T: banks only; -x leaves a subtree out
    out = run("bank-info", "-T", "root", "-x", "B", "-n")[1]
    assert [l[:20].strip() for l in out.splitlines()] == ["root", "A"]
    # -r: the path from the root; -P -v: every number, and the type
    out = run("bank-info", "-r", "B1", "-P", "-v")[1].splitlines()
    assert out[0] == "Name|Shares|Norm_Shares|Usage|Norm_Usage|Norm_FS|Type"
    assert [l.split("|")[0] for l in out[1:]] == ["root", " B", "  B1"]
    assert out[3].split("|")[3] == "50.0" and out[3].split("|")[6] == "bank"
    # -u: the paths to the user's associations; the default bank starred
    run("add-user", "-u", "bob", "-B", "B2", "-i", "1002")
    out = run("bank-info", "-u", "bob", "-P")[1].splitlines()
    assert [l.split("|")[0] for l in out[1:]] == [
        "root", " A*", "  bob", " B", "  B2", "   bob"]
    fails("bank-info", "-u", "nobody-here", match='Could not find "nobody-here"')
    fails("bank-info", "-t", "nope", match='Could not find "nope"')
    fails("bank-info", "-t", "A", "-u", "bob", rc=USAGE,
          match="mutually exclusive")


# ---- sync-userids ----------------------------------------------------------

def test_sync_userids(tree, db):
    conn = sqlite3.connect(db)
    conn.execute("UPDATE job_usage_factor_table SET userid = 7 "
                 "WHERE username = 'bob'")
    conn.commit()
    conn.close()
    code, out, err = tree("sync-userids")
    assert out == ""
    assert "1 job_usage_factor_table rows" in err
    assert query(db, "SELECT userid FROM job_usage_factor_table WHERE "
                     "username = 'bob'") == [(1002,)]
    code, out, err = tree("sync-userids")
    assert "0 job_usage_factor_table rows" in err


# ---- max_wall_pj: the seed's maximum wall time per job ---------------------

def test_max_wall_pj_option_and_columns(tree, db, fails):
    run = tree
    # default unlimited
    assert query(db, "SELECT DISTINCT max_wall_pj FROM association_table") \
        == [(2147483647,)]
    run("add-user", "-u", "dave", "-B", "A", "-i", "1004", "--max-wall-pj",
        "60")
    run("edit-user", "alice", "--max-wall-pj", "120")
    rows = json.loads(run("list-users", "--json", "--fields",
                          "username,max_wall_pj")[1])
    assert {r["username"]: r["max_wall_pj"] for r in rows} == {
        "alice": 120, "bob": 2147483647, "carol": 2147483647, "dave": 60}
    out = run("view-user", "alice")[1]
    assert "max_wall_pj" in out.splitlines()[0]
    run("edit-all-users", "--max-wall-pj", "unlimited")
    assert query(db, "SELECT DISTINCT max_wall_pj FROM association_table") \
        == [(2147483647,)]
    run("edit-user", "bob", "--max-wall-pj", "30")
    run("edit-user", "bob", "--max-wall-pj", "-1")
    assert query(db, "SELECT max_wall_pj FROM association_table WHERE "
                     "username = 'bob'") == [(2147483647,)]
    fails("edit-user", "bob", "--max-wall-pj", "-5", rc=USAGE,
          match="max_wall_pj")
    fails("edit-user", "bob", "--max-wall-pj", "1h", rc=USAGE,
          match="--max-wall-pj")


def test_max_wall_pj_in_the_payload(tree):
    tree("edit-user", "carol", "--max-wall-pj", "90")
    payload = json.loads(tree("export-json")[1])
    by_user = {a["userid"]: a for a in payload["associations"]}
    assert by_user[1003]["max_wall_pj"] == 90
    assert by_user[1001]["max_wall_pj"] == 2147483647


def test_max_wall_pj_export_pop_roundtrip(tree, tmp_path, db):
    tree("edit-user", "carol", "--max-wall-pj", "45")
    out = tmp_path / "csv"
    out.mkdir()
    tree("export-db", "-d", out)
    assert "max_wall_pj" in (out / "association_table.csv").read_text() \
        .splitlines()[0]
    db2 = tmp_path / "restored.db"
    tree("create-db", db2, db=False)
    tree("-p", db2, "pop-db", "-d", out, db=False)
    assert query(db2, "SELECT max_wall_pj FROM association_table WHERE "
                      "username = 'carol'") == [(45,)]
