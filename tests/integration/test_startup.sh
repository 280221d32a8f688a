#!/bin/bash
# Start-up loads only what a command uses (issue 16): libcurl and its ~28
# dependencies are loaded when the first HTTPS request is made
# (probe/net/curl_dl.c), not by every run.  Needs no lab.  No timings
# here: `make bench` measures the start-up time.
#   test_startup.sh [DANEPROBE]
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dp=${1:-./daneprobe}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# What the dynamic loader loads for a command (LD_DEBUG=libs, glibc).
loaded() { LD_DEBUG=libs "$@" 2>&1 >/dev/null | grep -oE 'calling init: [^ ]+' | sed 's/.*\///' | sort -u; }

if ldd "$dp" | grep -q libcurl; then
	bad "the binary is linked against libcurl: $(ldd "$dp" | grep libcurl)"
else
	ok "the binary is not linked against libcurl"
fi
libs=$(loaded "$dp" --help)
if printf '%s\n' "$libs" | grep -q libcurl; then
	bad "--help loads libcurl"
elif printf '%s\n' "$libs" | grep -q 'libc\.so'; then
	ok "--help loads $(printf '%s\n' "$libs" | wc -l) libraries, not libcurl"
else
	bad "LD_DEBUG=libs shows no library loaded (glibc changed?): $libs"
fi
# The HTTPS path still works: bootstrap from a file: URL goes through
# libcurl (a missing file is its error, not a missing library).
out=$(LD_DEBUG=libs "$dp" anchor bootstrap --state "$tmp/st" --url "file://$tmp/none.xml" 2>&1)
if printf '%s\n' "$out" | grep -q 'calling init: .*libcurl' &&
   ! printf '%s\n' "$out" | grep -q 'cannot load libcurl'; then
	ok "anchor bootstrap loads libcurl when it fetches"
else
	bad "anchor bootstrap did not load libcurl: $(printf '%s\n' "$out" | grep -v '^ *[0-9]*:' | head -3)"
fi
finish
