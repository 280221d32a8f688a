#!/usr/bin/python3
"""Build and sign every zone of the daneprobe lab (called by tests/lab/lab up).

Usage: mkzones.py OUTDIR HASHFILE

HASHFILE holds KEY=VALUE lines with the TLSA data computed from the certificates
that `lab up` generated (EE1_SPKI, EE1_CERT, CA_CERT, CA_SPKI, WRONG).

Everything here is derived from the tables in ZONES below: keys are generated
fresh at every run (ldns-keygen), zones are signed with ldns-signzone children
first so that each parent gets its children's DS records, and then selected
RRsets are made bogus by corrupting their RRSIG after signing (the data stays
intact, so a CD=1 query still shows it, but no validator can accept it).
Only stdlib + ldnsutils.  The names must stay in step with names.tsv/dane.tsv.
"""
import base64
import concurrent.futures as cf
import os
import subprocess
import sys
import time

OUT = sys.argv[1]
HASH = dict(l.strip().split("=", 1) for l in open(sys.argv[2]) if "=" in l)
KEYS = os.path.join(OUT, "keys")
ZDIR = os.path.join(OUT, "zones")
NS_IP = "127.53.0.1"          # the one nsd serving every zone
TTL = 300
NOW = int(time.time())


def ts(t):
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(t))


# Default validity: started a day ago (tolerates small clock skew and --now
# tests a bit in the past), valid for 30 days.
VALID = (ts(NOW - 86400), ts(NOW + 30 * 86400))
EXPIRED = (ts(NOW - 60 * 86400), ts(NOW - 30 * 86400))
NOTYET = (ts(NOW + 30 * 86400), ts(NOW + 60 * 86400))

