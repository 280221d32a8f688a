/*
 * test_denial.c - NSEC and NSEC3 denial proofs.
 *
 * NSEC3: the RFC 5155 appendix A zone (salt aabbccdd, 12 iterations, every
 * record with the opt-out flag) and the appendix B responses.  NSEC: a
 * small hand-made zone with an empty non-terminal, a delegation, a
 * wildcard and the wrap to the apex.  Every row checks verdict and reason.
 */
#include "tests/unit/val_test.h"
#include <time.h>

/* ---------------- NSEC3 hashes (RFC 5155 appendix A) ---------------- */

static const struct {
	const char *name, *hash;
} rfc5155_hashes[] = {
	{ "example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
	{ "a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
	{ "ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi" },
	{ "ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
	{ "ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r" },
	{ "w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h" },
	{ "*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
	{ "x.w.example.", "b4um86eghhds6nea196smvmlo4ors995" },
	{ "y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc" },
	{ "x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s" },
	{ "xx.example.", "t644ebqk9bibcna874givr6joj62mlhv" },
	{ "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.", "kohar7mbb8dc2ce8a9qvl8hon4k53uhi" },
	/* Case does not matter (RFC 5155 section 5: canonical form). */
	{ "X.W.Example.", "b4um86eghhds6nea196smvmlo4ors995" },
};

static const uint8_t rfc_salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };

static void test_nsec3_hash_rfc5155(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc5155_hashes) / sizeof(rfc5155_hashes[0]); i++) {
		ldns_rdf *n = t_name(rfc5155_hashes[i].name);
		char *h = nsec3_hash_b32(n, 1, 12, rfc_salt, sizeof(rfc_salt));
		assert_non_null(h);
		if (strcmp(h, rfc5155_hashes[i].hash) != 0)
			fail_msg("%s: got %s want %s", rfc5155_hashes[i].name, h,
				 rfc5155_hashes[i].hash);
		free(h);
		ldns_rdf_deep_free(n);
	}
}

static void test_nsec3_hash_errors(void **state)
{
	ldns_rdf *n = t_name("example.");
	char *h;

	(void)state;
	/* Unknown hash algorithm (RFC 5155 8.1). */
	assert_null(nsec3_hash_b32(n, 2, 12, rfc_salt, sizeof(rfc_salt)));
	assert_null(nsec3_hash_b32(n, 0, 12, rfc_salt, sizeof(rfc_salt)));
	assert_null(nsec3_hash_b32(NULL, 1, 12, rfc_salt, sizeof(rfc_salt)));
	assert_null(nsec3_hash_b32(n, 1, 0, NULL, 4));
	/* No salt, no extra iterations: RFC 9276's recommended parameters;
	 * agree with ldns's independent implementation. */
	h = nsec3_hash_b32(n, 1, 0, NULL, 0);
	assert_non_null(h);
	{
		ldns_rdf *lh = ldns_nsec3_hash_name(n, 1, 0, 0, NULL);
		char *ls = ldns_rdf2str(lh);
		assert_true(strncasecmp(ls, h, 32) == 0);
		free(ls);
		ldns_rdf_deep_free(lh);
	}
	free(h);
	ldns_rdf_deep_free(n);
}

/* ---------------- NSEC3 proofs (RFC 5155 appendix B) ---------------- */

/* The NSEC3 chain of appendix A.  The flags field is a parameter so the
 * same proofs can be run with and without opt-out. */
static const char *const rfc_nsec3_fmt[] = {
	"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3 1 %d 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA MX RRSIG DNSKEY NSEC3PARAM",
	"2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. 3600 IN NSEC3 1 %d 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG",
	"2vptu5timamqttgl4luu9kg21e0aor3s.example. 3600 IN NSEC3 1 %d 12 aabbccdd 35mthgpgcu1qg68fab165klnsnk3dpvl MX RRSIG",
	"35mthgpgcu1qg68fab165klnsnk3dpvl.example. 3600 IN NSEC3 1 %d 12 aabbccdd b4um86eghhds6nea196smvmlo4ors995 NS DS RRSIG",
	"b4um86eghhds6nea196smvmlo4ors995.example. 3600 IN NSEC3 1 %d 12 aabbccdd gjeqe526plbf1g8mklp59enfd789njgi MX RRSIG",
	"gjeqe526plbf1g8mklp59enfd789njgi.example. 3600 IN NSEC3 1 %d 12 aabbccdd ji6neoaepv8b5o6k4ev33abha8ht9fgc A HINFO AAAA RRSIG",
	"ji6neoaepv8b5o6k4ev33abha8ht9fgc.example. 3600 IN NSEC3 1 %d 12 aabbccdd k8udemvp1j2f7eg6jebps17vp3n8i58h",
	"k8udemvp1j2f7eg6jebps17vp3n8i58h.example. 3600 IN NSEC3 1 %d 12 aabbccdd kohar7mbb8dc2ce8a9qvl8hon4k53uhi",
	"kohar7mbb8dc2ce8a9qvl8hon4k53uhi.example. 3600 IN NSEC3 1 %d 12 aabbccdd q04jkcevqvmu85r014c7dkba38o0ji5r A RRSIG",
	"q04jkcevqvmu85r014c7dkba38o0ji5r.example. 3600 IN NSEC3 1 %d 12 aabbccdd r53bq7cc2uvmubfu5ocmm6pers9tk9en A RRSIG",
	"r53bq7cc2uvmubfu5ocmm6pers9tk9en.example. 3600 IN NSEC3 1 %d 12 aabbccdd t644ebqk9bibcna874givr6joj62mlhv MX RRSIG",
	"t644ebqk9bibcna874givr6joj62mlhv.example. 3600 IN NSEC3 1 %d 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A HINFO AAAA RRSIG",
};

/* The records whose owner hashes start with the given prefixes ("0p9m
 * b4um"), or all when prefixes is NULL. */
static ldns_rr_list *n3_records(const char *prefixes, int flags)
{
	ldns_rr_list *l = ldns_rr_list_new();
	char line[400];
	size_t i;

	for (i = 0; i < sizeof(rfc_nsec3_fmt) / sizeof(rfc_nsec3_fmt[0]); i++) {
		char pfx[5];
		memcpy(pfx, rfc_nsec3_fmt[i], 4);
		pfx[4] = '\0';
		if (prefixes != NULL && strstr(prefixes, pfx) == NULL)
			continue;
		snprintf(line, sizeof(line), rfc_nsec3_fmt[i], flags);
		ldns_rr_list_push_rr(l, t_rr(line));
	}
	return l;
}

enum { P_NXDOMAIN, P_NODATA, P_NO_DS, P_WILDCARD };

typedef struct proof_case {
	const char *what;
	int proof;
	const char *qname;
	ldns_rr_type qtype;
	const char *aux;          /* closest encloser given (wildcard) */
	const char *records;      /* hash prefixes, NULL for all */
	int flags;                /* NSEC3 flags: 1 opt-out, 0 not */
	unsigned max_iter;        /* 0: the default policy */
	val_status want;
	val_ede want_ede;
	const char *want_text;
	const char *want_ce;      /* NXDOMAIN closest encloser */
	int want_insecure_deleg;  /* no-DS */
} proof_case;

static const proof_case n3_cases[] = {
	/* B.1 Name Error: closest encloser x.w.example, next closer covered,
	 * no wildcard; the span has opt-out, so no AD (RFC 5155 9.2). */
	{ "B.1 NXDOMAIN (opt-out)", P_NXDOMAIN, "a.c.x.w.example.", 0, NULL,
	  "0p9m b4um 35mt", 1, 0, VAL_INSECURE, VAL_EDE_NONE,
	  "NXDOMAIN for a.c.x.w.example holds only through an NSEC3 opt-out span",
	  "x.w.example.", 0 },
	{ "B.1 NXDOMAIN", P_NXDOMAIN, "a.c.x.w.example.", 0, NULL,
	  "0p9m b4um 35mt", 0, 0, VAL_SECURE, VAL_EDE_NONE, NULL, "x.w.example.", 0 },
	{ "B.1 NXDOMAIN, all records", P_NXDOMAIN, "a.c.x.w.example.", 0, NULL,
	  NULL, 0, 0, VAL_SECURE, VAL_EDE_NONE, NULL, "x.w.example.", 0 },
	{ "B.1 without the wildcard proof", P_NXDOMAIN, "a.c.x.w.example.", 0, NULL,
	  "0p9m b4um", 0, 0, VAL_BOGUS, VAL_EDE_NSEC_MISSING,
	  "no NSEC3 proves that the wildcard *.x.w.example does not exist", NULL, 0 },
	{ "B.1 without the closest encloser", P_NXDOMAIN, "a.c.x.w.example.", 0, NULL,
	  "0p9m 35mt", 0, 0, VAL_BOGUS, VAL_EDE_NSEC_MISSING,
	  "no NSEC3 covers the next closer name below", NULL, 0 },
	{ "NXDOMAIN for a name that exists", P_NXDOMAIN, "ns1.example.", 0, NULL,
	  NULL, 0, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC3 shows that ns1.example exists", NULL, 0 },
	{ "NXDOMAIN below a delegation", P_NXDOMAIN, "b.a.example.", 0, NULL,
	  NULL, 0, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC3 closest encloser a.example is a delegation", NULL, 0 },
	{ "NXDOMAIN with too many iterations", P_NXDOMAIN, "a.c.x.w.example.", 0, NULL,
	  NULL, 0, 10, VAL_INSECURE, VAL_EDE_UNSUPPORTED_NSEC3_ITERATIONS,
	  "NSEC3 for example uses 12 iterations, more than the limit of 10", NULL, 0 },
	{ "NXDOMAIN without records", P_NXDOMAIN, "a.c.x.w.example.", 0, NULL,
	  "none", 0, 0, VAL_BOGUS, VAL_EDE_NSEC_MISSING,
	  "no NSEC or NSEC3 records from example to prove the denial for a.c.x.w.example",
	  NULL, 0 },
	/* B.2 No Data Error. */
	{ "B.2 NODATA", P_NODATA, "ns1.example.", LDNS_RR_TYPE_MX, NULL,
	  "2t7b", 1, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "B.2 NODATA for a type that exists", P_NODATA, "ns1.example.", LDNS_RR_TYPE_A, NULL,
	  "2t7b", 1, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC3 for ns1.example shows that type A exists", NULL, 0 },
	/* B.2.1 No Data Error, Empty Non-Terminal. */
	{ "B.2.1 NODATA at an empty non-terminal", P_NODATA, "y.w.example.", LDNS_RR_TYPE_A, NULL,
	  "ji6n", 1, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "NODATA at the parent side of a delegation", P_NODATA, "a.example.", LDNS_RR_TYPE_A, NULL,
	  NULL, 1, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC3 for a.example is from the parent side of a delegation and cannot deny A",
	  NULL, 0 },
	/* B.3 Referral to an Opt-Out Unsigned Zone: c.example has no NSEC3;
	 * example is the closest encloser and c.example is in an opt-out span. */
	{ "B.3 no DS, opt-out", P_NO_DS, "c.example.", LDNS_RR_TYPE_DS, NULL,
	  "0p9m 35mt", 1, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 1 },
	{ "B.3 no DS without opt-out: c.example does not exist", P_NO_DS, "c.example.",
	  LDNS_RR_TYPE_DS, NULL, "0p9m 35mt", 0, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "B.3 as DS NODATA, opt-out", P_NODATA, "c.example.", LDNS_RR_TYPE_DS, NULL,
	  "0p9m 35mt", 1, 0, VAL_INSECURE, VAL_EDE_NONE,
	  "DS NODATA for c.example holds only through an NSEC3 opt-out span", NULL, 0 },
	{ "a.example has a DS", P_NO_DS, "a.example.", LDNS_RR_TYPE_DS, NULL,
	  NULL, 1, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC3 for a.example shows that type DS exists", NULL, 0 },
	{ "no DS at a name that is no delegation", P_NO_DS, "ns1.example.", LDNS_RR_TYPE_DS, NULL,
	  NULL, 1, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	/* B.4 Wildcard Expansion: a.z.w.example from *.w.example; the next
	 * closer z.w.example is covered. */
	{ "B.4 wildcard answer", P_WILDCARD, "a.z.w.example.", 0, "w.example.",
	  "q04j", 1, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "B.4 wildcard answer without the cover", P_WILDCARD, "a.z.w.example.", 0, "w.example.",
	  "k8ud", 1, 0, VAL_BOGUS, VAL_EDE_NSEC_MISSING,
	  "no NSEC3 proves that a.z.w.example does not exist (wildcard answer)", NULL, 0 },
	{ "wildcard answer for a name that exists", P_WILDCARD, "x.w.example.", 0, "w.example.",
	  NULL, 1, 0, VAL_BOGUS, VAL_EDE_NSEC_MISSING, "x.w.example does not exist", NULL, 0 },
	{ "wildcard answer with a wrong encloser", P_WILDCARD, "a.z.w.example.", 0, "q.example.",
	  NULL, 1, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "without a valid closest encloser", NULL, 0 },
	/* B.5 Wildcard No Data Error. */
	{ "B.5 wildcard NODATA", P_NODATA, "a.z.w.example.", LDNS_RR_TYPE_AAAA, NULL,
	  "k8ud q04j r53b", 0, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "B.5 wildcard NODATA (opt-out)", P_NODATA, "a.z.w.example.", LDNS_RR_TYPE_AAAA, NULL,
	  "k8ud q04j r53b", 1, 0, VAL_INSECURE, VAL_EDE_NONE,
	  "wildcard NODATA for a.z.w.example holds only through an NSEC3 opt-out span", NULL, 0 },
	{ "B.5 for the type the wildcard has", P_NODATA, "a.z.w.example.", LDNS_RR_TYPE_MX, NULL,
	  "k8ud q04j r53b", 0, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC3 for *.w.example shows that type MX exists", NULL, 0 },
	{ "B.5 without the wildcard", P_NODATA, "a.z.w.example.", LDNS_RR_TYPE_AAAA, NULL,
	  "k8ud q04j", 0, 0, VAL_BOGUS, VAL_EDE_NSEC_MISSING,
	  "no NSEC3 proves that a.z.w.example/AAAA does not exist", NULL, 0 },
	/* B.6 DS Child Zone No Data Error: the apex NSEC3 (SOA bit) answers
	 * a DS query.  A validator needs the parent's proof, so we refuse the
	 * child's, as unbound does. */
	{ "B.6 DS from the child zone", P_NODATA, "example.", LDNS_RR_TYPE_DS, NULL,
	  "0p9m", 1, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC3 for example is from the child zone (SOA bit) and cannot deny DS", NULL, 0 },
	{ "B.6 as a no-DS proof", P_NO_DS, "example.", LDNS_RR_TYPE_DS, NULL,
	  "0p9m", 1, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "(SOA bit)", NULL, 0 },
};

static val_status run_case(const proof_case *c, ldns_rr_list *recs, const char *zone_s,
			   val_why *why, ldns_rdf **ce, int *insecure)
{
	ldns_rdf *q = t_name(c->qname), *zone = t_name(zone_s), *aux = NULL;
	val_policy pol;
	val_status st = VAL_INDETERMINATE;

	val_policy_default(&pol);
	if (c->max_iter)
		pol.nsec3_max_iterations = c->max_iter;
	*insecure = -1;
	*ce = NULL;
	switch (c->proof) {
	case P_NXDOMAIN:
		st = denial_prove_nxdomain(q, recs, zone, &pol, ce, why);
		break;
	case P_NODATA:
		st = denial_prove_nodata(q, c->qtype, recs, zone, &pol, why);
		break;
	case P_NO_DS:
		st = denial_prove_no_ds(q, recs, zone, &pol, insecure, why);
		break;
	case P_WILDCARD:
		aux = t_name(c->aux);
		st = denial_prove_wildcard(q, aux, recs, zone, &pol, why);
		break;
	}
	ldns_rdf_deep_free(q);
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(aux);
	return st;
}

static void check_case(const proof_case *c, val_status st, const val_why *why,
		       ldns_rdf *ce, int insecure)
{
	if (st != c->want || (c->want != VAL_SECURE && why->ede != c->want_ede) ||
	    (c->want_text != NULL && strstr(why->text, c->want_text) == NULL))
		fail_msg("%s: got %s ede %d \"%s\"; want %s ede %d \"%s\"", c->what,
			 val_status_str(st), (int)why->ede, why->text,
			 val_status_str(c->want), (int)c->want_ede,
			 c->want_text ? c->want_text : "");
	if (c->want_ce != NULL) {
		ldns_rdf *w = t_name(c->want_ce);
		if (ce == NULL || ldns_dname_compare(ce, w) != 0)
			fail_msg("%s: wrong closest encloser", c->what);
		ldns_rdf_deep_free(w);
	}
	if (c->proof == P_NO_DS && st == VAL_SECURE && insecure != c->want_insecure_deleg)
		fail_msg("%s: insecure_delegation %d, want %d", c->what, insecure,
			 c->want_insecure_deleg);
}

static void test_nsec3_rfc5155_proofs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(n3_cases) / sizeof(n3_cases[0]); i++) {
		const proof_case *c = &n3_cases[i];
		ldns_rr_list *recs = n3_records(c->records, c->flags);
		val_why why = { VAL_EDE_NONE, "" };
		ldns_rdf *ce;
		int insecure;
		val_status st = run_case(c, recs, "example.", &why, &ce, &insecure);

		check_case(c, st, &why, ce, insecure);
		ldns_rdf_deep_free(ce);
		ldns_rr_list_deep_free(recs);
	}
}

/* RFC 5155 8.1: unknown hash algorithms are ignored; with nothing else
 * the denial is unproved: bogus ("responses containing only such NSEC3
 * RRs will generally be considered bogus").  8.2: unknown flags are
 * ignored. */
static void test_nsec3_ignored_records(void **state)
{
	ldns_rr_list *recs = t_list(
		"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3 2 0 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA\n"
		"2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. 3600 IN NSEC3 1 2 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG\n");
	ldns_rdf *q = t_name("ns1.example."), *zone = t_name("example.");
	ldns_rdf *other = t_name("example.net.");
	val_why why = { VAL_EDE_NONE, "" };
	val_status st;

	(void)state;
	st = denial_prove_nodata(q, LDNS_RR_TYPE_MX, recs, zone, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_NSEC_MISSING,
		   "NSEC3 for example uses only unknown hash algorithm 2");
	/* Records of another zone do not count, nor does a qname outside. */
	ldns_rr_list_deep_free(recs);
	recs = n3_records(NULL, 0);
	st = denial_prove_nodata(q, LDNS_RR_TYPE_MX, recs, other, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSSEC_BOGUS, "ns1.example is not in zone example.net");
	st = denial_prove_nodata(q, LDNS_RR_TYPE_MX, NULL, zone, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_NSEC_MISSING, "no NSEC or NSEC3 records");
	st = denial_prove_nodata(NULL, LDNS_RR_TYPE_MX, recs, zone, NULL, &why);
	assert_int_equal(st, VAL_BOGUS);
	ldns_rr_list_deep_free(recs);
	ldns_rdf_deep_free(q);
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(other);
}

/* ---------------- NSEC ---------------- */

/* example.org: apex, a, b.c (c is an empty non-terminal), d (unsigned
 * delegation), *.w (wildcard; w an empty non-terminal), x (CNAME), z,
 * and the last NSEC wrapping to the apex. */
static const char nsec_zone[] =
	"example.org. 3600 IN NSEC a.example.org. NS SOA MX RRSIG NSEC DNSKEY\n"
	"a.example.org. 3600 IN NSEC b.c.example.org. A RRSIG NSEC\n"
	"b.c.example.org. 3600 IN NSEC d.example.org. A RRSIG NSEC\n"
	"d.example.org. 3600 IN NSEC *.w.example.org. NS RRSIG NSEC\n"
	"*.w.example.org. 3600 IN NSEC x.example.org. TXT RRSIG NSEC\n"
	"x.example.org. 3600 IN NSEC z.example.org. CNAME RRSIG NSEC\n"
	"z.example.org. 3600 IN NSEC example.org. A RRSIG NSEC\n";

/* Only the NSEC records whose owners are listed ("a d"), "" for all. */
static ldns_rr_list *nsec_records(const char *owners)
{
	ldns_rr_list *all = t_list(nsec_zone), *l = ldns_rr_list_new();
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
		ldns_rr *rr = ldns_rr_list_rr(all, i);
		char *o = ldns_rdf2str(ldns_rr_owner(rr)), key[64];
		char *dot = strstr(o, ".example.org.");
		const char *label = dot ? (*dot = '\0', o) : "@";
		int keep;

		snprintf(key, sizeof(key), " %s ", label);
		{
			char padded[128];
			snprintf(padded, sizeof(padded), " %s ", owners);
			keep = owners[0] == '\0' || strstr(padded, key) != NULL;
		}
		if (keep)
			ldns_rr_list_push_rr(l, ldns_rr_clone(rr));
		free(o);
	}
	ldns_rr_list_deep_free(all);
	return l;
}

static const proof_case nsec_cases[] = {
	{ "NXDOMAIN", P_NXDOMAIN, "aa.example.org.", 0, NULL, "a @", 0, 0,
	  VAL_SECURE, VAL_EDE_NONE, NULL, "example.org.", 0 },
	{ "NXDOMAIN, one NSEC covers both", P_NXDOMAIN, "b.a.example.org.", 0, NULL, "a", 0, 0,
	  VAL_SECURE, VAL_EDE_NONE, NULL, "a.example.org.", 0 },
	{ "NXDOMAIN after the last name (wrap)", P_NXDOMAIN, "zz.example.org.", 0, NULL, "z @", 0, 0,
	  VAL_SECURE, VAL_EDE_NONE, NULL, "example.org.", 0 },
	{ "NXDOMAIN without the wildcard proof", P_NXDOMAIN, "aa.example.org.", 0, NULL, "a", 0, 0,
	  VAL_BOGUS, VAL_EDE_NSEC_MISSING,
	  "no NSEC proves that the wildcard *.example.org does not exist", NULL, 0 },
	{ "NXDOMAIN without any cover", P_NXDOMAIN, "aa.example.org.", 0, NULL, "@ z", 0, 0,
	  VAL_BOGUS, VAL_EDE_NSEC_MISSING, "no NSEC proves that aa.example.org does not exist", NULL, 0 },
	{ "NXDOMAIN for a name that exists", P_NXDOMAIN, "a.example.org.", 0, NULL, "", 0, 0,
	  VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "NSEC shows that a.example.org exists", NULL, 0 },
	{ "NXDOMAIN for an empty non-terminal", P_NXDOMAIN, "c.example.org.", 0, NULL, "", 0, 0,
	  VAL_BOGUS, VAL_EDE_NSEC_MISSING, "no NSEC proves that c.example.org does not exist", NULL, 0 },
	{ "NXDOMAIN below a delegation", P_NXDOMAIN, "www.d.example.org.", 0, NULL, "", 0, 0,
	  VAL_BOGUS, VAL_EDE_NSEC_MISSING, "no NSEC proves that www.d.example.org does not exist", NULL, 0 },
	{ "NXDOMAIN where a wildcard exists", P_NXDOMAIN, "q.w.example.org.", 0, NULL, "", 0, 0,
	  VAL_BOGUS, VAL_EDE_NSEC_MISSING, "the wildcard *.w.example.org", NULL, 0 },
	{ "NODATA", P_NODATA, "a.example.org.", LDNS_RR_TYPE_MX, NULL, "a", 0, 0,
	  VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "NODATA for a type that exists", P_NODATA, "a.example.org.", LDNS_RR_TYPE_A, NULL, "a", 0, 0,
	  VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "NSEC for a.example.org shows that type A exists", NULL, 0 },
	{ "NODATA at a CNAME", P_NODATA, "x.example.org.", LDNS_RR_TYPE_A, NULL, "x", 0, 0,
	  VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "NSEC for x.example.org shows a CNAME", NULL, 0 },
	{ "NODATA at an empty non-terminal", P_NODATA, "c.example.org.", LDNS_RR_TYPE_A, NULL, "a", 0, 0,
	  VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "NODATA at the parent side of a delegation", P_NODATA, "d.example.org.", LDNS_RR_TYPE_A,
	  NULL, "d", 0, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC for d.example.org is from the parent side of a delegation and cannot deny A", NULL, 0 },
	{ "wildcard NODATA", P_NODATA, "q.w.example.org.", LDNS_RR_TYPE_MX, NULL, "d *.w", 0, 0,
	  VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "wildcard NODATA for the type it has", P_NODATA, "q.w.example.org.", LDNS_RR_TYPE_TXT,
	  NULL, "d *.w", 0, 0, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC for *.w.example.org shows that type TXT exists", NULL, 0 },
	{ "NODATA without a proof", P_NODATA, "aa.example.org.", LDNS_RR_TYPE_A, NULL, "a", 0, 0,
	  VAL_BOGUS, VAL_EDE_NSEC_MISSING, "no NSEC proves that aa.example.org/A does not exist", NULL, 0 },
	{ "no DS at an unsigned delegation", P_NO_DS, "d.example.org.", LDNS_RR_TYPE_DS, NULL, "d", 0, 0,
	  VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 1 },
	{ "no DS at a name that is no delegation", P_NO_DS, "a.example.org.", LDNS_RR_TYPE_DS, NULL,
	  "a", 0, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "no DS at a name that does not exist", P_NO_DS, "aa.example.org.", LDNS_RR_TYPE_DS, NULL,
	  "a", 0, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "no DS from the child's apex NSEC", P_NO_DS, "example.org.", LDNS_RR_TYPE_DS, NULL, "@", 0, 0,
	  VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "NSEC for example.org is from the child zone (SOA bit) and cannot deny DS", NULL, 0 },
	{ "no DS without records", P_NO_DS, "d.example.org.", LDNS_RR_TYPE_DS, NULL, "z", 0, 0,
	  VAL_BOGUS, VAL_EDE_NSEC_MISSING, "no NSEC proves that d.example.org/DS does not exist", NULL, 0 },
	{ "wildcard answer", P_WILDCARD, "q.w.example.org.", 0, "w.example.org.", "*.w", 0, 0,
	  VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "wildcard answer, deeper name", P_WILDCARD, "p.q.w.example.org.", 0, "w.example.org.", "*.w",
	  0, 0, VAL_SECURE, VAL_EDE_NONE, NULL, NULL, 0 },
	{ "wildcard answer without the cover", P_WILDCARD, "q.w.example.org.", 0, "w.example.org.",
	  "a", 0, 0, VAL_BOGUS, VAL_EDE_NSEC_MISSING,
	  "no NSEC proves that q.w.example.org does not exist (wildcard answer)", NULL, 0 },
	{ "wildcard answer for a name that exists", P_WILDCARD, "a.example.org.", 0, "example.org.",
	  "", 0, 0, VAL_BOGUS, VAL_EDE_NSEC_MISSING, "a.example.org does not exist", NULL, 0 },
};

static void test_nsec_proofs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nsec_cases) / sizeof(nsec_cases[0]); i++) {
		const proof_case *c = &nsec_cases[i];
		ldns_rr_list *recs = nsec_records(c->records);
		val_why why = { VAL_EDE_NONE, "" };
		ldns_rdf *ce;
		int insecure;
		val_status st = run_case(c, recs, "example.org.", &why, &ce, &insecure);

		check_case(c, st, &why, ce, insecure);
		ldns_rdf_deep_free(ce);
		ldns_rr_list_deep_free(recs);
	}
}

/* An NSEC-only zone with one name: its NSEC points to itself. */
static void test_nsec_single(void **state)
{
	ldns_rr_list *recs = t_list("example.net. 3600 IN NSEC example.net. NS SOA RRSIG NSEC DNSKEY\n");
	ldns_rdf *zone = t_name("example.net."), *q = t_name("www.example.net."), *ce = NULL;
	val_why why = { VAL_EDE_NONE, "" };
	val_status st;

	(void)state;
	st = denial_prove_nxdomain(q, recs, zone, NULL, &ce, &why);
	assert_int_equal(st, VAL_SECURE);
	assert_int_equal(ldns_dname_compare(ce, zone), 0);
	ldns_rdf_deep_free(ce);
	st = denial_prove_nodata(zone, LDNS_RR_TYPE_A, recs, zone, NULL, &why);
	assert_int_equal(st, VAL_SECURE);
	st = denial_prove_nodata(zone, LDNS_RR_TYPE_SOA, recs, zone, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSSEC_BOGUS, "shows that type SOA exists");
	ldns_rr_list_deep_free(recs);
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(q);
}

/* Issue 10 finding 2 (RFC 4034 4.1.1): the next owner of an NSEC is in
 * the zone; only the last NSEC wraps, and it wraps to the apex.  A next
 * name outside the zone, or one that goes backwards to anything but the
 * apex, covers nothing. */
static void test_nsec_next_outside_zone(void **state)
{
	static const struct {
		const char *what, *records, *qname;
		val_status want;
		const char *text;
	} rows[] = {
		{ "next name in another zone",
		  "example.com. 3600 IN NSEC a.example.com. NS SOA RRSIG NSEC DNSKEY\n"
		  "wab.example.com. 3600 IN NSEC wzz.foo.com. A RRSIG NSEC\n",
		  "www.example.com.", VAL_BOGUS, "no NSEC proves that www.example.com does not exist" },
		{ "backwards to a name that is not the apex",
		  "example.com. 3600 IN NSEC a.example.com. NS SOA RRSIG NSEC DNSKEY\n"
		  "wab.example.com. 3600 IN NSEC b.example.com. A RRSIG NSEC\n",
		  "www.example.com.", VAL_BOGUS, "no NSEC proves that www.example.com does not exist" },
		{ "the legitimate twin: the wrap to the apex",
		  "example.com. 3600 IN NSEC a.example.com. NS SOA RRSIG NSEC DNSKEY\n"
		  "wab.example.com. 3600 IN NSEC example.com. A RRSIG NSEC\n",
		  "www.example.com.", VAL_SECURE, "" },
		{ "the legitimate twin: next name in the zone",
		  "example.com. 3600 IN NSEC a.example.com. NS SOA RRSIG NSEC DNSKEY\n"
		  "wab.example.com. 3600 IN NSEC wzz.example.com. A RRSIG NSEC\n",
		  "www.example.com.", VAL_SECURE, "" },
	};
	ldns_rdf *zone = t_name("example.com.");

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ldns_rr_list *recs = t_list(rows[i].records);
		ldns_rdf *q = t_name(rows[i].qname);
		val_why why = { VAL_EDE_NONE, "" };
		val_status st = denial_prove_nxdomain(q, recs, zone, NULL, NULL, &why);

		if (st != rows[i].want || strstr(why.text, rows[i].text) == NULL ||
		    (rows[i].text[0] == '\0' && why.text[0] != '\0'))
			fail_msg("%s: got %s \"%s\", want %s \"%s\"", rows[i].what,
				 val_status_str(st), why.text, val_status_str(rows[i].want),
				 rows[i].text);
		ldns_rr_list_deep_free(recs);
		ldns_rdf_deep_free(q);
	}
	ldns_rdf_deep_free(zone);
}

/* The root has no parent (RFC 4035 3.1.4.1 asks for the parent's proof
 * and there is none): its own apex NSEC proves that it has no DS.  Any
 * other apex NSEC still cannot deny its DS. */
static void test_nsec_root_ds(void **state)
{
	ldns_rr_list *recs = t_list(". 3600 IN NSEC aaa. NS SOA RRSIG NSEC DNSKEY\n");
	ldns_rdf *root = t_name(".");
	val_why why = { VAL_EDE_NONE, "" };
	val_status st;
	int insecure = -1;

	(void)state;
	st = denial_prove_nodata(root, LDNS_RR_TYPE_DS, recs, root, NULL, &why);
	assert_why(st, VAL_SECURE, why, VAL_EDE_NONE, "");
	assert_string_equal(why.text, "");
	st = denial_prove_no_ds(root, recs, root, NULL, &insecure, &why);
	assert_why(st, VAL_SECURE, why, VAL_EDE_NONE, "");
	assert_int_equal(insecure, 0);
	ldns_rr_list_deep_free(recs);
	ldns_rdf_deep_free(root);
}

/* ---------------- CVE-2023-50868: NSEC3 hashing flood ---------------- */

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * A zone with 150 iterations (the most the policy accepts) and a name of
 * 120 labels whose closest-encloser proof hashes every ancestor: 121
 * hashes of 151 SHA-1 each for one proof.  A lookup that asks for such
 * proofs again (a CNAME chain, several NSEC3 sets) stops at the
 * per-lookup cap: INDETERMINATE, with a reason naming it, and the counter
 * never passes it.  The CPU time is printed, not asserted.
 */
static void test_nsec3_flood(void **state)
{
	ldns_rr_list *recs = ldns_rr_list_new();
	char qs[LDNS_MAX_DOMAINLEN + 1] = "", line[300];
	ldns_rdf *zone = t_name("example."), *q;
	val_policy pol;
	val_work work = { 0, 0 };
	val_why why = { VAL_EDE_NONE, "" };
	val_status st = VAL_SECURE;
	double t0, capped, per_proof;
	int proofs = 0;

	(void)state;
	/* Sixty records of one chain, none matching any ancestor. */
	for (int i = 0; i < 60; i++) {
		snprintf(line, sizeof line, "%02d000000000000000000000000000000.example. 3600 IN NSEC3 "
			 "1 0 150 aabbccdd %02d100000000000000000000000000000 A RRSIG", i, i);
		ldns_rr_list_push_rr(recs, t_rr(line));
	}
	for (int i = 0; i < 120; i++)
		strcat(qs, "a.");
	strcat(qs, "example.");
	q = t_name(qs);
	val_policy_default(&pol);
	pol.work = &work;
	t0 = cpu_ms();
	st = denial_prove_nxdomain(q, recs, zone, &pol, NULL, &why);
	per_proof = cpu_ms() - t0;
	proofs++;
	assert_int_equal(st, VAL_BOGUS);          /* no closest encloser: no proof */
	assert_int_equal(work.nsec3_hashes, 121);
	while (st != VAL_INDETERMINATE && proofs < 10) {
		st = denial_prove_nxdomain(q, recs, zone, &pol, NULL, &why);
		proofs++;
	}
	capped = cpu_ms() - t0;
	assert_why(st, VAL_INDETERMINATE, why, VAL_EDE_DNSSEC_INDETERMINATE,
		   "NSEC3 hash cap of 128 per lookup reached (150 iterations each; CVE-2023-50868)");
	assert_int_equal(work.nsec3_hashes, pol.max_nsec3_hashes);
	assert_int_equal(proofs, 2);
	printf("nsec3 flood: 150 iterations, 120-label name, 60 records: one proof %.1f ms CPU "
	       "(121 hashes), the lookup at the cap %.1f ms CPU (%u hashes)\n",
	       per_proof, capped, work.nsec3_hashes);
	ldns_rr_list_deep_free(recs);
	ldns_rdf_deep_free(q);
	ldns_rdf_deep_free(zone);
}

/* RFC 5155 8.3: a proof hashes every name with one set of parameters (a
 * server answers from one chain, 7.2), so records of another salt or
 * iteration count never complete it, whichever comes first.  The B.1
 * proof with one of its three records moved to other parameters. */
static void test_nsec3_mixed_parameters(void **state)
{
	static const char *const other[] = {
		"35mthgpgcu1qg68fab165klnsnk3dpvl.example. 3600 IN NSEC3 1 0 12 aabbccde b4um86eghhds6nea196smvmlo4ors995 NS DS RRSIG",
		"35mthgpgcu1qg68fab165klnsnk3dpvl.example. 3600 IN NSEC3 1 0 11 aabbccdd b4um86eghhds6nea196smvmlo4ors995 NS DS RRSIG",
	};
	ldns_rdf *q = t_name("a.c.x.w.example."), *zone = t_name("example.");

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		for (int first = 0; first < 2; first++) {
			ldns_rr_list *recs = ldns_rr_list_new(), *rest = n3_records("0p9m b4um", 0);
			val_why why = { VAL_EDE_NONE, "" };
			val_status st;

			if (first)
				ldns_rr_list_push_rr(recs, t_rr(other[i]));
			ldns_rr_list_push_rr_list(recs, rest);
			ldns_rr_list_free(rest);
			if (!first)
				ldns_rr_list_push_rr(recs, t_rr(other[i]));
			st = denial_prove_nxdomain(q, recs, zone, NULL, NULL, &why);
			if (st != VAL_BOGUS)
				fail_msg("mixed parameters %zu (first %d): got %s \"%s\"", i, first,
					 val_status_str(st), why.text);
			ldns_rr_list_deep_free(recs);
		}
	}
	/* The twin: all three with the same parameters. */
	{
		ldns_rr_list *recs = n3_records("0p9m b4um 35mt", 0);
		val_why why = { VAL_EDE_NONE, "" };
		assert_int_equal(denial_prove_nxdomain(q, recs, zone, NULL, NULL, &why), VAL_SECURE);
		ldns_rr_list_deep_free(recs);
	}
	ldns_rdf_deep_free(q);
	ldns_rdf_deep_free(zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsec3_hash_rfc5155),
		cmocka_unit_test(test_nsec3_hash_errors),
		cmocka_unit_test(test_nsec3_rfc5155_proofs),
		cmocka_unit_test(test_nsec3_ignored_records),
		cmocka_unit_test(test_nsec_proofs),
		cmocka_unit_test(test_nsec_single),
		cmocka_unit_test(test_nsec_next_outside_zone),
		cmocka_unit_test(test_nsec_root_ds),
		cmocka_unit_test(test_nsec3_flood),
		cmocka_unit_test(test_nsec3_mixed_parameters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
