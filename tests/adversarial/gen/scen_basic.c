/*
 * scen_basic.c - signatures, keys and the DS link (RFC 4035 5.2, 5.3.1;
 * RFC 4034 3.1; RFC 6840 5.11).
 */
#include "tests/adversarial/gen/scen.h"

#define NOTYET_INC 1796860800u  /* 2026-12-10: after GEN_NOW */
#define NOTYET_EXP 1798761600u
#define EXPIRED_INC 1795132800u /* 2026-11-20 .. 2026-11-25: before GEN_NOW */
#define EXPIRED_EXP 1795564800u

/* The zone most scenarios start from: example. with a few names. */
static gzone *base(gscn *s, int alg, int flags)
{
	gzone *z = gz_new(s, "example.", alg, NULL, flags);
	gz_add(z, "www 300 IN A 192.0.2.80");
	gz_add(z, "www 300 IN TXT \"hello\"");
	gz_add(z, "mail 300 IN A 192.0.2.25");
	return z;
}

/* Positive answers, one per algorithm of the lab: the twins that must
 * stay secure. */
static void positives(void)
{
	static const struct { const char *name; int alg; int nsec3; } v[] = {
		{ "positive-rsasha256", 8, 0 },
		{ "positive-ecdsap256", 13, 0 },
		{ "positive-ed25519", 15, 1 },
	};
	for (size_t i = 0; i < 3; i++) {
		gscn *s = scn_new(v[i].name, i == 0 ? "twin of rrsig-expired, rrsig-not-yet-valid"
					: i == 1 ? "twin of rrsig-truncated, rrsig-wrong-type"
						 : "twin of rrsig-stripped", NULL);
		gzone *z = base(s, v[i].alg, 0);
		if (v[i].nsec3)
			gz_nsec3(z, 0, NULL);
		scn_ask(s, "www.example.", "A", "secure", NULL, -1);
		scn_record(s);
		emit(s);
	}
}

/* The answer RRset www.example./A signed with another validity period. */
static void validity(const char *name, uint32_t inc, uint32_t exp, const char *reason, int ede)
{
	gscn *s = scn_new(name, "RFC 4035 5.3.1: the RRSIG validity period must include the "
			  "validation time", "positive-rsasha256");
	gzone *z = base(s, 8, 0);
	scn_ask(s, "www.example.", "A", "bogus", reason, ede);
	scn_record(s);
	ldns_pkt *p = scn_msg(s, "www.example.", "A");
	pk_clear(p, LDNS_SECTION_ANSWER);
	pk_add(p, LDNS_SECTION_ANSWER, gz_sign_text(z, inc, exp, "www.example. 300 IN A 192.0.2.80"));
	emit(s);
}

/* A damaged RRSIG: the signature field cut short, or an RRSIG that covers
 * another type than the RRset it is presented with. */
static void damaged(void)
{
	gscn *s = scn_new("rrsig-truncated", "RFC 4034 3.1.8.1 / RFC 4035 5.3.3: an RRSIG whose "
			  "signature field is cut short does not verify", "positive-ecdsap256");
	gzone *z = base(s, 13, 0);
	scn_ask(s, "www.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = scn_msg(s, "www.example.", "A");
	ldns_rr_list *a = ldns_pkt_answer(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(a); i++) {
		ldns_rr *rr = ldns_rr_list_rr(a, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG)
			continue;
		ldns_rdf *sig = ldns_rr_rdf(rr, 8);
		ldns_rdf_set_size(sig, ldns_rdf_size(sig) / 2);
	}
	emit(s);

	s = scn_new("rrsig-wrong-type", "RFC 4035 5.3.1: the RRSIG's type covered must be the "
		    "RRset's type (an RRSIG over www/TXT presented for www/A)", "positive-ecdsap256");
	z = base(s, 13, 0);
	scn_ask(s, "www.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	p = scn_msg(s, "www.example.", "A");
	pk_drop(p, LDNS_SECTION_ANSWER, NULL, LDNS_RR_TYPE_RRSIG, 0);
	ldns_rr_list *txt = gz_get(z, "www.example.", LDNS_RR_TYPE_TXT);
	for (size_t i = 0; i < ldns_rr_list_rr_count(txt); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(txt, i)) == LDNS_RR_TYPE_RRSIG)
			ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, ldns_rr_clone(ldns_rr_list_rr(txt, i)));
	ldns_rr_list_deep_free(txt);
	emit(s);

	s = scn_new("rrsig-stripped", "RFC 4035 5.2 / 4.3: an RRset without RRSIG inside a "
		    "signed zone is bogus, not insecure (downgrade by stripping)", "positive-ed25519");
	z = base(s, 15, 0);
	gz_nsec3(z, 0, NULL);
	scn_ask(s, "www.example.", "A", "bogus", "RRSIG missing", 10);
	scn_record(s);
	pk_drop(scn_msg(s, "www.example.", "A"), LDNS_SECTION_ANSWER, NULL, LDNS_RR_TYPE_RRSIG, 0);
	emit(s);
}

