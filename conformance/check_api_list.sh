#!/bin/sh
# check_api_list.sh BINARY API_LIST LIB...
# Fails if BINARY imports a symbol defined by one of the LIBs (the lwIP
# libraries) that API_LIST does not name: the tern build's weak linking
# (harness/weak_api.h) would otherwise miss it.
bin=$1 list=$2
shift 2
tmp=${TMPDIR:-/tmp}/check_api.$$
trap 'rm -f "$tmp".*' EXIT
nm -D --defined-only "$@" 2>/dev/null | awk 'NF >= 3 { print $3 }' | sort -u > "$tmp.lib"
nm -D --undefined-only "$bin" | awk '{ print $NF }' | sed 's/@.*//' | sort -u > "$tmp.used"
sed -n 's/^API(\([A-Za-z0-9_]*\)).*/\1/p' "$list" | sort -u > "$tmp.listed"
missing=$(comm -12 "$tmp.lib" "$tmp.used" | comm -23 - "$tmp.listed")
if [ -n "$missing" ]; then
    echo "check_api_list: add to $list: $(echo "$missing" | tr '\n' ' ')" >&2
    exit 1
fi
