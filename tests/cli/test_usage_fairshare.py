"""CLI tests of job records, usage and fair-share (issues 3 and 4):
import-jobs, fetch-job-records, view-job-records, scrub-old-jobs,
update-usage, clear-usage, view-user -J, view-usage-report, show-usage,
update-fshare, fairshare-emulate, shares, explain-fairshare, and the cron
pipeline's standalone names."""
import json
import os
import sqlite3

import pytest

from conftest import FAIL, USAGE, FLUX_ACCOUNT, execute, query

T0 = 1000000000  # usage_epoch of these tests
H = 604800


def jobline(id, userid, t_run, t_end, nnodes=1, bank=None, **extra):
    ranks = "0" if nnodes == 1 else f"0-{nnodes - 1}"
    job = {"id": id, "userid": userid, "t_submit": t_run, "t_run": t_run,
           "t_inactive": t_end,
           "R": {"version": 1, "execution": {"R_lite": [
               {"rank": ranks, "children": {"core": "0-3"}}]}}}
    if bank:
        job["jobspec"] = {"attributes": {"system": {"bank": bank}}}
    job.update(extra)
    return json.dumps(job)


@pytest.fixture
def usage_tree(tree, tmp_path):
    tree("edit-config", f"usage_epoch={T0}")
    lines = [jobline(1, 1001, T0 + 100, T0 + 200, bank="A"),       # alice 100
             jobline(2, 1002, T0 + 100, T0 + 400, 2, bank="A"),    # bob 600
             jobline(3, 1003, T0 + 100, T0 + 150)]                 # carol, default B1: 50
    f = tmp_path / "jobs.jsonl"
    f.write_text("\n".join(lines) + "\n")
    tree("import-jobs", f)
    return tree


def usage_of(run, user):
    return json.loads(run("view-user", user, "--json",
                          "--fields", "bank,job_usage")[1])


# ---- import-jobs ---------------------------------------------------------

def test_import_reports_and_counts(tree, tmp_path):
    f = tmp_path / "j.jsonl"
    f.write_text(jobline(1, 1001, 10, 20) + "\nnot json\n"
                 + jobline(2, 1001, 30, 20) + "\n" + jobline(1, 1001, 10, 20)
                 + "\n")
    code, out, err = tree("import-jobs", f)
    assert out == ""
    assert "line 2: invalid JSON" in err
    assert "line 3: jobs.t_inactive (20.000) is before jobs.t_run" in err
    assert "1 imported, 1 already present, 2 malformed" in err
    assert query(tree.path, "SELECT count(*) FROM jobs") == [(1,)]


def test_import_strict_refuses_whole_file(tree, tmp_path, fails):
    f = tmp_path / "j.jsonl"
    f.write_text(jobline(1, 1001, 10, 20) + "\n{\"id\": 2,\n")
    fails("import-jobs", "--strict", f, rc=FAIL, match="line 2")
    assert query(tree.path, "SELECT count(*) FROM jobs") == [(0,)]


def test_import_from_stdin(tree):
    import subprocess
    p = subprocess.run([FLUX_ACCOUNT, "-q", "-p", tree.path, "import-jobs", "-"],
                       input=(jobline(7, 1001, 1, 2) + "\n").encode(),
                       capture_output=True)
    assert p.returncode == 0, p.stderr
    assert query(tree.path, "SELECT id FROM jobs") == [("7",)]


def test_import_missing_file(run, fails):
    fails("import-jobs", "/nonexistent/jobs.jsonl", match="/nonexistent")


def test_fetch_job_records(tree, tmp_path, fails):
    arch = tmp_path / "archive.db"
    c = sqlite3.connect(arch)
    c.execute("CREATE TABLE jobs (id CHAR(16) PRIMARY KEY, userid INT, ranks "
              "TEXT, t_submit REAL, t_run REAL, t_cleanup REAL, t_inactive "
              "REAL, eventlog TEXT, jobspec TEXT, R TEXT)")
    R = json.dumps({"version": 1, "execution": {"R_lite": [
        {"rank": "0", "children": {"core": "0"}}]}})
    c.execute("INSERT INTO jobs VALUES ('5', 1001, '0', 1, 2, 0, 3, '', "
              "'{\"attributes\":{\"system\":{\"bank\":\"A\"}}}', ?)", (R,))
    c.commit()
    c.close()
    tree("fetch-job-records", "--copy", arch)
    assert query(tree.path, "SELECT id, bank FROM jobs") == [("5", "A")]
    fails("fetch-job-records", "--copy", tree.path, match="job-archive")


