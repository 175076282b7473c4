# tests/flux/lib.sh: sourced by every tests/flux/t*.sh, as
#     . "$(dirname "$0")/lib.sh"
#     skip_without_flux
#     in_instance "$@"
# Environment (tests/flux/meson.build): FLUX (the flux program; empty when
# flux-core was not found), FLUX_ACCOUNT, MF_PRIORITY, BUILD_ROOT,
# SOURCE_ROOT.  Optional: T_TIMEOUT (seconds one instance may live, 420),
# T_VERBOSE=1 (echo each check), T_TRACE=1 (set -x inside the instance).
#
# Assertions print what failed on stderr and count failures; a script ends
# with `test_done`, which exits 1 if any failed.

T_NAME=$(basename "$0" .sh)
T_DIR=$(cd "$(dirname "$0")" && pwd)
T_FAILED=0
T_CHECKS=0

say () {
    printf '%s: %s\n' "$T_NAME" "$*" >&2
}

# Exit 77 (meson SKIP) with the reason when there is no usable flux.
skip_without_flux () {
    if [ -z "${FLUX:-}" ]; then
        echo "SKIP: flux-core not found (no flux program when the build was configured, or -Dflux_tests=disabled)"
        exit 77
    fi
    if [ ! -x "$FLUX" ]; then
        echo "SKIP: $FLUX is not executable"
        exit 77
    fi
    for v in FLUX_ACCOUNT MF_PRIORITY; do
        eval "val=\${$v:-}"
        if [ -z "$val" ] || [ ! -e "$val" ]; then
            echo "SKIP: $v is not set to a built file (run through meson test)"
            exit 77
        fi
    done
}

# Re-run this script once inside a fresh one-broker instance, bounded by
# T_TIMEOUT; the script's exit status is the instance's.  Inside, T_TMP
# is a private folder removed at exit and `flux` is on PATH.
# Set before calling: T_CORES=N (the node has N cores, not the machine's)
# and T_QUEUES="Q1 Q2 ..." (named queues, the first the default; started).
in_instance () {
    if [ -n "${T_IN_INSTANCE:-}" ]; then
        [ -z "${T_TRACE:-}" ] || set -x
        T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/$T_NAME.XXXXXX")
        trap 'rm -rf "$T_TMP" ${T_CONFDIR:+"$T_CONFDIR"}' EXIT
        PATH=$(dirname "$FLUX"):$PATH
        export PATH
        if [ -n "${T_QUEUES:-}" ]; then
            flux queue start --all >/dev/null 2>&1 || die "flux queue start"
        fi
        return 0
    fi
    T_IN_INSTANCE=1
    export T_IN_INSTANCE
    _opts=
    if [ -n "${T_CORES:-}${T_QUEUES:-}" ]; then
        T_CONFDIR=$(mktemp -d "${TMPDIR:-/tmp}/$T_NAME-conf.XXXXXX")
        export T_CONFDIR
        {
            if [ -n "${T_CORES:-}" ]; then
                printf '[resource]\nnoverify = true\n'
                printf '[[resource.config]]\nhosts = "%s"\ncores = "0-%d"\n' \
                    "$(hostname)" $((T_CORES - 1))
            fi
            for _q in ${T_QUEUES:-}; do
                printf '[queues.%s]\n' "$_q"
            done
            if [ -n "${T_QUEUES:-}" ]; then
                printf '[policy.jobspec.defaults.system]\nqueue = "%s"\n' \
                    "${T_QUEUES%% *}"
            fi
        } > "$T_CONFDIR/test.toml"
        _opts="--config-path=$T_CONFDIR"
    fi
    # shellcheck disable=SC2086
    exec timeout --kill-after=10 "${T_TIMEOUT:-420}" \
        "$FLUX" start -s1 $_opts sh "$0" "$@"
}

test_done () {
    if [ "$T_FAILED" -ne 0 ]; then
        say "$T_FAILED of $T_CHECKS checks failed"
        exit 1
    fi
    echo "$T_NAME: $T_CHECKS checks passed"
    exit 0
}

pass () {
    T_CHECKS=$((T_CHECKS + 1))
    [ -z "${T_VERBOSE:-}" ] || echo "ok $T_CHECKS - $*"
}

fail () {
    T_CHECKS=$((T_CHECKS + 1))
    T_FAILED=$((T_FAILED + 1))
    say "FAIL: $*"
}

# Stop at once (setup that later checks depend on failed).
die () {
    say "FATAL: $*"
    exit 1
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq () {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1: expected '$2', got '$3'"
    fi
}

# assert_contains WHAT NEEDLE TEXT
assert_contains () {
    case $3 in
        *"$2"*) pass "$1" ;;
        *) fail "$1: '$2' not in: $3" ;;
    esac
}

# assert_not_contains WHAT NEEDLE TEXT
assert_not_contains () {
    case $3 in
        *"$2"*) fail "$1: '$2' unexpectedly in: $3" ;;
        *) pass "$1" ;;
    esac
}

# run_ok WHAT CMD...: CMD must succeed; its stdout+stderr end up in T_OUT.
run_ok () {
    _what=$1
    shift
    if T_OUT=$("$@" 2>&1); then
        pass "$_what"
    else
        fail "$_what: '$*' failed: $T_OUT"
    fi
}

