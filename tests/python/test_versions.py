"""The 1.0 API's versioned structs and options structs through the bindings:
every versioned struct the package passes is initialised by the library's
fluxacct_X_init() with the header's FLUXACCT_X_VERSION, a struct of an
unknown version is refused with the library's message, and the calls that
now take an options struct (usage_report, the job imports, migrate_db, the
CSV imports) behave as before, defaults included."""
import json
import math
import os
import re
import shutil
import sqlite3

import pytest

import fluxacct
from fluxacct import _fields, lib
from fluxacct._core import ffi, check, new_error

PKG_DIR = os.path.dirname(fluxacct.__file__)
DBS = os.environ.get("FLUXACCT_DBS_DIR") or os.path.join(
    os.environ.get("TEST_SOURCE_ROOT", "."), "tests", "data",
    "flux-accounting-dbs")

R1 = {"version": 1, "execution": {"R_lite": [
    {"rank": "0-1", "children": {"core": "0-3"}}]}}


def versioned_structs():
    """{type name: its FLUXACCT_X_VERSION macro name} for every struct of
    the generated cdef whose first member is `int version`."""
    with open(os.path.join(PKG_DIR, '_fluxacct.cdef')) as f:
        cdef = f.read()
    names = re.findall(r'typedef struct\s*\{\s*int version;[^}]*\}\s*(\w+);',
                       cdef)
    macros = set(re.findall(r'#define (FLUXACCT_\w+_VERSION) \.\.\.', cdef))
    out = {}
    for name in names:
        macro = 'FLUXACCT_' + name[len('fluxacct_'):-len('_t')].upper() \
            + '_VERSION'
        assert macro in macros, f'{name}: no {macro} in the cdef'
        out[name] = macro
    return out


def specs():
    return {s.name: s for s in vars(_fields).values()
            if isinstance(s, _fields.StructSpec)}


# -- every versioned struct is initialised, with the header's version ------


def test_every_versioned_struct_has_a_spec():
    structs = versioned_structs()
    assert len(structs) == 20          # the list in the 1.0 API rules
    have = specs()
    assert sorted(have) == sorted(structs)
    for name, macro in structs.items():
        spec = have[name]
        version = getattr(lib, macro)
        assert version >= 1
        assert spec.version == version, name
        assert spec.new().version == version, name
        arr = spec.new(3)
        assert [arr[i].version for i in range(3)] == [version] * 3, name


def test_no_struct_allocated_without_init():
    """The package allocates versioned structs only through _fields (whose
    specs call the library's init): no ffi.new() of one anywhere else."""
    structs = versioned_structs()
    for fname in sorted(os.listdir(PKG_DIR)):
        if not fname.endswith('.py') or fname == '_fields.py':
            continue
        with open(os.path.join(PKG_DIR, fname)) as f:
            source = f.read()
        for ctype in re.findall(r"ffi\.new\(\s*'(\w+)", source):
            assert ctype not in structs, f'{fname}: ffi.new({ctype!r})'


def test_defaults_come_from_the_library():
    """What init sets, not zeroes: an open-ended window and unit 1 of the
    report options, -1 sizes of the job description, NaN/UNSET of the
    fields."""
    o = _fields.USAGE_REPORT.new()
    assert (o.start, o.by, o.nbins, o.unit) == (
        0.0, lib.FLUXACCT_REPORT_BYASSOCIATION, 0, 1.0)
    assert o.end >= lib.FLUXACCT_TIME_MAX      # every job time (or +inf)
    assert o.username == ffi.NULL and o.bins == ffi.NULL
    d = _fields.JOBDESC.new()
    assert (d.nnodes, d.ncores, d.ngpus, d.duration) == (-1, -1, 0, 0.0)
    b = _fields.BANK.new()
    assert b.shares == lib.FLUXACCT_UNSET and math.isnan(b.priority)


def test_spec_with_unknown_version_refused():
    for bad in (0, lib.FLUXACCT_R_COUNT_VERSION + 1):
        with pytest.raises(fluxacct.InvalidArgument):
            _fields.StructSpec('fluxacct_r_count_t', lib.fluxacct_r_count_init,
                               bad)
    with pytest.raises(TypeError):
        _fields.StructSpec('fluxacct_r_count_t', lib.fluxacct_r_count_init)