def test_fetch_job_records_without_instance(tree, fails, monkeypatch):
    # No Flux instance here (or no flux-core at all): a clear message, the
    # way out, exit 1 and the database untouched.
    monkeypatch.setenv("FLUX_URI", "local:///nonexistent/fluxacct-test")
    fails("fetch-job-records", match=("no Flux instance is reachable",
                                      "--copy"))


# ---- view-job-records ------------------------------------------------------

def test_view_job_records(usage_tree, fails):
    run = usage_tree
    rows = json.loads(run("view-job-records", "--json")[1])
    assert [r["id"] for r in rows] == ["3", "1", "2"]
    rows = json.loads(run("view-job-records", "-u", "alice", "--json")[1])
    assert [r["id"] for r in rows] == ["1"]
    rows = json.loads(run("view-job-records", "-e", "> 150", "--json")[1])
    assert [r["id"] for r in rows] == ["2"]
    out = run("view-job-records", "--jobid", "ƒ2", "-o",
              "{jobid} {jobid.dec} {nnodes}")[1]
    assert out.splitlines() == ["jobid jobid.dec nnodes", "ƒ2 1 1"]
    fails("view-job-records", "-e", "~ 5", rc=USAGE, match="must start")
    fails("view-job-records", "-o", "{nope}", rc=USAGE, match="nope")
    fails("view-job-records", "-a", "yesterday-ish", rc=USAGE, match="after")


def test_scrub_old_jobs(usage_tree, fails):
    fails("scrub-old-jobs", "0", match="reset period")
    usage_tree("scrub-old-jobs")          # 26 weeks: the 2001 jobs go
    assert query(usage_tree.path, "SELECT count(*) FROM jobs") == [(0,)]
    fails("scrub-old-jobs", "x", rc=USAGE, match="NUM_WEEKS")


# ---- update-usage, view-user -J, clear-usage -------------------------------

def test_update_usage_and_rollup(usage_tree):
    run = usage_tree
    run("update-usage", "--time", T0 + 500)
    assert usage_of(run, "alice") == [{"bank": "A", "job_usage": 100.0}]
    assert usage_of(run, "bob") == [{"bank": "A", "job_usage": 600.0}]
    assert usage_of(run, "carol") == [{"bank": "B1", "job_usage": 50.0}]
    banks = {r["bank"]: r["job_usage"] for r in json.loads(
        run("list-banks", "--json", "--fields", "bank,job_usage")[1])}
    assert banks == {"root": 750.0, "A": 700.0, "B": 50.0, "B1": 50.0,
                     "B2": 0.0}
    # one period later, half
    run("update-usage", "--time", T0 + H + 500)
    assert usage_of(run, "bob") == [{"bank": "A", "job_usage": 300.0}]
    periods = json.loads(run("view-user", "bob", "-J", "--json")[1])
    assert [p["value"] for p in periods] == [0.0, 300.0, 0.0, 0.0]
    # ISO time accepted
    run("update-usage", "--time", "2001-09-09T02:00:00")


def test_update_usage_errors(usage_tree, fails):
    fails("update-usage", "--time", "soon", rc=USAGE, match="soon")
    fails("view-user", "alice", "-J", "--fields", "bank", rc=USAGE,
          match="--fields")


