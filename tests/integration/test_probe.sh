#!/bin/bash
# test_probe.sh DANEPROBE - `daneprobe probe` against the lab resolvers
# (run with the lab up).  Checks each lab resolver's class and dane_safe,
# the reason that names the Bogus MX behind the RRSIG-stripping forwarder,
# the exit codes, and that the hostile fixtures (garbage, wrong ID, wrong
# source, endless TC, silence, malformed) give a clear failure within the
# timeout and never a crash.  Prints ok/FAIL lines and ends with exactly
# "N passed, M failed"; exits nonzero on failure.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_probe "${1:-./daneprobe}"

# The lab's probe names (tests/lab/mkzones.py).
lab_probe_yaml 1500 full >"$TMP/names.yaml"

# jq-like field access with python3: field FILE ADDRESS KEY
field() {
	python3 - "$@" <<'PY'
import json, sys
f, addr, key = sys.argv[1:4]
try:
    d = json.load(open(f))
except Exception as e:
    print("BADJSON"); sys.exit(0)
for r in d.get("resolvers", []):
    if r["address"] == addr:
        v = r.get(key)
        if isinstance(v, bool): print("true" if v else "false")
        elif isinstance(v, list): print("|".join(str(x) for x in v))
        else: print(v)
        break
else:
    print("MISSING")
PY
}

# ---- the lab resolvers, all at once ----
t0=$(date +%s%N)
inlab "$DP" -c "$TMP/names.yaml" --anchors "$ANCHORS" --format json probe \
	127.53.1.1 127.53.1.2 127.53.1.3 127.53.1.4 127.53.1.5 127.53.1.6 127.53.1.7 \
	>"$TMP/all.json" 2>"$TMP/all.err"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$rc" -le 3 ] && ok "probe of 7 lab resolvers exits $rc (no crash) in $ms ms" \
	|| { bad "probe of the lab resolvers crashed (rc $rc): $(head -3 "$TMP/all.err")"; finish; }

expect() {   # ADDRESS CLASS DANE_SAFE WHAT
	local c s
	c=$(field "$TMP/all.json" "$1" class)
	s=$(field "$TMP/all.json" "$1" dane_safe)
	if [ "$c" = "$2" ] && [ "$s" = "$3" ]; then
		ok "$1 ($4): class $c, dane_safe $s"
	else
		bad "$1 ($4): class $c dane_safe $s, want $2 $3; reasons: $(field "$TMP/all.json" "$1" reasons)"
	fi
}
expect 127.53.1.1 validating true "validating unbound"
expect 127.53.1.2 aware true "non-validating unbound"
expect 127.53.1.3 aware true "AD-clearing dnsmasq"
expect 127.53.1.4 non-dnssec false "RRSIG-stripping, TLSA-filtering dnsmasq"
expect 127.53.1.5 partial true "permissive unbound"
expect 127.53.1.7 unreachable false "dead address"
c=$(field "$TMP/all.json" 127.53.1.6 class)
[ "$c" = partial ] && ok "127.53.1.6 (small EDNS, no TCP): class partial" \
	|| bad "127.53.1.6 (small EDNS, no TCP): class $c, want partial"

tags=$(field "$TMP/all.json" 127.53.1.5 tags)
case "|$tags|" in *"|permissive|"*) ok "127.53.1.5 has the permissive tag";;
	*) bad "127.53.1.5 tags '$tags' lack permissive";; esac
tags=$(field "$TMP/all.json" 127.53.1.6 tags)
case "|$tags|" in *"|no-tcp|"*"small-edns|"*) ok "127.53.1.6 tags: $tags";;
	*) bad "127.53.1.6 tags '$tags' lack no-tcp/small-edns";; esac
reasons=$(field "$TMP/all.json" 127.53.1.4 reasons)
case "$reasons" in *"BOGUS MX record for sss-ok.dplab"*"RRSIG missing"*) ok "127.53.1.4 reason names the Bogus MX and the missing RRSIG";;
	*) bad "127.53.1.4 reasons do not name the Bogus MX: $reasons";; esac
case "$reasons" in *"TLSA"*"type 52"*) ok "127.53.1.4 reason names the filtered TLSA";;
	*) bad "127.53.1.4 reasons do not name the TLSA filter: $reasons";; esac

