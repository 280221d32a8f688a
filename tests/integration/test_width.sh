#!/bin/bash
# test_width.sh DANEPROBE - no text line over the width (issue 13): the
# lab runs of probe, order, verify, check, tlsa-check, lookup and anchor
# without -v, with COLUMNS at 80 and 100 (what a file or a pipe gets is
# 80; a terminal gives its own), and in a real 80-column tmux pane.
# Three kinds of line are whole by contract and so are not wrapped: the
# Nagios status line of check (line one: status and perfdata, per the
# plugin guidelines), the appliance's daneverify lines of verify, which
# stay exactly as SPEC section 7 gives them, and lookup's records, which
# are zone-file lines (as dig prints them: they can be pasted into a
# zone); lookup's own ";" comment lines must fit.  Then --quiet and
# colour on every command that prints text (NO_COLOR, --color, a pipe).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_width "${1:-./daneprobe}"
sed "s#/tmp/dplab/#${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}/#" "$HERE/../../configs/lab.yaml" >"$TMP/lab.yaml"
dp() { inlab "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" "$@"; }
CERTS=$(dirname "$ANCHORS")/certs

# over FILE WIDTH SKIP: lines of FILE longer than WIDTH, the first SKIP
# lines excepted.
over() { tail -n +$(( $3 + 1 )) "$1" | awk -v w="$2" 'length($0) > w' ; }

for w in 80 100; do
	COLUMNS=$w dp probe >"$TMP/probe.$w" 2>&1
	COLUMNS=$w dp order >"$TMP/order.$w" 2>&1
	COLUMNS=$w dp verify sss-ok.dplab sss-fail.dplab ssi.dplab ssb.dplab nullmx.dplab isb.ins.dplab b.dplab >"$TMP/verify.$w" 2>&1
	COLUMNS=$w dp check >"$TMP/check.$w" 2>&1
	# tlsa-check: a new key (NO MATCH, records to publish), the DANE-TA
	# chain (MATCH one step up, the one-key warning), bogus records.
	{ COLUMNS=$w dp tlsa-check --cert "$CERTS/ee2.pem" sss-ok.dplab
	  COLUMNS=$w dp tlsa-check --cert "$CERTS/ta-chain.pem" mx-ta2.h.dplab
	  COLUMNS=$w dp tlsa-check --cert "$CERTS/ee1.pem" mx-tb.h.dplab; } >"$TMP/tlsa-check.$w" 2>&1
	# lookup: the comment lines (a bogus reason is long); records apart.
	{ for q in "b.dplab MX" "ii.ins.dplab MX" "sss-ok.dplab MX" "nx.dplab A" "_25._tcp.mx-ok.h.dplab TLSA"; do
		# shellcheck disable=SC2086
		COLUMNS=$w dp lookup $q
	  done; } 2>&1 | grep '^;' >"$TMP/lookup.$w"
	COLUMNS=$w "$DP" --now @1795392000 anchor status --state "$TMP/none.state" >"$TMP/anchor.$w" 2>&1
	for c in probe order verify check tlsa-check lookup anchor; do
		skip=0; [ $c = check ] && skip=1
		long=$(over "$TMP/$c.$w" $w $skip)
		lines=$(wc -l <"$TMP/$c.$w")
		if [ -z "$long" ] && [ "$lines" -gt 4 ]; then
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
dp --quiet tlsa-check --cert "$CERTS/ee2.pem" sss-ok.dplab >"$TMP/qt" 2>&1
[ "$(wc -l <"$TMP/qt")" = 1 ] && grep -q '^NO MATCH for mx-ok.h.dplab: ' "$TMP/qt" \
	&& ok "tlsa-check --quiet: the NO MATCH line only" || bad "tlsa-check --quiet: $(head -3 "$TMP/qt")"
dp --quiet lookup b.dplab MX >"$TMP/ql" 2>&1
[ "$(grep -vc '^;' "$TMP/ql")" = 0 ] && grep -q '^; bogus: b.dplab/MX' "$TMP/ql" \
	&& ok "lookup --quiet: the verdict comments, no records" || bad "lookup --quiet: $(head -3 "$TMP/ql")"
"$DP" --quiet --now @1795392000 anchor status --state "$TMP/none.state" >"$TMP/qa" 2>&1
[ "$(wc -l <"$TMP/qa")" = 1 ] && grep -q '^trust point \.: warning ' "$TMP/qa" \
	&& ok "anchor --quiet: the trust point line only" || bad "anchor --quiet: $(head -3 "$TMP/qa")"
