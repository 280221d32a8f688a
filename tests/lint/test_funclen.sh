#!/bin/bash
# tests/lint/funclen.sh must fail where it should: made-up folders with a
# function of 80 and of 81 lines, a multi-line signature, a table writer
# of 100 and 101 lines, and files of 700 and 701 lines.  A lint that
# cannot fail would pass any code (issue 9).  Prints "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d /tmp/funclen-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
nok() { echo "FAIL - $1"; fail=$((fail + 1)); }

# fn NAME LINES [SIGNATURE_LINES]: a C function of exactly LINES lines,
# from its signature to its closing brace.
fn() {
	local name=$1 lines=$2 sig=${3:-1} i
	if [ "$sig" -gt 1 ]; then
		echo "static int $name(int a,"
		for ((i = 2; i < sig; i++)); do echo "		int b$i,"; done
		echo "		int z)"
	else
		echo "static int $name(int a)"
	fi
	echo "{"
	echo "	int x = a;"
	for ((i = sig + 4; i < lines; i++)); do echo "	x++;"; done
	echo "	return x;"
	echo "}"
}
# expect WHAT RC PATTERN DIR...: funclen.sh on DIRs exits RC and its
# output matches PATTERN (grep -E), or lacks it when PATTERN starts '!'.
expect() {
	local what=$1 rc=$2 pat=$3 out got
	shift 3
	out=$(tests/lint/funclen.sh "$@" 2>&1); got=$?
	if [ "$got" -ne "$rc" ]; then nok "$what: exit $got, want $rc ($out)"; return; fi
	case $pat in
	!*) if echo "$out" | grep -qE -- "${pat#!}"; then nok "$what: '${pat#!}' in: $out"; else ok "$what"; fi ;;
	*) if echo "$out" | grep -qE -- "$pat"; then ok "$what"; else nok "$what: no '$pat' in: $out"; fi ;;
	esac
}

mkdir -p "$tmp/ok" "$tmp/long" "$tmp/sig" "$tmp/table" "$tmp/bigfile" "$tmp/okfile"
{ fn at_limit 80; fn short 5; } > "$tmp/ok/a.c"
expect "80 lines pass" 0 'funclen: 3 passed, 0 failed' "$tmp/ok"
fn too_long 81 > "$tmp/long/a.c"
expect "81 lines fail" 1 'FAIL .*a\.c:1: too_long is 81 lines \(limit 80\)' "$tmp/long"
fn wide 81 4 > "$tmp/sig/a.c"
expect "a 4-line signature counts" 1 'wide is 81 lines' "$tmp/sig"
{ fn writer 100; fn writer2 101; } > "$tmp/table/t.c"
FUNCLEN_TABLES="$tmp/table/t.c:writer $tmp/table/t.c:writer2" \
	expect "a table writer may reach 100" 1 '!writer is 100' "$tmp/table"
FUNCLEN_TABLES="$tmp/table/t.c:writer $tmp/table/t.c:writer2" \
	expect "a table writer of 101 fails" 1 'writer2 is 101 lines \(limit 100\)' "$tmp/table"
expect "the allowance is for named writers only" 1 'writer is 100 lines \(limit 80\)' "$tmp/table"
for i in $(seq 70); do fn "f$i" 10; done > "$tmp/okfile/a.c"
expect "a file of 700 lines passes" 0 'funclen: 71 passed, 0 failed' "$tmp/okfile"
{ for i in $(seq 70); do fn "f$i" 10; done; echo "/* one more */"; } > "$tmp/bigfile/a.c"
expect "a file of 701 lines fails" 1 'FAIL .*a\.c is 701 lines \(limit 700\)' "$tmp/bigfile"
seq 701 | sed 's|.*|/* & */|' > "$tmp/bigfile/b.h"
expect "a header of 701 lines fails" 1 'b\.h is 701 lines' "$tmp/bigfile"
# With no DIR, both probe/ and validator/ are enforced.
count() {   # count [DIR...]: how many checks funclen.sh made
	local l
	l=$(tests/lint/funclen.sh "$@" | sed -n 's/^funclen: \([0-9]*\) passed, \([0-9]*\) failed/\1 \2/p')
	set -- $l
	echo $(( ${1:-0} + ${2:-0} ))
}
n_all=$(count) n_p=$(count probe) n_v=$(count validator)
if [ -n "$n_v" ] && [ "$n_v" -gt 0 ] && [ "$n_all" -eq $((n_p + n_v)) ]; then
	ok "no DIR: probe/ ($n_p) and validator/ ($n_v) are both enforced"
else
	nok "no DIR: $n_all checks, probe/ $n_p + validator/ $n_v"
fi
echo "test_funclen: $pass passed, $fail failed"
[ $fail -eq 0 ]