# -- an uninitialised struct: the library's message, as the package raises it


def test_unknown_version_output_struct_message(db):
    """The wrapper always initialises, so this is reachable only through
    lib: a zeroed stats struct (version 0) makes the call fail EINVAL, and
    the package's error path raises the library's message unchanged."""
    stats = ffi.new('fluxacct_usage_stats_t *')
    with pytest.raises(fluxacct.InvalidArgument) as x:
        db._call(lib.fluxacct_usage_update, math.nan, stats)
    assert str(x.value) == ('fluxacct_usage_stats_t: unknown version 0 '
                            '(initialise it with fluxacct_usage_stats_init())')
    assert x.value.errno == 22
    assert stats.version == 0
    db.update_usage()                  # the wrapper's own call works


def test_unknown_version_parser_struct_message():
    out = ffi.new('fluxacct_r_count_t *')
    err = new_error()
    with pytest.raises(fluxacct.InvalidArgument) as x:
        check(lib.fluxacct_r_count(json.dumps(R1).encode(), out, err), err)
    assert str(x.value) == ('fluxacct_r_count_t: unknown version 0 '
                            '(initialise it with fluxacct_r_count_init())')
    assert fluxacct.r_count(R1) == fluxacct.RCount(2, 8, 0)


def test_unknown_version_options_message(db):
    opts = ffi.new('fluxacct_usage_report_options_t *')
    with pytest.raises(fluxacct.InvalidArgument) as x:
        db._rows(lib.fluxacct_usage_report, opts)
    assert 'fluxacct_usage_report_options_t: unknown version 0' in str(x.value)


def test_next_release_unknown_version_raises():
    """next_release returns -1 for an unknown out->version (it used to
    return 0, which read as "nothing waiting")."""
    with fluxacct.PriorityEngine() as e:
        assert e.next_release() is None
        e._rel.version = 0
        with pytest.raises(fluxacct.InvalidArgument):
            e.next_release()


# -- the options-struct calls, defaults included -------------------------


@pytest.fixture
def jobs_db(tree_db):
    """tree_db with two jobs of alice in A (2 nodes, 100 s) and one of
    carol in B (1 node, 50 s)."""
    lines = [
        {"id": 1, "userid": 5001, "t_run": 1000, "t_inactive": 1100, "R": R1,
         "jobspec": {"attributes": {"system": {"bank": "A"}}}},
        {"id": 2, "userid": 5001, "t_run": 1200, "t_inactive": 1300, "R": R1},
        {"id": 3, "userid": 5003, "t_run": 1000, "t_inactive": 1050,
         "R": {"version": 1, "execution": {"R_lite": [
             {"rank": "0", "children": {"core": "0"}}]}}},
    ]
    s = tree_db.import_jobs_data(''.join(json.dumps(j) + '\n' for j in lines))
    assert (s.imported, s.problems) == (3, [])
    return tree_db


def test_usage_report_defaults_and_filters(jobs_db):
    db = jobs_db
    # by association, in seconds, every job size
    assert db.usage_report(0, 2000) == [
        {"key": "A:alice", "total": 400.0}, {"key": "B:carol", "total": 50.0}]
    assert db.usage_report(0, 2000, by="user", unit="hour") == [
        {"key": "alice", "total": pytest.approx(400 / 3600)},
        {"key": "carol", "total": pytest.approx(50 / 3600)}]
    assert db.usage_report(0, 2000, username="carol") == [
        {"key": "B:carol", "total": 50.0}]
    assert db.usage_report(0, 2000, by="bank", bank="A",
                           bins=[1, 2]) == [
        {"key": "A", "1+": 0.0, "2+": 400.0, "total": 400.0}]
    assert db.usage_report("1150", 2000) == [
        {"key": "A:alice", "total": 200.0}]
    with pytest.raises(fluxacct.InvalidArgument) as x:
        db.usage_report(None, None)    # NaN is no window, as before
    assert 'report window' in str(x.value)
    with pytest.raises(TypeError):
        db.usage_report(0, 2000, username=5)
    with pytest.raises(TypeError):
        db.usage_report(0, 2000, unit="day")


