/*
 * keycache.c - DNSSEC public keys and signature arithmetic: the algorithm
 * table (RFC 8624 3.1), a cache of decoded keys (DNSKEY rdata ->
 * EVP_PKEY, decoded once per run), the check of one signature through
 * OpenSSL, and the runtime test of what the platform's crypto policy
 * allows.  The checks that decide whether a signature should be tried at
 * all live in rrsig.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "validator/dnssec.h"
#include "validator/dnssec_int.h"
#include "validator/keycache_int.h"

/* ---- algorithms (RFC 8624 section 3.1) ---- */

static const char *const md_names[MD_N] = { "SHA1", "SHA256", "SHA384", "SHA512" };

static const alg_info alg_table[] = {
	{ LDNS_RSASHA1,          KIND_RSA,   MD_SHA1,   NULL,         0,  0 },
	{ LDNS_RSASHA1_NSEC3,    KIND_RSA,   MD_SHA1,   NULL,         0,  0 },
	{ LDNS_RSASHA256,        KIND_RSA,   MD_SHA256, NULL,         0,  0 },
	{ LDNS_RSASHA512,        KIND_RSA,   MD_SHA512, NULL,         0,  0 },
	{ LDNS_ECDSAP256SHA256,  KIND_EC,    MD_SHA256, "P-256",      64, 64 },
	{ LDNS_ECDSAP384SHA384,  KIND_EC,    MD_SHA384, "P-384",      96, 96 },
	{ LDNS_ED25519,          KIND_EDDSA, -1,        "ED25519",    32, 64 },
	{ LDNS_ED448,            KIND_EDDSA, -1,        "ED448",      57, 114 },
};

const alg_info *val_alg_find(uint8_t alg)
{
	size_t i;

	for (i = 0; i < sizeof(alg_table) / sizeof(alg_table[0]); i++)
		if (alg_table[i].alg == alg)
			return &alg_table[i];
	return NULL;
}

/* ---- key cache ---- */

void val_keycache_inject(val_keycache *kc, int err)
{
	if (kc != NULL)
		kc->inject = err;
}

int val_keycache_new(val_keycache **out)
{
	val_keycache *kc;

	if (out == NULL)
		return DP_EINVAL;
	if ((kc = calloc(1, sizeof(*kc))) == NULL)
		return DP_ENOMEM;
	if ((kc->mdctx = EVP_MD_CTX_new()) == NULL) {
		free(kc);
		return DP_ENOMEM;
	}
	kc->max = KC_MAX_ENTRIES;
	*out = kc;
	return DP_OK;
}

void val_keycache_set_max(val_keycache *kc, size_t max)
{
	if (kc != NULL)
		kc->max = max > 0 ? max : 1;
}

static void kc_entry_free(kc_entry *e)
{
	EVP_PKEY_CTX_free(e->pctx);
	EVP_PKEY_free(e->pkey);
	free(e->rdata);
	free(e);
}

static void kc_flush(val_keycache *kc)
{
	size_t i;

	for (i = 0; i < KC_BUCKETS; i++) {
		kc_entry *e = kc->bucket[i], *nx;
		for (; e != NULL; e = nx) {
			nx = e->next;
			kc_entry_free(e);
		}
		kc->bucket[i] = NULL;
	}
	kc->n = 0;
}

void val_keycache_free(val_keycache *kc)
{
	int i;

	if (kc == NULL)
		return;
	kc_flush(kc);
	for (i = 0; i < MD_N; i++)
		EVP_MD_free(kc->md[i]);
	EVP_MD_CTX_free(kc->mdctx);
	free(kc->data.p);
	free(kc->rd.p);
	free(kc->spans);
	free(kc);
}

static const EVP_MD *kc_md(val_keycache *kc, int idx)
{
	if (kc->md[idx] == NULL)
		kc->md[idx] = EVP_MD_fetch(NULL, md_names[idx], NULL);
	return kc->md[idx];
}

