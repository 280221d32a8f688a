#!/bin/bash
# tests/prometheus/run.sh - the shipped alert rules against promtool (the
# Prometheus project's own checker, Debian package prometheus):
#   - promtool check rules contrib/prometheus-alerts.yml: valid, no lint;
#   - promtool test rules alerts_test.yml: each alert fires when it should
#     (staleness included) and none fires on a healthy gateway;
#   - the test file really tests: with the staleness threshold moved, the
#     same tests fail.
# Needs no lab.  Prints "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok()  { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }
rules=contrib/prometheus-alerts.yml tests=tests/prometheus/alerts_test.yml

if ! command -v promtool >/dev/null; then
	bad "promtool not installed (tests/deps.sh installs Debian's prometheus)"
	echo "$pass passed, $fail failed"; exit 1
fi
out=$(promtool check rules "$rules" 2>&1); rc=$?
n=$(sed -n 's/.*SUCCESS: \([0-9]*\) rules found.*/\1/p' <<<"$out")
if [ $rc -eq 0 ] && [ -n "$n" ] && ! grep -qiE 'warn|fail|error' <<<"$out"; then
	ok "promtool check rules $rules: $n rules, nothing reported"
else
	bad "promtool check rules $rules (exit $rc): $out"
fi
grep -q 'daneprobe_last_run_timestamp_seconds' "$rules" && ok "a staleness rule on daneprobe_last_run_timestamp_seconds" \
	|| bad "no rule on daneprobe_last_run_timestamp_seconds (staleness)"

out=$(promtool test rules "$tests" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "promtool test rules $tests" || bad "promtool test rules (exit $rc): $(head -30 <<<"$out")"

# Every alert of the rules file is exercised by the test file.
for a in $(sed -n 's/^ *- alert: *//p' "$rules"); do
	grep -q "alertname: $a\b" "$tests" && ok "alert $a is tested" || bad "alert $a has no test in $tests"
done

# The tests can fail: the same tests against rules whose staleness
# threshold is an hour instead of 20 minutes.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/contrib" "$tmp/tests/prometheus"
cp "$tests" "$tmp/tests/prometheus/"
sed 's/daneprobe_last_run_timestamp_seconds > 1200/daneprobe_last_run_timestamp_seconds > 3600/' "$rules" >"$tmp/contrib/prometheus-alerts.yml"
if cmp -s "$rules" "$tmp/contrib/prometheus-alerts.yml"; then
	bad "could not move the staleness threshold in a copy of $rules"
elif out=$(promtool test rules "$tmp/tests/prometheus/alerts_test.yml" 2>&1); then
	bad "promtool test rules passes with the staleness threshold at 1 h: the test does not test it"
else
	grep -q 'DaneprobeNotRunning' <<<"$out" && ok "a moved staleness threshold fails the rules test (DaneprobeNotRunning)" \
		|| bad "moved threshold: promtool failed, but not on DaneprobeNotRunning: $(head -5 <<<"$out")"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
