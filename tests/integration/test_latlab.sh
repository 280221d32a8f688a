#!/bin/bash
# test_latlab.sh DANEPROBE - the latency lab that `make bench` measures
# (issue 16) is a real DANE world, checked against posttls-finger:
#   - every latency domain (DPLAB_LATENCY_DOMAINS, 20 in the test lab)
#     is its own signed zone whose MX host has a TLSA record, and
#     posttls-finger and daneprobe both verify it, matching the same
#     TLSA record;
#   - the domains cover the four listeners' keys (RSA-2048, RSA-3072,
#     P-256, P-384) crossed with the four TLSA forms (3 1 1, 3 0 1,
#     3 1 2, 2 0 1), as posttls-finger reports them;
#   - SMTP through the delay proxies 127.25.2.1-4 takes at least the
#     configured delay for the banner (a lower bound only: the machine's
#     load can add to it, never take away), and the listener behind it
#     answers directly too.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_latlab "${1:-./daneprobe}"
D=${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}
LIST=$D/latency-domains.txt
DELAY=${DPLAB_DELAY_MS:-50}
[ -s "$LIST" ] || { bad "$LIST missing (is the lab up?)"; finish; }
n=$(wc -l <"$LIST")
[ "$n" -ge 16 ] && ok "latency lab: $n domains" || bad "latency lab: only $n domains (16 cover the combinations)"

# ---- each domain: posttls-finger and daneprobe agree, record for record ----
inlab "$DP" --anchors "$ANCHORS" --resolver 127.53.1.1 --format json verify --from-file "$LIST" -j 8 \
	>"$TMP/dp.json" 2>"$TMP/dp.err"
agree=0 combos=""
while read -r d; do
	pf=$(inlab posttls-finger -t 5 -l dane -c "$d" 2>&1)
	pf_match=$(printf '%s\n' "$pf" | sed -n 's/.*Matched DANE \(EE\|TA\) certificate at depth [01]: \([0-3] [01] [012] [0-9A-Fa-f]*\).*/\2/p' | head -1 | tr 'A-F' 'a-f')
	pf_key=$(printf '%s\n' "$pf" | sed -n 's/.*Verified TLS connection.*server-signature \(RSA-PSS ([0-9]* bits)\|ECDSA ([a-z0-9]*)\).*/\1/p' | head -1)
	dp_line=$(jq -c --arg d "$d" 'select(.domain == $d) | [.verdict.mandatory, .mx[0].addresses[0].matched // ""]' "$TMP/dp.json")
	dp_verdict=$(printf '%s' "$dp_line" | jq -r '.[0]' 2>/dev/null)
	dp_match=$(printf '%s' "$dp_line" | jq -r '.[1]' 2>/dev/null)
	if [ -n "$pf_key" ] && [ -n "$pf_match" ] && [ "$dp_verdict" = dane-success ] && [ "$dp_match" = "$pf_match" ]; then
		agree=$((agree + 1))
		combos="$combos$pf_key|$(printf '%s' "$pf_match" | cut -d' ' -f1-3)
"
	else
		bad "$d: posttls-finger [$pf_key] matched '${pf_match:0:20}', daneprobe $dp_verdict matched '${dp_match:0:20}' $(head -c 200 "$TMP/dp.err")"
	fi
done <"$LIST"
[ "$agree" -eq "$n" ] && ok "all $n latency domains: DANE success for both tools, the same TLSA record matched"
ncombo=$(printf '%s' "$combos" | sort -u | grep -c .)
keys=$(printf '%s' "$combos" | cut -d'|' -f1 | sort -u | tr '\n' ';')
forms=$(printf '%s' "$combos" | cut -d'|' -f2 | sort -u | tr '\n' ';')
[ "$ncombo" -ge 16 ] && ok "16 key x TLSA combinations seen by posttls-finger: keys $keys forms $forms" \
	|| bad "only $ncombo key x TLSA combinations: keys $keys forms $forms"

# ---- the SMTP delay is the proxy's ----
banner_ms() {   # ADDR -> milliseconds until the 220 banner
	inlab /usr/bin/python3 - "$1" <<'EOF'
import socket, sys, time
t = time.monotonic()
s = socket.create_connection((sys.argv[1], 25), timeout=5)
data = s.recv(512)
print(int((time.monotonic() - t) * 1000) if data.startswith(b"220") else -1)
s.sendall(b"QUIT\r\n")
s.close()
EOF
}
for i in 1 2 3 4; do
	via=$(banner_ms 127.25.2.$i) direct=$(banner_ms 127.25.1.$i)
	if [ "$via" -ge "${DELAY%.*}" ] && [ "$direct" -ge 0 ]; then
		ok "127.25.2.$i: banner after $via ms through the proxy (delay $DELAY ms), $direct ms direct"
	else
		bad "127.25.2.$i: banner after $via ms through the proxy, $direct ms direct (delay $DELAY ms)"
	fi
done
finish
