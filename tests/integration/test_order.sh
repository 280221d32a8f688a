#!/bin/bash
# test_order.sh DANEPROBE - `daneprobe order` in the lab.  The RRSIG-
# stripping forwarder (127.53.1.4) is the primary and the validating
# unbound (127.53.1.1) the secondary: order must recommend swapping them,
# --dry-run must print a unified diff and write nothing, --write must
# change only the two priority numbers (compared byte for byte with cmp),
# keep a .bak and be stable on a second run; resolv.conf is reordered the
# same way.  Prints ok/FAIL lines and ends with exactly "N passed,
# M failed"; exits nonzero on failure.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_order "${1:-./daneprobe}"
NAMES=$(lab_probe_yaml 1500)

# Comments, odd spacing, a quoted priority and a flow-style entry: all
# of it must survive the rewrite untouched.
cat >"$TMP/gw.yaml" <<EOF2
# mail gateway resolvers  (do not reorder by hand)
resolvers:
  - name:  forwarder      # the site forwarder, strips RRSIGs
    address: 127.53.1.4
    priority:   "0"       # lower = preferred
  -   name: unbound
      address: "127.53.1.1"
      priority: 10
  - {name: spare, address: 127.53.1.3, priority: 20}   # flow style
$NAMES
EOF2
cp "$TMP/gw.yaml" "$TMP/orig.yaml"
cat >"$TMP/expected.yaml" <<EOF2
# mail gateway resolvers  (do not reorder by hand)
resolvers:
  - name:  forwarder      # the site forwarder, strips RRSIGs
    address: 127.53.1.4
    priority:   "20"       # lower = preferred
  -   name: unbound
      address: "127.53.1.1"
      priority: 0
  - {name: spare, address: 127.53.1.3, priority: 10}   # flow style
$NAMES
EOF2

run() { inlab "$DP" -c "$TMP/gw.yaml" --anchors "$ANCHORS" "$@"; }

# ---- the recommendation ----
run --format json order >"$TMP/order.json" 2>"$TMP/order.err"
rc=$?
read -r changed first second third <<<"$(python3 - "$TMP/order.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    rec = d["recommended"]
    print("true" if d["changed"] else "false", *[f'{r["address"]}={r["priority"]}' for r in rec])
except Exception as e:
    print("BADJSON")
PY
)"
[ "$changed" = true ] && ok "order: changed is true (exit $rc)" || bad "order: changed=$changed: $(head -3 "$TMP/order.err")"
[ "$first" = "127.53.1.1=0" ] && ok "validating unbound recommended first with priority 0" || bad "first recommended: $first"
[ "$second" = "127.53.1.3=10" ] && ok "AD-clearing dnsmasq second with priority 10" || bad "second recommended: $second"
[ "$third" = "127.53.1.4=20" ] && ok "stripping forwarder last with priority 20" || bad "third recommended: $third"
python3 - "$TMP/order.json" <<'PY' && ok "every recommendation has a reason; the forwarder's names the Bogus MX" || bad "reasons missing: $(cat "$TMP/order.json" | head -30)"
import json, sys
d = json.load(open(sys.argv[1]))
assert all(r.get("reason") for r in d["recommended"])
r = [x for x in d["recommended"] if x["address"] == "127.53.1.4"][0]["reason"]
assert "not DANE-safe" in r and "MX" in r, r
assert [c["address"] for c in d["current"]] == ["127.53.1.4", "127.53.1.1", "127.53.1.3"]
PY
[ "$rc" = 1 ] && ok "order exits 1 when a change is recommended" || bad "order exit $rc, want 1"
run order >"$TMP/order.txt" 2>&1
grep -q "recommended order" "$TMP/order.txt" && grep -q "^current order" "$TMP/order.txt" \
	&& ok "text output: current and recommended order" || bad "text output: $(head -5 "$TMP/order.txt")"

# ---- --dry-run: a diff, nothing written ----
run order --dry-run >"$TMP/dry.txt" 2>&1
cmp -s "$TMP/gw.yaml" "$TMP/orig.yaml" && ok "--dry-run leaves the file alone" || bad "--dry-run changed the file"
[ ! -e "$TMP/gw.yaml.bak" ] && ok "--dry-run writes no backup" || bad "--dry-run wrote a backup"
if grep -q "^--- $TMP/gw.yaml" "$TMP/dry.txt" && grep -q '^-    priority:   "0"       # lower = preferred$' "$TMP/dry.txt" \
   && grep -q '^+    priority:   "20"       # lower = preferred$' "$TMP/dry.txt" \
   && grep -q '^+      priority: 0$' "$TMP/dry.txt" && grep -q '^@@ ' "$TMP/dry.txt"; then
	ok "--dry-run prints a unified diff of the priority lines"
else
	bad "--dry-run diff: $(cat "$TMP/dry.txt")"
fi
n=$(grep -c '^[-+][^-+]' "$TMP/dry.txt")
[ "$n" = 6 ] && ok "the diff changes exactly 3 lines" || bad "the diff has $n changed lines, want 6"

