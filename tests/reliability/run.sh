#!/bin/bash
# tests/reliability/run.sh DANEPROBE - rerun the adversarial classes of
# issue 17 against a build, with the lab up (tests/lab/lab up):
#   bad inputs     --now overflow, --from-file /dev/zero, stdin, a
#                  directory, a read error, hostile bytes in names and
#                  --helo, bad configuration values
#   hostile DNS    the lab's hostile.py fixtures 127.53.9.1-6
#   hostile SMTP   tests/lab/smtp-hostile.py, started here inside the
#                  namespace on 127.25.0.1 (the MX of sss-ok.dplab)
#   rewrites       a concurrent edit, two concurrent `order --write`, a
#                  symlinked config, owner/group/mode
#   kill loop      KILL_ITERATIONS kill -9s per kind of rewritten file
#                  (tests/reliability/killloop.c; 30 by default, 1000 for
#                  the issue's note) and a few during `order --write`
#   full / ro fs   a 512 KiB tmpfs filled up, then remounted read-only,
#                  and a read-only bind mount, in a private mount
#                  namespace (unshare -m) so nothing leaks
# Prints ok/FAIL lines and ends with "N passed, M failed".
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
lab_setup reliability "${1:?usage: tests/reliability/run.sh PATH/TO/daneprobe}"
KILL_ITERATIONS=${KILL_ITERATIONS:-30}
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(dirname "$DP")
NS=${DPLAB_NS:-dplab}
R=127.53.1.1
dp() { inlab "$DP" --anchors "$ANCHORS" "$@"; }
ESC=$(printf '\033')
no_esc() { ! grep -q "$ESC" "$1" && ! grep -q "$(printf '\a')" "$1"; }
# A sanitizer report anywhere is a failure of that case.
clean() { ! grep -qE "ERROR: AddressSanitizer|runtime error:|LeakSanitizer" "$1"; }

# ---- the kill-loop driver, built against this build's libraries ----
KL=$BUILD/killloop
build_killloop() {
	local pk="ldns libssl libcrypto libcurl yaml-0.1 jansson expat" san=""
	nm "$BUILD/libdpprobe.a" 2>/dev/null | grep -q __asan && san="-fsanitize=address,undefined"
	cc -O1 -g -std=c11 -D_GNU_SOURCE -pthread -I"$ROOT" -Wall -Wextra -Werror -Wno-unused-parameter $san \
		-DDP_DATADIR="\"$ROOT/configs\"" $(pkg-config --cflags $pk) -o "$KL" \
		"$ROOT/tests/reliability/killloop.c" "$BUILD/libdpprobe.a" "$BUILD/libdpval.a" \
		$(pkg-config --libs $pk) -pthread -lm
}
if build_killloop 2>"$TMP/kl.err"; then ok "killloop built"; else bad "killloop: $(head -3 "$TMP/kl.err")"; fi

echo "# ---- bad inputs ----"
check "--now @99999999999999999999 refused (was INT64_MAX, then signed overflow)" 3 "--now: cannot read '@99999999999999999999'" \
	dp --now @99999999999999999999 --resolver $R lookup www.h.dplab
dp --now @253402300799 --resolver $R lookup www.h.dplab >"$TMP/now.out" 2>&1
rc=$?
if [ $rc -le 3 ] && clean "$TMP/now.out" && ! grep -q -- "-92233" "$TMP/now.out"; then
	ok "--now at 9999-12-31: rc $rc, no overflow, no negative time"
else
	bad "--now @253402300799: rc $rc: $(head -3 "$TMP/now.out")"
fi
t0=$SECONDS
check "--from-file /dev/zero: a line cap, not 1 GB" 3 "/dev/zero:1: line longer than 4096 bytes" \
	timeout 20 "$DP" verify --resolver $R --from-file /dev/zero
[ $((SECONDS - t0)) -lt 10 ] && ok "/dev/zero refused in $((SECONDS - t0)) s" || bad "/dev/zero took $((SECONDS - t0)) s"
check "--from-file - < /dev/zero" 3 "stdin:1: line longer than 4096 bytes" \
	bash -c "timeout 20 '$DP' verify --resolver $R --from-file - </dev/zero"
