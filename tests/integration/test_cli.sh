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
check "no command is a usage error" 3 'usage: daneprobe' "$dp"
check "unknown command" 3 "unknown command 'frobnicate'" "$dp" frobnicate
check "version" 0 '^daneprobe [0-9]' "$dp" --version
for c in probe order verify lookup anchor tlsa-check check; do
	check "$c --help" 0 "usage: daneprobe.*$c|daneprobe $c" "$dp" "$c" --help
	check "help $c" 0 "usage: daneprobe.*$c|daneprobe $c" "$dp" help "$c"
done
check "bad --format" 3 'format must be text, json, prometheus, dot or svg' "$dp" --format xml probe
check "bad --format after the command" 3 "format must be text, json, prometheus, dot or svg, not 'csv'" "$dp" order --format csv
for c in order tlsa-check; do
	check "$c refuses --format prometheus, naming what it writes" 3 \
		"$c: --format prometheus is not offered here; $c writes text or json" "$dp" "$c" --format prometheus x
done
for c in lookup verify; do
	check "$c refuses --format prometheus, naming what it writes" 3 \
		"$c: --format prometheus is not offered here; $c writes text, json, dot or svg" "$dp" "$c" --format prometheus x
done
check "order refuses --format svg" 3 "order: --format svg is not offered here" "$dp" order --format svg
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

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
