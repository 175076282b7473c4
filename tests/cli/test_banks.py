"""add-bank, view-bank, edit-bank, delete-bank, list-banks, print-hierarchy."""
import json

import pytest

from conftest import FAIL, USAGE, parsable, query, table

BANK_COLUMNS = ["bank_id", "bank", "active", "parent_bank", "shares",
                "job_usage", "priority", "ignore_older_than", "allocation",
                "allocation_used", "allocation_remaining",
                "allocation_percent", "allocation_start", "allocation_period",
                "allocation_window"]
NO_ALLOCATION = {"allocation": 0.0, "allocation_used": 0.0,
                 "allocation_remaining": None, "allocation_percent": None,
                 "allocation_start": 0, "allocation_period": 0,
                 "allocation_window": -1}
ODD = "dépt \"x\" 'y'"


def banks(run, *opts):
    return {b["bank"]: b for b in json.loads(run("list-banks", "--json",
                                                 *opts)[1])}


# ---- add-bank ----------------------------------------------------------------


def test_add_root_and_children(run, db):
    assert run("add-bank", "root", "1") == (0, "", "")
    run("add-bank", "--parent-bank", "root", "A", "5")
    run("add-bank", "--parent-bank", "root", "B")       # shares default 1
    rows = query(db, "SELECT bank, active, parent_bank, shares, priority, "
                     "ignore_older_than FROM bank_table ORDER BY bank_id")
    assert rows == [("root", 1, "", 1, 0.0, 0), ("A", 1, "root", 5, 0.0, 0),
                    ("B", 1, "root", 1, 0.0, 0)]


def test_add_bank_priority_and_ignore_older_than(run, db):
    run("add-bank", "root", "1", "--priority", "2.5",
        "--ignore-older-than", "2025-01-01")
    assert query(db, "SELECT priority, ignore_older_than FROM bank_table") == \
        [(2.5, 1735689600)]


def test_add_bank_epoch_ignore_older_than(run, db):
    run("add-bank", "root", "--ignore-older-than", "1700000000")
    assert query(db, "SELECT ignore_older_than FROM bank_table") == \
        [(1700000000,)]


def test_second_root_refused(run, fails):
    run("add-bank", "root", "1")
    fails("add-bank", "other", "1", match="bank_table already has a root bank")


def test_duplicate_bank_refused(tree, fails):
    fails("add-bank", "--parent-bank", "root", "A", "1",
          match="bank A already exists in bank_table")
    # unique across the tree, not only among siblings
    fails("add-bank", "--parent-bank", "B", "A", "1",
          match="bank A already exists")
    fails("add-bank", "root", "1", match="root")


def test_unknown_parent_refused(run, fails):
    run("add-bank", "root", "1")
    fails("add-bank", "--parent-bank", "nope", "X", "1",
          match="parent bank nope not found")


def test_bank_under_bank_with_associations_refused(tree, fails):
    fails("add-bank", "--parent-bank", "A", "A1", "1",
          match=["banks cannot be added to a bank that currently has "
                 "associations", "A"])


def test_bank_under_bank_with_disabled_association_refused(tree, fails):
    tree("delete-user", "alice", "A")
    tree("delete-user", "bob", "A")
    fails("add-bank", "--parent-bank", "A", "A1", "1",
          match="currently has associations")


def test_bank_under_disabled_parent_refused(tree, fails):
    tree("delete-bank", "B")
    fails("add-bank", "--parent-bank", "B", "B3", "1", match="disabled")


def test_bank_own_parent_refused(run, fails):
    run("add-bank", "root", "1")
    fails("add-bank", "--parent-bank", "X", "X", "1", rc=USAGE,
          match="own parent")


@pytest.mark.parametrize("shares", ["-1", "-5", "abc", "1.5", "", "1x",
                                    "99999999999999999999"])
def test_add_bank_bad_shares(run, fails, shares):
    run("add-bank", "root", "1")
    err = fails("add-bank", "--parent-bank", "root", "X", shares, rc=USAGE)
    # the message names the offending value (or the option it looked like)
    assert shares in err


