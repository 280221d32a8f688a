#!/bin/bash
# test_lookup.sh [DANEPROBE] - `daneprobe lookup` against the lab (run with
# the lab up: tests/lab/lab up).  DANEPROBE defaults to ./daneprobe.
#
# For every row of tests/lab/names.tsv (name type status rcode note):
#   - lookup through the non-validating resolver 127.53.1.2 (which passes
#     the DNSSEC records) gives the row's status and rcode;
#   - the same verdict as the lab's validating unbound 127.53.1.1, asked
#     with CD=0: SERVFAIL = bogus, AD = secure, neither = insecure;
#   - through the RRSIG-stripping dnsmasq 127.53.1.4 a signed name (status
#     secure) is bogus, with a reason naming the missing RRSIG;
#   - through the AD-clearing dnsmasq 127.53.1.3 (which passes RRSIGs) a
#     signed name is still secure: daneprobe does not need the AD bit.
# Exit codes are checked too (0 secure/insecure, 2 bogus).  Prints ok/FAIL
# lines and ends with exactly "N passed, M failed"; exits nonzero on failure.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_lookup "${1:-./daneprobe}"
TSV=${NAMES_TSV:-$HERE/../lab/names.tsv}
PLAIN=127.53.1.2 VALIDATOR=127.53.1.1 STRIPPER=127.53.1.4 ADCLEAR=127.53.1.3
[ -r "$TSV" ] || { bad "manifest $TSV missing"; finish; }

# jfield FILE KEY: a string (or null) value of the JSON object (compact
# or indented).
jfield() {
	sed -n 's/.*"'"$2"'": *\("\(\([^"\\]\|\\.\)*\)"\|null\).*/\2/p' "$1" | head -1
}

# lookup RESOLVER NAME TYPE OUT: JSON in OUT; sets $lrc $st $rc $reason.
lookup() {
	inlab "$DP" --anchors "$ANCHORS" --timeout 2000 lookup --resolver "$1" "$2" "$3" \
		--format json >"$4" 2>"$4.err"
	lrc=$?
	st=$(jfield "$4" dnssec); rc=$(jfield "$4" rcode); reason=$(jfield "$4" reason)
	[ -n "$st" ] || st="no-json($(head -c 200 "$4.err"))"
}

# unbound's verdict through the validating resolver (CD=0) -> $uv $urc.
unbound_verdict() {
	inlab dig +dnssec +time=3 +tries=2 @"$VALIDATOR" "$1" "$2" >"$3" 2>&1
	local flags
	urc=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' "$3" | head -1)
	flags=$(sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p' "$3" | head -1)
	if [ -z "$urc" ]; then uv=noanswer
	elif [ "$urc" = SERVFAIL ]; then uv=bogus
	elif [[ " $flags " == *" ad "* ]]; then uv=secure
	else uv=insecure
	fi
}

want_exit() {   # status -> exit code
	case $1 in secure|insecure) echo 0 ;; bogus) echo 2 ;; *) echo 3 ;; esac
}

# One manifest row; prints its ok/FAIL lines.
check_row() {   # N name type status rcode note
	local n=$1 name=$2 type=$3 status=$4 rcode=$5 note=$6 what="$2/$3" mine
	local f=$TMP/r$n

	lookup "$PLAIN" "$name" "$type" "$f.json"
	if [ "$st" = "$status" ] && [ "$rc" = "$rcode" ] && [ "$lrc" = "$(want_exit "$status")" ]; then
		echo "ok - $what via $PLAIN: $st $rc${reason:+ ($reason)}"
	else
		echo "FAIL - $what via $PLAIN: got $st $rc exit $lrc (${reason:-}), manifest says $status $rcode ($note)"
	fi
	mine=$st

	unbound_verdict "$name" "$type" "$f.dig"
	if [ "$uv" = "$mine" ]; then
		echo "ok - $what agrees with unbound $VALIDATOR: $uv ($urc)"
	else
		echo "FAIL - $what: daneprobe says $mine, unbound $VALIDATOR says $uv ($urc)"
	fi

	[ "$status" = secure ] || return 0
	lookup "$STRIPPER" "$name" "$type" "$f.json"
	if [ "$st" = bogus ] && [[ "$reason" == *"RRSIG missing for "* ]] && [ "$lrc" = 2 ]; then
		echo "ok - $what via stripping $STRIPPER: bogus ($reason)"
	else
		echo "FAIL - $what via stripping $STRIPPER: got $st exit $lrc (${reason:-}), want bogus naming the missing RRSIG"
	fi
	lookup "$ADCLEAR" "$name" "$type" "$f.json"
	if [ "$st" = secure ] && [ "$lrc" = 0 ]; then
		echo "ok - $what via AD-clearing $ADCLEAR: secure"
	else
		echo "FAIL - $what via AD-clearing $ADCLEAR: got $st exit $lrc (${reason:-}), want secure"
	fi
}

