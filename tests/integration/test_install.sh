#!/bin/bash
# test_install.sh - daneprobe as a packager builds and installs it (issue
# 11); needs no lab.  From a copy of the source tree:
#   - `make install DESTDIR=... PREFIX=/usr` with a distribution's flags
#     (CPPFLAGS=-D_FORTIFY_SOURCE=2 CFLAGS='-O2 -g'), then the copy is
#     renamed away and the installed binary runs --help, anchor status
#     (KSK-2017 and KSK-2024 valid from the compiled-in anchors), probe (the
#     compiled-in Internet names) and check-config on the installed example;
#   - the installed systemd units pass `systemd-analyze verify` and rate
#     3.0 or lower in `systemd-analyze security`; the man page renders
#     without warnings; uninstall leaves no file behind;
#   - `make CFLAGS=-O1` keeps the flags the build needs; objects rebuild
#     when the flags change and when a header changes (-MMD -MP);
#     configs/root-anchors.ds is the one place to edit the anchors.
#   tests/integration/test_install.sh [DANEPROBE]   (the argument is unused)
set -u
# ok/bad/finish/check: the integration scripts' shared helpers (no lab needed
# for these; lab_setup is not called).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The builds here are a packager's, whatever the make that runs the suite
# was given: `make test WERROR=1` passes WERROR=1 down both through MAKEFLAGS
# and as an environment variable of every recipe.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES WERROR SANITIZE
TOP=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d /tmp/test_install.XXXXXX)
trap 'chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
SRC=$TMP/src ROOT=$TMP/root
MAKE=(make --no-print-directory -j2)

# The tracked and new files of the checkout, without build products.
mkdir -p "$SRC"
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$TOP" && git ls-files -co --exclude-standard -z | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$SRC"
else
	(cd "$TOP" && tar cf - --exclude='./build*' --exclude=./daneprobe .) | tar xf - -C "$SRC"
fi
[ -f "$SRC/Makefile" ] || { bad "could not copy the source tree"; finish; }

# ---- install with a distribution's flags ----
if "${MAKE[@]}" -C "$SRC" install DESTDIR="$ROOT" PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system \
	CPPFLAGS=-D_FORTIFY_SOURCE=2 CFLAGS='-O2 -g' > "$TMP/install.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr CPPFLAGS=-D_FORTIFY_SOURCE=2 CFLAGS='-O2 -g'"
else
	bad "make install failed:"; tail -15 "$TMP/install.log" | sed 's/^/     /'; finish
fi
cc_line=$(grep -m1 -E ' -c -o .*/cmd_anchor\.o ' "$TMP/install.log" | tr -s ' ')
for f in -std=c11 -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -O2 -pthread; do
	case " $cc_line " in
	*" $f "*) ok "compile line has $f" ;;
	*) bad "compile line lacks $f: $cc_line" ;;
	esac
done
case " $cc_line " in *" -Werror "*) bad "-Werror is on without WERROR=1" ;; *) ok "no -Werror by default" ;; esac
BIN=$ROOT/usr/bin/daneprobe
if nm -D "$BIN" 2>/dev/null | grep -qE '__[a-z]+_chk'; then
	ok "_FORTIFY_SOURCE took effect (fortified libc calls in the binary)"
else
	bad "no __*_chk symbols: CPPFLAGS did not reach the compiler"
fi
for f in usr/bin/daneprobe usr/share/man/man1/daneprobe.1 etc/daneprobe/daneprobe.yaml \
	 usr/share/bash-completion/completions/daneprobe lib/systemd/system/daneprobe.service \
	 lib/systemd/system/daneprobe.timer usr/share/daneprobe/schema/check.json \
	 usr/share/daneprobe/schema/common.json; do
	[ -f "$ROOT/$f" ] && ok "installed /$f" || bad "not installed: /$f"
