#!/bin/bash
# test_options.sh [DANEPROBE] - the options of every command, in the four
# places a person meets them, cannot drift apart again (issue 13: the man
# page and the completion lacked options --help had):
#   - every option of `daneprobe CMD --help` is in the man page under
#     ".SS CMD" (or, for a global option, under GLOBAL OPTIONS);
#   - the bash completion offers, after CMD, every option of its --help,
#     and offers nothing that --help does not list;
#   - every option that takes a value in a getopt table (probe/cli/cmd_*.c,
#     main.c's global table) is one the completion skips with its value
#     when it looks for the command word, and completes no options after;
#   - the completion and this script agree with shellcheck (test_cli.sh).
# test_cli.sh checks the other direction (man page and getopt tables
# against --help).  Needs no lab.  Ends with "N passed, M failed".
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dp=$(cd "$(dirname "${1:-./daneprobe}")" && pwd)/$(basename "${1:-./daneprobe}")
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MAN=$SRC/contrib/daneprobe.1
COMP=$SRC/contrib/daneprobe.bash-completion
CMDS="probe order verify lookup anchor tlsa-check check check-config"

# The long options of a --help text: every one on the lines that start
# with an option ("  --xml FILE, --p7s FILE" names two).
helpopts() { "$dp" "$@" --help 2>/dev/null | grep -E '^ +-' | grep -oE -- '(^|[ ,])--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' | sort -u; }
# What the completion offers for the words given (the last is completed).
comp() { bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _daneprobe; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$@"; }
# The long options the man page lists under a section (.SH) or command
# (.SS), from its .B/.BR option lines.
manopts() {
	awk -v want="$1" '
		/^\.SH / { sh = substr($0, 5); ss = ""; next }
		/^\.SS / { ss = substr($0, 5); gsub(/\\-/, "-", ss); next }
		/^\.BR? / && (ss == want || (ss == "" && sh == want)) { print }
	' "$MAN" | sed 's/\\-/-/g' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

GLOBAL_HELP=$(helpopts)
GLOBAL_MAN=$(manopts "GLOBAL OPTIONS")
[ -n "$GLOBAL_HELP" ] && [ -n "$GLOBAL_MAN" ] || { bad "no global options read from --help or the man page"; finish; }
for c in $CMDS; do
	h=$(helpopts "$c")
	m=$(manopts "$c")
	offered=$(comp daneprobe "$c" -- | sort -u)
	own=$(printf '%s\n' "$offered" | grep -vxF -f <(printf '%s\n' "$GLOBAL_HELP"))
	noman="" nocomp="" extra=""
	for o in $h; do
		[ "$o" = --help ] && continue
		if ! printf '%s\n' "$m" | grep -qxF -- "$o"; then
			printf '%s\n' "$GLOBAL_HELP" | grep -qxF -- "$o" && printf '%s\n' "$GLOBAL_MAN" | grep -qxF -- "$o" \
				|| noman="$noman $o"
		fi
		printf '%s\n' "$offered" | grep -qxF -- "$o" || nocomp="$nocomp $o"
	done
	for o in $own; do
		printf '%s\n' "$h" | grep -qxF -- "$o" || extra="$extra $o"
	done
	[ -n "$h" ] && [ -z "$noman" ] && ok "$c: every option of --help in the man page ($(echo $h | wc -w))" \
		|| bad "$c: the man page lacks (under .SS $c or GLOBAL OPTIONS):$noman"
	[ -n "$offered" ] && [ -z "$nocomp" ] && ok "$c: the completion offers every option of --help" \
		|| bad "$c: the completion does not offer:$nocomp"
	[ -z "$extra" ] && ok "$c: the completion offers no option --help lacks" \
		|| bad "$c: the completion offers options $c --help does not list:$extra"
done

# Options with a value, from the getopt tables; the completion must step
# over their value when it looks for the command word, and offer no
# option as that value.
valopts=$(python3 - "$SRC/probe/cli" <<'PY'
import glob, os, re, sys
out = set()
for f in glob.glob(os.path.join(sys.argv[1], "*.c")):
    t = open(f).read()
    out.update(re.findall(r'\{\s*"([a-z][a-z0-9-]*)",\s*required_argument', t))
    # main.c's global table: { "name", 'x' or 0, has_arg 1, ... }
    out.update(re.findall(r'\{\s*"([a-z][a-z0-9-]*)",\s*(?:\'.\'|0),\s*1,', t))
print("\n".join("--" + o for o in sorted(out)))
PY
)
skips=$(awk '/case \$w in/ { on = 1; next } on { print } on && /i=\$\(\(i \+ 1\)\)/ { exit }' "$COMP" \
	| tr -d '\\\t' | tr '|)' '\n\n' | grep -oE -- '^ *--?[a-z][a-z0-9-]*' | tr -d ' ' | sort -u)
noskip="" offers=""
for o in $valopts; do
	printf '%s\n' "$skips" | grep -qxF -- "$o" || noskip="$noskip $o"
	comp daneprobe verify "$o" '' | grep -q -- '^-' && offers="$offers $o"
done
[ "$(echo $valopts | wc -w)" -gt 20 ] && [ -z "$noskip" ] \
	&& ok "completion: steps over the value of all $(echo $valopts | wc -w) options that take one" \
	|| bad "completion: takes the value of these options for the command word:$noskip"
[ -z "$offers" ] && ok "completion: offers no option where a value is wanted" \
	|| bad "completion: offers options as the value of:$offers"
# The skip list at work: a global option's value is not the command.
[ "$(comp daneprobe --timeout 500 --now @0 lookup example.org TL)" = TLSA ] \
	&& [ "$(comp daneprobe -c x.yaml anchor --state s '' | tr '\n' ' ')" = "status refresh bootstrap " ] \
	&& ok "completion: after options with values, lookup's type and anchor's action" \
	|| bad "completion after values: '$(comp daneprobe --timeout 500 --now @0 lookup example.org TL)' '$(comp daneprobe -c x.yaml anchor --state s '')'"
finish
