/*
 * rrsig.c - RRSIG verification (RFC 4035 5.3) and the DNSKEY RRset check
 * against DS records or trust anchors (RFC 4035 5.2).
 *
 * The checks are ours; ldns supplies the records and OpenSSL the
 * arithmetic.  We do not call ldns_verify_*: we want our own reasons, our
 * own time handling, and the speed of decoding each key only once.
 *
 * Signed data (RFC 4034 3.1.8.1) is built by hand into a reusable buffer:
 * the RRSIG rdata without the signature, then every RR of the set in
 * canonical form (RFC 4034 6.2 as amended by RFC 6840 5.1) and canonical
 * order (6.3), with the original TTL and the wildcard owner restored.
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

/* ---- algorithms (RFC 8624 section 3.1) ---- */

enum alg_kind { KIND_RSA, KIND_EC, KIND_EDDSA };

typedef struct alg_info {
	uint8_t alg;
	enum alg_kind kind;
	int md;              /* index into the digest table, -1 for EdDSA */
	const char *group;   /* EC curve, or EdDSA key type */
	size_t keylen;       /* exact public key size (EC/EdDSA), 0 for RSA */
	size_t siglen;       /* exact signature size (EC/EdDSA), 0 for RSA */
} alg_info;

enum { MD_SHA1, MD_SHA256, MD_SHA384, MD_SHA512, MD_N };
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

static const alg_info *alg_find(uint8_t alg)
{
	size_t i;

	for (i = 0; i < sizeof(alg_table) / sizeof(alg_table[0]); i++)
		if (alg_table[i].alg == alg)
			return &alg_table[i];
	return NULL;
}

/* ---- growable byte buffer with a sticky error ---- */

typedef struct vbuf {
	uint8_t *p;
	size_t len, cap;
	int err;
} vbuf;

static int vbuf_reserve(vbuf *b, size_t n)
{
	size_t want;
	uint8_t *np;

	if (b->err)
		return -1;
	if (b->cap - b->len >= n)
		return 0;
	want = b->cap ? b->cap : 1024;
	while (want - b->len < n)
		want *= 2;
	if ((np = realloc(b->p, want)) == NULL) {
		b->err = 1;
		return -1;
	}
	b->p = np;
	b->cap = want;
	return 0;
}

static void vbuf_put(vbuf *b, const void *d, size_t n)
{
	if (n == 0 || vbuf_reserve(b, n) != 0)
		return;
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void vbuf_u16(vbuf *b, uint32_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	vbuf_put(b, x, 2);
}

static void vbuf_u32(vbuf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };
	vbuf_put(b, x, 4);
}

/* Append a wire-format name in lowercase.  Label length octets are at
 * most 63, so they never fall in 'A'..'Z'. */
static void vbuf_name_lc(vbuf *b, const uint8_t *d, size_t n)
{
	size_t i;

	if (vbuf_reserve(b, n) != 0)
		return;
	for (i = 0; i < n; i++) {
		uint8_t c = d[i];
		b->p[b->len + i] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
	}
	b->len += n;
}

/* ---- key cache ---- */

typedef struct kc_entry {
	struct kc_entry *next;
	uint32_t hash;
	size_t rdlen;
	uint8_t *rdata;
	int err;              /* DP_OK, or why the key is unusable */
	EVP_PKEY *pkey;
	EVP_PKEY_CTX *pctx;   /* RSA/EC: initialised for verify with its digest */
} kc_entry;

#define KC_BUCKETS 256
#define KC_MAX_ENTRIES 4096

typedef struct rdspan {
	size_t off, len;
} rdspan;

struct val_keycache {
	kc_entry *bucket[KC_BUCKETS];
	size_t n;
	EVP_MD_CTX *mdctx;
	EVP_MD *md[MD_N];
	vbuf data;            /* signed data */
	vbuf rd;              /* canonical rdata of each RR, before sorting */
	rdspan *spans;
	size_t spans_cap;
	int inject;           /* test hook: fail with this error (DP_OK: off) */
};

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
	*out = kc;
	return DP_OK;
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
static kc_entry *kc_get(val_keycache *kc, const alg_info *ai,
			const uint8_t *rd, size_t rdlen)
{
	uint32_t h = kc_hash(rd, rdlen);
	kc_entry *e;

	if (kc->inject == DP_ENOMEM)
		return NULL;
	for (e = kc->bucket[h % KC_BUCKETS]; e != NULL; e = e->next)
		if (e->hash == h && e->rdlen == rdlen &&
		    memcmp(e->rdata, rd, rdlen) == 0)
			return e;
	if (kc->n >= KC_MAX_ENTRIES)
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
static int sig_check(val_keycache *kc, kc_entry *e, const alg_info *ai,
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

static pthread_once_t alg_once = PTHREAD_ONCE_INIT;
static uint8_t alg_ok[256];

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
		ok = sig_check(kc, &e, ai, raw, ai->siglen, msg, sizeof(msg)) == DP_OK;
	} else {
		uint8_t pub[57];
		size_t publen = sizeof(pub);

		if (EVP_PKEY_get_raw_public_key(sk, pub, &publen) != 1 ||
		    (e.pkey = key_eddsa(ai, pub, publen)) == NULL)
			goto out;
		ok = sig_check(kc, &e, ai, sig, siglen, msg, sizeof(msg)) == DP_OK;
	}
out:
	EVP_MD_CTX_reset(kc->mdctx);
	EVP_PKEY_CTX_free(e.pctx);
	EVP_PKEY_free(e.pkey);
	EVP_PKEY_free(sk);
	return ok;
}

