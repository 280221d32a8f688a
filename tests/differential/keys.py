"""keys.py - the lab's private zone keys, to forge *validly signed* answers.

The differential proxy (proxy.py) mutates answers.  A mutation that only
breaks a signature tests little: every validator calls that bogus.  The
interesting attacks are structural: a record whose signature verifies but
which must still not be believed (a wildcard-expanded NSEC used as a
denial, an NSEC whose next owner leaves the zone, a record signed by the
parent's key).  A real attacker gets such records by replaying what the
zone itself signed; the proxy gets them by signing with the lab's own
keys, which tests/lab/mkzones.py leaves in $DPLAB_DIR/keys (ldns-keygen's
K<zone>.+<alg>+<tag>.{key,private}; a .ds file beside a key marks the KSK).

Only the algorithms cryptography signs without ceremony are loaded:
13 (ECDSA P-256/SHA-256), 14 (P-384/SHA-384) and 15 (Ed25519).  RRsets of
zones signed with other algorithms are mutated without re-signing.
"""
import base64
import glob
import os

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
from dns.rdtypes.ANY.RRSIG import RRSIG
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

CURVES = {13: (ec.SECP256R1(), hashes.SHA256(), 32),
          14: (ec.SECP384R1(), hashes.SHA384(), 48)}


class ZoneKey:
    def __init__(self, zone, alg, tag, ksk, private, dnskey):
        self.zone, self.alg, self.tag, self.ksk = zone, alg, tag, ksk
        self.private, self.dnskey = private, dnskey

    def sign(self, data):
        """Signature bytes over DATA in the RRSIG wire form (RFC 6605 4, RFC 8080 3)."""
        if self.alg in CURVES:
            _, h, n = CURVES[self.alg]
            r, s = utils.decode_dss_signature(self.private.sign(data, ec.ECDSA(h)))
            return r.to_bytes(n, "big") + s.to_bytes(n, "big")
        return self.private.sign(data)


def _private(alg, fields):
    raw = base64.b64decode(fields["PrivateKey"])
    if alg in CURVES:
        return ec.derive_private_key(int.from_bytes(raw, "big"), CURVES[alg][0])
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw)


def load(keydir):
    """{zone name (dns.name.Name): [ZoneKey, ...]} for every loadable key."""
    keys = {}
    for priv in sorted(glob.glob(os.path.join(keydir, "K*.private"))):
        base = priv[:-len(".private")]
        try:
            fields = dict(l.split(": ", 1) for l in open(priv).read().splitlines() if ": " in l)
            alg = int(fields["Algorithm"].split()[0])
            if alg not in (13, 14, 15):
                continue
            text = open(base + ".key").read().split(";")[0].split()
            owner = dns.name.from_text(text[0])
            # "owner [ttl] IN DNSKEY flags proto alg key"
            i = text.index("DNSKEY")
            dnskey = dns.rdata.from_text("IN", "DNSKEY", " ".join(text[i + 1:]))
            k = ZoneKey(owner, alg, dns.dnssec.key_id(dnskey), os.path.exists(base + ".ds"),
                        _private(alg, fields), dnskey)
        except (OSError, KeyError, ValueError, IndexError):
            continue
        keys.setdefault(owner, []).append(k)
    return keys


def find(keys, zone, tag=None, ksk=None):
    """A key of ZONE: the one with TAG if given, else a ZSK (KSK if ksk)."""
    cands = keys.get(zone, [])
    if tag is not None:
        cands = [k for k in cands if k.tag == tag]
    elif ksk is not None:
        cands = [k for k in cands if k.ksk == ksk] or cands
    return cands[0] if cands else None


def resign(rrset, template, key, **changes):
    """A new RRSIG rdata over RRSET (owner and rdata as given) from TEMPLATE
    with CHANGES (labels=, signer=, ...), signed with KEY.  The owner name
    in the signed data follows RFC 4035 5.3.2: with labels below the
    owner's label count it is "*." + the rightmost LABELS labels, so a
    smaller labels field makes a record that validates as a wildcard
    expansion."""
    tmpl = template.replace(algorithm=key.alg, key_tag=key.tag, signer=key.zone,
                            signature=b"", **changes)
    data = dns.dnssec._make_rrsig_signature_data(rrset, tmpl)
    return tmpl.replace(signature=key.sign(data))


def new_template(rrset, key, inception, expiration):
    """An RRSIG template for RRSET when there is no original signature to copy."""
    owner = rrset.name
    labels = len(owner) - 1 - (1 if owner.is_wild() else 0)
    return RRSIG(dns.rdataclass.IN, dns.rdatatype.RRSIG, rrset.rdtype, key.alg, labels,
                 rrset.ttl, expiration, inception, key.tag, key.zone, b"")
