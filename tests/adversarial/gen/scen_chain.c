/*
 * scen_chain.c - proofs judged by their own zone: CNAME chains across
 * zones (issue 10 finding 3; RFC 4035 5.3.4, 5.4; RFC 5155 8), DS and
 * no-DS proofs from the parent side only (RFC 4035 5.2; RFC 6840 4.1,
 * 4.4), and the root, whose own apex NSEC denies `. DS`.
 */
#include <string.h>
#include "tests/adversarial/gen/scen.h"

static ldns_pkt *fresh(gscn *s, const char *q, const char *t, int rcode)
{
	ldns_pkt *p = scn_msg(s, q, t);
	pk_clear(p, LDNS_SECTION_ANSWER);
	pk_clear(p, LDNS_SECTION_AUTHORITY);
	ldns_pkt_set_rcode(p, (ldns_pkt_rcode)rcode);
	return p;
}

/* example. (NSEC, RSA) with *.example. CNAME into the child sub.example.
 * (NSEC3, ECDSA). */
static void cname_wildcard_nodata(void)
{
	for (int attack = 0; attack < 2; attack++) {
		gscn *s = scn_new(attack ? "cname-target-proof-from-cname-zone"
					 : "cname-wc-target-nodata-nsec3-twin",
				  attack ? "RFC 4035 5.4 / RFC 6840 4.4: the target's NODATA must be "
					   "proved by the target zone; the parent's delegation NSEC "
					   "(NS, no SOA) proves nothing about names at or below the cut"
					 : "twin of cname-target-proof-from-cname-zone; issue 10 finding 3: "
					   "each proof of a CNAME chain is judged by its own signer's keys "
					   "(RFC 4035 5.3.4, RFC 5155 8)",
				  attack ? "cname-wc-target-nodata-nsec3-twin" : NULL);
		gzone *z = gz_new(s, "example.", 8, NULL, 0);
		gz_add(z, "* 300 IN CNAME t.sub.example.");
		gzone *c = gz_new(s, "sub.example.", 13, z, 0);
		gz_nsec3(c, 2, "cafe");
		gz_add(c, "t 300 IN A 192.0.2.90");
		scn_ask(s, "a.example.", "TXT", attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		if (attack) {
			/* the target's NODATA, answered from the CNAME zone */
			ldns_pkt *p = fresh(s, "t.sub.example.", "TXT", 0);
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "example.", LDNS_RR_TYPE_SOA));
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "sub.example.", LDNS_RR_TYPE_NSEC));
			p = scn_msg(s, "a.example.", "TXT");
			pk_drop(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_NSEC3, 0);
			pk_drop(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_RRSIG,
				LDNS_RR_TYPE_NSEC3);
			pk_drop(p, LDNS_SECTION_AUTHORITY, "sub.example.", LDNS_RR_TYPE_SOA, 0);
			pk_drop(p, LDNS_SECTION_AUTHORITY, "sub.example.", LDNS_RR_TYPE_RRSIG,
				LDNS_RR_TYPE_SOA);
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "sub.example.", LDNS_RR_TYPE_NSEC));
		}
		emit(s);
	}
}

/* *.example. CNAME into an unsigned zone behind an NSEC3 opt-out
 * delegation: insecure is the honest answer (RFC 5155 8.6, 9.2). */
