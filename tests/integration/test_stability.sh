#!/bin/bash
# test_stability.sh DANEPROBE - the probe's verdicts do not flap (issue 14):
# 20 consecutive `probe` runs of every lab resolver, with the full battery
# and its normal concurrency, give identical class, tags and dane_safe for
# every resolver, under both client models (the runs judge with --client
# ad, whose JSON carries the local verdict as dane_safe_local), and the
# same result for every test.  A monitor whose verdict flaps sends alerts
# for nothing.
# (run with the lab up; ~20 x 2-3 s)
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_stability "${1:-./daneprobe}"
RUNS=${DP_STABILITY_RUNS:-20}

lab_probe_yaml 1500 full >"$TMP/names.yaml"
t0=$(date +%s)
for i in $(seq 1 "$RUNS"); do
	inlab "$DP" -c "$TMP/names.yaml" --anchors "$ANCHORS" --client ad --format json probe \
		127.53.1.1 127.53.1.2 127.53.1.3 127.53.1.4 127.53.1.5 127.53.1.6 127.53.1.7 \
		>"$TMP/run$i.json" 2>>"$TMP/err"
	python3 - "$TMP/run$i.json" >"$TMP/verdict$i.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["resolvers"]:
    print(r["address"], r["class"], ",".join(r.get("tags") or []), "ad=%s" % r["dane_safe"],
          "local=%s" % r["dane_safe_local"], " ".join(t["name"] + "=" + t["result"] for t in r["tests"]))
PY
done
secs=$(( $(date +%s) - t0 ))
[ -s "$TMP/verdict1.txt" ] && [ "$(wc -l <"$TMP/verdict1.txt")" -eq 7 ] \
	&& ok "run 1 judged 7 resolvers" || bad "run 1 gave no verdicts: $(head -3 "$TMP/err")"
differ=0
for i in $(seq 2 "$RUNS"); do
	if ! cmp -s "$TMP/verdict1.txt" "$TMP/verdict$i.txt"; then
		differ=$((differ + 1))
		bad "run $i differs from run 1: $(diff "$TMP/verdict1.txt" "$TMP/verdict$i.txt" | grep '^[<>]' | tr '\n' ' ')"
	fi
done
[ "$differ" -eq 0 ] && ok "$RUNS consecutive probe runs: identical class, tags, dane_safe (ad and local) and test results for all 7 resolvers (${secs}s)"
sed 's/^/     /' "$TMP/verdict1.txt"
finish
