"""explain.py - when do the oracle and daneprobe agree, which RFC rule
explains a difference, and which differences are daneprobe bugs.

agree(): the same status; for two non-bogus verdicts also the same rcode
(a secure NXDOMAIN is not a secure NOERROR).

EXPLANATIONS: (id, rule, match).  A row explains a difference only where
the rule makes daneprobe's verdict the one the RFCs require (or both
verdicts permitted readings of the same answer) *and* the row's evidence
holds: daneprobe's verdict equals its verdict on the honest answer of the
same name (r["baseline"]), and what the oracle rejected is named (its
log reason, the proxy's note).  "unbound is lenient" is not a rule.

BUGS: differences that are daneprobe's fault, each with its entry in
FINDINGS.md.  They are counted apart ("bug") so a run shows at once
whether something new appeared; run.sh --strict fails on them too.

README.md carries both tables for people.
"""
import re


def agree(r):
    if r["oracle"] != r["dp"]:
        return False
    if r["dp"] in ("secure", "insecure"):
        return r["oracle_rcode"] == r["dp_rcode"]
    return True


def _own_note(r):
    return r["notes"].get(f"{r['name'].lower()}/{r['type'].upper()}", "")


def _as_baseline(r):
    b = r.get("baseline")
    return b is not None and (b["dp"], b["dp_rcode"]) == (r["dp"], r["dp_rcode"])


def negative_soa(r):
    """The oracle failed on the SOA of a negative answer (its RRSIG
    changed, or the SOA dropped and its RRSIG left alone); daneprobe kept
    its honest verdict."""
    m = re.search(r"for <(\S+) (SOA|RRSIG) IN>", r["oracle_reason"])
    return (r["oracle"] == "bogus" and m is not None and _as_baseline(r)
            and r["dp_rcode"] in ("NXDOMAIN", "NOERROR")
            and f"{m.group(1)}/SOA" in _own_note(r))


def unused_foreign_proof(r):
    """Every mutation on the way only added (inject_proof) or swapped in
    (foreign_nsec) a validly signed NSEC/NSEC3 of another zone, the oracle
    failed on it, and daneprobe kept its honest verdict."""
    if r["oracle"] != "bogus" or not _as_baseline(r) or not r["notes"]:
        return False
    if all(n.startswith("injected ") for n in r["notes"].values()):
        return True
    owners = [m.group(1) for n in r["notes"].values()
              for m in [re.search(r"replaced by (\S+)/NSEC3? \(zone ", n)] if m]
    named = re.search(r"for <(\S+) NSEC3? IN>", r["oracle_reason"])
    if r["kind"] != "foreign_nsec":
        return False
    if named is not None and named.group(1) in owners:
        return True
    # An insecure denial (RFC 9276 3.2's iteration cap) is not checked
    # record by record: swapping one of its records for another zone's
    # changes nothing for daneprobe, while unbound fails on the stranger.
    return r["dp"] == "insecure" and bool(owners)


def header_only(r):
    """Only header bits changed on the way (flags, RCODE NOERROR <->
    NXDOMAIN), and daneprobe either kept its honest verdict (the signed
    RRsets still validate) or called a claimed NXDOMAIN bogus because the
    signed NSEC proves the name exists."""
    if r["kind"] != "flags" or not r["notes"]:
        return False
    if not all(re.match(r"(flag \S+|rcode \S+ -> \S+)$", n) for n in r["notes"].values()):
        return False
    # The flipped RCODE may be the asked name's or a chain step's (the DS
    # answer of an insecure delegation): either way the signed NSEC there
    # proves the name exists, so the claimed NXDOMAIN fails RFC 4035 5.4.
    return _as_baseline(r) or (r["dp"] == "bogus" and "(NXDOMAIN claimed)" in r["dp_reason"]
                               and "rcode NOERROR -> NXDOMAIN" in r["notes"].values())


