#!/bin/bash
# verify.sh BUILD_DIR - benchmarks of `daneprobe verify` in the lab (SPEC
# section 9), reported as ratios measured in one run, each with its
# target beside it:
#
#   1. one lab domain: daneprobe verify vs posttls-finger -l dane
#      (hyperfine, both inside the lab namespace; target: within 1.0x);
#   2. N lab domains (default 1,000) with -j 64 vs a sequential
#      posttls-finger loop (target: at least 50x faster) and vs
#      daneprobe -j 1 (target: at least 45x); CPU per domain against
#      posttls-finger's (target: at most half); the peak RSS of the -j 64
#      run (/usr/bin/time; target: at most 32 MB).
#
# The N domains are the latency lab's (tests/lab/lab up with
# DPLAB_LATENCY_DOMAINS >= N; run.sh asks for 1,000): each domain its own
# signed zone under z0/z1 of the TLDs lat1./lat2., its own MX host and
# TLSA record (3 1 1, 3 0 1, 3 1 2 or 2 0 1), the MX addresses four SMTP
# delay proxies (DPLAB_DELAY_MS, 50 ms) in front of postfix listeners with
# RSA-2048, RSA-3072, P-256 and P-384 keys.  Without them, the bulk.dplab
# names (one SMTP server, no SMTP delay; said in the output).  The
# posttls-finger loop and the -j 1 run go over BENCH_PF_N domains (default
# 100) and are scaled linearly to N, since they are sequential.  The
# one-domain test asks the lab's validating resolver 127.53.1.1 directly
# (the quiet lab); the bulk runs ask BENCH_VERIFY_RES, by default
# 127.53.2.5: a 50 ms DNS delay proxy in front of the validating resolver
# 127.53.1.8, which itself reaches the authoritative server through a
# 50 ms proxy (latency on both sides, as on a real path); posttls-finger
# asks the same resolver (its own resolv.conf, bind-mounted in a private
# mount namespace).
#
# Needs the lab up (tests/lab/lab up).  Environment: BENCH_VERIFY_N,
# BENCH_VERIFY_J, BENCH_PF_N, BENCH_RUNS, BENCH_VERIFY_RES.
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
BULK_RES=${BENCH_VERIFY_RES:-127.53.2.5}
TMP=$(mktemp -d /tmp/bench_verify.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
printf 'nameserver %s\noptions trust-ad\n' "$BULK_RES" >"$TMP/resolv.conf"
inlab() { "$LAB" exec "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

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
	verdict1=$(python3 -c "print('met' if $one_ratio <= 1.0 else 'MISSED')")
	echo "verify one domain (sss-ok.dplab): daneprobe ${one_dp} ms, posttls-finger ${one_pf} ms, ratio ${one_ratio}x (target <= 1.0x: $verdict1) [load $(load)]"
else
	echo "verify one domain: hyperfine failed: $(tail -3 "$TMP/one.txt" | tr '\n' ' ')"
fi

# ---- 2. N domains
LATLIST=${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}/latency-domains.txt
if [ -r "$LATLIST" ] && [ "$(wc -l <"$LATLIST")" -ge "$N" ]; then
	head -n "$N" "$LATLIST" >"$TMP/list"
	what="$N latency-lab domains (own zones, own MX hosts and TLSA records, SMTP behind 50 ms delay proxies)"
elif inlab "$DP" --anchors "$ANCHORS" --resolver $RES lookup d0000.bulk.dplab MX --format json 2>/dev/null |
	python3 -c 'import json,sys; o=json.load(sys.stdin); sys.exit(0 if o.get("records") else 1)'; then
	python3 -c "print('\n'.join('d%04d.bulk.dplab' % i for i in range($N)))" >"$TMP/list"
	what="$N names of the lab's bulk zone (no latency lab: one SMTP server, SMTP not delayed)"
else
	good="sss-ok.dplab cname-host.dplab cname-dom.dplab cname-tlsa.dplab dual.dplab ta.dplab ta-spki.dplab nomx.dplab multi-addr.dplab aaaa-bogus.dplab"
	python3 -c "import sys; g=sys.argv[1].split(); print('\n'.join(g[i % len(g)] for i in range($N)))" "$good" >"$TMP/list"
	what="$N entries cycling over 10 DANE-success lab domains (the lab has no latency or bulk zones)"
fi
echo "bulk run: $what, -j $J, resolver $BULK_RES"

# Warm the lab resolver's cache first: the sequential posttls-finger loop
# below runs after us and would otherwise be measured on a warm cache
# while we paid for every cold recursion.
inlab "$DP" --anchors "$ANCHORS" --resolver "$BULK_RES" verify --from-file "$TMP/list" -j "$J" \
	--format json >/dev/null 2>&1 || true

inlab /usr/bin/time -f "%e %M %U %S" -o "$TMP/time" \
	"$DP" --anchors "$ANCHORS" --resolver "$BULK_RES" verify --from-file "$TMP/list" -j "$J" --format json \
	>"$TMP/bulk.json" 2>"$TMP/bulk.err"
# /usr/bin/time puts "Command exited with non-zero status N" first when
# some domain failed; the numbers are on the last line.
read -r dp_wall dp_rss_kb dp_u dp_s < <(tail -n 1 "$TMP/time")
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
# the sequential loop, with its CPU (the shell's children included)
inlab /usr/bin/time -f "%e %U %S" -o "$TMP/pftime" unshare -m bash -c '
	mount --bind "$1" /etc/resolv.conf || exit 1
	while read -r d; do posttls-finger -t 5 -l dane -c "$d" >/dev/null 2>&1; done' pf "$TMP/resolv.conf" <"$TMP/pflist"
read -r pf_total pf_u pf_s < <(tail -n 1 "$TMP/pftime")
# daneprobe -j 1 over the same domains
inlab /usr/bin/time -f "%e" -o "$TMP/j1time" \
	"$DP" --anchors "$ANCHORS" --resolver "$BULK_RES" verify --from-file "$TMP/pflist" -j 1 --format json \
	>/dev/null 2>&1
j1_total=$(tail -n 1 "$TMP/j1time")
read -r pf_scaled speedup j1_scaled j1_ratio rss_mb cpu_dp cpu_pf cpu_ratio < <(python3 -c "
n, pfn = $N, $pf_n
scaled = $pf_total / pfn * n
j1 = $j1_total / pfn * n
wall = max($dp_wall, 0.001)
cdp = ($dp_u + $dp_s) / n * 1000
cpf = ($pf_u + $pf_s) / pfn * 1000
print('%.1f %.1f %.1f %.1f %.1f %.2f %.2f %.2f' % (scaled, scaled / wall, j1, j1 / wall,
      $dp_rss_kb / 1024, cdp, cpf, cdp / max(cpf, 0.001)))")
met() { python3 -c "import sys; print('met' if eval(sys.argv[1]) else 'MISSED')" "$1"; }
echo "verify $N domains -j $J: ${dp_wall} s wall, $lines JSON lines ($summary) [load $(load)]"
echo "sequential posttls-finger: ${pf_total} s for $pf_n domains, ${pf_scaled} s scaled to $N"
echo "daneprobe -j 1: ${j1_total} s for $pf_n domains, ${j1_scaled} s scaled to $N"
echo "speedup vs posttls-finger ${speedup}x (target >= 50x: $(met "$speedup >= 50"))"
echo "speedup vs -j 1 ${j1_ratio}x (target >= 45x: $(met "$j1_ratio >= 45"))"
echo "CPU per domain: daneprobe ${cpu_dp} ms, posttls-finger ${cpu_pf} ms, ratio ${cpu_ratio} (target <= 0.5: $(met "$cpu_ratio <= 0.5"))"
echo "peak RSS ${rss_mb} MB (target <= 32 MB: $(met "$rss_mb <= 32")) [load $(load)]"
[ "$lines" -eq "$N" ] || { echo "bench verify: expected $N JSON lines, got $lines: $(head -c 300 "$TMP/bulk.err")"; exit 1; }
exit 0
