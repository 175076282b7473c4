"""add-user, delete-user, edit-user, edit-all-users, view-user, list-users."""
import json

import pytest

from conftest import FAIL, INT_MAX, USAGE, parsable, query, table

ASSOC_COLUMNS = ["creation_time", "mod_time", "active", "username", "userid",
                 "bank", "default_bank", "shares", "job_usage", "fairshare",
                 "max_running_jobs", "max_active_jobs", "max_nodes",
                 "max_cores", "queues", "projects", "default_project",
                 "max_sched_jobs", "max_wall_pj"]


def assoc(db, user, bank, *cols):
    cols = cols or ("*",)
    rows = query(db, f"SELECT {', '.join(cols)} FROM association_table "
                     "WHERE username=? AND bank=?", (user, bank))
    assert len(rows) == 1, rows
    return rows[0] if len(cols) > 1 or cols == ("*",) else rows[0][0]


@pytest.fixture
def qp(tree):
    """tree plus queues q1, q2, q3 and projects p1, p2."""
    for q in ("q1", "q2", "q3"):
        tree("add-queue", q)
    for p in ("p1", "p2"):
        tree("add-project", p)
    return tree


# ---- add-user ------------------------------------------------------------------


def test_add_user_defaults(tree, db):
    row = dict(zip(ASSOC_COLUMNS, assoc(db, "alice", "A")))
    assert row["active"] == 1
    assert row["userid"] == 1001
    assert row["default_bank"] == "A"
    assert (row["shares"], row["fairshare"], row["max_running_jobs"],
            row["max_active_jobs"]) == (1, 0.5, 5, 7)
    assert (row["max_nodes"], row["max_cores"], row["max_sched_jobs"]) == \
        (INT_MAX, INT_MAX, INT_MAX)
    assert (row["queues"], row["projects"], row["default_project"]) == \
        ("", "*", "*")
    assert row["creation_time"] == row["mod_time"] > 1600000000
    assert query(db, "SELECT username, userid, bank FROM "
                     "job_usage_factor_table WHERE username='alice'") == \
        [("alice", 1001, "A")]


def test_add_user_unknown_userid(tree, db):
    tree("add-user", "--username", "no-such-user-xyz", "--bank", "A")
    assert assoc(db, "no-such-user-xyz", "A", "userid") == 4294967295


def test_add_user_root_userid_from_passwd(tree, db):
    tree("add-user", "-u", "root", "-B", "A")
    assert assoc(db, "root", "A", "userid") == 0


def test_add_user_all_options(qp, db):
    qp("add-user", "-u", "dave", "-B", "B2", "-i", "77", "--shares", "3",
       "--fairshare", "0.25", "--max-running-jobs", "10",
       "--max-active-jobs", "unlimited", "-N", "4", "-c", "64",
       "-q", "q1,q2", "-P", "p1,p2", "--default-project", "p2",
       "--max-sched-jobs", "12")
    row = dict(zip(ASSOC_COLUMNS, assoc(db, "dave", "B2")))
    assert (row["userid"], row["shares"], row["fairshare"]) == (77, 3, 0.25)
    assert (row["max_running_jobs"], row["max_active_jobs"],
            row["max_nodes"], row["max_cores"], row["max_sched_jobs"]) == \
        (10, INT_MAX, 4, 64, 12)
    assert (row["queues"], row["projects"], row["default_project"]) == \
        ("q1,q2", "p1,p2,*", "p2")


def test_add_user_projects_default(qp, db):
    qp("add-user", "-u", "x", "-B", "B2", "-P", "p2,p1")
    assert assoc(db, "x", "B2", "projects", "default_project") == \
        ("p2,p1,*", "p2")
    qp("add-user", "-u", "y", "-B", "B2", "--default-project", "p1")
    assert assoc(db, "y", "B2", "projects", "default_project") == \
        ("p1,*", "p1")


def test_add_user_second_bank_keeps_default(tree, db):
    tree("add-user", "-u", "alice", "-B", "B2")
    assert assoc(db, "alice", "B2", "default_bank") == "A"


