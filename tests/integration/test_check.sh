#!/bin/bash
# test_check.sh DANEPROBE - `daneprobe check` in the lab:
# - line one is the Nagios/Icinga plugin line for each status the lab can
#   give (ok, warning, critical, unknown): the status word, a summary of
#   at most 200 characters, perfdata in the guidelines' syntax; --brief
#   stays under 1 KB;
# - a validating primary (127.53.1.1) with a non-DNSSEC secondary (the
#   RRSIG-stripping 127.53.1.4) is a warning: exit 1, status "warning" in
#   JSON, the Prometheus text file written (clean under promtool), and the
#   webhook (a python3 http.server on 127.0.0.1 in the lab namespace)
#   receives exactly one POST, with the bearer header from the header file;
# - an unchanged second run posts nothing; a different failing resolver
#   at the same status posts once, naming what went bad and what
#   recovered; a healthy setup posts the recovery;
# - a missing state directory is created; an unwritable one is a warning
#   and never posts, however often check runs.
# Prints ok/FAIL lines and ends with exactly "N passed, M failed"; exits
# nonzero on failure.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_check "${1:-./daneprobe}"
PORT=$((20000 + $$ % 20000))
HOOK_PID=
cleanup() {
	[ -n "$HOOK_PID" ] && kill "$HOOK_PID" 2>/dev/null && wait "$HOOK_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# The webhook: appends each POST body as one line to $TMP/posts and its
# Authorization header to $TMP/auth.
cat >"$TMP/hook.py" <<'PY'
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2] + ".auth", "a") as f:
            f.write(str(self.headers.get("Authorization")) + "\n")
        with open(sys.argv[2], "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
PY
: >"$TMP/posts"
# Started without a subshell, so $! is the server itself (lab exec and
# ip netns exec both exec in place) and the cleanup can stop it by pid.
"$LAB" exec python3 "$TMP/hook.py" "$PORT" "$TMP/posts" </dev/null >/dev/null 2>&1 &
HOOK_PID=$!
for _ in $(seq 50); do
	inlab python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null && break
	sleep 0.1
done
echo "Authorization: Bearer t0ken-for-test" >"$TMP/hook.header"

config() {   # SECONDARY -> $TMP/check.yaml
	cat >"$TMP/check.yaml" <<EOF2
resolvers:
  - name: primary
    address: 127.53.1.1
    priority: 0
  - name: secondary
    address: $1
    priority: 10
$(lab_probe_yaml 1500)
alert:
  webhook: http://127.0.0.1:$PORT/hook
  webhook_header_file: $TMP/hook.header
  prometheus_textfile: $TMP/prom/daneprobe.prom
EOF2
}
mkdir -p "$TMP/prom"
check() { inlab "$DP" -c "$TMP/check.yaml" --anchors "$ANCHORS" check --state-dir "$TMP/state" "$@"; }
posts() { wc -l <"$TMP/posts" | tr -d ' '; }
# nagios NAME FILE STATUS: line one of FILE is the plugin line for STATUS.
nagios() {
	local why
	if why=$(python3 "$HERE/nagios_line.py" "$2" "$3" 2>&1); then
		ok "$1: Nagios line one: $(head -1 "$2" | cut -c1-90)..."
	else
		bad "$1: Nagios line: $why; line: $(head -1 "$2")"
	fi
}
# promclean NAME FILE: promtool check metrics reports nothing.
promclean() {
	local out
	if out=$(promtool check metrics <"$2" 2>&1) && [ -z "$out" ] && [ -s "$2" ]; then
		ok "$1: promtool check metrics reports nothing"
	else
		bad "$1: promtool check metrics: ${out:-empty file}"
	fi
}

# ---- a non-DNSSEC secondary: warning ----
config 127.53.1.4
check >"$TMP/out1" 2>"$TMP/err1"; rc=$?
[ "$rc" = 1 ] && ok "non-DNSSEC secondary: check exits 1 (warning)" || bad "check exit $rc, want 1: $(head -3 "$TMP/err1")"
nagios "warning" "$TMP/out1" WARNING
head -1 "$TMP/out1" | grep -q ' - not DANE-safe: 127.53.1.4 (secondary) | ' \
	&& ok "warning line names the unsafe secondary" || bad "warning line: $(head -1 "$TMP/out1")"
# The problems are findings wrapped to the width (80 on a file): joined
# back into one line each for the grep (test_width.sh checks the wrap).
awk '/^    / { sub(/^ +/, " "); printf "%s", $0; next } NR > 1 { print "" } { printf "%s", $0 } END { print "" }' \
	"$TMP/out1" >"$TMP/out1.joined"
grep -q '^  WARNING not DANE-safe 127.53.1.4 (secondary): secondary resolver, non-dnssec: .*RRSIG missing' "$TMP/out1.joined" \
	&& ok "the long text gives the reason" || bad "long text: $(sed -n 2,4p "$TMP/out1")"
sleep 0.3
[ "$(posts)" = 1 ] && ok "the webhook got exactly one POST" || bad "the webhook got $(posts) POSTs, want 1"
grep -qx 'Bearer t0ken-for-test' "$TMP/posts.auth" && ok "the POST carries the header from alert.webhook_header_file" \
	|| bad "Authorization header: $(cat "$TMP/posts.auth")"
python3 - "$TMP/posts" <<'PY' && ok "the POST: status warning, the unsafe secondary went bad with its reason, a text" || bad "POST body: $(head -c 600 "$TMP/posts")"
import json, sys
d = json.loads(open(sys.argv[1]).readline())
assert d["status"] == "warning" and d["exit_code"] == 1 and d["command"] == "check", d
assert d["previous_status"] is None
r = {x["address"]: x for x in d["resolvers"]}
assert r["127.53.1.4"]["dane_safe"] is False and r["127.53.1.1"]["dane_safe"] is True
assert [x["id"] for x in d["went_bad"]] == ["not-dane-safe 127.53.1.4"], d["went_bad"]
assert "RRSIG missing" in d["went_bad"][0]["reason"]
assert d["recovered"] == []
assert d["text"].startswith("daneprobe on ") and "WARNING" in d["text"] and "127.53.1.4" in d["text"]
PY
grep -q '^status=warning$' "$TMP/state/check.state" && ok "the state directory was created; it records warning" \
	|| bad "state file: $(cat "$TMP/state/check.state" 2>&1)"

check >"$TMP/out2" 2>"$TMP/err2"; rc=$?
sleep 0.3
[ "$rc" = 1 ] && ok "second run: exit 1 again" || bad "second run exit $rc"
[ "$(posts)" = 1 ] && ok "nothing changed: no second POST" || bad "unchanged problems posted again ($(posts) POSTs)"

# ---- brief ----
check --brief >"$TMP/brief" 2>/dev/null
n=$(wc -c <"$TMP/brief")
[ "$n" -lt 1024 ] && ok "--brief is $n bytes (< 1 KB for NRPE)" || bad "--brief is $n bytes"
nagios "--brief" "$TMP/brief" WARNING

# ---- JSON and Prometheus ----
check --format json >"$TMP/check.json" 2>/dev/null; rc=$?
python3 - "$TMP/check.json" "$rc" <<'PY' && ok "JSON: status warning = exit_code 1, anchors, probe, order, verify, problems" || bad "check JSON: $(head -c 300 "$TMP/check.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "warning" and d["exit_code"] == int(sys.argv[2]) == 1
assert d["schema"] == 1 and d["command"] == "check"
for k in ("anchors", "probe", "order", "verify", "problems", "alert"):
    assert k in d, k
assert len(d["probe"]["resolvers"]) == 2
assert d["order"]["changed"] is False
assert isinstance(d["verify"], list)
assert [p["id"] for p in d["problems"]] == ["not-dane-safe 127.53.1.4"]
assert d["nagios"].startswith("DANEPROBE WARNING - ")
PY
P="$TMP/prom/daneprobe.prom"
if grep -q '^daneprobe_status 1$' "$P" && grep -q '^daneprobe_resolver_dane_safe{resolver="127.53.1.4",name="secondary"} 0$' "$P" \
   && grep -q '^daneprobe_resolver_info{resolver="127.53.1.1",name="primary",class="validating"} 1$' "$P" \
   && grep -q '^daneprobe_resolver_test_passed{resolver="127.53.1.4",name="secondary",test="do"} 0$' "$P" \
   && grep -q '^daneprobe_anchor_key_state{trust_point=".",tag="[0-9]*",algorithm="13",state="valid"} 1$' "$P" \
   && grep -q '^# TYPE daneprobe_status gauge$' "$P" && ! grep -q -- ' -1$' "$P"; then
	ok "Prometheus text file: status, dane_safe, resolver info, test results, anchor keys; no -1"
else
	bad "Prometheus file: $(head -12 "$P" 2>&1)"
fi
promclean "Prometheus text file" "$P"
ls "$TMP/prom" | grep -q '\.tmp\.' && bad "temporary Prometheus file left behind" || ok "no temporary file next to the Prometheus file"
check --format prometheus >"$TMP/prom.txt" 2>/dev/null
grep -q '^daneprobe_status 1$' "$TMP/prom.txt" && ok "--format prometheus prints the metrics" || bad "--format prometheus: $(head -3 "$TMP/prom.txt")"
promclean "check --format prometheus" "$TMP/prom.txt"

# ---- another failing resolver at the same status ----
config 127.53.1.7
check >"$TMP/out4" 2>&1; rc=$?
sleep 0.3
[ "$rc" = 1 ] && ok "dead secondary: still a warning" || bad "dead secondary: exit $rc"
[ "$(posts)" = 2 ] && ok "the failing set changed at the same status: one POST" || bad "$(posts) POSTs, want 2"
python3 - "$TMP/posts" <<'PY' && ok "that POST: 127.53.1.7 went bad, 127.53.1.4 recovered" || bad "POST: $(tail -1 "$TMP/posts" | head -c 600)"
import json, sys
d = json.loads(open(sys.argv[1]).readlines()[-1])
assert d["status"] == "warning" and d["previous_status"] == "warning"
assert [x["id"] for x in d["went_bad"]] == ["not-dane-safe 127.53.1.7"], d["went_bad"]
assert [x["id"] for x in d["recovered"]] == ["not-dane-safe 127.53.1.4"], d["recovered"]
assert "recovered: not-dane-safe 127.53.1.4" in d["text"]
PY
check >/dev/null 2>&1
sleep 0.3
[ "$(posts)" = 2 ] && ok "same failing set again: no POST" || bad "$(posts) POSTs, want 2"

# ---- recovery: a DANE-safe secondary ----
config 127.53.1.3
check >"$TMP/out3" 2>&1; rc=$?
sleep 0.3
[ "$rc" = 0 ] && ok "DANE-safe secondary: exit 0" || bad "healthy check exit $rc: $(head -5 "$TMP/out3")"
nagios "ok" "$TMP/out3" OK
[ "$(posts)" = 3 ] && ok "the recovery is posted once" || bad "$(posts) POSTs after recovery, want 3"
tail -1 "$TMP/posts" | grep -q '"status":"ok"' && ok "recovery POST says ok" || bad "recovery POST: $(tail -1 "$TMP/posts")"

# ---- an unwritable state directory: warning, and no alert storm ----
: >"$TMP/afile"
for i in 1 2 3; do
	inlab "$DP" -c "$TMP/check.yaml" --anchors "$ANCHORS" check --state-dir "$TMP/afile/state" >"$TMP/out5" 2>&1; rc=$?
done
sleep 0.3
[ "$rc" = 1 ] && ok "unwritable state directory: exit 1 (warning)" || bad "unwritable state: exit $rc"
head -1 "$TMP/out5" | grep -q "^DANEPROBE WARNING - alert state not writable: $TMP/afile/state |" \
	&& ok "the Nagios line says the alert state is not writable" || bad "unwritable state line: $(head -1 "$TMP/out5")"
[ "$(posts)" = 3 ] && ok "three runs with an unwritable state: no POST" || bad "$(posts) POSTs, want 3 (alert storm)"

# Every body posted above against the webhook's JSON Schema.
out=$(/usr/bin/python3 "$HERE/../schema/validate.py" "$HERE/../../contrib/schema" --lines webhook "$TMP/posts" 2>&1) \
	&& ok "the webhook bodies validate against contrib/schema/webhook.json ($out)" || bad "webhook schema: $out"

# ---- a primary that is not DANE-safe is critical ----
cat >"$TMP/crit.yaml" <<EOF2
resolvers:
  - {address: 127.53.1.4, priority: 0}
  - {address: 127.53.1.1, priority: 5}
probe:
  names: {secure: [www.h.dplab], dane: [sss-ok.dplab]}
dane:
  destinations: [sss-ok.dplab, b.dplab]
EOF2
inlab "$DP" -c "$TMP/crit.yaml" --anchors "$ANCHORS" check --state-dir "$TMP/state2" >"$TMP/out6" 2>&1; rc=$?
[ "$rc" = 2 ] && ok "non-DNSSEC primary: check exits 2 (critical)" || bad "non-DNSSEC primary: exit $rc, want 2"
nagios "critical" "$TMP/out6" CRITICAL
head -1 "$TMP/out6" | grep -q ' - primary not DANE-safe: 127.53.1.4; DANE fail: sss-ok.dplab, b.dplab; resolver order should change |' \
	&& ok "critical line: the primary, then the DANE failures (verified through it), then the order" || bad "critical line: $(head -1 "$TMP/out6")"

# ---- nothing reachable is unknown ----
printf 'resolvers:\n  - {address: 127.53.1.7, priority: 0}\n' >"$TMP/dead.yaml"
inlab "$DP" -c "$TMP/dead.yaml" --anchors "$ANCHORS" --timeout 300 check >"$TMP/out7" 2>&1; rc=$?
[ "$rc" = 3 ] && ok "no resolver reachable: exit 3 (unknown)" || bad "dead resolver: exit $rc, want 3"
nagios "unknown" "$TMP/out7" UNKNOWN
for f in out1 out3 out6 out7; do echo "    $(head -1 "$TMP/$f")"; done
finish