@pytest.mark.parametrize("opt,value", [
    ("--priority", "abc"), ("--priority", "inf"), ("--priority", "nan"),
    ("--ignore-older-than", "yesterday-ish"),
    ("--ignore-older-than", "-5"),
])
def test_add_bank_bad_option_values(run, fails, opt, value):
    run("add-bank", "root", "1")
    fails("add-bank", "--parent-bank", "root", "X", opt, value, rc=USAGE,
          match=opt)


@pytest.mark.parametrize("args", [[], ["a", "1", "extra"]])
def test_add_bank_wrong_arguments(run, fails, args):
    fails("add-bank", *args, rc=USAGE, match="add-bank")


def test_add_bank_missing_option_value(run, fails):
    fails("add-bank", "X", "--parent-bank", rc=USAGE, match="parent-bank")


def test_unicode_and_quotes_stored_literally(run, db):
    run("add-bank", "root", "1")
    run("add-bank", "--parent-bank", "root", ODD, "2")
    assert query(db, "SELECT bank FROM bank_table WHERE parent_bank='root'") \
        == [(ODD,)]
    assert json.loads(run("view-bank", ODD, "--json")[1])[0]["bank"] == ODD
    assert parsable(run("view-bank", ODD, "--parsable")[1])[0]["bank"] == ODD
    assert table(run("list-banks")[1])[1]["bank"] == ODD
    run("add-user", "--username", "jösé 'q'", "--bank", ODD)
    assert run("view-user", "jösé 'q'", "--list-banks")[1] == ODD + "\n"


def test_unicode_table_alignment(run):
    run("add-bank", "root", "1")
    run("add-bank", "--parent-bank", "root", ODD, "2")
    lines = run("list-banks", "--fields", "bank,shares")[1].splitlines()
    # every ' | ' separator in the same character column
    assert len({line.index("|") for line in lines if "|" in line}) == 1
    assert lines[3] == f"{ODD} | 2"


def test_name_of_255_bytes_accepted_256_refused(run, fails, db):
    run("add-bank", "root", "1")
    ok = "é" * 127 + "x"                 # 255 bytes
    assert len(ok.encode()) == 255
    run("add-bank", "--parent-bank", "root", ok)
    assert query(db, "SELECT COUNT(*) FROM bank_table WHERE bank=?",
                 (ok,)) == [(1,)]
    fails("add-bank", "--parent-bank", "root", "b" * 256, rc=USAGE,
          match="longer than 255 bytes")
    fails("add-bank", "--parent-bank", "root", "é" * 128, rc=USAGE,
          match="longer than 255 bytes")


@pytest.mark.parametrize("name,match", [
    ("", "empty"),
    ("tab\there", "control character"),
    ("new\nline", "control character"),
    ("c,d", "comma"),
])
def test_bad_bank_names(run, fails, name, match):
    run("add-bank", "root", "1")
    fails("add-bank", "--parent-bank", "root", name, rc=USAGE, match=match)


def test_readd_disabled_bank_reactivates(tree, db):
    tree("delete-bank", "B2")
    assert query(db, "SELECT active FROM bank_table WHERE bank='B2'") == [(0,)]
    tree("add-bank", "--parent-bank", "B", "B2", "4")
    assert query(db, "SELECT active, bank_id FROM bank_table "
                     "WHERE bank='B2'") == [(1, 5)]


def test_readd_disabled_bank_under_disabled_parent_refused(tree, fails, db):
    tree("delete-bank", "B")
    fails("add-bank", "--parent-bank", "B", "B2", "4",
          match="parent bank B is disabled")
    tree("add-bank", "--parent-bank", "root", "B", "2")
    tree("add-bank", "--parent-bank", "B", "B2", "4")
    assert query(db, "SELECT bank, active FROM bank_table ORDER BY bank_id") \
        == [("root", 1), ("A", 1), ("B", 1), ("B1", 0), ("B2", 1)]


