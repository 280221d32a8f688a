"""mutate.py - the mutations the differential proxy applies to answers.

Each mutation takes a Ctx (the parsed answer, a seeded random.Random, the
pool of records collected from the lab, the lab's keys) and changes
ctx.msg in place.  It returns a one-line note of what it did, or None
when the answer has nothing it applies to (then the answer goes out
unchanged and the lookup counts as "not applicable" for that kind).

Mutations that need a valid signature to be interesting re-sign with the
lab's zone key (keys.py) when one is loaded for the record's signer and
key tag; otherwise they leave the signature broken and say so in the note
("sig broken").  The RFC rule each one attacks is in README.md.
"""
import hashlib
import random

import dns.flags
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype as T
import dns.rrset

import keys as K

KINDS = ["none", "drop_rrsig", "swap_rrsig", "swap_nsec", "foreign_nsec",
         "inject_proof", "drop_rrset", "shrink_labels", "wildcard_forge",
         "wildcard_answer", "rehome_next", "signer_name", "ttl", "flags",
         "rrsig_time", "nsec3_params"]
PROOF_TYPES = (T.NSEC, T.NSEC3)


def rng_for(seed, kind, qname, qtype):
    """The same random stream for the same question in the same round, so
    the oracle unbound and daneprobe see the same mutation."""
    h = hashlib.sha256(f"{seed}/{kind}/{qname.to_text().lower()}/{qtype}".encode())
    return random.Random(int.from_bytes(h.digest()[:8], "big"))


class Pool:
    """Records collected from honest lab answers at proxy start: every
    RRSIG (owner, rdata) and every NSEC/NSEC3 RRset with its RRSIG RRset,
    by signer zone.  Built once and sorted, so a round's choices do not
    depend on the order in which the clients asked."""

    def __init__(self):
        self.sigs = {}
        self.proofs = {}

    def add(self, msg):
        for sec in (msg.answer, msg.authority):
            for rs in sec:
                if rs.rdtype == T.RRSIG:
                    for rd in rs:
                        self.sigs[(rs.name, rd.type_covered, rd.to_text())] = (rs.name, rd)
                elif rs.rdtype in PROOF_TYPES:
                    sig = find_sig(sec, rs)
                    if sig is not None:
                        zone = next(iter(sig)).signer
                        d = self.proofs.setdefault(zone, {})
                        d[(rs.name, rs.rdtype)] = (rs, sig)

    def freeze(self):
        self.sig_list = [self.sigs[k] for k in sorted(self.sigs, key=lambda k: (k[0], k[1], k[2]))]
        self.zones = sorted(self.proofs)
        self.proof_lists = {z: [self.proofs[z][k] for k in sorted(self.proofs[z])]
                            for z in self.zones}


class Ctx:
    """FROZEN: ids of RRsets no mutation may pick (a CNAME target's own
    answer, mutated as its own question: proxy.compose_cname)."""

    def __init__(self, msg, rng, pool, keys, qname, qtype, now, frozen=frozenset()):
        self.msg, self.rng, self.pool, self.keys = msg, rng, pool, keys
        self.qname, self.qtype, self.now, self.frozen = qname, qtype, now, frozen


def find_sig(section, rs):
    for s in section:
        if s.rdtype == T.RRSIG and s.covers == rs.rdtype and s.name == rs.name:
            return s
    return None


def sections(msg):
    return [msg.answer, msg.authority]


def pick(ctx, pred):
    """A random (section, rrset) of the answer/authority sections matching PRED."""
    c = [(sec, rs) for sec in sections(ctx.msg) for rs in sec
         if id(rs) not in ctx.frozen and pred(rs)]
    return ctx.rng.choice(c) if c else (None, None)


def name_of(rs):
    return f"{rs.name.to_text()}/{T.to_text(rs.covers if rs.rdtype == T.RRSIG else rs.rdtype)}"


def replace_rrset(sec, old, new):
    sec[sec.index(old)] = new


def rrset_like(rs, rdatas, name=None, ttl=None):
    new = dns.rrset.RRset(name or rs.name, rs.rdclass, rs.rdtype, rs.covers)
    new.update_ttl(rs.ttl if ttl is None else ttl)
    for rd in rdatas:
        new.add(rd)
    return new


def covered_rrset(ctx, sec, sig):
    for rs in sec:
        if rs.rdtype == sig.covers and rs.name == sig.name:
            return rs
    return None