static void alg_init(void)
{
	val_keycache *kc;
	size_t i;

	if (val_keycache_new(&kc) != DP_OK)
		return;
	for (i = 0; i < sizeof(alg_table) / sizeof(alg_table[0]); i++)
		alg_ok[alg_table[i].alg] = (uint8_t)alg_probe(kc, &alg_table[i]);
	val_keycache_free(kc);
}

int val_alg_supported(uint8_t alg)
{
	pthread_once(&alg_once, alg_init);
	return alg_ok[alg];
}

/* ---- canonical form and signed data ---- */

/* RFC 4034 6.2 item 3, without NSEC (RFC 6840 5.1): the types whose
 * embedded domain names are lowercased. */
static int type_lowercases_rdata(ldns_rr_type t)
{
	switch (t) {
	case LDNS_RR_TYPE_NS: case LDNS_RR_TYPE_MD: case LDNS_RR_TYPE_MF:
	case LDNS_RR_TYPE_CNAME: case LDNS_RR_TYPE_SOA: case LDNS_RR_TYPE_MB:
	case LDNS_RR_TYPE_MG: case LDNS_RR_TYPE_MR: case LDNS_RR_TYPE_PTR:
	case LDNS_RR_TYPE_HINFO: case LDNS_RR_TYPE_MINFO: case LDNS_RR_TYPE_MX:
	case LDNS_RR_TYPE_RP: case LDNS_RR_TYPE_AFSDB: case LDNS_RR_TYPE_RT:
	case LDNS_RR_TYPE_SIG: case LDNS_RR_TYPE_PX: case LDNS_RR_TYPE_NXT:
	case LDNS_RR_TYPE_NAPTR: case LDNS_RR_TYPE_KX: case LDNS_RR_TYPE_SRV:
	case LDNS_RR_TYPE_DNAME: case LDNS_RR_TYPE_A6: case LDNS_RR_TYPE_RRSIG:
		return 1;
	default:
		return 0;
	}
}