# Test-level results the classes rest on.
tres() {   # ADDRESS TEST -> result
	python3 - "$TMP/all.json" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["resolvers"]:
    if r["address"] == sys.argv[2]:
        for t in r["tests"]:
            if t["name"] == sys.argv[3]: print(t["result"])
PY
}
for t in udp tcp edns0 do ad dnskey ds nsec nsec3 tlsa bogus chain; do
	r=$(tres 127.53.1.1 $t)
	[ "$r" = pass ] && ok "127.53.1.1 $t: pass" || bad "127.53.1.1 $t: $r"
done
[ "$(tres 127.53.1.4 do)" = fail ] && ok "127.53.1.4 do: fail (RRSIGs stripped)" || bad "127.53.1.4 do: $(tres 127.53.1.4 do)"
[ "$(tres 127.53.1.5 bogus)" = fail ] && ok "127.53.1.5 bogus: fail (bogus data returned)" || bad "127.53.1.5 bogus: $(tres 127.53.1.5 bogus)"
[ "$(tres 127.53.1.2 ad)" = fail ] && ok "127.53.1.2 ad: fail (does not validate)" || bad "127.53.1.2 ad: $(tres 127.53.1.2 ad)"

# ---- exit codes ----
probe_rc() { inlab "$DP" -c "$TMP/names.yaml" --anchors "$ANCHORS" --timeout 1000 probe "$@" >/dev/null 2>&1; echo $?; }
r=$(probe_rc 127.53.1.1 127.53.1.3); [ "$r" = 0 ] && ok "exit 0 when all are DANE-safe" || bad "all DANE-safe: exit $r, want 0"
r=$(probe_rc 127.53.1.1 127.53.1.4); [ "$r" = 1 ] && ok "exit 1 when a secondary is not DANE-safe" || bad "secondary unsafe: exit $r, want 1"
r=$(probe_rc 127.53.1.4 127.53.1.1); [ "$r" = 2 ] && ok "exit 2 when the primary is not DANE-safe" || bad "primary unsafe: exit $r, want 2"
r=$(probe_rc 127.53.1.7); [ "$r" = 3 ] && ok "exit 3 when nothing is reachable" || bad "nothing reachable: exit $r, want 3"
COLUMNS=100 inlab "$DP" -c "$TMP/names.yaml" --anchors "$ANCHORS" probe 127.53.1.1 >"$TMP/text" 2>&1
# At 100 columns the matrix is one block (at 80 it splits in two), keyed
# by the resolver's name (the address when it has
# none), with a legend of the 3-letter column heads (issue 13).
grep -q "^RESOLVER  *DANE udp tcp .* chn clk$" "$TMP/text" && grep -q "^127.53.1.1  *safe ok " "$TMP/text" \
	&& grep -q "^legend: ok passed, NO failed" "$TMP/text" \
	&& grep -q "^DANE-safe: 127.53.1.1 (127.53.1.1, priority 0): validating" "$TMP/text" \
	&& ok "text output: the matrix header, a row, the legend, the finding" || bad "text output has no matrix: $(head -3 "$TMP/text")"

# ---- the lab's own configuration (resolvers and names from configs/lab.yaml) ----
LABCFG=$HERE/../../configs/lab.yaml
if [ -r "$LABCFG" ]; then
	inlab "$DP" -c "$LABCFG" --anchors "$ANCHORS" --format json probe >"$TMP/cfg.json" 2>"$TMP/cfg.err"
	rc=$?
	n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["resolvers"]))' "$TMP/cfg.json" 2>/dev/null)
	[ "$rc" = 1 ] && [ -n "$n" ] && [ "$n" -ge 7 ] \
		&& ok "configs/lab.yaml: $n resolvers from the config, exit 1 (safe primary, unsafe secondaries)" \
		|| bad "configs/lab.yaml: exit $rc, ${n:-no} resolvers: $(head -3 "$TMP/cfg.err")"
	[ "$(field "$TMP/cfg.json" 127.53.1.4 dane_safe)" = false ] && [ "$(field "$TMP/cfg.json" 127.53.1.1 dane_safe)" = true ] \
		&& ok "configs/lab.yaml: the validating resolver is DANE-safe, the stripping one is not" \
		|| bad "configs/lab.yaml: dane_safe of .1/.4 wrong"
fi

# ---- hostile fixtures ----
timeout_ms=1000
t0=$(date +%s%N)
inlab "$DP" -c "$TMP/names.yaml" --anchors "$ANCHORS" --timeout $timeout_ms --format json probe \
	127.53.9.1 127.53.9.2 127.53.9.3 127.53.9.4 127.53.9.5 127.53.9.6 >"$TMP/hostile.json" 2>"$TMP/hostile.err"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$rc" -le 3 ] && ok "hostile fixtures: no crash (exit $rc)" || bad "hostile fixtures: crash, rc $rc: $(head -3 "$TMP/hostile.err")"