done
if find "$ROOT" -name lab.yaml | grep -q .; then bad "lab.yaml installed"; else ok "lab.yaml not installed"; fi
if grep -q '@[A-Z]*@' "$ROOT"/lib/systemd/system/* "$ROOT/usr/share/man/man1/daneprobe.1" \
	"$ROOT/usr/share/daneprobe/nagios-daneprobe.cfg"; then
	bad "an @PLACEHOLDER@ left in the installed units, man page or Nagios command"
else
	ok "installed paths substituted in the units, the man page and the Nagios command"
fi
check "unit runs the installed binary" 0 'ExecStart=/usr/bin/daneprobe -c /etc/daneprobe/daneprobe.yaml check' \
	cat "$ROOT/lib/systemd/system/daneprobe.service"
check "timer's service refreshes the anchors" 0 'ExecStartPre=-/usr/bin/daneprobe .* anchor refresh' \
	cat "$ROOT/lib/systemd/system/daneprobe.service"

# ---- the source tree gone ----
mv "$SRC" "$TMP/moved-away"
chmod 000 "$TMP/moved-away"
strip -o "$TMP/stripped" "$BIN"
if grep -q "$SRC" "$TMP/stripped" || grep -q "$TOP" "$TMP/stripped"; then
	bad "the binary names a path of the source tree"
else
	ok "no source-tree path compiled into the binary"
fi
cd /
: > "$TMP/empty.yaml"
check "--help" 0 'check-config' "$BIN" --help
out=$("$BIN" -c "$TMP/empty.yaml" --now 2026-12-01T00:00:00Z --format json anchor status \
	--state "$TMP/no-such-state" 2>&1); rc=$?
keys=$(printf '%s' "$out" | jq -r '[.keys[] | select(.state == "valid") | .tag] | sort | map(tostring) | join(",")' 2>/dev/null)
if [ "$rc" -eq 1 ] && [ "$keys" = "20326,38696" ]; then
	ok "anchor status: 20326 and 38696 valid from the compiled-in anchors (exit 1: built-in in use)"
else
	bad "anchor status: rc=$rc valid keys '$keys': $(printf '%s' "$out" | head -5)"
fi
check "probe uses the compiled-in Internet names" 3 'ietf\.org A over UDP' \
	"$BIN" -c "$TMP/empty.yaml" probe --resolver 127.0.0.1:1 --timeout 50
check "check-config on the installed example" 0 "^$ROOT/etc/daneprobe/daneprobe.yaml: ok\$" \
	"$BIN" check-config -c "$ROOT/etc/daneprobe/daneprobe.yaml"
printf 'resolvers:\n  - address: 192.0.2.1\n    priority: first\n' > "$TMP/bad.yaml"
check "check-config on a bad file: FILE:LINE:COL, exit 3" 3 \
	"^$TMP/bad.yaml:3:15: 'priority' must be a whole number" "$BIN" check-config -c "$TMP/bad.yaml"
check "check-config on a missing file: exit 3" 3 'No such file' "$BIN" check-config -c "$TMP/nope.yaml"
chmod 755 "$TMP/moved-away"
for f in "$TMP"/moved-away/configs/*.yaml; do
	check "check-config configs/$(basename "$f")" 0 ': ok$' "$BIN" check-config -c "$f"
done

# ---- the units, by systemd's own analyzers (offline; systemd need not run) ----
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify resolves the units' dependencies (sysinit.target, ...): give
	# it the host's targets beside the installed units, in a copy.
	cp -a "$ROOT" "$TMP/vroot"
	cp /lib/systemd/system/*.target "$TMP/vroot/lib/systemd/system/" 2>/dev/null
	out=$(systemd-analyze verify --man=no --root="$TMP/vroot" daneprobe.service daneprobe.timer 2>&1); rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		ok "systemd-analyze verify: clean"
	else
		bad "systemd-analyze verify: rc=$rc: $out"
	fi
	out=$(systemd-analyze security --offline=yes --root="$TMP/vroot" daneprobe.service 2>&1)
	score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for daneprobe.service: \([0-9.]*\).*/\1/p')
	if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }'; then
		ok "systemd-analyze security: $score (<= 3.0)"
	else
		bad "systemd-analyze security: '${score:-?}': $(printf '%s' "$out" | tail -3)"
	fi