# Rows run JOBS at a time; their lines are printed in manifest order.
JOBS=${JOBS:-4}
rows=0 running=0
while IFS=$'\t' read -r name type status rcode note; do
	case $name in ''|'#'*) continue ;; esac
	rows=$((rows + 1))
	check_row "$rows" "$name" "$type" "$status" "$rcode" "${note:-}" >"$TMP/out.$rows" 2>&1 &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done <"$TSV"
wait
[ "$rows" -gt 0 ] || bad "manifest $TSV has no rows"
for i in $(seq 1 "$rows"); do
	while IFS= read -r line; do
		echo "$line"
		case $line in ok*) pass=$((pass + 1)) ;; FAIL*) fail=$((fail + 1)) ;; esac
	done <"$TMP/out.$i"
done

# The text output and --trace, once.
inlab "$DP" --anchors "$ANCHORS" lookup --resolver "$PLAIN" www.h.dplab A --trace >"$TMP/text" 2>&1
if grep -q '^;; query www.h.dplab/A @127.53.1.2 udp: NOERROR [0-9]* answers* ([0-9]* ms)' "$TMP/text" &&
   grep -q '^;; DNSKEY . secure (DS ' "$TMP/text" &&
   grep -q '^; fully validated$' "$TMP/text"; then
	ok "text output with --trace"
else
	bad "text output with --trace: $(tr '\n' '|' <"$TMP/text")"
fi
inlab "$DP" --anchors "$ANCHORS" lookup --resolver "$PLAIN" bogus.h.dplab A >"$TMP/text" 2>&1
if grep -q '^; bogus: bogus.h.dplab/A: ' "$TMP/text"; then
	ok "text output for a bogus name"
else
	bad "text output for a bogus name: $(tr '\n' '|' <"$TMP/text")"
fi

# A resolver where nothing listens: indeterminate, exit 3, within the timeout.
t0=$(date +%s%N)
inlab "$DP" --anchors "$ANCHORS" --timeout 500 lookup --resolver 127.53.1.7 www.h.dplab A \
	--format json >"$TMP/out" 2>"$TMP/err"
lrc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$lrc" = 3 ] && grep -q '"dnssec": "indeterminate"' "$TMP/out" && grep -q '"status": "unknown"' "$TMP/out" && [ "$ms" -lt 3000 ]; then
	ok "dead resolver: indeterminate, exit 3, ${ms} ms"
else
	bad "dead resolver: exit $lrc after ${ms} ms: $(cat "$TMP/out")"
fi

# Usage errors exit 3.
"$DP" lookup >/dev/null 2>&1; lrc=$?
[ "$lrc" = 3 ] && ok "no NAME: exit 3" || bad "no NAME: exit $lrc"
"$DP" lookup www.h.dplab NOSUCHTYPE --resolver 127.0.0.1 >/dev/null 2>&1; lrc=$?
[ "$lrc" = 3 ] && ok "bad TYPE: exit 3" || bad "bad TYPE: exit $lrc"
"$DP" lookup --help | grep -q '^usage: daneprobe lookup' && ok "lookup --help" || bad "lookup --help"

finish