[ "$ms" -lt $((timeout_ms * 4)) ] && ok "hostile fixtures: done in $ms ms (timeout $timeout_ms ms, all concurrent)" \
	|| bad "hostile fixtures took $ms ms with a $timeout_ms ms timeout"
for i in 1 2 3 4 5 6; do
	c=$(field "$TMP/hostile.json" 127.53.9.$i class)
	s=$(field "$TMP/hostile.json" 127.53.9.$i dane_safe)
	rs=$(field "$TMP/hostile.json" 127.53.9.$i reasons)
	case "$c" in broken|unreachable)
		if [ "$s" = false ] && [ -n "$rs" ]; then ok "127.53.9.$i: $c, not DANE-safe, reason: ${rs%%|*}"
		else bad "127.53.9.$i: $c but dane_safe $s, reasons '$rs'"; fi ;;
	*) bad "127.53.9.$i: class $c, want broken or unreachable";;
	esac
done
# ---- Prometheus text: the same verdicts as metrics ----
inlab "$DP" -c "$TMP/names.yaml" --anchors "$ANCHORS" --format prometheus probe 127.53.1.1 127.53.1.4 \
	>"$TMP/prom.txt" 2>"$TMP/prom.err"
rc=$?
if grep -qxE 'daneprobe_resolver_dane_safe\{resolver="127.53.1.1"(,name="[^"]*")?\} 1' "$TMP/prom.txt" &&
   grep -qxE 'daneprobe_resolver_dane_safe\{resolver="127.53.1.4"(,name="[^"]*")?\} 0' "$TMP/prom.txt" &&
   grep -qxE 'daneprobe_resolver_info\{resolver="127.53.1.4",class="non-dnssec"(,tags="[^"]*")?\} 1' "$TMP/prom.txt" &&
   grep -qx 'daneprobe_resolver_test_passed{resolver="127.53.1.4",test="do"} 0' "$TMP/prom.txt" &&
   grep -q '^# TYPE daneprobe_resolver_test_passed gauge$' "$TMP/prom.txt" &&
   ! grep -q -- ' -1$' "$TMP/prom.txt" && [ "$rc" -eq 1 ]; then
	ok "probe --format prometheus: dane_safe 1/0, class non-dnssec, test results without -1, exit 1 (secondary not DANE-safe)"
else
	bad "probe --format prometheus (rc $rc): $(head -c 400 "$TMP/prom.txt")"
fi
out=$(promtool check metrics <"$TMP/prom.txt" 2>&1) && [ -z "$out" ] \
	&& ok "probe --format prometheus: promtool check metrics reports nothing" || bad "promtool check metrics: $out"
# ---- probe names without the asked type: configuration, not resolver faults ----
# (issue 14) Each answer shape a test can get, from the real resolvers: a
# secure name with no A (b.dplab: NODATA), a bogus name that does not
# exist (NXDOMAIN), an unknown type the name lacks.  No resolver may be
# blamed for them; a bogus name with no A whose denial is valid (b.dplab,
# MX bogus only) is no "no-cd" fault either (NODATA with CD=1 honours CD).
# A bogus name whose denial itself is bogus (expired.dplab: expired
# signatures, no A) still finds the permissive resolver: the validating
# unbound answers SERVFAIL, so a NODATA from a validating resolver is bogus
# data passed on (RFC 4035 5.5).
ALL5="127.53.1.1 127.53.1.2 127.53.1.3 127.53.1.4 127.53.1.5"
names_with() {   # KEY VALUE...: the lab names with these lines replaced
	lab_probe_yaml 1500 | python3 -c 'import sys
subs = dict(a.split("=", 1) for a in sys.argv[1:])
for line in sys.stdin:
    k = line.strip().split(":")[0]
    print("    %s: %s" % (k, subs.pop(k)) if k in subs else line.rstrip("\n"))
for k, v in subs.items():
    print("    %s: %s" % (k, v))' "$@"
}
# shapes FILE: "address class tags safe test=result..." for the tests that
# ask a configured name of one type, plus the configuration flags.
shapes() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["resolvers"]:
    t = {x["name"]: x for x in r["tests"]}
    cfg = ",".join(n for n in ("udp", "tcp", "do", "cd", "unknown-type", "bogus")
                   if "configuration problem" in t[n]["detail"])
    print(r["address"], r["class"], ",".join(r["tags"]) or "-", r["dane_safe"],
          " ".join("%s=%s" % (n, t[n]["result"]) for n in ("udp", "do", "cd", "unknown-type", "bogus")), cfg)