ALGS = {5: "RSASHA1", 7: "RSASHA1-NSEC3-SHA1", 8: "RSASHA256", 10: "RSASHA512",
        13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384", 15: "ED25519", 16: "ED448"}

EE1 = "3 1 1 " + HASH["EE1_SPKI"]

# ---------------------------------------------------------------------------
# Zone table.  Each zone: records (relative to origin unless ending in '.'),
#   sign: None (unsigned, delegated without DS) or dict of signing options:
#     alg, nsec3 (iterations or None), validity, ds (digest types in parent),
#     ds_mismatch, missing_dnskey, extra_keys (published, never signing),
#     bits (RSA size)
#   bogus: list of (owner, type) whose RRSIGs get corrupted after signing.
# Children are listed with their parent; delegation NS/DS is added automatically.
# ---------------------------------------------------------------------------
SIGNED = dict(alg=13, nsec3=None, validity=VALID, ds=(2,))


def S(**kw):
    d = dict(SIGNED)
    d.update(kw)
    return d


ZONES = {}


def zone(name, parent, sign, records, bogus=()):
    ZONES[name] = dict(name=name, parent=parent, sign=sign, records=records,
                       bogus=list(bogus))


# The root: only delegates dplab. (and its glue).  Name server for everything.
zone(".", None, S(), [f"ns.dplab. A {NS_IP}"])

# The TLD: holds the secure DANE domains' MX RRsets (one name per table row).
zone("dplab.", ".", S(), [
    f"ns A {NS_IP}",
    # --- section 7 table rows with a Secure MX ---
    "sss-ok MX 10 mx-ok.h.dplab.",        # S S S Success
    "sss-fail MX 10 mx-bad.h.dplab.",     # S S S Failed (server cert != TLSA)
    "ssi MX 10 mx-ti.h.dplab.",           # S S TLSA insecure
    "ssn MX 10 mx-nt.h.dplab.",           # S S TLSA NXDOMAIN (NSEC)
    "ssb MX 10 mx-tb.h.dplab.",           # S S TLSA bogus
    "si MX 10 mx-ai.ins.dplab.",          # S, A insecure
    "sb MX 10 mx-ab.h.dplab.",            # S, A bogus
    "b MX 10 mx-ok.h.dplab.",             # MX bogus (RRSIG corrupted below)
    # --- extra DANE cases ---
    "mismatch MX 10 mx-mm.h.dplab.",      # TLSA hash matches nothing
    "multi-addr MX 10 mx-ab.h.dplab.",    # first MX address bogus ...
    "multi-addr MX 20 mx-ok.h.dplab.",    # ... second MX fine
    "multi-cert MX 10 mx-bad.h.dplab.",   # first MX cert mismatch ...
    "multi-cert MX 20 mx-ok.h.dplab.",    # ... second MX fine
    "cname-host MX 10 mx-cn.h.dplab.",    # MX host is a CNAME (RFC 7672 2.2.2)
    "cname-dom CNAME sss-ok.dplab.",      # domain is a CNAME (RFC 7672 2.2.1)
    "cname-tlsa MX 10 mx-ct.h.dplab.",    # TLSA name is a CNAME
    "aaaa-bogus MX 10 mx-6b.h.dplab.",    # A secure, AAAA bogus
    "dual MX 10 mx-ds.h.dplab.",          # dual-stack MX, both secure
    "nullmx MX 0 .",                      # RFC 7505 null MX
    "nsec3-notlsa MX 10 mx-nt3.h3.dplab.",  # no TLSA, NSEC3 denial
    "ta MX 10 mx-ta.h.dplab.",            # DANE-TA 2 0 1, private CA
    "ta-spki MX 10 mx-ta2.h.dplab.",      # DANE-TA 2 1 1, private CA
    "unusable MX 10 mx-uu.h.dplab.",      # TLSA only usages 0/1
    "nostarttls MX 10 mx-nos.h.dplab.",   # TLSA secure, server has no STARTTLS
    "nomx A 127.25.0.1",                  # no MX: the domain itself is the host
    f"_25._tcp.nomx TLSA {EE1}",
    "www A 127.25.0.1",
], bogus=[("b.dplab.", "MX")])

# Secure hosts, NSEC.  Also the lab's "nsec" probe zone.
zone("h.dplab.", "dplab.", S(), [
    "mx-ok A 127.25.0.1", f"_25._tcp.mx-ok TLSA {EE1}",
    "mx-bad A 127.25.0.2", f"_25._tcp.mx-bad TLSA {EE1}",
    "mx-ti A 127.25.0.1",                 # TLSA lives in unsigned child _tcp.mx-ti
    "mx-nt A 127.25.0.1",                 # no TLSA at all
    "mx-tb A 127.25.0.1", f"_25._tcp.mx-tb TLSA {EE1}",
    "mx-ab A 127.25.0.1", f"_25._tcp.mx-ab TLSA {EE1}",
    "mx-mm A 127.25.0.1", f"_25._tcp.mx-mm TLSA 3 1 1 {HASH['WRONG']}",
    "mx-cn CNAME mx-ok.h.dplab.",
    "mx-ct A 127.25.0.1", "_25._tcp.mx-ct CNAME tlsa-ee1.h.dplab.",
    f"tlsa-ee1 TLSA {EE1}",
    "mx-6b A 127.25.0.1", "mx-6b AAAA fd53::25:1", f"_25._tcp.mx-6b TLSA {EE1}",
    "mx-ds A 127.25.0.1", "mx-ds AAAA fd53::25:1", f"_25._tcp.mx-ds TLSA {EE1}",
    "mx-ta A 127.25.0.3", f"_25._tcp.mx-ta TLSA 2 0 1 {HASH['CA_CERT']}",
    "mx-ta2 A 127.25.0.3", f"_25._tcp.mx-ta2 TLSA 2 1 1 {HASH['CA_SPKI']}",
    "mx-uu A 127.25.0.1",
    f"_25._tcp.mx-uu TLSA 0 0 1 {HASH['EE1_CERT']}",
    f"_25._tcp.mx-uu TLSA 1 1 1 {HASH['EE1_SPKI']}",
    "mx-nos A 127.25.0.4", f"_25._tcp.mx-nos TLSA {EE1}",
    "www A 127.25.0.1",
    "bogus A 127.25.0.1",                 # probe: a deliberately bogus name
    "mid TXT " + " ".join('"%s"' % (chr(97 + i) * 200) for i in range(3)),
    "big TXT " + " ".join('"%s"' % (chr(97 + i) * 250) for i in range(8)),
    r"unk TYPE65000 \# 4 deadbeef",
    # A hostile label (issue 15): '<script>', quotes and a newline must
    # leave every picture and the HTML report escaped.  Not in names.tsv.
    r'<script>\"x\"\010y A 127.25.0.1',
], bogus=[("_25._tcp.mx-tb.h.dplab.", "TLSA"), ("mx-ab.h.dplab.", "A"),
          ("mx-6b.h.dplab.", "AAAA"), ("bogus.h.dplab.", "A")])

# Unsigned child of a signed zone: "TLSA insecure while A secure".
zone("_tcp.mx-ti.h.dplab.", "h.dplab.", None, [f"_25 TLSA {EE1}"])

# Secure hosts, NSEC3 (no salt, 0 iterations).  The lab's "nsec3" probe zone.
zone("h3.dplab.", "dplab.", S(nsec3=0), [
    "mx-nt3 A 127.25.0.1", "www A 127.25.0.1"])

# Unsigned delegation (no DS): insecure domains and insecure hosts.
zone("ins.dplab.", "dplab.", None, [
    "www A 127.25.0.1",
    "mx-ai A 127.25.0.1", f"_25._tcp.mx-ai TLSA {EE1}",
    "iss-ok MX 10 mx-ok.h.dplab.",        # I S S Success
    "iss-fail MX 10 mx-bad.h.dplab.",     # I S S Failed
    "isi MX 10 mx-ti.h.dplab.",           # I S TLSA insecure
    "isn MX 10 mx-nt.h.dplab.",           # I S TLSA NXDOMAIN
    "isb MX 10 mx-tb.h.dplab.",           # I S TLSA bogus
    "ii MX 10 mx-ai.ins.dplab.",          # I I
    "ib MX 10 mx-ab.h.dplab.",            # I B
])

# Broken chains.  Each has www A and an MX to a good host (also DANE domains).
BROKEN = ["www A 127.25.0.1", "@ MX 10 mx-ok.h.dplab."]
zone("expired.dplab.", "dplab.", S(validity=EXPIRED), BROKEN)
zone("notyet.dplab.", "dplab.", S(validity=NOTYET), BROKEN)
zone("dsmismatch.dplab.", "dplab.", S(ds_mismatch=True), BROKEN)
zone("nokey.dplab.", "dplab.", S(missing_dnskey=True), BROKEN)

# One zone per algorithm (7 requires NSEC3).
for a in ALGS:
    zone(f"alg{a}.dplab.", "dplab.", S(alg=a, nsec3=0 if a == 7 else None),
         ["www A 127.25.0.1"])
# One zone per DS digest type in the parent (only that digest published).
for d in (1, 2, 4):
    zone(f"ds{d}.dplab.", "dplab.", S(ds=(d,)), ["www A 127.25.0.1"])
# NSEC3 iteration counts.
for it in (0, 50, 150, 500):
    zone(f"it{it}.dplab.", "dplab.", S(nsec3=it), ["www A 127.25.0.1"])
# A DNSKEY RRset larger than 1232 bytes: RSA-2048 KSK+ZSK plus 5 published keys.
zone("bigkey.dplab.", "dplab.", S(alg=8, bits=2048, extra_keys=5),
     ["www A 127.25.0.1"])


# Many DANE domains for the "verify 1,000 lab domains" benchmark (SPEC 9):
# d0000.bulk.dplab .. d0999.bulk.dplab: MX 10 mx.dNNNN.bulk.dplab, its A
# 127.25.0.1 and TLSA (ee1).
# Each domain has its own MX host and TLSA name, so nothing is shared in caches.
BULK = int(os.environ.get("DPLAB_BULK", "1000"))
zone("bulk.dplab.", "dplab.", S(), [
    r for i in range(BULK) for r in (
        f"d{i:04d} MX 10 mx.d{i:04d}.bulk.dplab.",
        f"mx.d{i:04d} A 127.25.0.1",
        f"_25._tcp.mx.d{i:04d} TLSA {EE1}")])

# The latency lab (benchmarks of SPEC 9, "bulk under latency"): domain i is
# its own signed zone d{i:04d}.z{K}.lat{T}. (MX only) under one of four
# zones z0/z1 of the TLDs lat1./lat2.; its MX host mx-d{i:04d} lives in that
# zone with an A record for one of the four SMTP delay proxies 127.25.2.1-4
# (RSA-2048, RSA-3072, P-256, P-384 listeners behind them) and one of four
# TLSA forms (3 1 1, 3 0 1, 3 1 2, 2 0 1), so the 16 combinations repeat.
LAT = int(os.environ.get("DPLAB_LATENCY_DOMAINS", "20"))
LAT_TLSA = [lambda k: f"3 1 1 {HASH[f'LAT{k}_SPKI']}",
            lambda k: f"3 0 1 {HASH[f'LAT{k}_CERT']}",
            lambda k: f"3 1 2 {HASH[f'LAT{k}_SPKI512']}",
            lambda k: f"2 0 1 {HASH['CA_CERT']}"]


def lat_parent(i):
    return f"z{(i // 2) % 2}.lat{i % 2 + 1}."


LAT_DOMAINS = [f"d{i:04d}.{lat_parent(i)}" for i in range(LAT)]
for tld in ("lat1.", "lat2."):
    zone(tld, ".", S(), [])
    for z in ("z0.", "z1."):
        zone(z + tld, tld, S(), [
            r for i in range(LAT) if lat_parent(i) == z + tld for r in (
                f"mx-d{i:04d} A 127.25.2.{i % 4 + 1}",
                f"_25._tcp.mx-d{i:04d} TLSA {LAT_TLSA[(i // 4) % 4](i % 4 + 1)}")])
for i, d in enumerate(LAT_DOMAINS):
    zone(d, lat_parent(i), S(), [f"@ MX 10 mx-d{i:04d}.{lat_parent(i)}"])


# ---------------------------------------------------------------------------
def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          **kw).stdout


