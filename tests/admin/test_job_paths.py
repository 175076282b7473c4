"""One job-record normaliser: the same records fed through every way records
come in (import-jobs, fetch-job-records --copy, pop-db, update-db) give
identical rows of the jobs table, and the default-bank rule (README "Job
records"; fluxacct-semantics(7)) decides where a job without a bank is
charged."""
import csv
import json
import os
import shutil
import sqlite3

import pytest

from conftest import DBS_DIR, ok, query

OLD = "FluxAccountingv0-60-0.db"

R2 = json.dumps({"version": 1, "execution": {"R_lite": [
    {"rank": "0-1", "children": {"core": "0-3"}}]}})
RGPU = json.dumps({"version": 1, "execution": {"R_lite": [
    {"rank": "3", "children": {"core": "0-7", "gpu": "0-1"}}]}})
RBAD = json.dumps({"version": 1})


def spec(bank=None, project=None, duration=None):
    system = {}
    if bank is not None:
        system["bank"] = bank
    if project is not None:
        system["project"] = project
    if duration is not None:
        system["duration"] = duration
    return json.dumps({"version": 1, "resources": [
        {"type": "node", "count": 1, "with": [
            {"type": "slot", "count": 1, "label": "task",
             "with": [{"type": "core", "count": 1}]}]}],
        "tasks": [], "attributes": {"system": system}})


# id, userid, t_submit, t_run, t_inactive, ranks, R, jobspec
# (t_inactive ascending: the archive is read in t_inactive order)
RECORDS = [
    (101, 1001, 1000.0, 1010.0, 1100.0, "0-1", R2, spec("B", "p1", 3600)),
    (102, 1001, 1000.0, 1020.0, 1200.0, "0-1", R2, spec()),
    (103, 1002, 1000.0, 1030.0, 1300.0, "0-1", R2, spec(project="p2")),
    (104, 1003, 1000.0, 1040.0, 1400.0, "0-1", R2, spec(duration=60)),
    (105, 1009, 1000.0, 1050.0, 1500.0, "0-1", R2, spec()),
    (106, 1001, 1000.0, 1060.0, 1600.0, "0-1", RBAD, spec()),
    (107, 1002, 1000.0, 1070.0, 1700.0, "3", RGPU, spec("B")),
]

# Where a job without a bank goes.  bob (1002) has rows that disagree:
# an inactive row (earliest) says B, two active rows say A (created 100)
# and B (created 200): active first, then earliest creation_time -> A.
# carol (1003) has only an inactive row: A.  1009 has no association.
CHARGED = {"101": "B", "102": "A", "103": "A", "104": "A", "105": None,
           "106": "A", "107": "B"}


def old_database(tmp_path, name, with_jobs):
    path = tmp_path / name
    shutil.copyfile(os.path.join(DBS_DIR, OLD), path)
    os.chmod(path, 0o644)
    c = sqlite3.connect(str(path))
    c.execute("INSERT INTO bank_table (bank, parent_bank, shares) "
              "VALUES ('B', 'root', 1)")
    assocs = [
        # creation_time, active, username, userid, bank, default_bank
        (100, 1, "alice", 1001, "A", "A"),
        (100, 1, "alice", 1001, "B", "A"),
        (50, 0, "bob", 1002, "C", "B"),
        (200, 1, "bob", 1002, "B", "B"),
        (100, 1, "bob", 1002, "A", "A"),
        (100, 0, "carol", 1003, "A", "A"),
    ]
    c.execute("INSERT INTO bank_table (bank, parent_bank, shares) "
              "VALUES ('C', 'root', 1)")
    for a in assocs:
        c.execute("INSERT INTO association_table (creation_time, mod_time, "
                  "active, username, userid, bank, default_bank) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?)", (a[0], a[0]) + a[1:])
    if with_jobs:
        for r in RECORDS:
            s = json.loads(r[7])["attributes"]["system"]
            # as flux-accounting's fetch-job-records stores them: bank and
            # project from the jobspec (empty when it names none); the
            # durations left for the import to work out
            c.execute("INSERT INTO jobs (id, userid, t_submit, t_run, "
                      "t_inactive, ranks, R, jobspec, project, bank, "
                      "requested_duration, actual_duration) VALUES "
                      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                      (str(r[0]),) + r[1:] + (s.get("project", ""),
                                              s.get("bank", "")))
    c.commit()
    c.close()
    return path


