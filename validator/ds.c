/*
 * ds.c - DS digests (RFC 4034 section 5, RFC 4509, RFC 6605 section 2), and
 * the check of a zone's DNSKEY RRset from its parent's DS records or from
 * trust-anchor keys (RFC 4035 5.2): which keys they point at, then the
 * RRSIG check of rrsig.c with those keys.
 */
#include <pthread.h>
#include <string.h>
#include <openssl/evp.h>

#include "validator/dnssec.h"
#include "validator/dnssec_int.h"

/* Digest types we know, with the OpenSSL name of each (RFC 8624 3.3:
 * GOST (3) is not implemented). */
static const char *ds_digest_name(uint8_t dt)
{
	switch (dt) {
	case LDNS_SHA1:   return "SHA1";
	case LDNS_SHA256: return "SHA256";
	case LDNS_SHA384: return "SHA384";
	}
	return NULL;
}

static pthread_once_t ds_once = PTHREAD_ONCE_INIT;
static EVP_MD *ds_md[5];

/* Fetch the digests once: a crypto policy may have removed one, and the
 * answer does not change while the process runs. */
static void ds_init(void)
{
	uint8_t dt;

	for (dt = 1; dt < 5; dt++) {
		const char *n = ds_digest_name(dt);
		if (n != NULL)
			ds_md[dt] = EVP_MD_fetch(NULL, n, NULL);
	}
}

static const EVP_MD *ds_get_md(uint8_t dt)
{
	pthread_once(&ds_once, ds_init);
	return dt < 5 ? ds_md[dt] : NULL;
}

int val_digest_supported(uint8_t dt)
{
	return ds_get_md(dt) != NULL;
}

int ds_match(const ldns_rr *ds, const ldns_rr *dnskey)
{
	uint8_t rd[VAL_DNSKEY_RDATA_MAX + LDNS_MAX_DOMAINLEN + 1];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	const ldns_rdf *owner, *dig;
	const EVP_MD *evmd;
	size_t olen, klen, i;
	uint32_t tag, alg, dt;
	int ok = 1;

	if (ds == NULL || dnskey == NULL || ldns_rr_rd_count(ds) != 4)
		return DP_EINVAL;
	tag = val_rdf_uint(ds, 0, 2, &ok);
	alg = val_rdf_uint(ds, 1, 1, &ok);
	dt = val_rdf_uint(ds, 2, 1, &ok);
	dig = ldns_rr_rdf(ds, 3);
	if (!ok || dig == NULL)
		return DP_EINVAL;
	if ((evmd = ds_get_md((uint8_t)dt)) == NULL)
		return DP_EUNSUPPORTED;
	owner = ldns_rr_owner(dnskey);
	if (owner == NULL || !val_name_eq(ldns_rr_owner(ds), owner))
		return DP_EVERIFY;
	if (val_dnskey_alg(dnskey) != alg || dnskey_tag(dnskey) != tag)
		return DP_EVERIFY;
	if (ldns_rdf_size(dig) != (size_t)EVP_MD_get_size(evmd))
		return DP_EVERIFY;

	/* RFC 4034 5.1.4: digest = hash(canonical owner name | DNSKEY rdata). */
	olen = ldns_rdf_size(owner);
	if (olen > LDNS_MAX_DOMAINLEN + 1)
		return DP_EINVAL;
	memcpy(rd, ldns_rdf_data(owner), olen);
	for (i = 0; i < olen; i++)
		if (rd[i] >= 'A' && rd[i] <= 'Z')
			rd[i] = (uint8_t)(rd[i] + 32);
	klen = val_dnskey_rdata(dnskey, rd + olen, sizeof(rd) - olen);
	if (klen == 0)
		return DP_EINVAL;
	if (EVP_Digest(rd, olen + klen, md, &mdlen, evmd, NULL) != 1)
		return DP_ECRYPTO;
	if (mdlen != ldns_rdf_size(dig) ||
	    CRYPTO_memcmp(md, ldns_rdf_data(dig), mdlen) != 0)
		return DP_EVERIFY;
	return DP_OK;
}

/* ---- the DNSKEY RRset from DS records or anchors (RFC 4035 5.2) ---- */