else
	bad "systemd-analyze missing (tests/deps.sh installs systemd)"
fi
# The unit's SystemCallFilter and RestrictAddressFamilies must let a run
# through: the syscalls `check` and `anchor refresh` make (strace, in the
# lab when it is up) against the sets systemd-analyze itself expands.
sc_set() {   # expand a syscall group (and its nested groups) to names
	local x
	for x in $(systemd-analyze syscall-filter "$1" 2>/dev/null | sed -n '2,$p' | sed 's/^ *//; /^#/d; /^$/d'); do
		case $x in @*) sc_set "$x" ;; *) echo "$x" ;; esac
	done
}
if command -v strace >/dev/null 2>&1 && command -v systemd-analyze >/dev/null 2>&1; then
	unit=$ROOT/lib/systemd/system/daneprobe.service
	allow=$(sed -n 's/^SystemCallFilter=\(@[a-z-]*\)$/\1/p' "$unit")
	deny=$(sed -n 's/^SystemCallFilter=~//p' "$unit")
	families=$(sed -n 's/^RestrictAddressFamilies=//p' "$unit")
	sc_set "$allow" | sort -u > "$TMP/allow.txt"
	for g in $deny; do sc_set "$g"; done | sort -u > "$TMP/deny.txt"
	comm -23 "$TMP/allow.txt" "$TMP/deny.txt" > "$TMP/filter.txt"
	ns=()
	if ip netns list 2>/dev/null | grep -qw "^${DPLAB_NS:-dplab}"; then
		ns=(ip netns exec "${DPLAB_NS:-dplab}"); cfg=(-c "$TMP/moved-away/configs/lab.yaml")
	else
		cfg=(-c "$TMP/empty.yaml" --resolver 127.0.0.1:1 --timeout 100)
	fi
	"${ns[@]}" strace -f -qq -o "$TMP/strace.check" "$BIN" "${cfg[@]}" check --state-dir "$TMP" >/dev/null 2>&1
	"${ns[@]}" strace -f -qq -o "$TMP/strace.refresh" "$BIN" "${cfg[@]}" anchor refresh \
		--state "$TMP/st.anchors" >/dev/null 2>&1
	sed -E 's/^[0-9]+ +//' "$TMP"/strace.* | grep -oE '^[a-z_0-9]+\(' | tr -d '(' | sort -u > "$TMP/used.txt"
	outside=$(comm -23 "$TMP/used.txt" "$TMP/filter.txt" | tr '\n' ' ')
	if [ -s "$TMP/used.txt" ] && [ -s "$TMP/filter.txt" ] && [ -z "$outside" ]; then
		ok "SystemCallFilter: the $(wc -l < "$TMP/used.txt") syscalls of check and anchor refresh are allowed ${ns:+(in the lab)}"
	else
		bad "SystemCallFilter ($allow ~$deny) refuses: ${outside:-no syscalls recorded}"
	fi
	fams=$(grep -ohE 'socket\(AF_[A-Z0-9]+' "$TMP"/strace.* | sed 's/socket(//' | sort -u)
	ok_fam=1
	for f in $fams; do case " $families " in *" $f "*) ;; *) ok_fam=0; bad "RestrictAddressFamilies lacks $f" ;; esac; done
	[ -n "$fams" ] && [ $ok_fam = 1 ] && ok "RestrictAddressFamilies allows the sockets used ($(echo $fams))"
else
	bad "strace or systemd-analyze missing (tests/deps.sh installs them)"