def test_add_user_unicode_and_quotes(tree, db):
    name = "jösé \"the\" o'neil"
    tree("add-user", "--username", name, "--bank", "B2")
    assert assoc(db, name, "B2", "username") == name
    assert table(tree("view-user", name)[1])[0]["username"] == name
    assert json.loads(tree("view-user", name, "--json")[1])[0]["username"] \
        == name


def test_add_user_already_active(tree, fails):
    fails("add-user", "-u", "alice", "-B", "A",
          match="association alice,A already active in association_table")


def test_add_user_reactivates_ignoring_options(tree, db):
    tree("delete-user", "alice", "A")
    tree("add-user", "-u", "alice", "-B", "A", "--shares", "9")
    assert assoc(db, "alice", "A", "active", "shares") == (1, 1)


@pytest.mark.parametrize("bank,match", [
    ("nope", "Bank nope does not exist in bank_table"),
    ("B", "associations cannot be added to the same parent bank as a "
          "sub-bank"),
    ("root", "same parent bank as a sub-bank"),
])
def test_add_user_bad_bank(tree, fails, bank, match):
    fails("add-user", "-u", "zed", "-B", bank, match=match)


def test_add_user_disabled_bank(tree, fails):
    tree("delete-bank", "B2")
    fails("add-user", "-u", "zed", "-B", "B2", match="disabled")


@pytest.mark.parametrize("opts,match", [
    (["-q", "nq"], "queue nq does not exist in queue_table"),
    (["-q", "q1,nq"], "queue nq does not exist"),
    (["-P", "np"], "project np does not exist in project_table"),
    (["--default-project", "np"], "project np does not exist"),
])
def test_add_user_unknown_queue_project(qp, fails, opts, match):
    fails("add-user", "-u", "zed", "-B", "B2", *opts, match=match)


@pytest.mark.parametrize("opt,value", [
    ("--shares", "-3"), ("--shares", "x"), ("--shares", "1.5"),
    ("--shares", "unlimited"), ("--shares", "99999999999"),
    ("--shares", "99999999999999999999"),
    ("--max-running-jobs", "-2"), ("--max-running-jobs", "many"),
    ("--max-active-jobs", "-7"), ("--max-nodes", "-5"),
    ("--max-cores", "abc"), ("--max-sched-jobs", "3000000000"),
    ("--fairshare", "2"), ("--fairshare", "-0.5"), ("--fairshare", "half"),
    ("--userid", "-5"), ("--userid", "x"), ("--userid", "4294967296"),
])
def test_add_user_bad_values(tree, fails, opt, value):
    err = fails("add-user", "-u", "zed", "-B", "B2", opt, value, rc=USAGE)
    column = opt.lstrip("-").replace("-", "_")
    assert value in err and (opt in err or column in err), err


@pytest.mark.parametrize("args", [
    ["-u", "zed"], ["-B", "A"], [], ["-u", "zed", "-B", "A", "extra"],
    ["-u"],
])
def test_add_user_missing_arguments(tree, fails, args):
    fails("add-user", *args, rc=USAGE, match="add-user")


def test_add_user_overlong_name(tree, fails):
    fails("add-user", "-u", "u" * 256, "-B", "A", rc=USAGE,
          match="longer than 255 bytes")
    tree("add-user", "-u", "u" * 255, "-B", "A")


# ---- delete-user -----------------------------------------------------------------


def test_delete_user_disables(tree, db):
    assert tree("delete-user", "bob", "A") == (0, "", "")
    assert assoc(db, "bob", "A", "active") == 0
    assert query(db, "SELECT COUNT(*) FROM job_usage_factor_table "
                     "WHERE username='bob'") == [(1,)]


def test_delete_user_force(tree, db):
    tree("delete-user", "--force", "bob", "A")
    assert query(db, "SELECT COUNT(*) FROM association_table "
                     "WHERE username='bob'") == [(0,)]
    assert query(db, "SELECT COUNT(*) FROM job_usage_factor_table "
                     "WHERE username='bob'") == [(0,)]
    tree("view-user", "bob", rc=FAIL)


