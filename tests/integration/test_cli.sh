#!/bin/bash
# The command line itself: help, exit codes, config errors with
# file:line:column, bad global options.  Needs no resolver.
#   test_cli.sh [DANEPROBE]
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dp=${1:-./daneprobe}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

check "help lists every command" 0 'probe.*order.*verify.*lookup.*anchor.*tlsa-check.*check' \
	bash -c "$dp --help | tr '\n' ' '"
# A usage error says in one line what is missing, then where the help is
# (issue 13: the whole help buried the line that mattered).
check "no command is a usage error" 3 'no COMMAND given.*see daneprobe --help' bash -c "set -o pipefail; $dp 2>&1 | tr '\n' ' '"
check "help --help is the general help" 0 '^usage: daneprobe \[GLOBAL OPTIONS\] COMMAND' "$dp" help --help
check "help help is the general help" 0 '^usage: daneprobe \[GLOBAL OPTIONS\] COMMAND' "$dp" help help
# One resolver-address parser for every command: the same refusal with
# the reason, from probe's arguments, --resolver and the config alike.
for c in probe lookup verify order check; do
	check "$c --resolver dns.google: a name is refused by name" 3 \
		"--resolver: 'dns.google' is a host name, not an address: give the resolver's IP address" \
		"$dp" "$c" --resolver dns.google x.example
	check "$c --resolver tls://1.1.1.1: a URL is refused" 3 \
		"--resolver: 'tls://1.1.1.1' is a URL: daneprobe asks resolvers over plain DNS" \
		"$dp" "$c" --resolver tls://1.1.1.1 x.example
done
check "probe dns.google (an argument) is refused, not probed" 3 \
	"probe: 'dns.google' is a host name, not an address.*see daneprobe probe --help" \
	bash -c "set -o pipefail; $dp probe dns.google 2>&1 | tr '\n' ' '"
check "[IPv6]:port, IPv4:port accepted by the parser (check-config)" 0 ': ok' \
	bash -c "printf 'resolvers:\n  - address: \"[2001:db8::53]:5353\"\n  - address: 192.0.2.53:5353\n  - address: 2001:db8::1\n' >$tmp/addr.yaml; $dp check-config -c $tmp/addr.yaml"
check "config: a resolver name is refused with its position" 3 \
	"addrn.yaml:2:14: 'dns.google' is a host name" \
	bash -c "printf 'resolvers:\n  - address: dns.google\n' >$tmp/addrn.yaml; $dp check-config -c $tmp/addrn.yaml"
check "unknown command" 3 "unknown command 'frobnicate'" "$dp" frobnicate
check "version" 0 '^daneprobe [0-9]' "$dp" --version
for c in probe order verify lookup anchor tlsa-check check; do
	check "$c --help" 0 "usage: daneprobe.*$c|daneprobe $c" "$dp" "$c" --help
	check "help $c" 0 "usage: daneprobe.*$c|daneprobe $c" "$dp" help "$c"
done
check "bad --format" 3 'format must be text, json, prometheus, dot, svg or csv' "$dp" --format xml probe
check "bad --format after the command" 3 "format must be text, json, prometheus, dot, svg or csv, not 'xml'" "$dp" order --format xml
check "csv is verify's alone" 3 "order: --format csv is not offered here; order writes text or json" "$dp" order --format csv
for c in order tlsa-check; do
	check "$c refuses --format prometheus, naming what it writes" 3 \
		"$c: --format prometheus is not offered here; $c writes text or json" "$dp" "$c" --format prometheus x
done
check "lookup refuses --format prometheus, naming what it writes" 3 \
	"lookup: --format prometheus is not offered here; lookup writes text, json, dot or svg" "$dp" lookup --format prometheus x
check "verify refuses --format prometheus, naming what it writes" 3 \
	"verify: --format prometheus is not offered here; verify writes text, json, dot, svg or csv" "$dp" verify --format prometheus x
check "bad --timeout" 3 'timeout takes milliseconds' "$dp" --timeout 0 probe
check "bad --now" 3 "cannot read 'yesterday' as a time" "$dp" --now yesterday probe
check "option without value" 3 'option --resolver needs a value' "$dp" probe --resolver

printf 'resolvers:\n  - address: 192.0.2.1\n    priority: high\n' > "$tmp/bad.yaml"
check "config error names file:line:column" 3 "$tmp/bad.yaml:3:15: 'priority' must be a whole number" \
	"$dp" -c "$tmp/bad.yaml" probe
printf 'resolvers:\n  - address: 192.0.2.1\n   priority: 0\n' > "$tmp/syntax.yaml"
check "YAML syntax error with position" 3 "$tmp/syntax.yaml:3:4: YAML syntax error" \
	"$dp" -c "$tmp/syntax.yaml" order
check "explicit config that does not exist" 3 "$tmp/none.yaml: No such file" "$dp" -c "$tmp/none.yaml" probe
head -c 3000 /dev/urandom > "$tmp/garbage.yaml"
check "binary garbage as config is an error, not a crash" 3 "$tmp/garbage.yaml" "$dp" -c "$tmp/garbage.yaml" probe

