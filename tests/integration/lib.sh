# lib.sh - what the lab integration scripts (and the probe benchmark) share.
# Source it after `set -u`:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; lab_setup test_order "${1:-./daneprobe}"
# Then: $DP (absolute path of the binary), $HERE, $LAB, $ANCHORS, $TMP
# (removed on exit), ok/bad/finish for the "N passed, M failed" protocol
# of tests/run-all.sh, check for one command's exit code and output,
# inlab CMD... to run inside the lab namespace, and lab_probe_yaml to
# write the lab's probe names as a config section.

pass=0 fail=0

# Under make SANITIZE=1: Graphviz's own leaks, and only those, are not
# daneprobe's failure (tests/sanitize/lsan-graphviz.supp says which and
# why).  Harmless for a build without the sanitizers.
LSAN_OPTIONS="suppressions=$(cd "$(dirname "${BASH_SOURCE[0]}")/../sanitize" && pwd)/lsan-graphviz.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
ok()  { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

# check NAME WANT_RC WANT_REGEX CMD...: run CMD, want that exit code and
# the regex somewhere in its stdout+stderr.
check() {
	local name=$1 want_rc=$2 want=$3; shift 3
	local out rc
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" -eq "$want_rc" ] && printf '%s' "$out" | grep -qE -- "$want"; then
		ok "$name"
	else
		bad "$name: rc=$rc (wanted $want_rc), output:"
		printf '%s\n' "$out" | head -8 | sed 's/^/     /'
	fi
}

# Run a command inside the lab namespace: `ip netns exec` straight away
# when the lab is up (what `lab exec` does, without starting the lab
# script for each of the hundreds of queries a test makes), else `lab
# exec` for its "lab is not up" message.  Decided once, in lab_setup.
INLAB=()
inlab() { "${INLAB[@]}" "$@"; }

# lab_setup NAME DANEPROBE: set the variables above; a lab that is not up
# is one failure and the end of the script.
lab_setup() {
	local name=$1 dp=$2
	[ -x "$dp" ] || { bad "daneprobe binary $dp not found"; finish; }
	DP=$(cd "$(dirname "$dp")" && pwd)/$(basename "$dp")
	HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	LAB=${DPLAB:-$HERE/../lab/lab}
	ANCHORS=${DPLAB_DIR:-/tmp/${DPLAB_NS:-dplab}}/root.anchors
	TMP=$(mktemp -d "/tmp/$name.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT
	if ip netns list 2>/dev/null | grep -qw "^${DPLAB_NS:-dplab}"; then
		INLAB=(ip netns exec "${DPLAB_NS:-dplab}")
	else
		INLAB=("$LAB" exec)
	fi
	[ -r "$ANCHORS" ] || { bad "lab anchors $ANCHORS missing (is the lab up?)"; finish; }
}

# lab_probe_yaml TIMEOUT_MS [full]: the `probe:` section naming the lab's
# probe zones (tests/lab/mkzones.py).  Without "full" only the names the
# DANE-safety verdict needs; "full" adds the algorithm, NSEC3-iteration,
# size and unknown-type tests.
lab_probe_yaml() {
	cat <<YAML
probe:
  timeout_ms: $1
  names:
    secure: [www.h.dplab]
    insecure: [mx-ai.ins.dplab]
    bogus: [bogus.h.dplab]
    nsec: h.dplab
    nsec3: h3.dplab
    dane: [sss-ok.dplab]
    insecure_child: ins.dplab
YAML
	[ "${2:-}" = full ] || return 0
	cat <<'YAML'
    algorithms: {5: alg5.dplab, 7: alg7.dplab, 8: alg8.dplab, 10: alg10.dplab, 13: alg13.dplab, 14: alg14.dplab, 15: alg15.dplab, 16: alg16.dplab}
    nsec3_iterations: {0: it0.dplab, 50: it50.dplab, 150: it150.dplab, 500: it500.dplab}
    large_dnskey: bigkey.dplab
    big_answer: big.h.dplab TXT
    unknown_type: unk.h.dplab TYPE65000
YAML
}
