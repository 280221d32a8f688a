#!/bin/bash
# tests/adversarial/run.sh [BUILD_DIR] [SCENARIO...]
#
# Replay each scenario of tests/adversarial/scenarios/ (or the ones given)
# to `daneprobe lookup`: start the replayer on 127.0.0.1 and a free port,
# ask the scenario's question with its trust anchor and time, and compare
# the verdict (and the reason substring and EDE when the scenario names
# them).  Needs no lab.  Prints "ok - ..." / "FAIL - ..." per scenario,
# checks that every attack's twin is in the run, and ends with
# "N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
case $build in /*) ;; *) build=$top/$build ;; esac
dp=$build/daneprobe
replay=$build/adversarial/replay
pass=0 fail=0
tmp=$(mktemp -d /tmp/dp-adversarial.XXXXXX)
rpid=
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }

# The replayer, built with the project's pkg-config flags and warnings.
mkdir -p "$build/adversarial"
if [ ! -x "$replay" ] || [ -n "$(find "$here" -maxdepth 1 -name '*.[ch]' -newer "$replay")" ]; then
	if ! cc -O2 -g -std=c11 -D_GNU_SOURCE -I"$top" -Wall -Wextra -Wstrict-prototypes \
		-Wmissing-prototypes -Wshadow -Werror $(pkg-config --cflags ldns) \
		-o "$replay" "$here/replay.c" "$here/scenario.c" $(pkg-config --libs ldns); then
		bad "the replayer does not build"
		echo "$pass passed, $fail failed"
		exit 1
	fi
fi
[ -x "$dp" ] || { bad "no daneprobe at $dp"; echo "$pass passed, $fail failed"; exit 1; }


# The header of a scenario (everything before its first "query" line),
# read by the shell itself: the machine is shared, and forks cost.
read_header() {
	local k v
	name= expect= reason= ede= question= now= twin=
	: > "$tmp/anchors"
	while IFS= read -r line; do
		k=${line%% *}
		v=${line#* }
		case $k in
		query) break ;;
		name) name=$v ;;
		expect) expect=$v ;;
		reason) reason=$v ;;
		ede) ede=$v ;;
		question) question=$v ;;
		now) now=$v ;;
		twin) twin=$v ;;
		anchor) printf '%s\n' "$v" >> "$tmp/anchors" ;;
		esac
	done < "$1"
}

run_one() {
	local f=$1 q t ready port out st got_reason got_ede
	read_header "$f"
	read -r q t <<<"$question"
	ready=$tmp/ready
	rm -f "$ready"
	"$replay" "$f" 127.0.0.1 0 "$ready" 2>"$tmp/replay.err" &
	rpid=$!
	for _ in {1..200}; do
		[ -s "$ready" ] && break
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$ready" ]; then
		bad "${name:-$f}: the replayer did not start (or the file does not parse): $(head -c 300 "$tmp/replay.err")"
		kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; rpid=
		return
	fi
	port=$(cat "$ready")
	out=$(timeout 60 "$dp" lookup "$q" "$t" --resolver "127.0.0.1:$port" \
		--anchors "$tmp/anchors" --now "$now" --timeout 5000 --format json 2>"$tmp/dp.err")
	kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; rpid=
	{ read -r st; read -r got_ede; IFS= read -r got_reason; } < <(jq -r \
		'.dnssec // "", (.ede // "none" | tostring), (.reason // "")' <<<"$out" 2>/dev/null)
	if [ -z "$st" ]; then
		bad "$name: no verdict from daneprobe: $(head -c 300 "$tmp/dp.err")"
	elif [ "$st" != "$expect" ]; then
		bad "$name: expected $expect, got $st ($got_reason)"
	elif [ -n "$reason" ] && [[ "$got_reason" != *"$reason"* ]]; then
		bad "$name: $st as expected, but the reason lacks '$reason': $got_reason"
	elif [ -n "$ede" ] && [ "$got_ede" != "$ede" ]; then
		bad "$name: $st as expected, but EDE $got_ede, not $ede ($got_reason)"
	else
		ok "$name: $st${got_reason:+ ($got_reason)}"
	fi
}

# The parser refuses broken files, naming the line (a replayer that
# answered from a half-read scenario would test nothing).
parser_rejects() {   # parser_rejects WHAT EXPECTED_ERROR TEXT
	printf '%b' "$3" > "$tmp/bad.scn"
	local err
	if "$replay" --check "$tmp/bad.scn" 2>"$tmp/bad.err"; then
		bad "parser accepts $1"
	elif err=$(cat "$tmp/bad.err"); [[ "$err" != *"$2"* ]]; then
		bad "parser rejects $1, but says: $err"
	else
		ok "parser rejects $1: ${err#*: }"
	fi
}
if [ $# -eq 0 ]; then
	hdr='name t\nrule r\nquestion a.example. A\nnow @0\nexpect secure\nanchor example. 1 IN DS 1 8 2 00\n'
	parser_rejects "a record outside a query block" "line 7: 'an' outside a query block" "${hdr}an a.example. 1 IN A 192.0.2.1\n"
	parser_rejects "a bad record" "line 8: bad record" "${hdr}query a.example. A\nan a.example. 1 IN A 300.0.2.1\n"
	parser_rejects "a relative name" "line 3: name 'a.example' must be absolute" "${hdr/a.example. A/a.example A}"
	parser_rejects "an unknown verdict" "line 5: expect must be" "${hdr/expect secure/expect fine}"
	parser_rejects "a missing anchor" "no 'anchor' line" "${hdr/anchor*/}"
	parser_rejects "a query recorded twice" "line 8: query a.example. A recorded twice" "${hdr}query a.example. A\nquery a.example. A\n"
	parser_rejects "an anchor that is no DS/DNSKEY" "line 7: an anchor is a DS or DNSKEY" "${hdr}anchor example. 1 IN A 192.0.2.1\n"
	parser_rejects "an unknown flag" "line 8: unknown flag 'xx'" "${hdr}query a.example. A\nflags qr xx\n"
	parser_rejects "a NUL byte" "NUL byte" "${hdr}\0"