def test_delete_user_force_disabled_row(tree, db):
    tree("delete-user", "bob", "A")
    tree("delete-user", "bob", "A", "--force")
    assert query(db, "SELECT COUNT(*) FROM association_table "
                     "WHERE username='bob'") == [(0,)]


def test_delete_user_default_bank_reassigned(tree, db):
    tree("add-user", "-u", "alice", "-B", "B2")
    tree("add-user", "-u", "alice", "-B", "B1")
    tree("delete-user", "alice", "A")
    # the earliest-created remaining active association becomes the default
    assert query(db, "SELECT bank, active, default_bank FROM "
                     "association_table WHERE username='alice' "
                     "ORDER BY bank") == [("A", 0, "B2"), ("B1", 1, "B2"),
                                          ("B2", 1, "B2")]


def test_delete_user_force_default_bank_reassigned(tree, db):
    tree("add-user", "-u", "alice", "-B", "B2")
    tree("delete-user", "alice", "A", "--force")
    assert query(db, "SELECT bank, default_bank FROM association_table "
                     "WHERE username='alice'") == [("B2", "B2")]


def test_delete_user_non_default_keeps_default(tree, db):
    tree("add-user", "-u", "alice", "-B", "B2")
    tree("delete-user", "alice", "B2")
    assert assoc(db, "alice", "A", "default_bank") == "A"


@pytest.mark.parametrize("user,bank,match", [
    ("nobody", "A", "user nobody in bank A not found in association_table"),
    ("alice", "B2", "user alice in bank B2 not found"),
    ("alice", "nope", "user alice in bank nope not found"),
])
def test_delete_user_unknown(tree, fails, user, bank, match):
    fails("delete-user", user, bank, match=match)
    fails("delete-user", user, bank, "--force", match=match)


@pytest.mark.parametrize("args", [[], ["alice"], ["alice", "A", "B"]])
def test_delete_user_arguments(tree, fails, args):
    fails("delete-user", *args, rc=USAGE, match="delete-user")


# ---- edit-user -------------------------------------------------------------------


def test_edit_user_all_banks(tree, db):
    tree("add-user", "-u", "alice", "-B", "B2")
    tree("edit-user", "alice", "--shares", "5", "--max-running-jobs", "8")
    assert query(db, "SELECT bank, shares, max_running_jobs FROM "
                     "association_table WHERE username='alice' ORDER BY bank") \
        == [("A", 5, 8), ("B2", 5, 8)]


def test_edit_user_one_bank(tree, db):
    tree("add-user", "-u", "alice", "-B", "B2")
    tree("edit-user", "alice", "-B", "B2", "--shares", "5")
    assert assoc(db, "alice", "A", "shares") == 1
    assert assoc(db, "alice", "B2", "shares") == 5


def test_edit_user_updates_mod_time(tree, db):
    before = assoc(db, "bob", "A", "mod_time")
    tree("edit-user", "bob", "--fairshare", "0.1")
    assert assoc(db, "bob", "A", "mod_time") >= before
    assert assoc(db, "bob", "A", "fairshare") == 0.1


def test_edit_user_fields(qp, db):
    qp("edit-user", "bob", "--userid", "4242", "--fairshare", "0.75",
       "--max-active-jobs", "20", "-N", "8", "-c", "128",
       "--max-sched-jobs", "3", "-q", "q1,q3", "-P", "p1",
       "--default-project", "p1")
    row = dict(zip(ASSOC_COLUMNS, assoc(db, "bob", "A")))
    assert (row["userid"], row["fairshare"], row["max_active_jobs"],
            row["max_nodes"], row["max_cores"], row["max_sched_jobs"]) == \
        (4242, 0.75, 20, 8, 128, 3)
    assert (row["queues"], row["projects"], row["default_project"]) == \
        ("q1,q3", "p1,*", "p1")
    # the usage table follows the new userid
    assert query(db, "SELECT userid FROM job_usage_factor_table "
                     "WHERE username='bob'") == [(4242,)]