def test_update_usage_database_argument(usage_tree, run, fails):
    # The seed's form: the database as the argument, a bare half-life in
    # weeks; the default database (run's own, empty) is not touched.
    code, out, err = run("update-usage", "--priority-decay-half-life=2",
                         "--time", T0 + 500, usage_tree.path, db=False)
    assert (out, err) == ("", "")
    assert query(usage_tree.path, "SELECT value FROM config_table WHERE "
                 "key = 'priority_decay_half_life'") == [("1209600",)]
    assert usage_of(usage_tree, "bob") == [{"bank": "A", "job_usage": 600.0}]
    # a duration with a unit, as before
    usage_tree("update-usage", "--priority-decay-half-life=3d", "--time",
               T0 + 500)
    assert query(usage_tree.path, "SELECT value FROM config_table WHERE "
                 "key = 'priority_decay_half_life'") == [("259200",)]
    fails("update-usage", "--priority-decay-half-life=0", usage_tree.path,
          rc=USAGE, match="must be positive")
    fails("update-usage", "--priority-decay-half-life=soon", rc=USAGE,
          match=("--priority-decay-half-life", "soon"))
    fails("update-usage", usage_tree.path, "extra", rc=USAGE, match="[DB]")
    code, out, err = run("update-usage", str(usage_tree.path) + ".nope",
                         db=False, rc=FAIL)
    assert "does not exist" in err


def test_edit_config_recomputes(usage_tree):
    run = usage_tree
    run("update-usage", "--time", T0 + 500)
    run("edit-config", "node_weight=2")
    assert usage_of(run, "alice") == [{"bank": "A", "job_usage": 200.0}]
    run("edit-config", "node_weight=1")
    assert usage_of(run, "alice") == [{"bank": "A", "job_usage": 100.0}]


def test_clear_usage(usage_tree, fails):
    run = usage_tree
    run("update-usage", "--time", T0 + 500)
    run("clear-usage", "A", "--ignore-older-than", T0 + 450)
    assert usage_of(run, "bob") == [{"bank": "A", "job_usage": 0.0}]
    assert usage_of(run, "carol") == [{"bank": "B1", "job_usage": 50.0}]
    fails("clear-usage", "A", "nope", match="nope")


def test_standalone_names(usage_tree, tmp_path):
    for name in ("flux-account-update-usage", "flux-update-fshare",
                 "flux-account-update-fshare"):
        os.symlink(FLUX_ACCOUNT, tmp_path / name)
    import subprocess
    p = subprocess.run([tmp_path / "flux-account-update-usage", "-p",
                        usage_tree.path, "--time", str(T0 + 500)],
                       capture_output=True)
    assert p.returncode == 0, p.stderr
    assert usage_of(usage_tree, "bob") == [{"bank": "A", "job_usage": 600.0}]
    p = subprocess.run([tmp_path / "flux-update-fshare", "-f",
                        usage_tree.path], capture_output=True)
    assert p.returncode == 0, p.stderr
    fs = {r["username"]: r["fairshare"] for r in json.loads(
        usage_tree("list-users", "--json", "--fields", "username,fairshare")[1])}
    assert fs["carol"] == 1.0 and fs["bob"] < fs["alice"]
    # flux's command driver runs flux-NAME with argv[0] "NAME"
    p = subprocess.run(["update-fshare", "-f", usage_tree.path],
                       executable=FLUX_ACCOUNT, capture_output=True)
    assert p.returncode == 0, p.stderr


# ---- reports -------------------------------------------------------------

def test_view_usage_report(usage_tree, fails):
    run = usage_tree
    out = run("view-usage-report", "-s", T0, "-e", T0 + 1000, "-r", "bybank")[1]
    lines = out.splitlines()
    assert lines[0].startswith("bank(nodesec)")
    assert lines[1].split() == ["A", "700.00"]
    assert lines[-1].split() == ["TOTAL", "750.00"]
    rows = json.loads(run("view-usage-report", "-s", T0, "-e", T0 + 1000,
                          "-S", "0,2", "-t", "min", "--json")[1])
    assert rows[0]["key"] == "A:bob" and rows[0]["2+"] == 10.0
    fails("view-usage-report", "-r", "byfoo", rc=USAGE, match="byfoo")
    fails("view-usage-report", "-S", "8,2", rc=USAGE, match="bins")
    fails("view-usage-report", "-t", "day", rc=USAGE, match="day")
    fails("view-usage-report", "-s", T0 + 10, "-e", T0, rc=USAGE,
          match="before")


