#!/bin/bash
# Pictures (issue 15): lookup and verify as DOT and SVG, check --html.
# References we did not write judge the output: Graphviz's `dot` reads
# every DOT, `xmllint` every SVG and HTML page, headless Chromium opens
# the page (inside the lab namespace: it can reach nothing but loopback).
# The element marked failing must be the one the lookup's reason names,
# and the lab's hostile name ('<script>', quotes, a newline in a label)
# must come out escaped in all three formats.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_pictures "${1:-./daneprobe}"
# Kept after the run for people to look at; one directory per lab
# namespace, so that labs run side by side do not overwrite each other's.
case ${DPLAB_NS:-dplab} in
dplab) OUT=/tmp/daneprobe-pictures ;;
*) OUT=/tmp/daneprobe-pictures-$DPLAB_NS ;;
esac
OUT=${DP_PICTURES_OUT:-$OUT}
mkdir -p "$OUT"
HOSTILE='<script>\"x\"\010y.h.dplab'
# A sanitized build unwinds allocation stacks through Graphviz's libraries
# (no frame pointers there), so that the suppressions lib.sh exports can
# see the Graphviz functions that leak and nothing else; the default fast
# unwinder stops at Graphviz's gmalloc, and every picture would fail.
export ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

dp() { inlab "$DP" --anchors "$ANCHORS" "$@"; }

# accepts NAME FILE.dot FILE.svg: dot and xmllint take them.
accepts() {
	if dot -Tcanon "$2" > /dev/null 2> "$TMP/dot.err"; then ok "$1: dot accepts the DOT"
	else bad "$1: dot refuses the DOT: $(head -3 "$TMP/dot.err")"; fi
	if xmllint --noout "$3" 2> "$TMP/xml.err"; then ok "$1: xmllint accepts the SVG"
	else bad "$1: xmllint refuses the SVG: $(head -3 "$TMP/xml.err")"; fi
}

# draw NAME WANT_RC RESOLVER ARGS...: lookup/verify ARGS as text, dot, svg.
draw() {
	local name=$1 want=$2 res=$3; shift 3
	local f="$TMP/$name" rc
	dp --resolver "$res" "$@" > "$f.txt" 2>&1
	dp --resolver "$res" "$@" --format dot > "$f.dot" 2> "$f.err"; rc=$?
	[ "$rc" -eq "$want" ] && ok "$name: --format dot exits $want" || bad "$name: dot exit $rc, wanted $want: $(head -2 "$f.err")"
	dp --resolver "$res" "$@" --format svg > "$f.svg" 2>> "$f.err"; rc=$?
	[ "$rc" -eq "$want" ] && ok "$name: --format svg exits $want" || bad "$name: svg exit $rc, wanted $want: $(tail -2 "$f.err")"
	grep -q '^<svg\|<svg ' "$f.svg" && ok "$name: SVG rendered in-process" || bad "$name: no SVG: $(tail -2 "$f.err")"
	accepts "$name" "$f.dot" "$f.svg"
	cp "$f.dot" "$f.svg" "$OUT/" 2>/dev/null
}

# failing NAME WANT_REGEX: the one element marked failing (DOT and SVG)
# matches WANT_REGEX, and its reason is (part of) the lookup's reason.
failing() {
	python3 - "$TMP/$1" "$2" <<'PY' && ok "$1: the failing element is the one in the reason" || bad "$1: failing element"
import re, sys, html
base, want = sys.argv[1], sys.argv[2]
dot = open(base + ".dot").read()
lines = [l for l in dot.splitlines() if 'id="failing"' in l]
# Text wraps to the width (issue 13): a reason may go on over the next
# lines, lookup's as ";   " comments, the others indented; joined here.
text = re.sub(r"\n;? +", " ", open(base + ".txt").read())
if len(lines) != 1:
    sys.exit(print("failing elements in DOT:", len(lines)) or 1)
if not re.search(want, lines[0]):
    sys.exit(print("not the wanted element:", lines[0]) or 1)
tip = re.search(r'tooltip="([^"]*)"', lines[0]).group(1)
tip = html.unescape(tip.replace("\\\\", "\\"))
if tip not in text:
    sys.exit(print("reason %r is not in the lookup's output" % tip) or 1)
svg = open(base + ".svg").read()
if not re.search(r'<g id="failing" class="[^"]*failing', svg):
    sys.exit(print("no failing element in the SVG") or 1)
PY
}

# nofail NAME: nothing is marked failing.
nofail() {
	if grep -q 'failing' "$TMP/$1.dot"; then bad "$1: an element is marked failing"
	else ok "$1: nothing marked failing"; fi
}

