"""flux-account export-db and pop-db: round trips, the caller's directory,
columns by name, and malformed files refused with file and line."""
import csv
import json
import os
import shutil

import pytest

from conftest import GEN_NOW, dump_sha, ok, query, run, tables


@pytest.fixture
def small_db(tmp_path):
    """A libfluxacct database with a little of everything."""
    db = tmp_path / "small.db"
    ok("create-db", db)
    ok("add-bank", "root", "1", db=db)
    ok("add-bank", "--parent-bank", "root", "A", "3", db=db)
    ok("add-bank", "--parent-bank", "root", 'odd; "quoted" bank', "1", db=db)
    ok("add-queue", "batch", "--priority", "-5", db=db)
    ok("add-project", "proj one", db=db)
    ok("add-user", "-u", "alice", "-B", "A", "-i", "5000", db=db)
    ok("add-user", "-u", "bob", "-B", 'odd; "quoted" bank', "-i", "6000",
       "-q", "batch", "-P", "proj one", db=db)
    return db


def test_round_trip_generated(generated, tmp_path):
    """export -> create-db -> pop-db gives the same tables, on a migrated
    flux-accounting database of 1,000 associations and 100,000 jobs."""
    db = tmp_path / "g.db"
    shutil.copyfile(generated(1000, 100000, seed=3), db)
    ok("-q", "update-db", db=db)
    ok("update-usage", "--time", GEN_NOW, db=db)
    out = tmp_path / "csv"
    p = ok("-v", "export-db", "-d", out, db=db)
    assert "exported 12 tables" in p.stderr
    want = tables(db)
    assert sorted(f[:-4] for f in os.listdir(out)) == sorted(want)
    # any RFC 4180 reader sees the same rows
    for t, rows in want.items():
        with open(out / f"{t}.csv", newline="") as f:
            got = list(csv.reader(f))
        assert len(got) == len(rows) + 1, t
        assert got[0] == [r[1] for r in query(db, f'PRAGMA table_info("{t}")')]

    copy = tmp_path / "copy.db"
    ok("create-db", copy)
    p = ok("-v", "pop-db", "-d", out, db=copy)
    assert f"loaded {sum(len(r) for r in want.values())} rows from 12 files" in p.stderr
    assert tables(copy) == want
    # and the copy carries on exactly like the original
    ok("update-usage", "--time", GEN_NOW + 86400, db=db)
    ok("update-usage", "--time", GEN_NOW + 86400, db=copy)
    assert tables(copy) == tables(db)


def test_round_trip_small_and_odd_names(small_db, tmp_path):
    out = tmp_path / "out"
    ok("export-db", "-d", out, db=small_db)
    text = (out / "bank_table.csv").read_text()
    assert '"odd; ""quoted"" bank"' in text
    copy = tmp_path / "copy.db"
    ok("create-db", copy)
    ok("pop-db", "-d", out, db=copy)
    assert tables(copy) == tables(small_db)