/* Is this DNSKEY one of the anchor keys (same owner and rdata)? */
static int key_in_list(const ldns_rr *k, const ldns_rr_list *keys)
{
	uint8_t a[VAL_DNSKEY_RDATA_MAX], b[VAL_DNSKEY_RDATA_MAX];
	size_t alen = val_dnskey_rdata(k, a, sizeof(a)), i;

	if (alen == 0 || keys == NULL)
		return 0;
	for (i = 0; i < ldns_rr_list_rr_count(keys); i++) {
		const ldns_rr *o = ldns_rr_list_rr(keys, i);
		size_t blen = val_dnskey_rdata(o, b, sizeof(b));
		if (blen == alen && memcmp(a, b, alen) == 0 &&
		    val_name_eq(ldns_rr_owner(k), ldns_rr_owner(o)))
			return 1;
	}
	return 0;
}

/* Digests of DS x DNSKEY pairs one DNSKEY set may cost: only pairs with
 * the same key tag and algorithm are hashed, and colliding tags are an
 * attacker's tool (KeyTrap, CVE-2023-50387). */
#define DS_MAX_DIGESTS 64

/* What a DS set (or anchor) says about a DNSKEY set. */
typedef struct trust {
	ldns_rr_list *trusted;          /* keys a DS or an anchor points at */
	const ldns_rr *first_ds;        /* first usable DS, for the reason */
	size_t n_ds_supported, n_anchor_keys, digests;
	int unsup_alg, unsup_dt;
} trust;

/* RFC 4509 section 3: with a supported stronger digest in the set, SHA-1
 * DS records are ignored (no downgrade to the weakest). */
static int ds_skip_sha1(const ldns_rr_list *ds_set)
{
	for (size_t i = 0; ds_set != NULL && i < ldns_rr_list_rr_count(ds_set); i++) {
		const ldns_rr *ds = ldns_rr_list_rr(ds_set, i);
		int ok = 1;
		uint32_t alg = val_rdf_uint(ds, 1, 1, &ok), dt = val_rdf_uint(ds, 2, 1, &ok);

		if (ldns_rr_get_type(ds) == LDNS_RR_TYPE_DS && ok && dt != LDNS_SHA1 &&
		    val_digest_supported((uint8_t)dt) && val_alg_supported((uint8_t)alg))
			return 1;
	}
	return 0;
}

/* The keys the DS records point at (RFC 4035 5.2).  RFC 6840 5.2: DS of an
 * unknown digest or algorithm is ignored; 5.11: one usable DS suffices. */
static void trust_from_ds(trust *t, const ldns_rr_list *ds_set, const ldns_rr_list *dnskeys)
{
	int skip_sha1 = ds_skip_sha1(ds_set);

	for (size_t i = 0; ds_set != NULL && i < ldns_rr_list_rr_count(ds_set); i++) {
		const ldns_rr *ds = ldns_rr_list_rr(ds_set, i);
		int ok = 1;
		uint32_t tag = val_rdf_uint(ds, 0, 2, &ok), alg = val_rdf_uint(ds, 1, 1, &ok);
		uint32_t dt = val_rdf_uint(ds, 2, 1, &ok);

		if (ldns_rr_get_type(ds) != LDNS_RR_TYPE_DS || !ok || (skip_sha1 && dt == LDNS_SHA1))
			continue;
		if (!val_alg_supported((uint8_t)alg)) {
			t->unsup_alg = (int)alg;
			continue;
		}
		if (!val_digest_supported((uint8_t)dt)) {
			t->unsup_dt = (int)dt;
			continue;
		}
		t->n_ds_supported++;
		if (t->first_ds == NULL)
			t->first_ds = ds;
		for (size_t j = 0; j < ldns_rr_list_rr_count(dnskeys); j++) {
			ldns_rr *k = ldns_rr_list_rr(dnskeys, j);
			if (ldns_rr_get_type(k) != LDNS_RR_TYPE_DNSKEY || val_dnskey_alg(k) != alg ||
			    dnskey_tag(k) != tag || t->digests >= DS_MAX_DIGESTS)
				continue;
			t->digests++;
			if (ds_match(ds, k) == DP_OK)
				ldns_rr_list_push_rr(t->trusted, k);
		}
	}
}

