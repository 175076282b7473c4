"""bash completion (issue 7 item 5): subcommands, options, and bank/user
names read from the database."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import FLUX_ACCOUNT

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "tools" / "completion" / "flux-account.bash"

pytestmark = pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")


def complete(words, env_db=None):
    """Complete the last of words (a list; the last may be '')."""
    bindir = os.path.dirname(FLUX_ACCOUNT)
    words = ["flux-account"] + [str(w) for w in words]
    script = (f"source {SCRIPT}\n"
              f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
              f"COMP_CWORD={len(words) - 1}\n"
              "_flux_account\n"
              "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    env = {"PATH": bindir + ":" + os.environ["PATH"]}
    if env_db:
        env["FLUXACCT_DB"] = env_db
    p = subprocess.run(["bash", "-c", script], capture_output=True, env=env,
                       text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return [l for l in p.stdout.splitlines() if l]


def test_subcommands():
    got = complete(["view-"])
    assert "view-user" in got and "view-bank" in got
    assert all(w.startswith("view-") for w in got)
    assert "update-fshare" in complete([""])


def test_global_options():
    assert "--path" in complete(["--pa"])


def test_subcommand_options():
    got = complete(["add-user", "--max-r"])
    assert got == ["--max-running-jobs"]
    assert "--parent-bank" in complete(["add-bank", "--"])


def test_bank_and_user_names(tree):
    db = tree.path
    assert complete(["-p", db, "view-bank", ""]) == ["root", "A", "B", "B1", "B2"]
    assert complete(["-p", db, "view-user", "a"]) == ["alice"]
    assert complete(["-p", db, "add-user", "-B", "B"]) == ["B", "B1", "B2"]
    assert complete(["-p", db, "delete-user", "bob", ""]) == [
        "root", "A", "B", "B1", "B2"]
    # FLUXACCT_DB when -p is not given
    assert complete(["view-user", "c"], env_db=db) == ["carol"]


def test_fixed_values():
    assert complete(["show-usage", ""]) == ["associations", "banks"]
    assert complete(["view-factor", "u"]) == ["urgency"]


def test_database_argument(tmp_path):
    # update-usage takes the database as its positional argument
    (tmp_path / "FluxAccounting.db").write_text("")
    prefix = str(tmp_path / "Flux")
    assert complete(["update-usage", "--priority-decay-half-life=2",
                     prefix]) == [prefix + "Accounting.db"]


def test_jobs(tree):
    """jobs USERNAME: its options, states for -f, queue and user names."""
    db = tree.path
    got = complete(["jobs", "--"])
    assert {"--bank", "--queue", "--filter", "--count", "--since",
            "--jobids", "--verbose"} <= set(got)
    assert complete(["jobs", "alice", "-f", "pend"]) == ["pending"]
    assert complete(["-p", db, "jobs", "a"]) == ["alice"]
    assert complete(["-p", db, "jobs", "alice", "--bank", "B"]) == [
        "B", "B1", "B2"]
