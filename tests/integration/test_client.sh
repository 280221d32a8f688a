#!/bin/bash
# test_client.sh DANEPROBE - client models (issue 14): the lab resolvers
# judged for a client that validates itself (local) and for one that
# trusts the AD bit (ad, and the postfix preset); the reasons; order
# under both; and a validating resolver on a non-loopback address
# (192.0.2.53, TEST-NET-1, added inside the lab namespace only, with a
# forwarder to the validating unbound) that is a warning unless the
# config marks its path trusted.  (run with the lab up)
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_client "${1:-./daneprobe}"
NS=${DPLAB_NS:-dplab}
FAR=192.0.2.53

# A second listener for the validating unbound on a non-loopback address,
# inside the namespace (the lab has only 127.x addresses).
ip netns exec "$NS" ip addr add "$FAR/32" dev lo 2>/dev/null
ip netns exec "$NS" setsid python3 "$HERE/../lab/delayproxy.py" --listen "$FAR" \
	--upstream 127.53.1.1 --delay-ms 0 >"$TMP/proxy.log" 2>&1 </dev/null &
PROXY=$!
cleanup() {
	kill "$PROXY" 2>/dev/null; wait "$PROXY" 2>/dev/null
	ip netns exec "$NS" ip addr del "$FAR/32" dev lo 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
for _ in $(seq 50); do
	ip netns exec "$NS" ss -lunH "src $FAR and sport = :53" 2>/dev/null | grep -q . && break
	sleep 0.1
done

{
	echo "resolvers:"
	n=0
	for a in 127.53.1.1 127.53.1.2 127.53.1.3 127.53.1.5 $FAR 127.53.1.4; do
		echo "  - address: $a"
		echo "    priority: $n"
		n=$((n + 10))
	done
	lab_probe_yaml 1500
} >"$TMP/lab.yaml"
sed "s/  - address: $FAR/  - address: $FAR\n    trusted_path: true/" "$TMP/lab.yaml" >"$TMP/trusted.yaml"

# verdict FILE ADDRESS -> "dane_safe client reasons..."
verdict() {
	python3 - "$1" "$2" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("BADJSON"); sys.exit(0)
for r in d["resolvers"]:
    if r["address"] == sys.argv[2]:
        print("true" if r["dane_safe"] else "false", r.get("client"), d.get("client"), " | ".join(r["reasons"]))
        break
else:
    print("MISSING")
PY
}

for model in local ad postfix; do
	inlab "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" --client $model --format json probe \
		>"$TMP/$model.json" 2>"$TMP/$model.err"
	echo "rc=$?" >"$TMP/$model.rc"
done

want() {   # MODEL ADDRESS SAFE REGEX WHAT
	local v
	v=$(verdict "$TMP/$1.json" "$2")
	local m=$1; [ "$m" = postfix ] && m=ad
	if [ "${v%% *}" = "$3" ] && printf '%s' "$v" | grep -qE -- "^$3 $m $m" && printf '%s' "$v" | grep -qE -- "$4"; then
		ok "client $1: $2 ($5) dane_safe $3"
	else
		bad "client $1: $2 ($5): want dane_safe $3 and /$4/, got: $v"
	fi
}
want local 127.53.1.1 true '' "validating unbound"
want local 127.53.1.2 true '' "aware unbound"
want local 127.53.1.3 true '' "AD-clearing dnsmasq"
want local 127.53.1.5 true '' "permissive unbound"
want local $FAR true '' "validating, non-loopback"
want local 127.53.1.4 false 'RRSIG missing.*strips DNSSEC records' "RRSIG-stripping forwarder"
for m in ad postfix; do
	want $m 127.53.1.1 true '' "validating unbound on loopback"
	want $m 127.53.1.2 false 'DANE is off through this aware resolver.*Opportunistic.*without DANE.*Mandatory \(dane-only\) mail is deferred' "aware unbound"
	want $m 127.53.1.3 false 'DANE is off.*sets no AD.*Mandatory' "AD-clearing dnsmasq"
	want $m 127.53.1.5 false 'permissive validator.*Bogus TLSA for insecure.*downgrade' "permissive unbound"
	want $m $FAR false 'RFC 4035 4.9.3, RFC 6698 4.1, RFC 7672 2.2.*trusted_path: true' "validating, non-loopback, path not trusted"
	want $m 127.53.1.4 false 'DANE is off through this non-dnssec resolver.*Opportunistic.*Mandatory \(dane-only\) mail is deferred' "RRSIG-stripping forwarder"
done
grep -q "rc=2" "$TMP/ad.rc" && ok "client ad: exit 2 (the permissive one is a downgrade, critical)" \
	|| bad "client ad: $(cat "$TMP/ad.rc"), want 2"
grep -q "rc=1" "$TMP/local.rc" && ok "client local: exit 1 (all DANE-safe but the last secondary, the RRSIG stripper)" || bad "client local: $(cat "$TMP/local.rc")"

# The untrusted path alone is a warning, not critical, even as primary.
inlab "$DP" --anchors "$ANCHORS" -c "$TMP/lab.yaml" --client ad probe "$FAR" >"$TMP/far.txt" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q "NOT DANE-safe (warning)" "$TMP/far.txt" && grep -qE "^$FAR +warn " "$TMP/far.txt" \
	&& ok "client ad: validating resolver at $FAR alone: warning (exit 1, 'warn')" \
	|| bad "client ad, $FAR alone: rc=$rc $(head -3 "$TMP/far.txt")"
# ... and safe once the config says the path is trusted.
inlab "$DP" -c "$TMP/trusted.yaml" --anchors "$ANCHORS" --client ad --format json probe \
	>"$TMP/trusted.json" 2>&1
v=$(verdict "$TMP/trusted.json" $FAR)
[ "${v%% *}" = true ] && ok "client ad: $FAR with trusted_path: true is DANE-safe" || bad "trusted_path: $v"

# check judges each resolver as probe does (one rule, dp_probe_resolver_exit):
# under ad the permissive secondary is critical (a downgrade wherever it
# stands), the untrusted path a warning even as the primary.
inlab "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" --client ad --format json check >"$TMP/check-ad.json" 2>"$TMP/check-ad.err"
sev=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["exit_code"], " ".join("%s=%s" % (p["id"].split()[-1], p["severity"]) for p in d["problems"] if p["id"].startswith("not-dane-safe")))' "$TMP/check-ad.json" 2>&1)
[ "$sev" = "2 127.53.1.5=critical 127.53.1.2=warning 127.53.1.3=warning $FAR=warning 127.53.1.4=warning" ] \
	&& ok "check --client ad: the permissive secondary is critical as in probe (exit 2), the others warnings" \
	|| bad "check --client ad problems: '$sev' $(head -2 "$TMP/check-ad.err")"
