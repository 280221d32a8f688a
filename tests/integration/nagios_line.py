#!/usr/bin/env python3
"""nagios_line.py FILE WANT_STATUS: check line one of `daneprobe check`
against the Nagios plugin guidelines (Nagios Plugin Development
Guidelines, "Plugin Output" and "Performance data"):

  DANEPROBE <STATUS> - <summary, at most 200 characters> | <perfdata>

where perfdata is space-separated 'label'=value[UOM];[warn];[crit];[min];[max]
and UOM is one of s ms us % B KB MB TB c or empty.  Also checks that the
numbers daneprobe must report are there: resolvers_safe, resolvers,
destinations by verdict, anchor_keys_valid and time (in seconds).
Prints nothing and exits 0 when the line is right; else the reasons."""
import re
import sys

PERF = re.compile(r"""^('[^'=]+'|[^'= ]+)=(-?[0-9]+(\.[0-9]+)?)(s|ms|us|%|B|KB|MB|TB|c)?"""
                  r"""(;(@?~?-?[0-9.]*:?-?[0-9.]*)?){0,2}(;(-?[0-9.]*)?){0,2}$""")
WANT = ["resolvers_safe", "resolvers", "destinations_dane_success",
        "destinations_fallback_tls", "destinations_dane_fail", "destinations_unknown",
        "anchor_keys_valid", "time"]


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    want = sys.argv[2]
    line = text.split("\n", 1)[0]
    errs = []
    m = re.match(r"^DANEPROBE (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+) \| (.+)$", line)
    if not m:
        print("line one does not match 'DANEPROBE STATUS - summary | perfdata': %r" % line)
        return 1
    if m.group(1) != want:
        errs.append("status %s, want %s" % (m.group(1), want))
    summary = m.group(2)
    if len(summary) > 200 or not summary.strip():
        errs.append("summary is %d characters (1..200 allowed)" % len(summary))
    seen = {}
    for item in m.group(3).split(" "):
        if not PERF.match(item):
            errs.append("perfdata item %r breaks the syntax" % item)
            continue
        label, rest = item.split("=", 1)
        seen[label.strip("'")] = rest
    for w in WANT:
        if w not in seen:
            errs.append("perfdata lacks %s" % w)
    if "time" in seen and not re.match(r"^[0-9.]+s;", seen["time"]):
        errs.append("time is not in seconds: %s" % seen["time"])
    if "resolvers_safe" in seen and "resolvers" in seen:
        safe = int(seen["resolvers_safe"].split(";")[0])
        total = int(seen["resolvers"].split(";")[0])
        if not 0 <= safe <= total or seen["resolvers_safe"].split(";")[4] != str(total):
            errs.append("resolvers_safe %s does not fit resolvers %s" % (seen["resolvers_safe"], total))
    for e in errs:
        print(e)
    return 1 if errs else 0


sys.exit(main())