draw secure 0 127.53.1.1 lookup sss-ok.dplab MX
nofail secure
grep -q 'class="node secure"' "$TMP/secure.svg" && ok "secure: SVG keeps the status classes" || bad "secure: no status class in the SVG"
grep -q 'trust anchor' "$TMP/secure.dot" && grep -q 'KSK' "$TMP/secure.dot" && grep -q 'dplab/DS' "$TMP/secure.dot" &&
	ok "secure: anchor, KSK and DS drawn" || bad "secure: anchor/KSK/DS missing"
draw insecure 0 127.53.1.1 lookup www.ins.dplab A
nofail insecure
grep -q 'no DS for ins.dplab' "$TMP/insecure.dot" && ok "insecure: the insecure delegation is drawn" || bad "insecure: no insecure delegation node"
draw stripped 2 127.53.1.4 lookup sss-ok.dplab MX
failing stripped 'z0_set .*RRSIG missing for \./DNSKEY'
draw dsmismatch 2 127.53.1.1 lookup www.dsmismatch.dplab A
failing dsmismatch '^  d[0-9]+ -> z[0-9]+_set .*DS [0-9]+/13/2 for dsmismatch.dplab matches no DNSKEY'
draw badsig 2 127.53.1.1 lookup bogus.h.dplab A
failing badsig '^  z[0-9]+_k[0-9]+ -> a[0-9]+ .*RRSIG for bogus.h.dplab/A does not verify'
draw dane-ok 0 127.53.1.1 verify sss-ok.dplab
nofail dane-ok
grep -q 'certificate at 127.25.0.1: verified' "$TMP/dane-ok.dot" && ok "dane-ok: certificate verified drawn" || bad "dane-ok: no verified certificate"
grep -q '_25._tcp.mx-ok.h.dplab/TLSA' "$TMP/dane-ok.dot" && grep -q 'zone h.dplab' "$TMP/dane-ok.dot" &&
	ok "dane-ok: TLSA and the chain of trust of its records" || bad "dane-ok: TLSA or chain missing"
draw dane-fail 2 127.53.1.1 verify sss-fail.dplab
grep 'class="[a-z]* failing"' "$TMP/dane-fail.dot" | grep -q 'certificate at 127.25.0.2: failed' &&
	ok "dane-fail: the failing element is the certificate of 127.25.0.2" || bad "dane-fail: certificate not marked failing"
check "verify --format svg takes one domain" 3 'svg draws one domain' dp --resolver 127.53.1.1 verify sss-ok.dplab ssn.dplab --format svg

# The hostile name, in DOT and SVG.
draw hostile 0 127.53.1.1 lookup "$HOSTILE" A
python3 - "$TMP/hostile" <<'PY' && ok "hostile: escaped in DOT and SVG" || bad "hostile: not escaped"
import sys
b = sys.argv[1]
dot, svg = open(b + ".dot").read(), open(b + ".svg").read()
# ldns writes the label as <script>"x"\010y; DOT doubles the backslash.
assert "&lt;script&gt;&quot;x&quot;\\\\010y" in dot, "DOT label"
assert "&lt;script&gt;&quot;x&quot;\\010y" in svg, "SVG label"
assert "<script" not in dot and "<script" not in svg, "raw <script"
assert "&lt;script&gt;" in svg, "SVG text"
assert not any(l.startswith("y.h.dplab") for l in dot.splitlines()), "raw newline"
PY

# check --html: a small configuration, the lab's resolvers, four destinations
# (a DANE success, a DANE failure, the hostile name, a bogus MX).
python3 - "$HERE/../../configs/lab.yaml" "$TMP/html.yaml" <<'PY'
import sys
s = open(sys.argv[1]).read()
a = s.index("  destinations:")
rest = s[a:].split("\n")
i = 1
while i < len(rest) and rest[i].startswith("    - "):
    i += 1
dests = ["    - sss-ok.dplab", "    - sss-fail.dplab", "    - '<script>\\\"x\\\"\\010y.h.dplab'",
         "    - b.dplab"]