static int span_cmp(const void *a, const void *b, void *arg)
{
	const rdspan *x = a, *y = b;
	const uint8_t *base = arg;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(base + x->off, base + y->off, n);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* Canonical owner for the signed data: lowercase, and "*." plus the
 * rightmost `labels` labels when the RRSIG labels field shows that the
 * answer was synthesised from a wildcard (RFC 4035 5.3.2). */
static void put_owner(vbuf *b, const ldns_rdf *owner, unsigned owner_labels,
		      unsigned labels)
{
	const uint8_t *d = ldns_rdf_data(owner);
	size_t n = ldns_rdf_size(owner), off = 0;
	unsigned skip;

	if (labels < owner_labels) {
		for (skip = owner_labels - labels; skip > 0 && off < n; skip--)
			off += (size_t)d[off] + 1;
		if (off > n)
			off = n;
		vbuf_put(b, "\001*", 2);
	}
	vbuf_name_lc(b, d + off, n - off);
}

/* Signed data into kc->data; 0 on success, -1 on a malformed set or no
 * memory (why says which). */
static int build_signed_data(val_keycache *kc, const ldns_rr_list *rrset,
			     const ldns_rr *rrsig, unsigned owner_labels,
			     unsigned labels, uint32_t orig_ttl)
{
	size_t n = ldns_rr_list_rr_count(rrset), i, j, k, nspans = 0;
	const ldns_rr *first = ldns_rr_list_rr(rrset, 0);
	const ldns_rdf *signer = ldns_rr_rdf(rrsig, 7);
	ldns_rr_type type = ldns_rr_get_type(first);
	int lc = type_lowercases_rdata(type);
	vbuf *d = &kc->data, *rd = &kc->rd;
	size_t owner_off, owner_len;

	d->len = 0;
	d->err = 0;
	rd->len = 0;
	rd->err = 0;
	/* RRSIG rdata up to the signer name (RFC 4034 3.1.8.1). */
	for (i = 0; i < 7; i++) {
		const ldns_rdf *f = ldns_rr_rdf(rrsig, i);
		vbuf_put(d, ldns_rdf_data(f), ldns_rdf_size(f));
	}
	vbuf_name_lc(d, ldns_rdf_data(signer), ldns_rdf_size(signer));

	if (n > kc->spans_cap) {
		rdspan *ns = realloc(kc->spans, n * sizeof(*ns));
		if (ns == NULL)
			return -1;
		kc->spans = ns;
		kc->spans_cap = n;
	}
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(rrset, i);
		size_t start = rd->len;

		for (j = 0; j < ldns_rr_rd_count(rr); j++) {
			const ldns_rdf *f = ldns_rr_rdf(rr, j);
			if (f == NULL)
				continue;
			if (lc && ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME)
				vbuf_name_lc(rd, ldns_rdf_data(f), ldns_rdf_size(f));
			else
				vbuf_put(rd, ldns_rdf_data(f), ldns_rdf_size(f));
		}
		if (rd->len - start > 65535)
			return -1;
		kc->spans[nspans].off = start;
		kc->spans[nspans].len = rd->len - start;
		nspans++;
	}
	if (rd->err)
		return -1;
	if (nspans > 1)
		qsort_r(kc->spans, nspans, sizeof(rdspan), span_cmp, rd->p);

	/* The owner is the same for every RR: write it once, copy it after. */
	owner_off = d->len;
	put_owner(d, ldns_rr_owner(first), owner_labels, labels);
	owner_len = d->len - owner_off;
	for (k = 0; k < nspans; k++) {
		/* RFC 4034 6.3: duplicate RRs are removed. */
		if (k > 0 && span_cmp(&kc->spans[k - 1], &kc->spans[k], rd->p) == 0)
			continue;
		if (k > 0) {
			if (vbuf_reserve(d, owner_len) != 0)
				return -1;
			memcpy(d->p + d->len, d->p + owner_off, owner_len);
			d->len += owner_len;
		}
		vbuf_u16(d, type);
		vbuf_u16(d, ldns_rr_get_class(first));
		vbuf_u32(d, orig_ttl);
		vbuf_u16(d, (uint32_t)kc->spans[k].len);
		vbuf_put(d, rd->p + kc->spans[k].off, kc->spans[k].len);
	}
	return d->err ? -1 : 0;
}

/* ---- RRSIG checks ---- */

/* Names for reasons, formatted only when a reason is written: success,
 * the common case, never pays for ldns_rdf2str. */
typedef struct label {
	const ldns_rr_list *rrset;
	const ldns_rdf *signer;
	char what[340];         /* "www.example.org/A" */
	char signer_s[300];
	int have_what, have_signer;
} label;

static const char *what_of(label *l)
{
	const ldns_rr *rr;
	char name[300], type[32];

	if (!l->have_what) {
		rr = l->rrset ? ldns_rr_list_rr(l->rrset, 0) : NULL;
		val_name_str(rr ? ldns_rr_owner(rr) : NULL, name, sizeof(name));
		val_type_str(rr ? ldns_rr_get_type(rr) : 0, type, sizeof(type));
		snprintf(l->what, sizeof(l->what), "%s/%s", name, type);
		l->have_what = 1;
	}
	return l->what;
}

static const char *signer_of(label *l)
{
	if (!l->have_signer) {
		val_name_str(l->signer, l->signer_s, sizeof(l->signer_s));
		l->have_signer = 1;
	}
	return l->signer_s;
}

/* Is every RR of the set of the same owner, type and class? */
static int rrset_consistent(const ldns_rr_list *rrset)
{
	const ldns_rr *a = ldns_rr_list_rr(rrset, 0);
	size_t i;

	for (i = 1; i < ldns_rr_list_rr_count(rrset); i++) {
		const ldns_rr *b = ldns_rr_list_rr(rrset, i);
		if (ldns_rr_get_type(a) != ldns_rr_get_type(b) ||
		    ldns_rr_get_class(a) != ldns_rr_get_class(b) ||
		    !val_name_eq(ldns_rr_owner(a), ldns_rr_owner(b)))
			return 0;
	}
	return 1;
}

