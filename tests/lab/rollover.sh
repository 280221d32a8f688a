#!/bin/bash
# rollover.sh - stage a root KSK rollover (RFC 5011) and walk daneprobe's
# trust anchor state through it with `anchor refresh --now ...`:
#
#   bootstrap (RFC 9718 file pair signed by a throwaway CA) -> K1 valid
#   publish K2 (signed by K1)           -> K2 addpend, not one day early
#   a set signed only by pending K2     -> refused
#   30 days later                       -> K2 valid
#   switch: only K2 signs               -> K1 missing (kept as an anchor)
#   K1 revoked, self-signed             -> K1 revoked
#   K1 gone, 30 days after revocation   -> K1 removed; only K2 valid
#
# It serves its own tiny root zone with nsd on 127.0.0.1:$DP_ROLLOVER_PORT
# (default 53530), signed with ldns-signzone at the staged times, so it
# needs neither the lab namespace nor root, and leaves the lab alone.
# Usage: tests/lab/rollover.sh [path/to/daneprobe]
# Exit 0 when every step gave the expected state, 1 otherwise.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
DP=${1:-${DANEPROBE:-$HERE/../../daneprobe}}
PORT=${DP_ROLLOVER_PORT:-53530}
W=$(mktemp -d /tmp/dp-rollover.XXXXXX)
NSD_PID=""
FAIL=0
DAY=86400

