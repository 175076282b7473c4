#!/bin/sh
# Check dynamic exports with nm -D --defined-only.
#   check-exports.sh plugin NM PLUGIN.so...  each exports flux_plugin_init only
#   check-exports.sh host NM PROGRAM          exports flux_* only (besides
#                                             glibc's versioned copy relocations)
mode=$1
nm=$2
shift 2
status=0
for f in "$@"; do
    syms=$("$nm" -D --defined-only "$f" | awk '{print $3}')
    case $mode in
    plugin)
        if [ "$(echo $syms)" != "flux_plugin_init" ]; then
            echo "$f: expected flux_plugin_init only, got: $(echo $syms)"
            status=1
        fi
        ;;
    host)
        extra=$(echo "$syms" | grep -v '^flux_' | grep -v '@')
        if [ -n "$extra" ]; then
            echo "$f: exports more than the flux_* API: $(echo $extra)"
            status=1
        fi
        if ! echo "$syms" | grep -q '^flux_jobtap_get_flux$'; then
            echo "$f: does not export the flux_* API"
            status=1
        fi
        ;;
    *)
        echo "usage: $0 plugin|host NM FILE..." >&2
        exit 2
        ;;
    esac
done
[ $status -eq 0 ] && echo "ok: $mode exports of $*"
exit $status