def test_import_calls_with_default_options(tree_db, tmp_path):
    db = tree_db
    f = tmp_path / "jobs.jsonl"
    f.write_text(json.dumps({"id": 5, "userid": 5001, "t_run": 10,
                             "t_inactive": 20, "R": R1}) + "\nnot json\n")
    s = db.import_jobs(f)
    assert (s.lines, s.imported, s.malformed) == (2, 1, 1)
    assert len(s.problems) == 1 and 'line 2' in s.problems[0]
    with pytest.raises(fluxacct.InvalidArgument, match='line 2'):
        db.import_jobs(f, strict=True)
    s = db.import_records([{"id": 6, "userid": 5002, "t_inactive": 30},
                           {"id": 7, "userid": -1, "t_inactive": 30}])
    assert (s.lines, s.imported) == (2, 1)
    assert len(s.problems) == 1 and s.problems[0].startswith('record 2')
    assert sorted(j['id'] for j in db.list_jobs()) == ['5', '6']


def test_csv_import_options(tmp_path):
    src, dst = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    out = tmp_path / "csv"
    out.mkdir()
    fluxacct.create_db(src)
    with fluxacct.Database(src) as db:
        db.add_bank("root")
        db.add_bank("A", parent="root", shares=3)
        db.export_csv(out)
    (out / "notes.csv").write_text("x\n1\n")
    fluxacct.create_db(dst)
    with fluxacct.Database(dst) as db:
        st = db.import_csv_dir(out)            # replace=True by default
        assert any("notes.csv names no table" in p for p in st.problems)
        assert [b["shares"] for b in db.list_banks()] == [1, 3]
        # fields: only the named columns of the file, matched by name
        f = tmp_path / "bank_table.csv"
        f.write_text("priority,shares,bank,parent_bank\n9,7,B,root\n")
        st = db.import_csv(f, fields="bank,parent_bank,shares")
        assert (st.tables, st.rows) == (1, 1)
        b = db.view_bank("B")
        assert (b["shares"], b["priority"]) == (7, 0.0)
        # replace: the table is emptied first
        f.write_text("bank_id,bank,parent_bank,shares\n1,root,,5\n")
        db.import_csv(f, replace=True)
        assert [(b["bank"], b["shares"]) for b in db.list_banks()] == [
            ("root", 5)]


def test_migrate_db_options(tmp_path):
    """flags, the problem callback and the progress callback all reach
    fluxacct_migrate_db() through its options struct."""
    src = os.path.join(DBS, "FluxAccountingv0-60-0.db")
    if not os.path.exists(src):
        pytest.skip("no flux-accounting corpus")
    path = tmp_path / "old.db"
    shutil.copy(src, path)
    R = json.dumps(R1)
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE site_notes (x)")
        c.execute("INSERT INTO project_table (project) VALUES ('*')")
        c.executemany(
            "INSERT INTO jobs (id, userid, t_submit, t_run, t_inactive, "
            "ranks, R, jobspec) VALUES (?, 65534, 1, 10, 20, '0-1', ?, '{}')",
            ((str(i), R) for i in range(1, 16385)))
    c.close()
    seen = []
    dry = fluxacct.migrate_db(path, dry_run=True,
                              progress=lambda *a: seen.append(a))
    assert dry.migrated and dry.jobs == 16384 and dry.other_tables == 1
    assert ("update-db", 16384, 0) in seen
    assert any('site_notes' in p for p in dry.problems)
    assert any('duplicate project' in p for p in dry.problems)
    assert not os.path.exists(str(path) + ".backup")   # dry run: nothing
    st = fluxacct.migrate_db(path, vacuum=True)
    assert st.migrated and st.jobs == 16384
    assert any('duplicate project' in p for p in st.problems)
    assert os.path.exists(str(path) + ".backup")
    with fluxacct.Database(path) as db:
        assert len(db.list_jobs()) == 16384
    assert not fluxacct.migrate_db(path).migrated