def test_readd_disabled_bank_elsewhere_refused(tree, fails):
    tree("delete-bank", "B2")
    fails("add-bank", "--parent-bank", "root", "B2", "4",
          match="bank B2 already exists")


# ---- view-bank ---------------------------------------------------------------


def test_view_bank_table(tree):
    code, out, err = tree("view-bank", "B1")
    rows = table(out)
    assert list(rows[0]) == BANK_COLUMNS
    assert rows == [{"bank_id": "4", "bank": "B1", "active": "true",
                     "parent_bank": "B", "shares": "3", "job_usage": "0.0",
                     "priority": "0.0", "ignore_older_than": "0",
                     "allocation": "0.0", "allocation_used": "0.0",
                     "allocation_remaining": "", "allocation_percent": "",
                     "allocation_start": "0", "allocation_period": "0",
                     "allocation_window": "-1"}]
    assert out.splitlines()[0].startswith(
        "bank_id | bank | active | parent_bank | shares | job_usage | "
        "priority | ignore_older_than | allocation | allocation_used | "
        "allocation_remaining | allocation_percent")


def test_view_bank_json(tree):
    data = json.loads(tree("view-bank", "A", "--json")[1])
    assert data == [{"bank_id": 2, "bank": "A", "active": 1,
                     "parent_bank": "root", "shares": 1, "job_usage": 0.0,
                     "priority": 0.0, "ignore_older_than": 0,
                     **NO_ALLOCATION}]


def test_view_bank_json_short_option(tree):
    assert tree("view-bank", "A", "-j") == tree("view-bank", "A", "--json")


def test_view_bank_parsable(tree):
    out = tree("view-bank", "root", "--parsable")[1]
    assert out == ("bank_id|bank|active|parent_bank|shares|job_usage|"
                   "priority|ignore_older_than|allocation|allocation_used|"
                   "allocation_remaining|allocation_percent|allocation_start|"
                   "allocation_period|allocation_window\n"
                   "1|root|1||1|0.0|0.0|0|0.0|0.0|||0|0|-1\n")


def test_view_bank_fields(tree):
    out = tree("view-bank", "B", "--fields", "shares,bank")[1]
    assert table(out) == [{"shares": "2", "bank": "B"}]
    data = json.loads(tree("view-bank", "B", "--fields", "bank,parent_bank",
                           "--json")[1])
    assert data == [{"bank": "B", "parent_bank": "root"}]


def test_view_bank_invalid_fields(tree, fails):
    fails("view-bank", "A", "--fields", "bank,nope,zz", rc=USAGE,
          match="invalid fields: nope, zz")


def test_view_bank_format(tree):
    out = tree("view-bank", "B", "-o", "{bank}:{shares}:{parent_bank}")[1]
    assert out == "bank:shares:parent_bank\nB:2:root\n"
    out = tree("view-bank", "B", "--format", "{bank:>4}|{shares:3}|")[1]
    assert out == "bank|shares|\n   B|  2|\n"


def test_view_bank_format_unknown_column(tree, fails):
    err = fails("view-bank", "B", "-o", "x {bank} {nope}", rc=USAGE,
                match="Invalid column name in format string: nope.")
    assert "Available columns: " + ",".join(BANK_COLUMNS) in err


def test_view_bank_format_unterminated(tree, fails):
    fails("view-bank", "B", "-o", "{bank} {shares", rc=USAGE,
          match="invalid format string")


def test_view_bank_output_modes_exclusive(tree, fails):
    fails("view-bank", "B", "--json", "--parsable", rc=USAGE,
          match="mutually exclusive")
    fails("view-bank", "B", "--json", "-o", "{bank}", rc=USAGE,
          match="mutually exclusive")


def test_view_bank_unknown(tree, fails):
    fails("view-bank", "nope", match="bank nope not found in bank_table")
    fails("view-bank", "nope", "-t", match="bank nope not found")
    fails("view-bank", "nope", "-u", match="bank nope not found")


def test_view_bank_missing_argument(tree, fails):
    fails("view-bank", rc=USAGE, match="view-bank")


