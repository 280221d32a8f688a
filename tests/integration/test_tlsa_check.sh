#!/bin/bash
# test_tlsa_check.sh [DANEPROBE] - `tlsa-check --format json` against the
# lab's TLSA records (run with the lab up): the JSON the schema stage
# validates (contrib/schema/tlsa-check.json), its match/dnssec/depth words
# and exit codes, and the matched record's hash against OpenSSL's own
# SPKI digest of the certificate (a reference this code did not write).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_tlsa_check "${1:-./daneprobe}"
C=${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}/certs
[ -r "$C/ee1.pem" ] || { bad "lab certificates $C missing"; finish; }

# tc NAME WANT_RC JQ_TEST ARGS...: tlsa-check ARGS as JSON through the
# validating resolver; want the exit code and JQ_TEST true.
tc() {
	local name=$1 want=$2 test=$3 rc; shift 3
	inlab "$DP" --anchors "$ANCHORS" --resolver 127.53.1.1 --format json tlsa-check "$@" \
		>"$TMP/out.json" 2>"$TMP/err"
	rc=$?
	if [ "$rc" = "$want" ] && jq -e "$test" "$TMP/out.json" >/dev/null 2>&1; then
		ok "$name"
	else
		bad "$name: exit $rc (want $want): $(head -c 500 "$TMP/out.json") $(head -2 "$TMP/err")"
	fi
}

spki=$(openssl x509 -in "$C/ee1.pem" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
tc "ee1 against mx-ok's DANE-EE 3 1 1 record: match at the leaf, the record OpenSSL's SPKI digest names" 0 \
	".match == true and .exit_code == 0 and .status == \"ok\" and (.hosts | length) == 1 and
	 .hosts[0].dnssec == \"secure\" and .hosts[0].source == \"dns\" and .hosts[0].depth == 0 and
	 .hosts[0].matched == \"3 1 1 $spki\" and .hosts[0].reason == null and .hosts[0].records[0].match == true" \
	--cert "$C/ee1.pem" mx-ok.h.dplab
tc "ee2 (another key): no match, exit 2, a reason, matched and depth null" 2 \
	'.match == false and .status == "critical" and .hosts[0].matched == null and .hosts[0].depth == null and
	 (.hosts[0].reason | length) > 0 and .hosts[0].records[0].match == false' \
	--cert "$C/ee2.pem" mx-ok.h.dplab
tc "a mail domain without TLSA of its own: its MX host is checked" 0 \
	'.domain == "sss-ok.dplab" and .match == true and .hosts[0].host == "mx-ok.h.dplab"' \
	--cert "$C/ee1.pem" sss-ok.dplab
tc "DANE-TA 2 0 1 with the private CA: match one step up the chain" 0 \
	'.match == true and .hosts[0].depth == 1 and (.hosts[0].matched | startswith("2 0 1 "))' \
	--cert "$C/ta-chain.pem" mx-ta.h.dplab
tc "bogus TLSA records: dnssec bogus, exit 2 even though the chain matches them" 2 \
	'.match == false and .hosts[0].dnssec == "bogus"' \
	--cert "$C/ee1.pem" mx-tb.h.dplab
echo "_25._tcp.mx.example. 300 IN TLSA 3 1 1 $spki" >"$TMP/tlsa.zone"
tc "records from --tlsa-file: dnssec null (nothing validated), source file" 0 \
	'.match == true and .hosts[0].dnssec == null and .hosts[0].source == "file"' \
	--cert "$C/ee1.pem" --tlsa-file "$TMP/tlsa.zone" mx.example
# A certificate file that is not there, with --format json: the error
# document (error.json), the status word and exit code of the process.
inlab "$DP" --format json tlsa-check --cert "$TMP/none.pem" mx-ok.h.dplab >"$TMP/out.json" 2>/dev/null; rc=$?
[ "$rc" = 3 ] && jq -e '.status == "unknown" and .exit_code == 3 and .command == "tlsa-check" and (.error | test("none.pem"))' \
	"$TMP/out.json" >/dev/null && ok "missing --cert file with --format json: the error document names it, unknown, exit 3" \
	|| bad "missing --cert file: exit $rc, $(head -c 300 "$TMP/out.json")"
finish