def test_show_usage(usage_tree, fails):
    run = usage_tree
    assert run("show-usage", "banks")[1].count("0.00") == 4
    run("update-usage", "--time", T0 + 500)
    out = run("show-usage", "associations", "-n", "2")[1].splitlines()
    assert len(out) == 2 and out[0].startswith("bob / A")
    assert out[0].rstrip().endswith("600.00")
    fails("show-usage", "things", rc=USAGE, match="things")


# ---- fair-share ----------------------------------------------------------

EMU = {"root": {"bank": "root", "shares": 1, "children": [
    {"bank": "A", "shares": 1, "usage": 10, "children": [
        {"username": "u1", "shares": 1, "usage": 10}]},
    {"bank": "B", "shares": 1, "usage": 0, "children": [
        {"username": "u2", "shares": 1, "usage": 0}]}]}}


def test_fairshare_emulate(tmp_path, run):
    f = tmp_path / "tree.json"
    f.write_text(json.dumps(EMU))
    out = run("fairshare-emulate", "-i", f, db=False)[1]
    assert [c.strip() for c in out.splitlines()[0].split(" | ")] == [
        "Username", "Bank", "Shares", "Usage", "FairShare"]
    assert out == ("Username | Bank | Shares | Usage | FairShare\n"
                   "---------+------+--------+-------+----------\n"
                   "u2       | B    | 1      | 0.0   | 1.0\n"
                   "u1       | A    | 1      | 10.0  | 0.5\n")
    data = json.loads(run("fairshare-emulate", "-i", f, "-j", db=False)[1])
    assert [(d["username"], d["fairshare"]) for d in data] == [
        ("u2", 1.0), ("u1", 0.5)]
    out = run("fairshare-emulate", "-i", f, "-P", db=False)[1]
    assert out.splitlines() == ["u2|B|1|0.0|1.0", "u1|A|1|10.0|0.5"]


@pytest.mark.parametrize("content,message", [
    (None, "FileNotFoundError: input file not found"),
    ("{", "JSONDecodeError: invalid JSON in input file"),
    ("{}", "ValueError: JSON must contain 'root' key"),
    ('{"root": {"bank": "r", "children": [{"shares": 1}]}}',
     "ValueError: Node must have 'username' or 'bank' key"),
    ('{"root": {"bank": "r"}}', "ValueError: no users found in input"),
    ('{"root": {"bank": "r", "children": [{"username": "u", "shares": -1}]}}',
     "shares"),
    ('{"root": {"bank": "r", "children": [{"username": "u", "usage": -1}]}}',
     "usage"),
])
def test_fairshare_emulate_errors(tmp_path, run, content, message):
    f = tmp_path / "tree.json"
    if content is not None:
        f.write_text(content)
    code, out, err = run("fairshare-emulate", "-i", f, db=False, rc=FAIL)
    assert out == "" and err.startswith("fairshare-emulate: ")
    assert message in err


def test_update_fshare_shares_explain(usage_tree, fails):
    run = usage_tree
    run("update-usage", "--time", T0 + 500)
    before = query(run.path, "SELECT username, fairshare FROM association_table")
    run("update-fshare")
    fs = dict(query(run.path, "SELECT username, fairshare FROM association_table"))
    # B (shares 2, usage 50) is ahead of A (1, 700): carol first
    assert fs == {"carol": 1.0, "alice": 2 / 3, "bob": 1 / 3}
    assert before != list(fs.items())
    rows = json.loads(run("shares", "--json")[1])
    users = {r["User"]: r for r in rows if r["User"]}
    assert users["carol"]["FairShare"] == 1.0
    assert users["bob"]["RawUsage"] == 600.0
    out = run("shares", "-P", "-u", "bob")[1].splitlines()
    assert out[0].startswith("Account|User|RawShares")
    assert [l.split("|")[1] for l in out[1:]] == ["", "", "bob"]
    out = run("explain-fairshare", "bob")[1]
    assert "bob in bank A: fair-share 0.333333 = rank 1 / 3 users" in out
    assert "alice is ahead" in out
    assert "B is ahead" in out
    fails("explain-fairshare", "nobody", match="nobody")
    fails("shares", "--json", "--parsable", rc=USAGE, match="exclusive")