def test_export_defaults_to_the_callers_directory(small_db, tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    ok("export-db", db=small_db, cwd=here)
    assert (here / "association_table.csv").exists()
    ok("export-db", "-t", "bank_table,queue_table", "-d", tmp_path / "two",
       db=small_db)
    assert sorted(os.listdir(tmp_path / "two")) == ["bank_table.csv",
                                                    "queue_table.csv"]
    p = run("export-db", "-t", "nope", "-d", tmp_path / "x", db=small_db,
            check=1)
    assert 'table "nope" does not exist' in p.stderr


def test_pop_db_file_adds_rows(small_db, tmp_path):
    f = tmp_path / "association_table.csv"
    # written by Python's csv module (RFC 4180, minimal quoting)
    with open(f, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["creation_time", "username", "userid", "bank",
                    "default_bank", "shares", "queues", "max_running_jobs"])
        w.writerow([1700000000, "carol", 7000, "A", "A", 5, "batch", ""])
        w.writerow([1700000000, "dave", 7001, 'odd; "quoted" bank',
                    'odd; "quoted" bank', "", "", 3])
    ok("pop-db", "-c", f, db=small_db)
    users = {u["username"]: u for u in
             json.loads(ok("list-users", "-j", db=small_db).stdout)}
    assert users["carol"]["shares"] == 5 and users["carol"]["queues"] == "batch"
    assert users["carol"]["max_running_jobs"] == 5      # blank: the default
    assert users["dave"]["shares"] == 1 and users["dave"]["max_running_jobs"] == 3
    assert users["dave"]["bank"] == 'odd; "quoted" bank'


def test_pop_db_fields_pair_by_name(small_db, tmp_path):
    f = tmp_path / "association_table.csv"
    f.write_text("shares,bank,max_running_jobs,username,userid,default_bank,"
                 "creation_time\n42,A,9,carol,7000,A,1700000000\n")
    ok("pop-db", "-c", f, "-f", "creation_time,username,default_bank,userid,bank",
       db=small_db)
    carol = json.loads(ok("view-user", "carol", "-j", db=small_db).stdout)[0]
    assert (carol["bank"], carol["userid"], carol["creation_time"]) == \
        ("A", 7000, 1700000000)
    assert carol["shares"] == 1 and carol["max_running_jobs"] == 5
    p = run("pop-db", "-c", f, "-f", "username,bogus", db=small_db, check=1)
    assert "invalid fields: bogus" in p.stderr


def test_pop_db_replace(small_db, tmp_path):
    f = tmp_path / "queue_table.csv"
    f.write_text("queue,priority\ngold,7\n")
    ok("pop-db", "-c", f, db=small_db)
    assert [q for (q,) in query(small_db, "SELECT queue FROM queue_table ORDER "
                                          "BY queue")] == ["batch", "gold"]
    f.write_text("queue,priority\nbatch,1\n")
    ok("pop-db", "-c", f, "--replace", db=small_db)
    assert query(small_db, "SELECT queue, priority FROM queue_table") == [("batch", 1)]


def test_pop_db_usage(small_db, tmp_path):
    assert "one of" in run("pop-db", db=small_db, check=2).stderr
    assert "one of" in run("pop-db", "-c", "a.csv", "-d", tmp_path,
                           db=small_db, check=2).stderr
    assert "goes with" in run("pop-db", "-d", tmp_path, "-f", "a",
                              db=small_db, check=2).stderr


def test_pop_db_dir_skips_other_files(small_db, tmp_path):
    out = tmp_path / "out"
    ok("export-db", "-d", out, db=small_db)
    (out / "notes.csv").write_text("a,b\n1,2\n")
    (out / "README").write_text("not a csv\n")
    copy = tmp_path / "copy.db"
    ok("create-db", copy)
    p = ok("pop-db", "-d", out, db=copy)
    assert "notes.csv names no table of the database; skipped" in p.stderr
    assert tables(copy) == tables(small_db)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "holds no TABLE.csv" in run("pop-db", "-d", empty, db=copy,
                                       check=1).stderr


MALFORMED = [
    ("bank_table", "bank,parent_bank,shares\nX,root,1\nY,root\n",
     "bank_table.csv:3: 2 fields, but the header has 3"),
    ("bank_table", "bank,parent_bank,shares\nX,root,lots\n",
     "bank_table.csv:2: shares: 'lots' is not an integer"),
    ("bank_table", "bank,parent_bank,shares,priority\nX,root,1,1.2.3\n",
     "bank_table.csv:2: priority: '1.2.3' is not a number"),
    ("bank_table", "bank,parent_bank,shares\nX,nowhere,1\n",
     "bank_table.csv:2: bank X: parent bank nowhere does not exist"),
    ("bank_table", "bank,parent_bank,shares\nA,root,1\n",
     "bank_table.csv:2: bank_table: a row with this bank_table.bank already "
     "exists"),
    ("bank_table", 'bank,parent_bank,shares\n"X,root,1\n',
     "bank_table.csv:2: quoted field not closed"),
    ("bank_table", "bank,shares,nonsense\nX,1,2\n",
     "bank_table.csv:1: nonsense is not a column of bank_table"),
    ("bank_table", "", "bank_table.csv:1: empty file"),
    ("association_table", "creation_time,username,userid,bank,default_bank\n"
     "1,carol,7000,A,A\n1,erin,7001,nobank,nobank\n",
     "association_table.csv:3: bank nobank does not exist in bank_table"),
    ("association_table", "creation_time,username,userid,bank,default_bank,"
     "queues\n1,carol,7000,A,A,gold\n",
     "association_table.csv:2: queue gold does not exist in queue_table"),
    ("association_table", "creation_time,username,userid,bank,default_bank,"
     "shares\n1,carol,7000,A,A,-\n",
     "association_table.csv:2: shares: '-' is not an integer"),
    ("jobs", "id,userid,t_submit,t_run,t_inactive,ranks,R,jobspec\n"
     "1,5000,1,2,late,0,{},{}\n",
     "jobs.csv:2: t_inactive: 'late' is not a number"),
    ("no_such_table", "a\n1\n",
     'no_such_table.csv: table "no_such_table" does not exist in the database'),
]


@pytest.mark.parametrize("table,content,message", MALFORMED,
                         ids=[m[2].split(": ", 1)[-1][:40] for m in MALFORMED])
def test_malformed_csv_refused(small_db, tmp_path, table, content, message):
    f = tmp_path / f"{table}.csv"
    f.write_text(content)
    before = dump_sha(small_db)
    p = run("pop-db", "-c", f, db=small_db, check=1)
    assert message in p.stderr
    assert str(f) in p.stderr
    assert dump_sha(small_db) == before


def test_malformed_file_in_a_directory_undoes_everything(small_db, tmp_path):
    out = tmp_path / "out"
    ok("export-db", "-d", out, db=small_db)
    copy = tmp_path / "copy.db"
    ok("create-db", copy)
    before = dump_sha(copy)
    with open(out / "jobs.csv", "a") as f:
        f.write("99,5000,1,2,3,0,,,,,,,,,,,notanumber\n")
    p = run("pop-db", "-d", out, db=copy, check=1)
    assert "jobs.csv:2: seq: 'notanumber' is not an integer" in p.stderr
    assert dump_sha(copy) == before
