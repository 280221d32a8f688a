#!/bin/bash
# The lab proves itself: every row of tests/lab/names.tsv is checked against
# the validating unbound (dig: AD bit / SERVFAIL / rcode) and against delv
# (its own validation from the lab anchor, through the non-validating
# resolver), every row of tests/lab/dane.tsv against posttls-finger -l dane,
# plus a few checks that each lab resolver behaves as its class says.
#
# Run with the lab up (tests/lab/lab up).  Prints "ok ..." / "FAIL ..." per
# check and finally "N passed, M failed"; exits 1 on any failure.
# DPLAB_MANIFEST_DIR=DIR uses DIR/names.tsv and DIR/dane.tsv instead.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$HERE/../lab/lab
MAN=${DPLAB_MANIFEST_DIR:-$HERE/../lab}
D=${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}

# Run the whole test inside the namespace (one "ip netns exec", not one per query).
if [ -z "${DPLAB_IN_NS:-}" ]; then
    ip netns list | grep -qw "^${DPLAB_NS:-dplab}" || { echo "FAIL lab is not up (tests/lab/lab up)"; echo "0 passed, 1 failed"; exit 1; }
    exec "$LAB" exec env DPLAB_IN_NS=1 DPLAB_MANIFEST_DIR="$MAN" DPLAB_DIR="$D" bash "${BASH_SOURCE[0]}" "$@"
fi

# Checks run in parallel (JOBS at a time), each job writes its lines to its
# own file; the files are printed in order and counted at the end.
JOBS=${DPLAB_SELFTEST_JOBS:-6}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
SEQ=0
ok()   { echo "ok   $*"; }
fail() { echo "FAIL $*"; }
spawn() { # run "$@" in the background, output to the next numbered file
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    SEQ=$((SEQ + 1))
    "$@" >"$TMP/$(printf %05d $SEQ)" 2>&1 &
}
check() { # expected got description
    if [ "$1" = "$2" ]; then ok "$3: $2"; else fail "$3: expected $1, got $2"; fi
}

# ---- dig through the validating resolver: status + rcode
# secure = AD and rcode; insecure = no AD and rcode; bogus = SERVFAIL without
# CD, and the rcode of the data with CD=1.
# (bash pattern matching instead of sed/grep: one process per query, which
# matters on a loaded machine)
rcode_of() { [[ "$1" =~ status:\ ([A-Z]+), ]] && echo "${BASH_REMATCH[1]}"; }
dig_status() { # name type -> "status rcode"
    local out rc
    out=$(dig +dnssec +tries=2 +time=3 @127.53.1.1 "$1" "$2" 2>&1)
    rc=$(rcode_of "$out")
    if [ "$rc" = SERVFAIL ]; then
        out=$(dig +dnssec +cd +tries=2 +time=3 @127.53.1.1 "$1" "$2" 2>&1)
        rc=$(rcode_of "$out")
        echo "bogus ${rc:-TIMEOUT}"
    elif [ -z "$rc" ]; then echo "error TIMEOUT"
    elif [[ "$out" =~ $'\n;; flags:'[a-z\ ]*\ ad[\ \;] ]]; then echo "secure $rc"
    else echo "insecure $rc"; fi
}

# ---- delv: validates itself from the lab anchor, asks the non-validating
# unbound (127.53.1.2) for the data, DS and DNSKEYs.
delv_status() { # name type -> "status rcode"
    local out st rc=NOERROR
    out=$(delv -a "$D/delv.anchors" +root=. @127.53.1.2 "$1" "$2" 2>&1)
    if [[ "$out" =~ (^|$'\n')\;\ [^$'\n']*fully\ validated ]]; then st=secure
    elif [[ "$out" =~ (^|$'\n')\;\ [^$'\n']*unsigned\ answer ]]; then st=insecure
    else st=bogus; fi
    [[ "$out" == *NXDOMAIN* || "$out" == *"ncache nxdomain"* ]] && rc=NXDOMAIN
    [ $st = bogus ] && rc=-
    echo "$st $rc"
}

