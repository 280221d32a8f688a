/*
 * tlsa.h - TLSA records to OpenSSL's DANE support (RFC 6698, RFC 7671,
 * RFC 7672).  OpenSSL does the matching (SSL_dane_tlsa_add), the digest
 * agility (RFC 7671 9: per-usage/selector, only the strongest matching
 * type counts) and the DANE-TA chain building; this module decides which
 * records are usable for SMTP and which names are the reference names.
 *
 * Live: tlsa_ssl_new() gives an SSL object ready for the handshake;
 * tlsa_ssl_outcome() reads the verdict after it.  Offline (tlsa-check):
 * tlsa_check_chain() runs the same OpenSSL verification on a chain from
 * a file, without any connection.
 */
#ifndef DP_TLSA_H
#define DP_TLSA_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "validator/dp_err.h"

typedef struct tlsa_rec {
	uint8_t usage, selector, mtype;
	unsigned char *data;    /* malloced */
	size_t len;
} tlsa_rec;

typedef struct tlsa_set {
	tlsa_rec *recs;         /* malloced */
	size_t n;
} tlsa_set;

/* Copy the TLSA records of an ldns RR list (other types are skipped).
 * DP_OK, DP_ENOMEM, DP_EPARSE (a TLSA record with a wrong rdata shape). */
int tlsa_set_from_rrs(const ldns_rr_list *rrs, tlsa_set *out);
/* Parse zone-file text ("_25._tcp.mx.example. 3600 IN TLSA 3 1 1 ab...";
 * comments, $ORIGIN/$TTL allowed; other types ignored).  err gets
 * "line N: ...".  DP_OK, DP_EPARSE, DP_ENOMEM. */
int tlsa_set_parse_text(const char *text, tlsa_set *out, char *err, size_t errlen);
void tlsa_set_free(tlsa_set *set);

/*
 * Whether one record can be used for SMTP: usages 2 (DANE-TA) and 3
 * (DANE-EE) only (RFC 7672 3.1.3: PKIX-TA/PKIX-EE, 0/1, are unusable:
 * no CA list is agreed between MTAs); selectors 0 and 1; matching types
 * 0, 1, 2 with the right digest length.  1 usable, 0 not (why gets a
 * static sentence).
 */
int tlsa_rec_usable(const tlsa_rec *r, const char **why);
/* Number of usable records in set. */
size_t tlsa_set_usable(const tlsa_set *set);

/* "3 1 1 0a1b..." (whole hex) into buf. */
void tlsa_rec_format(const tlsa_rec *r, char *buf, size_t len);

/*
 * An SSL_CTX for DANE client sessions: SSL_CTX_dane_enable (SHA-256 and
 * SHA-512 with SHA-512 preferred, RFC 7671 9), DANE-EE without name and
 * expiry checks (DANE_FLAG_NO_DANE_EE_NAMECHECKS, RFC 7672 3.1.1), and
 * SSL_VERIFY_NONE so the handshake completes and the verification result
 * is read afterwards (to report protocol and cipher even on a mismatch).
 * NULL on failure.  Thread-safe to share once made.
 */
SSL_CTX *tlsa_ctx_new(void);

/*
 * A new SSL object for one server: SNI and first reference name = the
 * TLSA base domain (RFC 7672 3.2.2, SSL_dane_enable), mx_host as a second
 * reference name when different (SSL_add1_host), and the usable records
 * of set.  *n_usable gets their count; with 0 the SSL object does plain
 * (unauthenticated) TLS.  DP_OK, DP_ENOMEM, DP_ECRYPTO.
 */
int tlsa_ssl_new(SSL_CTX *ctx, const char *base_domain, const char *mx_host,
		 const tlsa_set *set, SSL **out, size_t *n_usable);

/* After the handshake: DP_OK if a usable record matched and the chain
 * verified (matched gets "3 1 1 <hex>", depth gets the matched depth),
 * DP_EVERIFY otherwise (reason gets the OpenSSL verification error). */
int tlsa_ssl_outcome(SSL *ssl, char *matched, size_t matched_len, int *depth,
		     char *reason, size_t reason_len);

/*
 * Offline: verify chain (leaf first) against set with the same OpenSSL
 * DANE code as a live session, at time now (for DANE-TA; DANE-EE ignores
 * validity).  DP_OK match, DP_EVERIFY no match (reason says why),
 * DP_EINVAL (no usable record, empty chain), DP_ECRYPTO.
 */
int tlsa_check_chain(SSL_CTX *ctx, STACK_OF(X509) *chain, const char *base_domain,
		     const char *mx_host, const tlsa_set *set, int64_t now,
		     char *matched, size_t matched_len, int *depth,
		     char *reason, size_t reason_len);

#endif
