#!/bin/bash
# Size limits of issue 9 and STYLE.md: no function over 80 lines and no
# source file over 700 lines.  Report writers that are flat tables of
# fields may reach 100 lines; they are named in TABLES below, so a long
# function elsewhere cannot hide behind that allowance.
#
#   tests/lint/funclen.sh [-v] [DIR...]   -v also lists every function over 60
#
# probe/ and validator/ (or the DIRs given; tests/lint/test_funclen.sh
# hands it made-up folders) are enforced: one FAIL line per function or
# file over its limit.  A folder named in WARN_DIRS would be reported
# only (WARN lines, not counted as failures), for code being split.
#
# A function is measured from the line that starts its signature (at the
# left margin) to its closing brace at the left margin, as `ctags
# --fields=+ne` counts it; the awk below needs no ctags.  Prints the
# closing "funclen: N passed, M failed" line of tests/run-all.sh.
set -u
cd "$(dirname "$0")/../.."
FAIL_DIRS="probe validator"
WARN_DIRS=""
FN_MAX=80
TABLE_MAX=100
FILE_MAX=700
# file:function pairs allowed up to TABLE_MAX (flat tables of report fields)
TABLES=""
verbose=0
[ "${1:-}" = -v ] && { verbose=1; shift; }
[ $# -gt 0 ] && FAIL_DIRS="$*"
# file:function pairs for the table allowance, from the environment too
# (the self-test's fixtures).
TABLES="$TABLES ${FUNCLEN_TABLES:-}"

measure() {   # measure FILE...: "file line name length" per function
	[ $# -gt 0 ] || return 0   # awk with no file would read stdin
	awk '
	FNR == 1 { head = ""; inbody = 0 }
	!inbody && /^[A-Za-z_][A-Za-z0-9_ \t*]*\(/ && !/;[ \t]*$/ {
		s = $0; sub(/\(.*/, "", s); n = split(s, w, /[ \t*]+/)
		head = w[n]; hline = FNR; next
	}
	!inbody && /^\{/ && head != "" { inbody = 1; next }
	inbody && /^\}/ {
		print FILENAME, hline, head, FNR - hline + 1
		inbody = 0; head = ""
	}' "$@"
}

pass=0 fail=0 warn=0
check_dir() {   # check_dir DIR FAIL|WARN
	local dir=$1 how=$2 f line name len max lines
	while read -r f line name len; do
		max=$FN_MAX
		case " $TABLES " in *" $f:$name "*) max=$TABLE_MAX ;; esac
		if [ "$len" -gt "$max" ]; then
			echo "$how $f:$line: $name is $len lines (limit $max)"
			if [ "$how" = FAIL ]; then fail=$((fail + 1)); else warn=$((warn + 1)); fi
		else
			pass=$((pass + 1))
			[ $verbose = 1 ] && [ "$len" -gt 60 ] && echo "note $f:$line: $name is $len lines"
		fi
	done < <(measure $(find "$dir" -name '*.c' | sort))
	while read -r lines f; do
		[ "$f" = total ] && continue
		if [ "$lines" -gt $FILE_MAX ]; then
			echo "$how $f is $lines lines (limit $FILE_MAX)"
			if [ "$how" = FAIL ]; then fail=$((fail + 1)); else warn=$((warn + 1)); fi
		else
			pass=$((pass + 1))
		fi
	done < <(find "$dir" -name '*.[ch]' -print0 | sort -z | xargs -0 -r wc -l)
}
for d in $FAIL_DIRS; do check_dir "$d" FAIL; done
for d in $WARN_DIRS; do check_dir "$d" WARN; done
[ $warn -gt 0 ] && echo "funclen: $warn over the limits in $WARN_DIRS (reported, not failed)"
echo "funclen: $pass passed, $fail failed"
[ $fail -eq 0 ]
