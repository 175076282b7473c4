"""Bank allocations from the command line (issue 14): allocation-report
(table, --hours, --json, -P, -o), export-db/pop-db carrying the allocation
columns (an older CSV without them gets the defaults), edit-config keys,
completion."""
import json

import pytest

from conftest import FAIL, USAGE, query, table
from test_completion import complete
from test_usage_fairshare import T0, jobline

DAY = 86400


@pytest.fixture
def alloc_tree(tree, tmp_path):
    """B has 10 node-hours a day from T0, A 500 node-seconds once, and the
    jobs of A (alice 100 s, bob 2 x 300 s) and B1 (carol 1800 s) ended in
    the first hour."""
    tree("edit-config", f"usage_epoch={T0}")
    tree("edit-bank", "B", "--allocation", "10h", "--allocation-start",
         str(T0), "--allocation-period", "1d")
    tree("edit-bank", "A", "--allocation", "500", "--allocation-start",
         str(T0))
    f = tmp_path / "jobs.jsonl"
    f.write_text("\n".join([jobline(1, 1001, T0 + 100, T0 + 200, bank="A"),
                            jobline(2, 1002, T0 + 100, T0 + 400, 2, bank="A"),
                            jobline(3, 1003, T0 + 200, T0 + 2000, bank="B1")])
                 + "\n")
    tree("import-jobs", str(f))
    tree("update-usage", "--time", str(T0 + 3600))
    return tree


def test_report_json(alloc_tree):
    rows = {r["bank"]: r for r in json.loads(
        alloc_tree("allocation-report", "--json")[1])}
    assert sorted(rows) == ["A", "B"]
    a, b = rows["A"], rows["B"]
    assert (a["allocation"], a["used"], a["remaining"]) == (500, 700, -200)
    assert a["state"] == "exhausted" and a["projected_exhaustion"] is None
    assert a["window_start"] == T0 and a["window_end"] is None
    assert (b["allocation"], b["used"], b["percent"]) == (36000, 1800, 5)
    assert b["window_end"] == T0 + DAY and b["as_of"] == T0 + 3600
    assert b["burn_rate"] == pytest.approx(0.5)            # 1800 in 3600 s
    assert b["projected_exhaustion"] == pytest.approx(T0 + 3600 + 34200 * 2)
    assert b["state"] == "ok"


def test_report_table_and_hours(alloc_tree):
    rows = table(alloc_tree("allocation-report")[1])
    assert [r["bank"] for r in rows] == ["A", "B"]
    b = rows[1]
    assert b["allocation(units)"] == "36000.0" and b["used(units)"] == "1800.0"
    assert b["burn_rate(units/day)"] == "43200.0"
    assert b["window_end"] == "2001-09-10T01:46:40Z"
    assert rows[0]["window_end"] == "never"
    h = table(alloc_tree("allocation-report", "--hours", "B")[1])
    assert (h[0]["allocation(hours)"], h[0]["used(hours)"],
            h[0]["remaining(hours)"]) == ("10.0", "0.5", "9.5")


def test_report_parsable_and_format(alloc_tree):
    out = alloc_tree("allocation-report", "-P", "B")[1].splitlines()
    assert out[0].startswith("bank|allocation|used|remaining|percent|")
    assert out[1].startswith("B|36000.0|1800.0|34200.0|5.0|")
    out = alloc_tree("allocation-report", "-o", "{bank}:{state}")[1]
    assert out.splitlines()[1:] == ["A:exhausted", "B:ok"]


def test_report_errors(alloc_tree, fails):
    fails("allocation-report", "nosuch", rc=FAIL, match="bank nosuch not found")
    fails("allocation-report", "root", rc=FAIL, match="root has no allocation")
    fails("allocation-report", "--hours", "--json", rc=USAGE, match="--hours")


def test_report_empty(tree):
    # data on stdout (none), the message on stderr
    code, out, err = tree("allocation-report")
    assert (code, out) == (0, "")
    assert err == "flux-account: no bank has an allocation\n"
    assert json.loads(tree("allocation-report", "--json")[1]) == []