fi

# The committed files are what the generator writes (up to the bytes of
# ECDSA signatures, which are random): nobody edited a scenario by hand,
# and the generator still builds.
if [ $# -eq 0 ]; then
	gen=$build/adversarial/gen
	mkdir -p "$tmp/gen/scenarios" "$tmp/gen/pending"
	if ! cc -O1 -g -std=c11 -D_GNU_SOURCE -I"$top" -Wall -Wextra -Wshadow -Werror \
		-DGEN_KEYDIR="\"$here/gen/keys\"" $(pkg-config --cflags ldns) -o "$gen" \
		"$here"/gen/*.c $(pkg-config --libs ldns) 2>"$tmp/gen.err"; then
		bad "the generator does not build: $(head -c 300 "$tmp/gen.err")"
	elif ! "$gen" "$tmp/gen/scenarios" "$tmp/gen/pending" >/dev/null 2>"$tmp/gen.err"; then
		bad "the generator fails: $(head -c 300 "$tmp/gen.err")"
	else
		strip_sigs() { sed -E 's/( RRSIG .*) [^ ]+$/\1/' "$1"; }
		differ=
		for d in scenarios pending; do
			for b in $( (cd "$here/$d" && ls -- *.scn; cd "$tmp/gen/$d" && ls -- *.scn) 2>/dev/null |
				    sort -u); do
				[ -e "$here/$d/$b" ] && [ -e "$tmp/gen/$d/$b" ] &&
					cmp -s <(strip_sigs "$here/$d/$b") <(strip_sigs "$tmp/gen/$d/$b") ||
					differ="$differ $d/$b"
			done
		done
		if [ -n "$differ" ]; then
			bad "these files differ from what gen/ writes (run gen/regen.sh):$differ"
		else
			ok "the committed scenarios are what gen/ writes"
		fi
	fi
fi

if [ $# -gt 0 ]; then
	files=("$@")
else
	files=("$here"/scenarios/*.scn)
fi
for f in "${files[@]}"; do
	[ -e "$f" ] || continue
	run_one "$f"
done

# Every attack names its twin, and the twin is in the corpus run too (or
# waits in pending/ for its validator fix, which is listed, not hidden).
if [ $# -eq 0 ]; then
	missing=
	for f in "$here"/scenarios/*.scn; do
		read_header "$f"
		[ -z "$twin" ] || [ -e "$here/scenarios/$twin.scn" ] ||
			[ -e "$here/pending/$twin.scn" ] || missing="$missing $name->$twin"
	done
	for f in "$here"/pending/*.scn; do
		[ -e "$f" ] && echo "# pending (not run): $(basename "$f" .scn)"
	done
	if [ -n "$missing" ]; then
		bad "attacks whose twin is not in the run:$missing"
	else
		ok "every attack's twin is in the run"
	fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