def resign_set(ctx, sec, sig, key_for, **changes):
    """Re-sign the RRset SIG covers with the key key_for(old rdata) returns,
    applying CHANGES to the RRSIG; (new sig rrset, signed?)."""
    data = covered_rrset(ctx, sec, sig)
    out, signed = [], True
    for rd in sig:
        key = key_for(rd) if data is not None else None
        if key is None:
            out.append(rd.replace(**changes))
            signed = False
        else:
            out.append(K.resign(data, rd, key, **changes))
    new = rrset_like(sig, out)
    replace_rrset(sec, sig, new)
    return signed


def same_key(ctx):
    return lambda rd: K.find(ctx.keys, rd.signer, tag=rd.key_tag)


def signed_note(signed):
    return "re-signed" if signed else "sig broken"


# ---------------------------------------------------------------- kinds
def m_drop_rrsig(ctx):
    sec, sig = pick(ctx, lambda rs: rs.rdtype == T.RRSIG)
    if sig is None:
        return None
    sec.remove(sig)
    return f"dropped RRSIG of {name_of(sig)}"


def m_swap_rrsig(ctx):
    sec, sig = pick(ctx, lambda rs: rs.rdtype == T.RRSIG)
    if sig is None:
        return None
    signer = next(iter(sig)).signer
    same = [p for p in ctx.pool.sig_list if p[1].signer == signer and
            (p[0], p[1].type_covered) != (sig.name, sig.covers)]
    cands = same if same and ctx.rng.random() < 0.5 else \
        [p for p in ctx.pool.sig_list if (p[0], p[1].type_covered) != (sig.name, sig.covers)]
    if not cands:
        return None
    owner, rd = ctx.rng.choice(cands)
    replace_rrset(sec, sig, rrset_like(sig, [rd.replace(type_covered=sig.covers)]))
    return f"RRSIG of {name_of(sig)} replaced by the one of {owner}/{T.to_text(rd.type_covered)}"


def _proof_swap(ctx, foreign):
    sec, rs = pick(ctx, lambda rs: rs.rdtype in PROOF_TYPES)
    if rs is None:
        return None
    sig = find_sig(sec, rs)
    zone = next(iter(sig)).signer if sig is not None else None
    if foreign:
        zones = [z for z in ctx.pool.zones if z != zone]
        cands = [p for z in zones for p in ctx.pool.proof_lists[z]]
    else:
        cands = [p for p in ctx.pool.proof_lists.get(zone, [])
                 if p[0].rdtype == rs.rdtype and p[0].name != rs.name]
    if not cands:
        return None
    nrs, nsig = ctx.rng.choice(cands)
    replace_rrset(sec, rs, nrs)
    if sig is not None:
        replace_rrset(sec, sig, nsig)
    else:
        sec.append(nsig)
    return f"{name_of(rs)} replaced by {name_of(nrs)} (zone {next(iter(nsig)).signer})"


def m_swap_nsec(ctx):
    return _proof_swap(ctx, False)


def m_foreign_nsec(ctx):
    return _proof_swap(ctx, True)


def m_inject_proof(ctx):
    cands = [p for z in ctx.pool.zones for p in ctx.pool.proof_lists[z]]
    present = {(rs.name, rs.rdtype) for rs in ctx.msg.authority}
    cands = [p for p in cands if (p[0].name, p[0].rdtype) not in present]
    if not cands:
        return None
    nrs, nsig = ctx.rng.choice(cands)
    ctx.msg.authority += [nrs, nsig]
    return f"injected {name_of(nrs)} (zone {next(iter(nsig)).signer})"


def m_drop_rrset(ctx):
    sec, rs = pick(ctx, lambda rs: rs.rdtype != T.RRSIG)
    if rs is None:
        return None
    sig = find_sig(sec, rs)
    sec.remove(rs)
    with_sig = sig is not None and ctx.rng.random() < 0.5
    if with_sig:
        sec.remove(sig)
    return f"dropped {name_of(rs)}{' and its RRSIG' if with_sig else ''}"


def m_shrink_labels(ctx):
    sec, sig = pick(ctx, lambda rs: rs.rdtype == T.RRSIG and any(rd.labels > 0 for rd in rs))
    if sig is None:
        return None
    rd = next(iter(sig))
    n = ctx.rng.randrange(0, rd.labels)
    replace_rrset(sec, sig, rrset_like(sig, [rd.replace(labels=n)]))
    return f"RRSIG labels of {name_of(sig)} {rd.labels} -> {n} (not re-signed)"


