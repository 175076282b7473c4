"""Bank allocations (fluxacct-semantics(7) "Allocations"): the used amount U
that update_usage keeps incrementally equals U computed from scratch from
the job records, at window edges, across windows and for sub-banks; the
report and the burn-down series."""
import json
import random
import sqlite3

import pytest

import fluxacct

T0 = 1_700_000_000
USERS = {"A1": 5001, "A2": 5002, "B": 5003}
PARENT = {"root": "", "A": "root", "A1": "A", "A2": "A", "B": "root"}


def jobline(jobid, userid, t_run, t_end, nnodes, bank):
    ranks = "0" if nnodes == 1 else f"0-{nnodes - 1}"
    return json.dumps({
        "id": jobid, "userid": userid, "t_submit": t_run, "t_run": t_run,
        "t_inactive": t_end,
        "R": {"version": 1, "execution": {"R_lite": [
            {"rank": ranks, "children": {"core": "0"}}]}},
        "jobspec": {"attributes": {"system": {"bank": bank}}}}) + "\n"


def make_tree(db):
    db.add_bank("root")
    db.add_bank("A", parent="root")
    db.add_bank("A1", parent="A")
    db.add_bank("A2", parent="A")
    db.add_bank("B", parent="root")
    for bank, uid in USERS.items():
        db.add_user(f"u{uid}", bank, userid=uid)


def window(start, period, now):
    """[ws, we) containing now, or None before the start."""
    if now < start:
        return None
    if period == 0:
        return (start, float("inf"))
    k = (int(now) - start) // period
    return (start + k * period, start + (k + 1) * period)


def in_subtree(bank, top):
    while bank:
        if bank == top:
            return True
        bank = PARENT.get(bank, "")
    return False


def from_scratch(jobs, alloc, now):
    """U per bank from the job list alone (the reference)."""
    out = {}
    for bank, (a, s, p) in alloc.items():
        w = window(s, p, now)
        out[bank] = 0.0 if w is None else sum(
            n * (end - run) for (run, end, n, b) in jobs
            if in_subtree(b, bank) and w[0] <= end < w[1])
    return out


def stored(path):
    with sqlite3.connect(path) as c:
        return dict(c.execute("SELECT bank, allocation_used FROM bank_table"))


