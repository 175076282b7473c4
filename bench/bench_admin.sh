#!/bin/sh
# Time update-db, export-db and pop-db on a flux-accounting v0.60 database
# of ASSOCIATIONS associations and JOBS jobs made by gen_fadb (seed 1).
#
#   bench/bench_admin.sh [BUILDDIR [WORKDIR [ASSOCIATIONS [JOBS]]]]
#
# Defaults: build, /tmp/fluxacct-bench-admin, 10000, 1000000.  Needs about
# 4 GB in WORKDIR.  Each step runs once on a fresh copy, after a sync, so
# the numbers include writing to the page cache and the fsyncs SQLite does.
set -e
BUILD=${1:-build}
WORK=${2:-/tmp/fluxacct-bench-admin}
NASSOC=${3:-10000}
NJOBS=${4:-1000000}
FA=$BUILD/tools/flux-account
GEN=$BUILD/tests/tools/gen_fadb

now () { date +%s.%N; }
sub () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
mb () { echo "$1" | awk '{ printf "%.1f", $1 / 1048576 }'; }
rate () { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.0f", b / 1048576 / t }'; }

rm -rf "$WORK"
mkdir -p "$WORK"
echo "generating $NASSOC associations, $NJOBS jobs ..."
t0=$(now); "$GEN" -o "$WORK/fa.db" -a "$NASSOC" -j "$NJOBS" -s 1; t1=$(now)
size=$(stat -c %s "$WORK/fa.db")
echo "gen_fadb: $(mb "$size") MB in $(sub "$t1" "$t0") s"

cp "$WORK/fa.db" "$WORK/migrated.db"
sync
t0=$(now); "$FA" -q -p "$WORK/migrated.db" update-db; t1=$(now)
t=$(sub "$t1" "$t0")
echo "update-db: $t s for $(mb "$size") MB ($(rate "$size" "$t") MB/s), including the backup copy"

sync
t0=$(now); "$FA" -p "$WORK/migrated.db" export-db -d "$WORK/csv"; t1=$(now)
t=$(sub "$t1" "$t0")
csv=$(du -sb "$WORK/csv" | cut -f1)
echo "export-db: $t s, $(mb "$csv") MB of CSV ($(rate "$csv" "$t") MB/s)"

"$FA" -p "$WORK/popped.db" create-db
sync
t0=$(now); "$FA" -p "$WORK/popped.db" pop-db -d "$WORK/csv"; t1=$(now)
t=$(sub "$t1" "$t0")
echo "pop-db:    $t s, $(mb "$csv") MB of CSV ($(rate "$csv" "$t") MB/s)"
