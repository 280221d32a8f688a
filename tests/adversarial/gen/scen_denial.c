/*
 * scen_denial.c - NSEC and NSEC3 denial rules (RFC 4035 5.4, RFC 4034
 * 4.1.1, RFC 5155 7.2 and 8, RFC 6840 4.1/4.4, RFC 7129): issue 10
 * finding 2 and the audited rules.  Every forged proof is made of records
 * validly signed by some zone's own key.
 */
#include <string.h>
#include "tests/adversarial/gen/scen.h"

static ldns_pkt *denial_msg(gscn *s, gzone *z, const char *q, const char *t, int nx)
{
	ldns_pkt *p = scn_msg(s, q, t);
	pk_clear(p, LDNS_SECTION_ANSWER);
	pk_clear(p, LDNS_SECTION_AUTHORITY);
	ldns_pkt_set_rcode(p, nx ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR);
	char *a = ldns_rdf2str(z->apex);
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, a, LDNS_RR_TYPE_SOA));
	free(a);
	return p;
}

static void add_nsec(ldns_pkt *p, gzone *z, const char *name)
{
	ldns_rdf *n = dn(name);
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, n));
	ldns_rdf_deep_free(n);
}

static void add_nsec3(ldns_pkt *p, gzone *z, const char *name)
{
	ldns_rdf *n = dn(name);
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec3_for(z, n, NULL));
	ldns_rdf_deep_free(n);
}

static gzone *zone(gscn *s, int alg, int nsec3)
{
	gzone *z = gz_new(s, "example.", alg, NULL, 0);
	if (nsec3)
		gz_nsec3(z, 3, "beef");
	gz_add(z, "wab 300 IN A 192.0.2.10");
	gz_add(z, "www 300 IN A 192.0.2.80");
	gz_add(z, "alias 300 IN CNAME www.example.");
	gz_add(z, "a.b 300 IN A 192.0.2.11");
	return z;
}

/* Legitimate denials in the zone above: the twins. */
static void twins(void)
{
	static const struct { const char *name, *q, *t, *rule; int nsec3; } v[] = {
		{ "nxdomain-nsec-twin", "wac.example.", "A",
		  "twin of nsec-next-owner-outside-zone, nsec-from-other-zone, nxdomain-matching-nsec", 0 },
		{ "nxdomain-nsec-wrap-twin", "zzz.example.", "A",
		  "twin of nsec-next-owner-outside-zone: the last NSEC wraps to the apex "
		  "(RFC 4034 4.1.1), legitimately", 0 },
		{ "nxdomain-nsec3-twin", "wac.example.", "A",
		  "twin of nsec3-from-other-zone, nsec3-mixed-parameters, "
		  "nsec3-nxdomain-without-wildcard-proof, nsec3-nxdomain-without-closest-encloser", 1 },
		{ "ent-nodata-nsec-twin", "b.example.", "A", "twin of ent-claimed-nxdomain-nsec", 0 },
		{ "ent-nodata-nsec3-twin", "b.example.", "A", "twin of ent-claimed-nxdomain-nsec3", 1 },
		{ "cname-answer-twin", "alias.example.", "A", "twin of nodata-despite-cname", 0 },
		{ "nodata-nsec3-twin", "www.example.", "TXT", "twin of nsec3-nodata-type-present", 1 },
		{ "nodata-nsec-twin", "www.example.", "TXT", "twin of nsec-nodata-type-present", 0 },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		gscn *s = scn_new(v[i].name, v[i].rule, NULL);
		zone(s, v[i].nsec3 ? 13 : 8, v[i].nsec3);
		scn_ask(s, v[i].q, v[i].t, "secure", NULL, -1);
		scn_record(s);
		emit(s);
	}
}

/* Finding 2: wab.example. NSEC wzz.foo. "covers" www.example. only when
 * the next name outside the zone is read as a wrap to the apex. */
