#!/bin/bash
# test_resolvsrc.sh DANEPROBE - resolvers read from where a host really
# configures them (issue 14), each checked against the program that owns
# the syntax: systemd-analyze cat-config for resolved.conf's drop-in
# order, a real unbound (unbound-checkconf, then unbound-control
# list_forwards) for forward-zone ".", a real dnsmasq (--test, then the
# "using nameserver" lines it logs) for server=.  Also systemd-resolved's
# stub 127.0.0.53 (a dnsmasq forwarder to the validating unbound stands in
# for it inside the namespace: like resolved with DNSSEC=no it passes
# RRSIGs and sets no AD), and order --write on each kind of file.
# (run with the lab up)
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_resolvsrc "${1:-./daneprobe}"
NS=${DPLAB_NS:-dplab}
STUB=127.0.0.53 UB=127.53.8.1
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	[ -s "$TMP/ub.pid" ] && kill "$(cat "$TMP/ub.pid")" 2>/dev/null
	[ -s "$TMP/dm.pid" ] && kill "$(cat "$TMP/dm.pid")" 2>/dev/null
	[ -s "$TMP/stub.pid" ] && kill "$(cat "$TMP/stub.pid")" 2>/dev/null
	sleep 0.2
	ip netns exec "$NS" ip addr del "$STUB/32" dev lo 2>/dev/null
	ip netns exec "$NS" ip addr del "$UB/32" dev lo 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
lab_probe_yaml 1500 >"$TMP/names.yaml"
dp() { inlab "$DP" -c "$TMP/names.yaml" --anchors "$ANCHORS" "$@"; }
# json FILE EXPR: a value of a JSON document, for the checks below.
# servers_of JSONFILE: the addresses of its resolver_source, sorted.
servers_of() { json "$1" '" ".join(sorted(s["address"].replace(":53","") for s in d["resolver_source"]["servers"]))'; }
# poll CMD...: its output once it is not empty (a server just started).
poll() {
	local out=""
	for _ in $(seq 50); do
		out=$("$@" 2>/dev/null | sort | tr '\n' ' ')
		[ -n "$out" ] && break
		sleep 0.1
	done
	printf '%s' "$out"
}
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }

# ---- systemd-resolved: resolved.conf and drop-ins, as systemd reads them ----
R=$TMP/root
mkdir -p "$R/etc/systemd/resolved.conf.d" "$R/usr/lib/systemd/resolved.conf.d" "$R/run/systemd/resolved.conf.d"
cat >"$R/etc/systemd/resolved.conf" <<'EOF'
#  This file is part of systemd.
[Resolve]
# the AD-clearing forwarder first: wrong for an MTA that trusts AD
DNS = 127.53.1.3 127.53.1.1%lo#dns.lab
#DNS=192.0.2.99
;FallbackDNS=192.0.2.98
DNSSEC=no
EOF
# Drop-ins: /usr/lib's 10-vendor.conf adds 192.0.2.7, /run's 20-reset.conf
# resets FallbackDNS=, /etc's 30-fb.conf sets it again; a same-named
# /usr/lib/.../30-fb.conf is masked by /etc's.  Sorted by name: 10, 20, 30.
printf '[Resolve]\nFallbackDNS=192.0.2.7\n' >"$R/usr/lib/systemd/resolved.conf.d/10-vendor.conf"
printf '[Resolve]\nFallbackDNS=\n' >"$R/run/systemd/resolved.conf.d/20-reset.conf"
printf '[Resolve]\nFallbackDNS=127.53.1.2\n' >"$R/etc/systemd/resolved.conf.d/30-fb.conf"
printf '[Resolve]\nFallbackDNS=192.0.2.66\n' >"$R/usr/lib/systemd/resolved.conf.d/30-fb.conf"
RCONF=$R/etc/systemd/resolved.conf
if command -v systemd-analyze >/dev/null; then
	systemd-analyze --root="$R" cat-config systemd/resolved.conf 2>/dev/null | sed -n 's|^# '"$R"'||p' >"$TMP/sd-order"
	want_order=$(printf '%s\n' /etc/systemd/resolved.conf /usr/lib/systemd/resolved.conf.d/10-vendor.conf \
		/run/systemd/resolved.conf.d/20-reset.conf /etc/systemd/resolved.conf.d/30-fb.conf)
	[ "$(cat "$TMP/sd-order")" = "$want_order" ] && ok "systemd-analyze cat-config reads the files in the order daneprobe assumes" \
		|| bad "systemd-analyze cat-config order: $(tr '\n' ' ' <"$TMP/sd-order")"
else
	bad "systemd-analyze not installed (tests/deps.sh installs systemd)"
