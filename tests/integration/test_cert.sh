#!/bin/bash
# test_cert.sh DANEPROBE - certificate evidence, records to publish and
# expiry warnings (issue 13) against the lab, with references we did not
# write: every hash is compared with `openssl x509 -pubkey | openssl pkey
# -pubin -outform DER | openssl dgst -sha256` (and x509 -outform DER for
# the whole certificate) on the lab's own PEM files, and with the
# fingerprints posttls-finger prints for the same server; RRSIG
# expirations come from dig, certificate ones from openssl x509 -enddate.
#   - verify sss-fail.dplab (server presents ee2, TLSA is ee1) shows the
#     presented SPKI hash as a "3 1 1" record, not published;
#   - sss-ok shows ee1's record as published; ta.dplab shows the CA as a
#     "2 1 1" record; JSON has the same (keys "chain", "warnings");
#   - certificate and RRSIG expiry warnings fire at --now near expiry and
#     not before, with the default and configured thresholds, and leave
#     the verdict and exit code alone;
#   - tlsa-check --cert on a renewed chain prints the records to publish
#     and whether the current TLSA set covers it.
# Ends with "N passed, M failed".
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_cert "${1:?usage: test_cert.sh PATH/TO/daneprobe}"
CERTS=$(dirname "$ANCHORS")/certs
R=127.53.1.1
dp() { inlab "$DP" --anchors "$ANCHORS" --resolver "$R" "$@"; }
DAY=86400

spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
full() { openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
enddate() { date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# posttls-finger's "fingerprint=AA:BB:..." as lowercase hex without colons.
pf_fp() { grep -o "$1=[0-9A-F:]*" "$2" | head -1 | cut -d= -f2 | tr -d : | tr A-F a-f; }
# RRSIG expiration (YYYYMMDDhhmmss, field 9 of dig's RRSIG line) in seconds.
sig_exp() {
	local e
	e=$(inlab dig +dnssec +norec +noall +answer @127.53.0.1 "$1" "$2" | awk '$4 == "RRSIG" { print $9; exit }')
	date -u -d "${e:0:8} ${e:8:2}:${e:10:2}:${e:12:2}" +%s
}
want() {   # want NAME COMMAND...: ok when the command succeeds
	local name=$1; shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
# all 'CONDITION' ...: every condition (evaluated in turn) holds.
all() {
	local c
	for c in "$@"; do eval "$c" || return 1; done
}
has() { grep -qF -- "$2" "$1"; }
# Sentences wrap to the width (80 off a terminal): match them joined.
joined() { tr '\n' ' ' < "$1" | sed 's/   */ /g'; }
jhas() { joined "$1" | grep -qE -- "$2"; }
hasnt() { ! grep -qF -- "$2" "$1"; }
jqt() { jq -e "$2" "$1" >/dev/null; }

for f in ee1.pem ee2.pem ca.pem; do
	[ -r "$CERTS/$f" ] || { bad "lab certificate $CERTS/$f missing"; finish; }
done
EE1=$(spki "$CERTS/ee1.pem") EE2=$(spki "$CERTS/ee2.pem") CA=$(spki "$CERTS/ca.pem")
EE2_FULL=$(full "$CERTS/ee2.pem")

# ---- evidence on a mismatch ----
dp verify sss-fail.dplab > "$TMP/fail.txt" 2>&1; rc=$?
want "verify sss-fail: still DANE Fail (exit 2)" [ "$rc" -eq 2 ]
want "verify sss-fail: presented SPKI as a 3 1 1 record (openssl's hash of ee2)" has "$TMP/fail.txt" "3 1 1 $EE2"
want "verify sss-fail: the record is marked not published" has "$TMP/fail.txt" "TLSA record for this key (not published):"
want "verify sss-fail: certificate SHA-256 as openssl computes it" has "$TMP/fail.txt" "cert sha256 $EE2_FULL"
want "verify sss-fail: subject of the presented certificate" has "$TMP/fail.txt" "subject     CN=lab-ee2.h.dplab"
dp --format json verify sss-fail.dplab > "$TMP/fail.json" 2>/dev/null
want "verify sss-fail JSON: chain[0] record, spki_sha256, sha256, published" jqt "$TMP/fail.json" \
	".mx[0].addresses[0].chain[0] | .record == \"3 1 1 $EE2\" and .spki_sha256 == \"$EE2\" and .sha256 == \"$EE2_FULL\" and .published == false and .matched_by == null"
want "verify sss-fail JSON: matched stays null" jqt "$TMP/fail.json" '.mx[0].addresses[0].matched == null'

# posttls-finger, on the same server, prints both fingerprints (SHA-256).
inlab posttls-finger -t 5 -l dane -c sss-fail.dplab > "$TMP/pf.txt" 2>&1
pf_cert=$(pf_fp fingerprint "$TMP/pf.txt") pf_pkey=$(pf_fp pkey_fingerprint "$TMP/pf.txt")
want "posttls-finger's pkey_fingerprint equals our spki_sha256 ($pf_pkey)" all '[ -n "$pf_pkey" ]' '[ "$pf_pkey" = "$EE2" ]' \
	'jqt "$TMP/fail.json" ".mx[0].addresses[0].chain[0].spki_sha256 == \"$pf_pkey\""'
want "posttls-finger's fingerprint equals our sha256 ($pf_cert)" all '[ -n "$pf_cert" ]' \
	'jqt "$TMP/fail.json" ".mx[0].addresses[0].chain[0].sha256 == \"$pf_cert\""'

# ---- published records ----
dp --format json verify sss-ok.dplab > "$TMP/ok.json" 2>/dev/null
want "verify sss-ok JSON: ee1's 3 1 1 marked published and matched" jqt "$TMP/ok.json" \
	".mx[0].addresses[0].chain[0] | .record == \"3 1 1 $EE1\" and .published == true and .matched_by == \"3 1 1 $EE1\""
want "verify sss-ok JSON: one TLSA key only -> tlsa-single-key warning" jqt "$TMP/ok.json" \
	'[.warnings[] | select(.kind == "tlsa-single-key")] | length == 1'
dp --format json verify ta.dplab > "$TMP/ta.json" 2>/dev/null
want "verify ta.dplab JSON: the CA as a 2 1 1 record (openssl's hash of ca.pem)" jqt "$TMP/ta.json" \
	"[.mx[].addresses[].chain // [] | .[] | select(.depth == 1) | .record] | index(\"2 1 1 $CA\") != null"

# ---- certificate expiry: ee1 ends at EE1_END ----
EE1_END=$(enddate "$CERTS/ee1.pem")
cert_warns() { jq '[.warnings[] | select(.kind == "cert-expiry")] | length' "$1" 2>/dev/null || echo none; }
dp --format json --now "$(iso $((EE1_END - 22 * DAY)))" verify sss-ok.dplab > "$TMP/c22.json" 2>/dev/null; rc22=$?
dp --format json --now "$(iso $((EE1_END - 20 * DAY)))" verify sss-ok.dplab > "$TMP/c20.json" 2>/dev/null; rc20=$?
want "certificate expiry: no warning 22 days before (default 21)" [ "$(cert_warns "$TMP/c22.json")" = 0 ]
want "certificate expiry: a warning 20 days before, naming ee1 and its end" jqt "$TMP/c20.json" \
	"[.warnings[] | select(.kind == \"cert-expiry\")] | length == 1 and (.[0].expires == \"$(iso "$EE1_END")\") and (.[0].days_left == 19 or .[0].days_left == 20) and (.[0].message | test(\"lab-ee1\"))"
want "certificate expiry: the verdict and exit code do not change (0, 0)" all '[ "$rc22" -eq 0 ]' '[ "$rc20" -eq 0 ]' \
	"jqt \"\$TMP/c20.json\" '.verdict.mandatory == \"dane-success\"'"
dp --now "$(iso $((EE1_END - 20 * DAY)))" verify sss-ok.dplab > "$TMP/c20.txt" 2>&1
want "certificate expiry: a Warning line in the text" jhas "$TMP/c20.txt" "Warning: certificate CN=lab-ee1.h.dplab \(depth 0\) of 127.25.0.1 expires at"
printf 'dane:\n  cert_warn_days: 25\n' > "$TMP/c25.yaml"
dp -c "$TMP/c25.yaml" --format json --now "$(iso $((EE1_END - 22 * DAY)))" verify sss-ok.dplab > "$TMP/c25.json" 2>/dev/null
want "certificate expiry: dane.cert_warn_days 25 warns 22 days before" [ "$(cert_warns "$TMP/c25.json")" = 1 ]
printf 'dane:\n  cert_warn_days: 0\n' > "$TMP/c0.yaml"
dp -c "$TMP/c0.yaml" --format json --now "$(iso $((EE1_END - DAY)))" verify sss-ok.dplab > "$TMP/c0.json" 2>/dev/null
want "certificate expiry: dane.cert_warn_days 0 turns it off" [ "$(cert_warns "$TMP/c0.json")" = 0 ]

# ---- RRSIG expiry of MX, A and TLSA (signed "now + 30 days" at lab up) ----
E_MX=$(sig_exp sss-ok.dplab MX) E_A=$(sig_exp mx-ok.h.dplab A) E_T=$(sig_exp _25._tcp.mx-ok.h.dplab TLSA)
E_MIN=$(printf '%s\n' "$E_MX" "$E_A" "$E_T" | sort -n | head -1)
E_MAX=$(printf '%s\n' "$E_MX" "$E_A" "$E_T" | sort -n | tail -1)
sig_warns() { jq -c '[.warnings[] | select(.kind == "rrsig-expiry") | .subject] | sort' "$1" 2>/dev/null || echo none; }
sig_some() { jqt "$1" '[.warnings[] | select(.kind == "rrsig-expiry")] | length >= 1'; }
dp --format json --now "$(iso $((E_MIN - 4 * DAY)))" verify sss-ok.dplab > "$TMP/s4.json" 2>/dev/null
dp --format json --now "$(iso $((E_MAX - 2 * DAY)))" verify sss-ok.dplab > "$TMP/s2.json" 2>/dev/null; rc2=$?
want "RRSIG expiry: none 4 days before (default 3)" [ "$(sig_warns "$TMP/s4.json")" = "[]" ]
want "RRSIG expiry: MX, A and TLSA warned 2 days before ($(sig_warns "$TMP/s2.json"))" \
	[ "$(sig_warns "$TMP/s2.json")" = '["_25._tcp.mx-ok.h.dplab/TLSA","mx-ok.h.dplab/A","sss-ok.dplab/MX"]' ]
want "RRSIG expiry: still DANE success (exit 0), still secure" all '[ "$rc2" -eq 0 ]' \
	"jqt \"\$TMP/s2.json\" '.mx_status == \"secure\"'"
printf 'dane:\n  rrsig_warn_days: 5\n' > "$TMP/s5.yaml"
dp -c "$TMP/s5.yaml" --format json --now "$(iso $((E_MIN - 4 * DAY)))" verify sss-ok.dplab > "$TMP/s5.json" 2>/dev/null
want "RRSIG expiry: dane.rrsig_warn_days 5 warns 4 days before" sig_some "$TMP/s5.json"

dp --format json --now "$(iso $((E_MIN - 4 * DAY)))" verify --rrsig-warn-days 5 sss-ok.dplab > "$TMP/s5c.json" 2>/dev/null
want "RRSIG expiry: --rrsig-warn-days 5 warns 4 days before" sig_some "$TMP/s5c.json"
printf 'dane:\n  rrsig_warn_days: 1\n' > "$TMP/s1.yaml"
dp -c "$TMP/s1.yaml" --format json --now "$(iso $((E_MAX - 2 * DAY)))" verify --rrsig-warn-days 0 sss-ok.dplab > "$TMP/s0.json" 2>/dev/null
want "RRSIG expiry: --rrsig-warn-days 0 turns it off (over the config)" [ "$(sig_warns "$TMP/s0.json")" = "[]" ]
dp -c "$TMP/s1.yaml" --format json --now "$(iso $((E_MAX - 2 * DAY)))" verify sss-ok.dplab > "$TMP/s1.json" 2>/dev/null
want "RRSIG expiry: dane.rrsig_warn_days 1: none 2 days before" [ "$(sig_warns "$TMP/s1.json")" = "[]" ]
check "verify: a bad --cert-warn-days is refused with a reason" 3 "cert-warn-days wants a whole number of days" \
	"$DP" verify --cert-warn-days soon sss-ok.dplab

# ---- tlsa-check on renewed chains ----
# A new key (the renewal that needs "current + next"), the same key in a
# new certificate, and the DANE-TA chain of the lab (leaf + private CA).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/ee3.key" \
	-out "$TMP/ee3.pem" -days 90 -subj /CN=lab-ee3.h.dplab 2>/dev/null
openssl req -x509 -new -key "$CERTS/ee1.key" -out "$TMP/ee1-renewed.pem" -days 10 \
	-subj /CN=lab-ee1.h.dplab 2>/dev/null
EE3=$(spki "$TMP/ee3.pem") TA_LEAF=$(spki "$CERTS/ta-leaf.pem")
dp tlsa-check --cert "$TMP/ee3.pem" sss-ok.dplab > "$TMP/t3.txt" 2>&1; rc=$?
want "tlsa-check new key: NO MATCH (exit 2)" all '[ "$rc" -eq 2 ]' 'has "$TMP/t3.txt" "NO MATCH for mx-ok.h.dplab"'
want "tlsa-check new key: ends with the record to publish (openssl's hash of the new key)" \
	all '[ "$(grep -E "^[+=] " "$TMP/t3.txt" | tail -1)" = "+ 3 1 1 $EE3" ]' \
	'[ "$(awk "/^[+=] /{n=NR} END{print NR-n}" "$TMP/t3.txt")" -le 3 ]' \
	'[ "$(awk "p{print; exit} /^[+=] /{p=1}" "$TMP/t3.txt" | cut -c1-50)" = "The current TLSA set does not cover this chain: ad" ]'
want "tlsa-check new key: the current set does not cover it, with the TTL to wait" \
	jhas "$TMP/t3.txt" 'The current TLSA set does not cover this chain: .* wait [0-9]+ s \(the TTL\)' 
# The evidence, the records and the warnings fit 80 columns (the width
# off a terminal), from the chain block to the end.
widest() { sed -n '/^Certificate chain/,$p' "$1" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'; }
dp --now "$(iso $((EE1_END - 2 * DAY)))" tlsa-check --cert "$TMP/ee3.pem" sss-ok.dplab > "$TMP/t3w.txt" 2>&1
want "text width: chain, records and warnings within 80 columns ($(widest "$TMP/fail.txt"), $(widest "$TMP/c20.txt"), $(widest "$TMP/t3w.txt"))" \
	all '[ "$(widest "$TMP/fail.txt")" -le 80 ]' '[ "$(widest "$TMP/c20.txt")" -le 80 ]' \
	'[ "$(widest "$TMP/t3w.txt")" -le 80 ]' '[ "$(widest "$TMP/c20.txt")" -gt 60 ]' '[ "$(widest "$TMP/t3w.txt")" -gt 60 ]'
dp --format json tlsa-check --cert "$TMP/ee3.pem" sss-ok.dplab > "$TMP/t3.json" 2>/dev/null
want "tlsa-check new key JSON: publish, covered, chain" jqt "$TMP/t3.json" \
	".hosts[0] | .publish == [\"3 1 1 $EE3\"] and .covered == false and .chain[0].spki_sha256 == \"$EE3\" and .chain[0].published == false"
dp tlsa-check --cert "$TMP/ee1-renewed.pem" mx-ok.h.dplab > "$TMP/t1.txt" 2>&1; rc=$?
want "tlsa-check same key renewed: MATCH (exit 0), record marked published" all '[ "$rc" -eq 0 ]' 'has "$TMP/t1.txt" "= 3 1 1 $EE1"'
want "tlsa-check same key renewed: covered by the current set" has "$TMP/t1.txt" "The current TLSA set already covers this chain: it can be deployed."
want "tlsa-check same key renewed: certificate expiry warning (10 days left)" \
	jhas "$TMP/t1.txt" "Warning: certificate CN=lab-ee1.h.dplab \(depth 0\) of $TMP/ee1-renewed.pem expires at"
dp tlsa-check --cert-warn-days 5 --cert "$TMP/ee1-renewed.pem" mx-ok.h.dplab > "$TMP/t1b.txt" 2>&1
want "tlsa-check --cert-warn-days 5: no certificate warning at 10 days" all 'hasnt "$TMP/t1b.txt" "Warning: certificate"' \
	'has "$TMP/t1b.txt" "The current TLSA set already covers this chain"'
printf '_25._tcp.mx-ok.h.dplab. 300 IN TLSA 3 1 1 %s\n_25._tcp.mx-ok.h.dplab. 300 IN TLSA 3 1 1 %s\n' "$EE1" "$EE3" > "$TMP/next.zone"
dp --format json tlsa-check --tlsa-file "$TMP/next.zone" --cert "$TMP/ee3.pem" mx-ok.h.dplab > "$TMP/tn.json" 2>/dev/null; rc=$?
rc_tn=$rc
tn_ok() {
	[ "$rc_tn" -eq 0 ] && jqt "$TMP/tn.json" \
		".hosts[0].covered == true and .hosts[0].chain[0].published == true and ([.warnings[] | select(.kind == \"tlsa-single-key\")] | length == 0)"
}
want "tlsa-check current + next set: the new chain is covered, no one-key warning" tn_ok
dp tlsa-check --cert "$CERTS/ta-chain.pem" mx-ta2.h.dplab > "$TMP/tta.txt" 2>&1; rc=$?
want "tlsa-check DANE-TA chain: leaf 3 1 1 to add, CA 2 1 1 published (openssl's hashes)" all '[ "$rc" -eq 0 ]' \
	'has "$TMP/tta.txt" "+ 3 1 1 $TA_LEAF"' 'has "$TMP/tta.txt" "= 2 1 1 $CA"'

finish