/*
 * The DNSKEY set signed only by a key the DS set does not name (an
 * algorithm the parent never vouched for), versus signed by the DS key.
 * RFC 4035 5.2: the DNSKEY RRset must be signed by a key that matches a
 * DS record; RFC 6840 5.11 does not let an unlisted algorithm stand in.
 */
static void dnskey_algorithm(void)
{
	for (int attack = 0; attack < 2; attack++) {
		gscn *s = scn_new(attack ? "dnskey-signed-by-alg-not-in-ds" : "dnskey-two-algs-twin",
				  attack ? "RFC 4035 5.2 / RFC 6840 5.11: the DNSKEY RRset must be "
					   "signed by a key whose algorithm the DS set names"
					 : "twin of dnskey-signed-by-alg-not-in-ds",
				  attack ? "dnskey-two-algs-twin" : NULL);
		gzone *z = base(s, 13, 0);
		gzone *x = gz_new(s, "example.", 8, NULL, GZ_DETACHED);
		scn_ask(s, "www.example.", "A", attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		char *k13 = ldns_rr2str(z->dnskey), *k8 = ldns_rr2str(x->dnskey);
		gzone *signer = attack ? x : z;
		ldns_pkt *p = scn_msg(s, "example.", "DNSKEY");
		pk_clear(p, LDNS_SECTION_ANSWER);
		pk_add(p, LDNS_SECTION_ANSWER, gz_sign_text(signer, 0, 0, "%s%s", k13, k8));
		p = scn_msg(s, "www.example.", "A");
		pk_clear(p, LDNS_SECTION_ANSWER);
		pk_add(p, LDNS_SECTION_ANSWER,
		       gz_sign_text(signer, 0, 0, "www.example. 300 IN A 192.0.2.80"));
		free(k13);
		free(k8);
		emit(s);
	}
}

/* The answer signed by a key that is not in the zone's DNSKEY set. */
static void rogue_key(void)
{
	gscn *s = scn_new("rrsig-by-key-not-in-dnskey", "RFC 4035 5.3.1: the RRSIG's key tag, "
			  "algorithm and signer must match a DNSKEY of the validated set",
			  "positive-rsasha256");
	base(s, 8, 0);
	gzone *x = gz_new(s, "example.", 8, NULL, GZ_DETACHED);
	scn_ask(s, "www.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = scn_msg(s, "www.example.", "A");
	pk_clear(p, LDNS_SECTION_ANSWER);
	pk_add(p, LDNS_SECTION_ANSWER, gz_sign_text(x, 0, 0, "www.example. 300 IN A 192.0.2.66"));
	emit(s);
}

/* The parent's DS names another key than the child's DNSKEY set. */
static void ds_mismatch(void)
{
	for (int attack = 0; attack < 2; attack++) {
		gscn *s = scn_new(attack ? "ds-digest-mismatch" : "child-zone-twin",
				  attack ? "RFC 4035 5.2: a DNSKEY is trusted only when a validated DS "
					   "digest matches it" : "twin of ds-digest-mismatch",
				  attack ? "child-zone-twin" : NULL);
		gzone *z = base(s, 8, 0);
		gzone *c = gz_new(s, "sub.example.", 13, z, attack ? GZ_NO_DS : 0);
		gz_add(c, "www 300 IN A 192.0.2.81");
		if (attack) {
			/* a DS for a key the child does not publish, signed by the parent */
			gzone *x = gz_new(s, "sub.example.", 13, NULL, GZ_DETACHED);
			ldns_rr *ds = ldns_key_rr2ds(x->dnskey, LDNS_SHA256);
			ldns_rr_set_ttl(ds, 3600);
			gz_add(z, "%s", ldns_rr2str(ds));
			ldns_rr_free(ds);
		}
		scn_ask(s, "www.sub.example.", "A", attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		emit(s);
	}
}

/* Signer name: the apex of the zone that holds the RRset, nothing else. */
static void signer_name(void)
{
	gscn *s = scn_new("signer-not-apex", "RFC 4035 5.3.1: the RRSIG signer name must be the "
			  "apex of the zone holding the RRset (here a key at www.example., a name "
			  "inside the zone that is no delegation)", "positive-rsasha256");
	gzone *z = base(s, 8, 0);
	gzone *x = gz_new(s, "www.example.", 13, NULL, GZ_DETACHED);
	scn_ask(s, "www.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = scn_msg(s, "www.example.", "A");
	pk_clear(p, LDNS_SECTION_ANSWER);
	pk_add(p, LDNS_SECTION_ANSWER, gz_sign_text(x, 0, 0, "www.example. 300 IN A 192.0.2.66"));
	p = scn_msg(s, "www.example.", "DNSKEY");
	pk_clear(p, LDNS_SECTION_ANSWER);
	char *k = ldns_rr2str(x->dnskey);
	pk_add(p, LDNS_SECTION_ANSWER, gz_sign_text(x, 0, 0, "%s", k));
	free(k);
	(void)z;
	emit(s);

	s = scn_new("signer-not-ancestor", "RFC 4035 5.3.1: the signer must be the zone holding "
		    "the RRset; a sibling zone's valid key cannot sign its parent's names",
		    "child-zone-twin");
	z = base(s, 8, 0);
	gzone *c = gz_new(s, "sub.example.", 13, z, 0);
	gz_add(c, "www 300 IN A 192.0.2.81");
	gzone *o = gz_new(s, "other.example.", 15, z, 0);
	gz_add(o, "www 300 IN A 192.0.2.82");
	scn_ask(s, "www.sub.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	p = scn_msg(s, "www.sub.example.", "A");
	pk_clear(p, LDNS_SECTION_ANSWER);
	pk_add(p, LDNS_SECTION_ANSWER, gz_sign_text(o, 0, 0, "www.sub.example. 300 IN A 192.0.2.66"));
	emit(s);

	s = scn_new("rrsig-labels-above-owner", "RFC 4035 5.3.1: the RRSIG labels field must not "
		    "exceed the owner's label count (a signature made for x.www.example. presented "
		    "at www.example.)", "positive-rsasha256");
	z = base(s, 8, 0);
	scn_ask(s, "www.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	p = scn_msg(s, "www.example.", "A");
	pk_clear(p, LDNS_SECTION_ANSWER);
	ldns_rr_list *l = gz_sign_text(z, 0, 0, "x.www.example. 300 IN A 192.0.2.66");
	rl_rename(l, "www.example.");
	pk_add(p, LDNS_SECTION_ANSWER, l);
	emit(s);
}

/* A resolver that cannot answer a step of the chain: the verdict is
 * indeterminate (could not check), never bogus (RFC 4033 5, RFC 4035 4.3;
 * issue 10 finding 5 at the wire). */
static void failures(void)
{
	static const struct { const char *name, *q, *t; int rcode; const char *twin; } v[] = {
		{ "dnskey-servfail", "example.", "DNSKEY", LDNS_RCODE_SERVFAIL, "positive-rsasha256" },
		{ "ds-refused", "sub.example.", "DS", LDNS_RCODE_REFUSED, "child-zone-twin" },
	};
	for (size_t i = 0; i < 2; i++) {
		gscn *s = scn_new(v[i].name, "RFC 4033 5 / RFC 4035 4.3: a step of the chain the "
				  "resolver does not answer (SERVFAIL, REFUSED) leaves the answer "
				  "indeterminate, not bogus (issue 10 finding 5)", v[i].twin);
		gzone *z = base(s, 8, 0);
		gzone *c = gz_new(s, "sub.example.", 13, z, 0);
		gz_add(c, "www 300 IN A 192.0.2.81");
		scn_ask(s, i ? "www.sub.example." : "www.example.", "A", "indeterminate", NULL, -1);
		scn_record(s);
		ldns_pkt *p = scn_msg(s, v[i].q, v[i].t);
		pk_clear(p, LDNS_SECTION_ANSWER);
		pk_clear(p, LDNS_SECTION_AUTHORITY);
		ldns_pkt_set_rcode(p, (uint8_t)v[i].rcode);
		emit(s);
	}
}

void scen_basic(void)
{
	failures();
	positives();
	validity("rrsig-expired", EXPIRED_INC, EXPIRED_EXP, "expired", 7);
	validity("rrsig-not-yet-valid", NOTYET_INC, NOTYET_EXP, NULL, 8);
	damaged();
	dnskey_algorithm();
	rogue_key();
	ds_mismatch();
	signer_name();
}