check "--from-file DIRECTORY says so" 3 "verify: --from-file $TMP: Is a directory" \
	"$DP" verify --resolver $R --from-file "$TMP"
check "--from-file read error reported (was end of file)" 3 "read error" \
	"$DP" verify --resolver $R --from-file /proc/self/mem
printf 'sss-ok.dplab\nbad\033]0;pwned\007.example\n' >"$TMP/names.txt"
"$DP" verify --resolver $R --from-file "$TMP/names.txt" >"$TMP/names.out" 2>&1
rc=$?
if [ $rc = 3 ] && no_esc "$TMP/names.out" && grep -qF 'names.txt:2: "bad\x1b]0;pwned\x07.example"' "$TMP/names.out"; then
	ok "escape bytes in a --from-file name: refused, printed escaped"
else
	bad "hostile name in a file: rc $rc: $(cat -v "$TMP/names.out" | head -3)"
fi
dp --timeout 300 verify --resolver 127.53.1.7 "evil$ESC[2J$ESC]0;x$(printf '\a').example" >"$TMP/argv.out" 2>&1
rc=$?
if no_esc "$TMP/argv.out" && clean "$TMP/argv.out" && [ $rc -le 3 ]; then
	ok "escape bytes in an argv name never reach the terminal (rc $rc)"
else
	bad "argv name: rc $rc: $(cat -v "$TMP/argv.out" | head -3)"
fi
check "--helo with CR/LF refused before anything is sent" 3 "is not a domain name or an address literal" \
	"$DP" verify --resolver $R --helo "$(printf 'probe.example\r\nMAIL FROM:<x@example>')" sss-ok.dplab
for v in '[""]' "[$(printf 'a%.0s' $(seq 1 63)).$(printf 'b%.0s' $(seq 1 63)).$(printf 'c%.0s' $(seq 1 63)).$(printf 'd%.0s' $(seq 1 63)).$(printf 'e%.0s' $(seq 1 50)).example]"; do
	printf 'resolvers:\n  - address: %s\ndane:\n  destinations: %s\n' $R "$v" >"$TMP/dest.yaml"
	check "dane.destinations ${v:0:12}... refused at load with FILE:LINE:COL" 3 \
		"$TMP/dest.yaml:4:18: dane.destinations \"" dp -c "$TMP/dest.yaml" check
done

echo "# ---- hostile DNS ----"
for n in 1 2 3 4 5 6; do
	t0=$(date +%s%N)
	dp --timeout 500 --resolver 127.53.9.$n lookup www.h.dplab >"$TMP/h$n.out" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	if [ $rc -ge 2 ] && [ $rc -le 3 ] && clean "$TMP/h$n.out" && no_esc "$TMP/h$n.out" && [ $ms -lt 8000 ]; then
		ok "hostile DNS 127.53.9.$n: lookup rc $rc in $ms ms"
	else
		bad "hostile DNS 127.53.9.$n: rc $rc, $ms ms: $(head -3 "$TMP/h$n.out")"
	fi
done

echo "# ---- hostile SMTP ----"
# Not through the inlab function: $! must be the server itself (ip netns
# exec execs it), so that the trap ends it.
"${INLAB[@]}" /usr/bin/python3 "$ROOT/tests/lab/smtp-hostile.py" 127.25.0.1 2600 >"$TMP/smtp.log" 2>&1 &
SMTP_PID=$!
trap 'kill $SMTP_PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q "port 2613" "$TMP/smtp.log" && break; sleep 0.1; done
grep -q "port 2613" "$TMP/smtp.log" && ok "hostile SMTP fixtures up" || bad "smtp-hostile.py: $(tail -2 "$TMP/smtp.log")"
names=(no-starttls tarpit silent endless-line endless-lines garbage code-mismatch refuse abort-tls \
	stall-tls injection starttls-454 escape-banner log-commands)