TREE_HEADER = ("Bank                            Username              Active"
               "           RawShares            RawUsage           Fairshare")


def test_view_bank_tree(tree):
    out = tree("view-bank", "root", "-t")[1]
    lines = out.split("\n")
    assert out.endswith("\n") and lines[-1] == ""
    assert lines[0] == TREE_HEADER
    exp = [
        "root".ljust(20) + "".rjust(20) + "true".rjust(20) + "1".rjust(20)
        + "0.0".rjust(20),
        " A".ljust(20) + "".rjust(20) + "true".rjust(20) + "1".rjust(20)
        + "0.0".rjust(20),
        "  A".ljust(20) + "alice".rjust(20) + "true".rjust(20)
        + "1".rjust(20) + "0.0".rjust(20) + "0.5".rjust(20),
        "  A".ljust(20) + "bob".rjust(20) + "true".rjust(20)
        + "1".rjust(20) + "0.0".rjust(20) + "0.5".rjust(20),
        " B".ljust(20) + "".rjust(20) + "true".rjust(20) + "2".rjust(20)
        + "0.0".rjust(20),
        "  B1".ljust(20) + "".rjust(20) + "true".rjust(20) + "3".rjust(20)
        + "0.0".rjust(20),
        "   B1".ljust(20) + "carol".rjust(20) + "true".rjust(20)
        + "1".rjust(20) + "0.0".rjust(20) + "0.5".rjust(20),
        "  B2".ljust(20) + "".rjust(20) + "true".rjust(20) + "4".rjust(20)
        + "0.0".rjust(20),
    ]
    assert lines[1:-1] == exp


def test_view_bank_tree_subtree(tree):
    out = tree("view-bank", "B", "--tree")[1]
    names = [line[:20].rstrip() for line in out.splitlines()[1:]]
    assert names == ["B", " B1", "  B1", " B2"]


def test_view_bank_tree_parsable(tree):
    out = tree("view-bank", "root", "-t", "-P")[1]
    assert out == ("Bank|Username|Active|RawShares|RawUsage|Fairshare\n"
                   "root||true|1|0.0\n"
                   " A||true|1|0.0\n"
                   "  A|alice|true|1|0.0|0.5\n"
                   "  A|bob|true|1|0.0|0.5\n"
                   " B||true|2|0.0\n"
                   "  B1||true|3|0.0\n"
                   "   B1|carol|true|1|0.0|0.5\n"
                   "  B2||true|4|0.0\n")


def test_view_bank_tree_active_filter(tree):
    tree("delete-user", "bob", "A")
    out = tree("view-bank", "A", "-t", "-P")[1]
    assert " A|bob|false|1|0.0|0.5\n" in out
    out = tree("view-bank", "A", "-t", "-P", "-A")[1]
    assert "bob" not in out and " A|alice|true|1|0.0|0.5\n" in out
    out = tree("view-bank", "A", "--tree", "--active")[1]
    assert "bob" not in out and "alice" in out


def test_view_bank_tree_concise_filter(tree):
    out = tree("view-bank", "A", "-t", "-c")[1]
    # nobody has usage yet
    assert "alice" not in out and "bob" not in out
    assert out.splitlines()[1].startswith("A ")


def test_view_bank_tree_unicode(run):
    run("add-bank", "root", "1")
    run("add-bank", "--parent-bank", "root", "dépt", "1")
    run("add-user", "--username", "jösé", "--bank", "dépt")
    lines = run("view-bank", "root", "-t")[1].splitlines()
    assert lines[2] == " dépt".ljust(20) + "".rjust(20) + "true".rjust(20) \
        + "1".rjust(20) + "0.0".rjust(20)
    assert lines[3] == "  dépt".ljust(20) + "jösé".rjust(20) \
        + "true".rjust(20) + "1".rjust(20) + "0.0".rjust(20) + "0.5".rjust(20)


@pytest.mark.parametrize("opts", [["--json"], ["--fields", "bank"],
                                  ["-o", "{bank}"]])