fi
out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$ROOT/usr/share/man/man1/daneprobe.1" 2>&1 >/dev/null)
[ -z "$out" ] && ok "man page renders without warnings" || bad "man page: $out"

# ---- uninstall ----
"${MAKE[@]}" -C "$TMP/moved-away" uninstall DESTDIR="$ROOT" PREFIX=/usr \
	SYSTEMDUNITDIR=/lib/systemd/system > "$TMP/uninstall.log" 2>&1
left=$(find "$ROOT" -type f)
[ -z "$left" ] && ok "make uninstall removes every installed file" || bad "left after uninstall: $left"

# ---- flags: added to, never replaced; rebuilt when they change ----
SRC=$TMP/moved-away
B=$TMP/b-o1
if "${MAKE[@]}" -C "$SRC" BUILD="$B" CFLAGS=-O1 > "$TMP/o1.log" 2>&1; then
	cc_line=$(grep -m1 -E ' -c -o .*/cmd_anchor\.o ' "$TMP/o1.log" | tr -s ' ')
	pc=$(pkg-config --cflags ldns libssl libcrypto libcurl yaml-0.1 jansson expat | tr -s " " | sed "s/ $//")
	case " $cc_line " in
	*" -D_GNU_SOURCE "*" -std=c11 "*" $pc "*"-O1 "*) ok "make CFLAGS=-O1 keeps -std=c11, -D_GNU_SOURCE and the pkg-config flags" ;;
	*) bad "make CFLAGS=-O1: $cc_line" ;;
	esac
	check "make CFLAGS=-O1 binary works" 1 'key 38696 +alg +8 +valid' \
		"$B/daneprobe" -c "$TMP/empty.yaml" anchor status --state "$TMP/no-such-state"
else
	bad "make CFLAGS=-O1 failed: $(tail -5 "$TMP/o1.log")"
fi
# configs/root-anchors.ds is the one place to edit the built-in anchors.
echo '. IN DS 12345 8 2 0000000000000000000000000000000000000000000000000000000000000000' \
	>> "$SRC/configs/root-anchors.ds"
"${MAKE[@]}" -C "$SRC" BUILD="$B" CFLAGS=-O1 > "$TMP/edit.log" 2>&1
check "an anchor added to configs/root-anchors.ds is compiled in" 1 'key 12345 ' \
	"$B/daneprobe" -c "$TMP/empty.yaml" anchor status --state "$TMP/no-such-state"
n=$(grep -c ' -c -o ' "$TMP/edit.log")
[ "$n" -eq 1 ] && ok "only the generated source recompiled" || bad "$n files recompiled for a data change"
# What would rebuild (make -n, on copies of the build directory: a dry run
# records the new flags too).
dry() { local b=$TMP/dry.$RANDOM; cp -a "$B" "$b"; "${MAKE[@]}" -n -C "$SRC" BUILD="$b" "$@" 2>&1 | grep -c ' -c -o '; }
n=$(dry CFLAGS=-O1)
[ "$n" -eq 0 ] && ok "same flags: nothing to recompile" || bad "same flags: $n files to recompile"
n=$(dry CFLAGS=-O0)
[ "$n" -gt 40 ] && ok "CFLAGS changed: everything recompiled ($n)" || bad "CFLAGS changed: only $n recompiled"
n=$(dry CFLAGS=-O1 PREFIX=/opt/dp)
[ "$n" -gt 40 ] && ok "PREFIX changed: everything recompiled ($n)" || bad "PREFIX changed: only $n recompiled"
# (In place: the .d files name the objects of their own build directory.)
touch "$SRC/validator/statefile.h"
n=$("${MAKE[@]}" -n -C "$SRC" BUILD="$B" CFLAGS=-O1 2>&1 | grep -c ' -c -o ')
[ "$n" -gt 0 ] && [ "$n" -lt 40 ] && ok "a header changed: its users recompiled ($n)" \
	|| bad "a header changed: $n recompiled"
finish