# Colour on request for each (over NO_COLOR), none in a file.
NO_COLOR=1 dp --color=always tlsa-check --cert "$CERTS/ee2.pem" sss-ok.dplab >"$TMP/ct" 2>&1
NO_COLOR=1 dp --color=always lookup b.dplab MX >"$TMP/cl" 2>&1
NO_COLOR=1 "$DP" --color=always --now @1795392000 anchor status --state "$TMP/none.state" >"$TMP/ca" 2>&1
grep -q $'^\033\[1;31mNO MATCH\033\[0m for ' "$TMP/ct" && grep -q $'^; \033\[1;31mbogus\033\[0m: ' "$TMP/cl" \
	&& grep -q $'^trust point \.: \033\[33mwarning\033\[0m ' "$TMP/ca" \
	&& ok "--color=always colours the verdicts of tlsa-check, lookup and anchor" \
	|| bad "--color=always: $(head -1 "$TMP/ct" | cat -v) / $(head -1 "$TMP/cl" | cat -v) / $(head -1 "$TMP/ca" | cat -v)"
cat "$TMP"/tlsa-check.80 "$TMP"/lookup.80 "$TMP"/anchor.80 | grep -q $'\033' && bad "colour escapes in a file" \
	|| ok "tlsa-check, lookup, anchor: no colour in a file"

# ---- a real terminal (tmux): 80 columns, colour unless NO_COLOR ----
# tmux wraps a line longer than the pane: capture-pane -J joins those
# again, so a run that fits gives as many lines with -J as without.
if command -v tmux >/dev/null; then
	S=dpwidth$$
	term() {   # term ENV... -- ARGS...: daneprobe ARGS in an 80x200 pane; its screen (escapes kept)
		local envs=()
		while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
		tmux new-session -d -s "$S" -x 80 -y 200 \
			"env -u COLUMNS ${envs[*]} $(printf '%q ' "${INLAB[@]}" "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" "$@"); echo __END__; sleep 30"
		for _ in $(seq 1 150); do
			tmux capture-pane -p -t "$S" | grep -q __END__ && break
			sleep 0.2
		done
		tmux capture-pane -p -e -t "$S" >"$TMP/pane"
		tmux capture-pane -p -J -t "$S" >"$TMP/panej"
		tmux capture-pane -p -t "$S" >"$TMP/panep"
		tmux kill-session -t "$S" 2>/dev/null
	}
	for args in "tlsa-check --cert $CERTS/ta-chain.pem mx-ta2.h.dplab" "verify sss-fail.dplab" "probe" "lookup b.dplab MX"; do
		# shellcheck disable=SC2086
		term TERM=xterm -- $args
		n=$(grep -c . "$TMP/panep"); nj=$(grep -c . "$TMP/panej")
		if grep -q __END__ "$TMP/panep" && [ "$n" -gt 3 ] && { [ "$n" = "$nj" ] || [ "${args%% *}" = lookup ]; }; then
			ok "tmux 80 columns: ${args%% *}: $n lines, none wrapped by the terminal"
		else
			bad "tmux 80 columns: ${args%% *}: $n screen lines, $nj joined"
		fi
	done
	# lookup's records are whole zone-file lines; its comments fit.
	[ "$(grep -c '^;' "$TMP/panep")" = "$(grep -c '^;' "$TMP/panej")" ] && ok "tmux: lookup's comment lines fit 80 columns" \
		|| bad "tmux: lookup's comments wrapped: $(grep '^;' "$TMP/panej" | head -2)"
	# (tmux re-renders the attributes: bold and red come back apart)
	grep -qE $'\033\\[(1;31|1m\033\\[31)mbogus' "$TMP/pane" && ok "tmux: colour on a terminal (lookup)" || bad "tmux: no colour on the terminal"
	term TERM=xterm NO_COLOR=1 -- lookup b.dplab MX
	grep -q __END__ "$TMP/panep" && ! grep -qE $'\033\\[(1;)?31m' "$TMP/pane" && ok "tmux: NO_COLOR=1 turns the colour off" \
		|| bad "tmux: colour despite NO_COLOR: $(head -2 "$TMP/pane" | cat -v)"
else
	bad "tmux is not installed (tests/deps.sh)"
fi
finish