for n in $(seq 0 12); do
	t0=$(date +%s%N)
	dp --resolver $R verify --smtp-port $((2600 + n)) --smtp-timeout 2000 sss-ok.dplab >"$TMP/s$n.out" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	if [ $rc -ge 1 ] && [ $rc -le 3 ] && clean "$TMP/s$n.out" && no_esc "$TMP/s$n.out" && [ $ms -lt 6000 ]; then
		ok "hostile SMTP ${names[$n]}: rc $rc in $ms ms, no control byte printed"
	else
		bad "hostile SMTP ${names[$n]}: rc $rc, $ms ms: $(cat -v "$TMP/s$n.out" | tail -3)"
	fi
done
grep -q "server offered STARTTLS, then refused it: 454" "$TMP/s11.out" && ! grep -q "did not offer" "$TMP/s11.out" \
	&& ok "454 after STARTTLS is reported as offered-then-refused" || bad "454: $(grep -i starttls "$TMP/s11.out" | head -3)"
grep -qF 'banner 554 \x1b]0;pwned\x07\x1b[2J\x0aDANE SUCCESS' "$TMP/s12.out" && ! grep -q "^DANE SUCCESS" "$TMP/s12.out" \
	&& ok "escape-banner: reply text escaped, no forged line" || bad "escape-banner: $(cat -v "$TMP/s12.out" | head -5)"
dp --resolver $R verify --smtp-port 2613 --smtp-timeout 2000 --helo probe.example sss-ok.dplab >/dev/null 2>&1
dp --resolver $R verify --smtp-port 2613 --smtp-timeout 2000 --helo "$(printf 'x.example\r\nMAIL FROM:<a@b>')" sss-ok.dplab >/dev/null 2>&1
grep -q "heard: b'EHLO probe.example" "$TMP/smtp.log" && ! grep -q "MAIL FROM" "$TMP/smtp.log" \
	&& ok "the SMTP server heard EHLO, and never a MAIL FROM smuggled in --helo" \
	|| bad "SMTP log: $(grep heard "$TMP/smtp.log" | head -5)"

echo "# ---- rewrites by order --write ----"
probe_yaml=$(lab_probe_yaml 1500)
mkcfg() {   # mkcfg FILE: resolvers whose recommended order differs (a change to write)
	printf '# gateway\nresolvers:\n  - address: 127.53.2.3\n    priority: 0\n  - address: 127.53.2.1\n    priority: 10\n%s\n' \
		"$probe_yaml" >"$1"
}
order() { dp -c "$1" order --write; }
mkcfg "$TMP/c.yaml"; cp "$TMP/c.yaml" "$TMP/c.orig"
t0=$(date +%s%N); order "$TMP/c.yaml" >"$TMP/o.out" 2>&1; rc=$?; ORDER_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
cp "$TMP/c.yaml" "$TMP/c.new"
if [ $rc -le 1 ] && ! cmp -s "$TMP/c.new" "$TMP/c.orig" && cmp -s "$TMP/c.yaml.bak" "$TMP/c.orig"; then
	ok "order --write rewrites the priorities (rc $rc, $ORDER_MS ms), .bak is the original"
else
	bad "order --write: rc $rc: $(tail -3 "$TMP/o.out")"
fi
# 1: an edit made while the probes run is kept; nothing written.
mkcfg "$TMP/c.yaml"; rm -f "$TMP/c.yaml.bak"
order "$TMP/c.yaml" >"$TMP/o1.out" 2>&1 & pid=$!
sleep "$(awk -v m=$ORDER_MS 'BEGIN { printf "%.3f", m / 3000 }')"
echo "# edited meanwhile" >>"$TMP/c.yaml"
wait $pid; rc=$?
if [ $rc = 3 ] && grep -q "changed since daneprobe read it" "$TMP/o1.out" && tail -1 "$TMP/c.yaml" | grep -q "edited meanwhile" \
   && [ ! -e "$TMP/c.yaml.bak" ]; then
	ok "concurrent edit: exit 3, the edit kept, nothing written"
else
	bad "concurrent edit: rc $rc: $(tail -2 "$TMP/o1.out")"