def m_wildcard_forge(ctx):
    """An RRset (answer, NSEC, NSEC3, DNSKEY...) re-signed as if it had been
    expanded from a wildcard: RRSIG labels below the owner's label count,
    with a signature that verifies (RFC 4035 5.3.2)."""
    sec, sig = pick(ctx, lambda rs: rs.rdtype == T.RRSIG and len(rs.name) > 1 and
                    all(K.find(ctx.keys, rd.signer, tag=rd.key_tag) for rd in rs))
    if sig is None:
        return None
    n = ctx.rng.randrange(0, len(sig.name) - 1)
    signed = resign_set(ctx, sec, sig, same_key(ctx), labels=n)
    return (f"{name_of(sig)} signed as expanded from "
            f"*.{sig.name.split(n + 1)[1].to_text()} (labels {n}, {signed_note(signed)})")


SYNTH = {T.A: "127.0.0.99", T.AAAA: "fd53::99", T.TXT: '"forged"', T.MX: "10 forged.dplab.",
         T.TLSA: "3 1 1 " + "ab" * 32}


def m_wildcard_answer(ctx):
    """A denial (NXDOMAIN or NODATA) turned into a positive answer
    synthesised from a wildcard *.CE that the forger signs with the zone
    key; the original NSEC/NSEC3 stay: they prove the answer only when they
    cover the next closer name of CE (RFC 4035 5.3.4, RFC 5155 8.8)."""
    m = ctx.msg
    if ctx.qtype not in SYNTH or any(rs.rdtype == ctx.qtype for rs in m.answer):
        return None
    soa = next((rs for rs in m.authority if rs.rdtype == T.SOA), None)
    sig = find_sig(m.authority, soa) if soa is not None else None
    if sig is None or not ctx.qname.is_subdomain(soa.name) or ctx.qname == soa.name:
        return None
    key = K.find(ctx.keys, next(iter(sig)).signer, ksk=False)
    if key is None:
        return None
    ce_labels = ctx.rng.randrange(len(soa.name) - 1, len(ctx.qname) - 1)
    rs = dns.rrset.from_text(ctx.qname, 300, "IN", T.to_text(ctx.qtype), SYNTH[ctx.qtype])
    tmpl = next(iter(sig)).replace(type_covered=ctx.qtype, original_ttl=300)
    rsig = dns.rrset.RRset(ctx.qname, rs.rdclass, T.RRSIG, ctx.qtype)
    rsig.update_ttl(300)
    rsig.add(K.resign(rs, tmpl, key, labels=ce_labels))
    m.authority = [r for r in m.authority if r.name != soa.name or
                   r.rdtype not in (T.SOA, T.RRSIG) or (r.rdtype == T.RRSIG and r.covers != T.SOA)]
    m.answer = [rs, rsig]
    m.set_rcode(dns.rcode.NOERROR)
    return (f"denial turned into {ctx.qname}/{T.to_text(ctx.qtype)} from "
            f"*.{ctx.qname.split(ce_labels + 1)[1].to_text()}")


def _new_next(ctx, rs, zone):
    rd = next(iter(rs))
    if rs.rdtype == T.NSEC3:
        choice = ctx.rng.choice(["max", "random", "owner"])
        nxt = {"max": b"\xff" * 20, "owner": bytes(rd.next),
               "random": bytes(ctx.rng.randrange(256) for _ in range(20))}[choice]
        if choice == "owner":
            nxt = bytes(b ^ 0x01 for b in nxt)
        return rd.replace(next=nxt), f"NSEC3 next hash -> {choice}"
    choice = ctx.rng.choice(["outside", "apex", "far", "qname"])
    z = zone if zone is not None else rs.name.parent()
    nxt = {"outside": dns.name.from_text("wzz.elsewhere.example."),
           "apex": z,
           "far": dns.name.from_text("~~~~", z),
           "qname": dns.name.from_text("\\000", ctx.qname)}[choice]
    return rd.replace(next=nxt), f"NSEC next -> {nxt} ({choice})"


