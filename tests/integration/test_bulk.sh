#!/bin/bash
# test_bulk.sh DANEPROBE - `verify --from-file F -j N` for a mail team
# (issue 13): output in input order (-j 64 over shuffled input gives the
# bytes -j 1 gives), the summary, CSV, input lines cleaned or refused
# with FILE:LINE, and the progress bar (rate, ETA) on a terminal only,
# shown through tmux.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_bulk "${1:-./daneprobe}"
BULK=${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}/bulk-domains.txt
[ -r "$BULK" ] || { bad "$BULK missing (is the lab up?)"; finish; }
dp() { inlab "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" --timeout 3000 "$@"; }
printf 'resolvers:\n  - {name: validating, address: 127.53.1.1}\n' >"$TMP/lab.yaml"

# ---- input order: 150 bulk domains and every outcome of the lab, shuffled ----
{ head -150 "$BULK"; printf '%s\n' sss-ok.dplab sss-fail.dplab ssi.dplab ssn.dplab b.dplab \
	nullmx.dplab nx.dplab iss-ok.ins.dplab sb.dplab; } | shuf --random-source=<(yes) >"$TMP/in.txt"
n=$(wc -l <"$TMP/in.txt")
# (COLUMNS=1000: one finding per line for the greps below; test_width.sh
# checks the wrapping.)
export COLUMNS=1000
for fmt in text csv; do
	dp --format $fmt verify --from-file "$TMP/in.txt" -j 1 >"$TMP/j1.$fmt" 2>"$TMP/j1.err"
	rc1=$?
	dp --format $fmt verify --from-file "$TMP/in.txt" -j 64 >"$TMP/j64.$fmt" 2>"$TMP/j64.err"
	rc64=$?
	if cmp -s "$TMP/j1.$fmt" "$TMP/j64.$fmt" && [ "$rc1" = "$rc64" ] && [ -s "$TMP/j1.$fmt" ]; then
		ok "$fmt: -j 64 over $n shuffled domains gives the bytes of -j 1 (rc $rc1)"
	else
		bad "$fmt: -j 1 and -j 64 differ (rc $rc1/$rc64): $(diff "$TMP/j1.$fmt" "$TMP/j64.$fmt" | head -5)"
	fi
done
tail -n +2 "$TMP/j1.csv" | cut -d, -f1 >"$TMP/csvorder.txt"
cmp -s "$TMP/csvorder.txt" "$TMP/in.txt" && ok "csv: one row per domain, in input order" \
	|| bad "csv rows not in input order: $(diff "$TMP/in.txt" "$TMP/csvorder.txt" | head -4)"
head -1 "$TMP/j1.csv" | grep -q '^domain,outcome,opportunistic,mandatory,mx_status,mx_hosts,resolver,reason' \
	&& ok "csv: the header names the columns" || bad "csv header: $(head -1 "$TMP/j1.csv")"
# The outcomes in plain words: a null MX and an NXDOMAIN take no mail.
grep -q '^nullmx.dplab,no-mail,' "$TMP/j1.csv" && grep -q '^nx.dplab,no-mail,' "$TMP/j1.csv" \
	&& grep -q '^sss-fail.dplab,dane-fail,' "$TMP/j1.csv" && grep -q '^ssi.dplab,fallback-tls,fallback-tls,dane-fail,' "$TMP/j1.csv" \
	&& ok "csv: outcomes (no-mail for null MX and NXDOMAIN, dane-fail, fallback-tls)" \
	|| bad "csv outcomes: $(grep -E '^(nullmx|nx|sss-fail|ssi)\.' "$TMP/j1.csv")"
grep -q "^Policy DANE Opportunistic: no mail: nullmx.dplab accepts no mail (null MX, RFC 7505)" "$TMP/j1.text" \
	&& ! grep -A1 "^Policy DANE Opportunistic: no mail: nullmx" "$TMP/j1.text" | grep -q "DANE Fail" \
	&& ok "text: a null MX is 'no mail', not DANE Fail" || bad "null MX text: $(grep -A2 'null MX' "$TMP/j1.text" | head -4)"

# ---- summary: asked for, or not on a pipe ----
grep -q '^summary' "$TMP/j1.text" && bad "summary printed on a pipe without --summary" \
	|| ok "no summary on a pipe by default"
dp verify --from-file "$TMP/in.txt" -j 16 --summary >"$TMP/sum.txt" 2>&1
tail -1 "$TMP/sum.txt" | grep -qE "^summary: $n domains \(opportunistic\): [0-9]+ dane-success, [0-9]+ fallback-tls, [0-9]+ dane-fail, 2 no-mail$" \
	&& ok "--summary: the final count by outcome" || bad "--summary: $(tail -2 "$TMP/sum.txt")"

