#!/bin/bash
# memory.sh BUILD_DIR - the issue 16 measures of `daneprobe verify`, each
# from one run of this script (needs the lab up):
#
#   1. peak RSS of verify --from-file -j 64 (/usr/bin/time %M) at 1,000
#      domains (the latency lab's: each its own signed zone, MX host and
#      TLSA record; the bulk.dplab names when the lab was started without
#      them) and at BENCH_BIG (default 100,000) entries: the 1,000 domains,
#      then names that do not exist, in turn under each of those 1,000
#      zones (or under bulk.dplab): each a validated NXDOMAIN of a zone
#      whose keys the worker has most likely dropped (a query, the zone's
#      DS and DNSKEY when not kept, an NSEC proof, no SMTP).  Both
#      ask the quiet validating resolver 127.53.1.1.  Target: at most
#      32 MB, the two within 10%.
#   2. cold vs warm: the same 1,000 domains through the 50 ms delay proxy
#      127.53.2.5 in front of the validating resolver 127.53.1.8, which
#      asks the authoritative server through another 50 ms proxy: first
#      right after that resolver's cache was flushed (every lookup pays
#      the authoritative round trips), then again.  Target: cold at most
#      2x warm.
#   3. start-up: `daneprobe --help` (hyperfine) and the shared libraries
#      it loads (LD_DEBUG=libs).
#
# Each line prints the load average: the machine is shared.
set -u
BUILD=${1:?usage: memory.sh BUILD_DIR}
DP=$(cd "$BUILD" && pwd)/daneprobe
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=${DPLAB:-$HERE/../lab/lab}
D=${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}
ANCHORS=$D/root.anchors
BIG=${BENCH_BIG:-100000}
J=${BENCH_VERIFY_J:-64}
TMP=$(mktemp -d /tmp/bench_mem.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
inlab() { "$LAB" exec "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
pass() { python3 -c "import sys; print('met' if eval(sys.argv[1]) else 'MISSED')" "$1"; }

[ -r "$ANCHORS" ] || { echo "bench memory: lab anchors missing (tests/lab/lab up)" >&2; exit 3; }
LATLIST=$D/latency-domains.txt
if [ -r "$LATLIST" ] && [ "$(wc -l <"$LATLIST")" -ge 1000 ]; then
	head -n 1000 "$LATLIST" >"$TMP/l1k"
	nxzones=$(tr '\n' ' ' <"$TMP/l1k") what="latency-lab domains"
else
	python3 -c "print('\n'.join('d%04d.bulk.dplab' % i for i in range(1000)))" >"$TMP/l1k"
	nxzones=bulk.dplab what="bulk.dplab domains (no latency lab)"
fi
# The rest of the big list: names that do not exist, taken in turn under
# each zone of the 1,000 (or under bulk.dplab), so that every worker keeps
# meeting zones whose keys it has not kept.
python3 -c "
import sys
n, zones = int(sys.argv[1]), sys.argv[2].split()
for i in range(n - 1000):
    print('nx%07d.%s' % (i, zones[i % len(zones)]))" "$BIG" "$nxzones" | cat "$TMP/l1k" - >"$TMP/lbig"

# run LIST RESOLVER -> "seconds kB" of one verify run
run() {
	inlab /usr/bin/time -f "%e %M" -o "$TMP/time" "$DP" --anchors "$ANCHORS" --resolver "$2" \
		verify --from-file "$1" -j "$J" --format json >"$TMP/out" 2>/dev/null
	tail -n 1 "$TMP/time"
}
run "$TMP/l1k" 127.53.1.1 >/dev/null       # the lab resolver's cache warm for both
read -r s1 k1 < <(run "$TMP/l1k" 127.53.1.1)
n1=$(grep -c '"dane-success"' "$TMP/out")
read -r sb kb < <(run "$TMP/lbig" 127.53.1.1)
nb=$(wc -l <"$TMP/out")
m1=$(python3 -c "print('%.1f' % ($k1 / 1024))") mb=$(python3 -c "print('%.1f' % ($kb / 1024))")
echo "peak RSS, 1,000 $what -j $J: $m1 MB in $s1 s ($n1 DANE successes) (target <= 32 MB: $(pass "$m1 <= 32")) [load $(load)]"
echo "peak RSS, $BIG entries -j $J: $mb MB in $sb s ($nb JSON lines) (target <= 32 MB: $(pass "$mb <= 32"))"
echo "RSS $BIG vs 1,000: $(python3 -c "print('%.2f' % ($kb / $k1))")x (target within 10%: $(pass "abs($kb / $k1 - 1) <= 0.10")) [load $(load)]"

# cold vs warm through the delay proxy
if inlab unbound-control -c "$D/unbound-8.conf" reload >/dev/null 2>&1; then
	read -r sc _ < <(run "$TMP/l1k" 127.53.2.5)
	read -r sw _ < <(run "$TMP/l1k" 127.53.2.5)
	echo "cold vs warm, 1,000 domains, 50 ms on both sides of the resolver: $sc s vs $sw s = $(python3 -c "print('%.2f' % ($sc / $sw))")x (target <= 2x: $(pass "$sc / $sw <= 2")) [load $(load)]"
else
	echo "cold vs warm: could not flush the lab resolver (unbound-control)"
fi

# start-up
nlib=$(LD_DEBUG=libs "$DP" --help 2>&1 >/dev/null | grep -c 'calling init:')
if command -v hyperfine >/dev/null; then
	hyperfine -N -w 5 -r 50 --export-json "$TMP/h.json" "$DP --help" >/dev/null 2>&1
	ms=$(python3 -c "import json; print('%.2f' % (json.load(open('$TMP/h.json'))['results'][0]['mean'] * 1000))")
	echo "start-up, daneprobe --help: $ms ms, $nlib shared libraries initialised [load $(load)]"
else
	echo "start-up: $nlib shared libraries initialised (hyperfine missing)"
fi
