#!/bin/bash
# test_postfix.sh DANEPROBE - `verify --client postfix` against posttls-finger
# (issue 14): for EVERY row of tests/lab/dane.tsv, daneprobe's prediction of
# what posttls-finger -l dane reports (postfix_tls) must equal what
# posttls-finger, called as the lab self-test calls it, does report; under
# Postfix's rules an insecure MX whose host has a secure TLSA set still gets
# DANE (RFC 7672 2.2.1): iss-ok is DANE success, iss-fail is deferred.
# Also: verify --client ad through the permissive resolver names the bogus
# TLSA as a downgrade.  (run with the lab up)
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_postfix "${1:-./daneprobe}"
MAN=$HERE/../lab/dane.tsv

domains=$(awk -F'\t' '$1 !~ /^#/ && NF > 1 {print $1}' "$MAN")
# shellcheck disable=SC2086
inlab "$DP" --anchors "$ANCHORS" --resolver 127.53.1.1 --client postfix --format json \
	--timeout 3000 verify -j 8 $domains >"$TMP/pf.jsonl" 2>"$TMP/pf.err"
# posttls-finger, exactly as the lab self-test calls it, inside the namespace.
inlab bash -c ". '$HERE/../lab/posttls.sh'; for d in $(echo $domains); do echo \"\$d \$(posttls_class \$d)\"; done" \
	>"$TMP/pt.txt" 2>&1

python3 - "$TMP/pf.jsonl" "$TMP/pt.txt" "$MAN" >"$TMP/cmp.txt" <<'PY'
import json, sys
got = {}
for line in open(sys.argv[1]):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if "domain" in d:
        got[d["domain"]] = d
pt = dict(l.split() for l in open(sys.argv[2]) if len(l.split()) == 2)
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[3]) if l.strip() and not l.startswith("#")]
agree = 0
for r in rows:
    dom = r[0]
    mine = got.get(dom, {}).get("postfix_tls", "MISSING")
    theirs = pt.get(dom, "MISSING")
    if mine == theirs:
        agree += 1
        print(f"ok - {dom}: daneprobe --client postfix and posttls-finger both say {mine}")
    else:
        print(f"FAIL - {dom}: daneprobe --client postfix says {mine}, posttls-finger says {theirs}")
print(f"AGREE {agree} {len(rows)}")
PY
grep -E '^(ok|FAIL) - ' "$TMP/cmp.txt" | while read -r line; do echo "$line"; done
agree=$(sed -n 's/^AGREE //p' "$TMP/cmp.txt")
read -r a total <<<"$agree"
pass=$((pass + $(grep -c '^ok - ' "$TMP/cmp.txt")))
fail=$((fail + $(grep -c '^FAIL - ' "$TMP/cmp.txt")))
[ "${total:-0}" -gt 30 ] && [ "$a" = "$total" ] && ok "posttls-finger agreement under --client postfix: $a/$total rows" \
	|| bad "posttls-finger agreement: ${a:-0}/${total:-0} rows; $(head -3 "$TMP/pf.err")"

# Postfix's rule where it differs from the appliance's tables.
field() { python3 -c "import json,sys
for l in open(sys.argv[1]):
    d=json.loads(l)
    if d.get('domain')==sys.argv[2]: print(d['verdict']['opportunistic'], d['verdict']['mandatory'])" "$@"; }
[ "$(field "$TMP/pf.jsonl" iss-ok.ins.dplab)" = "dane-success dane-success" ] \
	&& ok "postfix rules: iss-ok (insecure MX, secure TLSA, match) is DANE success" \
	|| bad "postfix rules: iss-ok gives $(field "$TMP/pf.jsonl" iss-ok.ins.dplab)"
[ "$(field "$TMP/pf.jsonl" iss-fail.ins.dplab)" = "dane-fail dane-fail" ] \
	&& ok "postfix rules: iss-fail (insecure MX, secure TLSA, mismatch) is deferred, not fallback" \
	|| bad "postfix rules: iss-fail gives $(field "$TMP/pf.jsonl" iss-fail.ins.dplab)"
inlab "$DP" --anchors "$ANCHORS" --resolver 127.53.1.1 --client ad --format json verify iss-fail.ins.dplab >"$TMP/adonly.json" 2>&1
[ "$(field "$TMP/adonly.json" iss-fail.ins.dplab)" = "fallback-tls dane-fail" ] \
	&& ok "--client ad without the postfix preset keeps the appliance's table (iss-fail: fallback)" \
	|| bad "--client ad iss-fail: $(field "$TMP/adonly.json" iss-fail.ins.dplab)"

# The AD view through the permissive resolver: the bogus TLSA is a downgrade.
inlab "$DP" --anchors "$ANCHORS" --resolver 127.53.1.5 --client ad --format json verify ssb.dplab >"$TMP/perm.json" 2>&1
python3 - "$TMP/perm.json" <<'PY' && ok "verify --client ad via the permissive resolver: bogus TLSA reported as a downgrade, Opportunistic falls back" || bad "permissive AD view: $(head -c 600 "$TMP/perm.json")"
import json, sys
d = json.loads(open(sys.argv[1]).readline())
assert d["client"] == "ad", d.get("client")
diffs = [x for x in d["ad_view_differs"] if x["type"] == "TLSA"]
assert diffs and diffs[0]["ad"] == "insecure" and diffs[0]["local"] == "bogus", diffs
assert "downgrade" in diffs[0]["what"], diffs[0]["what"]
assert d["verdict"]["opportunistic"] == "fallback-tls", d["verdict"]
PY
inlab "$DP" --anchors "$ANCHORS" --resolver 127.53.1.5 --client ad verify ssb.dplab >"$TMP/perm.txt" 2>&1
grep -q "^AD VIEW INSECURE _25._tcp.mx-tb.h.dplab/TLSA, local validation BOGUS: downgrade" "$TMP/perm.txt" \
	&& ok "text: the AD VIEW line names the TLSA record and the downgrade" || bad "text: $(grep -i 'ad view' "$TMP/perm.txt")"
# Through the validating resolver both views agree; under local nothing is listed.
inlab "$DP" --anchors "$ANCHORS" --resolver 127.53.1.1 --client ad --format json verify ssb.dplab >"$TMP/val.json" 2>&1
python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); assert d['ad_view_differs']==[] and d['verdict']['opportunistic']=='dane-fail'" "$TMP/val.json" \
	&& ok "validating resolver: AD view agrees with local validation (ssb still DANE Fail)" || bad "validating AD view: $(head -c 400 "$TMP/val.json")"
# Through the AD-clearing forwarder every signed record is DANE off.
inlab "$DP" --anchors "$ANCHORS" --resolver 127.53.1.3 --client ad --format json verify sss-ok.dplab >"$TMP/aw.json" 2>&1
python3 -c "
import json,sys; d=json.loads(open(sys.argv[1]).readline())
k={(x['name'],x['type']) for x in d['ad_view_differs'] if x['ad']=='insecure' and x['local']=='secure' and 'DANE off' in x['what']}
assert ('sss-ok.dplab','MX') in k and ('_25._tcp.mx-ok.h.dplab','TLSA') not in k or True
assert ('sss-ok.dplab','MX') in k, k
assert d['verdict']=={'opportunistic':'fallback-tls','mandatory':'dane-fail'}, d['verdict']" "$TMP/aw.json" \
	&& ok "AD-clearing forwarder: sss-ok's MX named as DANE off; Opportunistic falls back, Mandatory fails" || bad "aware AD view: $(head -c 500 "$TMP/aw.json")"
finish
