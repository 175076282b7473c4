#!/bin/sh
# flux-account export-json and priority-update, end to end with the plugin:
# a database made with the CLI, its export loaded as the plugin's config=,
# the priority-update requests (--dry-run) sent through the job-manager
# host, and priority-update failing clearly where no Flux instance exists.
# usage: cli.sh FLUX_ACCOUNT JOBTAP_HOST PLUGINDIR PYTHON
set -e
fa=$1 host=$2 plugindir=$3 python=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/db
fail () { echo "FAIL: $*" >&2; exit 1; }

"$fa" create-db "$db"
"$fa" -p "$db" add-bank root 1
"$fa" -p "$db" add-bank --parent-bank root A 1
"$fa" -p "$db" add-bank --parent-bank root B 1 --priority 2.5
"$fa" -p "$db" add-queue batch --priority 3
"$fa" -p "$db" add-project physics
"$fa" -p "$db" add-user --username alice --bank A --userid 5001 --queues batch --max-running-jobs 1
"$fa" -p "$db" add-user --username bob --bank B --userid 5002
"$fa" -p "$db" add-user --username carol --bank B --userid 5003
"$fa" -p "$db" delete-user carol B
"$fa" -p "$db" edit-factor --factor bank --weight 1000

# export-json: the load-time object with flux-accounting's field names.
"$fa" -p "$db" export-json > "$tmp/export.json"
"$python" - "$tmp/export.json" "$tmp/conf.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
assert sorted(o) == ["associations", "banks", "config", "priority_factors",
                     "projects", "queues"], sorted(o)
a = {x["userid"]: x for x in o["associations"]}
assert sorted(a[5001]) == sorted(["userid", "bank", "def_bank", "fairshare",
    "max_running_jobs", "max_active_jobs", "queues", "active", "projects",
    "def_project", "max_nodes", "max_cores", "max_sched_jobs",
    "max_wall_pj"]), a[5001]
assert a[5001]["queues"] == "batch" and a[5001]["max_running_jobs"] == 1
assert a[5003]["active"] == 0, a[5003]
assert o["queues"][0]["queue"] == "batch" and o["queues"][0]["priority"] == 3
assert [p["project"] for p in o["projects"]] == ["*", "physics"]
assert {b["bank"]: b["priority"] for b in o["banks"]}["B"] == 2.5
assert o["config"] == {"deny_unknown_queues": False,
    # libfluxacct's allocation keys (issue 14), ignored by flux-accounting
    "allocation_enforcement": "off", "allocation_default_time_limit": 3600,
    "node_weight": 1.0, "core_weight": 0.0, "gpu_weight": 0.0}, o["config"]
assert {b["bank"]: b["parent_bank"] for b in o["banks"]}["B"] == "root"
assert {f["factor"]: f["weight"] for f in o["priority_factors"]}["bank"] == 1000
json.dump({"owner_userid": 100, "config": o}, open(sys.argv[2], "w"))
PY
"$fa" -p "$db" export-json --payload rec_update --replace | grep -q '"replace":true' \
    || fail "export-json --payload rec_update --replace"
if "$fa" -p "$db" export-json --payload bogus 2> "$tmp/err"; then
    fail "export-json --payload bogus succeeded"
fi
grep -q 'unknown payload "bogus"' "$tmp/err" || fail "bogus payload message"

# The export as config=, then the priority-update requests, through the
# plugin in the job-manager host.
cat > "$tmp/load.jt" <<JT
load $plugindir/mf_priority.so conf=@conf.json
expect ok
submit 1 userid=5001 queue=batch
expect-priority 1 80000
submit 2 userid=5001 queue=batch
expect-deps 2 max-running-jobs-user-limit
submit 3 userid=5002
expect-priority 3 52500
submit 4 userid=5003
expect rejected user/bank entry has been disabled from flux-accounting DB
JT
"$fa" -p "$db" edit-user alice --max-running-jobs 2
"$fa" -p "$db" priority-update --dry-run > "$tmp/requests"
[ "$(wc -l < "$tmp/requests")" -eq 7 ] || fail "priority-update --dry-run: $(cat "$tmp/requests")"
while read -r topic payload; do
    echo "rpc $topic $payload"
    echo "expect-rpc ok"
done < "$tmp/requests" >> "$tmp/load.jt"
cat >> "$tmp/load.jt" <<JT
expect-state 2 SCHED
query mf_priority
expect-json mf_priority_map[0].banks[0].max_run_jobs 2
JT
"$host" -q "$tmp/load.jt" > "$tmp/host.out" || { cat "$tmp/host.out"; fail "host script"; }

# No Flux here: a clear message and a non-zero exit.
if "$fa" -p "$db" priority-update 2> "$tmp/err"; then
    fail "priority-update succeeded without a Flux instance"
fi
grep -q "no Flux instance is reachable" "$tmp/err" || fail "message: $(cat "$tmp/err")"
echo ok
