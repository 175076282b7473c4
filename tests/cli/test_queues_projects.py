"""add/edit/delete/view/list queue, add/delete/view/list project."""
import json

import pytest

from conftest import INT_MAX, USAGE, execute, parsable, query, table

QUEUE_COLUMNS = ["queue", "min_nodes_per_job", "max_nodes_per_job",
                 "max_time_per_job", "priority", "max_running_jobs",
                 "max_nodes_per_assoc", "max_sched_jobs",
                 "max_sched_nodes_per_assoc", "max_sched_cores_per_assoc",
                 "max_nodes", "max_cores"]
QUEUE_DEFAULTS = [1, 1, 60, 0, 100] + [INT_MAX] * 6

QUEUE_OPTS = ["--min-nodes-per-job", "--max-nodes-per-job",
              "--max-time-per-job", "--priority", "--max-running-jobs",
              "--max-nodes-per-assoc", "--max-sched-jobs",
              "--max-sched-nodes-per-assoc", "--max-sched-cores-per-assoc",
              "--max-nodes", "--max-cores"]


def queue_row(db, q):
    rows = query(db, "SELECT * FROM queue_table WHERE queue=?", (q,))
    assert len(rows) == 1
    return list(rows[0])


# ---- add-queue -----------------------------------------------------------------


def test_add_queue_defaults(run, db):
    assert run("add-queue", "batch") == (0, "", "")
    assert queue_row(db, "batch") == ["batch"] + QUEUE_DEFAULTS


def test_add_queue_all_options(run, db):
    values = [str(v) for v in range(2, 13)]
    values[3] = "-5"   # priority may be negative
    args = [x for pair in zip(QUEUE_OPTS, values) for x in pair]
    run("add-queue", "q", *args)
    assert queue_row(db, "q") == ["q"] + [int(v) for v in values]


def test_add_queue_short_options(run, db):
    run("add-queue", "q", "-N", "4", "-t", "120")
    assert queue_row(db, "q")[2:4] == [4, 120]


def test_add_queue_unlimited(run, db):
    run("add-queue", "q", "--max-running-jobs", "unlimited")
    assert queue_row(db, "q")[5] == INT_MAX


def test_add_queue_duplicate(run, fails):
    run("add-queue", "q")
    fails("add-queue", "q", "--priority", "3",
          match="queue q already exists in queue_table")


@pytest.mark.parametrize("opt,value", [
    ("--max-nodes-per-job", "-2"), ("--max-nodes-per-job", "x"),
    ("--min-nodes-per-job", "1.5"), ("--max-time-per-job", "1h"),
    ("--priority", "high"), ("--priority", "unlimited"),
    ("--max-running-jobs", "-3"), ("--max-cores", "3000000000"),
    ("--max-sched-jobs", "99999999999999999999"),
])
def test_add_queue_bad_values(run, fails, opt, value):
    err = fails("add-queue", "q", opt, value, rc=USAGE)
    assert value in err


@pytest.mark.parametrize("name,match", [
    ("a,b", "comma"), ("", "empty"), ("q" * 256, "longer than 255"),
    ("tab\tq", "control character"),
])
def test_add_queue_bad_names(run, fails, name, match):
    fails("add-queue", name, rc=USAGE, match=match)


def test_add_queue_unicode(run, db):
    name = "fïlé \"q\" 'x'"
    run("add-queue", name)
    assert json.loads(run("view-queue", name, "--json")[1])[0]["queue"] == name
    run("add-bank", "root")
    run("add-user", "-u", "u", "-B", "root", "-q", name)
    assert query(db, "SELECT queues FROM association_table") == [(name,)]


@pytest.mark.parametrize("args", [[], ["a", "b"]])
def test_add_queue_arguments(run, fails, args):
    fails("add-queue", *args, rc=USAGE, match="add-queue")


# ---- edit-queue -----------------------------------------------------------------


def test_edit_queue(run, db):
    run("add-queue", "q")
    run("edit-queue", "q", "--priority", "-7", "--max-time-per-job", "120")
    row = queue_row(db, "q")
    assert row[3:5] == [120, -7]
    assert row[1:3] == [1, 1]          # untouched