def archive(tmp_path):
    path = tmp_path / "job-archive.sqlite"
    c = sqlite3.connect(str(path))
    c.execute("CREATE TABLE jobs (id int, userid int, ranks text, "
              "t_submit real, t_run real, t_inactive real, jobspec text, "
              "R text, t_cleanup real, eventlog text)")
    for r in RECORDS:
        c.execute("INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
                  (r[0], r[1], r[5], r[2], r[3], r[4], r[7], r[6], r[4]))
    c.commit()
    c.close()
    return path


def jobs_rows(db):
    return query(db, "SELECT * FROM jobs ORDER BY id")


@pytest.mark.skipif(not DBS_DIR, reason="no flux-accounting corpus")
def test_every_path_gives_the_same_rows(tmp_path):
    # the same associations in every database: an old one migrated
    base = old_database(tmp_path, "base.db", with_jobs=False)
    ok("update-db", db=base)

    dbs = {}
    # import-jobs (JSON Lines; R and jobspec as JSON strings)
    dbs["import-jobs"] = tmp_path / "import.db"
    shutil.copyfile(base, dbs["import-jobs"])
    lines = tmp_path / "jobs.jsonl"
    with open(lines, "w") as f:
        for r in RECORDS:
            f.write(json.dumps({"id": r[0], "userid": r[1], "t_submit": r[2],
                                "t_run": r[3], "t_inactive": r[4],
                                "ranks": r[5], "R": r[6],
                                "jobspec": r[7]}) + "\n")
    ok("import-jobs", lines, db=dbs["import-jobs"])

    # fetch-job-records --copy ARCHIVE
    dbs["fetch-job-records"] = tmp_path / "fetch.db"
    shutil.copyfile(base, dbs["fetch-job-records"])
    ok("fetch-job-records", "--copy", archive(tmp_path),
       db=dbs["fetch-job-records"])

    # pop-db: a jobs.csv with job-list's columns only
    dbs["pop-db"] = tmp_path / "pop.db"
    shutil.copyfile(base, dbs["pop-db"])
    csvdir = tmp_path / "csv"
    csvdir.mkdir()
    with open(csvdir / "jobs.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "userid", "t_submit", "t_run", "t_inactive",
                    "ranks", "R", "jobspec"])
        for r in RECORDS:
            w.writerow([str(r[0]), r[1], repr(r[2]), repr(r[3]), repr(r[4]),
                        r[5], r[6], r[7]])
    ok("pop-db", "-c", csvdir / "jobs.csv", db=dbs["pop-db"])

    # update-db: the records in flux-accounting's own jobs table
    dbs["update-db"] = old_database(tmp_path, "old.db", with_jobs=True)
    ok("update-db", db=dbs["update-db"])

    rows = {path: jobs_rows(db) for path, db in dbs.items()}
    reference = rows["import-jobs"]
    assert len(reference) == len(RECORDS)
    for path, got in rows.items():
        assert got == reference, path

    cols = [r[1] for r in query(dbs["import-jobs"], "PRAGMA table_info(jobs)")]
    byid = {r[0]: dict(zip(cols, r)) for r in reference}
    assert {i: r["charge_bank"] for i, r in byid.items()} == CHARGED
    assert [byid[str(r[0])]["seq"] for r in RECORDS] == list(range(1, 8))
    assert (byid["101"]["nnodes"], byid["101"]["ncores"],
            byid["101"]["ngpus"]) == (2, 8, 0)
    assert (byid["107"]["nnodes"], byid["107"]["ncores"],
            byid["107"]["ngpus"]) == (1, 8, 2)
    assert byid["106"]["nnodes"] is None
    assert byid["101"]["project"] == "p1" and byid["101"]["bank"] == "B"
    assert byid["101"]["requested_duration"] == 3600.0
    assert byid["104"]["requested_duration"] == 60.0
    assert byid["102"]["actual_duration"] == 180.0
    assert byid["102"]["bank"] == "" and byid["102"]["project"] == ""