def test_fairshare_update_and_emulate_agree(usage_tree, tmp_path):
    """The database tree exported as emulator input gives the same values."""
    run = usage_tree
    run("update-usage", "--time", T0 + 500)
    run("update-fshare")
    tree = {"root": {"bank": "root", "shares": 1, "children": []}}
    banks = {b["bank"]: b for b in json.loads(run("list-banks", "--json")[1])}
    nodes = {"root": tree["root"]}
    for name, b in banks.items():
        if name != "root":
            nodes[name] = {"bank": name, "shares": b["shares"],
                           "usage": b["job_usage"], "children": []}
    for name, b in banks.items():
        if name != "root":
            nodes[b["parent_bank"]]["children"].append(nodes[name])
    for u in json.loads(run("list-users", "--json")[1]):
        nodes[u["bank"]]["children"].append(
            {"username": u["username"], "shares": u["shares"],
             "usage": u["job_usage"]})
    f = tmp_path / "t.json"
    f.write_text(json.dumps(tree))
    emu = {d["username"]: d["fairshare"] for d in json.loads(
        run("fairshare-emulate", "-i", f, "-j", db=False)[1])}
    db = dict(query(run.path, "SELECT username, fairshare FROM association_table"))
    assert emu == {k: round(v, 6) for k, v in db.items()}


# ---- progress (issue 7 item 6) ------------------------------------------

def run_on_tty(args):
    """Run flux-account with stderr on a pseudo-terminal; return its text."""
    import pty
    import select
    import subprocess
    master, slave = pty.openpty()
    p = subprocess.Popen([FLUX_ACCOUNT, *map(str, args)], stdout=subprocess.DEVNULL,
                         stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        r, _, _ = select.select([master], [], [], 10)
        if not r:
            break
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=30)
    os.close(master)
    return p.returncode, b"".join(chunks).decode()


def test_progress_only_on_a_terminal(tree, tmp_path):
    f = tmp_path / "many.jsonl"
    f.write_text("".join(jobline(i, 1001, 10, 20) + "\n"
                         for i in range(1, 40001)))
    code, err = run_on_tty(["-p", tree.path, "import-jobs", f])
    assert code == 0
    assert "\rflux-account: import: 100%" in err
    assert "40000 imported" in err
    # not a terminal: no progress line
    code, out, err = tree("import-jobs", f)
    assert "\r" not in err and "import: " not in err
    # --quiet: nothing at all
    code, err = run_on_tty(["-q", "-p", tree.path, "import-jobs", f])
    assert code == 0 and err == ""


def test_progress_pop_db_and_update_db(tree, tmp_path):
    gen = os.path.join(os.path.dirname(FLUX_ACCOUNT), "..", "tests", "tools",
                       "gen_fadb")
    if not os.path.exists(gen):
        pytest.skip("tests/tools/gen_fadb not built")
    old = tmp_path / "old.db"
    import subprocess
    subprocess.run([gen, "-o", old, "-a", "50", "-j", "20000"], check=True)
    code, err = run_on_tty(["-p", old, "update-db"])
    assert code == 0, err
    assert "\rflux-account: update-db: 16384" in err
    out = tmp_path / "csv"
    out.mkdir()
    assert execute(["-p", old, "export-db", "-d", out])[0] == 0
    new = tmp_path / "new.db"
    assert execute(["create-db", new])[0] == 0
    code, err = run_on_tty(["-p", new, "pop-db", "-d", out])
    assert code == 0, err
    assert "\rflux-account: pop-db: 100%" in err