/* rrsig_verify, with the DNSKEY's key tag already known (or -1). */
static int rrsig_verify_tag(const ldns_rr_list *rrset, const ldns_rr *rrsig,
			    const ldns_rr *dnskey, int keytag, int64_t now,
			    const val_policy *pol, val_keycache *kc, val_why *why);

int rrsig_verify(const ldns_rr_list *rrset, const ldns_rr *rrsig,
		 const ldns_rr *dnskey, int64_t now, const val_policy *pol,
		 val_keycache *kc, val_why *why)
{
	return rrsig_verify_tag(rrset, rrsig, dnskey, -1, now, pol, kc, why);
}

static int rrsig_verify_tag(const ldns_rr_list *rrset, const ldns_rr *rrsig,
			    const ldns_rr *dnskey, int keytag, int64_t now,
			    const val_policy *pol, val_keycache *kc, val_why *why)
{
	char ts[40];
	label lb;
	val_keycache *own = NULL;
	const ldns_rr *first;
	const ldns_rdf *owner, *signer, *sigrdf;
	const alg_info *ai;
	uint8_t keyrd[VAL_DNSKEY_RDATA_MAX];
	size_t keylen;
	unsigned owner_labels, labels;
	uint32_t covered, alg, orig_ttl, expire, incept, tag;
	int64_t skew, t_exp, t_inc;
	int ok = 1, flags, r;
	kc_entry *e;

	if (rrset == NULL || rrsig == NULL || dnskey == NULL ||
	    ldns_rr_list_rr_count(rrset) == 0) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "nothing to verify");
		return DP_EVERIFY;
	}
	memset(&lb, 0, sizeof(lb));
	lb.rrset = rrset;
	first = ldns_rr_list_rr(rrset, 0);
	owner = ldns_rr_owner(first);
	if (ldns_rr_get_type(rrsig) != LDNS_RR_TYPE_RRSIG ||
	    ldns_rr_rd_count(rrsig) != 9 ||
	    (signer = ldns_rr_rdf(rrsig, 7)) == NULL ||
	    ldns_rdf_get_type(signer) != LDNS_RDF_TYPE_DNAME ||
	    (sigrdf = ldns_rr_rdf(rrsig, 8)) == NULL) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "malformed RRSIG for %s", what_of(&lb));
		return DP_EVERIFY;
	}
	covered = val_rdf_uint(rrsig, 0, 2, &ok);
	alg = val_rdf_uint(rrsig, 1, 1, &ok);
	labels = val_rdf_uint(rrsig, 2, 1, &ok);
	orig_ttl = val_rdf_uint(rrsig, 3, 4, &ok);
	expire = val_rdf_uint(rrsig, 4, 4, &ok);
	incept = val_rdf_uint(rrsig, 5, 4, &ok);
	tag = val_rdf_uint(rrsig, 6, 2, &ok);
	if (!ok) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "malformed RRSIG for %s", what_of(&lb));
		return DP_EVERIFY;
	}
	lb.signer = signer;
	if (!rrset_consistent(rrset)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "RRset %s mixes owners, types or classes", what_of(&lb));
		return DP_EVERIFY;
	}
	/* RFC 4035 5.3.1: same owner, class and type covered. */
	if (covered != ldns_rr_get_type(first) ||
	    ldns_rr_get_class(rrsig) != ldns_rr_get_class(first) ||
	    !val_name_eq(ldns_rr_owner(rrsig), owner)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "RRSIG (key %u, alg %u) does not cover %s", tag, alg, what_of(&lb));
		return DP_EVERIFY;
	}
	if ((ai = alg_find((uint8_t)alg)) == NULL || !val_alg_supported((uint8_t)alg)) {
		val_why_set(why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG,
			    "RRSIG for %s uses algorithm %u, not supported here (key %u)",
			    what_of(&lb), alg, tag);
		return DP_EUNSUPPORTED;
	}
	/* The signer is the zone that holds the RRset: the owner is at or
	 * below it. */
	if (!val_name_under(owner, signer)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "RRSIG for %s has signer %s, which is not an enclosing zone (key %u, alg %u)",
			    what_of(&lb), signer_of(&lb), tag, alg);
		return DP_EVERIFY;
	}
	/* The DNSKEY: owner is the signer, same algorithm and tag, protocol
	 * 3, and the zone key bit (RFC 4034 2.1.1). */
	keylen = val_dnskey_rdata(dnskey, keyrd, sizeof(keyrd));
	if (keylen == 0 || !val_name_eq(ldns_rr_owner(dnskey), signer) ||
	    keyrd[3] != alg || keyrd[2] != 3 ||
	    (keytag >= 0 ? (uint32_t)keytag : dnskey_tag(dnskey)) != tag) {
		val_why_set(why, VAL_EDE_DNSKEY_MISSING,
			    "DNSKEY given for RRSIG %s is not key %u alg %u of %s",
			    what_of(&lb), tag, alg, signer_of(&lb));
		return DP_EVERIFY;
	}
	flags = keyrd[0] << 8 | keyrd[1];
	if (!(flags & VAL_DNSKEY_ZONE)) {
		val_why_set(why, VAL_EDE_NO_ZONE_KEY_BIT,
			    "DNSKEY %u alg %u of %s has no zone key bit (RRSIG for %s)",
			    tag, alg, signer_of(&lb), what_of(&lb));
		return DP_EVERIFY;
	}
	/* RFC 5011 2.1: a revoked key signs nothing but its own DNSKEY set
	 * (which is how the revocation itself is proved). */
	if ((flags & VAL_DNSKEY_REVOKE) && covered != LDNS_RR_TYPE_DNSKEY) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "DNSKEY %u alg %u of %s is revoked (RFC 5011) and cannot sign %s",
			    tag, alg, signer_of(&lb), what_of(&lb));
		return DP_EVERIFY;
	}
	/* RFC 4034 3.1.3: the labels field does not count a leading "*". */
	owner_labels = ldns_dname_label_count(owner);
	{
		const uint8_t *od = ldns_rdf_data(owner);
		unsigned eff = owner_labels;
		if (ldns_rdf_size(owner) >= 2 && od[0] == 1 && od[1] == '*')
			eff--;
		if (labels > eff) {
			val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
				    "RRSIG for %s has labels %u, more than the owner's %u (key %u, alg %u)",
				    what_of(&lb), labels, eff, tag, alg);
			return DP_EVERIFY;
		}
	}
	/* RFC 4035 5.3.1 and RFC 4034 3.1.5: inception <= now <= expiration
	 * in serial number arithmetic, with the policy's skew. */
	skew = pol ? pol->skew_seconds : 0;
	t_exp = val_serial_abs(expire, now);
	t_inc = val_serial_abs(incept, now);
	if ((int32_t)(expire - incept) < 0) {
		val_time_str(t_inc, ts, sizeof(ts));
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "RRSIG for %s expires before its inception %s (key %u, alg %u)",
			    what_of(&lb), ts, tag, alg);
		return DP_EVERIFY;
	}
	if (t_exp + skew < now) {
		val_time_str(t_exp, ts, sizeof(ts));
		val_why_set(why, VAL_EDE_SIGNATURE_EXPIRED,
			    "RRSIG for %s expired at %s (key %u, alg %u)",
			    what_of(&lb), ts, tag, alg);
		return DP_EVERIFY;
	}
	if (t_inc - skew > now) {
		val_time_str(t_inc, ts, sizeof(ts));
		val_why_set(why, VAL_EDE_SIGNATURE_NOT_YET_VALID,
			    "RRSIG for %s is not valid until %s (key %u, alg %u)",
			    what_of(&lb), ts, tag, alg);
		return DP_EVERIFY;
	}

	if (kc == NULL) {
		if (val_keycache_new(&own) != DP_OK) {
			val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
				    "out of memory verifying %s", what_of(&lb));
			return DP_ENOMEM;
		}
		kc = own;
	}
	r = DP_OK;
	if ((e = kc_get(kc, ai, keyrd, keylen)) == NULL || e->err == DP_ENOMEM) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
			    "out of memory verifying %s", what_of(&lb));
		r = DP_ENOMEM;
	} else if (e->err == DP_EUNSUPPORTED) {
		val_why_set(why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG,
			    "RRSIG for %s uses algorithm %u, refused by the platform's crypto policy (key %u)",
			    what_of(&lb), alg, tag);
		r = DP_EUNSUPPORTED;
	} else if (e->err != DP_OK) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "DNSKEY %u alg %u of %s cannot be decoded (RRSIG for %s)",
			    tag, alg, signer_of(&lb), what_of(&lb));
		r = DP_EVERIFY;
	} else if (build_signed_data(kc, rrset, rrsig, owner_labels, labels,
				     orig_ttl) != 0) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
			    "out of memory verifying %s (building its signed data)", what_of(&lb));
		r = DP_ENOMEM;
	} else {
		r = sig_check(kc, e, ai, ldns_rdf_data(sigrdf), ldns_rdf_size(sigrdf),
			      kc->data.p, kc->data.len);
		if (r == DP_EVERIFY)
			val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
				    "RRSIG for %s does not verify with key %u alg %u of %s",
				    what_of(&lb), tag, alg, signer_of(&lb));
		else if (r != DP_OK)
			val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
				    "crypto library error verifying %s (key %u, alg %u)",
				    what_of(&lb), tag, alg);
	}
	val_keycache_free(own);
	if (r == DP_OK)
		val_why_set(why, VAL_EDE_NONE, "%s", "");
	/* Out of memory (DP_ENOMEM) and library failures (DP_ECRYPTO) are
	 * returned as they are: they say nothing about the signature, and
	 * the caller must not turn them into BOGUS (issue 10, finding 5). */
	return r;
}

