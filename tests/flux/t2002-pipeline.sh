#!/bin/sh
# The periodic pipeline exactly as the guides write it, inside a real
# instance: fetch-job-records -> update-usage -> update-fshare ->
# priority-update, and the pending jobs' priorities change.  The blocks are
# read from doc/operators.md ("The periodic pipeline (cron)", with the
# database path replaced) and doc/plugin.md ("The periodic pipeline", with
# FLUXACCT_DB naming the database), so the documentation is what runs.
. "$(dirname "$0")/lib.sh"
skip_without_flux
in_instance "$@"

seed_commands

# block FILE HEADING: the first ```sh block after the line HEADING.
block () {
    awk -v h="$2" '
        $0 == h { found = 1; next }
        found && !inside && /^```sh$/ { inside = 1; next }
        inside && /^```$/ { exit }
        inside { print }' "$SOURCE_ROOT/$1"
}

setup_db
fa add-bank --parent-bank root B 1 || die "add-bank B"
fa add-user --username "$T_USER" --userid "$T_UID" --bank A || die "add-user A"
fa add-user --username "$T_USER" --userid "$T_UID" --bank B || die "add-user B"
load_plugin || die "load"

# Usage in bank A.
for i in 1 2; do
    j=$(flux submit --setattr=system.bank=A -n1 sleep 1) || die "submit"
    flux job wait-event -t 60 "$j" clean >/dev/null || die "job $j"
done

# Two pending jobs, one in each bank: equal fair-share so far.
flux queue stop >/dev/null || die "queue stop"
pa=$(flux submit --setattr=system.bank=A true) || die "submit pa"
pb=$(flux submit --setattr=system.bank=B true) || die "submit pb"
wait_state "$pa" SCHED
wait_state "$pb" SCHED
before_a=$(job_field "$pa" priority)
before_b=$(job_field "$pb" priority)
assert_eq "equal priorities before" "$before_a" "$before_b"

ops=$(block doc/operators.md "## The periodic pipeline (cron)")
assert_contains "the guide's pipeline starts with fetch-job-records" \
    "fetch-job-records" "$(echo "$ops" | head -1)"
echo "$ops" | sed "s|/var/lib/flux/FluxAccounting.db|$T_DB|g" > "$T_TMP/cron.sh"
run_ok "doc/operators.md pipeline" sh -e "$T_TMP/cron.sh"

assert_eq "jobs fetched" "2" \
    "$(fa view-job-records -B A -P | tail -n +2 | wc -l | tr -d ' ')"
fs_a=$(fa view-user "$T_USER" -P --fields bank,fairshare | awk -F'|' '$1 == "A" { print $2 }')
fs_b=$(fa view-user "$T_USER" -P --fields bank,fairshare | awk -F'|' '$1 == "B" { print $2 }')
assert_eq "bank A is behind" "1" "$(awk -v a="$fs_a" -v b="$fs_b" 'BEGIN { print (a < b) }')"
expect () { awk -v f="$1" 'BEGIN { printf "%.0f", 100000 * f }'; }
n=0
while [ "$(job_field "$pa" priority) $(job_field "$pb" priority)" != \
        "$(expect "$fs_a") $(expect "$fs_b")" ] && [ $n -lt 20 ]; do
    sleep 0.5; n=$((n + 1))
done
assert_eq "pending job in A reprioritized" "$(expect "$fs_a")" "$(job_field "$pa" priority)"
assert_eq "pending job in B reprioritized" "$(expect "$fs_b")" "$(job_field "$pb" priority)"
assert_eq "A below B" "1" \
    "$(awk -v a="$(job_field "$pa" priority)" -v b="$(job_field "$pb" priority)" 'BEGIN { print (a < b) }')"

# doc/plugin.md's form (default database: FLUXACCT_DB), run again: nothing
# new is fetched, priorities stay.
plug=$(block doc/plugin.md "### The periodic pipeline")
echo "$plug" > "$T_TMP/cron2.sh"
run_ok "doc/plugin.md pipeline" env FLUXACCT_DB="$T_DB" sh -e "$T_TMP/cron2.sh"
assert_contains "second fetch: nothing new" "0 imported" "$T_OUT"
assert_eq "A unchanged" "$(expect "$fs_a")" "$(job_field "$pa" priority)"

flux queue start >/dev/null || die "queue start"
for id in $pa $pb; do
    flux job wait-event -t 60 "$id" clean >/dev/null || fail "job $id did not run"
done
test_done