def test_view_bank_tree_refuses_custom_formatting(tree, fails, opts):
    fails("view-bank", "A", "-t", *opts, rc=USAGE,
          match="--tree option does not support custom formatting")


def test_view_bank_users(tree):
    out = tree("view-bank", "A", "-u")[1]
    bank_part, users_part = out.split("\n\n")
    assert table(bank_part)[0]["bank"] == "A"
    users = table(users_part)
    assert list(users[0]) == ["username", "active", "default_bank", "shares",
                              "job_usage", "fairshare"]
    assert [u["username"] for u in users] == ["alice", "bob"]
    assert users[0] == {"username": "alice", "active": "true",
                        "default_bank": "A", "shares": "1",
                        "job_usage": "0.0", "fairshare": "0.5"}


def test_view_bank_users_none(tree):
    out = tree("view-bank", "B2", "--users")[1]
    assert out.endswith("\n\nno users under B2\n")


def test_view_bank_users_json(tree):
    doc = json.loads(tree("view-bank", "A", "-u", "--json")[1])
    bank, users = doc["bank"], doc["users"]
    assert bank[0]["bank"] == "A"
    assert [u["username"] for u in users] == ["alice", "bob"]


def test_view_bank_users_json_is_one_document(tree):
    json.loads(tree("view-bank", "A", "-u", "--json")[1])


def test_view_bank_users_format(tree):
    # a failing command must not leave part of its data on stdout
    code, out, err = tree("view-bank", "A", "-u", "-o", "{bank}", ok=None)
    assert code == 0 or out == ""


def test_view_bank_users_parsable(tree):
    out = tree("view-bank", "B1", "-u", "-P")[1]
    assert out.splitlines()[2:] == [
        "username|active|default_bank|shares|job_usage|fairshare",
        "carol|1|B1|1|0.0|0.5"]


# ---- list-banks ----------------------------------------------------------------


def test_list_banks(tree):
    rows = table(tree("list-banks")[1])
    assert [r["bank"] for r in rows] == ["root", "A", "B", "B1", "B2"]
    assert list(rows[0]) == BANK_COLUMNS


def test_list_banks_empty(run):
    out = run("list-banks")[1]
    assert out.splitlines()[0].startswith("bank_id | bank")
    assert table(out) == []
    assert json.loads(run("list-banks", "--json")[1]) == []


def test_list_banks_inactive(tree):
    tree("delete-bank", "B")
    assert list(banks(tree)) == ["root", "A"]
    all_banks = banks(tree, "--inactive")
    assert list(all_banks) == ["root", "A", "B", "B1", "B2"]
    assert [all_banks[b]["active"] for b in ("B", "B1", "B2")] == [0, 0, 0]


def test_list_banks_output_modes(tree):
    out = tree("list-banks", "--parsable", "--fields", "bank,parent_bank")[1]
    assert out == ("bank|parent_bank\nroot|\nA|root\nB|root\nB1|B\nB2|B\n")
    out = tree("list-banks", "-o", "{bank_id}-{bank}")[1]
    assert out == "bank_id-bank\n1-root\n2-A\n3-B\n4-B1\n5-B2\n"
    data = json.loads(tree("list-banks", "-j", "--fields", "bank,shares")[1])
    assert data[3] == {"bank": "B1", "shares": 3}


def test_list_banks_bad_fields_and_format(tree, fails):
    fails("list-banks", "--fields", "bank,bogus", rc=USAGE,
          match="invalid fields: bogus")
    fails("list-banks", "-o", "{bogus}", rc=USAGE,
          match="Invalid column name in format string: bogus")
    fails("list-banks", "extra", rc=USAGE, match="list-banks")


# ---- edit-bank -----------------------------------------------------------------


def test_edit_bank_fields(tree, db):
    tree("edit-bank", "A", "--shares", "7", "--priority", "1.5",
         "--ignore-older-than", "1700000000")
    assert query(db, "SELECT shares, priority, ignore_older_than, "
                     "parent_bank FROM bank_table WHERE bank='A'") == \
        [(7, 1.5, 1700000000, "root")]
    tree("edit-bank", "A", "--shares", "0")
    assert query(db, "SELECT shares FROM bank_table WHERE bank='A'") == [(0,)]