PY
}
names_with "secure=[b.dplab]" "bogus=[nothere.h.dplab]" "unknown_type=www.h.dplab TYPE65000" >"$TMP/shapes.yaml"
inlab "$DP" -c "$TMP/shapes.yaml" --anchors "$ANCHORS" --format json probe $ALL5 >"$TMP/shapes.json" 2>"$TMP/shapes.err"
shapes "$TMP/shapes.json" >"$TMP/shapes.txt"
cfg_all="udp,tcp,do,cd,unknown-type,bogus"
if [ "$(sed -n 1p "$TMP/shapes.txt")" = "127.53.1.1 validating - True udp=skip do=skip cd=skip unknown-type=skip bogus=skip $cfg_all" ] \
   && [ "$(awk -v c="$cfg_all" '$NF == c' "$TMP/shapes.txt" | wc -l)" = 5 ] && ! grep -qE "udp=fail|do=fail|cd=fail|unknown-type=fail|bogus=fail|no-cd" "$TMP/shapes.txt"; then
	ok "names without the asked type (NODATA A, NXDOMAIN bogus, NODATA TYPE65000): configuration problems on all 5 resolvers, no resolver blamed, the validating unbound stays validating"
else
	bad "names without the asked type: $(tr '\n' ';' <"$TMP/shapes.txt") $(head -2 "$TMP/shapes.err")"
fi
# The text says it once per test, without -v, where the operator fixes it.
COLUMNS=1000 inlab "$DP" -c "$TMP/shapes.yaml" --anchors "$ANCHORS" probe $ALL5 >"$TMP/shapes.out" 2>&1
n=$(grep -c "^probe.names: " "$TMP/shapes.out")
if [ "$n" = 6 ] && grep -q "^probe.names: udp: configuration problem .*b.dplab A over UDP: NODATA$" "$TMP/shapes.out" \
   && grep -q "^probe.names: bogus: configuration problem .*nothere.h.dplab A with CD=0: NXDOMAIN" "$TMP/shapes.out"; then
	ok "text: each configuration problem once (6 tests), naming the probe name and what came back"
else
	bad "text configuration notes ($n): $(grep "^probe.names" "$TMP/shapes.out" | head -3)"
fi
names_with "bogus=[b.dplab]" >"$TMP/nodata.yaml"
inlab "$DP" -c "$TMP/nodata.yaml" --anchors "$ANCHORS" --format json probe $ALL5 >"$TMP/nodata.json" 2>"$TMP/nodata.err"
shapes "$TMP/nodata.json" >"$TMP/nodata.txt"
if [ "$(grep -c " cd=pass .* bogus=skip [a-z,-]*bogus$" "$TMP/nodata.txt")" = 5 ] && ! grep -q "no-cd" "$TMP/nodata.txt" \
   && grep -q "^127.53.1.1 validating - True " "$TMP/nodata.txt"; then
	ok "bogus name without an A (b.dplab, NODATA): CD honoured on all 5 resolvers (no no-cd), the bogus test a configuration problem"
else
	bad "bogus name without an A: $(tr '\n' ';' <"$TMP/nodata.txt")"
fi
names_with "bogus=[expired.dplab]" >"$TMP/bdenial.yaml"
inlab "$DP" -c "$TMP/bdenial.yaml" --anchors "$ANCHORS" --client ad --format json probe $ALL5 >"$TMP/bdenial.json" 2>"$TMP/bdenial.err"
shapes "$TMP/bdenial.json" >"$TMP/bdenial.txt"
why=$(field "$TMP/bdenial.json" 127.53.1.5 reasons)
if grep -q "^127.53.1.5 partial permissive False .* bogus=fail [a-z,-]*$" "$TMP/bdenial.txt" && grep -q "^127.53.1.1 validating - True .* bogus=pass [a-z,-]*$" "$TMP/bdenial.txt" \
   && printf '%s' "$why" | grep -q "permissive validator.*downgrade" && ! grep -q "no-cd" "$TMP/bdenial.txt"; then
	ok "bogus name whose denial is bogus (expired.dplab, no A): the permissive unbound is found (NODATA instead of SERVFAIL) and is a downgrade under --client ad"
else
	bad "bogus denial: $(tr '\n' ';' <"$TMP/bdenial.txt") reason: ${why:0:200}"
fi
finish
