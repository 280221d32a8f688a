/*
 * test_rrsig.c - RRSIG and DNSKEY-set verification, for every algorithm
 * we support, against signatures made by ldns's signer.  Each case checks
 * the verdict and the reason (EDE and text).
 */
#include "tests/unit/val_test.h"
#include "validator/dnssec_int.h"
#include "validator/keycache_int.h"
#include <time.h>
#include <openssl/evp.h>

typedef struct alg_case {
	ldns_signing_algorithm alg;
	const char *name;
} alg_case;

static const alg_case algs[] = {
	{ LDNS_SIGN_RSASHA1, "RSASHA1" },
	{ LDNS_SIGN_RSASHA1_NSEC3, "RSASHA1-NSEC3-SHA1" },
	{ LDNS_SIGN_RSASHA256, "RSASHA256" },
	{ LDNS_SIGN_RSASHA512, "RSASHA512" },
	{ LDNS_SIGN_ECDSAP256SHA256, "ECDSAP256SHA256" },
	{ LDNS_SIGN_ECDSAP384SHA384, "ECDSAP384SHA384" },
	{ LDNS_SIGN_ED25519, "ED25519" },
	{ LDNS_SIGN_ED448, "ED448" },
};

/* One signed zone per algorithm: a KSK and ZSK, the DNSKEY set signed by
 * the KSK, an A set and an MX set signed by the ZSK. */
typedef struct fixture {
	const alg_case *ac;
	ldns_key *ksk, *zsk, *other;
	ldns_rr *ksk_rr, *zsk_rr, *other_rr;
	ldns_rr_list *keys, *keysigs;
	ldns_rr_list *a, *asigs, *mx, *mxsigs;
	val_policy pol;
	val_keycache *kc;
} fixture;

