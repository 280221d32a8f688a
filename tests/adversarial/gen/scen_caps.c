/*
 * scen_caps.c - bounded work under hostile answers: KeyTrap
 * (CVE-2023-50387: many DNSKEYs with one key tag times many RRSIGs) and
 * an NSEC3 closest-encloser flood at 150 iterations (CVE-2023-50868).
 * Junk keys and signatures come from a fixed-seed generator, so a rerun
 * writes the same bytes.
 */
#include <string.h>
#include "tests/adversarial/gen/scen.h"

#define KT_KEYS 64      /* colliding DNSKEYs */
#define KT_SIGS 64      /* junk RRSIGs per RRset */
#define FLOOD_LABELS 123 /* the most single-letter labels under example. */
#define FLOOD_SALTS 10   /* parameter sets (salts) among the junk */
#define FLOOD_NSEC3 10   /* junk records per salt */

static uint32_t seed = 20261201;

static uint8_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return (uint8_t)(seed >> 16);
}

/* An RSA/SHA-256 DNSKEY (flags 256) with random modulus and key tag tag. */
static ldns_rr *colliding_key(const ldns_rdf *owner, uint16_t tag)
{
	uint8_t pk[4 + 256];
	pk[0] = 3;
	pk[1] = 1;
	pk[2] = 0;
	pk[3] = 1;
	for (size_t i = 4; i < sizeof pk; i++)
		pk[i] = rnd();
	pk[4] |= 0x80;
	ldns_rr *k = ldns_rr_new();
	ldns_rr_set_type(k, LDNS_RR_TYPE_DNSKEY);
	ldns_rr_set_class(k, LDNS_RR_CLASS_IN);
	ldns_rr_set_owner(k, ldns_rdf_clone(owner));
	ldns_rr_set_ttl(k, 3600);
	ldns_rr_push_rdf(k, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 256));
	ldns_rr_push_rdf(k, ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8, 3));
	ldns_rr_push_rdf(k, ldns_native2rdf_int8(LDNS_RDF_TYPE_ALG, 8));
	ldns_rr_push_rdf(k, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64, sizeof pk, pk));
	for (unsigned v = 0; v < 65536; v++) {
		pk[sizeof pk - 2] = (uint8_t)(v >> 8);
		pk[sizeof pk - 1] = (uint8_t)v;
		ldns_rdf_deep_free(ldns_rr_set_rdf(k, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64,
									    sizeof pk, pk), 3));
		if (ldns_calc_keytag(k) == tag)
			return k;
	}
	die("no key with tag %u", tag);
}

/* n copies of the RRSIGs in l with random signature bytes: they name the
 * real key's tag and algorithm, and verify with no key. */
static ldns_rr_list *junk_sigs(const ldns_rr_list *l, int n)
{
	ldns_rr_list *out = ldns_rr_list_new();
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *s = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(s) != LDNS_RR_TYPE_RRSIG)
			continue;
		for (int j = 0; j < n; j++) {
			ldns_rr *c = ldns_rr_clone(s);
			size_t len = ldns_rdf_size(ldns_rr_rdf(c, 8));
			uint8_t *b = malloc(len);
			for (size_t k = 0; k < len; k++)
				b[k] = rnd();
			ldns_rdf_deep_free(ldns_rr_set_rdf(c, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64,
										    len, b), 8));
			free(b);
			ldns_rr_list_push_rr(out, c);
		}
	}
	return out;
}

static void keytrap(int attack)
{
	gscn *s = scn_new(attack ? "keytrap" : "keytrap-twin",
			  attack ? "CVE-2023-50387 (KeyTrap) / RFC 4035 5.3.3: 64 DNSKEYs sharing "
				   "the real key's tag times 64 RRSIGs that verify with none, on the "
				   "DNSKEY set and on the answer: the validator must stop within its "
				   "signature check cap"
				 : "twin of keytrap: a zone whose 3 extra keys share the signing key's "
				   "tag, every RRset validly signed",
			  attack ? "keytrap-twin" : NULL);
	gzone *z = gz_new(s, "example.", 8, NULL, 0);
	gz_add(z, "www 300 IN A 192.0.2.80");
	scn_ask(s, "www.example.", "A", attack ? "bogus" : "secure", attack ? "cap" : NULL, -1);
	scn_record(s);
	uint16_t tag = ldns_calc_keytag(z->dnskey);
	ldns_rr_list *keys = ldns_rr_list_new();
	ldns_rr_list_push_rr(keys, ldns_rr_clone(z->dnskey));
	for (int i = 0; i < (attack ? KT_KEYS : 3); i++)
		ldns_rr_list_push_rr(keys, colliding_key(z->apex, tag));
	ldns_rr_list *sigs = ldns_sign_public(keys, z->keys);
	ldns_pkt *p = scn_msg(s, "example.", "DNSKEY");
	pk_clear(p, LDNS_SECTION_ANSWER);
	if (attack)     /* the junk first, the one good signature last */
		pk_add(p, LDNS_SECTION_ANSWER, junk_sigs(sigs, KT_SIGS));
	pk_add(p, LDNS_SECTION_ANSWER, keys);
	pk_add(p, LDNS_SECTION_ANSWER, sigs);
	if (attack) {
		p = scn_msg(s, "www.example.", "A");
		ldns_rr_list *a = gz_get(z, "www.example.", LDNS_RR_TYPE_A);
		pk_drop(p, LDNS_SECTION_ANSWER, NULL, LDNS_RR_TYPE_RRSIG, 0);
		pk_add(p, LDNS_SECTION_ANSWER, junk_sigs(a, KT_SIGS));
		ldns_rr_list_deep_free(a);
	}
	emit(s);
}

