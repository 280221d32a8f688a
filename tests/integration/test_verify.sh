#!/bin/bash
# test_verify.sh DANEPROBE - `daneprobe verify` against the lab (run with
# the lab up: tests/lab/lab up).
#
# For every row of tests/lab/dane.tsv (domain mx a tlsa cert opportunistic
# mandatory posttls_dane note):
#   - verify through the validating resolver 127.53.1.1 gives the row's
#     Opportunistic and Mandatory verdicts, with the matching exit code;
#   - posttls-finger -l dane / -l dane-only (in the namespace, whose
#     resolv.conf names the lab's validating resolver) agrees where DANE
#     and the appliance's tables agree (the posttls_dane column; see
#     pf_check below);
#   - a DANE success prints the appliance's daneverify lines in order;
#   - through the RRSIG-stripping dnsmasq 127.53.1.4, a signed domain gives
#     "BOGUS MX record found for D" and "DANE FAILED for D".
# Then all domains at once with --from-file -j 8: one JSON line each, same
# verdicts.  Prints ok/FAIL lines and ends with "N passed, M failed".
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_verify "${1:?usage: test_verify.sh PATH/TO/daneprobe}"
TSV=${DANE_TSV:-$HERE/../lab/dane.tsv}
PF_TIMEOUT=${PF_TIMEOUT:-5}
dp() { inlab "$DP" --anchors "$ANCHORS" "$@"; }
[ -r "$TSV" ] || { bad "manifest $TSV missing"; finish; }

# Manifest words -> JSON verdict values.
norm() {
	local v
	v=$(echo "$1" | tr 'A-Z_' 'a-z-' | sed 's/  */-/g')
	case "$v" in
	dane-success|success) echo dane-success ;;
	dane-fail|fail|dane-failed|failed) echo dane-fail ;;
	fallback*|*opportunistic*|tls) echo fallback-tls ;;
	*) echo "$v" ;;
	esac
}

# posttls-finger output -> the manifest's words (posttls_dane column).
pf_category() {
	local f=$1
	if grep -q "Verified TLS connection established" "$f"; then echo verified
	elif grep -q "Trusted TLS connection established" "$f"; then echo trusted
	elif grep -qE "(Untrusted|Anonymous) TLS connection established" "$f"; then echo untrusted
	elif grep -qE "TLSA lookup error|Name service error|address lookup failed|no MX host|Failed to establish session|null MX" "$f"; then echo error
	else echo none
	fi
}

# posttls-finger -l dane must say what the manifest says; -l dane-only
# (mandatory DANE) must verify exactly where our Mandatory verdict is a
# success and posttls-finger's -l dane verified too (posttls-finger stops
# at the first MX host, daneprobe goes on as the appliance does).
pf_check() {   # level category manifest_word mandatory
	local lvl=$1 c=$2 want=$3 m=$4
	if [ "$lvl" = dane ]; then
		case "$want" in ""|-) return 0 ;; esac
		[ "$c" = "$want" ]
	elif [ "$m" = dane-success ] && [ "$want" = verified ]; then
		[ "$c" = verified ]
	elif [ "$m" = dane-fail ]; then
		[ "$c" != verified ]
	fi
}

# JSON line -> "opportunistic mandatory"
verdicts() {
	python3 -c 'import json,sys
try:
    o = json.loads(sys.stdin.readline())
    print(o["verdict"]["opportunistic"], o["verdict"]["mandatory"])
except Exception as e:
    print("unparsable", "unparsable")'
}

exit_for() {   # opportunistic verdict -> expected exit code
	case "$1" in dane-success) echo 0 ;; fallback-tls) echo 1 ;; *) echo 2 ;; esac
}

# Lines that a DANE success must print, in this order.
check_success_lines() {   # domain textfile
	local d=$1 f=$2
	local re
	re=$(printf '%s\n' \
		"^SECURE( MX record\(.*\) found|: no MX record found) for $d(\$|,)" \
		"^SECURE A{1,4} record \(.*\) found for MX\(.*\) in $d\$" \
		"^Connecting to .* on port 25\.\$" \
		"^Connected to .* from interface .*\.\$" \
		"^SECURE TLSA record found for MX\(.*\) in $d\$" \
		"^Checking TLS connection\.\$" \
		"^TLS connection established: protocol TLSv1\.[0-3], cipher [A-Z0-9_-]+\.\$" \
		"^Certificate verification successful\$" \
		"^TLS connection succeeded $d\.\$" \
		"^DANE SUCCESS for $d\$" \
		"^DANE verification completed\.\$")
	python3 - "$f" "$re" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
pos = 0
for pat in sys.argv[2].splitlines():
    r = re.compile(pat)
    while pos < len(lines) and not r.search(lines[pos]):
        pos += 1
    if pos == len(lines):
        print("missing line matching", pat)
        sys.exit(1)
    pos += 1
EOF
}