def test_edit_user_userid_one_bank(tree, db):
    tree("add-user", "-u", "alice", "-B", "B2", "-i", "1001")
    tree("edit-user", "alice", "-B", "B2", "--userid", "5")
    assert query(db, "SELECT bank, userid FROM association_table "
                     "WHERE username='alice' ORDER BY bank") == \
        [("A", 1001), ("B2", 5)]
    # the usage table agrees row by row
    assert query(db, "SELECT bank, userid FROM job_usage_factor_table "
                     "WHERE username='alice' ORDER BY bank") == \
        [("A", 1001), ("B2", 5)]
    tree("edit-user", "alice", "--userid", "7")
    assert query(db, "SELECT DISTINCT userid FROM job_usage_factor_table "
                     "WHERE username='alice'") == [(7,)]


def test_edit_user_resets_with_minus_one(qp, db):
    qp("edit-user", "bob", "--shares", "9", "--fairshare", "0.9",
       "--max-running-jobs", "9", "--max-active-jobs", "9", "-N", "9",
       "-c", "9", "--max-sched-jobs", "9", "-q", "q1", "-P", "p1")
    qp("edit-user", "bob", "--shares", "-1", "--fairshare", "-1",
       "--max-running-jobs", "-1", "--max-active-jobs", "-1", "-N", "-1",
       "-c", "-1", "--max-sched-jobs", "-1", "-q", "-1", "-P", "-1")
    row = dict(zip(ASSOC_COLUMNS, assoc(db, "bob", "A")))
    assert (row["shares"], row["fairshare"], row["max_running_jobs"],
            row["max_active_jobs"], row["max_nodes"], row["max_cores"],
            row["max_sched_jobs"]) == (1, 0.5, 5, 7, INT_MAX, INT_MAX,
                                       INT_MAX)
    assert (row["queues"], row["projects"]) == ("", "*")


def test_edit_user_default_project_reset(qp, db):
    qp("edit-user", "bob", "-P", "p1,p2", "--default-project", "p2")
    qp("edit-user", "bob", "--default-project", "-1")
    assert assoc(db, "bob", "A", "projects", "default_project") == \
        ("p1,p2,*", "*")


@pytest.mark.parametrize("opt", ["--max-running-jobs", "--max-active-jobs",
                                 "--max-nodes", "--max-cores",
                                 "--max-sched-jobs"])
def test_edit_user_unlimited(tree, db, opt):
    tree("edit-user", "bob", opt, "3")
    tree("edit-user", "bob", opt, "unlimited")
    col = opt.lstrip("-").replace("-", "_")
    assert assoc(db, "bob", "A", col) == INT_MAX
    assert table(tree("view-user", "bob", "--fields", col)[1])[0][col] == \
        "unlimited"


def test_edit_user_add_delete_queue(qp, db):
    qp("edit-user", "bob", "-q", "q1")
    qp("edit-user", "bob", "--add-queue", "q2,q3")
    assert assoc(db, "bob", "A", "queues") == "q1,q2,q3"
    qp("edit-user", "bob", "--add-queue", "q2")          # no duplicates
    assert assoc(db, "bob", "A", "queues") == "q1,q2,q3"
    qp("edit-user", "bob", "--delete-queue", "q1,q3")
    assert assoc(db, "bob", "A", "queues") == "q2"
    qp("edit-user", "bob", "--add-queue", "q1", "--delete-queue", "q2")
    assert assoc(db, "bob", "A", "queues") == "q1"


def test_edit_user_queue_conflicts(qp, fails):
    fails("edit-user", "bob", "-q", "q1", "--add-queue", "q2", rc=USAGE,
          match="cannot specify --queues with --add-queue or --delete-queue")
    fails("edit-user", "bob", "-q", "q1", "--delete-queue", "q2", rc=USAGE,
          match="cannot specify --queues")
    fails("edit-user", "bob", "--add-queue", "q1,q2", "--delete-queue",
          "q3,q2", rc=USAGE,
          match=["cannot pass queue to both --add-queue and --delete-queue",
                 "q2"])


def test_edit_user_add_unknown_queue(qp, fails):
    fails("edit-user", "bob", "--add-queue", "nq",
          match="queue nq does not exist in queue_table")
    fails("edit-user", "bob", "-q", "q1,nq", match="queue nq does not exist")
    fails("edit-user", "bob", "-P", "np",
          match="project np does not exist in project_table")