/* ---- RRset and DNSKEY RRset ---- */

/* How telling a failure is: the reason we report is the most telling one
 * (a signature that failed beats a key we could not find). */
static int why_rank(val_ede ede)
{
	switch (ede) {
	case VAL_EDE_DNSKEY_MISSING:
		return 1;
	case VAL_EDE_NO_ZONE_KEY_BIT:
		return 2;
	case VAL_EDE_UNSUPPORTED_DNSKEY_ALG:
		return 0;
	default:
		return 3;
	}
}

/*
 * Count one RRSIG x DNSKEY try against the caps (KeyTrap, CVE-2023-50387):
 * VAL_SECURE to go on; VAL_BOGUS when this RRset alone asks for more than
 * max_sig_checks_per_rrset (no honest zone does); VAL_INDETERMINATE when
 * the lookup's budget in pol->work is spent.  why names the cap.
 */
static val_status sig_budget(const val_policy *pol, unsigned *tries, label *lb,
			     val_why *why)
{
	unsigned per_set = pol ? pol->max_sig_checks_per_rrset : 8;

	if (*tries >= per_set) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s needs more than %u RRSIG/DNSKEY checks (the per-RRset cap: "
			    "colliding key tags or too many RRSIGs, KeyTrap CVE-2023-50387)",
			    what_of(lb), per_set);
		return VAL_BOGUS;
	}
	if (pol && pol->work && pol->work->sig_checks >= pol->max_sig_checks) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
			    "signature check cap of %u per lookup reached at %s "
			    "(KeyTrap CVE-2023-50387)", pol->max_sig_checks, what_of(lb));
		return VAL_INDETERMINATE;
	}
	(*tries)++;
	if (pol && pol->work)
		pol->work->sig_checks++;
	return VAL_SECURE;
}

