"""view/edit/list/reset factors; add/edit/delete/view/list config."""
import json

import pytest

from conftest import USAGE, query, table

DEFAULT_FACTORS = {"fairshare": 100000, "queue": 10000, "bank": 0,
                   "urgency": 1000}
PROTECTED = ["priority_usage_reset_period", "priority_decay_half_life",
             "decay_factor", "node_weight", "core_weight", "gpu_weight",
             "deny_unknown_queues", "decay_mode", "usage_epoch",
             "allocation_enforcement", "allocation_default_time_limit"]


def config(db):
    return dict(query(db, "SELECT key, value FROM config_table"))


def factors(db):
    return dict(query(db, "SELECT factor, weight FROM "
                          "priority_factor_weight_table"))


# ---- factors -------------------------------------------------------------------


def test_list_factors(run):
    rows = table(run("list-factors")[1])
    assert rows == [{"factor": f, "weight": str(w)}
                    for f, w in DEFAULT_FACTORS.items()]
    assert json.loads(run("list-factors", "--json")[1]) == \
        [{"factor": f, "weight": w} for f, w in DEFAULT_FACTORS.items()]
    assert run("list-factors", "--parsable")[1] == \
        "factor|weight\nfairshare|100000\nqueue|10000\nbank|0\nurgency|1000\n"
    assert run("list-factors", "-o", "{factor}={weight}")[1] == \
        "factor=weight\nfairshare=100000\nqueue=10000\nbank=0\nurgency=1000\n"
    assert table(run("list-factors", "--fields", "weight")[1]) == \
        [{"weight": str(w)} for w in DEFAULT_FACTORS.values()]


@pytest.mark.parametrize("factor", list(DEFAULT_FACTORS))
def test_view_factor(run, factor):
    assert table(run("view-factor", factor)[1]) == \
        [{"factor": factor, "weight": str(DEFAULT_FACTORS[factor])}]
    assert json.loads(run("view-factor", factor, "-j")[1]) == \
        [{"factor": factor, "weight": DEFAULT_FACTORS[factor]}]


def test_view_factor_errors(run, fails):
    fails("view-factor", "nope",
          match="factor nope not found in priority_factor_weight_table; "
                "available factors are fairshare,queue,bank,urgency")
    fails("view-factor", "bank", "--fields", "weight,x", rc=USAGE,
          match="invalid fields: x")
    fails("view-factor", "bank", "-o", "{x}", rc=USAGE,
          match="Invalid column name in format string: x")
    fails("view-factor", rc=USAGE, match="view-factor")


def test_edit_factor(run, db):
    assert run("edit-factor", "--factor", "queue", "--weight", "5") == \
        (0, "", "")
    assert factors(db)["queue"] == 5
    run("edit-factor", "--weight=0", "--factor=fairshare")
    assert factors(db)["fairshare"] == 0


@pytest.mark.parametrize("args,rc,match", [
    (["--factor", "nope", "--weight", "5"], 1,
     "factor nope not found in priority_factor_weight_table; available "
     "factors are fairshare,queue,bank,urgency"),
    (["--factor", "queue", "--weight", "x"], USAGE, "x"),
    (["--factor", "queue", "--weight", "1.5"], USAGE, "1.5"),
    (["--factor", "queue", "--weight", "-5"], USAGE, "-5"),
    (["--factor", "queue"], USAGE, "--weight"),
    (["--weight", "3"], USAGE, "--factor"),
    ([], USAGE, "--factor"),
    (["queue", "5"], USAGE, "edit-factor"),
])
def test_edit_factor_errors(run, fails, args, rc, match):
    fails("edit-factor", *args, rc=rc, match=match)


def test_reset_factors(run, db):
    run("edit-factor", "--factor", "queue", "--weight", "1")
    run("edit-factor", "--factor", "bank", "--weight", "2")
    assert run("reset-factors") == (0, "", "")
    assert factors(db) == DEFAULT_FACTORS
    assert [r["factor"] for r in table(run("list-factors")[1])] == \
        list(DEFAULT_FACTORS)


