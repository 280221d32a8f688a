/*
 * ds.c - DS digests (RFC 4034 section 5, RFC 4509, RFC 6605 section 2).
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