def test_export_db_fairshare_emulate(usage_tree, tmp_path, fails):
    run = usage_tree
    run("update-usage", "--time", T0 + 500)
    run("update-fshare")
    tree = run("export-db", "-F")[1]
    f = tmp_path / "t.json"
    f.write_text(tree)
    emu = {d["username"]: d["fairshare"] for d in json.loads(
        run("fairshare-emulate", "-i", f, "-j", db=False)[1])}
    db = dict(query(run.path, "SELECT username, fairshare FROM association_table"))
    assert emu == {k: round(v, 6) for k, v in db.items()}
    fails("export-db", "-F", "-d", tmp_path, rc=USAGE, match="-F")


# ---- fair-share views through the one printer (output.c) ----------------

# The fixed-width layouts, byte for byte as they were before shares,
# bank-info and explain-fairshare printed through print_cells.
SHARES_TABLE = (
    'Account              User        RawShares  NormShares       RawUsage   NormUsage  EffectvUsage  FairShare    LevelFS\n'
    '-------------------- ---------- ---------- ----------- -------------- ----------- ------------- ---------- ----------\n'
    'root                                     1    1.000000     750.000000    1.000000      1.000000              1.000000\n'
    ' B                                       2    0.666667      50.000000    0.066667      0.066667             10.000000\n'
    '  B2                                     4    0.380952       0.000000    0.000000      0.000000                   inf\n'
    '  B1                                     3    0.285714      50.000000    0.066667      1.000000              0.428571\n'
    '   B1                carol               1    0.285714      50.000000    0.066667      1.000000   1.000000   1.000000\n'
    ' A                                       1    0.333333     700.000000    0.933333      0.933333              0.357143\n'
    '  A                  alice               1    0.166667     100.000000    0.133333      0.142857   0.666667   3.500000\n'
    '  A                  bob                 1    0.166667     600.000000    0.800000      0.857143   0.333333   0.583333\n')

BANK_INFO_V = (
    'Name                     Shares  Norm Shares         Usage   Norm Usage   Level FS  Type\n'
    'root                          1     1.000000         750.0     1.000000        inf  bank\n'
    ' A                            1     0.333333         700.0     0.933333         --  bank\n'
    '  alice                       1     0.166667         100.0     0.133333      0.667  user\n'
    '  bob                         1     0.166667         600.0     0.800000      0.333  user\n'
    ' B                            2     0.666667          50.0     0.066667         --  bank\n'
    '  B1                          3     0.285714          50.0     0.066667         --  bank\n'
    '   carol                      1     0.285714          50.0     0.066667      1.000  user\n'
    '  B2                          4     0.380952           0.0     0.000000         --  bank\n')

EXPLAIN_BOB = (
    'bob in bank A: fair-share 0.333333 = rank 1 / 3 users\n'
    'Users are ranked by a depth-first walk of the tree, children in order of weight (share of their level / usage of their level, higher first); the first user gets rank 3, each next one rank - 1; tied users share a rank.\n'
    '\n'
    'level 1: A among the 2 children of bank root\n'
    '  pos  name                 type   shares share of lvl          usage usage of lvl weight = share / usage\n'
    '    1  B                    bank        2     0.666667             50     0.066667 10\n'
    '>   2  A                    bank        1     0.333333            700     0.933333 0.357143\n'
    '  A is 2nd of 2: B is ahead (weight 10 vs 0.357143)\n'
    '\n'
    'level 2: bob among the 2 children of bank A\n'
    '  pos  name                 type   shares share of lvl          usage usage of lvl weight = share / usage\n'
    '    1  alice                user        1     0.500000            100     0.142857 3.5\n'
    '>   2  bob                  user        1     0.500000            600     0.857143 0.583333\n'
    '  bob is 2nd of 2: alice is ahead (weight 3.5 vs 0.583333)\n')


def test_fairshare_views_layout_unchanged(usage_tree):
    run = usage_tree
    run("update-usage", "--time", T0 + 500)
    run("update-fshare")
    assert run("shares")[1] == SHARES_TABLE
    assert run("bank-info", "-t", "root", "-v")[1] == BANK_INFO_V
    assert run("explain-fairshare", "bob")[1] == EXPLAIN_BOB


