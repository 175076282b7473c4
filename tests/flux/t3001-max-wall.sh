#!/bin/sh
# max_wall_pj (the seed's maximum wall time per job, minutes) enforced by
# mf_priority in a real job manager: a job asking for more than its
# association's limit is rejected at submit with a message naming the
# limit and both values; a job asking for no duration gets the limit as its
# duration (attributes.system.duration in the jobspec).  Bank B has no
# limit.  The host's version is tests/plugin/scripts/maxwall.jt.
. "$(dirname "$0")/lib.sh"
skip_without_flux
in_instance "$@"

setup_db
fa add-bank --parent-bank root B 1 || die "add-bank B"
fa add-user --username "$T_USER" --userid "$T_UID" --bank A \
    --max-wall-pj 2 || die "add-user A"
fa add-user --username "$T_USER" --userid "$T_UID" --bank B \
    || die "add-user B"
assert_contains "view-user shows the limit" "2" \
    "$(fa view-user "$T_USER" -o '{bank} {max_wall_pj}' | grep '^A ')"
# duration ID: the jobspec's attributes.system.duration (0 when absent).
duration () {
    flux job info "$1" jobspec | flux python -c 'import json, sys
print("%g" % json.load(sys.stdin)["attributes"]["system"].get("duration", 0))'
}

load_plugin >/dev/null || die "jobtap load"
flux queue stop >/dev/null || die "queue stop"   # keep accepted jobs pending

# Longer than the limit (120 s): rejected, naming the limit and both values.
run_fail "submit -t 3m (limit 2 minutes)" flux submit -t 3m -n1 true
assert_contains "rejection names the limit" "max_wall_pj" "$T_OUT"
assert_contains "rejection names the job's duration" "(180s)" "$T_OUT"
assert_contains "rejection names the limit's value" "(120s = 2 minutes)" "$T_OUT"
run_fail "submit -t 121s" flux submit -t 121s -n1 true
assert_contains "121s rejected" "job duration (121s)" "$T_OUT"

# At the limit: accepted, duration untouched.
j1=$(flux submit -t 2m -n1 true) || die "submit -t 2m"
assert_eq "at the limit: duration kept" "120" \
    "$(duration "$j1")"

# No duration: the limit becomes the duration.
j2=$(flux submit -n1 true) || die "submit (no -t)"
assert_eq "no duration: the limit is the duration" "120" \
    "$(duration "$j2")"

# Bank B has no limit: any duration, and none stays none.
j3=$(flux submit --setattr=system.bank=B -t 10h -n1 true) || fail "bank B -t 10h"
[ -z "$j3" ] || assert_eq "bank B: duration kept" "36000" \
    "$(duration "$j3")"
j4=$(flux submit --setattr=system.bank=B -n1 true) || fail "bank B no -t"
[ -z "$j4" ] || assert_eq "bank B: no duration stays none" "0" \
    "$(duration "$j4")"

# A changed limit reaches the plugin with priority-update.
fa edit-user "$T_USER" --bank A --max-wall-pj 10 || die "edit-user"
run_ok "priority-update" fa priority-update
run_ok "submit -t 3m after raising the limit" flux submit -t 3m -n1 true
j5=$(flux submit -n1 true) || die "submit (no -t, limit 10)"
assert_eq "no duration: the new limit" "600" \
    "$(duration "$j5")"

flux cancel --all >/dev/null 2>&1 || true
test_done
