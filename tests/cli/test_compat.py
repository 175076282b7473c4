"""Every flux-accounting v0.60 subcommand and option of the compat surface
(shared/spec/flux-accounting-compat.md sections 2 and 3) is accepted by our
CLI (issue 16).  The rows are in compat-surface.txt; they run in order on
one database, each must exit 0 (rows marked "parsed:" need a running Flux
instance or fail on purpose, and must only not be usage errors).  What
jobs USERNAME prints is tested with the real-Flux suite (t2003-jobs)."""
import json
import pathlib
import shlex

from conftest import USAGE, execute
from test_usage_fairshare import T0, jobline

TABLE = pathlib.Path(__file__).with_name("compat-surface.txt")


def rows():
    for n, line in enumerate(TABLE.read_text().splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield n, line


def test_table_names_every_compat_subcommand():
    """The table covers the subcommands of the compat spec's tables."""
    spec_subcommands = {
        "add-user", "delete-user", "edit-user", "edit-all-users", "view-user",
        "list-users", "sync-userids", "add-bank", "delete-bank", "edit-bank",
        "list-banks", "view-bank", "bank-info", "clear-usage", "add-queue",
        "edit-queue", "delete-queue", "view-queue", "list-queues",
        "add-project", "delete-project", "view-project", "list-projects",
        "view-factor", "edit-factor", "list-factors", "reset-factors",
        "add-config", "edit-config", "delete-config", "view-config",
        "list-configs", "view-job-records", "view-usage-report", "show-usage",
        "scrub-old-jobs", "create-db", "pop-db", "export-db", "export-json",
        "update-fshare", "fetch-job-records", "priority-update", "update-db",
        "fairshare-emulate", "jobs"}
    used = {shlex.split(line.removeprefix("parsed:"))[0] for _, line in rows()}
    assert spec_subcommands <= used, spec_subcommands - used


def test_every_row_is_accepted(tmp_path):
    d = tmp_path
    db = d / "FluxAccounting.db"
    assert execute(["create-db", db])[0] == 0
    jobs = d / "jobs.jsonl"
    jobs.write_text("\n".join([
        jobline(1, 1001, T0 + 100, T0 + 200, bank="A"),
        jobline(2, 1002, T0 + 100, T0 + 400, 2, bank="A")]) + "\n")
    tree = d / "tree.json"
    tree.write_text(json.dumps({"root": {"bank": "root", "shares": 1,
                                         "children": [{"username": "u",
                                                       "shares": 1}]}}))
    for sub in ("pop1", "pop2"):
        (d / sub).mkdir()
        (d / sub / "project_table.csv").write_text(f"project\n{sub}\n")
    subst = {"{DIR}": str(d), "{JOBS}": str(jobs), "{TREE}": str(tree)}
    failures = []
    for n, line in rows():
        parsed_only = line.startswith("parsed:")
        args = shlex.split(line.removeprefix("parsed:"))
        for k, v in subst.items():
            args = [a.replace(k, v) for a in args]
        code, out, err = execute(["-p", db, *args], cwd=d)
        bad = code == USAGE if parsed_only else code != 0
        if bad:
            failures.append(f"line {n}: flux-account {' '.join(args)}: "
                            f"exit {code}: {err.strip()}")
    assert not failures, "\n".join(failures)