def test_edit_queue_resets(run, db):
    values = [str(v) for v in range(2, 13)]
    run("add-queue", "q", *[x for p in zip(QUEUE_OPTS, values) for x in p])
    run("edit-queue", "q", *[x for o in QUEUE_OPTS for x in (o, "-1")])
    assert queue_row(db, "q") == ["q"] + QUEUE_DEFAULTS


def test_edit_queue_errors(run, fails):
    run("add-queue", "q")
    fails("edit-queue", "nope", "--priority", "1",
          match="queue nope not found in queue_table")
    fails("edit-queue", "q", rc=USAGE, match="no fields provided for update")
    fails("edit-queue", "q", "--min-nodes-per-job", "-5", rc=USAGE,
          match=["min_nodes_per_job", "-5"])
    fails("edit-queue", "q", "--max-running-jobs", "ten", rc=USAGE,
          match="ten")
    fails("edit-queue", rc=USAGE, match="edit-queue")


# ---- delete-queue -----------------------------------------------------------------


def test_delete_queue(run, db):
    run("add-queue", "q")
    assert run("delete-queue", "q") == (0, "", "")
    assert query(db, "SELECT COUNT(*) FROM queue_table") == [(0,)]


def test_delete_queue_still_referenced_warns(tree, db):
    tree("add-queue", "q1")
    tree("add-queue", "q10")
    tree("edit-user", "bob", "-q", "q1")
    tree("edit-user", "alice", "-q", "q10")
    code, out, err = tree("delete-queue", "q1")
    assert code == 0 and out == ""
    assert err.startswith("flux-account: WARNING: ")
    assert "1 association(s)" in err and "q1" in err
    assert "still reference" in err
    # the association keeps the name
    assert query(db, "SELECT queues FROM association_table "
                     "WHERE username='bob'") == [("q1",)]


def test_delete_queue_quiet(tree):
    tree("add-queue", "q1")
    tree("edit-user", "bob", "-q", "q1")
    code, out, err = execute(["-q", "-p", tree.path, "delete-queue", "q1"])
    assert (code, out, err) == (0, "", "")


def test_delete_queue_unreferenced_no_warning(tree):
    tree("add-queue", "q1")
    tree("add-queue", "q10")
    tree("edit-user", "bob", "-q", "q10")
    assert tree("delete-queue", "q1") == (0, "", "")


def test_delete_queue_errors(run, fails):
    fails("delete-queue", "nope", match="queue nope not found in queue_table")
    fails("delete-queue", rc=USAGE, match="delete-queue")


# ---- view-queue / list-queues ------------------------------------------------------


def test_view_queue(run):
    run("add-queue", "q", "--priority", "5")
    rows = table(run("view-queue", "q")[1])
    assert list(rows[0]) == QUEUE_COLUMNS
    assert rows[0]["priority"] == "5" and rows[0]["max_nodes"] == "unlimited"
    data = json.loads(run("view-queue", "q", "--json")[1])
    assert data == [dict(zip(QUEUE_COLUMNS, ["q", 1, 1, 60, 5, 100]
                             + [INT_MAX] * 6))]
    rows = parsable(run("view-queue", "q", "--parsable")[1])
    assert rows[0]["max_cores"] == str(INT_MAX)
    assert run("view-queue", "q", "-o", "{queue}/{priority}")[1] == \
        "queue/priority\nq/5\n"
    assert table(run("view-queue", "q", "--fields", "queue,max_time_per_job")
                 [1]) == [{"queue": "q", "max_time_per_job": "60"}]


def test_view_queue_errors(run, fails):
    run("add-queue", "q")
    fails("view-queue", "nope", match="queue nope not found in queue_table")
    fails("view-queue", "q", "--fields", "queue,bad", rc=USAGE,
          match="invalid fields: bad")
    fails("view-queue", "q", "-o", "{bad}", rc=USAGE,
          match="Invalid column name in format string: bad")