val_status rrset_verify(const ldns_rr_list *rrset, const ldns_rr_list *rrsigs,
			const ldns_rr_list *dnskeys, int64_t now,
			const val_policy *pol, val_keycache *kc,
			const ldns_rdf **signer_out, val_why *why)
{
	label lb;
	val_keycache *own = NULL;
	val_why best, tmp;
	const ldns_rr *first;
	size_t i, j, n_cover = 0, n_supported = 0, nkeys;
	int best_rank = -1, unsup_alg = -1, op_err = 0;
	unsigned tries = 0;
	val_why op;
	int tags_local[16], *tags_heap = NULL, *tags;
	val_status st = VAL_BOGUS;

	if (signer_out != NULL)
		*signer_out = NULL;
	if (rrset == NULL || ldns_rr_list_rr_count(rrset) == 0) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "empty RRset");
		return VAL_BOGUS;
	}
	first = ldns_rr_list_rr(rrset, 0);
	memset(&lb, 0, sizeof(lb));
	lb.rrset = rrset;
	memset(&best, 0, sizeof(best));
	if (kc == NULL) {
		if (val_keycache_new(&own) != DP_OK) {
			val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
				    "out of memory verifying %s", what_of(&lb));
			return VAL_INDETERMINATE;
		}
		kc = own;
	}
	/* Key tags once per call, not once per RRSIG and key. */
	nkeys = dnskeys != NULL ? ldns_rr_list_rr_count(dnskeys) : 0;
	if (nkeys > sizeof(tags_local) / sizeof(tags_local[0]) &&
	    (tags_heap = malloc(nkeys * sizeof(*tags_heap))) == NULL) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
			    "out of memory verifying %s", what_of(&lb));
		st = VAL_INDETERMINATE;
		goto out;
	}
	tags = tags_heap ? tags_heap : tags_local;
	for (j = 0; j < nkeys; j++) {
		const ldns_rr *k = ldns_rr_list_rr(dnskeys, j);
		tags[j] = ldns_rr_get_type(k) == LDNS_RR_TYPE_DNSKEY ? (int)dnskey_tag(k) : -1;
	}
	for (i = 0; rrsigs != NULL && i < ldns_rr_list_rr_count(rrsigs); i++) {
		const ldns_rr *sig = ldns_rr_list_rr(rrsigs, i);
		const ldns_rdf *signer;
		uint32_t alg, tag;
		int ok = 1, found = 0;

		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG ||
		    ldns_rr_rd_count(sig) != 9 ||
		    val_rdf_uint(sig, 0, 2, &ok) != ldns_rr_get_type(first) || !ok ||
		    !val_name_eq(ldns_rr_owner(sig), ldns_rr_owner(first)))
			continue;
		n_cover++;
		alg = val_rdf_uint(sig, 1, 1, &ok);
		tag = val_rdf_uint(sig, 6, 2, &ok);
		signer = ldns_rr_rdf(sig, 7);
		if (!ok || signer == NULL)
			continue;
		if (!val_alg_supported((uint8_t)alg)) {
			unsup_alg = (int)alg;
			continue;
		}
		n_supported++;
		for (j = 0; j < nkeys; j++) {
			const ldns_rr *k = ldns_rr_list_rr(dnskeys, j);
			int r;

			if (tags[j] != (int)tag || val_dnskey_alg(k) != alg ||
			    !val_name_eq(ldns_rr_owner(k), signer))
				continue;
			found = 1;
			if ((st = sig_budget(pol, &tries, &lb, why)) != VAL_SECURE)
				goto out;
			r = rrsig_verify_tag(rrset, sig, k, tags[j], now, pol, kc, &tmp);
			if (r == DP_OK) {
				if (signer_out != NULL)
					*signer_out = signer;
				val_why_set(why, VAL_EDE_NONE, "%s", "");
				st = VAL_SECURE;
				goto out;
			}
			/* Could not check (memory, crypto library): kept
			 * apart, never ranked among the findings. */
			if (r == DP_ENOMEM || r == DP_ECRYPTO) {
				if (!op_err)
					op = tmp;
				op_err = 1;
				continue;
			}
			if (why_rank(tmp.ede) > best_rank) {
				best = tmp;
				best_rank = why_rank(tmp.ede);
			}
		}
		if (!found && best_rank < 1) {
			lb.signer = signer;
			lb.have_signer = 0;
			val_why_set(&best, VAL_EDE_DNSKEY_MISSING,
				    "no DNSKEY with tag %u alg %u for %s (RRSIG for %s)",
				    tag, alg, signer_of(&lb), what_of(&lb));
			best_rank = 1;
		}
	}
	if (n_cover == 0) {
		val_why_set(why, VAL_EDE_RRSIGS_MISSING, "no RRSIG for %s", what_of(&lb));
	} else if (op_err) {
		/* A signature we could not check might have verified: the
		 * answer is "could not check", not "bogus". */
		st = VAL_INDETERMINATE;
		if (why != NULL)
			*why = op;
	} else if (n_supported == 0) {
		/* RFC 4035 5.2, RFC 6840 5.2: only algorithms we cannot check. */
		st = VAL_INSECURE;
		val_why_set(why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG,
			    "RRSIGs for %s use only unsupported algorithms (alg %d)",
			    what_of(&lb), unsup_alg);
	} else if (best_rank >= 0 && why != NULL) {
		*why = best;
	} else if (best_rank < 0) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "no usable RRSIG for %s", what_of(&lb));
	}
	if (st == VAL_SECURE)   /* only sig_budget's "go on" comes here */
		st = VAL_BOGUS;
