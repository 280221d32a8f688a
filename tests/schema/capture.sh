#!/bin/bash
# capture.sh - stands in for daneprobe in the integration tests so that the
# schema stage (tests/schema/validate.py) sees every JSON document the suite
# makes daneprobe print.  tests/run-all.sh writes a two-line `daneprobe`
# that sets DP_CAPTURE_REAL (the real binary) and DP_CAPTURE_DIR and execs
# this script.
#
# Runs without --format json are exec'd untouched (same pid, same stdout),
# so tests that time, kill or stream daneprobe see the real thing.  With
# JSON, stdout also goes to DIR/N.out (tee -p: a reader that stops early,
# such as `| head`, does not cut the copy short), the arguments to N.args
# (one a line) and the exit status to N.rc: validate.py checks "exit_code"
# against the status the caller saw.
real=${DP_CAPTURE_REAL:?} dir=${DP_CAPTURE_DIR:?}
json=0 prev=
for a in "$@"; do
	case "$a" in
	--format=json) json=1 ;;
	json) [ "$prev" = --format ] && json=1 ;;
	esac
	prev=$a
done
[ "$json" = 1 ] || exec "$real" "$@"

f=$(mktemp "$dir/XXXXXXXX" 2>/dev/null) || exec "$real" "$@"
printf '%s\n' "$@" >"$f.args"
"$real" "$@" | tee -p "$f.out"
rc=${PIPESTATUS[0]}
echo "$rc" >"$f.rc"
exit "$rc"
