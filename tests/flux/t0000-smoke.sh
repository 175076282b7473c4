#!/bin/sh
# The flux suite itself: an instance starts, the plugin loads by path with
# its export as config=, and the instance owner is an ordinary user.
. "$(dirname "$0")/lib.sh"
skip_without_flux
in_instance "$@"

T_DB=$T_TMP/FluxAccounting.db
fa create-db "$T_DB" || die "create-db"
fa add-bank root 1 && fa add-bank --parent-bank root A 1 || die "add-bank"
fa add-user --username other --userid 5001 --bank A || die "add-user other"

run_ok "plugin loads" load_plugin
run_ok "jobtap list" flux jobtap list
assert_contains "listed" "mf_priority.so" "$T_OUT"
run_ok "query" flux jobtap query mf_priority.so
assert_contains "query names the owner" "\"instance_owner\":{\"userid\":$T_OWNER_USERID" "$T_OUT"

# No association yet for the owner's uid: refused like anybody else.
run_fail "owner without an association" flux submit -n1 true
assert_contains "rejection" "cannot find user/bank" "$T_OUT"

uid=$(id -u)
fa add-user --username "$(id -un)" --userid "$uid" --bank A || die "add-user"
load_plugin || die "reload with the user"
id=$(flux submit -n1 true) || die "submit"
run_ok "job completes" flux job wait-event -t 60 "$id" clean
assert_eq "result" "COMPLETED" "$(job_field "$id" result)"
test_done
