#!/bin/bash
# The include direction of STYLE.md: a file includes only from its own
# folder and from layers below its own,
#     cli -> report -> battery | dane | anchor -> net -> util -> validator
# always root-relative ("probe/net/query.h"), never "../".  Also: no
# source file sits directly in probe/.  Prints one FAIL line per
# violation and the closing "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
rank() {
	case $1 in
	probe/cli) echo 6 ;;
	probe/report) echo 5 ;;
	probe/battery | probe/dane | probe/anchor) echo 4 ;;
	probe/net) echo 3 ;;
	probe/util) echo 2 ;;
	validator) echo 1 ;;
	*) echo 0 ;;
	esac
}
pass=0 fail=0
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

for f in probe/*.[ch]; do
	[ -e "$f" ] && bad "$f: source file outside a layer folder"
done
while IFS= read -r f; do
	dir=$(dirname "$f")
	r=$(rank "$dir")
	if [ "$r" = 0 ]; then bad "$f: folder $dir is not a known layer"; continue; fi
	ok=1
	while IFS=: read -r line inc; do
		inc=${inc#*\"}; inc=${inc%\"*}
		case $inc in
		../* | */../*) bad "$f:$line: relative include \"$inc\""; ok=0; continue ;;
		esac
		idir=$(dirname "$inc")
		[ "$idir" = "$dir" ] && continue
		ir=$(rank "$idir")
		if [ "$ir" = 0 ]; then
			bad "$f:$line: \"$inc\" is not root-relative to a layer folder"; ok=0
		elif [ "$ir" -ge "$r" ]; then
			bad "$f:$line: $dir includes \"$inc\" from a layer not below its own"; ok=0
		fi
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | sed 's/:/:/')
	[ $ok = 1 ] && pass=$((pass + 1))
done < <(find probe validator -name '*.[ch]' | sort)
# Tests include root-relative too.
while IFS= read -r f; do
	if grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"\.\./' "$f"; then
		bad "$f: relative include"
	else
		pass=$((pass + 1))
	fi
done < <(find tests -name '*.[ch]' | sort)
echo "layers: $pass passed, $fail failed"
[ $fail -eq 0 ]