/*
 * Two NSEC3 floods over a 123-label name (the longest that fits under
 * example.) in a zone at 150 iterations, 151 SHA-1 rounds per hash:
 *
 * nsec3-flood-foreign-params: NXDOMAIN with 100 validly signed NSEC3
 * records in 10 parameter sets that are not the zone's chain.  A proof
 * uses one parameter set (RFC 5155 8.2, 7.2), so the validator hashes the
 * name's ancestors once, finds no proof and ends bogus; a validator that
 * tried every set would hash them ten times.
 *
 * nsec3-ds-walk-flood-150: an unsigned answer for the long name.  Before
 * calling it bogus the validator must look for an insecure delegation
 * above it, asking DS at every one of its 123 ancestors (RFC 4035 5.2);
 * each honest NXDOMAIN needs a closest-encloser search from that depth,
 * about 7,600 hashes in all.  The lookup must stop at its NSEC3 hash cap
 * and say so (issue 10: indeterminate, reason naming the cap).
 *
 * The twin is an honest NXDOMAIN at 150 iterations.
 */
static void nsec3_flood(void)
{
	char q[1024] = "";
	for (int i = FLOOD_LABELS; i > 0; i--)
		snprintf(q + strlen(q), sizeof q - strlen(q), "%c.", "abcdefghij"[i % 10]);
	strcat(q, "example.");
	for (int attack = 0; attack < 3; attack++) {
		gscn *s = scn_new(attack == 1 ? "nsec3-flood-foreign-params" : attack == 2
				  ? "nsec3-ds-walk-flood-150" : "nsec3-150-iterations-twin",
				  attack == 1 ? "CVE-2023-50868 / RFC 5155 8.2, 7.2: 100 NSEC3 records "
						"in 10 parameter sets that are not the zone's chain, at "
						"150 iterations, over a 123-label name: one parameter set "
						"per proof, no proof, bogus"
				  : attack == 2 ? "CVE-2023-50868 / RFC 4035 5.2 / RFC 5155 8.3: an "
						  "unsigned answer under a 123-label name makes the "
						  "insecure-delegation walk prove 123 NXDOMAINs at 150 "
						  "iterations: the lookup must stop at its NSEC3 hash cap"
				  : "twin of nsec3-flood-foreign-params, nsec3-ds-walk-flood-150: an "
				    "honest NXDOMAIN at 150 iterations (RFC 9276 allows it) stays "
				    "secure",
				  attack ? "nsec3-150-iterations-twin" : NULL);
		gzone *z = gz_new(s, "example.", 13, NULL, 0);
		gz_nsec3(z, 150, "0badc0de");
		gz_add(z, "www 300 IN A 192.0.2.80");
		scn_ask(s, attack ? q : "nx.example.", "A", attack == 2 ? "indeterminate"
			: attack ? "bogus" : "secure", attack == 2 ? "NSEC3 hash cap" : NULL, -1);
		scn_record(s);
		if (attack == 2) {
			ldns_pkt *p = scn_msg(s, q, "A");
			pk_clear(p, LDNS_SECTION_AUTHORITY);
			ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
			char line[1100];
			snprintf(line, sizeof line, "%s 300 IN A 192.0.2.66", q);
			ldns_rr *rr = NULL;
			ldns_rr_new_frm_str(&rr, line, 300, NULL, NULL);
			ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
		}
		if (attack == 1) {
			ldns_pkt *p = scn_msg(s, q, "A");
			pk_drop(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_NSEC3, 0);
			pk_drop(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_NSEC3);
			ldns_rr_list *l = ldns_rr_list_new();
			for (int i = 0; i < FLOOD_SALTS * FLOOD_NSEC3; i++) {
				static const char b32[] = "0123456789abcdefghijklmnopqrstuv";
				char h1[33], h2[33];
				for (int k = 0; k < 32; k++) {
					h1[k] = b32[rnd() % 32];
					h2[k] = h1[k];
				}
				h1[32] = h2[32] = '\0';
				h1[31] = '0';
				h2[31] = '1';
				ldns_rr_list_cat(l, gz_sign_text(z, 0, 0, "%s.example. 300 IN NSEC3 1 0 150 "
								 "0badc0%02x %s A RRSIG", h1,
								 i / FLOOD_NSEC3, h2));
			}
			pk_add(p, LDNS_SECTION_AUTHORITY, l);
		}
		emit(s);
	}

	/* RFC 9276 3.2: one iteration over the validator's limit (150) makes
	 * the answer insecure, with EDE 27. */
	gscn *s = scn_new("nsec3-151-iterations-insecure", "twin of nsec3-flood-foreign-params: RFC 9276 "
			  "3.2, an NSEC3 proof above the iteration limit is treated as insecure, EDE 27",
			  NULL);
	gzone *z = gz_new(s, "example.", 13, NULL, 0);
	gz_nsec3(z, 151, "0badc0de");
	scn_ask(s, "nx.example.", "A", "insecure", NULL, 27);
	scn_record(s);
	emit(s);
}

void scen_caps(void)
{
	keytrap(1);
	keytrap(0);
	nsec3_flood();
}
