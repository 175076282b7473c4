"""Database.usage_report: the same values as flux-account view-usage-report."""
import json
import subprocess

import pytest

import fluxacct


def test_usage_report(tmp_path):
    path = str(tmp_path / "r.db")
    fluxacct.create_db(path)
    with fluxacct.Database(path) as db:
        db.add_bank("root")
        db.add_bank("A", parent="root")
        db.add_user("alice", "A", userid=1001)
        line = {"id": 1, "userid": 1001, "t_run": 1000, "t_inactive": 1100,
                "R": {"version": 1, "execution": {"R_lite": [
                    {"rank": "0-1", "children": {"core": "0"}}]}},
                "jobspec": {"attributes": {"system": {"bank": "A"}}}}
        db.import_jobs_data(json.dumps(line) + "\n")
        rows = db.usage_report(0, 2000, bins=[0, 2], unit="min")
        assert rows == [{"key": "A:alice", "0+": 0.0,
                         "2+": pytest.approx(200 / 60),
                         "total": pytest.approx(200 / 60)}]
        assert db.usage_report(0, 2000, by="bank")[0]["key"] == "A"
        assert db.usage_report(0, 500) == []
        with pytest.raises(fluxacct.InvalidArgument):
            db.usage_report(2000, 0)
        with pytest.raises(fluxacct.InvalidArgument):
            db.usage_report(0, 2000, bins=[4, 2])
        with pytest.raises(TypeError):
            db.usage_report(0, 2000, by="queue")


def test_progress_callback(tmp_path):
    path = str(tmp_path / "p.db")
    fluxacct.create_db(path)
    seen = []
    with fluxacct.Database(path) as db:
        db.add_bank("root")
        db.add_bank("A", parent="root")
        db.add_user("alice", "A", userid=1001)
        db.set_progress(lambda what, done, total: seen.append((what, done, total)))
        lines = "".join(json.dumps({"id": i, "userid": 1001, "t_run": 10,
                                    "t_inactive": 20}) + "\n"
                        for i in range(1, 40000))
        db.import_jobs_data(lines)
        assert seen and seen[-1][0] == "import"
        assert seen[-1][1] == seen[-1][2] == len(lines.encode())
        assert all(b[1] >= a[1] for a, b in zip(seen, seen[1:]))
        db.set_progress(None)
        n = len(seen)
        db.update_usage()
        assert len(seen) == n