def test_shares_format(usage_tree, fails):
    run = usage_tree
    run("update-usage", "--time", T0 + 500)
    run("update-fshare")
    out = run("shares", "-u", "bob", "-o",
              "{Account:>4}|{User}|{RawShares}|{FairShare:.3f}|{LevelFS}")[1]
    assert out.splitlines() == [
        "Account|User|RawShares|FairShare|LevelFS",
        "root||1||1.0",
        "   A||1||0.3571428571428571",
        "   A|bob|1|0.333|0.5833333333333334"]
    err = fails("shares", "-o", "{Bank}", rc=USAGE, match="Bank")
    assert "Account,User,RawShares,NormShares" in err
    fails("shares", "-o", "{User}", "-j", rc=USAGE, match="exclusive")
    fails("shares", "-o", "{User", rc=USAGE, match="'{' without '}'")


def test_bank_info_format(usage_tree, fails):
    run = usage_tree
    run("update-usage", "--time", T0 + 500)
    run("update-fshare")
    out = run("bank-info", "-t", "A", "-o", "{Name:<8}|{Norm_FS:>6}")[1]
    assert out.splitlines() == ["Name    |Norm_FS", " A      |    --",
                                "  alice | 0.667", "  bob   | 0.333"]
    # -n: no header; -v: the raw usage and the type, the fair-share to 6
    out = run("bank-info", "-t", "A", "-v", "-n", "-o",
              "{Name} {Usage} {Type} {Norm_FS}")[1]
    assert out.splitlines() == [" A 700.0 bank --", "  alice 100.0 user "
                                "0.666667", "  bob 600.0 user 0.333333"]
    fails("bank-info", "-t", "A", "-o", "{Type}", rc=USAGE,
          match="Available columns: Name,Shares,Norm_Shares,Norm_Usage,"
                "Norm_FS")
    fails("bank-info", "-t", "A", "-P", "-o", "{Name}", rc=USAGE,
          match="exclusive")


ODD_BANK, ODD_USER = 'Q\u00fc"o\\te', 'd\u00e4"n\\x'


def test_shares_json_escapes_names(tree, db):
    tree("add-bank", "--parent-bank", "root", ODD_BANK, "1")
    tree("add-user", "-u", ODD_USER, "-B", ODD_BANK, "-i", "1004")
    rows = json.loads(tree("shares", "--json")[1])
    odd = [r for r in rows if r["Account"] == ODD_BANK]
    assert [r["User"] for r in odd] == ["", ODD_USER]
    assert odd[0]["FairShare"] is None and odd[1]["LevelFS"] == "inf"
    # a name with a control character, written behind the library's back
    conn = sqlite3.connect(db)
    conn.execute("UPDATE association_table SET username = 'tab\tx' "
                 "WHERE username = 'carol'")
    conn.commit()
    conn.close()
    rows = json.loads(tree("shares", "--json")[1])
    assert "tab\tx" in [r["User"] for r in rows]


def test_fixed_tables_pad_by_characters(tree):
    """A non-ASCII name is padded to 20 characters, not 20 bytes."""
    tree("add-bank", "--parent-bank", "root", ODD_BANK, "1")
    tree("add-user", "-u", ODD_USER, "-B", ODD_BANK, "-i", "1004")
    lines = tree("bank-info", "-t", "root")[1].splitlines()
    odd = [l for l in lines if ODD_BANK in l]
    assert odd and all(len(l) == len(lines[0]) for l in odd)
    lines = tree("shares")[1].splitlines()
    odd = [l for l in lines if ODD_BANK in l]
    assert odd and all(len(l) == len(lines[1]) for l in odd)


def test_fairshare_emulate_format_specs(tmp_path, run):
    f = tmp_path / "tree.json"
    f.write_text(json.dumps(EMU))
    out = run("fairshare-emulate", "-i", f, "-o",
              "{username:>4}|{usage:.2f}|{fairshare:.1f}", db=False)[1]
    assert out.splitlines() == ["  u2|0.00|1.0", "  u1|10.00|0.5"]
    code, out, err = run("fairshare-emulate", "-i", f, "-o", "{username",
                         db=False, rc=FAIL)
    assert out == "" and err.startswith("fairshare-emulate: ValueError: ")
