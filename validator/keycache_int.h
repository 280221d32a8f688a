/*
 * keycache_int.h - the key cache and crypto (keycache.c) and the signed
 * data (canon.c) that the RRSIG checks (rrsig.c) use.  Private to
 * validator/.
 */
#ifndef DP_KEYCACHE_INT_H
#define DP_KEYCACHE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <ldns/ldns.h>
#include "validator/dnssec.h"

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

/* The table entry of a DNSSEC algorithm number, or NULL. */
const alg_info *val_alg_find(uint8_t alg);

/* ---- growable byte buffer with a sticky error (canon.c) ---- */

typedef struct vbuf {
	uint8_t *p;
	size_t len, cap;
	int err;
} vbuf;

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
	size_t n, max;        /* entries, and the count that flushes them all */
	EVP_MD_CTX *mdctx;
	EVP_MD *md[MD_N];
	vbuf data;            /* signed data */
	vbuf rd;              /* canonical rdata of each RR, before sorting */
	rdspan *spans;
	size_t spans_cap;
	int inject;           /* test hook: fail with this error (DP_OK: off) */
};

/* The cache entry for this DNSKEY rdata (rd, rdlen: flags, protocol,
 * algorithm, key), decoding the key on first use.  NULL only when out of
 * memory; e->err says why a key is unusable. */
kc_entry *kc_get(val_keycache *kc, const alg_info *ai, const uint8_t *rd, size_t rdlen);

/* Check sig over data with the key of e: DP_OK, DP_EVERIFY, or
 * DP_ECRYPTO when the library failed. */
int kc_sig_check(val_keycache *kc, kc_entry *e, const alg_info *ai,
		 const uint8_t *sig, size_t siglen, const uint8_t *data, size_t dlen);

/* The signed data of RFC 4034 3.1.8.1 for rrset under rrsig into
 * kc->data: RRSIG rdata without the signature, then the RRs in canonical
 * form and order, with the original TTL and the wildcard owner restored
 * from labels.  0 on success, -1 on a malformed set or no memory. */
int canon_signed_data(val_keycache *kc, const ldns_rr_list *rrset, const ldns_rr *rrsig,
		      unsigned owner_labels, unsigned labels, uint32_t orig_ttl);

#endif