def test_edit_user_default_bank(tree, db):
    tree("add-user", "-u", "alice", "-B", "B2")
    tree("edit-user", "alice", "--default-bank", "B2")
    assert query(db, "SELECT DISTINCT default_bank FROM association_table "
                     "WHERE username='alice'") == [("B2",)]


def test_edit_user_default_bank_errors(tree, fails):
    fails("edit-user", "alice", "--default-bank", "-1", rc=USAGE,
          match="default bank cannot be reset with -1; please specify a "
                "value")
    fails("edit-user", "alice", "--default-bank", "B2",
          match=["alice", "B2"])
    fails("edit-user", "alice", "--default-bank", "nope", match="nope")


def test_edit_user_default_bank_failure_is_atomic(tree, fails):
    tree("add-user", "-u", "alice", "-B", "B2")
    fails("edit-user", "alice", "--shares", "5", "--default-bank", "nope",
          match="nope")


def test_edit_user_default_bank_disabled_association(tree, fails):
    tree("add-user", "-u", "alice", "-B", "B2")
    tree("delete-user", "alice", "B2")
    fails("edit-user", "alice", "--default-bank", "B2", match="B2")


def test_edit_user_errors(tree, fails):
    fails("edit-user", "alice", rc=USAGE,
          match="no fields provided for update")
    fails("edit-user", "nobody", "--shares", "3",
          match="user nobody not found in association_table")
    fails("edit-user", "alice", "-B", "B2", "--shares", "3",
          match="user alice in bank B2 not found in association_table")
    fails("edit-user", rc=USAGE, match="edit-user")
    fails("edit-user", "alice", "bob", "--shares", "3", rc=USAGE,
          match="edit-user")


@pytest.mark.parametrize("opt,value", [
    ("--shares", "-2"), ("--shares", "unlimited"), ("--shares", "abc"),
    ("--max-running-jobs", "-5"), ("--max-nodes", "1e3"),
    ("--fairshare", "1.5"), ("--fairshare", "x"), ("--userid", "-3"),
    ("--max-cores", "99999999999"),
])
def test_edit_user_bad_values(tree, fails, opt, value):
    err = fails("edit-user", "alice", opt, value, rc=USAGE)
    assert value in err


def test_edit_user_failure_is_atomic(qp, fails, db):
    qp("add-user", "-u", "alice", "-B", "B2")
    # the second row's bank does not matter: the queue check fails first,
    # and nothing of the other fields is written
    fails("edit-user", "alice", "--shares", "5", "-q", "nq",
          match="queue nq does not exist")


# ---- edit-all-users ------------------------------------------------------------


def test_edit_all_users(tree, db):
    tree("edit-all-users", "--max-running-jobs", "9", "--shares", "2")
    assert query(db, "SELECT DISTINCT max_running_jobs, shares FROM "
                     "association_table") == [(9, 2)]


def test_edit_all_users_bank_moves_everyone(tree, db):
    """--bank sets the bank column of every row, as in flux-accounting
    (issue 16); the usage rows move along and the bank becomes the
    default."""
    tree("edit-all-users", "-B", "B2", "--max-active-jobs", "unlimited")
    assert query(db, "SELECT username, bank, default_bank, max_active_jobs "
                     "FROM association_table ORDER BY username") == [
        ("alice", "B2", "B2", INT_MAX), ("bob", "B2", "B2", INT_MAX),
        ("carol", "B2", "B2", INT_MAX)]
    assert query(db, "SELECT DISTINCT bank FROM job_usage_factor_table") == [
        ("B2",)]


def test_edit_all_users_bank_refusals(tree, fails):
    fails("edit-all-users", "--bank", "B", match="sub-bank")
    fails("edit-all-users", "--bank", "nope", match="nope does not exist")
    tree("add-user", "-u", "alice", "-B", "B1")
    fails("edit-all-users", "--bank", "B2",
          match="user alice has more than one association")