# Why a check went wrong, for the log of a run nobody can repeat (CI):
# unbound's own validation-failure lines for the name and the EDE text it
# returned, and what delv printed.
why_unbound() { # name type
    local ede
    ede=$(dig +dnssec +tries=1 +time=3 @127.53.1.1 "$1" "$2" 2>&1 | grep -m1 '^; EDE:')
    echo "     unbound now: ${ede:-no EDE}"
    grep -F "<$1 $2 IN>" "$D/log/unbound-1.log" 2>/dev/null | tail -3 | sed 's/^/     unbound log: /'
}
why_delv() { # name type
    delv -a "$D/delv.anchors" +root=. @127.53.1.2 "$1" "$2" 2>&1 | grep '^;' | head -4 | sed 's/^/     delv: /'
}
# A wrong status is asked again once, after the resolvers have forgotten
# the name's zone: a status is a fact of the signed zone, and a fetch that
# failed once on a loaded machine (seen once in CI, never here) is not.  The
# first answer and its reasons stay in the log either way; a zone that is
# really wrong fails twice.
flush_zone() { # name: forget it and its zone in unbound 1 and 2
    local i z=${1#*.}
    for i in 1 2; do
        unbound-control -c "$D/unbound-$i.conf" flush_zone "$z" >/dev/null 2>&1
        unbound-control -c "$D/unbound-$i.conf" flush_bogus >/dev/null 2>&1
        unbound-control -c "$D/unbound-$i.conf" flush_infra all >/dev/null 2>&1
    done
}
check_twice() { # expected what-function name type description why-function
    local got
    got=$($2 "$3" "$4")
    if [ "$got" != "$1" ]; then
        echo "note $5: got $got at first"
        $6 "$3" "$4"
        flush_zone "$3"; sleep 1
        got=$($2 "$3" "$4")
        [ "$got" = "$1" ] || $6 "$3" "$4"
    fi
    check "$1" "$got" "$5"
}
check_name() { # name type status rcode
    local exp="$3 $4"
    check_twice "$exp" dig_status "$1" "$2" "unbound $1 $2" why_unbound
    [ "$3" = bogus ] && exp="bogus -"
    check_twice "$exp" delv_status "$1" "$2" "delv $1 $2" why_delv
}
spawn echo "# names: $MAN/names.tsv"
while IFS=$'\t' read -r name type status rcode _; do
    case "$name" in '#'*|'') continue ;; esac
    spawn check_name "$name" "$type" "$status" "$rcode"
done <"$MAN/names.tsv"

# ---- posttls-finger (reads /etc/resolv.conf -> 127.53.1.1, /etc/postfix = lab)
. "$HERE/../lab/posttls.sh"
check_dane() { check "$2" "$(posttls_class "$1")" "posttls-finger $1"; }

