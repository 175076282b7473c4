#!/bin/sh
# Reloading mf_priority.so with active jobs (flux jobtap remove, then a new
# load with config=): the job manager replays them, counts are rebuilt,
# held jobs stay held and are released as before (issue 11: a job held by
# max-run-jobs-queue got a fatal "failed to remove dependency" exception).
. "$(dirname "$0")/lib.sh"
skip_without_flux
in_instance "$@"

setup_db
fa add-queue batch || die "add-queue"
fa add-queue qrun --max-running-jobs 1 || die "add-queue qrun"
fa add-user --username "$T_USER" --userid "$T_UID" --bank A \
    --queues batch,qrun --max-running-jobs 2 || die "add-user"
setup_queues batch qrun
load_plugin || die "load"

# A runs in qrun (a job that waits for its file), B is held by the queue's
# running-jobs limit.
a=$(flux submit -q qrun sh -c "while [ ! -e $T_TMP/go ]; do sleep 0.1; done") \
    || die "submit a"
b=$(flux submit -q qrun true) || die "submit b"
wait_event "$a" alloc
wait_event "$b" dependency-add
assert_eq "b held by the queue limit" "max-run-jobs-queue" "$(deps "$b")"
# Two more in batch: one runs, one is held by the user limit (2: A, C).
c=$(flux submit -q batch sleep 300) || die "submit c"
wait_event "$c" alloc
d=$(flux submit -q batch true) || die "submit d"
wait_event "$d" dependency-add
assert_eq "d held by the user limit" "max-running-jobs-user-limit" "$(deps "$d")"

flux jobtap query mf_priority.so > "$T_TMP/before.json"

run_ok "remove" flux jobtap remove mf_priority.so
run_ok "load again" load_plugin
flux jobtap query mf_priority.so > "$T_TMP/after.json"
counts () {
    flux python -c 'import json, sys
b = json.load(open(sys.argv[1]))["mf_priority_map"][0]["banks"][0]
print(b["cur_run_jobs"], b["cur_active_jobs"], sorted(b["held_jobs"]), b["queue_usage"]["qrun"]["cur_run_jobs"])' "$1"
}
assert_eq "counts kept across the reload" "$(counts "$T_TMP/before.json")" \
    "$(counts "$T_TMP/after.json")"
# The new instance counts A and C (replayed running first) before B, so
# B's user limit is full too and that hold is added beside the old one.
assert_eq "b still held" "max-run-jobs-queue,max-running-jobs-user-limit" \
    "$(deps "$b")"
assert_eq "d still held" "max-running-jobs-user-limit" "$(deps "$d")"
assert_eq "b in DEPEND" "DEPEND" "$(job_field "$b" state)"

# A ends: B is released, runs and completes; no exception.
touch "$T_TMP/go"
wait_event "$b" clean
assert_eq "b released and completed" "COMPLETED" "$(job_field "$b" result)"
assert_not_contains "no exception on b" "exception" "$(events "$b")"
assert_contains "b was prioritized" "depend,memo,priority" "$(events "$b")"

# C is cancelled: D is released the same way.
flux cancel "$c"
wait_event "$d" clean
assert_eq "d released and completed" "COMPLETED" "$(job_field "$d" result)"
assert_not_contains "no exception on d" "exception" "$(events "$d")"

# A new job after all that runs at once: nothing is left counted.
e=$(flux submit -q qrun true) || die "submit e"
wait_event "$e" clean
assert_eq "e ran" "COMPLETED" "$(job_field "$e" result)"
flux jobtap query mf_priority.so > "$T_TMP/end.json"
assert_eq "nothing left counted" "0 0 [] 0" "$(counts "$T_TMP/end.json")"
test_done
