#!/bin/bash
# probe.sh BUILD_DIR - benchmark of SPEC section 9: the full probe battery
# against the four lab resolvers behind the 50 ms delay proxies
# (127.53.2.1-4).  Needs the lab up (tests/lab/lab up).
#
# Reports, from one run:
#   wall      wall-clock time of the concurrent probe (default -j)
#   chain     the longest chain of dependent round trips: the deepest
#             test's count of queries that had to wait for each other
#             (critical_path_queries in the JSON), times the delay
#   ratio     wall / chain (target <= 1.5: concurrent, not sequential)
#   seq       wall-clock time with -j 1, and seq / wall
set -u
BUILD=${1:-build}
DP=$BUILD/daneprobe
[ -x "$DP" ] || { echo "probe bench: $DP not found" >&2; exit 1; }
DP=$(cd "$(dirname "$DP")" && pwd)/$(basename "$DP")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=${DPLAB:-$HERE/../lab/lab}
ANCHORS=${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}/root.anchors
DELAY=${DPLAB_DELAY_MS:-50}
TMP=$(mktemp -d /tmp/bench_probe.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
[ -r "$ANCHORS" ] || { echo "probe bench: lab anchors $ANCHORS missing (is the lab up?)" >&2; exit 1; }

# shellcheck source=../integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
lab_probe_yaml 3000 full >"$TMP/names.yaml"
RES="127.53.2.1 127.53.2.2 127.53.2.3 127.53.2.4"

# The clock runs inside the namespace, around daneprobe alone: the lab's
# exec wrapper (a bash script) is not part of what is measured.
cat >"$TMP/timeit.py" <<'PY'
import subprocess, sys, time
out = open(sys.argv[1], "wb")
t = time.monotonic()
subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL)
print(int((time.monotonic() - t) * 1000))
PY
run() {   # OUT [ARGS...] -> prints wall ms
	local out=$1
	shift
	"$LAB" exec python3 "$TMP/timeit.py" "$out" "$DP" -c "$TMP/names.yaml" --anchors "$ANCHORS" \
		--format json probe "$@" $RES
}

# Warm the resolvers' caches, so every run measures the same work.
run "$TMP/warm.json" >/dev/null
# Best of three concurrent runs (the lab's proxies share two cores with
# us), one sequential run.
wall=999999
for _ in 1 2 3; do
	w=$(run "$TMP/par.json")
	[ -n "$w" ] || { echo "probe bench: the concurrent run failed (is the lab still up?)" >&2; exit 1; }
	[ "$w" -lt "$wall" ] && wall=$w
done
seq=$(run "$TMP/seq.json" -j 1)
[ -n "$seq" ] || { echo "probe bench: the -j 1 run failed (is the lab still up?)" >&2; exit 1; }
read -r depth classes <<<"$(python3 - "$TMP/par.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(d["critical_path_queries"], ",".join(f'{r["address"]}={r["class"]}' for r in d["resolvers"]))
PY
)"
chain=$((depth * DELAY))
python3 - "$wall" "$seq" "$chain" "$depth" "$DELAY" "$classes" <<'PY'
import sys
wall, seq, chain, depth, delay = map(int, sys.argv[1:6])
classes = sys.argv[6]
ratio = wall / chain if chain else float("inf")
print(f"probe: 4 resolvers behind {delay} ms delay proxies ({classes})")
print(f"probe: longest chain of dependent queries: {depth} x {delay} ms = {chain} ms")
print(f"probe: wall {wall} ms concurrent, ratio to the chain {ratio:.2f}x (target <= 1.5x): "
      + ("met" if ratio <= 1.5 else "MISSED"))
print(f"probe: wall {seq} ms with -j 1, sequential / concurrent = {seq / wall:.1f}x")
PY
