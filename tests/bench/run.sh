#!/bin/bash
# make bench: every benchmark of SPEC section 9, each as a ratio against the
# reference tool measured in the same run, printed beside its target (met or
# MISSED), then all the verdicts together.  The validator benchmark needs no
# lab; the probe and verify benchmarks run inside it.
#   tests/bench/run.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
rc=0
out=$(mktemp /tmp/daneprobe-bench.XXXXXX)
trap 'rm -f "$out"' EXIT
section() {   # section TITLE SCRIPT...: run it, keep its lines for the summary
	echo "== $1"; shift
	"$@" "$build" 2>&1 | tee -a "$out"
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
}
section "validator vs ldns-verify-zone" tests/bench/validator.sh
trap 'rm -f "$out"; tests/lab/lab down >/dev/null 2>&1 || true' EXIT INT TERM
# the latency lab's 1,000 signed domains (about 15 s more to sign)
DPLAB_LATENCY_DOMAINS=${BENCH_LATENCY_DOMAINS:-1000} tests/lab/lab up || exit 1
section "probe battery, concurrent vs the chain of dependent round trips" tests/bench/probe.sh
section "verify vs posttls-finger" tests/bench/verify.sh
section "verify: memory at 1,000 and BENCH_BIG entries, cold vs warm, start-up" tests/bench/memory.sh
echo "== summary: each target of SPEC section 9"
grep -E ': (met|MISSED)\b|(met|MISSED)\)' "$out" | sed 's/^/  /'
n_missed=$(grep -cE 'MISSED' "$out")
echo "  $n_missed missed"
exit $rc