/* RFC 3110 section 2: exponent length (1 octet, or 0 then 2 octets),
 * exponent, modulus.  Moduli above 4096 bits are refused (RFC 3110 and
 * a bound on the work an attacker can make us do). */
static EVP_PKEY *key_rsa(const uint8_t *k, size_t klen)
{
	size_t elen, off, mlen;
	BIGNUM *n = NULL, *e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (klen < 1)
		return NULL;
	if (k[0] != 0) {
		elen = k[0];
		off = 1;
	} else {
		if (klen < 3)
			return NULL;
		elen = (size_t)k[1] << 8 | k[2];
		off = 3;
	}
	if (elen == 0 || elen > 16 || klen <= off + elen)
		return NULL;
	mlen = klen - off - elen;
	if (mlen > 512 || mlen < 32)
		return NULL;
	e = BN_bin2bn(k + off, (int)elen, NULL);
	n = BN_bin2bn(k + off + elen, (int)mlen, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (e == NULL || n == NULL || bld == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pkey;
}

/* RFC 6605 section 4: the key is x | y; OpenSSL wants 0x04 | x | y.
 * Importing checks that the point is on the curve. */
static EVP_PKEY *key_ec(const alg_info *ai, const uint8_t *k, size_t klen)
{
	uint8_t pt[1 + 96];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;

	if (klen != ai->keylen)
		return NULL;
	pt[0] = 0x04;
	memcpy(pt + 1, k, klen);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)ai->group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      pt, klen + 1);
	params[2] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL)
		return NULL;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* RFC 8080 section 3: the key is the raw public key. */
static EVP_PKEY *key_eddsa(const alg_info *ai, const uint8_t *k, size_t klen)
{
	if (klen != ai->keylen)
		return NULL;
	return EVP_PKEY_new_raw_public_key_ex(NULL, ai->group, NULL, k, klen);
}

/* Make a verify context for RSA/EC keys: the digest is chosen once per
 * key, and EVP_PKEY_verify can then be called for every signature.
 * A platform policy that refuses the digest (SHA-1 signatures on some
 * distributions) fails here, which we report as unsupported. */
static int key_pctx(val_keycache *kc, kc_entry *e, const alg_info *ai)
{
	const EVP_MD *md = kc_md(kc, ai->md);

	if (md == NULL)
		return DP_EUNSUPPORTED;
	if ((e->pctx = EVP_PKEY_CTX_new_from_pkey(NULL, e->pkey, NULL)) == NULL)
		return DP_ENOMEM;
	if (EVP_PKEY_verify_init(e->pctx) != 1)
		return DP_EUNSUPPORTED;
	if (ai->kind == KIND_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(e->pctx, RSA_PKCS1_PADDING) != 1)
		return DP_EUNSUPPORTED;
	if (EVP_PKEY_CTX_set_signature_md(e->pctx, md) != 1)
		return DP_EUNSUPPORTED;
	return DP_OK;
}

static uint32_t kc_hash(const uint8_t *d, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ d[i]) * 16777619u;
	return h;
}

/* The cache entry for this DNSKEY rdata, decoding the key on first use.
 * NULL only when out of memory. */
kc_entry *kc_get(val_keycache *kc, const alg_info *ai, const uint8_t *rd, size_t rdlen)
{
	uint32_t h = kc_hash(rd, rdlen);
	kc_entry *e;

	if (kc->inject == DP_ENOMEM)
		return NULL;
	for (e = kc->bucket[h % KC_BUCKETS]; e != NULL; e = e->next)
		if (e->hash == h && e->rdlen == rdlen &&
		    memcmp(e->rdata, rd, rdlen) == 0)
			return e;
	if (kc->n >= kc->max)
		kc_flush(kc);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if ((e->rdata = malloc(rdlen)) == NULL) {
		free(e);
		return NULL;
	}
	memcpy(e->rdata, rd, rdlen);
	e->rdlen = rdlen;
	e->hash = h;
	switch (ai->kind) {
	case KIND_RSA:   e->pkey = key_rsa(rd + 4, rdlen - 4); break;
	case KIND_EC:    e->pkey = key_ec(ai, rd + 4, rdlen - 4); break;
	case KIND_EDDSA: e->pkey = key_eddsa(ai, rd + 4, rdlen - 4); break;
	}
	if (e->pkey == NULL)
		e->err = DP_EPARSE;
	else if (ai->kind != KIND_EDDSA)
		e->err = key_pctx(kc, e, ai);
	e->next = kc->bucket[h % KC_BUCKETS];
	kc->bucket[h % KC_BUCKETS] = e;
	kc->n++;
	return e;
}