def test_incremental_equals_from_scratch(db_path):
    rng = random.Random(14)
    # root: one window that never resets; A: windows of 1000 s; A1: 300 s
    # windows starting later; B: starts in the future of most runs.
    alloc = {"root": (1e9, T0, 0), "A": (5e6, T0 + 50, 1000),
             "A1": (1e5, T0 + 2000, 300), "B": (1e5, T0 + 9000, 700)}
    jobs = []
    with fluxacct.Database(db_path) as db:
        make_tree(db)
        for bank, (a, s, p) in alloc.items():
            db.edit_bank(bank, allocation=a, allocation_start=s,
                         allocation_period=p)
        now, jobid = T0, 1
        for run in range(60):
            # jobs ending anywhere from well before now (late records) to now;
            # some exactly on a window boundary of A or A1
            lines = []
            for _ in range(rng.randrange(0, 12)):
                bank = rng.choice(list(USERS))
                # mostly ended before now; a few records end later (their
                # t_inactive decides, so they count once their window comes)
                end = now + rng.randrange(-2500, 1500 if rng.random() < 0.15
                                          else 1)
                if rng.random() < 0.2:
                    s, p = alloc[rng.choice(["A", "A1"])][1:]
                    end = s + p * max(0, (end - s) // p)
                run_t = end - rng.randrange(1, 400)
                n = rng.randrange(1, 4)
                if run_t <= 0:
                    continue
                jobs.append((run_t, end, n, bank))
                lines.append(jobline(jobid, USERS[bank], run_t, end, n, bank))
                jobid += 1
            if lines:
                db.import_jobs_data("".join(lines))
            if run % 9 == 4:
                # an edited allocation: A1's windows move and re-read the
                # old jobs of the new window
                a, s, p = alloc["A1"]
                alloc["A1"] = (a, s - rng.randrange(0, 700), p + 50)
                db.edit_bank("A1", allocation_start=alloc["A1"][1],
                             allocation_period=alloc["A1"][2])
            # time moves by less than a window, or across several at once
            now += rng.choice([0, 17, 120, 299, 300, 1000, 2600])
            db.update_usage(now)
            expect = from_scratch(jobs, alloc, now)
            got = stored(db_path)
            for bank in alloc:
                assert got[bank] == pytest.approx(expect[bank], rel=1e-12), \
                    (run, bank, now)
        assert jobid > 100
        assert any(v > 0 for v in from_scratch(jobs, alloc, now).values())
        # a forced full recompute (a weight edited and restored) agrees
        before = stored(db_path)
        db.edit_config("node_weight", "2")
        db.edit_config("node_weight", "1")
        db.update_usage(now)
        assert stored(db_path) == pytest.approx(before, rel=1e-12)


def test_window_edges(db):
    make_tree(db)
    S, P = T0 + 1000, 100
    db.edit_bank("A", allocation=1000, allocation_start=S, allocation_period=P)
    db.edit_bank("root", allocation=50, allocation_start=S,
                 allocation_period=0)
    db.import_jobs_data(
        jobline(1, USERS["A1"], S - 10, S, 1, "A1")            # at S: counts
        + jobline(2, USERS["A2"], S + 50, S + P, 2, "A2")      # at S+P: next
        + jobline(3, USERS["A1"], S - 30, S - 1, 1, "A1")      # before S
        + jobline(4, USERS["B"], S + 10, S + 20, 1, "B"))      # not under A
    db.update_usage(S - 1)          # before S: no window, U = 0
    r = {x["bank"]: x for x in db.allocation_report()}
    assert r["A"]["used"] == 0 and r["A"]["state"] == "not-started"
    assert r["A"]["window_start"] is None
    db.update_usage(S + 50)         # window [S, S+P): job 1 only
    r = {x["bank"]: x for x in db.allocation_report()}
    assert r["A"]["used"] == 10
    assert (r["A"]["window_start"], r["A"]["window_end"]) == (S, S + P)
    # root's window [S, inf) holds jobs 1, 2 and 4 (a record's t_inactive
    # decides, even one later than the evaluation time)
    assert r["root"]["used"] == 120 and r["root"]["window_end"] is None
    db.update_usage(S + P)          # window [S+P, S+2P): job 2 only
    r = {x["bank"]: x for x in db.allocation_report()}
    assert r["A"]["used"] == 100 and r["A"]["window_start"] == S + P
    # P = 0: root's single window keeps everything from S on
    assert r["root"]["used"] == 10 + 100 + 10
    assert r["root"]["state"] == "exhausted"
    assert r["root"]["remaining"] == -70
    assert r["root"]["projected_exhaustion"] is None
    db.update_usage(S + 5 * P + 3)  # several windows later: nothing
    assert db.allocation_report("A")[0]["used"] == 0


def test_report_rate_and_projection(db):
    make_tree(db)
    db.edit_bank("A", allocation=5000, allocation_start=T0,
                 allocation_period=10000)
    db.import_jobs_data(jobline(1, USERS["A1"], T0, T0 + 500, 2, "A1"))
    r = db.allocation_report("A")[0]
    assert r["state"] == "pending"
    db.update_usage(T0 + 1000)
    r = db.allocation_report("A")[0]
    assert r["used"] == 1000 and r["percent"] == 20.0
    assert r["remaining"] == 4000 and r["as_of"] == T0 + 1000
    assert r["burn_rate"] == pytest.approx(1.0)      # 1000 units in 1000 s
    assert r["projected_exhaustion"] == pytest.approx(T0 + 5000)
    assert r["state"] == "ok"
    # raised: at that rate it runs out only at the window end, which resets
    # it: no exhaustion in this window
    db.edit_bank("A", allocation=10000)
    assert db.allocation_report("A")[0]["state"] == "pending"
    db.update_usage(T0 + 1000)
    r = db.allocation_report("A")[0]
    assert r["used"] == 1000 and r["projected_exhaustion"] is None
    # clearing the allocation takes the bank out of the report
    db.edit_bank("A", allocation=0)
    assert db.allocation_report() == []
    with pytest.raises(fluxacct.NotFound, match="no allocation"):
        db.allocation_report("A")
    with pytest.raises(fluxacct.NotFound):
        db.allocation_report("nosuch")


def test_series(db):
    make_tree(db)
    db.edit_bank("A", allocation="1h", allocation_start=T0,
                 allocation_period="1d")
    assert db.view_bank("A")["allocation"] == 3600
    with pytest.raises(fluxacct.Error) as e:
        db.allocation_series("A")   # not computed yet
    assert e.value.errno == 61      # ENODATA
    db.import_jobs_data(jobline(1, USERS["A1"], T0, T0 + 100, 1, "A1")
                        + jobline(2, USERS["A2"], T0 + 100, T0 + 300, 2,
                                  "A2")
                        + jobline(3, USERS["B"], T0, T0 + 300, 1, "B"))
    db.update_usage(T0 + 400)
    s = db.allocation_series("A", points=5)
    assert [t for t, _ in s] == [T0, T0 + 100, T0 + 200, T0 + 300, T0 + 400]
    assert [u for _, u in s] == [0, 100, 100, 500, 500]
    assert s[-1][1] == db.allocation_report("A")[0]["used"]
    with pytest.raises(ValueError):
        db.allocation_series("A", points=1)
    with pytest.raises(fluxacct.NotFound):
        db.allocation_series("B")   # no allocation


def test_bad_values(db):
    make_tree(db)
    for kw, what in ((dict(allocation=-1), "allocation"),
                     (dict(allocation=float("inf")), "allocation"),
                     (dict(allocation_start=1.5), "allocation_start"),
                     (dict(allocation_period=-5), "allocation_period"),
                     (dict(allocation_period=1e12), "allocation_period")):
        with pytest.raises(fluxacct.InvalidArgument, match=what):
            db.edit_bank("A", **kw)
    with pytest.raises(ValueError, match="500000h"):
        db.edit_bank("A", allocation="lots")
    with pytest.raises(fluxacct.InvalidArgument, match="allocation_enforcement"):
        db.edit_config("allocation_enforcement", "maybe")
    db.edit_config("allocation_enforcement", "hold")
    db.edit_config("allocation_default_time_limit", "2h")
    assert db.get_config("allocation_default_time_limit") == "7200"
    with pytest.raises(fluxacct.InvalidArgument):
        db.edit_config("allocation_default_time_limit", "0")


def test_window_scan_uses_the_index(db_path):
    """A bank whose window moved re-reads that window's jobs through
    jobs_inactive_idx (the statement of usage.c's alloc_scan)."""
    with sqlite3.connect(db_path) as c:
        plan = " ".join(r[-1] for r in c.execute(
            "EXPLAIN QUERY PLAN SELECT userid, charge_bank, t_run, "
            "t_inactive, nnodes, ncores, ngpus FROM jobs WHERE "
            "t_inactive >= ?1 AND t_inactive < ?2 AND +seq <= ?3",
            (0, 1, 2)))
    assert "jobs_inactive_idx" in plan and "SCAN" not in plan


def test_export_payload_keys(db):
    make_tree(db)
    db.edit_bank("A", allocation=500, allocation_start=T0,
                 allocation_period=1000)
    db.update_usage(T0 + 10)
    p = db.export_json()
    banks = {b["bank"]: b for b in p["banks"]}
    assert banks["A"]["allocation"] == 500
    assert banks["A"]["allocation_used"] == 0
    assert banks["A"]["allocation_window_end"] == T0 + 1000
    assert banks["A"]["parent_bank"] == "root"
    assert banks["root"]["parent_bank"] == ""
    assert banks["root"]["allocation_window_end"] == 0
    cfg = p["config"]
    assert cfg["allocation_enforcement"] == "off"
    assert cfg["allocation_default_time_limit"] == 3600
    assert cfg["node_weight"] == 1.0 and cfg["gpu_weight"] == 0.0


def test_export_feeds_the_engine(db):
    """The contract end to end: what export_json writes for allocations is
    what the priority engine (mf_priority's) reads; the used amount from
    update_usage and the allocation reach the engine's query, and the
    engine blocks a job of an exhausted sub-bank under 'reject' and
    'hold'."""
    import time
    from fluxacct import PriorityEngine, Hold
    # the engine compares the window's end with its own clock: a window
    # that contains the real now
    t0 = int(time.time()) - 10000
    make_tree(db)
    db.edit_bank("A", allocation=7200, allocation_start=t0,
                 allocation_period=86400)
    # u5001 (bank A1, under A) used 2 nodes x 3600 s = 7200 = A's allocation
    db.import_jobs_data(jobline(1, 5001, t0 + 100, t0 + 3700, 2, "A1"))
    db.update_usage(t0 + 4000)
    db.edit_config("allocation_enforcement", "reject")
    payload = db.export_json()
    with PriorityEngine() as e:
        e.load(payload)
        q = e.query()
        a = q["allocations"]["A"]
        assert (a["allocation"], a["allocation_used"],
                a["allocation_window_end"], a["exhausted"]) == (
            7200, 7200, t0 + 86400, True)
        assert q["allocation_enforcement"] == "reject"
        with pytest.raises(fluxacct.PermissionDenied) as x:
            e.validate(5001)
        assert "bank A: allocation exhausted" in str(x.value)
        e.validate(5003)          # bank B has no allocation
    db.edit_config("allocation_enforcement", "hold")
    with PriorityEngine() as e:
        e.load(db.export_json())
        e.job_new(1, 5001)
        assert e.job_depend(1).add == Hold.ALLOCATION


def test_export_before_the_start_enforces_nothing(db):
    """Before S there is no window and nothing is exhausted: the export
    sends the allocation as 0 until S has passed."""
    import time
    make_tree(db)
    future = int(time.time()) + 86400
    db.edit_bank("A", allocation=500, allocation_start=future,
                 allocation_period=1000)
    db.edit_bank("B", allocation=700, allocation_start=T0,
                 allocation_period=0)
    banks = {b["bank"]: b for b in db.export_json()["banks"]}
    assert banks["A"]["allocation"] == 0
    assert banks["B"]["allocation"] == 700
