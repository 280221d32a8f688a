#!/bin/bash
# Print the README's scenario table (attack, rule, twin) from the files.
cd "$(dirname "$0")" || exit 1
get() { sed -n "s/^$1 //p" "$2" | head -1; }
for f in scenarios/*.scn pending/*.scn; do
	[ -e "$f" ] || continue
	tw=$(get twin "$f")
	[ -z "$tw" ] && continue
	tf=scenarios/$tw.scn
	[ -e "$tf" ] || tf=pending/$tw.scn
	p=
	case $f in pending/*) p=" (pending)" ;; esac
	echo "| $(get rule "$f" | sed 's/:.*//') | \`$(get name "$f")\`$p | $(get expect "$f") | \`$tw\` | $(get expect "$tf") |"
done | sort