# The outcome columns must follow SPEC section 7's tables for the
# (mx, a, tlsa, cert) of the row; "?" = no table row (an RFC 7672 extra case
# such as no STARTTLS or an unusable TLSA set: the note explains).
policy() { # mx a tlsa cert -> "opportunistic mandatory"
    case "$1/$2/$3/$4" in
        bogus/*|*/bogus/*/*) echo "dane-fail dane-fail" ;;
        secure/secure/secure/success) echo "dane-success dane-success" ;;
        secure/secure/secure/failed) echo "dane-fail dane-fail" ;;
        */secure/bogus/*) echo "dane-fail dane-fail" ;;
        secure/secure/insecure/-|secure/secure/nxdomain/-) echo "fallback-tls dane-fail" ;;
        secure/insecure/*|insecure/insecure/*) echo "fallback-tls dane-fail" ;;
        insecure/secure/secure/*|insecure/secure/insecure/-|insecure/secure/nxdomain/-) echo "fallback-tls dane-fail" ;;
        *) echo "?" ;;
    esac
}
spawn echo "# dane: $MAN/dane.tsv"
while IFS=$'\t' read -r domain mx a tlsa cert opp mand pt _; do
    case "$domain" in '#'*|'') continue ;; esac
    want=$(policy "$mx" "$a" "$tlsa" "$cert")
    if [ "$want" != "?" ]; then
        spawn check "$want" "$opp $mand" "section 7 tables $domain ($mx $a $tlsa $cert)"
    fi
    spawn check_dane "$domain" "$pt"
done <"$MAN/dane.tsv"
wait

# ---- resolver classes: each lab resolver does what its role says
flags() { dig +tries=1 +time=2 "$@" 2>&1 | sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p' | head -1; }
count() { dig +tries=1 +time=2 "$@" 2>&1 | grep -vc '^;\|^$'; }
resolver_checks() {
echo "# resolvers"
[[ " $(flags +dnssec @127.53.1.1 www.h.dplab A) " == *" ad "* ]] && ok "127.53.1.1 validates (AD)" || fail "127.53.1.1 no AD"
[[ " $(flags +dnssec @fd53::53:1 www.h.dplab A) " == *" ad "* ]] && ok "[fd53::53:1] validates (AD)" || fail "[fd53::53:1] no AD"
[[ " $(flags +dnssec www.h.dplab A) " == *" ad "* ]] && ok "resolv.conf in the namespace names the validating resolver" || fail "resolv.conf"
[ "$(dig +short +tries=1 +time=2 @127.53.1.1 bogus.h.dplab A)" = "" ] && ok "127.53.1.1 SERVFAIL on bogus" || fail "127.53.1.1 answers bogus data"
[[ " $(flags +dnssec @127.53.1.2 www.h.dplab A) " != *" ad "* ]] && [ "$(dig +short +dnssec @127.53.1.2 www.h.dplab A | grep -c RRSIG\\\|^A)" -ge 1 ] \
    && ok "127.53.1.2 non-validating, passes RRSIG" || fail "127.53.1.2"
[ -n "$(dig +short +tries=1 +time=2 @127.53.1.2 bogus.h.dplab A)" ] && ok "127.53.1.2 returns bogus data" || fail "127.53.1.2 bogus"
r3=$(dig +dnssec +tries=1 +time=2 @127.53.1.3 www.h.dplab A)
[[ "$r3" != *"flags: qr rd ra ad"* ]] && grep -q 'RRSIG' <<<"$r3" && ok "127.53.1.3 dnsmasq: AD cleared, RRSIG passed" || fail "127.53.1.3 dnsmasq: $(flags +dnssec @127.53.1.3 www.h.dplab A)"
r4=$(dig +dnssec +tries=1 +time=2 @127.53.1.4 www.h.dplab A)
! grep -q 'IN	RRSIG' <<<"$r4" && ok "127.53.1.4 strips RRSIG" || fail "127.53.1.4 passes RRSIG"
[ -z "$(dig +short +tries=1 +time=2 @127.53.1.4 _25._tcp.mx-ok.h.dplab TLSA)" ] && ok "127.53.1.4 drops TLSA" || fail "127.53.1.4 passes TLSA"
[ -n "$(dig +short +tries=1 +time=2 @127.53.1.5 bogus.h.dplab A)" ] && ok "127.53.1.5 permissive: bogus data returned" || fail "127.53.1.5 not permissive"
[[ " $(flags +ignore +dnssec @127.53.1.6 bigkey.dplab DNSKEY) " == *" tc "* ]] && ok "127.53.1.6 TC=1 on big answer" || fail "127.53.1.6 no TC"
dig +tcp +tries=1 +time=2 @127.53.1.6 www.h.dplab A >/dev/null 2>&1 && fail "127.53.1.6 answers TCP" || ok "127.53.1.6 no TCP"
dig +tries=1 +time=1 @127.53.1.7 www.h.dplab A >/dev/null 2>&1 && fail "127.53.1.7 answers" || ok "127.53.1.7 dead"
for n in 1 2 3 4; do
    t0=$(date +%s%N); dig +tries=1 +time=3 @127.53.2.$n www.h.dplab A >/dev/null 2>&1; t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    [ $ms -ge "${DPLAB_DELAY_MS:-50}" ] && ok "127.53.2.$n delayed (${ms} ms)" || fail "127.53.2.$n not delayed (${ms} ms)"
done
[ "$(dig +short +tcp +tries=1 +time=3 @127.53.2.1 www.h.dplab A)" = 127.25.0.1 ] && ok "127.53.2.1 TCP through delay proxy" || fail "127.53.2.1 TCP"
# hostile fixtures: dig must not get a clean answer from any of them
for n in 1 2 3 5; do
    dig +tries=1 +time=1 @127.53.9.$n www.h.dplab A 2>&1 | grep -q 'status: NOERROR' \
        && fail "127.53.9.$n hostile fixture gave a clean answer" || ok "127.53.9.$n hostile fixture: no usable answer"
done
[[ " $(flags +tcp @127.53.9.4 www.h.dplab A) " == *" tc "* ]] && ok "127.53.9.4 TC=1 over TCP too" || fail "127.53.9.4 no TC over TCP"
dig +tries=1 +time=1 @127.53.9.6 www.h.dplab A 2>&1 | grep -qi 'malformed\|extra bytes\|FORMERR' \
    && ok "127.53.9.6 malformed answer" || fail "127.53.9.6 answer parses cleanly"
}
spawn resolver_checks
wait

cat "$TMP"/*
PASS=$(cat "$TMP"/* | grep -c '^ok ')
FAILN=$(cat "$TMP"/* | grep -c '^FAIL ')
echo "$PASS passed, $FAILN failed"
[ "$FAILN" = 0 ]