fi
# 3: two concurrent writers: one writes, one is refused; .bak is the original.
for i in 1 2 3; do
	mkcfg "$TMP/c.yaml"; rm -f "$TMP/c.yaml.bak"
	order "$TMP/c.yaml" >"$TMP/w1.out" 2>&1 & p1=$!
	order "$TMP/c.yaml" >"$TMP/w2.out" 2>&1 & p2=$!
	wait $p1; r1=$?; wait $p2; r2=$?
	if cmp -s "$TMP/c.yaml.bak" "$TMP/c.orig" && cmp -s "$TMP/c.yaml" "$TMP/c.new" \
	   && [ "$(cat "$TMP/w1.out" "$TMP/w2.out" | grep -c 'old version in')" = 1 ]; then
		ok "two concurrent order --write ($i): one wrote (rc $r1/$r2), .bak is the original"
	else
		bad "two concurrent order --write ($i): rc $r1/$r2, $(cat "$TMP/w1.out" "$TMP/w2.out" | grep daneprobe: | head -3)"
	fi
done
# 2 and 4: owner, group and mode kept; a symlinked config names the real .bak.
mkdir -p "$TMP/real"; mkcfg "$TMP/real/gw.yaml"; rm -f "$TMP/real/gw.yaml.bak"
chown 1234:5678 "$TMP/real/gw.yaml"; chmod 0640 "$TMP/real/gw.yaml"
ln -sf real/gw.yaml "$TMP/link.yaml"
order "$TMP/link.yaml" >"$TMP/l.out" 2>&1; rc=$?
if [ -L "$TMP/link.yaml" ] && grep -q "old version in $TMP/real/gw.yaml.bak" "$TMP/l.out" && [ -e "$TMP/real/gw.yaml.bak" ] \
   && [ "$(stat -c %u:%g:%a "$TMP/real/gw.yaml")" = 1234:5678:640 ] && [ "$(stat -c %u:%g:%a "$TMP/real/gw.yaml.bak")" = 1234:5678:640 ]; then
	ok "symlinked config: link kept, real .bak named; owner 1234:5678 and mode 640 kept (file and .bak)"
else
	bad "symlink/owner: rc $rc, $(stat -c %u:%g:%a "$TMP/real/gw.yaml"), $(tail -2 "$TMP/l.out")"
fi

echo "# ---- kill -9 during rewrites ($KILL_ITERATIONS per file) ----"
mkdir -p "$TMP/kl"
for kind in config resolv state prom alert; do
	if line=$("$KL" "$kind" "$TMP/kl" "$KILL_ITERATIONS" 2>"$TMP/kl-$kind.err"); then
		ok "kill loop: $line"
	else
		bad "kill loop $kind: $line $(head -3 "$TMP/kl-$kind.err")"
	fi
done
# The real command: order --write killed at random points of its run.
n=$(( KILL_ITERATIONS / 10 > 3 ? KILL_ITERATIONS / 10 : 3 )); torn=0; oldc=0; newc=0; metab=0
mkcfg "$TMP/k.yaml"; chown 1234:5678 "$TMP/k.yaml"; chmod 0640 "$TMP/k.yaml"
for i in $(seq "$n"); do
	order "$TMP/k.yaml" >/dev/null 2>&1 & pid=$!
	sleep "$(awk -v m=$ORDER_MS -v r=$RANDOM 'BEGIN { printf "%.3f", m * 1.2 * r / 32768 / 1000 }')"
	kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
	if cmp -s "$TMP/k.yaml" "$TMP/c.orig"; then oldc=$((oldc + 1))
	elif cmp -s "$TMP/k.yaml" "$TMP/c.new"; then newc=$((newc + 1)); cp "$TMP/c.orig" "$TMP/k.yaml"
	else torn=$((torn + 1)); fi
	[ "$(stat -c %u:%g:%a "$TMP/k.yaml")" = 1234:5678:640 ] || metab=$((metab + 1))
