/*
 * certinfo.h - the evidence of a certificate chain, as an operator needs
 * it to fix a mismatch or to prepare a renewal (issue 13): per
 * certificate the subject, the issuer, the validity, the SHA-256 of the
 * certificate and of its SubjectPublicKeyInfo, and the TLSA record that
 * would match it (RFC 7671 5.1/5.2: "3 1 1" for the leaf, "2 1 1" for
 * each issuer), with whether that record, or another that matches the
 * certificate, is in the published set.
 *
 * The same code serves a live session (the chain the server presented,
 * dane.c) and a chain from a file (tlsa-check).  Hashes are OpenSSL's
 * (EVP_Digest over i2d_X509 / i2d_X509_PUBKEY): the DER encodings that
 * RFC 6698 2.1.2 names for selectors 0 and 1.
 */
#ifndef DP_CERTINFO_H
#define DP_CERTINFO_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>
#include "probe/dane/tlsa.h"

#define CERTINFO_HEX 65            /* 64 hex digits of a SHA-256 and NUL */
#define CERTINFO_REC 80            /* "3 1 1 " and a SHA-256 in hex */

typedef struct cert_info {
	int depth;                     /* 0 = the leaf */
	char subject[256], issuer[256]; /* RFC 2253 text, non-ASCII escaped */
	int64_t not_before, not_after; /* POSIX times; 0 when unreadable */
	char sha256[CERTINFO_HEX];     /* of the DER certificate (x 0 1) */
	char spki_sha256[CERTINFO_HEX]; /* of the DER SPKI (x 1 1) */
	char record[CERTINFO_REC];     /* the record to publish for it */
	int published;                 /* record is in the TLSA set */
	int matched_by;                /* index in the set of a usable record
					* that matches this certificate, or -1 */
} cert_info;

typedef struct cert_chain {
	cert_info *certs;              /* malloced, leaf first */
	size_t n;
	size_t unmatched;              /* usable records of the set that match
					* no certificate of this chain */
} cert_chain;

/*
 * Describe chain (leaf first) against set (may be NULL or empty: nothing
 * is published).  DANE-EE(3) records are matched against the leaf only
 * and DANE-TA(2) against the other certificates (RFC 7672 3.1.1/3.1.2),
 * with every selector and matching type (RFC 6698 2.1.2/2.1.3).  At most
 * 16 certificates.  DP_OK (out filled), DP_ENOMEM, DP_ECRYPTO.  An empty
 * chain gives an empty out.
 */
int certinfo_collect(STACK_OF(X509) *chain, const tlsa_set *set, cert_chain *out);
void certinfo_free(cert_chain *c);

/* 1 when record r matches certificate x (its usage not considered). */
int certinfo_rec_matches(X509 *x, const tlsa_rec *r);

/*
 * How many distinct keys the usable records of the set cover, seen from
 * the chain c: each certificate that some record matches counts once,
 * and records that match none of them count as one more (a key that is
 * not in this chain: the "next" of RFC 7671 8.1).  1 means a change of
 * that one key breaks DANE for this server.
 */
size_t certinfo_keys_covered(const cert_chain *c);

#endif