def test_reset_factors_arguments(run, fails):
    fails("reset-factors", "now", rc=USAGE, match="reset-factors")


# ---- config --------------------------------------------------------------------


def test_list_configs(run):
    rows = table(run("list-configs")[1])
    assert [r["key"] for r in rows] == PROTECTED
    data = json.loads(run("list-configs", "--json")[1])
    assert all(isinstance(d["value"], str) for d in data)
    assert run("list-configs", "--fields", "key", "--parsable")[1] == \
        "key\n" + "".join(k + "\n" for k in PROTECTED)
    assert run("list-configs", "-o", "{key}")[1].split() == ["key"] + PROTECTED


def test_view_config(run):
    assert table(run("view-config", "decay_factor")[1]) == \
        [{"key": "decay_factor", "value": "0.5"}]
    assert json.loads(run("view-config", "deny_unknown_queues", "-j")[1]) == \
        [{"key": "deny_unknown_queues", "value": "false"}]
    assert run("view-config", "node_weight", "--parsable")[1] == \
        "key|value\nnode_weight|1.0\n"
    assert run("view-config", "gpu_weight", "-o", "{value}")[1] == \
        "value\n0.0\n"


def test_view_config_errors(run, fails):
    fails("view-config", "nope", match="key nope not found in config_table")
    fails("view-config", "decay_factor", "--fields", "value,x", rc=USAGE,
          match="invalid fields: x")


def test_add_config(run, db):
    assert run("add-config", "site=llnl") == (0, "", "")
    assert config(db)["site"] == "llnl"
    run("add-config", "motto=a b ünïcode 'q' \"d\"")
    assert config(db)["motto"] == "a b ünïcode 'q' \"d\""
    assert table(run("view-config", "motto")[1])[0]["value"] == \
        "a b ünïcode 'q' \"d\""


@pytest.mark.parametrize("arg,rc,match", [
    ("site", USAGE, 'key-value string must contain exactly one "="'),
    ("a=b=c", USAGE, 'exactly one "="'),
    ("=x", USAGE, "empty"),
    ("x=", USAGE, "x"),
    ("decay_factor=0.1", 1, "key decay_factor already exists"),
])
def test_add_config_errors(run, fails, arg, rc, match):
    fails("add-config", arg, rc=rc, match=match)


def test_add_config_long_key(run, fails, db):
    run("add-config", "k" * 255 + "=v")
    fails("add-config", "k" * 256 + "=v", rc=USAGE,
          match="longer than 255 bytes")
    assert config(db)["k" * 255] == "v"


def test_add_config_duplicate(run, fails):
    run("add-config", "site=a")
    fails("add-config", "site=b", match="key site already exists in "
                                        "config_table")


def test_add_config_arguments(run, fails):
    fails("add-config", rc=USAGE, match="add-config")
    fails("add-config", "a=1", "b=2", rc=USAGE, match="add-config")


def test_edit_config_plain_key(run, db):
    run("add-config", "site=a")
    assert run("edit-config", "site=b") == (0, "", "")
    assert config(db)["site"] == "b"


@pytest.mark.parametrize("key,value,stored", [
    ("priority_decay_half_life", "14d", 1209600),
    ("priority_decay_half_life", "3600s", 3600),
    ("priority_decay_half_life", "2", 1209600),   # a bare number is weeks
    ("priority_usage_reset_period", "28d", 2419200),
    ("priority_usage_reset_period", "0", 0),
    ("priority_usage_reset_period", "90m", 5400),
    ("decay_factor", "0.25", 0.25),
    ("node_weight", "2.5", 2.5),
    ("core_weight", "1", 1.0),
    ("gpu_weight", "0", 0.0),
    ("usage_epoch", "1700000000", 1700000000),
    ("usage_epoch", "2025-01-01", 1735689600),
])
def test_edit_config_protected_numeric(run, db, key, value, stored):
    run("edit-config", f"{key}={value}")
    assert float(config(db)[key]) == stored


