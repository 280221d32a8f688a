#!/bin/bash
# `daneprobe anchor`: usage, the status JSON contract, exit codes, fallback
# to the built-in anchors, RFC 9718 bootstrap from a local file pair signed
# by a throwaway CA (and refused with the ICANN CA or over plain HTTP, with
# the state file unchanged), the lock, and the staged KSK rollover
# (tests/lab/rollover.sh).  Needs no lab: everything is on 127.0.0.1.
#   test_anchor.sh [DANEPROBE]
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dp=${1:-./daneprobe}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
st="$tmp/root.anchors"
now=@1795392000   # 2026-11-23

# ---- usage ----
check "anchor --help" 0 'usage: daneprobe anchor status\|refresh\|bootstrap' "$dp" anchor --help
check "no action" 3 'usage: daneprobe anchor' "$dp" anchor
check "unknown action" 3 "unknown action 'frob'" "$dp" anchor frob
check "--xml without --p7s" 3 'both --xml and --p7s' "$dp" anchor bootstrap --xml x
check "--url with status" 3 "for 'bootstrap' and 'refresh' only" "$dp" anchor status --url https://x/
check "bad --format" 3 'format must be text' "$dp" anchor status --format yaml

# ---- status from the built-in anchors ----
check "status without a state file warns (built-in)" 1 'using the built-in anchors' \
	"$dp" --now "$now" anchor status --state "$st"
