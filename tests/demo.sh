#!/bin/bash
# make demo: bring the lab up, run `daneprobe check` against it with
# configs/lab.yaml, bring the lab down.
set -u
cd "$(dirname "$0")/.."
trap 'tests/lab/lab down >/dev/null 2>&1 || true' EXIT INT TERM
tests/lab/lab up || exit 3
dp="$PWD/daneprobe"
echo
echo "\$ daneprobe -c configs/lab.yaml check"
tests/lab/lab exec "$dp" -c configs/lab.yaml check
rc=$?
echo "(exit code $rc)"
echo
echo "\$ daneprobe -c configs/lab.yaml probe"
tests/lab/lab exec "$dp" -c configs/lab.yaml probe
echo "(exit code $?)"
exit 0
