#!/bin/sh
# The ABI check: compare the built libfluxacct with the committed baseline
# (tests/abi/libfluxacct.abi, written by scripts/abi-baseline) using
# libabigail's abidiff.  Added functions are compatible and pass; anything
# else (a removed or changed function, a struct that changed size or
# members, a changed enum or typedef) fails, and abidiff's report says what.
# A versioned struct that grows by members appended at its end passes
# (SUPPRESSIONS, tests/abi/versioned.suppr).
# Arguments: LIBRARY PUBLIC-HEADERS-DIR BASELINE SUPPRESSIONS
set -u
lib=$1 headers=$2 baseline=$3 suppr=$4
command -v abidiff >/dev/null 2>&1 || {
    echo "SKIP: abidiff not found (Debian package abigail-tools; scripts/install-deps installs it)"
    exit 77
}
if ! readelf -S "$lib" 2>/dev/null | grep -q '\.debug_info'; then
    echo "SKIP: $lib has no debug information (build with -g, as the default buildtype does)"
    exit 77
fi
abidiff --no-added-syms --suppressions "$suppr" --headers-dir2 "$headers" \
    "$baseline" "$lib"
rc=$?
if [ $rc -eq 0 ]; then
    echo "check_abi: compatible with $(basename "$baseline")"
    exit 0
fi
if [ $((rc & 3)) -ne 0 ]; then
    echo "check_abi: abidiff could not run (status $rc)" >&2
    exit 1
fi
echo "check_abi: the ABI changed incompatibly (abidiff status $rc); if this is" >&2
echo "meant, update the baseline on purpose: scripts/abi-baseline (see README)" >&2
exit 1
