#!/bin/sh
# flux account jobs USERNAME in a real instance: the user's active jobs and
# how mf_priority made each priority (each factor, its weight, its
# product), from the plugin's state (flux jobtap query mf_priority.so) and
# job-list; its options; and the messages without the plugin.
. "$(dirname "$0")/lib.sh"
skip_without_flux
in_instance "$@"

setup_db
fa add-bank --parent-bank root B 1 || die "add-bank B"
fa add-user --username "$T_USER" --userid "$T_UID" --bank A || die "add-user A"
fa add-user --username "$T_USER" --userid "$T_UID" --bank B || die "add-user B"
fa edit-bank A --priority 2 || die "edit-bank A --priority"
fa edit-factor --factor bank --weight 100 || die "edit-factor bank"

# Without the plugin: says so and fails.
flux jobtap remove mf_priority.so >/dev/null 2>&1 || true
run_fail "jobs without mf_priority" fa jobs "$T_USER"
assert_contains "names the plugin" "mf_priority.so is not loaded" "$T_OUT"

load_plugin >/dev/null || die "jobtap load"
flux queue stop >/dev/null || die "queue stop"   # keep the jobs pending
j1=$(flux submit -n1 true) || die "submit j1"
j2=$(flux submit -n1 --urgency=20 --setattr=system.bank=B true) || die "submit j2"
wait_state "$j1" SCHED
wait_state "$j2" SCHED
p1=$(job_field "$j1" priority)
p2=$(job_field "$j2" priority)

run_ok "jobs USER" fa jobs "$T_USER"
assert_contains "header" "JOBID" "$T_OUT"
assert_contains "header: factors" "FSFACTOR" "$T_OUT"
assert_contains "j1 listed" "$(flux job id --to=f58 "$j1")" "$T_OUT"
assert_contains "j2 listed" "$(flux job id --to=f58 "$j2")" "$T_OUT"

# The products add up to the priority the job manager holds.
row=$(fa jobs "$T_USER" -j "$j2" -o '{bank} {urgency} {urgency_factor} {fairshare} {fairshare_factor} {priority}')
assert_eq "-o for j2" "B 20 4000 0.5 50000 $p2" "$row"
sum=$(fa jobs "$T_USER" -j "$j1" -o '{fairshare_factor} {queue_factor} {bank_factor} {urgency_factor}' \
      | awk '{ printf "%.0f", $1 + $2 + $3 + $4 }')
assert_eq "j1: the products add up to its priority" "$p1" "$sum"
assert_eq "j1: bank A's priority and its product" "A 2 200" \
    "$(fa jobs "$T_USER" -j "$j1" -o '{bank} {bank_priority} {bank_factor}')"
assert_eq "-j: one job" "1" "$(fa jobs "$T_USER" -j "$j1" --parsable | wc -l)"

# --bank, -c, --json, -v, -f
assert_eq "--bank B: j2 only" "$(flux job id --to=f58 "$j2")" \
    "$(fa jobs "$T_USER" --bank B -o '{jobid}')"
assert_eq "-c 1: one job" "1" "$(fa jobs "$T_USER" -c 1 -o '{jobid}' | wc -l)"
run_ok "--json" fa jobs "$T_USER" --json
assert_contains "--json: the weight product" "\"urgency_factor\": 4000" \
    "$(echo "$T_OUT" | flux python -c 'import json, sys
for j in json.load(sys.stdin): print("\"urgency_factor\": %g" % j["urgency_factor"])')"
run_ok "-v" fa jobs "$T_USER" -v -j "$j2"
assert_contains "-v: the formula" "W_urgency * (urgency - 16)" "$T_OUT"
assert_contains "-v: the values" "1000 * (20 - 16)" "$T_OUT"
assert_contains "-v: the result" "= $p2" "$T_OUT"
assert_eq "-f run: none running" "" "$(fa jobs "$T_USER" -f run -o '{jobid}')"
assert_eq "-f sched: both" "2" "$(fa jobs "$T_USER" -f sched -o '{jobid}' | wc -l)"
assert_eq "--queue nosuch: none" "" "$(fa jobs "$T_USER" --queue nosuch -o '{jobid}')"
other=nobody
[ "$T_USER" != nobody ] || other=root
assert_eq "another user ($other): none" "" "$(fa jobs "$other" -o '{jobid}')"

flux cancel --all >/dev/null 2>&1 || true
test_done