def test_view_and_list_show_allocation(alloc_tree):
    b = json.loads(alloc_tree("view-bank", "B", "--json")[1])[0]
    assert (b["allocation"], b["allocation_used"], b["allocation_remaining"],
            b["allocation_percent"]) == (36000, 1800, 34200, 5)
    rows = {r["bank"]: r for r in table(alloc_tree("list-banks")[1])}
    assert rows["A"]["allocation_percent"] == "140.0"
    assert rows["root"]["allocation_remaining"] == ""


def test_export_pop_roundtrip(alloc_tree, tmp_path, db):
    out = tmp_path / "csv"
    out.mkdir()
    alloc_tree("export-db", "-d", out)
    header = (out / "bank_table.csv").read_text().splitlines()[0]
    assert "allocation,allocation_start,allocation_period" in header
    db2 = tmp_path / "restored.db"
    alloc_tree("create-db", db2, db=False)
    alloc_tree("-p", db2, "pop-db", "-d", out, db=False)
    sql = ("SELECT bank, allocation, allocation_start, allocation_period, "
           "allocation_used, allocation_window FROM bank_table ORDER BY bank")
    assert query(db2, sql) == query(db, sql)


def test_pop_old_csv_defaults(run, tmp_path):
    """A bank_table.csv of flux-accounting (or libfluxacct before 1003)
    without the allocation columns: no allocation."""
    f = tmp_path / "bank_table.csv"
    f.write_text("bank_id,bank,active,parent_bank,shares,job_usage,priority,"
                 "ignore_older_than\n1,root,1,,1,0,0,0\n2,A,1,root,1,0,0,0\n")
    run("pop-db", "-c", f)
    assert query(run.path, "SELECT bank, allocation, allocation_start, "
                           "allocation_period, allocation_used, "
                           "allocation_window FROM bank_table") == [
        ("root", 0.0, 0, 0, 0.0, -1), ("A", 0.0, 0, 0, 0.0, -1)]


@pytest.mark.parametrize("column,value,match", [
    ("allocation", "-1", "bank_table.allocation"),
    ("allocation", "nan", "bank_table.allocation"),
    ("allocation_start", "1.5", "allocation_start: '1.5' is not an integer"),
    ("allocation_start", "-7", "bank_table.allocation_start"),
    ("allocation_period", "-3", "bank_table.allocation_period"),
    ("allocation_period", "4000000000", "bank_table.allocation_period"),
    ("allocation_window", "-2", "bank_table.allocation_window")])
def test_pop_bad_allocation_value(run, tmp_path, fails, column, value, match):
    cols = ["bank_id", "bank", "active", "parent_bank", "shares",
            "job_usage", "priority", "ignore_older_than", column]
    f = tmp_path / "bank_table.csv"
    f.write_text(",".join(cols) + "\n1,root,1,,1,0,0,0," + value + "\n")
    fails("pop-db", "-c", f, match=match)


def test_edit_config_keys(run, fails):
    run("edit-config", "allocation_enforcement=reject")
    run("edit-config", "allocation_default_time_limit=2h")
    assert dict(query(run.path, "SELECT key, value FROM config_table WHERE "
                                "key LIKE 'allocation%'")) == {
        "allocation_enforcement": "reject",
        "allocation_default_time_limit": "7200"}
    fails("edit-config", "allocation_enforcement=sometimes", rc=USAGE,
          match="'off', 'hold' or 'reject'")
    fails("edit-config", "allocation_default_time_limit=400d", rc=USAGE,
          match="31536000")
    payload = json.loads(run("export-json")[1])
    assert payload["config"]["allocation_enforcement"] == "reject"
    assert payload["config"]["allocation_default_time_limit"] == 7200


def test_completion(alloc_tree, db):
    assert complete(["-p", db, "allocation-report", ""]) == [
        "root", "A", "B", "B1", "B2"]
    assert "--allocation-period" in complete(["edit-bank", "--alloc"])
    assert complete(["-p", db, "edit-bank", "--allocation", ""]) == []
