#!/bin/sh
# tests/abi/lwip-api.sh LWIP_SOURCE_DIR > tests/abi/lwip-2.1.3-api.txt
#
# Lists the functions and data lwIP 2.1.3 declares in its public headers
# (src/include/lwip/*.h and src/include/netif/*.h; not priv/, prot/ or apps/,
# which lwIP keeps for itself), one name a line, sorted.  The list was made
# from Debian's source package (apt-get source lwip: lwip-2.1.3+dfsg1) and is
# committed; tests/abi/exports.sh checks libtern's exports against it.
set -eu
src=${1:?usage: lwip-api.sh LWIP_SOURCE_DIR}
for h in "$src"/src/include/lwip/*.h "$src"/src/include/netif/*.h; do
    # Comments and preprocessor lines out, then one declaration per line.
    tr -d '\r' < "$h" | sed -e 's://.*$::' | perl -0777 -pe 's:/\*.*?\*/::gs; s/^[ \t]*#(?:[^\n]*\\[ \t]*\n)*[^\n]*//mg' |
        tr '\n' ' ' | tr ';{}' '\n\n\n' |
        perl -ne '
            s/^\s+//;
            next if /^(typedef|struct\s+\w+\s*$|enum|return|union)\b/;
            if (/^extern\s+(?!"C")[^()]*?\b(\w+)\s*(\[[^\]]*\]\s*)*$/) { print "$1\n"; next; }
            print "$1\n" if /^(?:[A-Za-z_][\w\s\*]*?)[\s\*]\**(\w+)\s*\((?!\s*\*)[^()]*(\([^()]*\)[^()]*)*\)\s*$/;
        '
done | grep -v '^\(if\|while\|for\|switch\|sizeof\|LWIP_\w*\)$' | sort -u
