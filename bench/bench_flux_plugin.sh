#!/bin/sh
# mf_priority.so's cost in a real Flux instance (run by hand, never in the
# tests):
#     bench/bench_flux_plugin.sh [BUILD [NJOBS [ROUNDS [NASSOC]]]]
# defaults: build 2000 3 10000.  Needs flux-core (PATH or /opt/flux-core).
#
# One `flux start -s1`; the node drained (flux resource drain 0) so jobs
# stop in SCHED and never run.  Each round times
#     flux submit --cc=1-NJOBS --wait-event=priority true
# once without the plugin and once with mf_priority.so loaded with NASSOC
# associations (plus the submitting user's: the instance owner treated as
# an ordinary user through owner_userid=), in alternating order, then
# cancels and purges the jobs.  Broker CPU is fields 14+15 (utime, stime)
# of /proc/BROKER/stat before and after.  Prints per round, then the
# median and the range of jobs/s and broker CPU ms per job for both, and
# the plugin's broker CPU per job relative to the run without it.
# BENCH_SUBMIT_ARGS adds flux submit options (e.g. --setattr=system.bank=A:
# the plugin then posts no jobspec-update for the default bank).
set -e
if [ -z "${BENCH_IN_INSTANCE:-}" ]; then
    build=$(cd "${1:-build}" && pwd)
    flux=$(command -v flux || echo /opt/flux-core/bin/flux)
    [ -x "$flux" ] || { echo "bench_flux_plugin: flux not found" >&2; exit 1; }
    BENCH_IN_INSTANCE=1 BENCH_BUILD=$build \
        exec "$flux" start -s1 sh "$0" "$build" "${2:-2000}" "${3:-3}" \
        "${4:-10000}"
fi
build=$1 njobs=$2 rounds=$3 nassoc=$4
plugin=$build/plugins/mf_priority.so
fa=$build/tools/flux-account
python=/usr/bin/python3
tmp=$(mktemp -d)
trap 'flux jobtap remove mf_priority.so >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
owner_other=4294967294
uid=$(id -u)

# The data: a database with the submitting user only (small config= on
# the command line), then NASSOC more associations by rec_update.
"$fa" create-db "$tmp/db" >/dev/null
"$fa" -p "$tmp/db" add-bank root 1 >/dev/null
"$fa" -p "$tmp/db" add-bank --parent-bank root A 1 >/dev/null
"$fa" -p "$tmp/db" add-user --username "$(id -un)" --userid "$uid" --bank A \
    --max-running-jobs unlimited --max-active-jobs unlimited >/dev/null
"$fa" -p "$tmp/db" export-json > "$tmp/config.json"
$python - "$nassoc" > "$tmp/assocs.json" <<'PY'
import json, sys
n = int(sys.argv[1])
big = 2147483647
print(json.dumps({"data": [
    {"userid": 100000 + i, "bank": "A", "def_bank": "A",
     "fairshare": (i % 1000) / 1000.0, "max_running_jobs": 100,
     "max_active_jobs": 1000, "queues": "", "active": 1, "projects": "*",
     "def_project": "*", "max_nodes": big, "max_cores": big,
     "max_sched_jobs": big} for i in range(n)]}))
PY
cat > "$tmp/rpc.py" <<'PY'
import sys
import flux
h = flux.Flux()
with open(sys.argv[2]) as f:
    h.rpc(sys.argv[1], f.read()).get()
PY

flux resource drain 0 "bench_flux_plugin" >/dev/null
broker=$(flux getattr broker.pid)
hz=$(getconf CLK_TCK)
cpu () {
    awk '{print $14 + $15}' "/proc/$broker/stat"
}
now () {
    date +%s.%N
}
load () {
    unload
    flux jobtap load "$plugin" "owner_userid=$owner_other" \
        "config=$(cat "$tmp/config.json")" >/dev/null
    flux python "$tmp/rpc.py" job-manager.mf_priority.rec_update \
        "$tmp/assocs.json"
}
unload () {
    flux jobtap remove mf_priority.so >/dev/null 2>&1 || true
}
clear_jobs () {
    flux cancel --all --quiet >/dev/null 2>&1 || true
    while [ "$(flux jobs -n -o '{id}' | wc -l)" -ne 0 ]; do
        sleep 0.2
    done
    flux job purge --force --num-limit=0 >/dev/null 2>&1 || true
}
# one MODE: submit NJOBS, print "MODE jobs/s cpu_ms/job"
one () {
    clear_jobs
    c0=$(cpu) t0=$(now)
    # shellcheck disable=SC2086
    flux submit --cc="1-$njobs" --wait-event=priority --quiet \
        ${BENCH_SUBMIT_ARGS:-} true >/dev/null
    t1=$(now) c1=$(cpu)
    awk -v m="$1" -v n="$njobs" -v t0="$t0" -v t1="$t1" -v c0="$c0" \
        -v c1="$c1" -v hz="$hz" \
        'BEGIN { printf "%s %.1f %.4f\n", m, n / (t1 - t0), (c1 - c0) * 1000 / hz / n }'
}

# A short warm-up of each, not counted.
unload
n=$njobs njobs=$((njobs / 10 + 1))
one none > /dev/null
load
one plugin > /dev/null
njobs=$n
: > "$tmp/results"
r=1
while [ "$r" -le "$rounds" ]; do
    if [ $((r % 2)) -eq 1 ]; then order="none plugin"; else order="plugin none"; fi
    for m in $order; do
        if [ "$m" = plugin ]; then load; else unload; fi
        one "$m" | tee -a "$tmp/results" | sed "s/^/round $r: /"
    done
    r=$((r + 1))
done
unload
clear_jobs

echo "$njobs jobs per run, $rounds rounds, $nassoc associations (+1), node drained${BENCH_SUBMIT_ARGS:+, submit $BENCH_SUBMIT_ARGS}"
$python - "$tmp/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
res = {}
for m, rate, ms in rows:
    res.setdefault(m, ([], []))
    res[m][0].append(float(rate))
    res[m][1].append(float(ms))
for m in ("none", "plugin"):
    rate, ms = res[m]
    print(f"{m:7s} jobs/s median {statistics.median(rate):8.1f} "
          f"(range {min(rate):.1f}-{max(rate):.1f})   broker CPU ms/job "
          f"median {statistics.median(ms):.4f} (range {min(ms):.4f}-{max(ms):.4f})")
a = statistics.median(res["none"][1])
b = statistics.median(res["plugin"][1])
print(f"plugin broker CPU per job: {100 * (b - a) / a:+.1f} % of the run without it "
      f"(medians; goal <= +2 %)")
PY