static void cname_wildcard_optout(void)
{
	for (int attack = 0; attack < 3; attack++) {
		gscn *s = scn_new(attack == 1 ? "nods-proof-from-ancestor-zone" : attack == 2
				  ? "cname-wc-optout-proof-in-answer-twin" : "cname-wc-optout-insecure-twin",
				  attack == 2 ? "twin of nods-proof-from-ancestor-zone, with the target "
						"zone's opt-out NSEC3 proof in the answer's authority "
						"section (issue 10 finding 3, RFC 5155 8.6)"
				  : attack ? "RFC 4035 5.2: the no-DS proof for insec.sub.example. must "
					   "come from its parent sub.example.; the grandparent's NSEC "
					   "for the cut sub.example. proves nothing below it (RFC 6840 4.1)"
					 : "twin of nods-proof-from-ancestor-zone; issue 10 finding 3: an "
					   "NSEC3 opt-out chain behind a wildcard CNAME is insecure, not "
					   "bogus (RFC 5155 8.6)",
				  attack == 1 ? "cname-wc-optout-insecure-twin" : NULL);
		gzone *z = gz_new(s, "example.", 8, NULL, 0);
		gz_add(z, "* 300 IN CNAME www.insec.sub.example.");
		gzone *c = gz_new(s, "sub.example.", 13, z, GZ_NSEC3 | GZ_OPTOUT);
		gz_nsec3(c, 1, "");
		gz_add(c, "host 300 IN A 192.0.2.91");
		gzone *u = gz_new(s, "insec.sub.example.", 8, c, GZ_UNSIGNED);
		gz_add(u, "www 300 IN A 192.0.2.92");
		scn_ask(s, "a.example.", "A", attack == 1 ? "bogus" : "insecure", NULL, -1);
		scn_record(s);
		if (attack == 2) {
			/* the target zone's own opt-out proof beside the CNAME zone's
			 * wildcard proof, as a resolver may hand both */
			ldns_pkt *p = scn_msg(s, "a.example.", "A");
			ldns_pkt *ds = scn_msg(s, "insec.sub.example.", "DS");
			pk_add(p, LDNS_SECTION_AUTHORITY, ldns_rr_list_clone(ldns_pkt_authority(ds)));
		}
		if (attack == 1) {
			ldns_pkt *p = fresh(s, "insec.sub.example.", "DS", 0);
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "example.", LDNS_RR_TYPE_SOA));
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "sub.example.", LDNS_RR_TYPE_NSEC));
		}
		emit(s);
	}
}

/* A plain CNAME into a child; the attack signs the target with a sibling
 * zone's key. */
static void cname_sibling(void)
{
	for (int attack = 0; attack < 2; attack++) {
		gscn *s = scn_new(attack ? "cname-target-signed-by-sibling" : "cname-chain-twin",
				  attack ? "RFC 4035 5.3.1: each RRset of a chain is verified with the "
					   "keys of the zone that holds it; a sibling zone cannot sign "
					   "the target" : "twin of cname-target-signed-by-sibling",
				  attack ? "cname-chain-twin" : NULL);
		gzone *z = gz_new(s, "example.", 15, NULL, 0);
		gz_add(z, "alias 300 IN CNAME www.sub.example.");
		gzone *c = gz_new(s, "sub.example.", 13, z, 0);
		gz_add(c, "www 300 IN A 192.0.2.81");
		gzone *o = gz_new(s, "other.example.", 8, z, 0);
		gz_add(o, "www 300 IN A 192.0.2.82");
		scn_ask(s, "alias.example.", "A", attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		if (attack) {
			ldns_pkt *p = scn_msg(s, "alias.example.", "A");
			pk_drop(p, LDNS_SECTION_ANSWER, "www.sub.example.", LDNS_RR_TYPE_A, 0);
			pk_drop(p, LDNS_SECTION_ANSWER, "www.sub.example.", LDNS_RR_TYPE_RRSIG, 0);
			pk_add(p, LDNS_SECTION_ANSWER,
			       gz_sign_text(o, 0, 0, "www.sub.example. 300 IN A 192.0.2.66"));
			/* the same forgery for a client that asks the target itself */
			p = scn_msg(s, "www.sub.example.", "A");
			pk_clear(p, LDNS_SECTION_ANSWER);
			pk_add(p, LDNS_SECTION_ANSWER,
			       gz_sign_text(o, 0, 0, "www.sub.example. 300 IN A 192.0.2.66"));
		}
		emit(s);
	}
}

/* CNAME to a name that does not exist in the child; the attack proves the
 * NXDOMAIN with the parent's NSEC at the cut, which "covers" every name
 * below it in canonical order (RFC 6840 4.1). */
static void cname_nxdomain(void)
{
	for (int attack = 0; attack < 2; attack++) {
		gscn *s = scn_new(attack ? "nxdomain-below-cut-from-parent-nsec"
					 : "cname-target-nxdomain-twin",
				  attack ? "RFC 6840 4.1 / RFC 4035 5.4: an NSEC at a delegation (NS "
					   "without SOA) cannot prove that a name below the cut does "
					   "not exist" : "twin of nxdomain-below-cut-from-parent-nsec",
				  attack ? "cname-target-nxdomain-twin" : NULL);
		gzone *z = gz_new(s, "example.", 8, NULL, 0);
		gz_add(z, "alias 300 IN CNAME nx.sub.example.");
		gz_add(z, "www 300 IN A 192.0.2.80");
		gzone *c = gz_new(s, "sub.example.", 13, z, 0);
		gz_add(c, "www 300 IN A 192.0.2.81");
		scn_ask(s, "alias.example.", "A", attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		if (attack) {
			ldns_pkt *p = scn_msg(s, "alias.example.", "A");
			pk_clear(p, LDNS_SECTION_AUTHORITY);
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "example.", LDNS_RR_TYPE_SOA));
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "sub.example.", LDNS_RR_TYPE_NSEC));
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "example.", LDNS_RR_TYPE_NSEC));
			p = fresh(s, "nx.sub.example.", "A", LDNS_RCODE_NXDOMAIN);
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "example.", LDNS_RR_TYPE_SOA));
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "sub.example.", LDNS_RR_TYPE_NSEC));
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "example.", LDNS_RR_TYPE_NSEC));
		}
		emit(s);
	}
}