def keygen(origin, alg, ksk, bits):
    args = ["ldns-keygen", "-a", ALGS[alg]]
    if alg in (5, 7, 8, 10):
        args += ["-b", str(bits)]
    if ksk:
        args.append("-k")
    return os.path.join(KEYS, run(*args, origin, cwd=KEYS).strip())


def dnskey_rr(base):
    return open(base + ".key").read().split(";")[0].strip()


def ds_rrs(base, digests):
    out = []
    for d in digests:
        out.append(run("ldns-key2ds", "-n", f"-{d}", base + ".key").strip())
    return out


def corrupt(line):
    """Flip a byte in the signature of one RRSIG line (keeps valid base64)."""
    f = line.split()
    sig = bytearray(base64.b64decode("".join(f[12:])))
    sig[len(sig) // 2] ^= 0x55
    return "\t".join(f[:12] + [base64.b64encode(bytes(sig)).decode()])


def children(name):
    return [z for z in ZONES.values() if z["parent"] == name]


def build(z):
    """Write the unsigned zone (with child delegations) and sign it."""
    name, sg = z["name"], z["sign"]
    fname = "root" if name == "." else name.rstrip(".")
    lines = [f"$ORIGIN {name}", f"$TTL {TTL}",
             f"@ SOA ns.dplab. hostmaster.dplab. {NOW} 3600 600 86400 {TTL}",
             "@ NS ns.dplab."]
    lines += z["records"]
    for c in children(name):
        lines.append(f"{c['name']} NS ns.dplab.")
        lines += c.get("ds", [])
    unsigned = os.path.join(ZDIR, fname + ".zone")
    signed = os.path.join(ZDIR, fname + ".signed")
    if sg is None:
        open(signed, "w").write("\n".join(lines) + "\n")
        z["file"] = signed
        return
    bits = sg.get("bits", 1024)
    # keys in parallel: RSA generation is the slowest step of "lab up"
    n = 2 + sg.get("extra_keys", 0)
    with cf.ThreadPoolExecutor(max_workers=n) as kx:
        ksk, zsk, *extra = kx.map(lambda i: keygen(name, sg["alg"], i == 0, bits), range(n))
    for e in extra:                      # published, never used to sign
        lines.append(dnskey_rr(e))
    open(unsigned, "w").write("\n".join(lines) + "\n")
    opts = ["-i", sg["validity"][0], "-e", sg["validity"][1], "-f", signed]
    if sg["nsec3"] is not None:
        opts += ["-n", "-t", str(sg["nsec3"])]
    run("ldns-signzone", *opts, unsigned, ksk, zsk)
    if sg.get("missing_dnskey"):
        # Keep the DNSKEY RRset (KSK+ZSK, validly self-signed), but sign the
        # data with a third key whose DNSKEY is published nowhere.
        ghost = keygen(name, sg["alg"], False, bits)
        tmp = signed + ".ghost"
        run("ldns-signzone", *opts[:4], "-f", tmp, "-d", unsigned, ghost)
        keep = [l for l in open(signed) if l.split()[3:4] == ["DNSKEY"]
                or l.split()[3:5] == ["RRSIG", "DNSKEY"]]
        rest = [l for l in open(tmp) if l.split()[3:4] != ["DNSKEY"]
                and l.split()[3:5] != ["RRSIG", "DNSKEY"]]
        open(signed, "w").writelines(keep + rest)
        os.unlink(tmp)
    # ldns-signzone writes a '"' of an owner name unescaped, and nsd then
    # reads it as the start of a quoted string: put the escape back (the
    # hostile label of h.dplab, issue 15; the wire name is unchanged).
    text = open(signed).read()
    if '<script>"x"' in text:
        open(signed, "w").write(text.replace('<script>"x"', r'<script>\"x\"'))
    if z["bogus"]:
        out = []
        for l in open(signed):
            f = l.split()
            if len(f) > 4 and f[3] == "RRSIG" and (f[0], f[4]) in z["bogus"]:
                l = corrupt(l) + "\n"
            out.append(l)
        open(signed, "w").writelines(out)
    if sg.get("ds_mismatch"):
        other = keygen(name, sg["alg"], True, bits)
        z["ds"] = ds_rrs(other, sg["ds"])
    else:
        z["ds"] = ds_rrs(ksk, sg["ds"])
    z["ksk"] = ksk
    z["file"] = signed


def depth(z):
    d = 0
    while z["parent"]:
        z = ZONES[z["parent"]]
        d += 1
    return d


def main():
    os.makedirs(KEYS, exist_ok=True)
    os.makedirs(ZDIR, exist_ok=True)
    levels = sorted({depth(z) for z in ZONES.values()}, reverse=True)
    # the slow zones (many RSA keys, 3000 RRsets) start first, the small
    # ones fill the other workers meanwhile
    slow = ("bigkey.dplab.", "bulk.dplab.")
    with cf.ThreadPoolExecutor(max_workers=6) as ex:
        for lv in levels:               # leaves first: parents need child DS
            zs = sorted((z for z in ZONES.values() if depth(z) == lv),
                        key=lambda z: z["name"] not in slow)
            for f in [ex.submit(build, z) for z in zs]:
                f.result()
    root = ZONES["."]
    # Trust anchors: unbound / daneprobe format (DS + DNSKEY, zone-file style).
    with open(os.path.join(OUT, "root.anchors"), "w") as f:
        f.write("; daneprobe lab root trust anchor (generated by lab up)\n")
        for d in ds_rrs(root["ksk"], (2,)):
            f.write(d + "\n")
        f.write(dnskey_rr(root["ksk"]) + "\n")
    # delv / named format.
    with open(os.path.join(OUT, "delv.anchors"), "w") as f:
        k = dnskey_rr(root["ksk"]).split()
        flags, proto, alg, key = k[-4], k[-3], k[-2], k[-1]
        f.write('trust-anchors {\n  . static-key %s %s %s "%s";\n};\n'
                % (flags, proto, alg, key))
    # Root hints for the resolvers.
    with open(os.path.join(OUT, "root.hints"), "w") as f:
        f.write(f".\t3600000\tIN\tNS\tns.dplab.\nns.dplab.\t3600000\tIN\tA\t{NS_IP}\n")
    # nsd zone list.
    with open(os.path.join(OUT, "nsd.zones.conf"), "w") as f:
        for z in ZONES.values():
            f.write(f'zone:\n\tname: "{z["name"]}"\n\tzonefile: "{z["file"]}"\n')
    with open(os.path.join(OUT, "bulk-domains.txt"), "w") as f:
        f.writelines(f"d{i:04d}.bulk.dplab\n" for i in range(BULK))
    with open(os.path.join(OUT, "latency-domains.txt"), "w") as f:
        f.writelines(d.rstrip(".") + "\n" for d in LAT_DOMAINS)
    print(len(ZONES))


if __name__ == "__main__":
    main()
