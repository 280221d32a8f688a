#!/usr/bin/python3
"""run.py - the differential runner (started by run.sh inside the lab namespace).

Rounds of (seed, kind): set the proxy's round, restart the oracle's caches,
then for every name of the list ask the oracle (a validating unbound that
forwards to the proxy) and `daneprobe lookup --resolver PROXY`, and compare
the verdicts.  A difference is "explained" when a row of EXPLANATIONS
(explain.py) matches it, with the RFC rule that makes both verdicts
acceptable; every other difference is unexplained, and the exit status
is 1.
"""
import argparse
import concurrent.futures as cf
import json
import os
import re
import socket
import subprocess
import sys
import time

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype

import explain
import mutate as M


def control(args, line):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    try:
        for _ in range(5):
            s.sendto(line.encode(), (args.proxy, args.control_port))
            try:
                reply = s.recv(4096).decode()
            except socket.timeout:
                continue
            if not reply.startswith("ok"):
                sys.exit(f"proxy control: {line!r}: {reply}")
            return reply
    finally:
        s.close()
    sys.exit(f"proxy control: no answer to {line!r}")


def oracle_reset(args):
    """Nothing of the previous round may stay in the oracle: a reload
    empties every cache (message, RRset, key, bogus, infra)."""
    r = subprocess.run(["unbound-control", "-c", args.oracle_conf, "reload"],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0 or "ok" not in r.stdout:
        sys.exit(f"unbound-control reload: {r.stdout}{r.stderr}")
    # reload returns before the new listener is up: wait for an answer
    q = dns.message.make_query(".", "SOA")
    for _ in range(50):
        try:
            dns.query.udp(q, args.oracle, timeout=0.5)
            return
        except (dns.exception.Timeout, OSError):
            time.sleep(0.1)
    sys.exit("oracle unbound did not come back after reload")


def oracle_verdict(args, name, qtype):
    """(status, rcode, ede) of the validating unbound, asked with DO=1 CD=0:
    SERVFAIL = bogus, AD = secure, otherwise insecure."""
    q = dns.message.make_query(name, qtype, want_dnssec=True, payload=1232)
    r = None
    for _ in range(2):
        try:
            r = dns.query.udp(q, args.oracle, timeout=15)
            if r.flags & dns.flags.TC:
                r = dns.query.tcp(q, args.oracle, timeout=15)
            break
        except (dns.exception.Timeout, OSError):
            continue
    if r is None:
        return "noanswer", None, None
    rc = dns.rcode.to_text(r.rcode())
    ede = [o.code for o in r.options if o.otype == dns.edns.EDE]
    if r.rcode() == dns.rcode.SERVFAIL:
        st = "bogus"
    elif r.flags & dns.flags.AD:
        st = "secure"
    else:
        st = "insecure"
    return st, rc, (int(ede[0]) if ede else None)


def dp_verdict(args, name, qtype):
    cmd = [args.dp, "--anchors", args.anchors, "--timeout", "4000", "lookup",
           "--resolver", args.proxy, name, qtype, "--format", "json"]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "error", None, None, "daneprobe did not end within 60 s", None
    try:
        j = json.loads(r.stdout)
    except ValueError:
        # a crash or a non-JSON answer is a finding of its own
        return "error", None, None, f"exit {r.returncode}, no JSON: {r.stderr[:300]}", None
    return j.get("dnssec"), j.get("rcode"), j.get("ede"), j.get("reason") or "", j.get("final_name")


def one(args, name, qtype):
    o = oracle_verdict(args, name, qtype)
    d = dp_verdict(args, name, qtype)
    return {"name": name, "type": qtype, "oracle": o[0], "oracle_rcode": o[1], "oracle_ede": o[2],
            "dp": d[0], "dp_rcode": d[1], "dp_ede": d[2], "dp_reason": d[3], "final_name": d[4]}


def relevant_notes(notes, name, final):
    """The round's mutations on the way to NAME (and to FINAL, the end of
    its CNAME chain): their own answers and those of their ancestors
    (DNSKEY, DS of the chain)."""
    ns = [dns.name.from_text(n) for n in (name, final) if n]
    out = {}
    for k, v in notes.items():
        owner = dns.name.from_text(k.rsplit("/", 1)[0])
        if any(n.is_subdomain(owner) for n in ns):
            out[k] = v
    return out


def oracle_reasons(path, offset):
    """{(qname, qtype): reason} from the oracle's "validation failure" log
    lines (val-log-level 2) written since OFFSET."""
    out = {}
    with open(path, errors="replace") as f:
        f.seek(offset)
        for line in f:
            m = re.search(r"validation failure <(\S+) (\S+) IN>: (.*)", line)
            if m:
                out.setdefault((m.group(1).lower(), m.group(2).upper()), m.group(3).strip())
    return out


def show(args, r, notes, log_at):
    print(json.dumps(r, indent=1, sort_keys=True))
    print("-- all mutations of the round:")
    for k, v in sorted(notes.items()):
        print(f"   {k}: {v}")
    print("-- oracle log:")
    with open(args.oracle_log, errors="replace") as f:
        f.seek(log_at)
        sys.stdout.write(f.read()[-6000:])
    print("-- daneprobe --trace:")
    t = subprocess.run([args.dp, "--anchors", args.anchors, "--timeout", "4000", "lookup",
                        "--resolver", args.proxy, r["name"], r["type"], "--trace"],
                       capture_output=True, text=True, timeout=60)
    sys.stdout.write(t.stdout[-8000:] + t.stderr[-2000:])


def reclassify(path, args):
    """Judge the rows of an earlier results.jsonl again (after a change of
    explain.py) without asking anything."""
    cols = dict(lookups=0, mutated=0, agree=0, explained=0, bug=0, unexplained=0)
    stats, why, bugs = {}, {}, {}
    for line in open(path):
        r = json.loads(line)
        classify(r, stats.setdefault(r["kind"], dict(cols)), why, bugs)
        if r["result"] == "unexplained":
            print(brief(r))
    stats.setdefault("none", dict(cols))
    report(stats, why, bugs, 0, args)
    return 1 if any(s["unexplained"] for s in stats.values()) else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--reclassify":
        return reclassify(sys.argv[2], argparse.Namespace(out=os.path.dirname(sys.argv[2])))
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", "--count", type=int, default=300, help="mutated lookups (kind != none)")
    ap.add_argument("-s", "--seed", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, default=3)
    ap.add_argument("--kinds", default=",".join(M.KINDS))
    ap.add_argument("--names", required=True)
    ap.add_argument("--proxy", default="127.53.7.1")
    ap.add_argument("--control-port", type=int, default=5300)
    ap.add_argument("--oracle", default="127.53.7.2")
    ap.add_argument("--oracle-conf", required=True)
    ap.add_argument("--dp", required=True)
    ap.add_argument("--anchors", required=True)
    ap.add_argument("--out", required=True, help="directory for results.jsonl")
    ap.add_argument("--oracle-log", required=True)
    ap.add_argument("--strict", action="store_true", help="known bugs (FINDINGS.md) fail too")
    ap.add_argument("--only", help='"NAME TYPE": one lookup per round, with daneprobe --trace '
                    'and the oracle log printed (reproducing one difference)')
    args = ap.parse_args()

    names = [tuple(l.split()[:2]) for l in open(args.names)
             if l.strip() and not l.startswith("#")]
    if args.only:
        names = [tuple(args.only.split()[:2])]
    # the honest round comes first in every seed cycle: its verdicts are
    # the baseline the explanations compare with
    kinds = ["none"] + [k for k in args.kinds.split(",") if k and k != "none"]
    mutated_kinds = kinds[1:]
    per_round = len(names)
    # rounds: seeds outer, kinds inner, so every kind gets about the same count
    seeds = max(1, -(-args.count // max(1, per_round * len(mutated_kinds))))
    cols = dict(lookups=0, mutated=0, agree=0, explained=0, bug=0, unexplained=0)
    stats = {k: dict(cols) for k in kinds}
    why, bugs = {}, {}
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    res = open(os.path.join(args.out, "results.jsonl"), "w")
    done_mut = 0
    baseline = {}
    unexplained = []
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for si in range(seeds):
            seed = args.seed + si
            for kind in kinds:
                if kind != "none" and done_mut >= args.count:
                    continue
                rows = run_round(args, ex, seed, kind, names)
                for r in rows:
                    key = (r["name"], r["type"])
                    if kind == "none":
                        baseline[key] = {k: r[k] for k in ("oracle", "dp", "dp_rcode")}
                    r["baseline"] = baseline.get(key)
                    classify(r, stats[kind], why, bugs)
                    if r["result"] == "unexplained":
                        unexplained.append(brief(r))
                    res.write(json.dumps(r, sort_keys=True) + "\n")
                if kind != "none":
                    done_mut += len(rows)
                res.flush()
    res.close()
    report(stats, why, bugs, time.time() - t0, args)
    for u in unexplained[:30]:
        print(u)
    bad = sum(s["unexplained"] for s in stats.values())
    if args.strict:
        bad += sum(s["bug"] for s in stats.values())
    return 1 if bad else 0


def run_round(args, ex, seed, kind, names):
    control(args, f"round {seed} {kind}")
    oracle_reset(args)
    log_at = os.path.getsize(args.oracle_log)
    rows = list(ex.map(lambda nt: one(args, *nt), names))
    reasons = oracle_reasons(args.oracle_log, log_at)
    nf = os.path.join(args.out, "notes.json")
    control(args, f"notes {nf}")
    notes = json.load(open(nf))
    for r in rows:
        r.update(seed=seed, kind=kind, notes=relevant_notes(notes, r["name"], r["final_name"]),
                 oracle_reason=reasons.get((r["name"].lower(), r["type"].upper()), ""))
        if args.only:
            show(args, r, notes, log_at)
    return rows


def classify(r, s, why, bugs):
    if r["oracle"] == "noanswer" and r["oracle_reason"]:
        # unbound logged its verdict ("validation failure <NAME TYPE IN>")
        # but its SERVFAIL came after our 2 x 15 s (retries of a bogus
        # chain on a loaded machine): its log is its answer.
        r["oracle"], r["oracle_rcode"], r["oracle_from_log"] = "bogus", "SERVFAIL", True
    s["lookups"] += 1
    s["mutated"] += 1 if r["notes"] else 0
    if explain.agree(r):
        r["result"] = "agree"
    elif explain.explain(r):
        r["result"], r["rule"] = "explained", explain.explain(r)
        why[r["rule"]] = why.get(r["rule"], 0) + 1
    elif explain.bug(r):
        r["result"], r["rule"] = "bug", explain.bug(r)
        bugs[r["rule"]] = bugs.get(r["rule"], 0) + 1
    else:
        r["result"] = "unexplained"
    s[r["result"]] += 1


def brief(r):
    """One unexplained difference in a few lines, for the log."""
    out = [f"  {r['kind']} seed {r['seed']}: {r['name']} {r['type']}: oracle {r['oracle']} "
           f"{r['oracle_rcode']} EDE {r['oracle_ede']} ({r['oracle_reason'] or '-'}); daneprobe "
           f"{r['dp']} {r['dp_rcode']} ({r['dp_reason'] or '-'})"]
    out += [f"      {k}: {v}" for k, v in sorted(r["notes"].items())]
    return "\n".join(out)


def report(stats, why, bugs, secs, args):
    cols = ["lookups", "mutated", "agree", "explained", "bug", "unexplained"]
    print(f"{'kind':16} " + " ".join(f"{c:>11}" for c in cols))
    tot = {c: 0 for c in cols}
    for k, s in stats.items():
        if s["lookups"] == 0:
            continue
        print(f"{k:16} " + " ".join(f"{s[c]:>11}" for c in cols))
        if k != "none":
            for c in cols:
                tot[c] += s[c]
    print(f"{'total (mutated)':16} " + " ".join(f"{tot[c]:>11}" for c in cols))
    for rule, n in sorted(why.items()):
        print(f"explained {n:5}: {rule}")
    for rule, n in sorted(bugs.items()):
        print(f"BUG       {n:5}: {rule} (FINDINGS.md)")
    print(f"{tot['lookups']} mutated lookups ({stats['none']['lookups']} honest) in {secs:.0f} s; "
          f"details: {os.path.join(args.out, 'results.jsonl')}")
    if tot["unexplained"]:
        print(f"UNEXPLAINED differences: {tot['unexplained']} (grep '\"unexplained\"' results.jsonl)")


if __name__ == "__main__":
    sys.exit(main())
