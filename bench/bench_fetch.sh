#!/bin/sh
# Time fetch-job-records reading NJOBS inactive jobs from a running Flux
# instance (job-list, then job-info for each job's R and jobspec, then the
# import), and a second fetch that finds nothing new.
#
#   bench/bench_fetch.sh [BUILDDIR [NJOBS]]
#
# Defaults: build, 10000.  Needs flux-core (PATH=/opt/flux-core/bin:$PATH);
# starts its own single-broker instance.  The jobs run under flux-core's
# test execution (no processes), in two banks, a third of them with a
# project.  Prints the wall time of each fetch and the broker's CPU time
# during the first.
set -e
BUILD=${1:-build}
NJOBS=${2:-10000}
FA=$(cd "$BUILD" && pwd)/tools/flux-account

if [ -z "$FLUXACCT_BENCH_IN_INSTANCE" ]; then
    command -v flux >/dev/null || { echo "flux not found in PATH" >&2; exit 1; }
    # 64 cores of pretend resources, so that many jobs run at once and the
    # setup takes minutes rather than a quarter of an hour.
    conf=$(mktemp -d /tmp/fluxacct-bench-conf.XXXXXX)
    trap 'rm -rf "$conf"' EXIT
    flux R encode -r 0 -c 0-63 -H "$(hostname)" > "$conf/R.json"
    printf '[resource]\nnoverify = true\npath = "%s/R.json"\n' "$conf" \
        > "$conf/resource.toml"
    export FLUXACCT_BENCH_IN_INSTANCE=1
    flux start -s1 --config-path="$conf" sh "$0" "$BUILD" "$NJOBS"
    exit $?
fi

now () { date +%s.%N; }
sub () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
ticks () { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

work=$(mktemp -d /tmp/fluxacct-bench-fetch.XXXXXX)
trap 'rm -rf "$work"' EXIT
db=$work/FluxAccounting.db
me=$(id -un)
"$FA" create-db "$db"
"$FA" -p "$db" add-bank root 1
"$FA" -p "$db" add-bank --parent-bank root A 1
"$FA" -p "$db" add-bank --parent-bank root B 1
"$FA" -p "$db" add-user --username "$me" --bank A
"$FA" -p "$db" add-user --username "$me" --bank B

echo "submitting $NJOBS jobs (test execution) ..."
t0=$(now)
third=$((NJOBS / 3))
flux submit --quiet --cc=1-$((NJOBS - 2 * third)) \
    --setattr=system.exec.test.run_duration=0.001s \
    --setattr=system.bank=A true
flux submit --quiet --cc=1-$third \
    --setattr=system.exec.test.run_duration=0.001s \
    --setattr=system.bank=B true
flux submit --quiet --cc=1-$third \
    --setattr=system.exec.test.run_duration=0.001s \
    --setattr=system.bank=A --setattr=system.project=p1 true
flux queue drain
t1=$(now)
inactive=$(flux jobs -n -f inactive -c 0 | wc -l)
echo "$inactive inactive jobs in $(sub "$t1" "$t0") s"

broker=$(flux getattr broker.pid)
hz=$(getconf CLK_TCK)
c0=$(ticks "$broker")
t0=$(now)
"$FA" -v -p "$db" fetch-job-records
t1=$(now)
c1=$(ticks "$broker")
stored=$(sqlite3 "$db" 'SELECT count(*) FROM jobs' 2>/dev/null || echo "?")
echo "first fetch: $stored records stored in $(sub "$t1" "$t0") s" \
     "(broker CPU $(awk -v a="$c1" -v b="$c0" -v hz="$hz" \
                    'BEGIN { printf "%.2f", (a - b) / hz }') s)"

t0=$(now)
"$FA" -v -p "$db" fetch-job-records
t1=$(now)
echo "second fetch (nothing new): $(sub "$t1" "$t0") s"