/* One DER INTEGER from an unsigned big-endian value. */
static size_t der_int(uint8_t *out, const uint8_t *v, size_t n)
{
	size_t pad;

	while (n > 1 && v[0] == 0) {
		v++;
		n--;
	}
	pad = (v[0] & 0x80) ? 1 : 0;
	out[0] = 0x02;
	out[1] = (uint8_t)(n + pad);
	out[2] = 0;
	memcpy(out + 2 + pad, v, n);
	return 2 + pad + n;
}

/* DP_OK, DP_EVERIFY, or DP_ECRYPTO. */
int kc_sig_check(val_keycache *kc, kc_entry *e, const alg_info *ai,
		     const uint8_t *sig, size_t siglen,
		     const uint8_t *data, size_t dlen)
{
	uint8_t dg[EVP_MAX_MD_SIZE], der[8 + 2 * 49];
	unsigned dglen = 0;
	size_t half, n;
	int r;

	if (kc->inject == DP_ECRYPTO)
		return DP_ECRYPTO;
	if (ai->kind == KIND_EDDSA) {
		/* RFC 8080: pure EdDSA over the whole signed data. */
		if (siglen != ai->siglen)
			return DP_EVERIFY;
		if (EVP_DigestVerifyInit_ex(kc->mdctx, NULL, NULL, NULL, NULL,
					    e->pkey, NULL) != 1) {
			EVP_MD_CTX_reset(kc->mdctx);
			return DP_ECRYPTO;
		}
		r = EVP_DigestVerify(kc->mdctx, sig, siglen, data, dlen);
		EVP_MD_CTX_reset(kc->mdctx);
		return r == 1 ? DP_OK : DP_EVERIFY;
	}
	if (EVP_DigestInit_ex(kc->mdctx, kc_md(kc, ai->md), NULL) != 1 ||
	    EVP_DigestUpdate(kc->mdctx, data, dlen) != 1 ||
	    EVP_DigestFinal_ex(kc->mdctx, dg, &dglen) != 1)
		return DP_ECRYPTO;
	if (ai->kind == KIND_EC) {
		/* RFC 6605 section 4: r | s, each half the signature. */
		if (siglen != ai->siglen)
			return DP_EVERIFY;
		half = siglen / 2;
		n = der_int(der + 2, sig, half);
		n += der_int(der + 2 + n, sig + half, half);
		der[0] = 0x30;
		der[1] = (uint8_t)n;
		sig = der;
		siglen = n + 2;
	}
	r = EVP_PKEY_verify(e->pctx, sig, siglen, dg, dglen);
	return r == 1 ? DP_OK : DP_EVERIFY;
}

/* ---- platform support, tested once at runtime ---- */

enum { ALG_UNKNOWN, ALG_OK, ALG_REFUSED };
static pthread_mutex_t alg_mu = PTHREAD_MUTEX_INITIALIZER;
static uint8_t alg_state[256];   /* ALG_*, set once per algorithm */

/* Sign and verify a message with a fresh key of each EC/EdDSA type, and
 * set up an RSA verify context with each digest: whatever the crypto
 * policy of the platform refuses shows up here. */
