#!/bin/sh
# The priority formula in the real job manager (semantics section 6):
#   P = round(W_fs*F + W_queue*Q + W_bank*B + W_urgency*(urgency - 16)),
# clamped to [0, 4294967295], urgency 0 and 31 forced by the job manager;
# memo events with the fair-share; urgency changes and new data followed
# by reprioritize.  The node is drained: jobs stay in SCHED.
. "$(dirname "$0")/lib.sh"
skip_without_flux
in_instance "$@"

setup_db
fa add-bank --parent-bank root B 1 --priority 3.5 || die "add-bank B"
fa add-queue batch || die "add-queue"
fa add-queue debug --priority 2 || die "add-queue debug"
fa edit-factor --factor bank --weight 1000 || die "edit-factor"
fa add-user --username "$T_USER" --userid "$T_UID" --bank A --fairshare 0.5 \
    --queues batch,debug || die "add-user A"
fa add-user --username "$T_USER" --userid "$T_UID" --bank B --fairshare 0.25 \
    --queues batch,debug || die "add-user B"
setup_queues batch debug
flux resource drain 0 "t1001" || die "drain"
load_plugin || die "load"

# sub EXPECTED-PRIORITY WHAT SUBMIT-ARGS...: submit, wait for the
# priority event, check the priority; the job id is in $id.
sub () {
    _want=$1 _what=$2
    shift 2
    id=$(flux submit "$@" true) || { fail "$_what: submit $*"; return; }
    wait_event "$id" priority
    assert_eq "$_what" "$_want" "$(job_field "$id" priority)"
}

sub 50000 "F 0.5, queue batch (0), bank A (0)" -q batch
j1=$id
assert_eq "memo with the fair-share" "fairshare=0.5" "$(event_context "$j1" memo)"
assert_contains "memo before priority" "validate,depend,memo,priority" "$(events "$j1")"
sub 70000 "queue debug (priority 2): + 20000" -q debug
sub 32500 "bank B (F 0.25, bank priority 3.5), urgency 20" -q batch \
    --setattr=system.bank=B --urgency=20
assert_eq "memo of bank B" "fairshare=0.25" "$(event_context "$id" memo)"
assert_eq "jobspec bank" "B" \
    "$(flux job info "$id" jobspec | flux python -c 'import json,sys; print(json.load(sys.stdin)["attributes"]["system"]["bank"])')"
sub 35000 "urgency 1: - 15000" -q batch --urgency=1
j4=$id
sub 0 "urgency 0: held" -q batch --urgency=0
j5=$id
assert_eq "held job stays in SCHED" "SCHED" "$(job_field "$j5" state)"
sub 4294967295 "urgency 31: expedited" -q batch --urgency=31
# The default bank is written into the jobspec when none was asked for.
assert_contains "jobspec-update with the default bank" "jobspec-update" "$(events "$j1")"

# Urgency changes recompute.
flux job urgency "$j4" 16 || fail "urgency j4"
wait_state "$j4" SCHED
assert_eq "urgency 1 -> 16" "50000" "$(job_field "$j4" priority)"
flux job urgency "$j5" 20 || fail "urgency j5"
wait_state "$j5" SCHED
assert_eq "urgency 0 -> 20" "54000" "$(job_field "$j5" priority)"

# New data changes nothing until reprioritize; then memo and priority
# (0.625: exact in binary, so the eventlog prints it as given).
fa edit-user "$T_USER" --bank A --fairshare 0.625 || die "edit-user"
run_ok "rec_update" rpc job-manager.mf_priority.rec_update \
    "$(fa export-json --payload rec_update)"
assert_eq "no change before reprioritize" "50000" "$(job_field "$j1" priority)"
run_ok "reprioritize" rpc job-manager.mf_priority.reprioritize \
    "$(fa export-json --payload reprioritize)"
assert_eq "F 0.625 after reprioritize" "62500" "$(job_field "$j1" priority)"
assert_eq "a second memo" "2" "$(flux job eventlog "$j1" | grep -c ' memo ')"
assert_eq "memo of the new fair-share" "fairshare=0.625" "$(event_context "$j1" memo)"
# The same value again: no new memo.
run_ok "reprioritize again" rpc job-manager.mf_priority.reprioritize \
    "$(fa export-json --payload reprioritize)"
assert_eq "no memo when unchanged" "2" "$(flux job eventlog "$j1" | grep -c ' memo ')"

# New weights: queue weight 100, urgency weight 0.
fa edit-factor --factor queue --weight 100 || die "edit-factor queue"
fa edit-factor --factor urgency --weight 0 || die "edit-factor urgency"
run_ok "rec_fac_update" rpc job-manager.mf_priority.rec_fac_update \
    "$(fa export-json --payload rec_fac_update)"
run_ok "reprioritize" rpc job-manager.mf_priority.reprioritize \
    "$(fa export-json --payload reprioritize)"
assert_eq "urgency weight 0" "62500" "$(job_field "$j5" priority)"
assert_eq "urgency 31 still expedited" "4294967295" "$(job_field "$id" priority)"
flux cancel --all --quiet 2>/dev/null
test_done
