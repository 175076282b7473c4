#!/bin/sh
# The seed's commands in a real instance, as the seed writes them:
#   flux account SUBCOMMAND (flux-account found through flux's command path)
#   flux update-fshare -f DB
#   flux account update-usage --priority-decay-half-life=2 path/to/DB
#   flux jobtap load mf_priority.so (no data: jobs wait in PRIORITY), then
#   flux python bulk_update.py -p DB / flux account priority-update
#   releasing them with the right priorities
#   flux jobtap query mf_priority.so
. "$(dirname "$0")/lib.sh"
skip_without_flux
in_instance "$@"

seed_commands
DB=$T_TMP/path/to/FluxAccounting.db
mkdir -p "$T_TMP/path/to"

run_ok "flux account create-db" flux account create-db "$DB"
run_ok "flux account add-bank root" flux account -p "$DB" add-bank root 1
run_ok "flux account add-bank A" flux account -p "$DB" add-bank --parent-bank root A 1
run_ok "flux account add-bank B" flux account -p "$DB" add-bank --parent-bank root B 3
run_ok "flux account add-user" flux account -p "$DB" add-user --username "$T_USER" \
    --userid "$T_UID" --bank A
run_ok "flux account add-user (other)" flux account -p "$DB" add-user --username other \
    --userid 5001 --bank B
run_ok "flux account view-user" flux account -p "$DB" view-user "$T_USER"
assert_contains "view-user" "$T_USER" "$T_OUT"
run_ok "flux account --help" flux account --help
assert_contains "our CLI" "libfluxacct" "$T_OUT"

# Usage for the user in A: a job that ran, imported with the seed's
# pipeline commands.
j=$(flux submit --setattr=system.bank=A -n1 sleep 1) || die "submit"
flux job wait-event -t 60 "$j" clean >/dev/null || die "job $j"
run_ok "flux account-fetch-job-records" flux account-fetch-job-records -p "$DB"
assert_contains "fetched" "1 imported" "$T_OUT"
run_ok "flux account update-usage --priority-decay-half-life=2 path/to/DB" \
    flux account update-usage --priority-decay-half-life=2 "$DB"
assert_eq "half-life: two weeks" "1209600" \
    "$(flux account -p "$DB" view-config priority_decay_half_life -o '{value}' | tail -n +2)"
usage=$(flux account -p "$DB" view-user "$T_USER" -o '{job_usage}' | tail -n +2)
case $usage in
    0|0.0|"") fail "update-usage charged nothing: '$usage'; records: $(flux account -p "$DB" view-job-records); $(flux account -p "$DB" list-configs)" ;;
    *) pass "usage charged" ;;
esac
run_ok "flux update-fshare -f DB" flux update-fshare -f "$DB"
fs=$(flux account -p "$DB" view-user "$T_USER" -o '{fairshare}' | tail -n +2)
fs_other=$(flux account -p "$DB" view-user other -o '{fairshare}' | tail -n +2)
assert_eq "fair-share: the user with usage is behind" "1" \
    "$(awk -v a="$fs" -v b="$fs_other" 'BEGIN { print (a < b) }')"

# The plugin with no data: jobs wait in PRIORITY.
flux jobtap remove mf_priority.so >/dev/null 2>&1 || true
run_ok "flux jobtap load (no data)" flux jobtap load "$MF_PRIORITY" \
    "owner_userid=$T_OWNER_USERID"
flux queue stop >/dev/null || die "queue stop"   # keep them pending afterwards
p1=$(flux submit -n1 true) || die "submit p1"
p2=$(flux submit -n1 --urgency=20 true) || die "submit p2"
wait_state "$p1" PRIORITY
wait_state "$p2" PRIORITY
assert_eq "p1 waits in PRIORITY" "PRIORITY" "$(job_field "$p1" state)"

# priority = round(100000 * fairshare + 1000 * (urgency - 16)) with the
# default weights (queue and bank terms 0 here).
want () {
    awk -v f="$fs" -v u="$1" 'BEGIN { printf "%.0f", 100000 * f + 1000 * (u - 16) }'
}

# flux-accounting's bulk_update.py, when the Python bindings are built;
# otherwise flux account priority-update does the releasing below.
py=$BUILD_ROOT/bindings/python
if [ -d "$py/fluxacct" ]; then
    run_ok "flux python bulk_update.py -p DB" env \
        FLUX_PYTHONPATH_PREPEND="$py" \
        LD_LIBRARY_PATH="$BUILD_ROOT/libfluxacct" \
        flux python "$SOURCE_ROOT/bindings/python/tools/bulk_update.py" -p "$DB"
    released="bulk_update.py"
else
    say "no Python bindings in the build: bulk_update.py not run"
    run_ok "flux account priority-update" flux account -p "$DB" priority-update
    released="priority-update"
fi
wait_state "$p1" SCHED
wait_state "$p2" SCHED
assert_eq "p1 priority after $released" "$(want 16)" "$(job_field "$p1" priority)"
assert_eq "p2 priority after $released" "$(want 20)" "$(job_field "$p2" priority)"

# flux account priority-update sends the same: a changed weight shows.
run_ok "edit-factor" flux account -p "$DB" edit-factor --factor urgency --weight 2000
run_ok "flux account priority-update" flux account -p "$DB" priority-update
sleep 0.5
n=0
while [ "$(job_field "$p2" priority)" != \
        "$(awk -v f="$fs" 'BEGIN { printf "%.0f", 100000 * f + 2000 * 4 }')" ] \
      && [ $n -lt 100 ]; do
    sleep 0.1; n=$((n + 1))
done
assert_eq "p2 reprioritized" \
    "$(awk -v f="$fs" 'BEGIN { printf "%.0f", 100000 * f + 2000 * 4 }')" \
    "$(job_field "$p2" priority)"

run_ok "flux jobtap query mf_priority.so" flux jobtap query mf_priority.so
assert_contains "query: the user's banks" "\"bank_name\":\"A\"" "$T_OUT"
assert_contains "query: the other user" "\"userid\":5001" "$T_OUT"
assert_contains "query: the two pending jobs" "\"cur_active_jobs\":2" "$T_OUT"

flux queue start >/dev/null || die "queue start"
for id in $p1 $p2; do
    flux job wait-event -t 60 "$id" clean >/dev/null || fail "job $id did not run"
done
assert_eq "released jobs ran" "COMPLETED COMPLETED" \
    "$(job_field "$p1" result) $(job_field "$p2" result)"
test_done
