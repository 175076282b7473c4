#!/bin/sh
# Malformed requests to the plugin's job-manager services, sent to the
# real job manager: each is answered with an error naming the bad element
# (and logged as "mf_priority unpack: ..."), and nothing changes.
. "$(dirname "$0")/lib.sh"
skip_without_flux
T_QUEUES="batch debug"
in_instance "$@"

setup_db
fa add-queue batch && fa add-queue debug --priority 2 || die "add-queue"
fa add-project physics || die "add-project"
fa add-user --username "$T_USER" --userid "$T_UID" --bank A --fairshare 0.5 \
    --queues batch,debug --projects "*,physics" || die "add-user"
flux resource drain 0 "t1005" || die "drain"
load_plugin || die "load"
flux jobtap query mf_priority.so > "$T_TMP/before.json"

svc=job-manager.mf_priority
# refused WHAT MESSAGE SERVICE [PAYLOAD]
refused () {
    _what=$1 _msg=$2
    shift 2
    run_fail "$_what" rpc "$svc.$@"
    assert_contains "$_what: error" "$_msg" "$T_OUT"
}
assoc () { # assoc KEY=JSON...: one association element with overrides
    flux python -c 'import json, sys
a = {"userid": int(sys.argv[1]), "bank": "A", "def_bank": "A", "fairshare": 0.9,
     "max_running_jobs": 3, "max_active_jobs": 10, "queues": "batch",
     "active": 1, "projects": "*", "def_project": "*", "max_nodes": 1,
     "max_cores": 1, "max_sched_jobs": 1}
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    if v == "DELETE":
        del a[k]
    else:
        a[k] = json.loads(v)
print(json.dumps(a))' "$T_UID" "$@"
}

refused "no payload" "request has no payload" rec_update
refused "no data" 'rec_update: missing key "data"' rec_update '{}'
refused "data not an array" "rec_update: data: expected an array, got object" \
    rec_update '{"data": {}}'
refused "a good element, then a bad one" \
    'rec_update: data[1]: missing key "max_sched_jobs"' rec_update \
    "{\"data\": [$(assoc), $(assoc userid=5002 max_sched_jobs=DELETE)]}"
refused "fairshare not a number" \
    "rec_update: data[0].fairshare: expected a number, got string" rec_update \
    "{\"data\": [$(assoc 'fairshare="high"')]}"
refused "fairshare out of range" \
    "rec_update: data[0].fairshare: expected a number from 0 to 1, got 1.5" \
    rec_update "{\"data\": [$(assoc fairshare=1.5)]}"
refused "negative userid" \
    "rec_update: data[0].userid: expected an integer from 0 to 4294967294, got -5" \
    rec_update "{\"data\": [$(assoc userid=-5)]}"
refused "negative limit" \
    "rec_update: data[0].max_running_jobs: expected an integer from 0 to 2147483647, got -1" \
    rec_update "{\"data\": [$(assoc max_running_jobs=-1)]}"
refused "empty bank" "rec_update: data[0].bank: expected a non-empty name" \
    rec_update "{\"data\": [$(assoc 'bank=""')]}"
refused "NUL in a name" "rec_update: data[0].bank: string contains a NUL character" \
    rec_update "{\"data\": [$(assoc 'bank="A\u0000B"')]}"
refused "element not an object" \
    "rec_update: data[0]: expected an object, got string" rec_update '{"data": ["A"]}'
refused "not JSON" \
    "rec_update: data[0]: invalid JSON at byte 26: expected an object key (a string), got ']'" \
    rec_update '{"data": [{"userid": 5001,]}'
refused "trailing garbage" \
    "payload: invalid JSON at byte 13: unexpected 'x' after the value" \
    rec_update '{"data": []} x'
refused "replace not a boolean" \
    "rec_update: replace: expected true or false, got string" \
    rec_update '{"data": [], "replace": "yes"}'
refused "queue element incomplete" \
    'rec_q_update: data[0]: missing key "max_sched_nodes_per_assoc"' rec_q_update \
    '{"data": [{"queue": "batch", "min_nodes_per_job": 1, "max_nodes_per_job": 1, "max_time_per_job": 60, "priority": 5, "max_running_jobs": 100, "max_nodes_per_assoc": 2, "max_sched_jobs": 2}]}'
refused "queue name not a string" \
    "rec_q_update: data[0].queue: expected a string, got number" rec_q_update \
    '{"data": [{"queue": 7}]}'
refused "project key missing" 'rec_proj_update: data[1]: missing key "project"' \
    rec_proj_update '{"data": [{"project": "x"}, {"name": "y"}]}'
refused "bank priority not a number" \
    "rec_bank_update: data[0].priority: expected a number, got true" \
    rec_bank_update '{"data": [{"bank": "A", "priority": true}]}'
refused "unknown factor" \
    'rec_fac_update: data[1].factor: unknown factor "age" (expected fairshare, queue, bank or urgency)' \
    rec_fac_update '{"data": [{"factor": "queue", "weight": 5}, {"factor": "age", "weight": 5}]}'
refused "negative weight" \
    "rec_fac_update: data[0].weight: expected an integer from 0 to 4294967295, got -5" \
    rec_fac_update '{"data": [{"factor": "queue", "weight": -5}]}'
refused "config flag not a boolean" \
    "rec_config_update: data.deny_unknown_queues: expected true or false, got string" \
    rec_config_update '{"data": {"deny_unknown_queues": "yes"}}'

# Logged in the broker's log.
log=$(flux dmesg)
assert_contains "protocol error logged" \
    "failed to unpack custom_priority.trigger msg: Protocol error" "$log"
assert_contains "unpack error logged" \
    'mf_priority unpack: rec_update: missing key "data"' "$log"

# Nothing of the above changed anything.
flux jobtap query mf_priority.so > "$T_TMP/after.json"
assert_eq "plugin state unchanged" "same" "$(flux python -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
print("same" if a == b else "differs")' "$T_TMP/before.json" "$T_TMP/after.json")"
id=$(flux submit -q debug true) || die "submit"
wait_event "$id" priority
assert_eq "priority with the old data" "70000" "$(job_field "$id" priority)"

# An empty list is a valid update.
run_ok "empty list accepted" rpc "$svc.rec_update" '{"data": []}'
flux cancel --all --quiet 2>/dev/null
test_done