inlab "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" --client ad --resolver "$FAR" check >"$TMP/check-far.txt" 2>&1
rc=$?
[ "$rc" = 1 ] && head -1 "$TMP/check-far.txt" | grep -q "^DANEPROBE WARNING - primary not DANE-safe: $FAR" \
	&& ok "check --client ad: the validating resolver at $FAR alone is a warning, as probe says (exit 1)" \
	|| bad "check --client ad, $FAR alone: rc=$rc $(head -1 "$TMP/check-far.txt")"

# The config's client: is the default; --client overrides it.
{ echo "client: postfix"; cat "$TMP/lab.yaml"; } >"$TMP/cfgclient.yaml"
inlab "$DP" -c "$TMP/cfgclient.yaml" --anchors "$ANCHORS" --format json probe 127.53.1.2 >"$TMP/cc.json" 2>&1
v=$(verdict "$TMP/cc.json" 127.53.1.2)
[ "${v%% *}" = false ] && printf '%s' "$v" | grep -q "^false ad ad" && ok "client: postfix in the config judges with the AD model" \
	|| bad "client: postfix in the config: $v"
inlab "$DP" -c "$TMP/cfgclient.yaml" --anchors "$ANCHORS" --client esa --format json probe 127.53.1.2 >"$TMP/cc2.json" 2>&1
v=$(verdict "$TMP/cc2.json" 127.53.1.2)
[ "${v%% *}" = true ] && ok "--client esa overrides the config (local model)" || bad "--client esa: $v"

# order follows the model: under ad the only safe one is the validating
# unbound; the reasons say why the others are not.
# (COLUMNS=1000: one finding per line for grep; test_width.sh checks the wrapping)
COLUMNS=1000 inlab "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" --client ad order >"$TMP/order-ad.txt" 2>&1
COLUMNS=1000 inlab "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" --client local order >"$TMP/order-local.txt" 2>&1
grep -qE "^ +[0-9]+ +127.53.1.5: partial: not DANE-safe \(client ad: permissive" "$TMP/order-ad.txt" \
	&& grep -q "no DANE-safe secondary remains.*AD-trusting MTA gets no AD" "$TMP/order-ad.txt" \
	&& ok "order --client ad: the permissive one is not DANE-safe; no safe secondary remains" \
	|| bad "order --client ad: $(sed -n 9,16p "$TMP/order-ad.txt")"
grep -q "no DANE-safe secondary" "$TMP/order-local.txt" \
	&& bad "order --client local warns about secondaries: $(cat "$TMP/order-local.txt")" \
	|| ok "order --client local: DANE-safe secondaries remain"
# order --write refuses a resolv.conf another program writes, and names
# the file to change instead.
printf '# Generated by NetworkManager\nnameserver 127.53.1.2\nnameserver 127.53.1.1\n' >"$TMP/nm-resolv.conf"
cp "$TMP/nm-resolv.conf" "$TMP/nm-orig"
lab_probe_yaml 1500 >"$TMP/names-only.yaml"
inlab "$DP" -c "$TMP/names-only.yaml" --anchors "$ANCHORS" order --write --resolv-conf "$TMP/nm-resolv.conf" >"$TMP/nm.txt" 2>&1
rc=$?
[ "$rc" = 3 ] && grep -q "refusing to write: .*NetworkManager.*nmcli" "$TMP/nm.txt" && cmp -s "$TMP/nm-resolv.conf" "$TMP/nm-orig" \
	&& ok "order --write refuses a NetworkManager resolv.conf and says where to change the servers" \
	|| bad "order --write on a managed resolv.conf: rc=$rc $(tail -2 "$TMP/nm.txt")"
finish
