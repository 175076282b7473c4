"""create-db, opening databases (schema checks), global options, --help."""
import os
import shutil
import sqlite3
import subprocess

import pytest

from conftest import FAIL, USAGE, execute, dump_db, query, table

SUBCOMMANDS = [
    "create-db", "view-factor", "edit-factor", "list-factors", "reset-factors",
    "add-config", "edit-config", "delete-config", "view-config", "list-configs",
    "add-bank", "view-bank", "edit-bank", "delete-bank", "list-banks",
    "print-hierarchy", "allocation-report", "add-user", "delete-user", "edit-user", "edit-all-users",
    "view-user", "list-users", "sync-userids", "add-queue", "edit-queue",
    "delete-queue",
    "view-queue", "list-queues", "add-project", "delete-project",
    "view-project", "list-projects",
    "import-jobs", "fetch-job-records", "view-job-records", "scrub-old-jobs",
    "update-usage", "clear-usage", "view-usage-report", "show-usage",
    "update-fshare", "fairshare-emulate", "shares", "bank-info",
    "explain-fairshare",
    "export-json", "priority-update", "jobs", "update-db", "export-db", "pop-db",
]

FA_DB = os.path.join(
    os.environ.get("FLUXACCT_DBS_DIR")
    or os.path.join(os.path.dirname(__file__), "..", "data",
                    "flux-accounting-dbs"),
    "FluxAccountingv0-60-0.db")


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


# ---- create-db -------------------------------------------------------------


def test_create_db_seeds_tables(db):
    tables = {r[0] for r in query(db, "SELECT name FROM sqlite_master "
                                      "WHERE type='table'")}
    for t in ("association_table", "bank_table", "queue_table",
              "project_table", "jobs", "config_table",
              "priority_factor_weight_table", "job_usage_factor_table",
              "t_half_life_period_table"):
        assert t in tables
    assert query(db, "SELECT project FROM project_table") == [("*",)]
    assert query(db, "SELECT COUNT(*) FROM bank_table") == [(0,)]
    assert query(db, "SELECT COUNT(*) FROM association_table") == [(0,)]


def test_create_db_default_config(run):
    rows = {r["key"]: r["value"] for r in table(run("list-configs")[1])}
    assert rows["priority_usage_reset_period"] == "2419200"
    assert rows["priority_decay_half_life"] == "604800"
    assert rows["decay_factor"] == "0.5"
    assert rows["node_weight"] == "1.0"
    assert rows["core_weight"] == "0.0"
    assert rows["gpu_weight"] == "0.0"
    assert rows["deny_unknown_queues"] == "false"


@pytest.mark.parametrize("half_life,reset,exp_h,exp_r", [
    ("2", "8", 1209600, 4838400),       # bare numbers are weeks
    ("14d", "28d", 1209600, 2419200),   # FSD
    ("36h", "3d", 129600, 259200),
])
def test_create_db_periods(tmp_path, half_life, reset, exp_h, exp_r):
    path = tmp_path / "x.db"
    code, out, err = execute(["create-db",
                              f"--priority-decay-half-life={half_life}",
                              f"--priority-usage-reset-period={reset}", path])
    assert (code, out, err) == (0, "", "")
    cfg = dict(query(path, "SELECT key, value FROM config_table"))
    assert float(cfg["priority_decay_half_life"]) == exp_h
    assert float(cfg["priority_usage_reset_period"]) == exp_r


def test_create_db_decay_factor(tmp_path):
    path = tmp_path / "x.db"
    assert execute(["create-db", "--decay-factor", "0.25", path])[0] == 0
    assert dict(query(path, "SELECT key, value FROM config_table"))[
        "decay_factor"] == "0.25"


@pytest.mark.parametrize("opt,match", [
    ("--priority-decay-half-life=-1", "--priority-decay-half-life"),
    ("--priority-decay-half-life=0", "--priority-decay-half-life"),
    ("--priority-decay-half-life=abc", "abc"),
    ("--priority-usage-reset-period=xyz", "xyz"),
    ("--decay-factor=1.5", "1.5"),
    ("--decay-factor=0", "0"),
    ("--decay-factor=nope", "nope"),
    ("--mode=999", "999"),
    ("--mode=rw", "rw"),
    ("--bogus", "--bogus"),
])
def test_create_db_bad_options(tmp_path, opt, match):
    path = tmp_path / "x.db"
    code, out, err = execute(["create-db", opt, path])
    assert code == USAGE
    assert out == ""
    assert err.startswith("flux-account: ERROR: ") and match in err
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_create_db_refuses_existing(db):
    before = file_bytes(db)
    code, out, err = execute(["create-db", db])
    assert code == FAIL and out == ""
    assert "already exists" in err and db in err
    assert file_bytes(db) == before


