#!/bin/bash
# verify.sh BUILD_DIR - benchmarks of `daneprobe verify` in the lab (SPEC
# section 9), reported as ratios measured in one run:
#
#   1. one lab domain: daneprobe verify vs posttls-finger -l dane
#      (hyperfine, both inside the lab namespace; target: within 1.2x);
#   2. N lab domains (default 1,000) with -j 64 vs a sequential
#      posttls-finger loop (target: at least 20x faster), and the peak RSS
#      of that run (/usr/bin/time; target: at most 64 MB).
#
# The N domains are d0000.bulk.dplab ... when the lab serves the bulk zone
# (1,000 names "dNNNN.bulk.dplab. MX 10 mx-ok.h.dplab." in a signed zone);
# otherwise the lab's DANE-success domains repeated to N entries (said in
# the output).  The posttls-finger loop runs over BENCH_PF_N domains
# (default 100) and is scaled linearly to N, since it is sequential.
#
# Needs the lab up (tests/lab/lab up).  Environment: BENCH_VERIFY_N,
# BENCH_VERIFY_J, BENCH_PF_N, BENCH_RUNS.
set -u
BUILD=${1:?usage: verify.sh BUILD_DIR}
DP=$(cd "$BUILD" && pwd)/daneprobe
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=${DPLAB:-$HERE/../lab/lab}
ANCHORS=${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}/root.anchors
N=${BENCH_VERIFY_N:-1000}
J=${BENCH_VERIFY_J:-64}
PF_N=${BENCH_PF_N:-100}
RUNS=${BENCH_RUNS:-20}
RES=127.53.1.1
TMP=$(mktemp -d /tmp/bench_verify.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
inlab() { "$LAB" exec "$@"; }

[ -x "$DP" ] || { echo "bench verify: $DP not built" >&2; exit 3; }
[ -r "$ANCHORS" ] || { echo "bench verify: lab anchors missing (tests/lab/lab up)" >&2; exit 3; }
command -v hyperfine >/dev/null || { echo "bench verify: hyperfine missing" >&2; exit 3; }

# ---- 1. one domain
inlab hyperfine -N -w 3 -r "$RUNS" --export-json "$TMP/one.json" \
	"$DP --anchors $ANCHORS --resolver $RES verify sss-ok.dplab" \
	"posttls-finger -t 5 -l dane -c sss-ok.dplab" >"$TMP/one.txt" 2>&1
if [ -s "$TMP/one.json" ]; then
	read -r one_dp one_pf one_ratio < <(python3 - "$TMP/one.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
dp, pf = r[0]["mean"] * 1000, r[1]["mean"] * 1000
print("%.1f %.1f %.2f" % (dp, pf, dp / pf))
EOF
	)
	verdict1=$(python3 -c "print('met' if $one_ratio <= 1.2 else 'MISSED')")
	echo "verify one domain (sss-ok.dplab): daneprobe ${one_dp} ms, posttls-finger ${one_pf} ms, ratio ${one_ratio}x (target <= 1.2x: $verdict1)"
else
	echo "verify one domain: hyperfine failed: $(tail -3 "$TMP/one.txt" | tr '\n' ' ')"
fi

# ---- 2. N domains
if inlab "$DP" --anchors "$ANCHORS" --resolver $RES lookup d0000.bulk.dplab MX --format json 2>/dev/null |
	python3 -c 'import json,sys; o=json.load(sys.stdin); sys.exit(0 if o.get("records") else 1)'; then
	python3 -c "print('\n'.join('d%04d.bulk.dplab' % i for i in range($N)))" >"$TMP/list"
	what="$N names of the lab's bulk zone"
else
	good="sss-ok.dplab cname-host.dplab cname-dom.dplab cname-tlsa.dplab dual.dplab ta.dplab ta-spki.dplab nomx.dplab multi-addr.dplab aaaa-bogus.dplab"
	python3 -c "import sys; g=sys.argv[1].split(); print('\n'.join(g[i % len(g)] for i in range($N)))" "$good" >"$TMP/list"
	what="$N entries cycling over 10 DANE-success lab domains (the lab has no bulk.dplab zone yet)"
fi
echo "bulk run: $what, -j $J"

# Warm the lab resolver's cache first: the sequential posttls-finger loop
# below runs after us and would otherwise be measured on a warm cache
# while we paid for every cold recursion.
inlab "$DP" --anchors "$ANCHORS" --resolver $RES verify --from-file "$TMP/list" -j "$J" \
	--format json >/dev/null 2>&1 || true

inlab /usr/bin/time -f "%e %M" -o "$TMP/time" \
	"$DP" --anchors "$ANCHORS" --resolver $RES verify --from-file "$TMP/list" -j "$J" --format json \
	>"$TMP/bulk.json" 2>"$TMP/bulk.err"
# /usr/bin/time puts "Command exited with non-zero status N" first when
# some domain failed; the numbers are on the last line.
read -r dp_wall dp_rss_kb < <(tail -n 1 "$TMP/time")
lines=$(wc -l <"$TMP/bulk.json")
summary=$(python3 - "$TMP/bulk.json" <<'EOF'
import json, sys, collections
c = collections.Counter()
for l in open(sys.argv[1]):
    try:
        c[json.loads(l)["verdict"]["mandatory"]] += 1
    except Exception:
        c["unparsable"] += 1
print(", ".join("%s %d" % kv for kv in sorted(c.items())))
EOF
)

head -n "$PF_N" "$TMP/list" >"$TMP/pflist"
pf_n=$(wc -l <"$TMP/pflist")
start=$(date +%s.%N)
inlab bash -c 'while read -r d; do posttls-finger -t 5 -l dane -c "$d" >/dev/null 2>&1; done' <"$TMP/pflist"
end=$(date +%s.%N)
read -r pf_total pf_scaled speedup rss_mb < <(python3 -c "
pf = $end - $start
scaled = pf / $pf_n * $N
print('%.2f %.1f %.1f %.1f' % (pf, scaled, scaled / max($dp_wall, 0.001), $dp_rss_kb / 1024))")
verdict2=$(python3 -c "print('met' if $speedup >= 20 else 'MISSED')")
verdict3=$(python3 -c "print('met' if $rss_mb <= 64 else 'MISSED')")
echo "verify $N domains -j $J: ${dp_wall} s wall, $lines JSON lines ($summary)"
echo "sequential posttls-finger: ${pf_total} s for $pf_n domains, ${pf_scaled} s scaled to $N"
echo "speedup ${speedup}x (target >= 20x: $verdict2)"
echo "peak RSS ${rss_mb} MB (target <= 64 MB: $verdict3)"
[ "$lines" -eq "$N" ] || { echo "bench verify: expected $N JSON lines, got $lines: $(head -c 300 "$TMP/bulk.err")"; exit 1; }
exit 0