def test_list_queues(run):
    assert table(run("list-queues")[1]) == []
    for q in ("zeta", "alpha", "mid"):
        run("add-queue", q)
    assert [r["queue"] for r in table(run("list-queues")[1])] == \
        ["alpha", "mid", "zeta"]
    data = json.loads(run("list-queues", "--json", "--fields",
                          "queue,priority")[1])
    assert data == [{"queue": q, "priority": 0}
                    for q in ("alpha", "mid", "zeta")]
    assert run("list-queues", "-o", "{queue}")[1] == "queue\nalpha\nmid\nzeta\n"


def test_list_queues_errors(run, fails):
    fails("list-queues", "--fields", "nope", rc=USAGE,
          match="invalid fields: nope")
    fails("list-queues", "-o", "{nope}", rc=USAGE, match="nope")
    fails("list-queues", "x", rc=USAGE, match="list-queues")


# ---- projects ----------------------------------------------------------------------


def test_add_project(run, db):
    assert run("add-project", "p1") == (0, "", "")
    assert query(db, "SELECT project_id, project, usage FROM project_table "
                     "ORDER BY project_id") == [(1, "*", 0.0), (2, "p1", 0.0)]


def test_add_project_errors(run, fails):
    run("add-project", "p1")
    fails("add-project", "p1", match="project p1 already exists in "
                                     "project_table")
    fails("add-project", "*", match="project * already exists")
    fails("add-project", "x,y", rc=USAGE, match="comma")
    fails("add-project", "", rc=USAGE, match="empty")
    fails("add-project", "p" * 256, rc=USAGE, match="longer than 255")
    fails("add-project", rc=USAGE, match="add-project")


def test_add_project_unicode(run):
    name = "prøject \"1\" 'a'"
    run("add-project", name)
    assert table(run("list-projects")[1])[1]["project"] == name


def test_delete_project(run, db):
    run("add-project", "p1")
    assert run("delete-project", "p1") == (0, "", "")
    assert query(db, "SELECT project FROM project_table") == [("*",)]


def test_delete_star_project_refused(run, fails):
    fails("delete-project", "*", match="the project * cannot be deleted")


def test_delete_project_still_referenced_warns(tree, db):
    tree("add-project", "p1")
    tree("edit-user", "bob", "-P", "p1")
    code, out, err = tree("delete-project", "p1")
    assert code == 0 and out == ""
    assert err.startswith("flux-account: WARNING: ")
    assert "1 association(s)" in err and "project p1" in err
    assert "still reference" in err


def test_delete_project_errors(run, fails):
    fails("delete-project", "nope",
          match="project nope not found in project_table")
    fails("delete-project", rc=USAGE, match="delete-project")


def test_view_project(run):
    run("add-project", "p1")
    assert table(run("view-project", "p1")[1]) == \
        [{"project_id": "2", "project": "p1", "usage": "0.0"}]
    assert json.loads(run("view-project", "*", "--json")[1]) == \
        [{"project_id": 1, "project": "*", "usage": 0.0}]
    assert run("view-project", "p1", "--parsable")[1] == \
        "project_id|project|usage\n2|p1|0.0\n"
    assert run("view-project", "p1", "-o", "{project}#{project_id}")[1] == \
        "project#project_id\np1#2\n"


def test_view_project_errors(run, fails):
    fails("view-project", "nope",
          match="project nope not found in project_table")
    fails("view-project", "*", "--fields", "usage,oops", rc=USAGE,
          match="invalid fields: oops")


def test_list_projects(run):
    run("add-project", "p1")
    run("add-project", "p2")
    rows = table(run("list-projects")[1])
    assert [r["project"] for r in rows] == ["*", "p1", "p2"]
    assert list(rows[0]) == ["project_id", "project", "usage"]
    assert json.loads(run("list-projects", "--json", "--fields",
                          "project")[1]) == [{"project": p}
                                             for p in ("*", "p1", "p2")]
    assert run("list-projects", "-o", "{project_id}")[1] == \
        "project_id\n1\n2\n3\n"
    assert run("list-projects", "--parsable", "--fields", "project")[1] == \
        "project\n*\np1\np2\n"


def test_list_projects_errors(run, fails):
    fails("list-projects", "--fields", "nope", rc=USAGE,
          match="invalid fields: nope")
    fails("list-projects", "--format", "{x}", rc=USAGE,
          match="Invalid column name in format string: x")