# ---- bash completion: per command, with values (issue 13) ----
COMP=$(dirname "${BASH_SOURCE[0]}")/../../contrib/daneprobe.bash-completion
comp() { bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _daneprobe; echo "${COMPREPLY[*]}"' _ "$COMP" "$@"; }
if command -v shellcheck >/dev/null; then
	shellcheck -s bash "$COMP" >"$tmp/sc" 2>&1 && ok "completion: clean under shellcheck" || bad "shellcheck: $(head -5 "$tmp/sc")"
else
	bad "shellcheck is not installed (tests/deps.sh)"
fi
[ "$(comp daneprobe verify --po)" = "--policy --postfix" ] && ok "completion: verify's own options after the command" \
	|| bad "completion verify --po: '$(comp daneprobe verify --po)'"
[ "$(comp daneprobe verify --policy '')" = "opportunistic mandatory" ] && ok "completion: --policy values" \
	|| bad "completion --policy: '$(comp daneprobe verify --policy '')'"
[ "$(comp daneprobe -c x.yaml lookup ietf.org TL)" = "TLSA" ] && ok "completion: lookup's record type" \
	|| bad "completion lookup type: '$(comp daneprobe -c x.yaml lookup ietf.org TL)'"
[ "$(comp daneprobe --color '')" = "auto always never" ] && [ "$(comp daneprobe verify --format '')" = "text json csv dot svg" ] \
	&& ok "completion: --color and verify's --format values" || bad "completion --color/--format"
# ---- the man page: every option of every command, the sections, the legend ----
MAN=$(dirname "${BASH_SOURCE[0]}")/../../contrib/daneprobe.1
for sec in EXAMPLES ENVIRONMENT FILES; do
	grep -q "^\.SH $sec" "$MAN" && ok "man page: $sec" || bad "man page has no $sec section"
done
missing=""
for c in probe order verify lookup anchor tlsa-check check check-config; do
	for o in $("$dp" "$c" --help 2>/dev/null | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+'); do
		grep -qF -- "${o//-/\\-}" "$MAN" || missing="$missing $c:$o"
	done
done
for o in $("$dp" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+'); do
	grep -qF -- "${o//-/\\-}" "$MAN" || missing="$missing global:$o"
done
[ -z "$missing" ] && ok "man page: every option of every --help" || bad "man page lacks:$missing"
grep -q 'n/a' "$MAN" && grep -q 'chn' "$MAN" && ok "man page: the probe matrix legend" || bad "man page: no matrix legend"
# ... and the other way: every option the man page lists under COMMAND
# OPTIONS (per .SS command) and GLOBAL OPTIONS is in that --help, so it
# exists; every long option in a command's getopt table is in its --help
# (an option nobody can find is as bad as one that does not exist); every
# global option of --help is in the README.
SRC=$(dirname "${BASH_SOURCE[0]}")/../..
extra=$(python3 - "$MAN" "$dp" "$SRC/probe/cli" <<'PY'
import glob, os, re, subprocess, sys
man, dp, cli = sys.argv[1:4]
helps = {}
def helptext(cmd):
    if cmd not in helps:
        args = [dp] + ([] if cmd == "global" else cmd.split()) + ["--help"]
        helps[cmd] = subprocess.run(args, capture_output=True, text=True).stdout
    return helps[cmd]
def has(cmd, opt):
    h = helptext("anchor status" if cmd == "anchor" else cmd)
    return re.search(r"(^|[\s,\[|])" + re.escape(opt) + r"(?![a-z-])", h) is not None
out, sec, sub = [], None, None
for line in open(man):
    line = line.rstrip("\n")
    if line.startswith(".SH "):
        sec, sub = line[4:].strip('"'), None
    elif line.startswith(".SS "):
        sub = line[4:].replace("\\-", "-")
    elif line.startswith((".BR ", ".B ")) and sec in ("COMMAND OPTIONS", "GLOBAL OPTIONS"):
        cmd = sub if sec == "COMMAND OPTIONS" else "global"
        for o in re.findall(r"\\-\\-([a-z][a-z\\-]*)", line):
            o = "--" + o.replace("\\-", "-")
            if not has(cmd, o):
                out.append("man:%s:%s" % (cmd, o))
for f in sorted(glob.glob(os.path.join(cli, "*.c"))):
    base = os.path.basename(f)[:-2]
    if not (base.startswith("cmd_") or base == "main"):
        continue
    cmd = "global" if base == "main" else base[4:].replace("_", "-")
    for o in re.findall(r'\{\s*"([a-z][a-z-]*)",\s*(?:no|required|optional)_argument', open(f).read()):
        if not has(cmd, "--" + o):
            out.append("getopt:%s:--%s" % (cmd, o))
print(" ".join(out))
PY
)
[ -z "$extra" ] && ok "every option of the man page is in that --help, every getopt option of a command in its --help" \
	|| bad "options documented but not offered, or offered but not in --help: $extra"
missing=""
for o in $("$dp" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+'); do
	[ "$o" = --help ] || grep -qF -- "\`$o" "$SRC/README.md" || missing="$missing $o"
done
[ -z "$missing" ] && ok "README: every global option of --help" || bad "README lacks the global options:$missing"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