# ---- input lines cleaned, or refused with FILE:LINE ----
printf '# destinations\n\nuser@sss-ok.dplab\nhttp://ssi.dplab/path\n  <x@b.dplab>  # a comment\n' >"$TMP/clean.txt"
dp --format csv verify --from-file "$TMP/clean.txt" >"$TMP/clean.csv" 2>&1
[ "$(tail -n +2 "$TMP/clean.csv" | cut -d, -f1 | tr '\n' ' ')" = "sss-ok.dplab ssi.dplab b.dplab " ] \
	&& ok "input: addresses and URLs give their domain; comments and blanks skipped" \
	|| bad "input cleaning: $(cat "$TMP/clean.csv")"
printf 'sss-ok.dplab\nfoo bar\n' >"$TMP/bad.txt"
check "input: 'foo bar' refused with FILE:LINE" 3 "verify: --from-file $TMP/bad.txt:2: \"foo bar\": more than one word" \
	dp verify --from-file "$TMP/bad.txt"

# ---- progress bar: on a terminal (tmux), never on a pipe ----
grep -q 'ETA' "$TMP/j64.err" && bad "a progress bar went to a file: $(head -c 200 "$TMP/j64.err")" \
	|| ok "no progress bar when stderr is not a terminal"
if command -v tmux >/dev/null; then
	S=dpbulk$$
	head -400 "$BULK" >"$TMP/bar.txt"
	tmux new-session -d -s "$S" -x 100 -y 20 \
		"$(printf '%q ' "${INLAB[@]}" "$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" verify --from-file "$TMP/bar.txt" -j 1) >/dev/null; sleep 30"
	seen=""
	for _ in $(seq 1 100); do
		seen=$(tmux capture-pane -p -t "$S" 2>/dev/null | grep -E '\] +[0-9]+/400 +[0-9]+% [0-9.]+/s ETA [0-9]+:[0-9]{2}' | tail -1)
		[ -n "$seen" ] && break
		sleep 0.2
	done
	tmux kill-session -t "$S" 2>/dev/null
	[ -n "$seen" ] && [ "${#seen}" -le 100 ] && ok "tmux: the progress bar with rate and ETA: '$seen'" \
		|| bad "tmux: no progress bar with rate and ETA on the terminal"
else
	bad "tmux is not installed (tests/deps.sh)"
fi
# ---- a list runs without glibc's per-thread caches (issue 16) ----
# verify starts itself once more with GLIBC_TUNABLES tcache_count=0 when
# it may check more than one domain: peak RSS then stays flat however
# long the list (make bench measures it); one domain is not started
# again, nor is a run whose GLIBC_TUNABLES sets tcache_count already.
if command -v strace >/dev/null; then
	# reexecs NAME [VAR=VALUE] -- ARGS...: "count environment-of-the-reexec"
	reexecs() {
		local name=$1; shift
		local envs=()
		while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
		inlab env "${envs[@]}" strace -f -qq -v -s 400 -e trace=execve -o "$TMP/st.$name" \
			"$DP" -c "$TMP/lab.yaml" --anchors "$ANCHORS" "$@" >"$TMP/st.$name.out" 2>&1
		printf '%s %s\n' "$(grep -c 'execve("/proc/self/exe"' "$TMP/st.$name")" \
			"$(grep 'execve("/proc/self/exe"' "$TMP/st.$name" | grep -o 'GLIBC_TUNABLES=[^"]*' | head -1)"
	}
	r=$(reexecs list X=1 -- --format csv verify --from-file "$TMP/clean.txt")
	[ "$r" = "1 GLIBC_TUNABLES=glibc.malloc.tcache_count=0" ] && [ "$(tail -n +2 "$TMP/st.list.out" | wc -l)" = 3 ] \
		&& ok "--from-file: started again once, with tcache_count=0, and the 3 rows follow" \
		|| bad "--from-file re-exec: '$r', $(head -3 "$TMP/st.list.out")"
	r=$(reexecs two X=1 -- verify sss-ok.dplab ssi.dplab)
	[ "${r%% *}" = 1 ] && ok "two domains on the command line: started again" || bad "two domains: '$r'"
	r=$(reexecs one X=1 -- verify sss-ok.dplab)
	[ "${r%% *}" = 0 ] && grep -q 'DANE Success' "$TMP/st.one.out" \
		&& ok "one domain: not started again" || bad "one domain: '$r' $(head -2 "$TMP/st.one.out")"
	r=$(reexecs own GLIBC_TUNABLES=glibc.malloc.tcache_count=3 -- verify --from-file "$TMP/clean.txt")
	[ "${r%% *}" = 0 ] && ok "GLIBC_TUNABLES with tcache_count already: left as it is" || bad "preset tcache_count: '$r'"
	r=$(reexecs add GLIBC_TUNABLES=glibc.malloc.arena_max=4 -- verify --from-file "$TMP/clean.txt")
	[ "$r" = "1 GLIBC_TUNABLES=glibc.malloc.arena_max=4:glibc.malloc.tcache_count=0" ] \
		&& ok "other GLIBC_TUNABLES kept, tcache_count added" || bad "preset arena_max: '$r'"
else
	bad "strace is not installed (tests/deps.sh)"
fi
finish