def test_edit_bank_ignore_older_than_is_parsed(tree, db):
    tree("edit-bank", "B", "--ignore-older-than", "2025-01-01")
    assert query(db, "SELECT ignore_older_than FROM bank_table "
                     "WHERE bank='B'") == [(1735689600,)]


def test_edit_bank_move(tree, db):
    tree("edit-bank", "B2", "--parent-bank", "root")
    assert query(db, "SELECT parent_bank FROM bank_table WHERE bank='B2'") \
        == [("root",)]
    names = [line[:20].rstrip()
             for line in tree("view-bank", "root", "-t")[1].splitlines()[1:]]
    assert names == ["root", " A", "  A", "  A", " B", "  B1", "   B1",
                     " B2"]


def test_edit_bank_move_subtree(tree, db):
    tree("add-bank", "--parent-bank", "B2", "C", "1")
    tree("add-bank", "--parent-bank", "root", "E", "1")
    tree("edit-bank", "B2", "--parent-bank", "E")
    out = tree("view-bank", "E", "-t", "-P")[1]
    assert out.splitlines()[1:] == ["E||true|1|0.0", " B2||true|4|0.0",
                                    "  C||true|1|0.0"]
    assert " B2|" not in tree("view-bank", "B", "-t", "-P")[1]


@pytest.mark.parametrize("bank,parent,match", [
    ("B", "B1", "inside its subtree"),        # cycle through a child
    ("B", "B", "inside its subtree"),         # its own parent
    ("root", "A", "root bank root cannot be moved"),
    ("B2", "A", "currently has associations"),
    ("B2", "nope", "parent bank nope not found"),
    ("B2", "", "already has a root bank"),
])
def test_edit_bank_bad_moves(tree, fails, bank, parent, match):
    fails("edit-bank", bank, "--parent-bank", parent, match=match)


def test_edit_bank_move_under_disabled_parent_refused(tree, fails):
    tree("add-bank", "--parent-bank", "root", "E", "1")
    tree("delete-bank", "E")
    fails("edit-bank", "B2", "--parent-bank", "E", match="disabled")


def test_edit_bank_deep_cycle_refused(tree, fails):
    tree("add-bank", "--parent-bank", "B2", "C", "1")
    tree("add-bank", "--parent-bank", "C", "D", "1")
    fails("edit-bank", "B", "--parent-bank", "D",
          match="cannot move bank B under D")


def test_edit_bank_unknown(tree, fails):
    fails("edit-bank", "nope", "--shares", "2",
          match="bank nope not found in bank_table")


def test_edit_bank_nothing_to_change(tree, fails):
    fails("edit-bank", "A", rc=USAGE, match="no fields provided for update")


@pytest.mark.parametrize("opt,value", [
    ("--shares", "-2"), ("--shares", "x"), ("--shares", "1.5"),
    ("--priority", "abc"), ("--ignore-older-than", "not a time"),
])
def test_edit_bank_bad_values(tree, fails, opt, value):
    err = fails("edit-bank", "A", f"{opt}={value}", rc=USAGE)
    assert value in err or opt in err


# ---- delete-bank ---------------------------------------------------------------


def test_delete_bank_disables_recursively(tree, db):
    assert tree("delete-bank", "B") == (0, "", "")
    assert query(db, "SELECT bank, active FROM bank_table ORDER BY bank_id") \
        == [("root", 1), ("A", 1), ("B", 0), ("B1", 0), ("B2", 0)]
    assert query(db, "SELECT username, active FROM association_table "
                     "ORDER BY username") == [("alice", 1), ("bob", 1),
                                              ("carol", 0)]


def test_delete_bank_force_recursive(tree, db):
    tree("delete-bank", "B", "--force")
    assert query(db, "SELECT bank FROM bank_table ORDER BY bank_id") == \
        [("root",), ("A",)]
    assert query(db, "SELECT username FROM association_table "
                     "ORDER BY username") == [("alice",), ("bob",)]
    assert query(db, "SELECT username FROM job_usage_factor_table "
                     "ORDER BY username") == [("alice",), ("bob",)]
    tree("view-user", "carol", rc=FAIL)