/* The no-DS proof of a signed child taken from the child's own apex
 * (signed by the child's key, bitmap without DS), with the answer's RRSIGs
 * stripped: a downgrade to insecure if the child side were believed. */
static void nods_child_side(int nsec3, const char *root)
{
	char name[96], twin[96], apex[64], child[64], q[96];
	snprintf(name, sizeof name, "nods-proof-from-child-side%s%s", nsec3 ? "-nsec3" : "",
		 root ? "-under-root" : "");
	snprintf(twin, sizeof twin, "%s", root ? "root-ds-nodata" : nsec3
		 ? "child-nsec3-twin" : "child-zone-twin");
	snprintf(apex, sizeof apex, "%s", root ? "." : "example.");
	snprintf(child, sizeof child, "%s", root ? "example." : "sub.example.");
	snprintf(q, sizeof q, "www.%s", child);
	gscn *s = scn_new(name, "RFC 4035 5.2 / RFC 6840 4.4: DS and no-DS proofs come from the "
			  "parent side of the cut; the child's apex NSEC/NSEC3 (SOA set) says "
			  "nothing about the DS", twin);
	gzone *z = gz_new(s, apex, 8, NULL, 0);
	gzone *c = gz_new(s, child, 13, z, nsec3 ? GZ_NSEC3 : 0);
	gz_add(c, "www 300 IN A 192.0.2.81");
	scn_ask(s, q, "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = fresh(s, child, "DS", 0);
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(c, child, LDNS_RR_TYPE_SOA));
	ldns_rdf *cn = dn(child);
	pk_add(p, LDNS_SECTION_AUTHORITY, nsec3 ? gz_nsec3_for(c, cn, NULL) : gz_nsec_cover(c, cn));
	ldns_rdf_deep_free(cn);
	pk_drop(scn_msg(s, q, "A"), LDNS_SECTION_ANSWER, NULL, LDNS_RR_TYPE_RRSIG, 0);
	emit(s);
}