open(sys.argv[2], "w").write(s[:a] + "\n".join([rest[0]] + dests + rest[i:]))
PY
echo old > "$TMP/report.html"
dp -c "$TMP/html.yaml" check --html "$TMP/report.html" > "$TMP/check.txt" 2>&1
grep -q '^old$' "$TMP/report.html" && bad "check --html: page not written" || ok "check --html: page written"
[ -z "$(ls "$TMP" | grep '^\.\?report.html.*tmp')" ] && ok "check --html: no temporary file left" || bad "check --html: temporary left"
if xmllint --noout "$TMP/report.html" 2> "$TMP/xml.err"; then ok "check --html: xmllint accepts the page"
else bad "check --html: xmllint: $(head -3 "$TMP/xml.err")"; fi
# Each destination's picture is its DANE path with the chain of trust of
# its records, the picture `verify --format svg` draws: the same text in
# the same number (TTLs aside: the resolver's cache counts them down).
for d in sss-ok.dplab sss-fail.dplab b.dplab; do
	dp --resolver 127.53.1.1 verify "$d" --format svg > "$TMP/v-$d.svg" 2>/dev/null
done
python3 - "$TMP/report.html" "$TMP" <<'PY' && ok "check --html: each destination has its own chain of trust, as verify draws it" || bad "check --html: a destination's picture differs from verify's"
import collections, re, sys
page = open(sys.argv[1]).read()
pics = page.split("<svg")[1:]
def texts(svg):
    t = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return collections.Counter(re.sub(r" [0-9]+ IN ", " IN ", x) for x in t)
assert len(pics) == 4, len(pics)
for k, d in ((0, "sss-ok.dplab"), (1, "sss-fail.dplab"), (3, "b.dplab")):
    want = texts(open("%s/v-%s.svg" % (sys.argv[2], d)).read())
    got = texts(pics[k])
    assert got == want, (d, list((got - want).items())[:3], list((want - got).items())[:3])
for k, pic in enumerate(pics):
    t = texts(pic)
    # Every picture holds the whole chain from the anchor, not only the
    # zones that an earlier destination had not reached yet.
    assert t["trust anchor"] == 1 and t["zone . (secure)"] == 1 and t["zone dplab (secure)"] == 1, (k, t)
for k in (0, 1, 2):
    assert texts(pics[k])["zone h.dplab (secure)"] == 1, k
# b.dplab: its MX is bogus, and the failing element is the RRSIG over it.
assert re.search(r'<g id="pic4_failing" class="edge bogus failing"', pics[3]), "b.dplab failing"
PY