static int alg_probe(val_keycache *kc, const alg_info *ai)
{
	static const uint8_t msg[] = "daneprobe algorithm self-test";
	uint8_t rsa_key[1 + 3 + 256];
	uint8_t sig[256], raw[96];
	size_t siglen = sizeof(sig);
	EVP_PKEY *sk = NULL;
	kc_entry e;
	int ok = 0;

	memset(&e, 0, sizeof(e));
	if (ai->kind == KIND_RSA) {
		/* Any odd modulus will do to ask for a verify context. */
		rsa_key[0] = 3;
		rsa_key[1] = 1; rsa_key[2] = 0; rsa_key[3] = 1;
		memset(rsa_key + 4, 0xC5, 256);
		if ((e.pkey = key_rsa(rsa_key, sizeof(rsa_key))) != NULL)
			ok = key_pctx(kc, &e, ai) == DP_OK;
		goto out;
	}
	if (ai->kind == KIND_EC)
		sk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", ai->group);
	else
		sk = EVP_PKEY_Q_keygen(NULL, NULL, ai->group);
	if (sk == NULL)
		goto out;
	if (EVP_DigestSignInit_ex(kc->mdctx, NULL,
				  ai->md >= 0 ? md_names[ai->md] : NULL,
				  NULL, NULL, sk, NULL) != 1 ||
	    EVP_DigestSign(kc->mdctx, sig, &siglen, msg, sizeof(msg)) != 1)
		goto out;
	EVP_MD_CTX_reset(kc->mdctx);
	if (ai->kind == KIND_EC) {
		/* Turn the DER signature back into r | s to test our path. */
		const uint8_t *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
		const BIGNUM *r, *s;
		uint8_t pub[1 + 96];
		size_t publen = 0;

		if (es == NULL)
			goto out;
		ECDSA_SIG_get0(es, &r, &s);
		BN_bn2binpad(r, raw, (int)ai->siglen / 2);
		BN_bn2binpad(s, raw + ai->siglen / 2, (int)ai->siglen / 2);
		ECDSA_SIG_free(es);
		if (EVP_PKEY_get_octet_string_param(sk, OSSL_PKEY_PARAM_PUB_KEY,
						    pub, sizeof(pub), &publen) != 1 ||
		    publen != ai->keylen + 1 ||
		    (e.pkey = key_ec(ai, pub + 1, ai->keylen)) == NULL ||
		    key_pctx(kc, &e, ai) != DP_OK)
			goto out;
		ok = kc_sig_check(kc, &e, ai, raw, ai->siglen, msg, sizeof(msg)) == DP_OK;
	} else {
		uint8_t pub[57];
		size_t publen = sizeof(pub);

		if (EVP_PKEY_get_raw_public_key(sk, pub, &publen) != 1 ||
		    (e.pkey = key_eddsa(ai, pub, publen)) == NULL)
			goto out;
		ok = kc_sig_check(kc, &e, ai, sig, siglen, msg, sizeof(msg)) == DP_OK;
	}
out:
	EVP_MD_CTX_reset(kc->mdctx);
	EVP_PKEY_CTX_free(e.pctx);
	EVP_PKEY_free(e.pkey);
	EVP_PKEY_free(sk);
	return ok;
}

/* Each algorithm is probed the first time a signature or DS asks for it
 * (a key generated, a signature made and checked through our own path:
 * ~5 million instructions for P-256, far more for the slower curves), not
 * all eight at start: a one-domain check meets one or two algorithms. */
int val_alg_supported(uint8_t alg)
{
	uint8_t st = __atomic_load_n(&alg_state[alg], __ATOMIC_ACQUIRE);
	const alg_info *ai;
	val_keycache *kc;

	if (st != ALG_UNKNOWN)
		return st == ALG_OK;
	pthread_mutex_lock(&alg_mu);
	if ((st = alg_state[alg]) == ALG_UNKNOWN) {
		st = ALG_REFUSED;
		if ((ai = val_alg_find(alg)) != NULL && val_keycache_new(&kc) == DP_OK) {
			if (alg_probe(kc, ai))
				st = ALG_OK;
			val_keycache_free(kc);
		}
		__atomic_store_n(&alg_state[alg], st, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&alg_mu);
	return st == ALG_OK;
}
