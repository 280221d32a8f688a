#!/bin/bash
# run.sh [-n COUNT] [-s SEED] [-j JOBS] [-k KIND,KIND...] [-o OUTDIR] [-d DANEPROBE]
#        [-q "NAME TYPE"]   (one lookup per round, with traces: reproduce a difference)
#        [-S]               (strict: the known bugs of FINDINGS.md fail the run too)
#        [-m NAMESFILE]     ("name type" lines; default names.txt, CI: names-ci.txt)
#
# Differential test of `daneprobe lookup` against a validating unbound, both
# behind a proxy that mutates the lab's answers (README.md).  Needs the lab
# up (tests/lab/lab up) with the same DPLAB_NS/DPLAB_DIR, and root (it adds
# two addresses in the lab namespace and starts two servers there, and
# stops them, by their pids, on every exit path).
#
# Prints the per-kind table (lookups, mutated, agree, explained, bug,
# unexplained) and exits 1 on any unexplained difference (with -S also on a
# known bug), 2 on a setup failure.  COUNT is the number of mutated lookups (default 300); the
# "none" baseline rounds come on top.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NS=${DPLAB_NS:-dplab}
D=${DPLAB_DIR:-/tmp/$NS}
DP=$HERE/../../build/daneprobe
COUNT=300 SEED=1 JOBS=3 KINDS="" OUT="" ONLY="" STRICT="" NAMES=$HERE/names.txt
# DIFF_NET: the /24 of the two addresses (another one lets two runs share a lab)
NET=${DIFF_NET:-127.53.7}
PROXY=$NET.1 ORACLE=$NET.2
# Debian's interpreter: python3-dnspython and python3-cryptography live there
# (tests/deps.sh), whatever python3 comes first in PATH.
PY=/usr/bin/python3

while getopts "n:s:j:k:o:d:q:m:Sh" o; do
	case $o in
	n) COUNT=$OPTARG ;; s) SEED=$OPTARG ;; j) JOBS=$OPTARG ;;
	k) KINDS=$OPTARG ;; o) OUT=$OPTARG ;; d) DP=$OPTARG ;; q) ONLY=$OPTARG ;; S) STRICT=--strict ;; m) NAMES=$OPTARG ;;
	*) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
DP=$(cd "$(dirname "$DP")" && pwd)/$(basename "$DP")

die() { echo "differential: $*" >&2; exit 2; }
[ -x "$DP" ] || die "daneprobe binary $DP not found (make first)"
ip netns list 2>/dev/null | grep -qw "^$NS" || die "lab namespace $NS is not up (tests/lab/lab up)"
[ -r "$D/root.anchors" ] && [ -d "$D/keys" ] || die "$D/root.anchors or $D/keys missing"
$PY -c 'import dns.message, cryptography' 2>/dev/null ||
	die "$PY lacks python3-dnspython or python3-cryptography (tests/deps.sh)"

W=$(mktemp -d /tmp/differential.XXXXXX)
[ -n "$OUT" ] || OUT=$W/out
inns() { ip netns exec "$NS" "$@"; }
added=() proxy_pid=""
cleanup() {
	[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
	[ -s "$W/oracle.pid" ] && kill "$(cat "$W/oracle.pid")" 2>/dev/null
	local a
	for a in "${added[@]}"; do inns ip addr del "$a/32" dev lo 2>/dev/null; done
	if [ "${KEEP:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

for a in $PROXY $ORACLE; do
	if ! inns ip -o addr show dev lo | grep -q " $a/"; then
		inns ip addr add "$a/32" dev lo || die "cannot add $a in $NS"
		added+=("$a")
	fi
done

# The proxy's pool: the names asked, and denials of random names in every
# signed zone (their NSEC/NSEC3 are what swap/inject mutations use).
{
	cat "$HERE/names.txt" "$NAMES"
	for z in . dplab. h.dplab. h3.dplab. alg7.dplab. alg8.dplab. alg13.dplab. alg15.dplab. \
		it0.dplab. it50.dplab. ds1.dplab. bulk.dplab.; do
		zz=${z#.}
		printf 'a0.%s A\nzz.%s A\nmm.%s TXT\n' "$zz" "$zz" "$zz"
	done
} >"$W/pool.txt"

ip netns exec "$NS" $PY "$HERE/proxy.py" --listen $PROXY --upstream 127.53.1.2 --keys "$D/keys" \
	--pool "$W/pool.txt" >"$W/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 100); do
	grep -q '^proxy:' "$W/proxy.log" && break
	kill -0 "$proxy_pid" 2>/dev/null || { cat "$W/proxy.log"; die "proxy died"; }
	sleep 0.2
done
grep '^proxy:' "$W/proxy.log" || die "proxy not ready after 20 s"

# The oracle: a validating unbound from the lab's root anchor, forwarding
# everything to the proxy.  No cache survives a lookup (cache-max-ttl 0) or
# a round (run.py reloads it), and no NSEC is reused for other names: not
# by RFC 8198 synthesis (aggressive-nsec no) and not by the validator's own
# negative cache (neg-cache-size 0), which unbound consults for DS questions
# whatever aggressive-nsec says.  Without it a mutated NSEC of another
# lookup running at the same time (mx-nt.h.dplab NSEC wzz.elsewhere.example.)
# made the oracle answer "_tcp.mx-ti.h.dplab DS" with a synthesised secure
# NXDOMAIN in about half of the runs.  So each verdict depends on that
# lookup's answers only.
cat >"$W/oracle.conf" <<EOF
server:
    interface: $ORACLE
    port: 53
    do-daemonize: yes
    pidfile: "$W/oracle.pid"
    directory: "$W"
    chroot: ""
    username: ""
    logfile: "$W/oracle.log"
    use-syslog: no
    verbosity: 1
    val-log-level: 2
    # RFC 4035 5.3.1 to the letter: no clock-skew allowance (unbound's
    # default accepts signatures up to 10% of their validity, 1 h to 1 d,
    # outside inception..expiration; daneprobe does not).
    val-sig-skew-min: 0
    val-sig-skew-max: 0
    log-servfail: yes
    ede: yes
    do-not-query-localhost: no
    access-control: 127.0.0.0/8 allow
    trust-anchor-file: "$D/root.anchors"
    module-config: "validator iterator"
    num-threads: 1
    cache-max-ttl: 0
    cache-max-negative-ttl: 0
    val-bogus-ttl: 0
    aggressive-nsec: no
    neg-cache-size: 0
    qname-minimisation: no
    prefetch: no
    infra-keep-probing: yes
remote-control:
    control-enable: yes
    control-interface: "$W/oracle.ctl"
    control-use-cert: no
forward-zone:
    name: "."
    forward-addr: $PROXY
EOF
inns unbound -c "$W/oracle.conf" || { cat "$W/oracle.log"; die "oracle unbound failed"; }

inns $PY "$HERE/run.py" -n "$COUNT" -s "$SEED" -j "$JOBS" ${KINDS:+--kinds "$KINDS"} \
	--names "$NAMES" --proxy $PROXY --oracle $ORACLE --oracle-conf "$W/oracle.conf" \
	--dp "$DP" --anchors "$D/root.anchors" --out "$OUT" --oracle-log "$W/oracle.log" \
	${ONLY:+--only "$ONLY"} $STRICT
rc=$?
grep -q 'mutation error' "$OUT/results.jsonl" 2>/dev/null && echo "note: the proxy logged mutation errors (see results.jsonl)"
exit $rc