def test_edit_all_users_default_bank(tree, db, fails):
    fails("edit-all-users", "--default-bank", "B1",
          match="user alice has no active association in bank B1")
    fails("edit-all-users", "--default-bank", "-1", rc=USAGE,
          match="cannot be reset")
    tree("add-user", "-u", "alice", "-B", "B1")
    tree("add-user", "-u", "bob", "-B", "B1")
    tree("edit-all-users", "--default-bank", "B1")
    assert query(db, "SELECT DISTINCT default_bank FROM "
                     "association_table") == [("B1",)]


def test_edit_all_users_reset(qp, db):
    qp("edit-all-users", "--max-nodes", "4", "-q", "q1", "-P", "p1")
    qp("edit-all-users", "--max-nodes", "-1", "-q", "-1", "-P", "-1")
    assert query(db, "SELECT DISTINCT max_nodes, queues, projects FROM "
                     "association_table") == [(INT_MAX, "", "*")]


def test_edit_all_users_errors(qp, fails):
    fails("edit-all-users", rc=USAGE, match="no fields provided for update")
    fails("edit-all-users", "-B", "nope", "--shares", "2",
          match="Bank nope does not exist in bank_table")
    fails("edit-all-users", "--shares", "-4", rc=USAGE, match="-4")
    fails("edit-all-users", "-q", "nq", match="queue nq does not exist")
    for opt in ("--add-queue", "--delete-queue",
                "--userid", "--username"):
        fails("edit-all-users", opt, "x", rc=USAGE, match=opt)
    fails("edit-all-users", "extra", "--shares", "2", rc=USAGE,
          match="edit-all-users")


# ---- view-user ---------------------------------------------------------------------


def test_view_user_table(tree):
    tree("add-user", "-u", "alice", "-B", "B2")
    out = tree("view-user", "alice")[1]
    rows = table(out)
    assert list(rows[0]) == ASSOC_COLUMNS
    assert [(r["bank"], r["active"], r["max_nodes"]) for r in rows] == \
        [("A", "true", "unlimited"), ("B2", "true", "unlimited")]


def test_view_user_json(tree):
    data = json.loads(tree("view-user", "alice", "--json")[1])
    assert len(data) == 1 and list(data[0]) == ASSOC_COLUMNS
    assert data[0]["username"] == "alice" and data[0]["userid"] == 1001
    assert data[0]["active"] == 1 and data[0]["fairshare"] == 0.5


def test_view_user_json_keeps_limits_numeric(tree):
    # decision (README, "Differences from flux-accounting"): JSON keeps
    # 2147483647 as a number so every value of a column has one type
    data = json.loads(tree("view-user", "alice", "--json")[1])
    assert data[0]["max_nodes"] == 2147483647


def test_view_user_parsable(tree):
    out = tree("view-user", "carol", "--parsable")[1]
    rows = parsable(out)
    assert list(rows[0]) == ASSOC_COLUMNS
    assert rows[0]["bank"] == "B1" and rows[0]["max_nodes"] == str(INT_MAX)
    assert rows[0]["active"] == "1"


def test_view_user_fields_and_format(tree):
    assert table(tree("view-user", "bob", "--fields", "bank,shares")[1]) == \
        [{"bank": "A", "shares": "1"}]
    assert tree("view-user", "bob", "-o", "{username}@{bank}")[1] == \
        "username@bank\nbob@A\n"


def test_view_user_list_banks(tree):
    tree("add-user", "-u", "alice", "-B", "B2")
    tree("add-user", "-u", "alice", "-B", "B1")
    assert tree("view-user", "alice", "--list-banks") == (0, "A\nB1\nB2\n",
                                                          "")


def test_view_user_shows_inactive(tree):
    tree("delete-user", "bob", "A")
    assert table(tree("view-user", "bob")[1])[0]["active"] == "false"