out:
	free(tags_heap);
	val_keycache_free(own);
	return st;
}

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

val_status dnskey_verify(const ldns_rr_list *dnskeys, const ldns_rr_list *rrsigs,
			 const ldns_rr_list *anchors_ds,
			 const ldns_rr_list *anchor_keys, int64_t now,
			 const val_policy *pol, val_keycache *kc, val_why *why)
{
	char zone[300];
	ldns_rr_list *trusted;
	const ldns_rr *first_ds = NULL;
	size_t i, j, n_ds_supported = 0, n_anchor_keys = 0;
	int unsup_alg = -1, unsup_dt = -1, skip_sha1 = 0;
	val_status st;

	if (dnskeys == NULL || ldns_rr_list_rr_count(dnskeys) == 0) {
		val_why_set(why, VAL_EDE_DNSKEY_MISSING, "no DNSKEY RRset to validate");
		return VAL_BOGUS;
	}
	val_name_str(ldns_rr_owner(ldns_rr_list_rr(dnskeys, 0)), zone, sizeof(zone));
	if ((trusted = ldns_rr_list_new()) == NULL) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE, "out of memory validating %s/DNSKEY", zone);
		return VAL_INDETERMINATE;
	}
	/* RFC 4509 section 3: with a supported stronger digest in the set,
	 * SHA-1 DS records are ignored (no downgrade to the weakest). */
	for (i = 0; anchors_ds != NULL && i < ldns_rr_list_rr_count(anchors_ds); i++) {
		const ldns_rr *ds = ldns_rr_list_rr(anchors_ds, i);
		int ok = 1;
		uint32_t alg = val_rdf_uint(ds, 1, 1, &ok);
		uint32_t dt = val_rdf_uint(ds, 2, 1, &ok);

		if (ldns_rr_get_type(ds) == LDNS_RR_TYPE_DS && ok && dt != LDNS_SHA1 &&
		    val_digest_supported((uint8_t)dt) && val_alg_supported((uint8_t)alg))
			skip_sha1 = 1;
	}
	/* The keys a DS points at (RFC 4035 5.2). */
	for (i = 0; anchors_ds != NULL && i < ldns_rr_list_rr_count(anchors_ds); i++) {
		const ldns_rr *ds = ldns_rr_list_rr(anchors_ds, i);
		int ok = 1;
		uint32_t alg = val_rdf_uint(ds, 1, 1, &ok);
		uint32_t dt = val_rdf_uint(ds, 2, 1, &ok);

		if (ldns_rr_get_type(ds) != LDNS_RR_TYPE_DS || !ok)
			continue;
		if (skip_sha1 && dt == LDNS_SHA1)
			continue;
		if (!val_alg_supported((uint8_t)alg)) {
			unsup_alg = (int)alg;
			continue;
		}
		if (!val_digest_supported((uint8_t)dt)) {
			unsup_dt = (int)dt;
			continue;
		}
		n_ds_supported++;
		if (first_ds == NULL)
			first_ds = ds;
		for (j = 0; j < ldns_rr_list_rr_count(dnskeys); j++) {
			ldns_rr *k = ldns_rr_list_rr(dnskeys, j);
			if (ldns_rr_get_type(k) == LDNS_RR_TYPE_DNSKEY &&
			    ds_match(ds, k) == DP_OK)
				ldns_rr_list_push_rr(trusted, k);
		}
	}
	/* Anchor keys are trusted as they are (RFC 4035 5: trust anchors). */
	for (i = 0; anchor_keys != NULL && i < ldns_rr_list_rr_count(anchor_keys); i++) {
		const ldns_rr *ak = ldns_rr_list_rr(anchor_keys, i);
		if (ldns_rr_get_type(ak) != LDNS_RR_TYPE_DNSKEY)
			continue;
		if (!val_alg_supported(val_dnskey_alg(ak))) {
			unsup_alg = val_dnskey_alg(ak);
			continue;
		}
		n_anchor_keys++;
	}
	for (j = 0; n_anchor_keys > 0 && j < ldns_rr_list_rr_count(dnskeys); j++) {
		ldns_rr *k = ldns_rr_list_rr(dnskeys, j);
		if (ldns_rr_get_type(k) == LDNS_RR_TYPE_DNSKEY &&
		    key_in_list(k, anchor_keys))
			ldns_rr_list_push_rr(trusted, k);
	}

	if (n_ds_supported == 0 && n_anchor_keys == 0) {
		if (unsup_alg >= 0 || unsup_dt >= 0) {
			st = VAL_INSECURE;
			if (unsup_alg >= 0)
				val_why_set(why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG,
					    "DS/anchors for %s use only unsupported algorithms (alg %d)",
					    zone, unsup_alg);
			else
				val_why_set(why, VAL_EDE_UNSUPPORTED_DS_DIGEST,
					    "DS for %s use only unsupported digest types (digest %d)",
					    zone, unsup_dt);
		} else {
			st = VAL_BOGUS;
			val_why_set(why, VAL_EDE_DNSKEY_MISSING,
				    "no DS or trust anchor to validate the DNSKEY set of %s", zone);
		}
		goto out;
	}
	if (ldns_rr_list_rr_count(trusted) == 0) {
		st = VAL_BOGUS;
		if (first_ds != NULL) {
			int ok = 1;
			val_why_set(why, VAL_EDE_DNSKEY_MISSING,
				    "DS %u/%u/%u for %s matches no DNSKEY",
				    val_rdf_uint(first_ds, 0, 2, &ok),
				    val_rdf_uint(first_ds, 1, 1, &ok),
				    val_rdf_uint(first_ds, 2, 1, &ok), zone);
		} else {
			val_why_set(why, VAL_EDE_DNSKEY_MISSING,
				    "no trust anchor key is in the DNSKEY set of %s", zone);
		}
		goto out;
	}
	st = rrset_verify(dnskeys, rrsigs, trusted, now, pol, kc, NULL, why);
out:
	ldns_rr_list_free(trusted);
	return st;
}