static int setup(void **state)
{
	const alg_case *ac = *state;
	fixture *f = calloc(1, sizeof(*f));

	f->ac = ac;
	f->ksk = t_key(ac->alg, "example.org.", 257, T_INCEPT, T_EXPIRE, &f->ksk_rr);
	f->zsk = t_key(ac->alg, "example.org.", 256, T_INCEPT, T_EXPIRE, &f->zsk_rr);
	f->other = t_key(ac->alg, "example.org.", 256, T_INCEPT, T_EXPIRE, &f->other_rr);
	/* Random keys share a tag once in 65536 pairs: then "the wrong key"
	 * is tried as if it were the signer's, and test_wrong_key's reason
	 * changes.  Draw again until the three tags differ. */
	while (dnskey_tag(f->zsk_rr) == dnskey_tag(f->ksk_rr) ||
	       dnskey_tag(f->other_rr) == dnskey_tag(f->zsk_rr) ||
	       dnskey_tag(f->other_rr) == dnskey_tag(f->ksk_rr)) {
		ldns_key_deep_free(f->other);
		ldns_rr_free(f->other_rr);
		f->other = t_key(ac->alg, "example.org.", 256, T_INCEPT, T_EXPIRE, &f->other_rr);
		if (dnskey_tag(f->zsk_rr) == dnskey_tag(f->ksk_rr)) {
			ldns_key_deep_free(f->zsk);
			ldns_rr_free(f->zsk_rr);
			f->zsk = t_key(ac->alg, "example.org.", 256, T_INCEPT, T_EXPIRE, &f->zsk_rr);
		}
	}
	f->keys = ldns_rr_list_new();
	ldns_rr_list_push_rr(f->keys, ldns_rr_clone(f->ksk_rr));
	ldns_rr_list_push_rr(f->keys, ldns_rr_clone(f->zsk_rr));
	f->keysigs = t_sign(f->keys, f->ksk);
	f->a = t_list("www.example.org. 3600 IN A 192.0.2.1\n"
		      "www.example.org. 3600 IN A 192.0.2.7\n");
	f->asigs = t_sign(f->a, f->zsk);
	f->mx = t_list("example.org. 300 IN MX 10 Mail.Example.ORG.\n"
		       "example.org. 300 IN MX 20 mx2.example.org.\n");
	f->mxsigs = t_sign(f->mx, f->zsk);
	val_policy_default(&f->pol);
	assert_int_equal(val_keycache_new(&f->kc), DP_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	ldns_key_deep_free(f->ksk);
	ldns_key_deep_free(f->zsk);
	ldns_key_deep_free(f->other);
	ldns_rr_free(f->ksk_rr);
	ldns_rr_free(f->zsk_rr);
	ldns_rr_free(f->other_rr);
	ldns_rr_list_deep_free(f->keys);
	ldns_rr_list_deep_free(f->keysigs);
	ldns_rr_list_deep_free(f->a);
	ldns_rr_list_deep_free(f->asigs);
	ldns_rr_list_deep_free(f->mx);
	ldns_rr_list_deep_free(f->mxsigs);
	val_keycache_free(f->kc);
	free(f);
	return 0;
}

/* Everything that should verify does, with and without a key cache. */
static void test_good(void **state)
{
	fixture *f = *state;
	const ldns_rdf *signer = NULL;
	/* A stale reason is cleared on success. */
	val_why why = { VAL_EDE_DNSSEC_BOGUS, "stale" };
	val_status st;

	st = rrset_verify(f->a, f->asigs, f->keys, T_NOW, &f->pol, f->kc, &signer, &why);
	assert_why(st, VAL_SECURE, why, VAL_EDE_NONE, "");
	assert_string_equal(why.text, "");
	assert_non_null(signer);
	assert_int_equal(ldns_dname_compare(signer, ldns_rr_owner(f->zsk_rr)), 0);
	st = rrset_verify(f->mx, f->mxsigs, f->keys, T_NOW, &f->pol, NULL, NULL, &why);
	assert_why(st, VAL_SECURE, why, VAL_EDE_NONE, "");
	/* A second time through the cache. */
	st = rrset_verify(f->mx, f->mxsigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_int_equal(st, VAL_SECURE);
	st = rrset_verify(f->keys, f->keysigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_int_equal(st, VAL_SECURE);
	assert_int_equal(rrsig_verify(f->a, ldns_rr_list_rr(f->asigs, 0), f->zsk_rr,
				      T_NOW, &f->pol, NULL, &why), DP_OK);
	assert_int_equal(val_alg_supported((uint8_t)f->ac->alg), 1);
}

/* The key cache holds at most its cap of decoded keys (a long verify run
 * over distinct zones must not grow with them, issue 16): the key after
 * the cap flushes the others, and signatures still verify after that. */
static void test_keycache_cap(void **state)
{
	fixture *f = *state;
	ldns_rr_list *other = ldns_rr_list_new(), *osigs;
	val_why why = { VAL_EDE_NONE, "" };

	val_keycache_set_max(f->kc, 2);
	assert_int_equal(rrset_verify(f->keys, f->keysigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why),
			 VAL_SECURE);
	assert_int_equal(rrset_verify(f->a, f->asigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why),
			 VAL_SECURE);
	assert_int_equal(f->kc->n, 2);          /* KSK and ZSK, decoded once */
	assert_int_equal(rrset_verify(f->a, f->asigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why),
			 VAL_SECURE);
	assert_int_equal(f->kc->n, 2);          /* a hit adds nothing */
	ldns_rr_list_push_rr(other, ldns_rr_clone(f->other_rr));
	osigs = t_sign(f->a, f->other);
	assert_int_equal(rrset_verify(f->a, osigs, other, T_NOW, &f->pol, f->kc, NULL, &why),
			 VAL_SECURE);
	assert_int_equal(f->kc->n, 1);          /* the third key flushed the two */
	assert_int_equal(rrset_verify(f->mx, f->mxsigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why),
			 VAL_SECURE);
	assert_true(f->kc->n <= 2);
	ldns_rr_list_deep_free(other);
	ldns_rr_list_deep_free(osigs);
}

/* RFC 4034 6.3: order and duplicates do not matter; 6.2: case does not. */
static void test_canonical(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *mx = t_list("EXAMPLE.org. 300 IN MX 20 MX2.example.org.\n"
				  "example.ORG. 300 IN MX 10 mail.example.org.\n"
				  "example.org. 300 IN MX 20 mx2.example.org.\n");
	val_status st = rrset_verify(mx, f->mxsigs, f->keys, T_NOW, &f->pol, f->kc,
				     NULL, &why);

	assert_why(st, VAL_SECURE, why, VAL_EDE_NONE, "");
	/* The TTL in the answer is decremented by caches: the original TTL
	 * from the RRSIG is what was signed (RFC 4035 5.3.2). */
	ldns_rr_set_ttl(ldns_rr_list_rr(mx, 0), 17);
	st = rrset_verify(mx, f->mxsigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_int_equal(st, VAL_SECURE);
	ldns_rr_list_deep_free(mx);
}

static void test_expired(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	val_status st;
	char want[128], ts[40];
	int64_t now = (int64_t)T_EXPIRE + f->pol.skew_seconds + 1;
	time_t te = (time_t)T_EXPIRE;
	struct tm tm;

	gmtime_r(&te, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(want, sizeof(want), "RRSIG for www.example.org/A expired at %s (key %u, alg %d)",
		 ts, ldns_calc_keytag(f->zsk_rr), (int)f->ac->alg);
	st = rrset_verify(f->a, f->asigs, f->keys, now, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_SIGNATURE_EXPIRED, want);
	/* Inside the skew it still verifies. */
	st = rrset_verify(f->a, f->asigs, f->keys, now - 2, &f->pol, f->kc, NULL, &why);
	assert_int_equal(st, VAL_SECURE);
}

static void test_not_yet_valid(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	int64_t now = (int64_t)T_INCEPT - f->pol.skew_seconds - 1;
	val_status st = rrset_verify(f->a, f->asigs, f->keys, now, &f->pol, f->kc,
				     NULL, &why);

	assert_why(st, VAL_BOGUS, why, VAL_EDE_SIGNATURE_NOT_YET_VALID,
		   "RRSIG for www.example.org/A is not valid until ");
}

static void test_wrong_key(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *keys = ldns_rr_list_new();
	char want[128];
	val_status st;

	ldns_rr_list_push_rr(keys, f->other_rr);
	ldns_rr_list_push_rr(keys, f->ksk_rr);
	snprintf(want, sizeof(want), "no DNSKEY with tag %u alg %d for example.org",
		 ldns_calc_keytag(f->zsk_rr), (int)f->ac->alg);
	st = rrset_verify(f->a, f->asigs, keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSKEY_MISSING, want);
	/* rrsig_verify with a key that is not the signer's. */
	assert_int_equal(rrsig_verify(f->a, ldns_rr_list_rr(f->asigs, 0), f->other_rr,
				      T_NOW, &f->pol, f->kc, &why), DP_EVERIFY);
	assert_int_equal(why.ede, VAL_EDE_DNSKEY_MISSING);
	ldns_rr_list_free(keys);
}

static void test_tampered(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *a = t_list("www.example.org. 3600 IN A 192.0.2.1\n"
				 "www.example.org. 3600 IN A 192.0.2.8\n");
	val_status st = rrset_verify(a, f->asigs, f->keys, T_NOW, &f->pol, f->kc,
				     NULL, &why);
	char want[128];

	snprintf(want, sizeof(want),
		 "RRSIG for www.example.org/A does not verify with key %u alg %d of example.org",
		 ldns_calc_keytag(f->zsk_rr), (int)f->ac->alg);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSSEC_BOGUS, want);
	/* One RR missing from the set is a tamper too. */
	ldns_rr_free(ldns_rr_list_pop_rr(a));
	st = rrset_verify(a, f->asigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSSEC_BOGUS, "does not verify");
	ldns_rr_list_deep_free(a);
}

static void test_missing(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *empty = ldns_rr_list_new();
	val_status st;

	st = rrset_verify(f->a, empty, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_RRSIGS_MISSING, "no RRSIG for www.example.org/A");
	st = rrset_verify(f->mx, NULL, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_RRSIGS_MISSING, "no RRSIG for example.org/MX");
	/* RRSIGs over another type do not count. */
	st = rrset_verify(f->mx, f->asigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_RRSIGS_MISSING, "no RRSIG for example.org/MX");
	st = rrset_verify(f->a, f->asigs, empty, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSKEY_MISSING, "no DNSKEY with tag");
	st = rrset_verify(f->a, f->asigs, NULL, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSKEY_MISSING, "no DNSKEY with tag");
	st = rrset_verify(empty, f->asigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_int_equal(st, VAL_BOGUS);
	ldns_rr_list_free(empty);
}

/* A key without the zone key bit must not validate (RFC 4035 5.3.1). */
static void test_no_zone_bit(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr *krr;
	ldns_key *k = t_key(f->ac->alg, "example.org.", 0, T_INCEPT, T_EXPIRE, &krr);
	ldns_rr_list *sigs, *keys = ldns_rr_list_new();
	val_status st;

	/* ldns will not sign with a non-zone key: sign with the bit set but
	 * the key tag of the published key, whose bit is clear. */
	ldns_key_set_flags(k, 256);
	sigs = t_sign(f->a, k);

	ldns_rr_list_push_rr(keys, krr);
	st = rrset_verify(f->a, sigs, keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_NO_ZONE_KEY_BIT, "has no zone key bit");
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
	ldns_key_deep_free(k);
}

/* DS of each digest type for the KSK validates the DNSKEY set. */
static void test_ds(void **state)
{
	fixture *f = *state;
	static const ldns_hash hashes[] = { LDNS_SHA1, LDNS_SHA256, LDNS_SHA384 };
	val_why why = { VAL_EDE_NONE, "" };
	size_t i;
	val_status st;

	for (i = 0; i < 3; i++) {
		ldns_rr_list *ds = ldns_rr_list_new();
		ldns_rr_list_push_rr(ds, ldns_key_rr2ds(f->ksk_rr, hashes[i]));
		assert_int_equal(ds_match(ldns_rr_list_rr(ds, 0), f->ksk_rr), DP_OK);
		assert_int_equal(ds_match(ldns_rr_list_rr(ds, 0), f->zsk_rr), DP_EVERIFY);
		st = dnskey_verify(f->keys, f->keysigs, ds, NULL, T_NOW, &f->pol, f->kc, &why);
		assert_why(st, VAL_SECURE, why, why.ede, "");
		ldns_rr_list_deep_free(ds);
	}
	/* The KSK itself as a trust anchor. */
	{
		ldns_rr_list *ak = ldns_rr_list_new();
		ldns_rr_list_push_rr(ak, f->ksk_rr);
		st = dnskey_verify(f->keys, f->keysigs, NULL, ak, T_NOW, &f->pol, f->kc, &why);
		assert_int_equal(st, VAL_SECURE);
		ldns_rr_list_free(ak);
	}
}

static void test_ds_mismatch(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *ds = ldns_rr_list_new();
	ldns_rr *d = ldns_key_rr2ds(f->other_rr, LDNS_SHA256);
	char want[128];
	val_status st;

	ldns_rr_list_push_rr(ds, d);
	snprintf(want, sizeof(want), "DS %u/%d/2 for example.org matches no DNSKEY",
		 ldns_calc_keytag(f->other_rr), (int)f->ac->alg);
	st = dnskey_verify(f->keys, f->keysigs, ds, NULL, T_NOW, &f->pol, f->kc, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSKEY_MISSING, want);
	/* A DS for the ZSK matches, but the ZSK did not sign the set. */
	ldns_rr_list_push_rr(ds, ldns_key_rr2ds(f->zsk_rr, LDNS_SHA256));
	st = dnskey_verify(f->keys, f->keysigs, ds, NULL, T_NOW, &f->pol, f->kc, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSKEY_MISSING, "no DNSKEY with tag");
	/* An expired DNSKEY signature names the DNSKEY set. */
	ldns_rr_list_push_rr(ds, ldns_key_rr2ds(f->ksk_rr, LDNS_SHA256));
	st = dnskey_verify(f->keys, f->keysigs, ds, NULL, (int64_t)T_EXPIRE + 3600,
			   &f->pol, f->kc, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_SIGNATURE_EXPIRED,
		   "RRSIG for example.org/DNSKEY expired at");
	/* No DS and no anchor at all. */
	st = dnskey_verify(f->keys, f->keysigs, NULL, NULL, T_NOW, &f->pol, f->kc, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSKEY_MISSING, "no DS or trust anchor");
	ldns_rr_list_deep_free(ds);
}

/* An RRSIG whose algorithm we do not know makes the set insecure when it
 * is the only one (RFC 4035 5.2, RFC 6840 5.2), and is ignored when a
 * supported one is there too. */
static void test_unsupported_alg(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *sigs = ldns_rr_list_clone(f->asigs);
	ldns_rr *sig = ldns_rr_clone(ldns_rr_list_rr(sigs, 0));
	val_status st;

	ldns_rdf_deep_free(ldns_rr_set_rdf(sig, ldns_native2rdf_int8(LDNS_RDF_TYPE_ALG, 253), 1));
	ldns_rr_list_deep_free(sigs);
	sigs = ldns_rr_list_new();
	ldns_rr_list_push_rr(sigs, sig);
	st = rrset_verify(f->a, sigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_INSECURE, why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG,
		   "use only unsupported algorithms (alg 253)");
	assert_int_equal(rrsig_verify(f->a, sig, f->zsk_rr, T_NOW, &f->pol, f->kc, &why),
			 DP_EUNSUPPORTED);
	ldns_rr_list_push_rr(sigs, ldns_rr_clone(ldns_rr_list_rr(f->asigs, 0)));
	st = rrset_verify(f->a, sigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_int_equal(st, VAL_SECURE);
	ldns_rr_list_deep_free(sigs);
}

/* A signature over *.example.org validates the expanded answer, whose
 * owner has more labels than the RRSIG labels field (RFC 4035 5.3.2). */
static void test_wildcard(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *wc = t_list("*.example.org. 600 IN TXT \"hello\"\n");
	ldns_rr_list *sigs = t_sign(wc, f->zsk);
	ldns_rr_list *exp = t_list("a.b.example.org. 600 IN TXT \"hello\"\n");
	ldns_rr_list *esigs = ldns_rr_list_new();
	ldns_rr *s = ldns_rr_clone(ldns_rr_list_rr(sigs, 0));
	val_status st;

	st = rrset_verify(wc, sigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_int_equal(st, VAL_SECURE);
	ldns_rdf_deep_free(ldns_rr_owner(s));
	ldns_rr_set_owner(s, t_name("a.b.example.org."));
	ldns_rr_list_push_rr(esigs, s);
	st = rrset_verify(exp, esigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_SECURE, why, why.ede, "");
	/* A labels field above the owner's label count is bogus. */
	ldns_rdf_deep_free(ldns_rr_set_rdf(s, ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8, 5), 2));
	st = rrset_verify(exp, esigs, f->keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSSEC_BOGUS, "has labels 5, more than the owner's 4");
	ldns_rr_list_deep_free(wc);
	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(exp);
	ldns_rr_list_deep_free(esigs);
}

/* RFC 5011 2.1: a revoked key validates only its own DNSKEY set. */
static void test_revoked(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr *krr;
	ldns_key *k = t_key(f->ac->alg, "example.org.", 257 | 0x80, T_INCEPT, T_EXPIRE, &krr);
	ldns_rr_list *keys = ldns_rr_list_new(), *sigs, *ksigs;
	val_status st;

	ldns_rr_list_push_rr(keys, krr);
	sigs = t_sign(f->a, k);
	ksigs = t_sign(keys, k);
	st = rrset_verify(f->a, sigs, keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSSEC_BOGUS, "is revoked (RFC 5011) and cannot sign www.example.org/A");
	st = rrset_verify(keys, ksigs, keys, T_NOW, &f->pol, f->kc, NULL, &why);
	assert_why(st, VAL_SECURE, why, why.ede, "");
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(ksigs);
	ldns_key_deep_free(k);
}

/* RFC 4509 3: a SHA-1 DS is ignored when a SHA-256 one is there, so a
 * forged or stale SHA-256 DS cannot be bypassed through SHA-1. */
static void test_ds_sha1_ignored(void **state)
{
	fixture *f = *state;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *ds = ldns_rr_list_new();
	val_status st;

	ldns_rr_list_push_rr(ds, ldns_key_rr2ds(f->ksk_rr, LDNS_SHA1));
	st = dnskey_verify(f->keys, f->keysigs, ds, NULL, T_NOW, &f->pol, f->kc, &why);
	assert_int_equal(st, VAL_SECURE);
	ldns_rr_list_push_rr(ds, ldns_key_rr2ds(f->other_rr, LDNS_SHA256));
	st = dnskey_verify(f->keys, f->keysigs, ds, NULL, T_NOW, &f->pol, f->kc, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSKEY_MISSING, "/2 for example.org matches no DNSKEY");
	ldns_rr_list_deep_free(ds);
}

#define ALG_TESTS(i) \
	cmocka_unit_test_prestate_setup_teardown(test_good, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_keycache_cap, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_canonical, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_expired, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_not_yet_valid, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_wrong_key, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_tampered, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_missing, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_no_zone_bit, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_ds, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_ds_mismatch, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_unsupported_alg, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_wildcard, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_revoked, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_ds_sha1_ignored, setup, teardown, (void *)&algs[i]), \
	cmocka_unit_test_prestate_setup_teardown(test_operational_errors, setup, teardown, (void *)&algs[i])

/* Serial number arithmetic across the 2106 wrap (RFC 4034 3.1.5). */
static void test_serial_wrap(void **state)
{
	val_policy pol;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr *krr;
	ldns_key *k = t_key(LDNS_SIGN_ECDSAP256SHA256, "example.org.", 256,
			    0xFFFF0000u, 0x00010000u, &krr);
	ldns_rr_list *a = t_list("www.example.org. 3600 IN A 192.0.2.1\n");
	ldns_rr_list *sigs = t_sign(a, k), *keys = ldns_rr_list_new();
	int64_t wrap = (int64_t)1 << 32;
	val_status st;

	(void)state;
	val_policy_default(&pol);
	ldns_rr_list_push_rr(keys, krr);
	st = rrset_verify(a, sigs, keys, wrap + 5, &pol, NULL, NULL, &why);
	assert_why(st, VAL_SECURE, why, why.ede, "");
	st = rrset_verify(a, sigs, keys, wrap - 5, &pol, NULL, NULL, &why);
	assert_int_equal(st, VAL_SECURE);
	st = rrset_verify(a, sigs, keys, wrap + 0x20000, &pol, NULL, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_SIGNATURE_EXPIRED, "expired at 2106-02-08T00:40:32Z");
	st = rrset_verify(a, sigs, keys, wrap - 0x20000, &pol, NULL, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_SIGNATURE_NOT_YET_VALID, "not valid until 2106-02-06T12:16:00Z");
	ldns_rr_list_deep_free(a);
	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(keys);
	ldns_key_deep_free(k);
}

static void test_status_names(void **state)
{
	val_why why;
	val_policy pol;

	(void)state;
	assert_string_equal(val_status_str(VAL_SECURE), "secure");
	assert_string_equal(val_status_str(VAL_INSECURE), "insecure");
	assert_string_equal(val_status_str(VAL_BOGUS), "bogus");
	assert_string_equal(val_status_str(VAL_INDETERMINATE), "indeterminate");
	assert_string_equal(val_status_str((val_status)99), "indeterminate");
	val_why_set(&why, VAL_EDE_DNSKEY_MISSING, "no DNSKEY with tag %d", 7);
	assert_int_equal(why.ede, VAL_EDE_DNSKEY_MISSING);
	assert_string_equal(why.text, "no DNSKEY with tag 7");
	val_why_set(NULL, VAL_EDE_OTHER, "ignored");
	val_policy_default(&pol);
	assert_int_equal(pol.nsec3_max_iterations, 150);
	assert_true(val_alg_supported(LDNS_RSASHA256));
	assert_false(val_alg_supported(LDNS_RSAMD5));
	assert_false(val_alg_supported(LDNS_DSA));
	assert_false(val_alg_supported(LDNS_ECC_GOST));
	assert_false(val_alg_supported(253));
	assert_true(val_digest_supported(2));
	assert_true(val_digest_supported(4));
	assert_false(val_digest_supported(3));
	assert_false(val_digest_supported(0));
	assert_false(val_digest_supported(5));
}

/* Malformed input is bogus with a reason, never a crash. */
static void test_malformed(void **state)
{
	val_policy pol;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *a = t_list("www.example.org. 3600 IN A 192.0.2.1\n"
				 "www.example.org. 3600 IN AAAA 2001:db8::1\n");
	ldns_rr_list *sigs = t_list(
		"www.example.org. 3600 IN RRSIG A 13 3 3600 20261201000000 20261101000000 1 example.org. AAAA\n");
	ldns_rr_list *keys = t_list(
		"example.org. 3600 IN DNSKEY 256 3 13 AAAA\n");
	val_status st;

	(void)state;
	val_policy_default(&pol);
	st = rrset_verify(a, sigs, keys, T_NOW, &pol, NULL, NULL, &why);
	assert_int_equal(st, VAL_BOGUS);
	assert_int_equal(rrsig_verify(a, ldns_rr_list_rr(sigs, 0), ldns_rr_list_rr(keys, 0),
				      T_NOW, &pol, NULL, &why), DP_EVERIFY);
	assert_non_null(strstr(why.text, "mixes owners, types or classes"));
	assert_int_equal(rrsig_verify(NULL, NULL, NULL, T_NOW, &pol, NULL, &why), DP_EVERIFY);
	ldns_rr_free(ldns_rr_list_pop_rr(a));
	st = rrset_verify(a, sigs, keys, T_NOW, &pol, NULL, NULL, &why);
	assert_int_equal(st, VAL_BOGUS);
	ldns_rr_list_deep_free(a);
	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(keys);
}

/* Issue 10 finding 5: out of memory and crypto-library failures say
 * nothing about the signature: INDETERMINATE (EDE 5), never BOGUS, and
 * a real finding on another RRSIG (here a key that is not in the set) is
 * not outranked into a bogus verdict by them. */
static void test_operational_errors(void **state)
{
	fixture *f = *state;
	static const struct { int err; const char *text; } rows[] = {
		{ DP_ENOMEM, "out of memory verifying www.example.org/A" },
		{ DP_ECRYPTO, "crypto library error verifying www.example.org/A" },
	};
	ldns_rr_list *sigs = ldns_rr_list_clone(f->asigs), *other = t_sign(f->a, f->other);

	ldns_rr_list_push_rr_list(sigs, other);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		val_keycache *kc = NULL;
		val_why why = { VAL_EDE_NONE, "" };
		val_status st;

		assert_int_equal(val_keycache_new(&kc), DP_OK);
		val_keycache_inject(kc, rows[i].err);
		st = rrset_verify(f->a, sigs, f->keys, T_NOW, &f->pol, kc, NULL, &why);
		assert_why(st, VAL_INDETERMINATE, why, VAL_EDE_DNSSEC_INDETERMINATE, rows[i].text);
		assert_int_equal(rrsig_verify(f->a, ldns_rr_list_rr(f->asigs, 0), f->zsk_rr, T_NOW,
					      &f->pol, kc, &why), rows[i].err);
		assert_why(VAL_INDETERMINATE, VAL_INDETERMINATE, why, VAL_EDE_DNSSEC_INDETERMINATE,
			   rows[i].text);
		/* Off again: the same call is secure. */
		val_keycache_inject(kc, DP_OK);
		st = rrset_verify(f->a, sigs, f->keys, T_NOW, &f->pol, kc, NULL, &why);
		assert_why(st, VAL_SECURE, why, VAL_EDE_NONE, "");
		val_keycache_free(kc);
	}
	ldns_rr_list_free(other);
	ldns_rr_list_deep_free(sigs);
}

/* ---------------- KeyTrap (CVE-2023-50387) ---------------- */

#define KT_KEYS 40
#define KT_SIGS 40
#define KT_TAG 4242
#define KT_MODLEN 512           /* RSA-4096: the dearest verification */

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* An RSA DNSKEY of example.org with key tag KT_TAG: a random 4096-bit
 * modulus whose bytes 516-517 are chosen so that the RFC 4034 appendix B
 * checksum comes out at KT_TAG.  Such keys verify nothing; an attacker
 * needs no private key to make them. */
static ldns_rr *kt_key(unsigned seed)
{
	uint8_t rd[4 + 4 + KT_MODLEN];
	char *b64 = malloc(2 * sizeof rd), text[2 * sizeof rd + 64];
	ldns_rr *rr;

	rd[0] = 1; rd[1] = 0; rd[2] = 3; rd[3] = 8;     /* zone key, RSASHA256 */
	rd[4] = 3; rd[5] = 1; rd[6] = 0; rd[7] = 1;     /* exponent 65537 */
	srand(seed);
	for (size_t i = 8; i < sizeof rd; i++)
		rd[i] = (uint8_t)rand();
	rd[8] = 0xff;                                   /* top bit set */
	rd[sizeof rd - 1] |= 1;                         /* odd modulus */
	for (unsigned w = 0; w < 65536; w++) {
		uint32_t ac = 0;
		rd[516] = (uint8_t)(w >> 8);
		rd[517] = (uint8_t)w;
		for (size_t i = 0; i < sizeof rd; i++)
			ac += (i & 1) ? rd[i] : (uint32_t)rd[i] << 8;
		ac += (ac >> 16) & 0xffff;
		if ((ac & 0xffff) == KT_TAG)
			break;
	}
	assert_true(EVP_EncodeBlock((unsigned char *)b64, rd + 4, (int)(sizeof rd - 4)) > 0);
	snprintf(text, sizeof text, "example.org. 3600 IN DNSKEY 256 3 8 %s", b64);
	rr = t_rr(text);
	free(b64);
	assert_int_equal(dnskey_tag(rr), KT_TAG);
	return rr;
}

/* An RRSIG over owner/A by key KT_TAG with a random signature below any
 * of the moduli, so that each try costs a whole RSA verification. */
static ldns_rr *kt_sig(const char *owner, unsigned seed)
{
	uint8_t sig[KT_MODLEN];
	char b64[2 * KT_MODLEN], text[2 * KT_MODLEN + 200];

	srand(seed);
	for (size_t i = 0; i < sizeof sig; i++)
		sig[i] = (uint8_t)rand();
	sig[0] = 0x01;
	assert_true(EVP_EncodeBlock((unsigned char *)b64, sig, (int)sizeof sig) > 0);
	snprintf(text, sizeof text, "%s 3600 IN RRSIG A 8 3 3600 %u %u %u example.org. %s",
		 owner, T_EXPIRE, T_INCEPT, KT_TAG, b64);
	return t_rr(text);
}

/*
 * KT_KEYS keys sharing one tag times KT_SIGS RRSIGs: 1600 RSA-4096
 * verifications without a cap.  With the caps one RRset stops at the
 * per-RRset cap (bogus), and a lookup that meets many such RRsets stops
 * at the per-lookup cap (indeterminate).  The CPU times are printed, not
 * asserted (the machine is shared); the counters are asserted.
 */
static void test_keytrap(void **state)
{
	ldns_rr_list *keys = ldns_rr_list_new(), *sigs = ldns_rr_list_new();
	ldns_rr_list *a = t_list("www.example.org. 3600 IN A 192.0.2.1\n");
	val_keycache *kc = NULL;
	val_policy pol;
	val_work work = { 0, 0 };
	val_why why = { VAL_EDE_NONE, "" };
	val_status st;
	double t0, capped_set, capped_lookup, uncapped;
	unsigned per_set;

	(void)state;
	for (unsigned i = 0; i < KT_KEYS; i++)
		ldns_rr_list_push_rr(keys, kt_key(1000 + i));
	for (unsigned i = 0; i < KT_SIGS; i++)
		ldns_rr_list_push_rr(sigs, kt_sig("www.example.org.", 2000 + i));
	assert_int_equal(val_keycache_new(&kc), DP_OK);
	val_policy_default(&pol);
	pol.work = &work;

	/* One RRset: the per-RRset cap. */
	t0 = cpu_ms();
	st = rrset_verify(a, sigs, keys, T_NOW, &pol, kc, NULL, &why);
	capped_set = cpu_ms() - t0;
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSSEC_BOGUS, "the per-RRset cap");
	assert_non_null(strstr(why.text, "KeyTrap CVE-2023-50387"));
	assert_int_equal(work.sig_checks, pol.max_sig_checks_per_rrset);
	per_set = work.sig_checks;

	/* A lookup that meets such RRsets again and again: the per-lookup
	 * cap ends it, and the counter never passes it. */
	t0 = cpu_ms();
	for (int i = 0; i < 40 && st != VAL_INDETERMINATE; i++)
		st = rrset_verify(a, sigs, keys, T_NOW, &pol, kc, NULL, &why);
	capped_lookup = capped_set + cpu_ms() - t0;
	assert_why(st, VAL_INDETERMINATE, why, VAL_EDE_DNSSEC_INDETERMINATE,
		   "signature check cap of 128 per lookup");
	assert_int_equal(work.sig_checks, pol.max_sig_checks);

	/* The same RRset without caps: what the caps save. */
	pol.work = NULL;
	pol.max_sig_checks_per_rrset = KT_KEYS * KT_SIGS;
	t0 = cpu_ms();
	st = rrset_verify(a, sigs, keys, T_NOW, &pol, kc, NULL, &why);
	uncapped = cpu_ms() - t0;
	assert_int_equal(st, VAL_BOGUS);
	printf("keytrap: %d keys with tag %d x %d RRSIGs (RSA-4096): one RRset %.1f ms CPU "
	       "(%u checks), a whole lookup at the cap %.1f ms CPU (%u checks), "
	       "uncapped %.1f ms CPU (%d checks)\n", KT_KEYS, KT_TAG, KT_SIGS, capped_set,
	       per_set, capped_lookup, work.sig_checks, uncapped, KT_KEYS * KT_SIGS);
	val_keycache_free(kc);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(a);
}

/* The DS side of KeyTrap: DS records whose tag every key shares would make
 * the DNSKEY step hash each pair; DS_MAX_DIGESTS (64) bounds it, and the
 * reason names it. */
static void test_keytrap_ds(void **state)
{
	ldns_rr_list *keys = ldns_rr_list_new(), *ds = ldns_rr_list_new();
	ldns_rr_list *sigs = ldns_rr_list_new();
	val_why why = { VAL_EDE_NONE, "" };
	val_policy pol;
	char line[200];
	val_status st;

	(void)state;
	for (unsigned i = 0; i < KT_KEYS; i++)
		ldns_rr_list_push_rr(keys, kt_key(3000 + i));
	for (unsigned i = 0; i < 2; i++) {
		snprintf(line, sizeof line, "example.org. 3600 IN DS %u 8 2 %064x", KT_TAG, i);
		ldns_rr_list_push_rr(ds, t_rr(line));
	}
	ldns_rr_list_push_rr(sigs, kt_sig("example.org.", 4000));
	val_policy_default(&pol);
	st = dnskey_verify(keys, sigs, ds, NULL, T_NOW, &pol, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSSEC_BOGUS,
		   "DS set of example.org asks for more than 64 digests");
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(sigs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_keytrap),
		cmocka_unit_test(test_keytrap_ds),
		cmocka_unit_test(test_serial_wrap),
		cmocka_unit_test(test_malformed),
		ALG_TESTS(0), ALG_TESTS(1), ALG_TESTS(2), ALG_TESTS(3),
		ALG_TESTS(4), ALG_TESTS(5), ALG_TESTS(6), ALG_TESTS(7),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