fi
dp --format json --resolvers-from "resolved:$RCONF" --client ad probe >"$TMP/rd.json" 2>"$TMP/rd.err"
got=$(json "$TMP/rd.json" '" ".join(s["address"]+"="+s["role"].split()[-1] for s in d["resolver_source"]["servers"])')
[ "$got" = "127.53.1.3=DNS= 127.53.1.1=DNS= 127.53.1.2=FallbackDNS=" ] \
	&& ok "resolved.conf: DNS= ('DNS = ...', %iface and #SNI dropped), then FallbackDNS= after the drop-ins' reset" \
	|| bad "resolved.conf servers: '$got' $(head -2 "$TMP/rd.err")"
[ "$(json "$TMP/rd.json" '" ".join(r["address"] for r in d["resolvers"])')" = "127.53.1.3 127.53.1.1 127.53.1.2" ] \
	&& ok "probe asks them in that order" || bad "probe order: $(json "$TMP/rd.json" '[r["address"] for r in d["resolvers"]]')"
cp "$RCONF" "$TMP/rconf.orig"
dp --resolvers-from "resolved:$RCONF" --client ad order --write >"$TMP/rw.out" 2>&1
rc=$?   # 1: the warning that no DANE-safe secondary remains
sed 's/^DNS = 127.53.1.3 127.53.1.1%lo#dns.lab$/DNS = 127.53.1.1%lo#dns.lab 127.53.1.3/' "$TMP/rconf.orig" >"$TMP/rconf.want"
if [ $rc = 1 ] && grep -q "daneprobe: wrote $RCONF (old version in $RCONF.bak)" "$TMP/rw.out" && cmp -s "$RCONF" "$TMP/rconf.want" && cmp -s "$RCONF.bak" "$TMP/rconf.orig" && [ ! -e "$RCONF.lock" ]; then
	ok "order --write --client ad on resolved.conf: the validating unbound first, every other byte kept, .bak the original, no .lock"
else
	bad "order --write resolved.conf: rc $rc, $(diff "$TMP/rconf.want" "$RCONF" | head -4) $(tail -2 "$TMP/rw.out")"
fi
# DNS= in two files: no single file to reorder.
cp "$TMP/rconf.orig" "$RCONF"
printf '[Resolve]\nDNS=127.53.1.2\n' >"$R/etc/systemd/resolved.conf.d/40-more.conf"
cp "$RCONF" "$TMP/rconf.2"
check "resolved.conf: DNS= in two files is refused, and says how to see them" 3 \
	"refusing to write: the DNS= servers are set in more than one file.*systemd-analyze cat-config" \
	dp --resolvers-from "resolved:$RCONF" --client ad order --write
cmp -s "$RCONF" "$TMP/rconf.2" && ok "... and nothing was written" || bad "resolved.conf changed although refused"
rm "$R/etc/systemd/resolved.conf.d/40-more.conf"

# ---- the stub: resolv.conf names 127.0.0.53 ----
ip netns exec "$NS" ip addr add "$STUB/32" dev lo 2>/dev/null
inlab dnsmasq --no-resolv --no-hosts --server=127.53.1.1 --bind-interfaces --cache-size=0 --port=53 \
	--user=root --group=root --listen-address=$STUB --pid-file="$TMP/stub.pid" --log-facility="$TMP/stub.log" \
	|| bad "cannot start the stand-in stub on $STUB"
printf '# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n' >"$TMP/stub-resolv.conf"
cp "$TMP/stub-resolv.conf" "$TMP/stub-resolv.orig"
export DANEPROBE_RESOLV_CONF=$TMP/stub-resolv.conf DANEPROBE_RESOLVED_CONF=$RCONF
dp --format json --client ad probe >"$TMP/stub.json" 2>"$TMP/stub.err"
got=$(json "$TMP/stub.json" '" ".join(r["address"] for r in d["resolvers"])')
[ "$got" = "127.0.0.53 127.53.1.3 127.53.1.1 127.53.1.2" ] && [ "$(json "$TMP/stub.json" 'd["resolver_source"]["stub"]')" = True ] \
	&& ok "resolv.conf with 127.0.0.53: the stub first, then the servers of resolved.conf behind it" \
	|| bad "stub resolvers: '$got' $(head -2 "$TMP/stub.err")"
v=$(json "$TMP/stub.json" '[(r["dane_safe"], r["reasons"][0] if r["reasons"] else "") for r in d["resolvers"] if r["address"] == "127.0.0.53"][0]')
printf "%s" "$v" | grep -q "False.*DANE is off" \
	&& ok "the stub that sets no AD is not DANE-safe for an AD-trusting MTA, whatever is behind it" || bad "stub verdict: $v"
