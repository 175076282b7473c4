"""python3 -m fluxacct.plot allocations: a valid PNG or SVG with one
burn-down line per bank that has an allocation window; a clear message and
a non-zero exit when there is nothing to draw."""
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest

import fluxacct
import fluxacct.plot
from conftest import run_python
from test_allocations import T0, USERS, jobline, make_tree

pytest.importorskip("matplotlib")


def plot(*args):
    return run_python("-m", "fluxacct.plot", *args)


def allocations(db):
    make_tree(db)
    db.edit_bank("A", allocation="1h", allocation_start=T0,
                 allocation_period="1d")
    db.edit_bank("B", allocation=5000, allocation_start=T0,
                 allocation_period=0)
    # C: an allocation that starts later: no window, not drawn
    db.edit_bank("A2", allocation=10, allocation_start=T0 + 10 ** 7)
    db.import_jobs_data(jobline(1, USERS["A1"], T0, T0 + 600, 2, "A1")
                        + jobline(2, USERS["B"], T0 + 100, T0 + 1000, 1, "B"))
    db.update_usage(T0 + 3600)


def check_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    assert width > 100 and height > 100
    crc = struct.unpack(">I", data[29:33])[0]
    assert crc == zlib.crc32(data[12:29]) & 0xffffffff
    assert data.endswith(b"IEND\xaeB`\x82")


def ids(svg_path):
    root = ET.parse(svg_path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return {e.get("id") for e in root.iter() if e.get("id")}


def test_png(db, db_path, tmp_path):
    allocations(db)
    out = tmp_path / "burn.png"
    p = plot("allocations", "-p", db_path, "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert "2 bank(s): A, B" in p.stderr
    check_png(out.read_bytes())


def test_svg_one_series_per_bank(db, db_path, tmp_path):
    allocations(db)
    out = tmp_path / "burn.svg"
    p = plot("allocations", "-p", db_path, "-o", str(out))
    assert p.returncode == 0, p.stderr
    got = ids(out)
    assert {i for i in got if i.startswith("burndown-")} == {
        "burndown-A", "burndown-B"}
    # the even spend of A's one-day window; B's window never ends
    assert {i for i in got if i.startswith("even-")} == {"even-A"}


def test_burndown_values(db):
    allocations(db)
    b = {x["report"]["bank"]: x for x in
         fluxacct.plot.allocation_burndown(db, points=7)}
    assert sorted(b) == ["A", "B"]
    assert b["A"]["series"][0] == (T0, 0.0)
    assert b["A"]["series"][-1] == (T0 + 3600, 1200.0)   # A1's 2 x 600 s


def test_nothing_to_plot(db, db_path, tmp_path):
    make_tree(db)
    out = tmp_path / "none.png"
    p = plot("allocations", "-p", db_path, "-o", str(out))
    assert p.returncode == 1
    assert "no bank has an allocation" in p.stderr
    assert not out.exists()
    db.edit_bank("A", allocation=100, allocation_start=T0)
    p = plot("allocations", "-p", db_path, "-o", str(out))
    assert p.returncode == 1 and "no bank has a current allocation window" \
        in p.stderr


def test_bad_arguments(db_path, tmp_path):
    p = plot("allocations", "-p", db_path, "-o", str(tmp_path / "x.gif"))
    assert p.returncode == 2 and ".png or .svg" in p.stderr
    p = plot("allocations", "-p", str(tmp_path / "missing.db"), "-o",
             str(tmp_path / "x.png"))
    assert p.returncode == 1 and "fluxacct.plot: ERROR" in p.stderr
