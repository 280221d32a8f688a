#!/bin/bash
# make bench: every benchmark of SPEC section 9, each as a ratio against the
# reference tool measured in the same run.  The validator benchmark needs no
# lab; the probe and verify benchmarks run inside it.
#   tests/bench/run.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
rc=0
echo "== validator vs ldns-verify-zone"
tests/bench/validator.sh "$build" || rc=1
trap 'tests/lab/lab down >/dev/null 2>&1 || true' EXIT INT TERM
# the latency lab's 1,000 signed domains (about 15 s more to sign)
DPLAB_LATENCY_DOMAINS=${BENCH_LATENCY_DOMAINS:-1000} tests/lab/lab up || exit 1
echo "== probe battery, concurrent vs the chain of dependent round trips"
tests/bench/probe.sh "$build" || rc=1
echo "== verify vs posttls-finger"
tests/bench/verify.sh "$build" || rc=1
echo "== verify: memory at 1,000 and BENCH_BIG entries, cold vs warm, start-up"
tests/bench/memory.sh "$build" || rc=1
exit $rc