static void next_outside(void)
{
	gscn *s = scn_new("nsec-next-owner-outside-zone", "RFC 4034 4.1.1: the NSEC next owner "
			  "name is in the zone (only the last NSEC wraps, to the apex); an NSEC whose "
			  "next name lies outside the zone covers nothing", "nxdomain-nsec-twin");
	gzone *z = zone(s, 8, 0);
	scn_ask(s, "www.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = denial_msg(s, z, "www.example.", "A", 1);
	pk_add(p, LDNS_SECTION_AUTHORITY,
	       gz_sign_text(z, 0, 0, "wab.example. 300 IN NSEC wzz.foo. A RRSIG NSEC"));
	add_nsec(p, z, "*.example.");
	emit(s);
}

/* The complete proof of another zone (a child's NSEC/NSEC3 chain, signed
 * by the child's key) offered for a name of the parent. */
static void other_zone(int nsec3)
{
	gscn *s = scn_new(nsec3 ? "nsec3-from-other-zone" : "nsec-from-other-zone",
			  "RFC 4035 5.4 / 5.3.1: a denial is proved only by NSEC/NSEC3 records of "
			  "the zone that holds the name, signed by that zone", nsec3
			  ? "nxdomain-nsec3-twin" : "nxdomain-nsec-twin");
	gzone *z = zone(s, 8, nsec3);
	gzone *c = gz_new(s, "sub.example.", 13, z, 0);
	if (nsec3)
		gz_nsec3(c, 3, "beef");
	gz_add(c, "www 300 IN A 192.0.2.81");
	scn_ask(s, "www.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = denial_msg(s, c, "www.example.", "A", 1);
	gz_sign(c);
	for (size_t i = 0; i < ldns_rr_list_rr_count(c->sgn); i++) {
		ldns_rr *rr = ldns_rr_list_rr(c->sgn, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3 ||
		    (t == LDNS_RR_TYPE_RRSIG &&
		     (ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == LDNS_RR_TYPE_NSEC ||
		      ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == LDNS_RR_TYPE_NSEC3)))
			ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, ldns_rr_clone(rr));
	}
	emit(s);
}

/* RFC 5155 8.2 / 7.2.1: the NSEC3 records of one proof must share the
 * zone's parameters; here the next-closer cover is a record (signed by the
 * zone's key) of a chain with another salt and iteration count. */
static void mixed_params(void)
{
	gscn *s = scn_new("nsec3-mixed-parameters", "RFC 5155 8.2 / 7.2.1: NSEC3 records with "
			  "other parameters than the zone's chain (salt, iterations) are ignored, so "
			  "the next closer name stays unproved", "nxdomain-nsec3-twin");
	gzone *z = zone(s, 13, 1);
	scn_ask(s, "wac.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = denial_msg(s, z, "wac.example.", "A", 1);
	add_nsec3(p, z, "example.");       /* closest encloser, matching */
	add_nsec3(p, z, "*.example.");     /* wildcard, covered */
	/* a cover of H'(wac.example.) under salt ffff, 7 iterations */
	uint16_t it = z->iterations;
	uint8_t sl = z->salt_len, salt[16];
	memcpy(salt, z->salt, sizeof salt);
	gz_nsec3(z, 7, "ffff");
	ldns_rdf *n = dn("wac.example."), *h = gz_hash(z, n);
	char *hs = ldns_rdf2str(h), lo[64], hi[64];
	*strchr(hs, '.') = '\0';
	snprintf(lo, sizeof lo, "%s", hs);
	snprintf(hi, sizeof hi, "%s", hs);
	lo[31] = lo[31] == '0' ? '0' : (char)(lo[31] == 'a' ? '9' : lo[31] - 1);
	lo[30] = lo[31] == '0' && hs[31] == '0' ? (char)(lo[30] == 'a' ? '9' : lo[30] - 1) : lo[30];
	hi[31] = hi[31] == 'v' ? 'v' : (char)(hi[31] == '9' ? 'a' : hi[31] + 1);
	hi[30] = hi[31] == 'v' && hs[31] == 'v' ? (char)(hi[30] == '9' ? 'a' : hi[30] + 1) : hi[30];
	pk_add(p, LDNS_SECTION_AUTHORITY,
	       gz_sign_text(z, 0, 0, "%s.example. 300 IN NSEC3 1 0 7 ffff %s A RRSIG", lo, hi));
	z->iterations = it;
	z->salt_len = sl;
	memcpy(z->salt, salt, sizeof salt);
	free(hs);
	ldns_rdf_deep_free(n);
	ldns_rdf_deep_free(h);
	emit(s);
}

/* b.example. is an empty non-terminal (a.b.example. exists): NXDOMAIN for
 * it is a lie, though the apex NSEC (next a.b.example.) "covers" it
 * (RFC 4035 5.4 / RFC 4592 2.2.2 / RFC 5155 7.2.3). */
static void ent(int nsec3)
{
	gscn *s = scn_new(nsec3 ? "ent-claimed-nxdomain-nsec3" : "ent-claimed-nxdomain-nsec",
			  nsec3 ? "RFC 5155 7.2.3 / 8.4: an empty non-terminal has its own NSEC3; "
				  "a matching NSEC3 proves the name exists, it cannot be the next "
				  "closer cover of an NXDOMAIN"
				: "RFC 4035 5.4 / RFC 4592 2.2.2: an NSEC whose next name is below the "
				  "denied name proves that name is an empty non-terminal, not "
				  "nonexistent", nsec3 ? "ent-nodata-nsec3-twin" : "ent-nodata-nsec-twin");
	gzone *z = zone(s, nsec3 ? 13 : 8, nsec3);
	scn_ask(s, "b.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = denial_msg(s, z, "b.example.", "A", 1);
	if (nsec3) {
		add_nsec3(p, z, "example.");
		add_nsec3(p, z, "b.example.");
		add_nsec3(p, z, "*.example.");
	} else {
		add_nsec(p, z, "b.example.");
		add_nsec(p, z, "*.example.");
	}
	emit(s);
}

/* A NODATA whose NSEC/NSEC3 shows the type (or a CNAME) at the name, and
 * an NXDOMAIN whose NSEC matches the name: each denies what it proves. */
static void contradictions(void)
{
	gscn *s = scn_new("nsec-nodata-type-present", "RFC 4035 5.4: NODATA needs an NSEC at the "
			  "name whose bitmap lacks the type; this one lists it", "positive-rsasha256");
	gzone *z = zone(s, 8, 0);
	scn_ask(s, "www.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = denial_msg(s, z, "www.example.", "A", 0);
	add_nsec(p, z, "www.example.");
	emit(s);

	s = scn_new("nsec3-nodata-type-present", "RFC 5155 8.5: NODATA needs a matching NSEC3 "
		    "whose bitmap lacks the type; this one lists it", "nodata-nsec3-twin");
	z = zone(s, 13, 1);
	scn_ask(s, "www.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	p = denial_msg(s, z, "www.example.", "A", 0);
	add_nsec3(p, z, "www.example.");
	emit(s);

	s = scn_new("nxdomain-matching-nsec", "RFC 4035 5.4: an NSEC whose owner is the name "
		    "proves the name exists; it is no NXDOMAIN proof", "nxdomain-nsec-twin");
	z = zone(s, 8, 0);
	scn_ask(s, "www.example.", "TXT", "bogus", NULL, -1);
	scn_record(s);
	p = denial_msg(s, z, "www.example.", "TXT", 1);
	add_nsec(p, z, "www.example.");
	add_nsec(p, z, "*.example.");
	emit(s);

	s = scn_new("nodata-despite-cname", "RFC 4035 5.4 / RFC 7129 3: NODATA needs the bitmap "
		    "to lack both the type and CNAME; a CNAME bit means the answer is a CNAME",
		    "cname-answer-twin");
	z = zone(s, 8, 0);
	scn_ask(s, "alias.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	p = denial_msg(s, z, "alias.example.", "A", 0);
	add_nsec(p, z, "alias.example.");
	emit(s);
}

/* NSEC3 NXDOMAIN proofs with one of the three parts left out
 * (RFC 5155 8.4: closest encloser, next closer, wildcard). */
static void nsec3_parts(void)
{
	for (int part = 0; part < 2; part++) {
		gscn *s = scn_new(part ? "nsec3-nxdomain-without-closest-encloser"
				       : "nsec3-nxdomain-without-wildcard-proof",
				  part ? "RFC 5155 8.4 / 7.2.1: the NXDOMAIN proof needs the NSEC3 "
					 "matching the closest encloser"
				       : "RFC 5155 8.4 / 7.2.2: the NXDOMAIN proof needs the NSEC3 "
					 "covering the wildcard at the closest encloser",
				  "nxdomain-nsec3-twin");
		gzone *z = zone(s, 13, 1);
		scn_ask(s, "wac.example.", "A", "bogus", NULL, -1);
		scn_record(s);
		ldns_pkt *p = denial_msg(s, z, "wac.example.", "A", 1);
		if (part)
			add_nsec3(p, z, "*.example.");
		else
			add_nsec3(p, z, "example.");
		add_nsec3(p, z, "wac.example.");
		emit(s);
	}
}

/* Differential finding F5: the only NSEC3 of a NODATA uses an unknown
 * hash algorithm (2), validly signed.  RFC 5155 8.1: it is ignored, and a
 * response left with no usable NSEC3 is bogus -- a signed zone's denial
 * must not turn the answer insecure (unlike an unknown *signature*
 * algorithm, RFC 4035 5.2, which makes the zone unsigned to us). */
static void unknown_hash(void)
{
	gscn *s = scn_new("nsec3-unknown-hash-only", "RFC 5155 8.1: NSEC3 RRs with an unknown "
			  "hash algorithm are ignored; a denial left without usable NSEC3 RRs is "
			  "bogus, not insecure", "nodata-nsec3-twin");
	gzone *z = zone(s, 13, 1);
	scn_ask(s, "www.example.", "TXT", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = denial_msg(s, z, "www.example.", "TXT", 0);
	ldns_rdf *n = dn("www.example.");
	ldns_rr_list *l = gz_nsec3_for(z, n, NULL);
	ldns_rdf_deep_free(n);
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC3)
			continue;
		ldns_rdf_deep_free(ldns_rr_set_rdf(rr, ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8, 2), 0));
		char *txt = ldns_rr2str(rr);
		pk_add(p, LDNS_SECTION_AUTHORITY, gz_sign_text(z, 0, 0, "%s", txt));
		free(txt);
	}
	ldns_rr_list_deep_free(l);
	emit(s);
}

void scen_denial(void)
{
	twins();
	next_outside();
	other_zone(0);
	other_zone(1);
	mixed_params();
	ent(0);
	ent(1);
	contradictions();
	nsec3_parts();
	unknown_hash();
}