def test_create_db_into_empty_file(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    assert execute(["create-db", path])[0] == 0
    assert execute(["-p", path, "list-banks"])[0] == 0


def test_create_db_creates_parent_dirs(tmp_path):
    path = tmp_path / "a" / "b" / "acct.db"
    assert execute(["create-db", path])[0] == 0
    assert path.exists()


def test_create_db_path_from_p_option(tmp_path):
    path = tmp_path / "p.db"
    assert execute(["-p", path, "create-db"])[0] == 0
    assert execute(["-p", path, "list-banks"])[0] == 0


def test_create_db_path_from_env(tmp_path, monkeypatch):
    path = tmp_path / "env.db"
    env = dict(os.environ, FLUXACCT_DB=str(path))
    code, out, err = execute(["create-db"], env=env)
    assert code == 0, err
    assert path.exists()


def test_create_db_path_precedence(tmp_path):
    pos, opt, env_path = (tmp_path / n for n in ("pos.db", "opt.db",
                                                  "env.db"))
    env = dict(os.environ, FLUXACCT_DB=str(env_path))
    assert execute(["-p", opt, "create-db", pos], env=env)[0] == 0
    assert pos.exists() and not opt.exists() and not env_path.exists()
    assert execute(["-p", opt, "create-db"], env=env)[0] == 0
    assert opt.exists() and not env_path.exists()


def test_create_db_mode(tmp_path):
    path = tmp_path / "m.db"
    assert execute(["create-db", "--mode", "0600", path])[0] == 0
    assert os.stat(path).st_mode & 0o777 == 0o600
    path2 = tmp_path / "d.db"
    assert execute(["create-db", path2])[0] == 0
    assert os.stat(path2).st_mode & 0o777 == 0o644


def test_create_db_too_many_args(tmp_path):
    code, out, err = execute(["create-db", tmp_path / "a", tmp_path / "b"])
    assert code == USAGE and "create-db" in err
    assert list(tmp_path.iterdir()) == []


# ---- opening: missing, foreign and future databases -----------------------


def test_missing_database(tmp_path):
    path = tmp_path / "nope.db"
    code, out, err = execute(["-p", path, "list-banks"])
    assert code == FAIL and out == ""
    assert str(path) in err and "create-db" in err
    assert not path.exists()


def test_directory_is_not_a_database(tmp_path):
    code, out, err = execute(["-p", tmp_path, "list-banks"])
    assert code == FAIL and "directory" in err


def test_newer_schema_refused(db):
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version=9999")
    conn.close()
    before = file_bytes(db)
    for args in (["view-user", "someone"], ["add-bank", "root", "1"],
                 ["list-banks"]):
        code, out, err = execute(["-p", db, *args])
        assert code == FAIL and out == ""
        assert err.startswith("flux-account: ERROR: ")
        assert "9999" in err and "newer" in err
        assert file_bytes(db) == before


def test_newer_schema_refused_set_with_sqlite3_cli(db):
    if not shutil.which("sqlite3"):
        pytest.skip("sqlite3 CLI not installed")
    subprocess.run(["sqlite3", db, "PRAGMA user_version=9999"], check=True)
    before = file_bytes(db)
    code, out, err = execute(["-p", db, "view-user", "fluxuser"])
    assert code == FAIL and "9999" in err
    assert file_bytes(db) == before


@pytest.mark.parametrize("content,what", [
    (bytes(range(256)) * 16, "random bytes"),
    (b"hello, this is a text file\n" * 10, "text"),
])
def test_not_a_database(tmp_path, content, what):
    path = tmp_path / "junk.db"
    path.write_bytes(content)
    for args in (["view-user", "x"], ["add-bank", "root", "1"]):
        code, out, err = execute(["-p", path, *args])
        assert code == FAIL and out == "", what
        assert "not an SQLite database" in err and str(path) in err
        assert path.read_bytes() == content


def test_sqlite_but_not_accounting_database(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    code, out, err = execute(["-p", path, "list-banks"])
    assert code == FAIL and "not an accounting database" in err
    assert path.read_bytes() == before


def test_flux_accounting_database_refused(tmp_path):
    if not os.path.exists(FA_DB):
        pytest.skip("flux-accounting test databases not available")
    path = tmp_path / "fa.db"
    shutil.copyfile(FA_DB, path)
    os.chmod(path, 0o644)
    before = path.read_bytes()
    for args in (["view-user", "x"], ["list-banks"], ["add-bank", "x", "1"]):
        code, out, err = execute(["-p", path, *args])
        assert code == FAIL and out == ""
        assert "flux-accounting database" in err
        assert "update-db" in err
        assert path.read_bytes() == before


# ---- global options ----------------------------------------------------------


def test_fluxacct_db_env_selects_database(tree, db, tmp_path):
    env = dict(os.environ, FLUXACCT_DB=db)
    code, out, err = execute(["list-banks", "--fields", "bank"], env=env)
    assert code == 0, err
    assert [r["bank"] for r in table(out)] == ["root", "A", "B", "B1", "B2"]


def test_p_overrides_fluxacct_db(tree, db, tmp_path):
    other = tmp_path / "other.db"
    assert execute(["create-db", other])[0] == 0
    env = dict(os.environ, FLUXACCT_DB=str(other))
    code, out, err = execute(["-p", db, "list-banks", "--fields", "bank"],
                             env=env)
    assert [r["bank"] for r in table(out)] == ["root", "A", "B", "B1", "B2"]
    code, out, err = execute(["list-banks", "--fields", "bank"], env=env)
    assert table(out) == []


def test_fluxacct_db_env_writes(db, tmp_path):
    env = dict(os.environ, FLUXACCT_DB=db)
    assert execute(["add-bank", "root", "1"], env=env)[0] == 0
    assert query(db, "SELECT bank FROM bank_table") == [("root",)]


def test_output_file(tree, db, tmp_path):
    out_path = tmp_path / "out.json"
    code, out, err = execute(["-p", db, "-o", out_path, "list-banks",
                              "--json"])
    assert (code, out, err) == (0, "", "")
    data = __import__("json").loads(out_path.read_text())
    assert [b["bank"] for b in data] == ["root", "A", "B", "B1", "B2"]


def test_output_file_long_option(tree, db, tmp_path):
    out_path = tmp_path / "tree.txt"
    code, out, err = execute(["--path", db, "--output-file", out_path,
                              "view-bank", "root", "-t"])
    assert code == 0 and out == ""
    direct = execute(["-p", db, "view-bank", "root", "-t"])[1]
    assert out_path.read_text() == direct


def test_output_file_errors_still_on_stderr(tree, db, tmp_path):
    out_path = tmp_path / "out.txt"
    code, out, err = execute(["-p", db, "-o", out_path, "view-bank", "nope"])
    assert code == FAIL and out == ""
    assert "bank nope not found" in err
    # a failing command leaves no output file behind
    assert not out_path.exists()


def test_output_file_unwritable(tree, db, tmp_path):
    before = dump_db(db)
    code, out, err = execute(["-p", db, "-o", tmp_path / "no" / "such" / "f",
                              "add-bank", "--parent-bank", "A", "Z"])
    assert code == FAIL and "cannot write" in err
    assert dump_db(db) == before


def test_output_file_with_format(tree, db, tmp_path):
    out_path = tmp_path / "fmt.txt"
    code, out, err = execute(["-p", db, "-o", out_path, "list-banks", "-o",
                              "{bank}"])
    assert (code, out, err) == (0, "", "")
    assert out_path.read_text().split() == ["bank", "root", "A", "B", "B1",
                                            "B2"]


def test_output_file_after_subcommand_is_format(tree, run):
    # -o after the subcommand is the subcommand's --format, not a file.
    code, out, err = run("list-banks", "-o", "{bank}")
    assert out.split() == ["bank", "root", "A", "B", "B1", "B2"]


def test_version():
    code, out, err = execute(["--version"])
    assert code == 0 and out.startswith("flux-account ")
    assert execute(["-V"])[1] == out


@pytest.mark.parametrize("args,match", [
    ([], "Usage"),
    (["--bogus", "list-banks"], "--bogus"),
    (["-p"], "-p"),
    (["no-such-command"], "no-such-command"),
])
def test_global_usage_errors(args, match):
    code, out, err = execute(args)
    assert code == USAGE and out == ""
    assert match in err


# ---- help --------------------------------------------------------------------


def test_help_lists_every_subcommand():
    code, out, err = execute(["--help"])
    assert code == 0 and err == ""
    listed = []
    in_list = False
    for line in out.splitlines():
        if line.startswith("Subcommands:"):
            in_list = True
        elif in_list and line.startswith("  ") and line.strip():
            listed.append(line.split()[0])
    assert sorted(listed) == sorted(SUBCOMMANDS)


def test_help_short_option():
    assert execute(["-h"]) == execute(["--help"])


@pytest.mark.parametrize("cmd", SUBCOMMANDS)
def test_subcommand_help(cmd, tmp_path):
    # --help works without a database and never creates one.
    path = tmp_path / "none.db"
    code, out, err = execute(["-p", path, cmd, "--help"])
    assert code == 0 and err == ""
    assert out.startswith(f"Usage: flux-account [-p DB] {cmd}")
    assert "--help" in out
    assert not path.exists()


@pytest.mark.parametrize("cmd", SUBCOMMANDS)
def test_subcommand_unknown_option(cmd, db):
    before = dump_db(db)
    code, out, err = execute(["-p", db, cmd, "--no-such-option"])
    assert code == USAGE and out == ""
    assert "--no-such-option" in err and cmd in err
    assert dump_db(db) == before