# run_fail WHAT CMD...: CMD must fail; its stdout+stderr end up in T_OUT.
run_fail () {
    _what=$1
    shift
    if T_OUT=$("$@" 2>&1); then
        fail "$_what: '$*' succeeded: $T_OUT"
    else
        pass "$_what"
    fi
}

# --- Flux helpers (inside the instance) ---

# job_field ID FIELD: one `flux jobs` field (state, priority, urgency, ...)
job_field () {
    flux jobs -n -o "{$2}" "$1"
}

# events ID: the job's event names, comma-separated, in order.
events () {
    flux job eventlog "$1" | awk '{printf "%s%s", sep, $2; sep=","}'
}

# event_context ID NAME: the last NAME event's context, as flux prints it.
event_context () {
    flux job eventlog "$1" | awk -v n="$2" '$2 == n {$1 = ""; $2 = ""; c = $0} END {sub(/^ +/, "", c); print c}'
}

# wait_event ID EVENT: wait (bounded) until EVENT is in the job's eventlog.
wait_event () {
    flux job wait-event -t "${T_WAIT:-60}" "$1" "$2" >/dev/null 2>&1 \
        || fail "job $1: no '$2' event within ${T_WAIT:-60} s: $(events "$1")"
}

# wait_state ID STATE: wait (bounded) until the job is in STATE (DEPEND,
# PRIORITY, SCHED, RUN, CLEANUP, INACTIVE).
wait_state () {
    _n=0
    while [ "$(flux jobs -n -o '{state}' "$1")" != "$2" ]; do
        _n=$((_n + 1))
        if [ "$_n" -gt $((${T_WAIT:-60} * 10)) ]; then
            fail "job $1: not $2 within ${T_WAIT:-60} s (is $(flux jobs -n -o '{state}' "$1"); events $(events "$1"))"
            return 1
        fi
        sleep 0.1
    done
}

# deps ID: the job's held dependencies (comma-separated), or "none".
deps () {
    flux job eventlog "$1" | awk '
        $2 == "dependency-add" || $2 == "dependency-remove" {
            d = $3; sub(/^description=/, "", d); gsub(/"/, "", d)
            if ($2 == "dependency-add") { if (!(d in h)) { o[n++] = d }; h[d] = 1 }
            else delete h[d]
        }
        END { s = ""; for (i = 0; i < n; i++) if (o[i] in h) s = s (s == "" ? "" : ",") o[i]
              print s == "" ? "none" : s }'
}

# rpc TOPIC [PAYLOAD]: a request to the instance as its owner (PAYLOAD is
# sent as given: JSON text or anything else); prints the response
# payload, or "error ERRNO: TEXT" and returns 1.
rpc () {
    flux python "$T_DIR/rpc.py" "$@"
}

# Accounting database with flux-account; `fa ARGS` runs on $T_DB.
fa () {
    "$FLUX_ACCOUNT" -p "$T_DB" "$@"
}

# load_plugin [KEY=VALUE...]: load MF_PRIORITY with the database's export
# and the owner treated as an ordinary user (owner_userid of a uid nobody
# runs as), after removing a loaded copy.
T_OWNER_USERID=4294967294
load_plugin () {
    flux jobtap remove mf_priority.so >/dev/null 2>&1 || true
    flux jobtap load "$MF_PRIORITY" "owner_userid=$T_OWNER_USERID" \
        "config=$(fa export-json)" "$@"
}

# setup_queues Q...: configure the instance with named queues (the first
# is the default) and start them all.  This replaces the instance's
# configuration: with T_CORES, use T_QUEUES instead.
setup_queues () {
    {
        for q in "$@"; do
            printf '[queues.%s]\n' "$q"
        done
        printf '[policy.jobspec.defaults.system]\nqueue = "%s"\n' "$1"
    } | flux config load || die "flux config load"
    flux queue start --all >/dev/null 2>&1 || die "flux queue start"
}

# seed_commands: flux's command path holds the command names the seed and
# the guides use (flux account, flux update-fshare, flux
# account-update-usage, ...), every one the built flux-account, and
# LD_LIBRARY_PATH is unset, so commands run as an installed site runs them.
seed_commands () {
    unset LD_LIBRARY_PATH
    _cmds=$T_TMP/cmd
    mkdir -p "$_cmds"
    for _name in flux-account flux-update-fshare flux-account-update-usage \
                 flux-account-update-fshare flux-account-fetch-job-records \
                 flux-account-priority-update; do
        ln -s "$FLUX_ACCOUNT" "$_cmds/$_name"
    done
    FLUX_EXEC_PATH_PREPEND=$_cmds
    export FLUX_EXEC_PATH_PREPEND
}

# setup_db: a fresh accounting database in $T_DB with banks root and A.
setup_db () {
    T_DB=$T_TMP/FluxAccounting.db
    fa create-db "$T_DB" || die "create-db"
    fa add-bank root 1 || die "add-bank root"
    fa add-bank --parent-bank root A 1 || die "add-bank A"
}

# The instance owner's uid and name (jobs run as the owner).
T_UID=$(id -u)
T_USER=$(id -un)