# ---- --write ----
run order --write >"$TMP/write.txt" 2>&1
rc=$?
cmp "$TMP/gw.yaml" "$TMP/expected.yaml" >"$TMP/cmp" 2>&1 && ok "--write: only the priority bytes changed (cmp with the expected file)" \
	|| bad "--write result differs: $(cat "$TMP/cmp"); $(diff "$TMP/expected.yaml" "$TMP/gw.yaml" | head)"
cmp -s "$TMP/gw.yaml.bak" "$TMP/orig.yaml" && ok "--write keeps the old file as .bak" || bad ".bak differs from the original"
ls "$TMP" | grep -q '\.tmp\.' && bad "a temporary file was left behind" || ok "no temporary file left behind"
[ "$rc" -le 1 ] && ok "--write exit $rc" || bad "--write exit $rc: $(tail -3 "$TMP/write.txt")"
run --format json order >"$TMP/again.json" 2>/dev/null
python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["changed"] is False else 1)' "$TMP/again.json" \
	&& ok "second run: the order is already right (changed false)" || bad "second run still wants a change"

# ---- the source document's case: stripping primary, validating secondary ----
cat >"$TMP/two.yaml" <<EOF2
resolvers:
  - name: primary     # site forwarder
    address: 127.53.1.4
    priority: 0
  - name: secondary
    address: 127.53.1.1
    priority:  5   # the DNSSEC one
$NAMES
EOF2
sed -e 's/^    priority: 0$/    priority: 5/' -e 's/^    priority:  5   # the DNSSEC one$/    priority:  0   # the DNSSEC one/' \
	"$TMP/two.yaml" >"$TMP/two.expected"
inlab "$DP" -c "$TMP/two.yaml" --anchors "$ANCHORS" order --write >"$TMP/two.txt" 2>&1
cmp "$TMP/two.yaml" "$TMP/two.expected" >/dev/null 2>&1 \
	&& ok "two resolvers: --write swaps exactly the two priority numbers (cmp)" \
	|| bad "two resolvers: $(diff "$TMP/two.expected" "$TMP/two.yaml" | head -6); $(tail -3 "$TMP/two.txt")"
[ "$(cmp -l "$TMP/two.yaml.bak" "$TMP/two.yaml" 2>/dev/null | wc -l)" = 2 ] \
	&& ok "two resolvers: exactly two bytes differ from the original" \
	|| bad "two resolvers: $(cmp -l "$TMP/two.yaml.bak" "$TMP/two.yaml" 2>&1 | wc -l) bytes differ, want 2"

# ---- a config that cannot be written: the old file stays ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir "$TMP/ro" && cp "$TMP/orig.yaml" "$TMP/ro/gw.yaml" && chmod 0555 "$TMP/ro" && chmod 0644 "$TMP/ro/gw.yaml"
	chmod 0755 "$TMP"
	inlab setpriv --reuid=65534 --regid=65534 --clear-groups "$DP" -c "$TMP/ro/gw.yaml" --anchors "$ANCHORS" \
		order --write >"$TMP/ro.txt" 2>&1
	rc=$?
	if [ "$rc" = 3 ] && cmp -s "$TMP/ro/gw.yaml" "$TMP/orig.yaml" && grep -q "unchanged" "$TMP/ro.txt"; then
		ok "unwritable directory: exit 3, the old file is intact, the error says so"
	else
		bad "unwritable directory: exit $rc, $(tail -2 "$TMP/ro.txt")"
	fi
	chmod 0755 "$TMP/ro"
fi

# ---- resolv.conf ----
printf '# resolv.conf of the gateway\nsearch dplab\nnameserver 127.53.1.4  # forwarder\noptions edns0 trust-ad\nnameserver 127.53.1.1\n' >"$TMP/resolv.conf"
printf '# resolv.conf of the gateway\nsearch dplab\nnameserver 127.53.1.1\noptions edns0 trust-ad\nnameserver 127.53.1.4  # forwarder\n' >"$TMP/resolv.expected"
cat >"$TMP/names.yaml" <<EOF2
$NAMES
EOF2
inlab "$DP" -c "$TMP/names.yaml" --anchors "$ANCHORS" order --resolv-conf "$TMP/resolv.conf" --write >"$TMP/rc.txt" 2>&1
cmp -s "$TMP/resolv.conf" "$TMP/resolv.expected" && ok "resolv.conf: nameserver lines swapped, every other byte kept" \
	|| bad "resolv.conf rewrite: $(diff "$TMP/resolv.expected" "$TMP/resolv.conf" | head -6); $(tail -3 "$TMP/rc.txt")"
grep -q "no DANE-safe secondary" "$TMP/rc.txt" && ok "warns that no DANE-safe secondary remains" \
	|| bad "no warning about the missing DANE-safe secondary: $(tail -4 "$TMP/rc.txt")"
finish