def nxdomain_proves_ent(r):
    """The NSEC's next owner was moved just below the qname (re-signed):
    the signed NSEC now says the qname has a descendant, so it exists (as
    an empty non-terminal) and cannot be NXDOMAIN."""
    if not (r["kind"] == "rehome_next" and "(qname) (re-signed)" in _own_note(r)
            and r["oracle"] == "secure" and r["oracle_rcode"] == "NOERROR"
            and (r.get("baseline") or {}).get("dp_rcode") == "NXDOMAIN"):
        return False
    # daneprobe: bogus when that NSEC was the one covering the qname; secure
    # NXDOMAIN as honestly when another NSEC of the answer still covers it
    # (the re-homed one was the wildcard's)
    return ((r["dp"] == "bogus" and "does not exist" in r["dp_reason"])
            or (r["dp"] == "secure" and _as_baseline(r)))


def nsec3_mixed_parameters(r):
    """One NSEC3 of the proof got other parameters (re-signed): daneprobe
    builds the proof from the records that share the first usable record's
    parameters and finds none; unbound proved it by mixing the chains."""
    return (r["kind"] == "nsec3_params" and r["oracle"] == "secure" and r["dp"] == "bogus"
            and re.search(r"NSEC3 (salt|iterations) changed \(re-signed\)", _own_note(r))
            and re.search(r"no NSEC3 closest encloser proof|no NSEC3 proves that", r["dp_reason"]))


def other_signer_set_aside(r):
    """A record of the answer re-signed by another zone (signer changed,
    valid signature by that zone's key); daneprobe kept its honest verdict
    without it, the oracle failed on it."""
    return (r["kind"] == "signer_name" and r["oracle"] == "bogus" and _as_baseline(r)
            and re.search(r"signer (\S+) -> (\S+) \(re-signed\)", _own_note(r))
            and "signatures from unknown keys" in r["oracle_reason"])


def wildcard_nsec_refused(r):
    """Records on the way re-signed as wildcard expansions, at least one of
    them an NSEC/NSEC3 (a denial or a no-DS proof), and nothing else
    changed: daneprobe refuses them (bogus), unbound keeps its honest
    verdict."""
    b = r.get("baseline") or {}
    notes = list(r["notes"].values())
    return (r["kind"] == "wildcard_forge" and r["dp"] == "bogus" and b.get("dp") != "bogus"
            and notes and all("signed as expanded from" in n for n in notes)
            and any(re.search(r"/NSEC3? signed as expanded from", n) for n in notes)
            and r["oracle"] == b.get("oracle"))


def next_outside_zone(r):
    return (r["kind"] == "rehome_next" and "(outside) (re-signed)" in _own_note(r)
            and r["dp"] == "bogus" and "does not exist" in r["dp_reason"]
            and r["oracle"] == "secure")


def capped_denial_record_dropped(r):
    """An NSEC3 of a denial whose chain exceeds the iteration limit was
    dropped (its RRSIG left orphaned); daneprobe kept its honest insecure
    verdict (EDE 27, the cap named), the oracle failed on that record."""
    dropped = [m.group(1) for n in r["notes"].values()
               for m in [re.match(r"dropped (\S+)/NSEC3$", n)] if m]
    named = re.search(r"for <(\S+) (NSEC3|RRSIG) IN>", r["oracle_reason"])
    return (r["kind"] == "drop_rrset" and r["oracle"] == "bogus" and r["dp"] == "insecure"
            and _as_baseline(r) and r.get("dp_ede") == 27
            and "more than the limit of" in r["dp_reason"]
            and all(n.startswith("dropped ") for n in r["notes"].values())
            and named is not None and named.group(1) in dropped)