check "status JSON contract" 1 '^ok$' bash -c "$dp --now $now --format json anchor status --state $st | jq -e '
	.trust_point == \".\" and (.keys | length) == 2 and
	([.keys[] | has(\"tag\") and has(\"algorithm\") and has(\"state\") and has(\"last_change\")] | all) and
	([.keys[].tag] == [20326, 38696]) and ([.keys[].state] | unique) == [\"valid\"] and
	has(\"next_probe\") and has(\"last_success\") and .builtin_fallback == true and
	.status == \"warning\" and .exit_code == 1 and .schema == 1 and .command == \"anchor\"' >/dev/null && echo ok; exit 1"
check "status as Prometheus metrics" 1 'daneprobe_anchor_key_state\{trust_point=".",tag="38696",algorithm="8",state="valid"\} 1' \
	"$dp" --now "$now" --format prometheus anchor status --state "$st"
# No state file: the status word agrees with exit 1 in every format.
check "no state file: text says warning" 1 '^trust point \.: warning ' "$dp" --now "$now" anchor status --state "$st"
check "no state file: Prometheus says warning" 1 '^daneprobe_anchor_status 1$' \
	"$dp" --now "$now" --format prometheus anchor status --state "$st"
# promclean NAME CMD...: CMD prints metrics and promtool check metrics
# (the exposition format's linter) has nothing to say about them.
promclean() {
	local name=$1 m lint; shift
	m=$("$@" 2>/dev/null)
	if [ -n "$m" ] && lint=$(printf '%s\n' "$m" | promtool check metrics 2>&1) && [ -z "$lint" ]; then
		ok "$name: promtool check metrics reports nothing"
	else
		bad "$name: promtool check metrics: ${lint:-no metrics}"
	fi
}
promclean "anchor status --format prometheus (built-in anchors)" \
	"$dp" --now "$now" --format prometheus anchor status --state "$st"
printf 'version 1\ntrust-point .\nkey 1 8 valid 1 2 3 4 ds 2\n' > "$st"
# (COLUMNS=1000: the note is one finding wrapped to the width, and this
# one names a long temporary path; test_width.sh checks the wrapping.)
check "corrupt state file: built-in anchors, reported" 1 'unusable \(line 3: .*built-in' \
	env COLUMNS=1000 "$dp" --now "$now" anchor status --state "$st"
printf 'version 1\ntrust-point .\n' > "$st"
check "truncated state file: built-in anchors" 1 'truncated' "$dp" --now "$now" anchor status --state "$st"

# ---- all revoked: critical, refresh refuses to run ----
cat > "$st" <<'EOF'
version 1
trust-point .
key 38824 8 revoked 1 2 3 0 dnskey 385 3 8 AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/cidltpkyGwCJNnOAlFNKF2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYSjH8e7Vrhbu6irwCzVBApESjbUdpWWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/dL/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwuMoTvoB+ZOT4YeGyxMvHmbrxlFzGOHOijtzN+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBevYtxPvYLw4z9mR7K2vaF18UYH9Z9GNUUeayffKC73PYc=
end
EOF
check "all revoked: critical" 2 'all trust anchors are revoked: bootstrap again' \
	"$dp" --now "$now" anchor status --state "$st"
promclean "anchor status --format prometheus (all revoked)" \
	"$dp" --now "$now" --format prometheus anchor status --state "$st"
cp "$st" "$tmp/revoked.anchors"
check "all revoked: refresh bootstraps again, and says when that fails" 2 'and the re-bootstrap failed: cannot fetch' \
	"$dp" --now "$now" --resolver 127.0.0.1:1 anchor refresh --state "$st" --url https://127.0.0.1:1/root-anchors.xml
check "all revoked: state kept after the failed re-bootstrap" 0 '^same$' \
	bash -c "cmp -s '$st' '$tmp/revoked.anchors' && echo same"

# ---- refresh with nothing answering: retry scheduled, warning ----
rm -f "$st"
check "refresh without an answer" 1 'refresh: no-answer' \
	"$dp" --now "$now" --timeout 300 --resolver 127.0.0.1:1 anchor refresh --state "$st"
check "state saved with the retry time" 0 'next-probe 1795395600' cat "$st"

# ---- the lock ----
if command -v flock >/dev/null; then
	# This shell holds the lock on descriptor 9, as another writer would.
	exec 9>"$st.lock"
	flock -n 9
	check "second writer is refused" 3 'held by another daneprobe' \
		"$dp" --now "$now" --resolver 127.0.0.1:1 anchor refresh --state "$st"
	exec 9>&-
fi

# ---- bootstrap (RFC 9718) from a local pair ----
(
	cd "$tmp" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
		-days 36500 -subj '/CN=Test CA' -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout s.key -out s.csr \
		-subj '/CN=signer/emailAddress=dnssec@iana.org' &&
	openssl x509 -req -in s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out s.pem -days 36500 &&
	cat > root-anchors.xml <<'EOF' &&
<?xml version="1.0" encoding="UTF-8"?>
<TrustAnchor id="t" source="https://data.iana.org/root-anchors/root-anchors.xml">
<Zone>.</Zone>
<KeyDigest id="Klajeyz" validFrom="2017-02-02T00:00:00+00:00">
<KeyTag>20326</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>
<Digest>E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D</Digest>
</KeyDigest>
</TrustAnchor>
EOF
	openssl cms -sign -binary -in root-anchors.xml -signer s.pem -inkey s.key -outform DER \
		-out root-anchors.p7s &&
	sed 's/E06D44B8/E06D44B9/' root-anchors.xml > tampered.xml
) >/dev/null 2>&1 || echo "FAIL could not make the test CA"
bnow=@$(( $(date +%s) + 86400 ))
printf 'version 1\ntrust-point .\nkey 20326 8 valid 1 2 3 4 ds 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\nend\n' > "$st"
before=$(sha256sum < "$st")
check "bootstrap over plain http is refused" 2 'only https://' \
	"$dp" --now "$bnow" anchor bootstrap --state "$st" --url http://127.0.0.1:1/root-anchors.xml
check "bootstrap signed by an unknown CA (the ICANN CA expected)" 2 'bootstrap failed, anchors unchanged: .*does not verify' \
	"$dp" --now "$bnow" anchor bootstrap --state "$st" --xml "$tmp/root-anchors.xml" --p7s "$tmp/root-anchors.p7s"
check "bootstrap of a tampered document" 2 'does not verify' \
	"$dp" --now "$bnow" anchor bootstrap --state "$st" --xml "$tmp/tampered.xml" --p7s "$tmp/root-anchors.p7s" --ca "$tmp/ca.pem"
check "bootstrap with the signer's certificate expired" 2 'certificate has expired' \
	"$dp" --now @5000000000 anchor bootstrap --state "$st" --xml "$tmp/root-anchors.xml" --p7s "$tmp/root-anchors.p7s" --ca "$tmp/ca.pem"
check "failed bootstraps left the state file alone" 0 '^same$' \
	bash -c "[ \"\$(sha256sum < '$st')\" = '$before' ] && echo same"
check "bootstrap from a verified pair" 0 'bootstrap: bootstrapped: 1 KeyDigest' \
	"$dp" --now "$bnow" anchor bootstrap --state "$st" --xml "$tmp/root-anchors.xml" --p7s "$tmp/root-anchors.p7s" --ca "$tmp/ca.pem"
check "status after bootstrap" 0 'key 20326 .* valid .*\(DS only\)' "$dp" --now "$bnow" anchor status --state "$st"
cp "$tmp/revoked.anchors" "$st"
check "all revoked: refresh re-bootstraps from a verified pair" 1 'refresh: rebootstrapped: no trusted root key left: bootstrapped again' \
	"$dp" --now "$bnow" --resolver 127.0.0.1:1 anchor refresh --state "$st" --xml "$tmp/root-anchors.xml" --p7s "$tmp/root-anchors.p7s" --ca "$tmp/ca.pem"
check "the revoked key stays revoked after the re-bootstrap" 0 'key 38824 .* revoked' \
	"$dp" --now "$bnow" anchor status --state "$st"
check "bootstrap file:// URL" 0 'bootstrapped' \
	"$dp" --now "$bnow" anchor bootstrap --state "$st" --url "file://$tmp/root-anchors.xml" --ca "$tmp/ca.pem"

# ---- the staged rollover ----
check "staged root KSK rollover (tests/lab/rollover.sh)" 0 'all steps as expected' \
	bash "$here/../lab/rollover.sh" "$dp"

echo "anchor: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