cleanup() {
	if [ -n "$NSD_PID" ]; then kill "$NSD_PID" 2>/dev/null; wait "$NSD_PID" 2>/dev/null; fi
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
die() { echo "rollover: $*" >&2; exit 1; }
for t in nsd dig ldns-keygen ldns-signzone ldns-revoke ldns-key2ds openssl jq; do
	command -v "$t" >/dev/null || { echo "rollover: SKIP ($t not installed)"; exit 0; }
done
[ -x "$DP" ] || die "no daneprobe at $DP"
DP=$(cd "$(dirname "$DP")" && pwd)/$(basename "$DP")
cd "$W" || die "cd $W"

# ---- keys ----
K1=$(ldns-keygen -a ECDSAP256SHA256 -k .) || die keygen
K2=$(ldns-keygen -a ECDSAP256SHA256 -k .) || die keygen
K3=$(ldns-keygen -a ECDSAP256SHA256 -k .) || die keygen
Z=$(ldns-keygen -a ECDSAP256SHA256 .) || die keygen
cp "$K1.key" K1r.key && cp "$K1.private" K1r.private && ldns-revoke K1r.key >/dev/null || die revoke
tag() { ldns-key2ds -n -2 "$1.key" | awk '{print $5}'; }
T1=$(tag "$K1"); T2=$(tag "$K2"); T1R=$(tag K1r)
echo "rollover: K1=$T1 (revoked $T1R) K2=$T2"

# ---- the root zone at a staged time: $1 = now, $2 = keys published but
# not signing (base names), $3... = signing keys ----
NOW0=$(date +%s)
T0=$(( (NOW0 / DAY + 1) * DAY ))
serial=1
stage() {
	local now=$1 extra=$2; shift 2
	{
		echo ". 86400 IN SOA a.root-servers.dplab. nobody.invalid. $serial 1800 900 604800 86400"
		echo ". 86400 IN NS a.root-servers.dplab."
		echo "a.root-servers.dplab. 86400 IN A 127.0.0.1"
		for k in $extra; do cat "$k.key"; done
	} >root.zone
	serial=$((serial + 1))
	ldns-signzone -i $((now - DAY)) -e $((now + 20 * DAY)) -f root.signed root.zone "$@" \
		|| die "signzone"
	if [ -n "$NSD_PID" ]; then kill "$NSD_PID"; wait "$NSD_PID" 2>/dev/null; NSD_PID=""; fi
	nsd -d -c "$W/nsd.conf" >>"$W/nsd.out" 2>&1 &
	NSD_PID=$!
	for _ in $(seq 50); do
		dig +short +time=1 +tries=1 -p "$PORT" @127.0.0.1 . SOA 2>/dev/null | grep -q " $((serial - 1)) " && return
		sleep 0.1
	done
	die "nsd did not serve serial $((serial - 1)) (see $W/nsd.out)"
}
cat >nsd.conf <<EOF
server:
    ip-address: 127.0.0.1@$PORT
    username: ""
    chroot: ""
    zonesdir: "$W"
    pidfile: "$W/nsd.pid"
    database: ""
    zonelistfile: "$W/zone.list"
    xfrdfile: "$W/xfrd.state"
    xfrdir: "$W"
    logfile: "$W/nsd.log"
    verbosity: 1
remote-control:
    control-enable: no
zone:
    name: "."
    zonefile: "root.signed"
EOF

# ---- daneprobe at a staged time ----
ST="$W/root.anchors"
dp() { local t=$1; shift; "$DP" --now "@$t" --resolver "127.0.0.1:$PORT" --timeout 2000 "$@"; }
state_of() { jq -r --arg t "$1" '.keys[] | select(.tag == ($t | tonumber)) | .state' "$W/out.json"; }
check() { # $1 = label, $2 = got, $3 = want
	if [ "$2" = "$3" ]; then echo "ok   $1: $2"; else echo "FAIL $1: got '$2', want '$3'"; FAIL=1; fi
}
# Validation from the state file's anchors (what every other command uses
# when no --anchors is given) must stay secure through the whole rollover.
printf 'anchors:\n  state_file: %s\n' "$ST" >"$W/dp.yaml"
secure_at() { # $1 = time, $2 = label
	check "$2: lookup . SOA from the state's anchors" \
		"$(dp "$1" -c "$W/dp.yaml" lookup . SOA --format json 2>>"$W/err.log" | jq -r .dnssec)" secure
}
refresh() { # $1 = time; sets RC, out.json
	dp "$1" anchor refresh --state "$ST" --format json >"$W/out.json" 2>>"$W/err.log"
	RC=$?
}

# ---- bootstrap from a signed root-anchors.xml with K1's DS ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
	-days 3650 -subj '/O=Lab/CN=Lab root CA' -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign >/dev/null 2>&1 || die "openssl CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout s.key -out s.csr \
	-subj '/O=Lab/CN=signer/emailAddress=dnssec@iana.org' >/dev/null 2>&1 || die "openssl csr"
openssl x509 -req -in s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out s.pem -days 3650 \
	>/dev/null 2>&1 || die "openssl sign cert"
read -r _ _ _ _ ktag kalg kdt kdig < <(ldns-key2ds -n -2 "$K1.key")
cat >root-anchors.xml <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<TrustAnchor id="lab" source="file://$W/root-anchors.xml">
<Zone>.</Zone>
<KeyDigest id="K1" validFrom="2020-01-01T00:00:00+00:00">
<KeyTag>$ktag</KeyTag><Algorithm>$kalg</Algorithm><DigestType>$kdt</DigestType><Digest>$kdig</Digest>
</KeyDigest>
</TrustAnchor>
EOF
openssl cms -sign -binary -in root-anchors.xml -signer s.pem -inkey s.key -outform DER \
	-out root-anchors.p7s || die "openssl cms"
dp "$T0" anchor bootstrap --state "$ST" --xml root-anchors.xml --p7s root-anchors.p7s \
	--ca ca.pem --format json >out.json 2>>err.log
check "bootstrap exit" "$?" 0
check "bootstrap K1" "$(state_of "$T1")" valid

# ---- the rollover ----
stage "$T0" "" "$Z" "$K1"
refresh "$T0";            check "T0 exit" "$RC" 0; check "T0 K1" "$(state_of "$T1")" valid
secure_at "$T0" "T0"
# A dead first resolver: the next one in priority order answers.
"$DP" --now "@$T0" --resolver 127.0.0.1:9 --resolver "127.0.0.1:$PORT" --timeout 1000 \
	anchor refresh --state "$ST" --format json >"$W/out.json" 2>>"$W/err.log"
check "dead first resolver: answered by" "$(jq -r .resolver out.json)/$(jq -r .result out.json)" \
	"127.0.0.1:$PORT/accepted"
stage "$((T0 + DAY))" "$K2" "$Z" "$K1"
refresh "$((T0 + DAY))";  check "publish K2 exit" "$RC" 1; check "publish K2" "$(state_of "$T2")" addpend
secure_at "$((T0 + DAY))" "publish K2"
stage "$((T0 + 30 * DAY))" "$K2" "$Z" "$K1"
refresh "$((T0 + 31 * DAY - 1))"; check "K2 one second early" "$(state_of "$T2")" addpend
check "K2 one second early: accepted" "$(jq -r .result out.json)" accepted
stage "$((T0 + 30 * DAY))" "$K1 $K3" "$Z" "$K2"
refresh "$((T0 + 31 * DAY - 1))"; check "signed by pending K2 only" "$(jq -r .result out.json)" refused
check "K2 still pending" "$(state_of "$T2")" addpend
stage "$((T0 + 31 * DAY))" "$K2" "$Z" "$K1"
refresh "$((T0 + 31 * DAY))"; check "hold-down over exit" "$RC" 0; check "K2 valid" "$(state_of "$T2")" valid
secure_at "$((T0 + 31 * DAY))" "hold-down over"
stage "$((T0 + 40 * DAY))" "" "$Z" "$K2"
refresh "$((T0 + 40 * DAY))"; check "switch: K2 signs" "$(jq -r .result out.json)" accepted
check "switch: K1 missing" "$(state_of "$T1")" missing; check "switch exit" "$RC" 1
secure_at "$((T0 + 40 * DAY))" "switch"
stage "$((T0 + 50 * DAY))" "" "$Z" "$K2" K1r
refresh "$((T0 + 50 * DAY))"; check "revoke: K1" "$(state_of "$T1R")" revoked; check "revoke exit" "$RC" 0
secure_at "$((T0 + 50 * DAY))" "revoke"
stage "$((T0 + 60 * DAY))" "" "$Z" "$K2"
refresh "$((T0 + 60 * DAY))"; check "K1 still revoked (remove hold-down)" "$(state_of "$T1R")" revoked
# The clock jumps back: nothing may advance.
refresh "$((T0 + 45 * DAY))"; check "clock back: K1" "$(state_of "$T1R")" revoked
stage "$((T0 + 81 * DAY))" "" "$Z" "$K2"
refresh "$((T0 + 81 * DAY))"; check "remove: K1" "$(state_of "$T1R")" removed
secure_at "$((T0 + 81 * DAY))" "remove"
dp "$((T0 + 81 * DAY))" anchor status --state "$ST" --format json >out.json 2>>err.log
check "final exit" "$?" 0
check "final: valid keys" "$(jq -r '[.keys[] | select(.state == "valid") | .tag] | join(",")' out.json)" "$T2"
# The old key published again without its REVOKE bit stays out.
stage "$((T0 + 82 * DAY))" "$K1" "$Z" "$K2"
refresh "$((T0 + 82 * DAY))"; check "K1 back unrevoked" "$(state_of "$T1R")" removed
check "K1 never valid again" "$(jq -r '[.keys[] | select(.state == "valid") | .tag] | join(",")' out.json)" "$T2"
[ $FAIL -eq 0 ] && echo "rollover: all steps as expected" || { echo "rollover: FAILED (work dir kept with KEEP=1; stderr:)"; cat "$W/err.log"; }
exit $FAIL