/* Anchor keys are trusted as they are (RFC 4035 5: trust anchors). */
static void trust_from_keys(trust *t, const ldns_rr_list *anchor_keys,
			    const ldns_rr_list *dnskeys)
{
	for (size_t i = 0; anchor_keys != NULL && i < ldns_rr_list_rr_count(anchor_keys); i++) {
		const ldns_rr *ak = ldns_rr_list_rr(anchor_keys, i);
		if (ldns_rr_get_type(ak) != LDNS_RR_TYPE_DNSKEY)
			continue;
		if (!val_alg_supported(val_dnskey_alg(ak))) {
			t->unsup_alg = val_dnskey_alg(ak);
			continue;
		}
		t->n_anchor_keys++;
	}
	for (size_t j = 0; t->n_anchor_keys > 0 && j < ldns_rr_list_rr_count(dnskeys); j++) {
		ldns_rr *k = ldns_rr_list_rr(dnskeys, j);
		if (ldns_rr_get_type(k) == LDNS_RR_TYPE_DNSKEY && key_in_list(k, anchor_keys))
			ldns_rr_list_push_rr(t->trusted, k);
	}
}

/* The verdict when no key is trusted: insecure when every DS or anchor
 * uses what we cannot check (RFC 4035 5.2), else bogus. */
static val_status trust_failed(const trust *t, const char *zone, val_why *why)
{
	int ok = 1;

	if (t->n_ds_supported == 0 && t->n_anchor_keys == 0) {
		if (t->unsup_alg >= 0) {
			val_why_set(why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG,
				    "DS/anchors for %s use only unsupported algorithms (alg %d)",
				    zone, t->unsup_alg);
			return VAL_INSECURE;
		}
		if (t->unsup_dt >= 0) {
			val_why_set(why, VAL_EDE_UNSUPPORTED_DS_DIGEST,
				    "DS for %s use only unsupported digest types (digest %d)",
				    zone, t->unsup_dt);
			return VAL_INSECURE;
		}
		val_why_set(why, VAL_EDE_DNSKEY_MISSING,
			    "no DS or trust anchor to validate the DNSKEY set of %s", zone);
	} else if (t->digests >= DS_MAX_DIGESTS) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "DS set of %s asks for more than %d digests (colliding key tags, KeyTrap)",
			    zone, DS_MAX_DIGESTS);
	} else if (t->first_ds != NULL) {
		val_why_set(why, VAL_EDE_DNSKEY_MISSING, "DS %u/%u/%u for %s matches no DNSKEY",
			    val_rdf_uint(t->first_ds, 0, 2, &ok), val_rdf_uint(t->first_ds, 1, 1, &ok),
			    val_rdf_uint(t->first_ds, 2, 1, &ok), zone);
	} else {
		val_why_set(why, VAL_EDE_DNSKEY_MISSING,
			    "no trust anchor key is in the DNSKEY set of %s", zone);
	}
	return VAL_BOGUS;
}

val_status dnskey_verify(const ldns_rr_list *dnskeys, const ldns_rr_list *rrsigs,
			 const ldns_rr_list *anchors_ds,
			 const ldns_rr_list *anchor_keys, int64_t now,
			 const val_policy *pol, val_keycache *kc, val_why *why)
{
	char zone[300];
	trust t = { NULL, NULL, 0, 0, 0, -1, -1 };
	val_status st;

	if (dnskeys == NULL || ldns_rr_list_rr_count(dnskeys) == 0) {
		val_why_set(why, VAL_EDE_DNSKEY_MISSING, "no DNSKEY RRset to validate");
		return VAL_BOGUS;
	}
	val_dname_str(ldns_rr_owner(ldns_rr_list_rr(dnskeys, 0)), zone, sizeof(zone));
	if ((t.trusted = ldns_rr_list_new()) == NULL) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE, "out of memory validating %s/DNSKEY", zone);
		return VAL_INDETERMINATE;
	}
	trust_from_ds(&t, anchors_ds, dnskeys);
	trust_from_keys(&t, anchor_keys, dnskeys);
	if (ldns_rr_list_rr_count(t.trusted) == 0)
		st = trust_failed(&t, zone, why);
	else
		st = rrset_verify(dnskeys, rrsigs, t.trusted, now, pol, kc, NULL, why);
	ldns_rr_list_free(t.trusted);
	return st;
}