json "$TMP/stub.json" 'd["resolver_source"]["note"]' | grep -q "systemd-resolved's stub.*DNSSEC=" \
	&& ok "the note explains the stub and names DNSSEC=" || bad "stub note: $(json "$TMP/stub.json" 'd["resolver_source"]')"
dp --client ad order --write >"$TMP/so.out" 2>&1
rc=$?
if [ $rc = 3 ] && grep -q "refusing to write: .*systemd-resolved's stub (127.0.0.53): the order that counts is DNS= in $RCONF; run daneprobe --resolvers-from resolved order --write" "$TMP/so.out" \
   && grep -qE "^ +0 +127\.53\.1\.1\b" "$TMP/so.out" && grep -qE "^  127\.0\.0\.53 +systemd-resolved stub$" "$TMP/so.out" && cmp -s "$TMP/stub-resolv.conf" "$TMP/stub-resolv.orig"; then
	ok "order through the stub ranks resolved.conf's DNS= servers; --write refuses resolv.conf and names the file and command"
else
	bad "order through the stub: rc $rc: $(grep -v '^ ' "$TMP/so.out" | tail -3)"
fi
# check through the stub: the stub is the primary the MTA asks (judged
# first), but the order it recommends is order's: resolved.conf's DNS=
# servers only, with the file and command that change it; the JSON says
# where the resolvers came from.
dp --format json --client ad check >"$TMP/sc.json" 2>"$TMP/sc.err"
got=$(json "$TMP/sc.json" '"%s|%s|%s|%s|%s" % (d["resolver_source"]["stub"], " ".join(r["address"] for r in d["order"]["current"]), " ".join(r["address"] for r in d["order"]["recommended"]), [p["severity"] for p in d["problems"] if p["id"] == "not-dane-safe 127.0.0.53"], [p["reason"] for p in d["problems"] if p["id"] == "order-changed"])')
printf '%s' "$got" | grep -qE "^True\|127\.53\.1\.3 127\.53\.1\.1\|127\.53\.1\.1 127\.53\.1\.3\|\['critical'\]\|.*recommended order: 127\.53\.1\.1, 127\.53\.1\.3 \(.*the order that counts is DNS= in $RCONF; run daneprobe --resolvers-from resolved order --write" \
	&& ok "check through the stub: the stub judged as primary, order ranks only resolved.conf's DNS= servers and names the file; resolver_source in the JSON" \
	|| bad "check through the stub: $got $(head -2 "$TMP/sc.err")"
COLUMNS=1000 dp --client ad check >"$TMP/sc.txt" 2>&1
grep -q "^resolvers from $TMP/stub-resolv.conf (resolv.conf), systemd-resolved's stub and the servers behind it" "$TMP/sc.txt" \
	&& ok "check's text names the resolver source and the stub" || bad "check text: no resolver source line"
unset DANEPROBE_RESOLV_CONF DANEPROBE_RESOLVED_CONF
dp --format json --resolver 127.53.1.1 check >"$TMP/cr.json" 2>&1
[ "$(json "$TMP/cr.json" 'd["resolver_source"]')" = None ] \
	&& ok "check with --resolver: resolver_source is null" || bad "check --resolver resolver_source: $(head -c 300 "$TMP/cr.json")"

# ---- unbound: forward-zone "." only, checked against a running unbound ----
ip netns exec "$NS" ip addr add "$UB/32" dev lo 2>/dev/null
cat >"$TMP/unbound.conf" <<EOF
server:
    interface: $UB
    port: 53
    chroot: ""
    username: ""
    directory: "$TMP"
    pidfile: "$TMP/ub.pid"
    logfile: "$TMP/ub.log"
    do-not-query-localhost: no
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
remote-control:
    control-enable: yes
    control-interface: "$TMP/ub.ctl"
forward-zone:
    name: "corp.example."
    forward-addr: 127.53.1.4
forward-zone:
    name: "."   # everything else
    forward-addr: 127.53.1.3@53    # the AD-clearing dnsmasq
    forward-addr: "127.53.1.1"
    # forward-addr: 127.53.1.6
    forward-host: resolver.example