static void child_twins(void)
{
	gscn *s = scn_new("child-nsec3-twin", "twin of nods-proof-from-child-side-nsec3", NULL);
	gzone *z = gz_new(s, "example.", 8, NULL, 0);
	gzone *c = gz_new(s, "sub.example.", 13, z, GZ_NSEC3);
	gz_add(c, "www 300 IN A 192.0.2.81");
	scn_ask(s, "www.sub.example.", "A", "secure", NULL, -1);
	scn_record(s);
	emit(s);

	/* RFC 4035 5.2 has no parent for the root: its own apex NSEC is the
	 * NODATA proof for `. DS` (issue 10). */
	s = scn_new("root-ds-nodata", "twin of nods-proof-from-child-side-under-root: the root "
		    "has no parent, so its own apex NSEC proves `. DS` NODATA (RFC 4035 5.2, "
		    "RFC 4034 4.1)", NULL);
	z = gz_new(s, ".", 8, NULL, 0);
	c = gz_new(s, "example.", 13, z, 0);
	gz_add(c, "www 300 IN A 192.0.2.81");
	scn_ask(s, ".", "DS", "secure", NULL, -1);
	scn_record(s);
	emit(s);

	s = scn_new("insecure-delegation-twin", "twin of nods-covering-not-matching: a proved "
		    "insecure delegation (RFC 4035 5.2)", NULL);
	z = gz_new(s, "example.", 13, NULL, 0);
	gzone *u = gz_new(s, "insec.example.", 8, z, GZ_UNSIGNED);
	gz_add(u, "www 300 IN A 192.0.2.92");
	scn_ask(s, "www.insec.example.", "A", "insecure", NULL, -1);
	scn_record(s);
	emit(s);
}

/* An unsigned answer below a name the signed parent proves does not exist
 * (an NSEC covering it, not matching a delegation): there is no insecure
 * delegation, so the unsigned data is bogus (RFC 4035 5.2). */
static void nods_covering(void)
{
	gscn *s = scn_new("nods-covering-not-matching", "RFC 4035 5.2: only an NSEC matching the "
			  "delegation, with NS and without DS, proves it insecure; an NSEC covering "
			  "the name proves there is no delegation at all", "insecure-delegation-twin");
	gzone *z = gz_new(s, "example.", 13, NULL, 0);
	gzone *u = gz_new(s, "insec.example.", 8, z, GZ_UNSIGNED);
	gz_add(u, "www 300 IN A 192.0.2.92");
	gz_add(z, "zz 300 IN A 192.0.2.93");
	scn_ask(s, "www.fake.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = fresh(s, "www.fake.example.", "A", 0);
	ldns_rr *rr = NULL;
	ldns_rr_new_frm_str(&rr, "www.fake.example. 300 IN A 192.0.2.66", 300, NULL, NULL);
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	(void)u;
	emit(s);
}

/*
 * An insecure delegation under an NSEC3 opt-out parent (RFC 5155 6, 8.6):
 * the honest proof is the closest encloser (matching) plus an opt-out
 * NSEC3 covering the next closer name.  Attacks: the cover alone, without
 * the closest encloser; and, in a zone without opt-out, a plain NSEC3
 * cover, which proves the name does not exist, i.e. no delegation.
 */
static void optout(void)
{
	for (int v = 0; v < 3; v++) {
		static const char *const names[] = { "optout-insecure-twin",
			"optout-nods-without-closest-encloser", "nsec3-nods-cover-without-optout" };
		gscn *s = scn_new(names[v], v == 0 ? "twin of optout-nods-without-closest-encloser, "
				  "nsec3-nods-cover-without-optout: a proved opt-out insecure delegation "
				  "(RFC 5155 8.6)"
				  : v == 1 ? "RFC 5155 8.6 / 7.2.1: an opt-out no-DS proof needs the closest "
					     "provable encloser proof; the opt-out cover of the next "
					     "closer name alone proves nothing"
				  : "RFC 5155 8.6 / 7.2.4: only an NSEC3 with the opt-out flag lets a "
				    "covered name be an unsigned delegation; without it the cover proves "
				    "the name (and any delegation there) does not exist",
				  v ? "optout-insecure-twin" : NULL);
		gzone *z = gz_new(s, "example.", 13, NULL, GZ_NSEC3 | (v == 2 ? 0 : GZ_OPTOUT));
		gz_nsec3(z, 0, "");
		gz_add(z, "www 300 IN A 192.0.2.80");
		gzone *u = gz_new(s, v == 2 ? "other.example." : "insec.example.", 8, z, GZ_UNSIGNED);
		gz_add(u, "www 300 IN A 192.0.2.92");
		const char *q = v == 2 ? "www.insec.example." : "www.insec.example.";
		scn_ask(s, q, "A", v ? "bogus" : "insecure", NULL, -1);
		scn_record(s);
		if (v == 1) {
			ldns_pkt *p = fresh(s, "insec.example.", "DS", 0);
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "example.", LDNS_RR_TYPE_SOA));
			ldns_rdf *n = dn("insec.example.");
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec3_for(z, n, NULL));
			ldns_rdf_deep_free(n);
		}
		if (v == 2) {
			/* the unsigned answer an attacker serves for a name the
			 * signed parent proves does not exist */
			ldns_pkt *p = fresh(s, q, "A", 0);
			ldns_rr *rr = NULL;
			ldns_rr_new_frm_str(&rr, "www.insec.example. 300 IN A 192.0.2.66", 300, NULL, NULL);
			ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
		}
		emit(s);
	}
}

