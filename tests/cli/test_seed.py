"""The seed transcript: a database made with the CLI, inspected with the
sqlite3 shell, as an operator would."""
import shutil
import subprocess

import pytest

from conftest import execute, table


def sqlite3_cli(path, *args):
    p = subprocess.run(["sqlite3", str(path), *args], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "FluxAccounting.db"
    for args in (["create-db", "--priority-decay-half-life=2",
                  "--priority-usage-reset-period=8", path],
                 ["-p", path, "add-bank", "root", "1"],
                 ["-p", path, "add-bank", "--parent-bank", "root", "foo", "1"],
                 ["-p", path, "add-user", "--username", "fluxuser",
                  "--bank", "foo"]):
        code, out, err = execute(args)
        assert (code, out, err) == (0, "", ""), args
    return path


needs_sqlite3 = pytest.mark.skipif(not shutil.which("sqlite3"),
                                   reason="sqlite3 CLI not installed")


@needs_sqlite3
def test_seed_tables(seed):
    tables = sqlite3_cli(seed, ".tables").split()
    assert "association_table" in tables and "bank_table" in tables


@needs_sqlite3
def test_seed_association_row(seed):
    out = sqlite3_cli(seed, "SELECT * FROM association_table")
    rows = out.splitlines()
    assert len(rows) == 1
    cells = rows[0].split("|")
    # creation_time|mod_time|active|username|userid|bank|default_bank|...
    assert cells[2:4] == ["1", "fluxuser"]
    assert cells[5:7] == ["foo", "foo"]
    assert cells[14:17] == ["", "*", "*"]


@needs_sqlite3
def test_seed_banks(seed):
    out = sqlite3_cli(seed, "SELECT bank, parent_bank, shares FROM "
                            "bank_table ORDER BY bank_id")
    assert out == "root||1\nfoo|root|1\n"


@needs_sqlite3
def test_seed_config_periods(seed):
    out = sqlite3_cli(seed, "SELECT key, value FROM config_table WHERE key "
                            "LIKE 'priority_%' ORDER BY key")
    cfg = dict(line.split("|") for line in out.splitlines())
    assert float(cfg["priority_decay_half_life"]) == 1209600      # 2 weeks
    assert float(cfg["priority_usage_reset_period"]) == 4838400   # 8 weeks


def test_seed_view_user(seed):
    code, out, err = execute(["-p", seed, "view-user", "fluxuser"])
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 3              # header, separator, the row
    rows = table(out)
    assert list(rows[0])[:7] == ["creation_time", "mod_time", "active",
                                 "username", "userid", "bank",
                                 "default_bank"]
    assert rows[0]["username"] == "fluxuser"
    assert rows[0]["bank"] == rows[0]["default_bank"] == "foo"
    assert rows[0]["active"] == "true"


def test_seed_view_user_from_other_directory(seed, tmp_path):
    # a relative -p path is resolved from the current directory
    code, out, err = execute(["-p", seed.name, "view-user", "fluxuser",
                              "--list-banks"], cwd=seed.parent)
    assert (code, out, err) == (0, "foo\n", "")


def test_seed_hierarchy(seed):
    code, out, err = execute(["-p", seed, "print-hierarchy", "-P"])
    assert out == ("Bank|Username|Active|RawShares|RawUsage|Fairshare\n"
                   "root||true|1|0.0\n"
                   " foo||true|1|0.0\n"
                   "  foo|fluxuser|true|1|0.0|0.5\n")
