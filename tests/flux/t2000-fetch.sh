#!/bin/sh
# fetch-job-records from the running instance (no --copy): job-list for
# the inactive jobs, job-info for R and jobspec; jobs that never ran are
# skipped; bank and project from the jobspec (as it stood when the job
# ran); a second run imports only newer jobs; a job missing below the
# newest stored one is still picked up; records from files do not move
# the fetch mark.  flux-account finds libflux-core without LD_LIBRARY_PATH
# and does not link it.
. "$(dirname "$0")/lib.sh"
skip_without_flux
in_instance "$@"

unset LD_LIBRARY_PATH
setup_db
fa add-bank --parent-bank root B 1 || die "add-bank B"
fa add-user --username "$T_USER" --userid "$T_UID" --bank A || die "add-user A"
fa add-user --username "$T_USER" --userid "$T_UID" --bank B || die "add-user B"

run_ok "no link-time libflux-core" ldd "$FLUX_ACCOUNT"
assert_not_contains "ldd" "libflux-core" "$T_OUT"

# records: one line per stored job, "id bank project nnodes ncores"
records () {
    fa view-job-records -o '{jobid.dec} {bank} {project} {nnodes} {ncores}' \
        | tail -n +2 | sort
}
count () {
    fa view-job-records -P | tail -n +2 | wc -l | tr -d ' '
}

a=$(flux submit --setattr=system.bank=A --setattr=system.project=p1 -n1 true) \
    || die "submit a"
b=$(flux submit --setattr=system.bank=B -n2 true) || die "submit b"
c=$(flux submit -n1 true) || die "submit c"
held=$(flux submit --urgency=hold true) || die "submit held"
flux cancel "$held" || die "cancel"
for id in $a $b $c $held; do
    flux job wait-event -t 60 "$id" clean >/dev/null || die "job $id did not end"
done
ida=$(flux job id "$a") idb=$(flux job id "$b") idc=$(flux job id "$c")
idheld=$(flux job id "$held")

run_ok "fetch" fa fetch-job-records
assert_contains "summary" "3 imported, 0 already present" "$T_OUT"
assert_eq "records" "$(printf '%s A p1 1 1\n%s B  1 2\n%s   1 1' "$ida" "$idb" "$idc" | sort)" \
    "$(records)"
assert_eq "the job that never ran is not stored" "" \
    "$(fa view-job-records --jobid "$idheld" -P | tail -n +2)"

# R and jobspec are stored as job-info has them.
r_db=$(sqlite3 "$T_DB" "SELECT R FROM jobs WHERE id = '$ida'")
r_flux=$(flux job info "$a" R)
assert_eq "R" "$(echo "$r_flux" | flux python -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')" \
    "$(echo "$r_db" | flux python -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')"
spec_bank=$(sqlite3 "$T_DB" "SELECT json_extract(jobspec, '\$.attributes.system.bank') FROM jobs WHERE id = '$idb'")
assert_eq "jobspec" "B" "$spec_bank"
assert_eq "times from job-list" "$(flux jobs -n -o '{t_run:.3f} {t_inactive:.3f}' "$a")" \
    "$(sqlite3 "$T_DB" "SELECT printf('%.3f %.3f', t_run, t_inactive) FROM jobs WHERE id = '$ida'")"

# A second run finds nothing new; a new job is the only one imported.
run_ok "second fetch" fa fetch-job-records
assert_contains "nothing new" "0 imported" "$T_OUT"
d=$(flux submit --setattr=system.bank=B true) || die "submit d"
flux job wait-event -t 60 "$d" clean >/dev/null || die "job d"
run_ok "third fetch" fa -v fetch-job-records
assert_contains "only the new job" "1 imported, 0 already present" "$T_OUT"
assert_contains "the stored ones are not looked up again" "3 already stored" "$T_OUT"
assert_eq "four records" "4" "$(count)"

# A job below the newest stored t_inactive that is missing (job-list
# listed it late) is fetched by the next run: the window overlaps.
sqlite3 "$T_DB" "DELETE FROM jobs WHERE id = '$ida'" || die "delete"
run_ok "fetch after a gap" fa fetch-job-records
assert_contains "the missing job" "1 imported" "$T_OUT"
assert_eq "back" "$ida A p1 1 1" "$(records | grep "^$ida ")"

# Records imported from a file, even with a later t_inactive, do not move
# where the next fetch starts.
now=$(date +%s)
echo "{\"id\": 12345, \"userid\": $T_UID, \"t_run\": $((now + 3600)), \"t_inactive\": $((now + 7200))}" \
    > "$T_TMP/future.jsonl"
run_ok "import-jobs" fa import-jobs "$T_TMP/future.jsonl"
e=$(flux submit true) || die "submit e"
flux job wait-event -t 60 "$e" clean >/dev/null || die "job e"
run_ok "fetch after import-jobs" fa fetch-job-records
assert_contains "the new job despite the file's later record" "1 imported" "$T_OUT"

# A job that names no bank is charged to the user's default bank.
assert_eq "charged to the default bank" "A" \
    "$(sqlite3 "$T_DB" "SELECT charge_bank FROM jobs WHERE id = '$idc'")"

# Read-only database: refused before anything is asked of the instance.
chmod a-w "$T_DB"
if [ "$(id -u)" -ne 0 ]; then
    run_fail "read-only database" fa fetch-job-records
    assert_contains "read-only" "read-only" "$T_OUT"
fi
chmod u+w "$T_DB"

# Outside the instance: the message says so, and what to do instead.
run_fail "no instance" env FLUX_URI=local:///nonexistent/t2000 "$FLUX_ACCOUNT" -p "$T_DB" fetch-job-records
assert_contains "message" "no Flux instance is reachable" "$T_OUT"
assert_contains "hint" "--copy" "$T_OUT"
test_done
