#!/bin/sh
# Every rejection at submit (job.validate), with flux-accounting's texts,
# as flux submit reports them.  The owner's uid has banks A (default;
# queues batch and debug, projects * and physics, max_active_jobs 2, max 4
# nodes / 16 cores), "off" (disabled) and C (queue small:
# max_nodes_per_assoc 2, sched limits 3 nodes / 6 cores).
. "$(dirname "$0")/lib.sh"
skip_without_flux
in_instance "$@"

setup_db
fa add-bank --parent-bank root off 1 && fa add-bank --parent-bank root C 1 \
    || die "add-bank"
for q in batch debug secret; do fa add-queue "$q" || die "add-queue $q"; done
fa add-queue small --max-nodes-per-assoc 2 --max-sched-nodes-per-assoc 3 \
    --max-sched-cores-per-assoc 6 || die "add-queue small"
fa add-project physics && fa add-project chemistry || die "add-project"
fa add-user --username "$T_USER" --userid "$T_UID" --bank A --queues batch,debug \
    --projects "*,physics" --max-active-jobs 2 --max-nodes 4 --max-cores 16 \
    || die "add-user A"
fa add-user --username "$T_USER" --userid "$T_UID" --bank off --queues batch \
    || die "add-user off"
fa delete-user "$T_USER" off || die "delete-user off"
fa add-user --username "$T_USER" --userid "$T_UID" --bank C --queues batch,small \
    || die "add-user C"
setup_queues batch debug secret small nosuch
flux resource drain 0 "t1002" || die "drain"
load_plugin || die "load"

# rejected WHAT MESSAGE SUBMIT-ARGS...
rejected () {
    _what=$1 _msg=$2
    shift 2
    run_fail "$_what" flux submit "$@" true
    assert_contains "$_what: message" "$_msg" "$T_OUT"
}

rejected "a bank the user is not in" \
    "cannot find user/bank or user/default bank entry for uid: $T_UID" \
    --setattr=system.bank=Z
rejected "disabled association" \
    "user/bank entry has been disabled from flux-accounting DB" \
    --setattr=system.bank=off -q secret
rejected "queue not permitted" \
    'queue "secret" not valid for user; valid queues for user: batch,debug' \
    -q secret
id=$(flux submit -q nosuch true) && pass "unknown queue accepted" \
    || fail "unknown queue refused before deny_unknown_queues"
flux cancel "$id" 2>/dev/null
run_ok "deny_unknown_queues" rpc job-manager.mf_priority.rec_config_update \
    '{"data": {"deny_unknown_queues": true}}'
rejected "unknown queue, deny_unknown_queues" \
    'queue "nosuch" is unknown to flux-accounting and deny-unknown-queues is enabled' \
    -q nosuch
rejected "project not permitted" \
    'project "chemistry" not valid for user; valid projects for user: *,physics' \
    --setattr=system.project=chemistry
rejected "unknown project" \
    'project "nope" not valid for user; valid projects for user: *,physics' \
    --setattr=system.project=nope
rejected "nodes over the association's max" \
    "job size (5 node(s), 5 core(s)) is greater than max resources limits configured for association (4 node(s), 16 core(s))" \
    -N5 -n5
rejected "cores over the association's max" \
    "job size (1 node(s), 17 core(s)) is greater than max resources limits configured for association (4 node(s), 16 core(s))" \
    -N1 -n17
rejected "nodes over the queue's max_nodes_per_assoc" \
    "job size (3 node(s)) is greater than max resources limit configured for queue (2 node(s))" \
    --setattr=system.bank=C -q small -N3 -n3
rejected "over the queue's sched limits" \
    "job size (2 node(s), 8 core(s)) is greater than max sched resources limits configured for queue (3 node(s), 6 core(s))" \
    --setattr=system.bank=C -q small -N2 -n8
rejected "bank not a string" "unable to unpack bank arg" \
    --setattr=system.bank=42
# max_active_jobs (2 for A): two fit, the third is refused.
a=$(flux submit -q batch true) || fail "first active job"
b=$(flux submit -q batch true) || fail "second active job"
rejected "max active jobs" "user has max active jobs" -q batch
flux cancel "$a"
flux job wait-event -t 60 "$a" clean >/dev/null || fail "cancel $a"
id=$(flux submit -q batch true) && pass "room again after a cancel" \
    || fail "refused after a cancel"
# Nothing rejected reached the counters.
flux jobtap query mf_priority.so > "$T_TMP/q.json"
assert_eq "active jobs counted" "2" "$(flux python -c 'import json, sys
m = json.load(open(sys.argv[1]))["mf_priority_map"][0]["banks"]
print(sum(b["cur_active_jobs"] for b in m))' "$T_TMP/q.json")"
flux cancel --all --quiet 2>/dev/null
test_done
