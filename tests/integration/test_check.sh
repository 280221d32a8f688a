#!/bin/bash
# test_check.sh DANEPROBE - `daneprobe check` in the lab: a validating
# primary (127.53.1.1) with a non-DNSSEC secondary (the RRSIG-stripping
# 127.53.1.4) is a warning: exit 1, status "warning" in JSON, the
# Prometheus text file written, and the webhook (a python3 http.server in
# the lab namespace) receives exactly one POST; an unchanged second run
# posts nothing.  A healthy setup is ok (exit 0) and posts the recovery.
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

# The webhook: appends each POST body as one line to $TMP/posts.
cat >"$TMP/hook.py" <<'PY'
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
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
  prometheus_textfile: $TMP/prom/daneprobe.prom
EOF2
}
mkdir -p "$TMP/prom" "$TMP/state"
check() { inlab "$DP" -c "$TMP/check.yaml" --anchors "$ANCHORS" check --state-dir "$TMP/state" "$@"; }
posts() { wc -l <"$TMP/posts" | tr -d ' '; }

# ---- a non-DNSSEC secondary ----
config 127.53.1.4
check >"$TMP/out1" 2>"$TMP/err1"; rc=$?
[ "$rc" = 1 ] && ok "non-DNSSEC secondary: check exits 1 (warning)" || bad "check exit $rc, want 1: $(head -3 "$TMP/err1")"
sleep 0.3
[ "$(posts)" = 1 ] && ok "the webhook got exactly one POST" || bad "the webhook got $(posts) POSTs, want 1"
python3 - "$TMP/posts" <<'PY' && ok "the POST is a JSON summary with status warning and the unsafe secondary" || bad "POST body: $(head -c 400 "$TMP/posts")"
import json, sys
d = json.loads(open(sys.argv[1]).readline())
assert d["status"] == "warning", d
r = {x["address"]: x for x in d["resolvers"]}
assert r["127.53.1.4"]["dane_safe"] is False and r["127.53.1.1"]["dane_safe"] is True
PY
grep -q '^status=warning$' "$TMP/state/check.state" && ok "state file records warning" || bad "state file: $(cat "$TMP/state/check.state" 2>&1)"

check >"$TMP/out2" 2>"$TMP/err2"; rc=$?
sleep 0.3
[ "$rc" = 1 ] && ok "second run: exit 1 again" || bad "second run exit $rc"
[ "$(posts)" = 1 ] && ok "unchanged status: no second POST" || bad "unchanged status posted again ($(posts) POSTs)"

# ---- JSON and Prometheus ----
check --format json >"$TMP/check.json" 2>/dev/null
python3 - "$TMP/check.json" <<'PY' && ok "JSON: status, anchors, probe, order, verify" || bad "check JSON: $(head -c 300 "$TMP/check.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "warning"
for k in ("anchors", "probe", "order", "verify"):
    assert k in d, k
assert len(d["probe"]["resolvers"]) == 2
assert d["order"]["changed"] is False
assert isinstance(d["verify"], list)
PY
P="$TMP/prom/daneprobe.prom"
if grep -q '^daneprobe_status 1$' "$P" && grep -q '^daneprobe_resolver_dane_safe{resolver="127.53.1.4",name="secondary"} 0$' "$P" \
   && grep -q '^daneprobe_resolver_class{resolver="127.53.1.1",class="validating"} 1$' "$P" \
   && grep -q '^daneprobe_test_result{resolver="127.53.1.4",test="do"} 0$' "$P" && grep -q '^# TYPE daneprobe_status gauge$' "$P"; then
	ok "Prometheus text file written with status, dane_safe, class and test metrics"
else
	bad "Prometheus file: $(head -12 "$P" 2>&1)"
fi
ls "$TMP/prom" | grep -q '\.tmp\.' && bad "temporary Prometheus file left behind" || ok "no temporary file next to the Prometheus file"
check --format prometheus >"$TMP/prom.txt" 2>/dev/null
grep -q '^daneprobe_status 1$' "$TMP/prom.txt" && ok "--format prometheus prints the metrics" || bad "--format prometheus: $(head -3 "$TMP/prom.txt")"

# ---- recovery: a DANE-safe secondary ----
config 127.53.1.3
check >"$TMP/out3" 2>&1; rc=$?
sleep 0.3
[ "$rc" = 0 ] && ok "DANE-safe secondary: exit 0" || bad "healthy check exit $rc: $(grep -A3 '^127.53.1.3' "$TMP/out3" | head -5)"
[ "$(posts)" = 2 ] && ok "the recovery is posted once" || bad "$(posts) POSTs after recovery, want 2"
tail -1 "$TMP/posts" | grep -q '"status":"ok"' && ok "recovery POST says ok" || bad "recovery POST: $(tail -1 "$TMP/posts")"

# ---- a primary that is not DANE-safe is critical ----
cat >"$TMP/crit.yaml" <<EOF2
resolvers:
  - {address: 127.53.1.4, priority: 0}
  - {address: 127.53.1.1, priority: 5}
probe:
  names: {secure: [www.h.dplab], dane: [sss-ok.dplab]}
EOF2
inlab "$DP" -c "$TMP/crit.yaml" --anchors "$ANCHORS" check --state-dir "$TMP/state2" >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && ok "non-DNSSEC primary: check exits 2 (critical)" || bad "non-DNSSEC primary: exit $rc, want 2"
finish
