#!/bin/sh
# tests/abi/exports.sh BUILD_DIR: libtern.so exports the API and nothing else.
#
# libtern is compiled with -fvisibility=hidden and exports what its public
# headers declare with TERN_API (tern/export.h).  This test lists the
# library's dynamic symbols (nm -D --defined-only) and fails on
#  - any symbol that is neither in lwIP 2.1.3's public API
#    (tests/abi/lwip-2.1.3-api.txt, made by tests/abi/lwip-api.sh), nor a
#    documented extension (tests/abi/extensions.txt), nor a tern_* name
#    declared with TERN_API in core/include/tern or compat/include: an
#    internal function leaking out, perhaps under one of lwIP's names;
#  - any name declared with TERN_API in a public header that the library
#    does not export: a program linked against libtern.so could not call it
#    (a definition that never saw its TERN_API declaration is hidden);
#  - any file-scope function declaration in a public header without
#    TERN_API.
set -u
build=${1:-build-asan}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib=$build/libtern.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

if [ ! -e "$lib" ]; then
    echo "FAIL no $lib"
    exit 1
fi
# ASan adds __odr_asan.* aliases of exported data; they are not API.
nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^__odr_asan' | sort -u >"$tmp/exports"

# What the public headers declare with TERN_API: functions, data, and the
# assembler names of alternative prototypes (udp.h's TUN2SOCKS udp_sendto).
headers=$(find "$root/core/include/tern" "$root/compat/include" -name '*.h')
# shellcheck disable=SC2086
perl -0777 -ne '
    s:/\*.*?\*/::gs;
    s/^[ \t]*#define[^\n]*//mg;
    while (/\bTERN_API\b([^;{]*?)\b(\w+)\s*(\(|(\[[^\]]*\])?\s*;)/g) { print "$2\n"; }
    while (/__asm__\("(\w+)"\)/g) { print "$1\n"; }
' $headers | sort -u >"$tmp/declared"
grep -v '^#' "$here/extensions.txt" | awk 'NF {print $1}' | sort -u >"$tmp/extensions"
sort -u "$here/lwip-2.1.3-api.txt" >"$tmp/lwip"

comm -23 "$tmp/exports" "$tmp/lwip" | comm -23 - "$tmp/extensions" >"$tmp/rest"
grep -v '^tern_' "$tmp/rest" >"$tmp/unknown"
grep '^tern_' "$tmp/rest" | comm -23 - "$tmp/declared" >>"$tmp/unknown"
if [ -s "$tmp/unknown" ]; then
    echo "FAIL exported but neither lwIP 2.1.3 API, a documented extension nor a TERN_API tern_* function:"
    sed 's/^/    /' "$tmp/unknown"
    failed=1
fi

comm -23 "$tmp/declared" "$tmp/exports" >"$tmp/missing"
if [ -s "$tmp/missing" ]; then
    echo "FAIL declared with TERN_API but not exported:"
    sed 's/^/    /' "$tmp/missing"
    failed=1
fi

# Function declarations at file scope without TERN_API (macro bodies,
# comments, static and typedef lines, struct members left out).
# shellcheck disable=SC2086
perl -ne '
    BEGIN { $depth = 0; }
    if ($ARGV ne $file) { $file = $ARGV; $depth = 0; $cont = 0; $com = 0; }
    my $l = $_;
    if ($com) { $com = 0 if $l =~ m:\*/:; next; }
    if ($cont || $l =~ /^\s*#/) { $cont = $l =~ /\\\s*$/; next; }
    $l =~ s:/\*.*?\*/::g;
    if ($l =~ m:/\*:) { $com = 1; $l =~ s:/\*.*::; }
    if ($depth == 0 && $l =~ /^(?!TERN_API|typedef|static|extern\s+"C"|return|struct\s+\w+\s*\{|union|enum)[A-Za-z_][\w\s\*]*?[\s\*](\w+)\s*\((?!\s*\*)/) {
        print "$ARGV: $1\n";
    }
    $l =~ s/extern\s+"C"\s*\{//;
    $l =~ s/"(\\.|[^"])*"//g;
    $depth += ($l =~ tr/{//) - ($l =~ tr/}//);
    $depth = 0 if $depth < 0;
' $headers | sed "s|$root/||" >"$tmp/unmarked"
if [ -s "$tmp/unmarked" ]; then
    echo "FAIL public header declares a function without TERN_API:"
    sed 's/^/    /' "$tmp/unmarked"
    failed=1
fi

n=$(wc -l <"$tmp/exports")
nl=$(comm -12 "$tmp/exports" "$tmp/lwip" | wc -l)
nt=$(grep -c '^tern_' "$tmp/exports")
ne=$(comm -12 "$tmp/exports" "$tmp/extensions" | wc -l)
echo "exports: $n symbols ($nl lwIP 2.1.3 API, $ne documented extensions, $nt tern_*)"
[ "$failed" -eq 0 ] && echo "ok   every export is API, every TERN_API declaration is exported"
[ "$failed" -eq 0 ]
