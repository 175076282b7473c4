"""Output forms shared by the view and list commands: table, --json,
--parsable, -o/--format, --fields."""
import json
import sqlite3

import pytest

from conftest import INT_MAX, USAGE, parsable, table

VIEWS = [
    ["list-banks"], ["view-bank", "A"], ["list-users"],
    ["view-user", "alice"], ["list-queues"], ["view-queue", "q1"],
    ["list-projects"], ["view-project", "*"], ["list-factors"],
    ["view-factor", "bank"], ["list-configs"], ["view-config", "decay_factor"],
]


@pytest.fixture
def full(tree):
    tree("add-queue", "q1")
    tree("add-project", "p1")
    return tree


def ids(v):
    return " ".join(v)


@pytest.mark.parametrize("cmd", VIEWS, ids=ids)
def test_output_modes_agree(full, cmd):
    out = full(*cmd)[1]
    header = [h.strip() for h in out.splitlines()[0].split(" | ")]
    rows = table(out)
    assert rows, out
    data = json.loads(full(*cmd, "--json")[1])
    assert isinstance(data, list) and len(data) == len(rows)
    assert [list(d) for d in data] == [header] * len(rows)
    p = parsable(full(*cmd, "--parsable")[1])
    assert [list(r) for r in p] == [header] * len(rows)
    # the raw forms agree with each other
    for d, r in zip(data, p):
        for k, v in d.items():
            if v is None:               # NULL: an empty parsable cell
                assert r[k] == ""
            elif isinstance(v, str):
                assert r[k] == v
            elif isinstance(v, float):
                assert float(r[k]) == v
            else:
                assert int(r[k]) == v


@pytest.mark.parametrize("cmd", VIEWS, ids=ids)
def test_format_and_fields(full, cmd):
    out = full(*cmd)[1]
    header = [h.strip() for h in out.splitlines()[0].split(" | ")]
    first, last = header[0], header[-1]
    fmt = full(*cmd, "-o", "{%s}<>{%s}" % (last, first))[1].splitlines()
    assert fmt[0] == f"{last}<>{first}"
    assert len(fmt) == len(table(out)) + 1
    assert full(*cmd, "--format", "{%s}" % first)[1] == \
        full(*cmd, "-o", "{%s}" % first)[1]
    sub = table(full(*cmd, "--fields", f"{last},{first}")[1])
    assert [list(r) for r in sub] == [[last, first]] * len(sub)
    assert json.loads(full(*cmd, "--fields", first, "--json")[1])[0].keys() \
        == {first}


@pytest.mark.parametrize("cmd", VIEWS, ids=ids)
def test_bad_fields_and_format(full, fails, cmd):
    fails(*cmd, "--fields", "nosuch,other", rc=USAGE,
          match="invalid fields: nosuch, other")
    err = fails(*cmd, "-o", "{nosuch}", rc=USAGE,
                match="Invalid column name in format string: nosuch.\n"
                      "Available columns: ")
    header = [h.strip() for h in full(*cmd)[1].splitlines()[0].split(" | ")]
    assert err.rstrip("\n").endswith("Available columns: " + ",".join(header))
    for a, b in (("--json", "--parsable"), ("--json", "-o{x}"),
                 ("--parsable", "-o{x}")):
        fails(*cmd, a, b, rc=USAGE, match="mutually exclusive")


def test_table_layout(tree):
    out = tree("list-banks", "--fields", "bank,parent_bank,shares")[1]
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines == [
        "bank | parent_bank | shares",
        "-----+-------------+-------",
        "root |             | 1",
        "A    | root        | 1",
        "B    | root        | 2",
        "B1   | B           | 3",
        "B2   | B           | 4",
    ]


def test_table_unlimited_and_booleans(tree):
    tree("delete-user", "bob", "A")
    tree("edit-user", "alice", "--max-nodes", "8")
    rows = table(tree("list-users", "-B", "A", "--fields",
                      "username,active,max_nodes,max_cores")[1])
    assert rows == [
        {"username": "alice", "active": "true", "max_nodes": "8",
         "max_cores": "unlimited"},
        {"username": "bob", "active": "false", "max_nodes": "unlimited",
         "max_cores": "unlimited"}]
    # raw forms keep the numbers
    p = parsable(tree("list-users", "-B", "A", "--parsable", "--fields",
                      "active,max_cores")[1])
    assert p == [{"active": "1", "max_cores": str(INT_MAX)},
                 {"active": "0", "max_cores": str(INT_MAX)}]
    assert tree("list-users", "-B", "A", "-o", "{active}:{max_cores}")[1] \
        == f"active:max_cores\n1:{INT_MAX}\n0:{INT_MAX}\n"
    data = json.loads(tree("list-users", "-B", "A", "--json")[1])
    assert [(d["active"], d["max_cores"]) for d in data] == \
        [(1, INT_MAX), (0, INT_MAX)]