def test_view_user_errors(tree, fails):
    fails("view-user", "nobody",
          match="user nobody not found in association_table")
    fails("view-user", "nobody", "--list-banks", match="user nobody")
    fails("view-user", "bob", "--fields", "bank,nope", rc=USAGE,
          match="invalid fields: nope")
    fails("view-user", "bob", "-o", "{nope}", rc=USAGE,
          match="Invalid column name in format string: nope")
    fails("view-user", rc=USAGE, match="view-user")
    fails("view-user", "bob", "--json", "--parsable", rc=USAGE,
          match="mutually exclusive")


# ---- list-users ----------------------------------------------------------------------


def names(out):
    return [(r["username"], r["bank"]) for r in table(out)]


@pytest.fixture
def many(qp):
    qp("add-user", "-u", "alice", "-B", "B2", "-q", "q1,q2", "--shares", "3")
    qp("add-user", "-u", "dave", "-B", "B2", "-q", "q3", "-P", "p1",
       "-N", "10")
    qp("edit-user", "bob", "-q", "q2", "-P", "p2")
    qp("delete-user", "carol", "B1")
    return qp


def test_list_users_all(many):
    out = many("list-users")[1]
    assert list(table(out)[0]) == ASSOC_COLUMNS
    assert names(out) == [("alice", "A"), ("alice", "B2"), ("bob", "A"),
                          ("carol", "B1"), ("dave", "B2")]


@pytest.mark.parametrize("filters,expected", [
    (["--active", "1"], [("alice", "A"), ("alice", "B2"), ("bob", "A"),
                         ("dave", "B2")]),
    (["--active", "false"], [("carol", "B1")]),
    (["-P", "p1"], [("dave", "B2")]),
    (["-B", "A"], [("alice", "A"), ("bob", "A")]),
    (["--bank", "A,B1"], [("alice", "A"), ("bob", "A"), ("carol", "B1")]),
    (["--shares", "3"], [("alice", "B2")]),
    (["--shares", "1,3", "-B", "B2"], [("alice", "B2"), ("dave", "B2")]),
    (["-N", "10"], [("dave", "B2")]),
    (["--max-nodes", "10,2147483647", "-B", "B1"], [("carol", "B1")]),
    (["-q", "q2"], [("alice", "B2"), ("bob", "A")]),
    (["--queues", "q3,q1"], [("alice", "B2"), ("dave", "B2")]),
    (["--projects", "p1"], [("dave", "B2")]),
    (["--default-project", "p1"], [("dave", "B2")]),
    (["--max-running-jobs", "5", "--active", "true", "-B", "A"],
     [("alice", "A"), ("bob", "A")]),
    (["--max-active-jobs", "8"], []),
    (["--max-sched-jobs", "2147483647", "-q", "q3"], [("dave", "B2")]),
    (["-c", "2147483647", "--shares", "3"], [("alice", "B2")]),
    (["-B", "nope"], []),
])
def test_list_users_filters(many, filters, expected):
    assert names(many("list-users", *filters)[1]) == expected


def test_list_users_output_modes(many):
    data = json.loads(many("list-users", "-j", "-B", "B2")[1])
    assert [d["username"] for d in data] == ["alice", "dave"]
    assert list(data[0]) == ASSOC_COLUMNS
    out = many("list-users", "-f", "username,bank,queues", "--parsable",
               "-B", "B2")[1]
    assert out == "username|bank|queues\nalice|B2|q1,q2\ndave|B2|q3\n"
    out = many("list-users", "--fields", "username", "-B", "A")[1]
    assert table(out) == [{"username": "alice"}, {"username": "bob"}]
    out = many("list-users", "-o", "{username}:{queues}", "-B", "B2")[1]
    assert out == "username:queues\nalice:q1,q2\ndave:q3\n"


def test_list_users_errors(many, fails):
    fails("list-users", "-f", "username,nope", rc=USAGE,
          match="invalid fields: nope")
    fails("list-users", "-o", "{bogus}", rc=USAGE,
          match="Invalid column name in format string: bogus")
    fails("list-users", "extra", rc=USAGE, match="list-users")
    fails("list-users", "--json", "--parsable", rc=USAGE,
          match="mutually exclusive")


def test_list_users_empty(run):
    out = run("list-users")[1]
    assert table(out) == []
    assert json.loads(run("list-users", "--json")[1]) == []