def m_rehome_next(ctx):
    sec, rs = pick(ctx, lambda rs: rs.rdtype in PROOF_TYPES)
    if rs is None:
        return None
    sig = find_sig(sec, rs)
    zone = next(iter(sig)).signer if sig is not None else None
    new_rd, what = _new_next(ctx, rs, zone)
    new = rrset_like(rs, [new_rd])
    replace_rrset(sec, rs, new)
    signed = sig is not None and resign_set(ctx, sec, sig, same_key(ctx))
    return f"{name_of(rs)}: {what} ({signed_note(signed)})"


def m_signer_name(ctx):
    sec, sig = pick(ctx, lambda rs: rs.rdtype == T.RRSIG)
    if sig is None:
        return None
    signer = next(iter(sig)).signer
    others = [z for z in sorted(ctx.keys) if z != signer]
    if signer != dns.name.root and ctx.rng.random() < 0.5:
        new = signer.parent()
    elif others:
        new = ctx.rng.choice(others)
    else:
        return None
    key = K.find(ctx.keys, new, ksk=False)
    if key is not None:
        signed = resign_set(ctx, sec, sig, lambda rd: key)
    else:
        signed = resign_set(ctx, sec, sig, lambda rd: None, signer=new)
    return f"RRSIG of {name_of(sig)}: signer {signer} -> {new} ({signed_note(signed)})"


def m_ttl(ctx):
    sec, rs = pick(ctx, lambda rs: True)
    if rs is None:
        return None
    ttl = ctx.rng.choice([0, 1, rs.ttl * 100, 2**31 - 1, 2**31 + 5, 2**32 - 1])
    replace_rrset(sec, rs, rrset_like(rs, list(rs), ttl=ttl))
    return f"TTL of {name_of(rs)} {rs.ttl} -> {ttl}"


def m_flags(ctx):
    m = ctx.msg
    what = ctx.rng.choice(["ad", "aa", "no-ra", "cd", "rcode"])
    if what == "ad":
        m.flags |= dns.flags.AD
    elif what == "aa":
        m.flags |= dns.flags.AA
    elif what == "no-ra":
        m.flags &= ~dns.flags.RA
    elif what == "cd":
        m.flags |= dns.flags.CD
    else:
        rc = m.rcode()
        if rc not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            return None
        m.set_rcode(dns.rcode.NXDOMAIN if rc == dns.rcode.NOERROR else dns.rcode.NOERROR)
        return f"rcode {dns.rcode.to_text(rc)} -> {dns.rcode.to_text(m.rcode())}"
    return f"flag {what}"


def m_rrsig_time(ctx):
    sec, sig = pick(ctx, lambda rs: rs.rdtype == T.RRSIG)
    if sig is None:
        return None
    now = ctx.now
    what = ctx.rng.choice(["expired", "future", "inverted", "wrapped"])
    inc, exp = {"expired": (now - 86400 * 10, now - 3600),
                "future": (now + 3600, now + 86400 * 10),
                "inverted": (now + 86400, now - 86400),
                # RFC 4034 3.1.5: serial-number arithmetic, an expiration
                # 2^31 - 1 seconds after inception is still in the future
                "wrapped": (now - 3600, (now - 3600 + 2**31 - 1) % 2**32)}[what]
    signed = resign_set(ctx, sec, sig, same_key(ctx), inception=inc, expiration=exp)
    return f"RRSIG of {name_of(sig)}: {what} validity ({signed_note(signed)})"


def m_nsec3_params(ctx):
    sec, rs = pick(ctx, lambda rs: rs.rdtype == T.NSEC3)
    if rs is None:
        return None
    rd = next(iter(rs))
    what = ctx.rng.choice(["iterations", "salt", "algorithm", "flags"])
    new_rd = {"iterations": lambda: rd.replace(iterations=rd.iterations + 1),
              "salt": lambda: rd.replace(salt=b"\xab\xcd"),
              "algorithm": lambda: rd.replace(algorithm=2),
              "flags": lambda: rd.replace(flags=rd.flags ^ 1)}[what]()
    replace_rrset(sec, rs, rrset_like(rs, [new_rd]))
    sig = find_sig(sec, rs)
    signed = sig is not None and resign_set(ctx, sec, sig, same_key(ctx))
    return f"{name_of(rs)}: NSEC3 {what} changed ({signed_note(signed)})"


MUTATORS = {k: globals()["m_" + k] for k in KINDS if k != "none"}


def mutate(ctx, kind):
    if kind == "none":
        return None
    return MUTATORS[kind](ctx)
