#!/bin/sh
# Bank and queue updates of a pending job with flux update: checked in
# job.update.attributes.system.{bank,queue}, then its counts, held place
# and priority follow it.  The owner's uid has A (default, F 0.5, 3
# running, queues batch, debug, one), B (F 0.25, bank priority 2 x 1000,
# 1 running, 2 active, queue batch) and C (disabled).  The node is drained.
. "$(dirname "$0")/lib.sh"
skip_without_flux
T_QUEUES="batch debug one secret"
in_instance "$@"

setup_db
for b in B C; do fa add-bank --parent-bank root "$b" 1 || die "add-bank $b"; done
fa edit-bank B --priority 2 || die "edit-bank"
fa edit-factor --factor bank --weight 1000 || die "edit-factor"
fa add-queue batch && fa add-queue debug --priority 2 \
    && fa add-queue one --max-running-jobs 1 && fa add-queue secret \
    || die "add-queue"
user () {
    fa add-user --username "$T_USER" --userid "$T_UID" "$@" || die "add-user $*"
}
user --bank A --fairshare 0.5 --max-running-jobs 3 --queues batch,debug,one
user --bank B --fairshare 0.25 --max-running-jobs 1 --max-active-jobs 2 --queues batch
user --bank C
fa delete-user "$T_USER" C || die "delete-user"
flux resource drain 0 "t1004" || die "drain"
load_plugin || die "load"

bank_of () {
    flux job info "$1" jobspec | flux python -c 'import json, sys
print(json.load(sys.stdin)["attributes"]["system"].get(sys.argv[1], ""))' "${2:-bank}"
}
# update_fails WHAT MESSAGE ID KEY=VALUE
update_fails () {
    _what=$1 _msg=$2
    shift 2
    run_fail "$_what" flux update "$@"
    assert_contains "$_what: message" "$_msg" "$T_OUT"
}

j1=$(flux submit -q batch true) || die "submit j1"
wait_event "$j1" priority
assert_eq "j1 in A" "50000" "$(job_field "$j1" priority)"
run_ok "move j1 to B" flux update "$j1" bank=B
assert_eq "jobspec bank" "B" "$(bank_of "$j1")"
wait_state "$j1" SCHED
assert_eq "j1 in B: 25000 + 2000" "27000" "$(job_field "$j1" priority)"

update_fails "unknown bank" \
    "update_bank: cannot find flux-accounting entry for uid/bank: $T_UID/Z" "$j1" bank=Z
update_fails "disabled bank" \
    "user/bank entry has been disabled from flux-accounting DB" "$j1" bank=C
j2=$(flux submit -q batch true) || die "submit j2"
wait_event "$j2" priority
update_fails "B at its running limit" \
    "updating to bank B while it is already at max-run-jobs limit is not allowed; try again later" \
    "$j2" bank=B
j3=$(flux submit -q batch --setattr=system.bank=B true) || die "submit j3"
wait_event "$j3" dependency-add
assert_eq "j3 held in B" "max-running-jobs-user-limit" "$(deps "$j3")"
j4=$(flux submit -q batch true) || die "submit j4"
wait_event "$j4" priority
update_fails "B at its active limit" "new bank is already at max-active-jobs limit" \
    "$j4" bank=B
assert_eq "j4 stays in A" "A" "$(bank_of "$j4")"

# A held job moves with its hold, and is released where there is room.
run_ok "move held j3 to A" flux update "$j3" bank=A
wait_event "$j3" priority
assert_eq "j3 released" "none" "$(deps "$j3")"
assert_eq "j3 priority in A" "50000" "$(job_field "$j3" priority)"
assert_not_contains "no exception on j3" "exception" "$(events "$j3")"

# Queue updates: the queue factor and the per-queue counts follow.
run_ok "j2 to debug" flux update "$j2" queue=debug
wait_state "$j2" SCHED
assert_eq "j2 in debug: + 20000" "70000" "$(job_field "$j2" priority)"
update_fails "queue not permitted" "mf_priority: queue not valid for user: secret" \
    "$j2" queue=secret
run_ok "j4 to one" flux update "$j4" queue=one
update_fails "queue at its running limit" \
    "updating to queue one would exceed its max-run-jobs-queue limit; try again later" \
    "$j2" queue=one
assert_eq "j2 stays in debug" "debug" "$(bank_of "$j2" queue)"
flux jobtap query mf_priority.so > "$T_TMP/q.json"
# A: j2 (debug), j3 (batch), j4 (one); B: j1.
assert_eq "counts follow the moves" "3 1 1 1 1" "$(flux python -c 'import json, sys
b = json.load(open(sys.argv[1]))["mf_priority_map"][0]["banks"]
a = [x for x in b if x["bank_name"] == "A"][0]
B = [x for x in b if x["bank_name"] == "B"][0]
q = lambda n: a["queue_usage"].get(n, {}).get("cur_sched_jobs", 0)
print(a["admitted_jobs"], B["admitted_jobs"], q("batch"), q("debug"), q("one"))' "$T_TMP/q.json")"
flux cancel --all --quiet 2>/dev/null
test_done
