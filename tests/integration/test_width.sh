#!/bin/bash
# test_width.sh DANEPROBE - no text line over the width (issue 13): the
# lab runs of probe, order, verify and check without -v, with COLUMNS at
# 80 and 100 (what a file or a pipe gets is 80; a terminal gives its own).
# Two kinds of line are whole by contract and so are not wrapped: the
# Nagios status line of check (line one: status and perfdata, per the
# plugin guidelines) and the appliance's daneverify lines of verify,
# which stay exactly as SPEC section 7 gives them; those are counted
# apart, and the lab's are short enough to fit anyway except check's.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_width "${1:-./daneprobe}"
sed "s#/tmp/dplab/#${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}/#" "$HERE/../../configs/lab.yaml" >"$TMP/lab.yaml"
dp() { inlab "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" "$@"; }

# over FILE WIDTH SKIP: lines of FILE longer than WIDTH, the first SKIP
# lines excepted.
over() { tail -n +$(( $3 + 1 )) "$1" | awk -v w="$2" 'length($0) > w' ; }

for w in 80 100; do
	COLUMNS=$w dp probe >"$TMP/probe.$w" 2>&1
	COLUMNS=$w dp order >"$TMP/order.$w" 2>&1
	COLUMNS=$w dp verify sss-ok.dplab sss-fail.dplab ssi.dplab ssb.dplab nullmx.dplab isb.ins.dplab b.dplab >"$TMP/verify.$w" 2>&1
	COLUMNS=$w dp check >"$TMP/check.$w" 2>&1
	for c in probe order verify check; do
		skip=0; [ $c = check ] && skip=1
		long=$(over "$TMP/$c.$w" $w $skip)
		lines=$(wc -l <"$TMP/$c.$w")
		if [ -z "$long" ] && [ "$lines" -gt 5 ]; then
			ok "$c at $w columns: $lines lines, none over $w"
		else
			bad "$c at $w columns: $(printf '%s\n' "$long" | wc -l) lines over $w: $(printf '%s\n' "$long" | head -2)"
		fi
	done
done
# The matrix: one block at 100 columns, two at 80; the legend under it.
[ "$(grep -c '^RESOLVER ' "$TMP/probe.100")" = 1 ] && [ "$(grep -c '^RESOLVER ' "$TMP/probe.80")" = 2 ] \
	&& grep -q '^legend: ' "$TMP/probe.80" && ok "matrix: one block at 100, two at 80, with the legend" \
	|| bad "matrix blocks: $(grep -c '^RESOLVER ' "$TMP/probe.100")/$(grep -c '^RESOLVER ' "$TMP/probe.80")"
# The appliance's lines are the same at both widths (never wrapped).
diff <(grep -E '^(SECURE|INSECURE|BOGUS|Connecting|Connected|Checking|TLS|Certificate|DANE|Trying)' "$TMP/verify.80") \
     <(grep -E '^(SECURE|INSECURE|BOGUS|Connecting|Connected|Checking|TLS|Certificate|DANE|Trying)' "$TMP/verify.100") >/dev/null \
	&& ok "verify: the daneverify lines are the same at 80 and 100 columns" || bad "verify: daneverify lines changed with the width"
# Colour: none in a file, even with NO_COLOR unset; --color=always gives
# it, NO_COLOR does not override an explicit --color=always.
grep -q $'\033' "$TMP/probe.80" && bad "colour escapes in a file" || ok "no colour when stdout is not a terminal"
NO_COLOR=1 dp --color=always probe 127.53.1.1 >"$TMP/col" 2>&1
grep -q $'\033\[32mok\033\[0m' "$TMP/col" && ok "--color=always colours the matrix (over NO_COLOR)" || bad "--color=always: no colour"
# --quiet: the status line only.
dp --quiet probe >"$TMP/q" 2>&1
[ "$(wc -l <"$TMP/q")" -le 2 ] && grep -q '^probe: 5 of 7 resolvers DANE-safe; not DANE-safe: dnsmasq-strip' "$TMP/q" \
	&& ok "probe --quiet: the status line" || bad "probe --quiet: $(head -3 "$TMP/q")"
dp --quiet check >"$TMP/qc" 2>&1
[ "$(wc -l <"$TMP/qc")" = 1 ] && grep -q '^DANEPROBE CRITICAL - ' "$TMP/qc" && ok "check --quiet: the Nagios line only" \
	|| bad "check --quiet: $(head -3 "$TMP/qc")"
finish
