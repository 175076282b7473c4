#!/bin/sh
# Bank allocations (issue 14) enforced by mf_priority in a real job
# manager.  The payload is written here by hand (the database side's export
# of the allocation keys is separate work): the export-json of a database
# with banks root > A, plus parent_bank / allocation / allocation_used on
# the banks and allocation_enforcement and the weights in "config".
# core_weight 1, node_weight 0: a job reserves ncores x its time limit.
# reject: a submission to an exhausted bank fails naming the bank, A and
# U+R; hold: the job waits with the dependency allocation-exhausted and is
# released by new bank data with a larger allocation.  The host's version
# is tests/plugin/scripts/alloc.jt.
. "$(dirname "$0")/lib.sh"
skip_without_flux
T_CORES=4
in_instance "$@"

setup_db
fa add-user --username "$T_USER" --userid "$T_UID" --bank A \
    --max-running-jobs 100 --max-active-jobs 100 \
    || die "add-user A"

# payload POLICY ALLOC: the export with the allocation keys added.
payload () {
    fa export-json | flux python -c '
import json, sys
o = json.load(sys.stdin)
for b in o["banks"]:
    b["parent_bank"] = "" if b["bank"] == "root" else "root"
    if b["bank"] == "A":
        b["allocation"] = float(sys.argv[2])
        b["allocation_used"] = 20.0
        b["allocation_window_end"] = 0
o.setdefault("config", {}).update(
    {"allocation_enforcement": sys.argv[1], "node_weight": 0.0,
     "core_weight": 1.0, "gpu_weight": 0.0,
     "allocation_default_time_limit": 3600})
print(json.dumps(o))' "$1" "$2"
}
# qval PATH: a value of `flux jobtap query mf_priority.so` (dotted keys).
qval () {
    flux jobtap query mf_priority.so | flux python -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[k]
print(v if not isinstance(v, float) else "%g" % v)' "$1"
}

flux jobtap remove mf_priority.so >/dev/null 2>&1 || true
run_ok "load with allocation keys (reject)" flux jobtap load "$MF_PRIORITY" \
    "owner_userid=$T_OWNER_USERID" "config=$(payload reject 250)"
assert_eq "query: policy" "reject" "$(qval allocation_enforcement)"
assert_eq "query: A" "250" "$(qval allocations.A.allocation)"
assert_eq "query: U" "20" "$(qval allocations.A.allocation_used)"
assert_eq "query: parent" "root" "$(qval allocations.A.parent_bank)"

# U 20 + R 100 + 100 = 220 < 250: both accepted; then 320 >= 250.
j1=$(flux submit -n1 -t 100s sleep 300) || die "submit 1"
j2=$(flux submit -n1 -t 100s sleep 300) || die "submit 2"
wait_event "$j2" priority
assert_eq "query: R of A" "200" "$(qval allocations.A.allocation_reserved)"
assert_eq "query: R of root" "200" \
    "$(qval allocations.root.allocation_reserved)"
j3=$(flux submit -n1 -t 100s sleep 300) || die "submit 3"
wait_event "$j3" priority
assert_eq "query: R of A (3 jobs)" "300" \
    "$(qval allocations.A.allocation_reserved)"
assert_eq "query: A exhausted" "True" "$(qval allocations.A.exhausted)"
run_fail "submit to an exhausted bank" flux submit -n1 -t 100s true
assert_contains "rejection names the bank" "bank A: allocation exhausted" \
    "$T_OUT"
assert_contains "rejection names U+R and A" \
    "used+reserved 320 >= allocation 250" "$T_OUT"

# hold: the same state, new jobs wait with the dependency.
run_ok "rec_config_update hold" rpc job-manager.mf_priority.rec_config_update \
    '{"data": {"allocation_enforcement": "hold"}}'
h1=$(flux submit -n1 -t 100s sleep 300) || die "submit h1"
h2=$(flux submit -n1 -t 100s sleep 300) || die "submit h2"
wait_event "$h2" dependency-add
assert_eq "h1 held" "allocation-exhausted" "$(deps "$h1")"
assert_eq "h2 held" "allocation-exhausted" "$(deps "$h2")"
assert_eq "h1 in DEPEND" "DEPEND" "$(job_field "$h1" state)"
# Running jobs are never touched.
assert_eq "job 1 still running" "RUN" "$(job_field "$j1" state)"

# priority-update style: new bank data, allocation raised to 520 (U 20 +
# R 300 + 100 + 100 = 520 >= 520 afterwards): both released, in order.
bankdata=$(payload hold 520 | flux python -c '
import json, sys
print(json.dumps({"data": json.load(sys.stdin)["banks"]}))')
run_ok "rec_bank_update with a larger allocation" \
    rpc job-manager.mf_priority.rec_bank_update "$bankdata"
wait_event "$h1" priority
wait_event "$h2" priority
assert_eq "h1 released" "none" "$(deps "$h1")"
assert_eq "h2 released" "none" "$(deps "$h2")"
assert_eq "query: A exhausted again" "True" "$(qval allocations.A.exhausted)"
h3=$(flux submit -n1 -t 100s sleep 300) || die "submit h3"
wait_event "$h3" dependency-add
assert_eq "h3 held" "allocation-exhausted" "$(deps "$h3")"

# A job that ends gives back its reservation: cancel the three sleeps
# (they ran for seconds, far below 100 s) and h3 is released.
flux cancel "$j1" "$j2" "$j3" >/dev/null 2>&1 || fail "cancel"
wait_event "$h3" priority
assert_eq "h3 released after jobs ended" "none" "$(deps "$h3")"

flux cancel --all >/dev/null 2>&1 || true
test_done
