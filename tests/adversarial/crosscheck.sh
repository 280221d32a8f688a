#!/bin/bash
# tests/adversarial/crosscheck.sh [BUILD_DIR] [SCENARIO...]
#
# Ask a reference validator we did not write, BIND's delv, every scenario's
# question through the replayer, with the scenario's trust anchor, and
# print delv's verdict beside the scenario's expected one.  delv has no
# --now: it validates at the wall clock, so this is meaningful while the
# clock is inside the corpus signatures' validity (2026-11-01 to
# 2027-01-01); outside it every signed scenario comes out expired.
# Not part of `make test`; its results are recorded in README.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
case $build in /*) ;; *) build=$here/../../$build ;; esac
replay=$build/adversarial/replay
tmp=$(mktemp -d /tmp/dp-crosscheck.XXXXXX)
rpid=
trap '[ -n "$rpid" ] && kill "$rpid" 2>/dev/null; rm -rf "$tmp"' EXIT
[ -x "$replay" ] || { echo "run tests/adversarial/run.sh first (it builds $replay)"; exit 1; }
command -v delv >/dev/null || { echo "delv not installed (bind9-dnsutils)"; exit 1; }

# delv's trust-anchors clause from the scenario's anchor lines.
anchors_conf() {
	echo "trust-anchors {"
	sed -n 's/^anchor //p' "$1" | while read -r owner _ttl _cls type rest; do
		case $type in
		DS) set -- $rest; echo "  \"$owner\" static-ds $1 $2 $3 \"$4\";" ;;
		DNSKEY) set -- $rest; f=$1 p=$2 a=$3; shift 3
			echo "  \"$owner\" static-key $f $p $a \"$*\";" ;;
		esac
	done
	echo "};"
}

if [ $# -gt 0 ]; then files=("$@"); else files=("$here"/scenarios/*.scn); fi
agree=0 differ=0
for f in "${files[@]}"; do
	name=$(sed -n 's/^name //p' "$f")
	expect=$(sed -n 's/^expect //p' "$f")
	read -r q t <<<"$(sed -n 's/^question //p' "$f")"
	root=$(sed -n 's/^anchor \([^ ]*\) .*/\1/p' "$f" | head -1)
	anchors_conf "$f" > "$tmp/anchors.conf"
	rm -f "$tmp/ready"
	"$replay" "$f" 127.0.0.1 0 "$tmp/ready" & rpid=$!
	for _ in {1..200}; do [ -s "$tmp/ready" ] && break; sleep 0.05; done
	out=$(timeout 30 delv -a "$tmp/anchors.conf" +root="$root" @127.0.0.1 -p "$(cat "$tmp/ready")" \
		"$q" "$t" +nocrypto +nomultiline 2>&1)
	kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; rpid=
	# A chain prints one status per link; the weakest decides.
	fail=$(grep -E 'resolution failed|insecurity proof failed|broken trust chain|validation failed' \
		<<<"$out" | grep -vE 'ncache (nxdomain|nxrrset)' | head -1)
	if [ -n "$fail" ]; then
		got=bogus
	elif grep -q '; .*unsigned answer' <<<"$out"; then
		got=insecure
	elif grep -q 'fully validated' <<<"$out"; then
		got=secure
	else
		got="other: $(tr '\n' ' ' <<<"$out" | head -c 160)"
	fi
	why=${fail#;; }
	if [ "$got" = "$expect" ]; then agree=$((agree + 1)); mark=same; else differ=$((differ + 1)); mark=DIFF; fi
	printf '%-4s %-45s expected %-13s delv %s%s\n' "$mark" "$name" "$expect" "$got" "${why:+ ($why)}"
done
echo "delv agrees on $agree, differs on $differ"