EXPLANATIONS = [
    ("E1-negative-soa",
     "RFC 4035 5.4 and RFC 5155 8.4-8.7: a denial is proved by the NSEC/NSEC3 RRs; the "
     "SOA beside them only sets the negative-cache TTL (RFC 2308 3, 5), and RFC 4035 4.3 "
     "gives each RRset its own status. daneprobe caches nothing and judges the proof; "
     "unbound calls the whole message bogus for the unsigned or mis-signed SOA",
     negative_soa),
    ("E2-unused-foreign-proof",
     "RFC 4035 5.3.4, 5.4 and RFC 5155 8: a proof is made of the NSEC/NSEC3 RRs of the "
     "answer's own zone, each checked with its signer's keys (RFC 4035 5.3.1); an NSEC/NSEC3 "
     "of another zone proves nothing about the name and cannot unmake a valid answer "
     "(issue 10, item 3). unbound validates every RRset of the message",
     unused_foreign_proof),
    ("E3-unsigned-header",
     "RFC 4034 3, RFC 4035 5.3: signatures cover RRsets, never the header (RFC 4035 4.9.3: "
     "header bits are only as good as the channel). daneprobe judges the signed RRsets: an "
     "answer RRset that validates stays secure whatever the RCODE, and an NXDOMAIN whose "
     "signed NSEC proves the name exists fails RFC 4035 5.4 (bogus); unbound instead treats "
     "NXDOMAIN-with-data as a name error lacking its proof, a NODATA proof under NXDOMAIN as "
     "NODATA, and passes an unsigned zone's RCODE through",
     header_only),
    ("E4-nxdomain-over-ent",
     "RFC 4035 5.4: an NXDOMAIN needs an NSEC that shows no name exists at or below the "
     "qname; an NSEC whose next owner is a descendant of the qname shows the qname exists "
     "as an empty non-terminal (RFC 4592 2.2.2, RFC 5155 7.2.3). When that NSEC was the "
     "covering one daneprobe calls the NXDOMAIN bogus; when another signed NSEC of the "
     "answer still covers the qname, 5.4 is met and daneprobe keeps the secure NXDOMAIN "
     "(the zone's key signed both readings). unbound re-reads the unsigned RCODE as "
     "NOERROR and returns the ENT's NODATA",
     nxdomain_proves_ent),
    ("E5-nsec3-one-chain",
     "RFC 5155 7.1 and appendix C.1: a zone holds one complete NSEC3 chain per parameter set "
     "(hash, iterations, salt), and the closest-encloser proof of RFC 5155 8.3 takes its "
     "matching and covering records from one chain; daneprobe uses the records sharing the "
     "first usable NSEC3's parameters (RFC 5155 8.2) and finds no proof, unbound completed "
     "one by hashing with each record's own parameters, mixing two chains",
     nsec3_mixed_parameters),
    ("E6-wildcard-nsec-no-denial",
     "RFC 4035 5.3.2 and RFC 4034 3.1.3: an NSEC/NSEC3 whose RRSIG labels field is below its "
     "owner's label count was expanded from the wildcard *.<rightmost labels>; it proves that "
     "the wildcard exists, never that the expanded name or type does not (RFC 4035 5.4, "
     "RFC 4592 4; issue 10 item 1, the CVE-2017-15105 class). daneprobe refuses it as a "
     "denial (bogus); unbound 1.17 reads it as the wildcard's own NSEC, which still covers "
     "the name when labels fall at or above the zone (the wildcard then lies outside the "
     "signer's zone, RFC 4035 5.3.1)",
     wildcard_nsec_refused),
    ("E7-next-owner-outside-zone",
     "RFC 4034 4.1.1: the Next Domain Name is the next owner in the zone in canonical order, "
     "only the last NSEC wraps to the apex; a next name outside the signer's zone makes the "
     "NSEC cover nothing (issue 10 item 2), so the NXDOMAIN/NODATA is unproved (RFC 4035 "
     "5.4): daneprobe bogus. unbound compares the names canonically whatever the zone",
     next_outside_zone),
    ("E8-other-signer-set-aside",
     "RFC 4035 5.3.1: the Signer's Name MUST be the zone that contains the RRset, so an RRSIG "
     "made by another zone (here the parent's key) is no signature of it; daneprobe sets the "
     "record aside as not from the answer's zone and the rest decides (e.g. the iteration cap "
     "of RFC 9276 3.2: insecure, as honestly); unbound fails the whole message on it",
     other_signer_set_aside),
    ("E9-capped-denial-not-walked",
     "RFC 9276 3.2: an NSEC3 chain with more iterations than the validator's limit (150) "
     "makes the denial insecure (EDE 27), and daneprobe decides that before any hashing "
     "(the CVE-2023-50868 bound), so one NSEC3 of it dropped changes nothing: insecure, as "
     "honestly. unbound fails the message on the orphaned RRSIG of the dropped record",
     capped_denial_record_dropped),
]


# Every finding of FINDINGS.md (F1-F6) is fixed and its pattern no longer
# shows; a new one gets a row here and an entry there.
BUGS = []


def explain(r):
    for rid, rule, match in EXPLANATIONS:
        if match(r):
            return f"{rid}: {rule}"
    return None


def bug(r):
    for fid, what, match in BUGS:
        if match(r):
            return f"{fid}: {what}"
    return None