domains=()
while IFS=$'\t' read -r domain mx a tlsa cert opp mand pf note; do
	case "$domain" in ''|\#*|domain) continue ;; esac
	d=${domain%.}
	domains+=("$d")
	want_o=$(norm "$opp") want_m=$(norm "$mand")

	# 1. verdicts and exit code through the validating resolver.
	dp --resolver 127.53.1.1 verify "$d" --format json >"$TMP/j" 2>"$TMP/e"
	rc=$?
	read -r got_o got_m < <(verdicts <"$TMP/j")
	if [ "$got_o" = "$want_o" ] && [ "$got_m" = "$want_m" ]; then
		ok "$d: opportunistic $got_o, mandatory $got_m"
	else
		bad "$d: got opportunistic $got_o mandatory $got_m, want $want_o $want_m ($note): $(head -c 600 "$TMP/j") $(head -c 200 "$TMP/e")"
	fi
	if [ "$rc" = "$(exit_for "$want_o")" ]; then
		ok "$d: exit code $rc"
	else
		bad "$d: exit code $rc, want $(exit_for "$want_o")"
	fi

	# 2. text lines of a success.
	if [ "$want_o" = dane-success ]; then
		dp --resolver 127.53.1.1 verify "$d" >"$TMP/t" 2>&1
		if msg=$(check_success_lines "$d" "$TMP/t"); then
			ok "$d: daneverify success lines"
		else
			bad "$d: daneverify lines: $msg"
		fi
	fi

	# 3. posttls-finger as the oracle.
	for lvl in dane dane-only; do
		inlab timeout $((PF_TIMEOUT * 4)) posttls-finger -t "$PF_TIMEOUT" -l "$lvl" -c "$d" >"$TMP/pf" 2>&1
		cat=$(pf_category "$TMP/pf")
		if pf_check "$lvl" "$cat" "$pf" "$want_m"; then
			ok "$d: posttls-finger -l $lvl says $cat, consistent"
		else
			bad "$d: posttls-finger -l $lvl says $cat (manifest: $pf, mandatory $want_m): $(grep -v fingerprint "$TMP/pf" | head -3 | tr '\n' ' ')"
		fi
	done

	# 4. through the RRSIG-stripping forwarder, a signed MX is bogus.
	if [ "$(echo "$mx" | tr 'A-Z' 'a-z')" = secure ]; then
		dp --resolver 127.53.1.4 verify "$d" >"$TMP/s" 2>&1
		if grep -qx "BOGUS MX record found for $d" "$TMP/s" && grep -qx "DANE FAILED for $d" "$TMP/s"; then
			ok "$d: via 127.53.1.4 BOGUS MX / DANE FAILED"
		else
			bad "$d: via 127.53.1.4: $(head -3 "$TMP/s" | tr '\n' ' ')"
		fi
	fi
	printf '%s\t%s\t%s\n' "$d" "$want_o" "$want_m" >>"$TMP/expected"
done <"$TSV"

# 5. all at once: one JSON line per domain, same verdicts.
if [ "${#domains[@]}" -gt 0 ]; then
	printf '%s\n' "${domains[@]}" >"$TMP/list"
	dp --resolver 127.53.1.1 verify --from-file "$TMP/list" -j 8 --format json >"$TMP/all" 2>"$TMP/alle"
	if python3 - "$TMP/all" "$TMP/expected" <<'EOF'
import json, sys
want = {}
for l in open(sys.argv[2]):
    d, o, m = l.rstrip("\n").split("\t")
    want[d] = (o, m)
got = {}
for l in open(sys.argv[1]):
    o = json.loads(l)
    got[o["domain"]] = (o["verdict"]["opportunistic"], o["verdict"]["mandatory"])
bad = [d for d in want if got.get(d) != want[d]]
if len(got) != len(want) or bad:
    print("lines", len(got), "of", len(want), "differ:", bad[:5])
    sys.exit(1)
EOF
	then
		ok "--from-file -j 8: ${#domains[@]} JSON lines, same verdicts"
	else
		bad "--from-file -j 8: $(head -c 300 "$TMP/alle")"
	fi
fi

# 6. --trace shows the queries and validation steps.
if [ "${#domains[@]}" -gt 0 ]; then
	dp --resolver 127.53.1.1 --trace verify "${domains[0]}" >"$TMP/tr" 2>&1
	if grep -q '^;; ' "$TMP/tr" && grep -q "DANE verification completed." "$TMP/tr"; then
		ok "--trace prints query and validation steps"
	else
		bad "--trace: $(head -3 "$TMP/tr" | tr '\n' ' ')"
	fi
fi

# 7. usage errors.
dp verify >/dev/null 2>&1
[ $? -eq 3 ] && ok "verify without a domain: exit 3" || bad "verify without a domain: not exit 3"
dp verify --help | grep -q "usage: daneprobe verify" && ok "verify --help" || bad "verify --help"

finish
