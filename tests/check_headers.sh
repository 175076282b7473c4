#!/bin/sh
# The public headers compile on their own in strict C99 and as C++.
# usage: check_headers.sh CC CXX SRC_INCLUDE_DIR BUILD_INCLUDE_DIR
set -e
cc=$1 cxx=$2 src=$3 build=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for h in "$src"/fluxacct/*.h; do
    name=$(basename "$h")
    printf '#include <fluxacct/%s>\nint main (void) { return 0; }\n' "$name" > "$tmp/t.c"
    $cc -std=c99 -pedantic -Wall -Wextra -Werror -I"$src" -I"$build" -c "$tmp/t.c" -o "$tmp/t.o"
    cp "$tmp/t.c" "$tmp/t.cc"
    $cxx -std=c++11 -pedantic -Wall -Wextra -Werror -I"$src" -I"$build" -c "$tmp/t.cc" -o "$tmp/t.o"
    echo "ok $name"
done