@pytest.mark.parametrize("value,stored", [("TRUE", "true"), ("false", "false"),
                                          ("True", "true"), ("FaLsE", "false")])
def test_edit_config_deny_unknown_queues(run, db, value, stored):
    run("edit-config", f"deny_unknown_queues={value}")
    assert config(db)["deny_unknown_queues"] == stored


@pytest.mark.parametrize("value", ["continuous", "binned"])
def test_edit_config_decay_mode(run, db, value):
    run("edit-config", f"decay_mode={value}")
    assert config(db)["decay_mode"] == value


@pytest.mark.parametrize("key,value,match", [
    ("priority_decay_half_life", "0", "priority_decay_half_life must be a "
                                      "positive duration"),
    ("priority_decay_half_life", "-1d", "priority_decay_half_life"),
    ("priority_decay_half_life", "soon", "soon"),
    ("priority_decay_half_life", "inf", "inf"),
    ("priority_usage_reset_period", "-1", "priority_usage_reset_period must "
                                          "be a duration"),
    ("priority_usage_reset_period", "4 weeks", "4 weeks"),
    ("decay_factor", "1.5", "decay_factor must be a floating-point value "
                            "between 0 and 1"),
    ("decay_factor", "0", "decay_factor"),
    ("decay_factor", "1", "decay_factor"),
    ("decay_factor", "half", "half"),
    ("node_weight", "abc", "node_weight must be a non-negative number"),
    ("core_weight", "-1", "core_weight"),
    ("gpu_weight", "nan", "gpu_weight"),
    ("deny_unknown_queues", "yes", "deny_unknown_queues must be 'true' or "
                                   "'false'"),
    ("deny_unknown_queues", "1", "deny_unknown_queues"),
    ("decay_mode", "exponential", "decay_mode must be 'binned' or "
                                  "'continuous'"),
    ("usage_epoch", "-5", "usage_epoch"),
    ("usage_epoch", "someday", "someday"),
])
def test_edit_config_protected_validation(run, fails, key, value, match):
    fails("edit-config", f"{key}={value}", rc=USAGE, match=match)


@pytest.mark.parametrize("args,rc,match", [
    (["nokey=1"], 1, "key nokey not found in config_table"),
    (["decay_factor"], USAGE, 'key-value string must contain exactly one'),
    (["decay_factor=0.1=2"], USAGE, 'exactly one "="'),
    ([], USAGE, "edit-config"),
])
def test_edit_config_errors(run, fails, args, rc, match):
    fails("edit-config", *args, rc=rc, match=match)


def test_edit_config_several_pairs(run, db):
    run("edit-config", "decay_factor=0.25", "node_weight=2",
        "deny_unknown_queues=true")
    cfg = config(db)
    assert (float(cfg["decay_factor"]), float(cfg["node_weight"]),
            cfg["deny_unknown_queues"]) == (0.25, 2.0, "true")


@pytest.mark.parametrize("bad", ["node_weight=abc", "nokey=1", "novalue"])
def test_edit_config_all_or_nothing(run, fails, bad):
    # the first pair is valid: it must not be applied when a later one fails
    err = fails("edit-config", "decay_factor=0.25", bad, "core_weight=1",
                rc=USAGE if bad != "nokey=1" else 1)
    assert bad.split("=")[0] in err


def test_delete_config(run, db):
    run("add-config", "site=a")
    assert run("delete-config", "site") == (0, "", "")
    assert "site" not in config(db)


@pytest.mark.parametrize("key", PROTECTED)
def test_delete_config_protected(run, fails, key):
    fails("delete-config", key,
          match=["key-value pair is not allowed to be removed from "
                 "config_table", key])


def test_delete_config_errors(run, fails):
    fails("delete-config", "nope", match="key nope not found in config_table")
    fails("delete-config", rc=USAGE, match="delete-config")
    fails("delete-config", "a", "b", rc=USAGE, match="delete-config")
