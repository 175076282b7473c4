#!/bin/sh
# Build doc/examples/bank-usage.c the way a user would: against an installed
# libfluxacct (meson install into a scratch DESTDIR), with nothing but
# pkg-config's flags, then run it and compare its output with the expected
# one.  Arguments: BUILD_ROOT SOURCE_ROOT CC
set -eu
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd) cc=$3 sanitize=${4:-none}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/dest" >"$tmp/install.log" 2>&1 \
    || { cat "$tmp/install.log"; exit 1; }
pc=$(find "$tmp/dest" -name fluxacct.pc | head -n 1)
[ -n "$pc" ] || { echo "check_example: fluxacct.pc was not installed" >&2; exit 1; }
# pkg-config reads the installed .pc; the sysroot maps its paths into DESTDIR
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$tmp/dest
unset PKG_CONFIG_LIBDIR
flags=$(pkg-config --cflags --libs fluxacct)
case $flags in
    *"$src"*|*"$build"*) echo "check_example: flags reach into the tree: $flags" >&2; exit 1 ;;
esac
san=
[ "$sanitize" = none ] || san="-fsanitize=$sanitize"
# shellcheck disable=SC2086
"$cc" -std=c99 -Wall -Wextra -Werror -pedantic $san -o "$tmp/bank-usage" \
    "$src/doc/examples/bank-usage.c" $flags
libdir=$(dirname "$(find "$tmp/dest" -name 'libfluxacct.so.1' | head -n 1)")
LD_LIBRARY_PATH=$libdir "$tmp/bank-usage" "$tmp/example.db" >"$tmp/out"
diff -u "$src/doc/examples/bank-usage.out" "$tmp/out"
# and an error path: the database exists already
if LD_LIBRARY_PATH=$libdir "$tmp/bank-usage" "$tmp/example.db" 2>"$tmp/err"; then
    echo "check_example: a second create succeeded" >&2; exit 1
fi
grep -q example.db "$tmp/err" || { cat "$tmp/err"; exit 1; }
echo "check_example: ok"