done
order "$TMP/k.yaml" >/dev/null 2>&1
left=$(ls "$TMP" | grep -cE '^k\.yaml.*(\.tmp\.|\.lock$)')
[ $torn = 0 ] && [ $metab = 0 ] && [ "$left" = 0 ] \
	&& ok "order --write killed $n times: old $oldc, new $newc, torn 0, owner/mode kept, no temporary or lock file after the next run" \
	|| bad "order --write kill loop: torn $torn, owner/mode lost $metab, temporary or lock files left $left"

echo "# ---- full and read-only file systems (private mount namespace) ----"
fs_tests() {
	local d=$TMP/fs out rc
	mkdir -p "$d" "$TMP/rocfg" || return
	mount --make-rprivate / 2>/dev/null
	mount -t tmpfs -o size=512k tmpfs "$d" || { echo "FAIL - cannot mount a tmpfs"; return; }
	"$KL" init config "$d" 0
	dd if=/dev/zero of="$d/filler" bs=4k >/dev/null 2>&1
	out=$("$KL" once config "$d" 0 2>&1); rc=$?
	if [ $rc != 0 ] && echo "$out" | grep -q "No space left on device" && "$KL" is config "$d" 0 \
	   && [ "$(ls "$d" | grep -c '\.tmp\.')" = 0 ]; then
		echo "ok - full file system: refused (No space left on device), the old file whole, no temporary file"
	else
		echo "FAIL - full file system: rc $rc: $out"
	fi
	cp "$TMP/c.orig" "$d/gw.yaml" 2>/dev/null; cp "$TMP/c.orig" "$TMP/rocfg/gw.yaml"
	rm -f "$d/filler"; cp "$TMP/c.orig" "$d/gw.yaml"
	dd if=/dev/zero of="$d/filler" bs=1k >/dev/null 2>&1
	out=$(ip netns exec "$NS" "$DP" --anchors "$ANCHORS" -c "$d/gw.yaml" order --write 2>&1); rc=$?
	if [ $rc = 3 ] && echo "$out" | grep -q "No space left on device" && cmp -s "$d/gw.yaml" "$TMP/c.orig"; then
		echo "ok - order --write on a full file system: exit 3, says so, config intact"
	else
		echo "FAIL - order --write on a full file system: rc $rc: $(echo "$out" | tail -2)"
	fi
	rm -f "$d/filler"
	mount -o remount,ro "$d"
	out=$("$KL" once config "$d" 0 2>&1); rc=$?
	if [ $rc != 0 ] && echo "$out" | grep -q "Read-only file system" && "$KL" is config "$d" 0; then
		echo "ok - read-only file system: refused (Read-only file system), the old file whole"
	else
		echo "FAIL - read-only file system: rc $rc: $out"
	fi
	mount --bind "$TMP/rocfg" "$TMP/rocfg" && mount -o remount,bind,ro "$TMP/rocfg"
	out=$(ip netns exec "$NS" "$DP" --anchors "$ANCHORS" -c "$TMP/rocfg/gw.yaml" order --write 2>&1); rc=$?
	if [ $rc = 3 ] && echo "$out" | grep -q "Read-only file system" && cmp -s "$TMP/rocfg/gw.yaml" "$TMP/c.orig"; then
		echo "ok - order --write on a read-only bind mount: exit 3, says so, config intact"
	else
		echo "FAIL - order --write on a read-only bind mount: rc $rc: $(echo "$out" | tail -2)"
	fi
}
if command -v unshare >/dev/null && [ "$(id -u)" = 0 ]; then
	TMP=$TMP KL=$KL DP=$DP NS=$NS ANCHORS=$ANCHORS unshare -m bash -c "$(declare -f fs_tests); fs_tests" >"$TMP/fs.out" 2>&1
	cat "$TMP/fs.out"
	pass=$((pass + $(grep -c '^ok - ' "$TMP/fs.out")))
	fail=$((fail + $(grep -c '^FAIL - ' "$TMP/fs.out")))
	[ "$(grep -c '^ok - ' "$TMP/fs.out")" = 4 ] || bad "file system tests: $(grep -c '^ok - ' "$TMP/fs.out") of 4 ran"
else
	bad "full/read-only file system tests need root and unshare(1)"
fi
finish