# One id once per document (HTML, "The id attribute"), though Graphviz
# numbers graph0, node1, edge1 ... afresh in every picture.  HTML Tidy
# (Debian's tidy) judges the page: no error, no "anchor already defined";
# it does not look at ids inside <svg>, so Python's HTML parser lists
# every id of the page as well.
tidy -q -e "$TMP/report.html" > /dev/null 2> "$TMP/tidy.err"; rc=$?
if [ "$rc" -lt 2 ] && ! grep -q 'already defined' "$TMP/tidy.err"; then ok "check --html: tidy finds no error and no id twice"
else bad "check --html: tidy (exit $rc): $(grep -m3 'Error\|already defined' "$TMP/tidy.err")"; fi
python3 - "$TMP/report.html" <<'PY' && ok "check --html: every id in the page is unique, each picture's under its own prefix" || bad "check --html: duplicate ids"
import collections, re, sys
from html.parser import HTMLParser
ids, svgs = collections.Counter(), []
class P(HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            ids[a["id"]] += 1
        if tag == "svg":
            svgs.append(None)
        elif svgs and svgs[-1] is None and tag == "g":
            svgs[-1] = a.get("id")     # the picture's graph, its first <g>
P().feed(open(sys.argv[1]).read())
dup = [i for i, n in ids.items() if n > 1]
assert not dup, "ids twice or more: %s" % dup[:10]
assert svgs == ["pic1", "pic2", "pic3", "pic4"], svgs
for k in (1, 2, 3, 4):
    assert sum(1 for i in ids if i.startswith("pic%d_node" % k)) >= 5, "picture %d ids" % k
# An explicit id (the chain's failing element) is prefixed too: b.dplab's.
assert all(re.match(r"(a_)?pic[0-9]+_", i) for i in ids if "failing" in i), ids
assert ids["pic4_failing"] == 1, [i for i in ids if "failing" in i]
PY
grep -qi '<script\|src=\|href=\|url(\|@import' "$TMP/report.html" && bad "check --html: script or external reference in the page" ||
	ok "check --html: no script, no external reference"
grep -q '&lt;script&gt;\\&quot;x\\&quot;\\010y.h.dplab' "$TMP/report.html" && ok "hostile: escaped in HTML" || bad "hostile: not escaped in HTML"
cp "$TMP/report.html" "$OUT/report.html"
check "check --html into a missing directory fails with the path" 2 'check: --html /nonexistent/r.html' \
	dp -c "$TMP/html.yaml" check --html /nonexistent/r.html
grep -q '^  html-report\|HTML report not written' <(dp -c "$TMP/html.yaml" check --html /nonexistent/r.html 2>/dev/null) &&
	ok "check --html: a page not written is a problem in the output" || bad "check --html: no problem for the page not written"

# report.html in the config: check writes the page on every run (a timer's
# runs), --html wins when given, and a page not written is a problem too.
{ cat "$TMP/html.yaml"; printf 'report:\n  html: %s\n' "$TMP/cfg-report.html"; } > "$TMP/html-cfg.yaml"
dp -c "$TMP/html-cfg.yaml" check > /dev/null 2>&1
if xmllint --noout "$TMP/cfg-report.html" 2>/dev/null && [ "$(grep -c '<svg' "$TMP/cfg-report.html")" -eq 4 ]; then
	ok "report.html: check writes the page the config names, four pictures"
else bad "report.html: no page at $TMP/cfg-report.html"; fi
echo old > "$TMP/cfg-report.html"
dp -c "$TMP/html-cfg.yaml" check --html "$TMP/opt-report.html" > /dev/null 2>&1
grep -q '^old$' "$TMP/cfg-report.html" && grep -q '<svg' "$TMP/opt-report.html" &&
	ok "report.html: --html FILE wins over the config" || bad "report.html: --html did not win"
{ cat "$TMP/html.yaml"; printf 'report:\n  html: /nonexistent/r.html\n'; } > "$TMP/html-bad.yaml"
check "report.html into a missing directory: the key and the path" 2 \
	'check: report.html /nonexistent/r.html: ' dp -c "$TMP/html-bad.yaml" check
check "report.html into a missing directory: a problem" 2 \
	'WARNING HTML report not written: report.html /nonexistent/r.html: ' dp -c "$TMP/html-bad.yaml" check
check "check-config accepts report.html" 0 'ok' dp check-config -c "$TMP/html-cfg.yaml"

# Headless Chromium, inside the lab namespace (loopback only).
CHROME=(chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
	--disable-background-networking --disable-component-update --disable-sync
	--user-data-dir="$TMP/chrome" --window-size=1400,2600)
inlab timeout 120 "${CHROME[@]}" --dump-dom "file://$OUT/report.html" > "$TMP/dom.html" 2> "$TMP/chrome.err"
python3 - "$TMP/dom.html" "$TMP/html.yaml" <<'PY' && ok "chromium: every resolver and destination is in the DOM" || bad "chromium: DOM incomplete"
import re, sys, html
dom = html.unescape(open(sys.argv[1]).read())
cfg = open(sys.argv[2]).read()
resolvers = re.findall(r"address:\s*\"?([0-9.]+)", cfg)
dests = ["sss-ok.dplab", "sss-fail.dplab", '<script>\\"x\\"\\010y.h.dplab', "b.dplab"]
missing = [r for r in resolvers if r not in dom] + [d for d in dests if d not in dom]
assert resolvers, "no resolvers in the config"
assert not missing, missing
assert "<script" not in open(sys.argv[1]).read(), "a script element in the DOM"
PY
# The whole page, not the window: tests/integration/chrome_shot.py sizes
# Chromium's view to the page's layout size (DevTools protocol over a pipe)
# and says how much ink each fifth of the image holds, top to bottom.
inlab timeout 180 python3 "$HERE/chrome_shot.py" "file://$OUT/report.html" "$OUT/report.png" 1400 \
	"${CHROME[@]}" > "$TMP/shot.json" 2>> "$TMP/chrome.err"
python3 - "$TMP/shot.json" "$OUT/report.png" <<'PY' && ok "chromium: full-page screenshot, no blank part" || bad "chromium: screenshot: $(cat "$TMP/shot.json") $(tail -3 "$TMP/chrome.err")"
import json, sys
s = json.load(open(sys.argv[1]))
png = open(sys.argv[2], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
(pw, ph), (iw, ih) = s["page"], s["image"]
# The old window was 1400x2600: the page, four destinations with their
# chains of trust, is taller, and all of it must be in the image.
assert ih >= ph > 2600 and iw >= pw, ("page", pw, ph, "image", iw, ih)
# Text and pictures in every fifth of the page: none of it blank.
assert min(s["ink_by_fifth"]) > 0.005, s["ink_by_fifth"]
print("screenshot: %dx%d, ink by fifth %s" % (iw, ih, s["ink_by_fifth"]))
PY
echo "screenshot: $OUT/report.png (the whole check page: status line, problems, resolver matrix, order advice, anchors, then each destination with its verdict, reason and DANE-path picture with its chain of trust)"
finish