EOF
if unbound-checkconf "$TMP/unbound.conf" >"$TMP/ucc.out" 2>&1; then ok "unbound-checkconf accepts the test unbound.conf"
else bad "unbound-checkconf: $(cat "$TMP/ucc.out")"; fi
dp --format json --resolvers-from "unbound:$TMP/unbound.conf" --client ad order >"$TMP/ub.json" 2>"$TMP/ub.err"
ours=$(servers_of "$TMP/ub.json")
inlab unbound -c "$TMP/unbound.conf" >"$TMP/ubstart.out" 2>&1 || bad "unbound did not start: $(cat "$TMP/ubstart.out" "$TMP/ub.log" 2>/dev/null | tail -2)"
ub_forwards() {
	inlab unbound-control -c "$TMP/unbound.conf" list_forwards | awk '$1 == "." { for (i = 4; i <= NF; i++) if ($i ~ /^[0-9.]+$|:/) print $i }'
}
theirs=$(poll ub_forwards)
[ -n "$ours" ] && [ "$ours " = "$theirs" ] \
	&& ok "unbound forward-zone \".\": daneprobe reads the addresses unbound-control list_forwards shows ($ours; forward-host names left out, as the note says)" \
	|| bad "unbound forwards: daneprobe '$ours', unbound '$theirs' $(head -2 "$TMP/ub.err")"
dp --resolvers-from "unbound:$TMP/unbound.conf" --client ad order --write >"$TMP/ubw.out" 2>&1
rc=$?
[ $rc = 3 ] && grep -q "refusing to write: unbound does not ask forward-addr servers in the order written.*$TMP/unbound.conf" "$TMP/ubw.out" \
	&& grep -q "note: unbound picks among the forward-addr servers" "$TMP/ubw.out" \
	&& ok "order --write on unbound.conf refuses: unbound picks forwarders by round-trip time; remove the unsafe ones" \
	|| bad "order --write unbound: rc $rc $(tail -2 "$TMP/ubw.out")"

# ---- dnsmasq: server= without /domain/, checked against a running dnsmasq ----
cat >"$TMP/dnsmasq.conf" <<EOF
# test
no-resolv
no-hosts
server=127.53.1.2
server=/corp.example/127.53.1.4
server = 127.53.1.5#53  # the permissive one
#server=127.53.1.6
server=127.53.1.1@lo
listen-address=$UB
port=5353
bind-interfaces
pid-file=$TMP/dm.pid
log-facility=$TMP/dm.log
user=root
group=root
EOF
if dnsmasq --test -C "$TMP/dnsmasq.conf" >"$TMP/dmt.out" 2>&1; then ok "dnsmasq --test accepts the test dnsmasq.conf"
else bad "dnsmasq --test: $(cat "$TMP/dmt.out")"; fi
dp --format json --resolvers-from "dnsmasq:$TMP/dnsmasq.conf" --client ad probe >"$TMP/dm.json" 2>"$TMP/dm.err"
ours=$(servers_of "$TMP/dm.json")
inlab dnsmasq -C "$TMP/dnsmasq.conf" >"$TMP/dmstart.out" 2>&1 || bad "dnsmasq did not start: $(cat "$TMP/dmstart.out")"
theirs=$(poll sed -nE 's/.*using nameserver ([0-9.]+)#53(\(via [a-z0-9]+\))?$/\1/p' "$TMP/dm.log")
[ -n "$ours" ] && [ "$ours " = "$theirs" ] \
	&& ok "dnsmasq server=: daneprobe reads the servers dnsmasq says it uses for all names ($ours)" \
	|| bad "dnsmasq servers: daneprobe '$ours', dnsmasq '$theirs' $(head -2 "$TMP/dm.err")"
v=$(json "$TMP/dm.json" '[(r["dane_safe"], r["reasons"][0] if r["reasons"] else "") for r in d["resolvers"] if r["address"].startswith("127.53.1.5")][0]')
printf '%s' "$v" | grep -q "False.*permissive" && ok "the permissive server behind dnsmasq is named as not DANE-safe" || bad "dnsmasq permissive: $v"
check "order --write on dnsmasq.conf refuses and says why the order does not count" 3 \
	"refusing to write: daneprobe does not rewrite dnsmasq configurations: without strict-order the order does not count" \
	dp --resolvers-from "dnsmasq:$TMP/dnsmasq.conf" --client ad order --write

# ---- resolv.conf: options rotate; a bad source ----
printf 'nameserver 127.53.1.1\nnameserver 127.53.1.2\noptions rotate timeout:1\n' >"$TMP/rot.conf"
check "resolv.conf with options rotate: the note says every nameserver must be DANE-safe" 0 \
	'note: .*options rotate.*every one of them must be DANE-safe' \
	dp --resolvers-from "resolv.conf:$TMP/rot.conf" order
check "--resolvers-from with an unknown kind" 3 "'bind:/etc/named.conf' is not a resolver source: use resolv.conf, resolved, unbound or dnsmasq" \
	dp --resolvers-from bind:/etc/named.conf probe
check "--resolvers-from a file without servers" 3 "names no resolver \\(no forward-addr in a forward-zone named" \
	dp --resolvers-from "unbound:$TMP/ucc.out" probe
finish