def test_delete_bank_default_bank_moves(tree, db):
    tree("add-user", "--username", "alice", "--bank", "B2")
    assert query(db, "SELECT DISTINCT default_bank FROM association_table "
                     "WHERE username='alice'") == [("A",)]
    tree("delete-bank", "A")
    assert query(db, "SELECT bank, active, default_bank FROM "
                     "association_table WHERE username='alice' ORDER BY bank") \
        == [("A", 0, "B2"), ("B2", 1, "B2")]


def test_delete_bank_unknown(tree, fails):
    fails("delete-bank", "nope", match="bank nope not found in bank_table")
    fails("delete-bank", "nope", "--force", match="bank nope not found")


def test_delete_bank_arguments(tree, fails):
    fails("delete-bank", rc=USAGE, match="delete-bank")
    fails("delete-bank", "A", "B", rc=USAGE, match="delete-bank")


def test_delete_root_force_empties(tree, db):
    tree("delete-bank", "root", "--force")
    assert query(db, "SELECT COUNT(*) FROM bank_table") == [(0,)]
    assert query(db, "SELECT COUNT(*) FROM association_table") == [(0,)]
    tree("add-bank", "newroot", "1")


# ---- print-hierarchy -------------------------------------------------------------


def test_print_hierarchy_matches_root_tree(tree):
    assert tree("print-hierarchy")[1] == tree("view-bank", "root", "-t")[1]
    assert tree("print-hierarchy", "-P")[1] == \
        tree("view-bank", "root", "-t", "-P")[1]
    assert tree("print-hierarchy", "--parsable")[1] == \
        tree("print-hierarchy", "-P")[1]


def test_print_hierarchy_shows_disabled(tree):
    tree("delete-bank", "B2")
    assert "  B2||false|4|0.0\n" in tree("print-hierarchy", "-P")[1]


def test_print_hierarchy_no_root(run, fails):
    fails("print-hierarchy", match="root bank not found")


def test_print_hierarchy_usage_errors(tree, fails):
    fails("print-hierarchy", "extra", rc=USAGE, match="print-hierarchy")
    fails("print-hierarchy", "--json", rc=USAGE, match="--json")


# ---- allocations (issue 14) --------------------------------------------------


def test_bank_allocation_options(run, db):
    run("add-bank", "root", "1")
    run("add-bank", "--parent-bank", "root", "A", "--allocation", "500000h",
        "--allocation-start", "2026-01-01",   # TZ=UTC here
        "--allocation-period", "90d")
    assert query(db, "SELECT allocation, allocation_start, allocation_period"
                     " FROM bank_table WHERE bank = 'A'") == [
        (1.8e9, 1767225600, 7776000)]
    run("edit-bank", "A", "--allocation", "1000")
    assert query(db, "SELECT allocation FROM bank_table WHERE bank = 'A'") \
        == [(1000.0,)]
    b = banks(run)["A"]
    assert (b["allocation"], b["allocation_used"], b["allocation_remaining"],
            b["allocation_percent"]) == (1000.0, 0.0, 1000.0, 0.0)
    run("edit-bank", "A", "--allocation", "0")
    assert banks(run)["A"]["allocation_remaining"] is None


@pytest.mark.parametrize("opt,value,match", [
    ("--allocation", "lots", "expected weighted units"),
    ("--allocation", "-5", "bank_table.allocation"),
    ("--allocation", "inf", "--allocation"),
    ("--allocation-start", "yesterday-ish", "--allocation-start"),
    ("--allocation-period", "-1d", "--allocation-period"),
    ("--allocation-period", "40000d", "bank_table.allocation_period"),
])
def test_bank_allocation_bad_values(run, fails, opt, value, match):
    run("add-bank", "root", "1")
    fails("edit-bank", "root", opt, value, rc=USAGE, match=match)
