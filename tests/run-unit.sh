#!/bin/bash
# Run cmocka unit test programs; print each program's result and a closing
# "N passed, M failed" line (counted in test cases).  Exit 1 on any failure.
set -u
passed=0 failed=0 broken=""
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	# cmocka's summary may share a line with other output: match anywhere
	printf '%s\n' "$out" | grep -oE '\[  (FAILED|ERROR)  \].*' || true
	p=$(printf '%s\n' "$out" | grep -oE '\[  PASSED  \] [0-9]+ test' | awk '{s+=$4} END {print s+0}')
	f=$(printf '%s\n' "$out" | grep -oE '\[  FAILED  \] [0-9]+ test' | awk '{s+=$4} END {print s+0}')
	passed=$((passed + p)); failed=$((failed + f))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		# crashed or failed before cmocka could count: that is a failure too
		failed=$((failed + 1)); broken="$broken $t"
		printf '%s\n' "$out" | tail -20
	fi
	echo "unit: $(basename "$t"): rc=$rc"
done
[ -n "$broken" ] && echo "unit: programs that failed outside cmocka:$broken"
echo "unit: $passed passed, $failed failed"
[ $failed -eq 0 ]