/* Differential "signer_name" rows of issue 10: the DS (or the no-DS NSEC)
 * of c.sub.example. re-signed with the key of example., the grandparent.
 * RFC 4035 5.3.1: the signer is the zone holding the RRset, and the DS of
 * c.sub.example. is held by sub.example. (a signed zone: a cut between
 * them).  The forged no-DS proof would make the signed child insecure;
 * the forged DS would let the grandparent vouch for any child key. */
static void grandparent_signer(void)
{
	for (int v = 0; v < 3; v++) {
		static const char *const names[] = { "grandchild-zone-twin", "ds-signed-by-grandparent",
						     "nods-proof-signed-by-grandparent" };
		gscn *s = scn_new(names[v], v ? "RFC 4035 5.3.1 / 3.1.4.1: the DS of a zone and its "
				  "denial are signed by the parent, the zone holding them; a key "
				  "further up skips a zone cut" : "twin of ds-signed-by-grandparent, "
				  "nods-proof-signed-by-grandparent", v ? names[0] : NULL);
		gzone *z = gz_new(s, "example.", 8, NULL, 0);
		gzone *m = gz_new(s, "sub.example.", 13, z, 0);
		gzone *c = gz_new(s, "c.sub.example.", 15, m, 0);
		gz_add(m, "zz 300 IN A 192.0.2.90");
		gz_add(c, "www 300 IN A 192.0.2.91");
		scn_ask(s, "www.c.sub.example.", "A", v ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		if (v == 1) {
			ldns_pkt *p = scn_msg(s, "c.sub.example.", "DS");
			ldns_rr_list *ds = gz_get(m, "c.sub.example.", LDNS_RR_TYPE_DS);
			char *txt = ldns_rr2str(ldns_rr_list_rr(ds, 0));
			pk_clear(p, LDNS_SECTION_ANSWER);
			pk_add(p, LDNS_SECTION_ANSWER, gz_sign_text(z, 0, 0, "%s", txt));
			free(txt);
			ldns_rr_list_deep_free(ds);
		} else if (v == 2) {
			ldns_pkt *p = scn_msg(s, "c.sub.example.", "DS");
			pk_clear(p, LDNS_SECTION_ANSWER);
			pk_clear(p, LDNS_SECTION_AUTHORITY);
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(m, "sub.example.", LDNS_RR_TYPE_SOA));
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_sign_text(z, 0, 0, "c.sub.example. 3600 IN "
				"NSEC zz.sub.example. NS RRSIG NSEC"));
			pk_drop(scn_msg(s, "www.c.sub.example.", "A"), LDNS_SECTION_ANSWER, NULL,
				LDNS_RR_TYPE_RRSIG, 0);
		}
		emit(s);
	}
}

void scen_chain(void)
{
	optout();
	cname_wildcard_nodata();
	cname_wildcard_optout();
	cname_sibling();
	cname_nxdomain();
	child_twins();
	nods_child_side(0, NULL);
	nods_child_side(1, NULL);
	nods_child_side(0, ".");
	nods_covering();
	grandparent_signer();
}
