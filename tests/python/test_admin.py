"""migrate_db, export_csv, import_csv, import_csv_dir: the CLI's update-db,
export-db and pop-db through the bindings."""
import os
import shutil
import subprocess

import pytest

import fluxacct

DBS = os.environ.get("FLUXACCT_DBS_DIR") or os.path.join(
    os.environ.get("TEST_SOURCE_ROOT", "."), "tests", "data",
    "flux-accounting-dbs")


def test_migrate_db(tmp_path):
    src = os.path.join(DBS, "FluxAccountingv0-60-0.db")
    if not os.path.exists(src):
        pytest.skip("no flux-accounting corpus")
    path = tmp_path / "old.db"
    shutil.copy(src, path)
    with pytest.raises(fluxacct.NotADatabase, match="update-db"):
        fluxacct.Database(path)
    dry = fluxacct.migrate_db(path, dry_run=True)
    assert dry.migrated and dry.associations == 1
    st = fluxacct.migrate_db(path)
    assert st.migrated and st.from_version == 37 and st.banks == 2
    assert os.path.exists(str(path) + ".backup")
    with fluxacct.Database(path) as db:
        assert db.view_user("testuser")[0]["bank"] == "A"
    again = fluxacct.migrate_db(path)
    assert not again.migrated
    with pytest.raises(fluxacct.NotFound):
        fluxacct.migrate_db(tmp_path / "missing.db")


def test_csv_round_trip(tmp_path):
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    fluxacct.create_db(a)
    with fluxacct.Database(a) as db:
        db.add_bank("root")
        db.add_bank("A", parent="root", shares=3)
        db.add_user("alice", "A", userid=1001, max_running_jobs=9)
        out = tmp_path / "csv"
        out.mkdir()
        st = db.export_csv(out)
        assert st.tables >= 8 and st.rows >= 4
        st = db.export_csv(out, tables=["bank_table"])
        assert st.tables == 1
    fluxacct.create_db(b)
    with fluxacct.Database(b) as db:
        st = db.import_csv_dir(out)
        assert st.tables >= 8
        assert db.view_user("alice")[0]["max_running_jobs"] == 9
        assert [x["bank"] for x in db.list_banks()] == ["root", "A"]
        bad = tmp_path / "bank_table.csv"
        bad.write_text("bank_id,bank,shares\n9,x,lots\n")
        with pytest.raises(fluxacct.InvalidArgument, match="bank_table.csv"):
            db.import_csv(bad)
        assert [x["bank"] for x in db.list_banks()] == ["root", "A"]
        with pytest.raises(fluxacct.Error):
            db.import_csv(tmp_path / "nope_table.csv")