def test_float_forms(tree):
    tree("edit-user", "bob", "--fairshare", "0.123456789")
    tree("edit-user", "alice", "--fairshare", "1")
    rows = table(tree("list-users", "-B", "A", "--fields",
                      "username,fairshare,job_usage")[1])
    assert [r["fairshare"] for r in rows] == ["1.0", "0.123457"]
    assert [r["job_usage"] for r in rows] == ["0.0", "0.0"]
    assert tree("view-user", "bob", "-o", "{fairshare}")[1] == \
        "fairshare\n0.123456789\n"
    assert parsable(tree("view-user", "bob", "-P")[1])[0]["fairshare"] == \
        "0.123456789"
    assert json.loads(tree("view-user", "bob", "--json")[1])[0][
        "fairshare"] == 0.123456789


def test_json_layout(tree):
    out = tree("view-bank", "A", "--json")[1]
    # Python's json.dumps(..., indent=2), as flux-accounting prints it
    assert out == json.dumps(json.loads(out), indent=2) + "\n"
    assert out.startswith('[\n  {\n    "bank_id": 2,\n')


def test_json_empty_list(run):
    assert run("list-queues", "--json")[1] == "[]\n"


def test_json_reals_shortest(tree):
    tree("edit-user", "bob", "--fairshare", "0.1")
    out = tree("view-user", "bob", "--json", "--fields", "fairshare")[1]
    assert '"fairshare": 0.1\n' in out


def test_json_unicode_and_quotes(run):
    name = "dépt \"x\" 'y' \\ /"
    run("add-bank", name)
    out = run("view-bank", name, "--json", "--fields", "bank")[1]
    assert json.loads(out) == [{"bank": name}]


def test_format_specs(tree):
    out = tree("list-banks", "-o", "[{bank:>5}|{shares:<3}|{bank_id:^5}]")[1]
    assert out.splitlines()[:3] == ["[ bank|shares|bank_id]",
                                    "[ root|1  |  1  ]", "[    A|1  |  2  ]"]
    # numbers align right and text left by default, as in str.format
    out = tree("view-bank", "B1", "-o", "{bank:6}|{shares:6}|")[1]
    assert out == "{:6}|{:6}|\n{:6}|{:6}|\n".format("bank", "shares", "B1", 3)
    out = tree("view-bank", "B1", "-o", "{job_usage:.2f}|{bank:.1}")[1]
    assert out.splitlines()[1] == "0.00|B"


def test_format_braces_and_literal_text(tree):
    out = tree("view-bank", "A", "-o", "{{literal}} {bank} 100%")[1]
    assert out == "{literal} bank 100%\n{literal} A 100%\n"


def test_format_unicode_width(run):
    run("add-bank", "dépt")
    out = run("view-bank", "dépt", "-o", "[{bank:>6}]")[1]
    assert out == "[  bank]\n[  dépt]\n"


def test_format_does_not_truncate_long_values(run):
    run("add-bank", "root")
    queues = [f"queue-number-{i:02d}" for i in range(30)]
    for q in queues:
        run("add-queue", q)
    run("add-user", "-u", "u", "-B", "root", "-q", ",".join(queues))
    out = run("view-user", "u", "-o", "{queues}")[1]
    assert out == "queues\n" + ",".join(queues) + "\n"
    assert len(",".join(queues)) > 255


def test_fields_order_and_spaces(tree):
    out = tree("view-bank", "A", "--fields", "shares, bank,bank_id")[1]
    assert table(out) == [{"shares": "1", "bank": "A", "bank_id": "2"}]


def test_invalid_fields_names_each(tree, fails):
    fails("list-users", "--fields", "username,a,b,bank", rc=USAGE,
          match="invalid fields: a, b")


def test_no_output_on_success_of_mutations(run):
    for args in (["add-bank", "root"], ["add-queue", "q"],
                 ["add-project", "p"], ["add-user", "-u", "x", "-B", "root"],
                 ["edit-user", "x", "--shares", "2"],
                 ["edit-queue", "q", "--priority", "2"],
                 ["edit-factor", "--factor", "bank", "--weight", "2"],
                 ["reset-factors"], ["add-config", "k=v"],
                 ["edit-config", "k=w"], ["delete-config", "k"],
                 ["delete-user", "x", "root"], ["delete-project", "p"],
                 ["delete-queue", "q"], ["edit-bank", "root", "--shares", "3"],
                 ["delete-bank", "root"]):
        assert run(*args) == (0, "", ""), args


def test_views_do_not_write(full, db):
    # checkpoint, so the main file holds everything, then read it all
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(db, "rb") as f:
        before = f.read()
    runs = [cmd + opts for cmd in VIEWS
            for opts in ([], ["--json"], ["--parsable"])]
    runs += [["view-bank", "root", "-t"], ["view-bank", "root", "-t", "-P"],
             ["print-hierarchy"], ["view-bank", "A", "-u"],
             ["view-user", "alice", "--list-banks"]]
    for args in runs:
        full(*args)
    with open(db, "rb") as f:
        assert f.read() == before


def test_output_file_kept_on_failure(run, tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("previous\n")
    code, o, e = run("-o", out, "view-user", "nobody-here", db=True, rc=1)
    assert out.read_text() == "previous\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("out.txt.")]
    run("-o", out, "list-banks")
    assert out.read_text().startswith("bank_id")
