#!/bin/sh
# Every hold (a dependency named after the limit) and its release in
# submission order, in the real job manager.  Limits count admitted jobs
# (those past their limits) until they are inactive; the "sched" limits
# count admitted jobs that do not run yet: here jobs with urgency 0 (held
# in SCHED with priority 0) until their urgency is raised.  One bank per
# case, all the owner's uid's; a 16-core node.
. "$(dirname "$0")/lib.sh"
skip_without_flux
T_CORES=16
T_QUEUES="batch qrun qsched qsnodes qscores qres"
in_instance "$@"

setup_db
for b in run sched res Q two; do
    fa add-bank --parent-bank root "$b" 1 || die "add-bank $b"
done
fa add-queue batch && fa add-queue qrun --max-running-jobs 1 \
    && fa add-queue qsched --max-sched-jobs 1 \
    && fa add-queue qsnodes --max-sched-nodes-per-assoc 1 \
    && fa add-queue qscores --max-sched-cores-per-assoc 4 \
    && fa add-queue qres --max-nodes-per-assoc 1 || die "add-queue"
user () {
    fa add-user --username "$T_USER" --userid "$T_UID" "$@" || die "add-user $*"
}
user --bank run --max-running-jobs 2 --queues batch
user --bank sched --max-sched-jobs 1 --queues batch
user --bank res --max-cores 4 --queues batch
user --bank Q --queues batch,qrun,qsched,qsnodes,qscores,qres
user --bank two --max-running-jobs 1 --queues qrun
load_plugin || die "load"

# sub BANK ARGS...: submit `sleep 300` in BANK; the id is in $id.
sub () {
    _b=$1
    shift
    id=$(flux submit --setattr=system.bank="$_b" "$@" sleep 300) \
        || die "submit $_b $*"
}
# admitted ID: prioritised without a hold.
admitted () {
    wait_event "$1" priority
    assert_eq "job $1 not held" "none" "$(deps "$1")"
}
# held ID DEPS: in DEPEND with exactly these dependencies.
held () {
    wait_event "$1" dependency-add
    assert_eq "job $1 held" "$2" "$(deps "$1")"
    assert_eq "job $1 in DEPEND" "DEPEND" "$(job_field "$1" state)"
}
# released ID: its holds were removed, it was prioritised.
released () {
    wait_event "$1" priority
    assert_eq "job $1 released" "none" "$(deps "$1")"
    assert_contains "job $1 release events" \
        "dependency-remove,depend,memo,priority" "$(events "$1")"
    assert_not_contains "job $1 no exception" "exception" "$(events "$1")"
}
# reset: cancel every job and wait until each is gone, so the next case
# starts with no job counted against any limit or holding a core.
reset () {
    for _j in $(flux jobs -n -o '{id}'); do
        flux cancel "$_j" 2>/dev/null
        flux job wait-event -t 60 "$_j" clean >/dev/null || fail "clean $_j"
    done
}
stop () {
    flux cancel "$1" && flux job wait-event -t 60 "$1" clean >/dev/null \
        || fail "cancel $1"
}

# --- max_running_jobs (2 for run): released oldest first.
sub run; r1=$id; sub run; r2=$id; sub run; r3=$id; sub run; r4=$id
sub run; r5=$id
admitted "$r1"; admitted "$r2"
held "$r3" max-running-jobs-user-limit
held "$r4" max-running-jobs-user-limit
held "$r5" max-running-jobs-user-limit
stop "$r1"
released "$r3"
assert_eq "r4 still held" "DEPEND" "$(job_field "$r4" state)"
# A held job that is cancelled just leaves the queue.
stop "$r4"
stop "$r2"
released "$r5"

reset
# --- max_sched_jobs (1 for sched): running frees a sched slot.
sub sched --urgency=0; s1=$id
sub sched; s2=$id
admitted "$s1"
held "$s2" max-sched-jobs-user-limit
flux job urgency "$s1" 16 || fail "urgency s1"
wait_event "$s1" alloc
released "$s2"

reset
# --- max_cores (4 for res): a smaller later job may fit beside.
sub res -n3; c1=$id; sub res -n3; c2=$id; sub res -n1; c3=$id
admitted "$c1"
held "$c2" max-resources-user-limit
admitted "$c3"
stop "$c1"
released "$c2"

reset
# --- queue limits (per association per queue).
sub Q -q qrun; q1=$id; sub Q -q qrun; q2=$id
admitted "$q1"; held "$q2" max-run-jobs-queue
stop "$q1"; released "$q2"
reset
sub Q -q qsched --urgency=0; q3=$id; sub Q -q qsched; q4=$id
admitted "$q3"; held "$q4" max-sched-jobs-queue-limit
flux job urgency "$q3" 16; wait_event "$q3" alloc; released "$q4"
reset
sub Q -q qsnodes -N1 --urgency=0; q5=$id; sub Q -q qsnodes -N1; q6=$id
admitted "$q5"; held "$q6" max-sched-nodes-queue-limit
flux job urgency "$q5" 16; wait_event "$q5" alloc; released "$q6"
reset
sub Q -q qscores -n4 --urgency=0; q7=$id; sub Q -q qscores -n1; q8=$id
admitted "$q7"; held "$q8" max-sched-cores-queue-limit
flux job urgency "$q7" 16; wait_event "$q7" alloc; released "$q8"
reset
sub Q -q qres -N1; q9=$id; sub Q -q qres -N1; q10=$id
admitted "$q9"; held "$q10" max-resources-queue
stop "$q9"; released "$q10"
# Other queues of the same association are not affected.
sub Q -q batch; admitted "$id"

reset
# --- two limits at once: both dependencies, queue limit first, removed
# together.
sub two -q qrun; t1=$id; sub two -q qrun; t2=$id
admitted "$t1"
held "$t2" max-run-jobs-queue,max-running-jobs-user-limit
stop "$t1"
released "$t2"
assert_contains "both removed" \
    "dependency-add,dependency-add,dependency-remove,dependency-remove,depend" \
    "$(events "$t2")"

reset
# --- raising a limit releases at once (no other job of the bank is left).
fa edit-user "$T_USER" --bank run --max-running-jobs 1 || die "edit-user"
run_ok "rec_update" rpc job-manager.mf_priority.rec_update \
    "$(fa export-json --payload rec_update)"
sub run; r6=$id; sub run; r7=$id
admitted "$r6"; held "$r7" max-running-jobs-user-limit
run_ok "rec_update" rpc job-manager.mf_priority.rec_update \
    "$(fa export-json --payload rec_update)"
assert_eq "not yet (limit 1, 1 running)" "DEPEND" "$(job_field "$r7" state)"
fa edit-user "$T_USER" --bank run --max-running-jobs 2 || die "edit-user"
run_ok "rec_update" rpc job-manager.mf_priority.rec_update \
    "$(fa export-json --payload rec_update)"
released "$r7"
flux cancel --all --quiet 2>/dev/null
test_done
