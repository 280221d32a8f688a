/*
 * certinfo.c - the evidence of a certificate chain (see certinfo.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include "probe/dane/certinfo.h"

#define CERTINFO_MAX 16   /* a server sends a few certificates, not hundreds */

void certinfo_free(cert_chain *c)
{
	if (c == NULL)
		return;
	free(c->certs);
	c->certs = NULL;
	c->n = 0;
	c->unmatched = 0;
}

/* The DER bytes a TLSA selector names (RFC 6698 2.1.2): 0 the whole
 * certificate, 1 its SubjectPublicKeyInfo.  *der malloced by OpenSSL. */
static int certinfo_der(X509 *x, int selector, unsigned char **der)
{
	*der = NULL;
	return selector == 0 ? i2d_X509(x, der)
			     : i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), der);
}

int certinfo_rec_matches(X509 *x, const tlsa_rec *r)
{
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int len, hit = 0;

	if (r->selector > 1 || r->mtype > 2)
		return 0;
	len = certinfo_der(x, r->selector, &der);
	if (len <= 0)
		return 0;
	/* RFC 6698 2.1.3: 0 the bytes themselves, 1 SHA-256, 2 SHA-512. */
	if (r->mtype == 0)
		hit = r->len == (size_t)len && memcmp(r->data, der, r->len) == 0;
	else if (EVP_Digest(der, (size_t)len, md, &mdlen,
			    r->mtype == 1 ? EVP_sha256() : EVP_sha512(), NULL) == 1)
		hit = r->len == mdlen && memcmp(r->data, md, mdlen) == 0;
	OPENSSL_free(der);
	return hit;
}

/* SHA-256 of the selector's DER as a TLSA record "U S 1 <hex>" in rec. */
static int certinfo_digest(X509 *x, uint8_t usage, uint8_t selector, char *rec, size_t len)
{
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int dl = certinfo_der(x, selector, &der), ok;

	ok = dl > 0 && EVP_Digest(der, (size_t)dl, md, &mdlen, EVP_sha256(), NULL) == 1;
	OPENSSL_free(der);
	if (ok) {
		tlsa_rec r = { usage, selector, 1, md, mdlen };
		tlsa_rec_format(&r, rec, len);
	}
	return ok ? DP_OK : DP_ECRYPTO;
}

/* A name in RFC 2253 form; ASN1_STRFLGS_ESC_MSB and _ESC_CTRL (part of
 * XN_FLAG_RFC2253) keep the text ASCII and free of control bytes. */
static void certinfo_name(const X509_NAME *name, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	buf[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
		n = BIO_read(b, buf, (int)len - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

static int64_t certinfo_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

/* Fill ci from x; the record to publish is DANE-EE SPKI SHA-256 for the
 * leaf and DANE-TA SPKI SHA-256 for an issuer: the key, not the
 * certificate, so a renewal with the same key keeps matching (RFC 7671
 * 5.1 and 5.2 recommend "3 1 1" and "2 1 1"). */
static int certinfo_one(X509 *x, int depth, cert_info *ci)
{
	char rec[CERTINFO_REC];

	memset(ci, 0, sizeof *ci);
	ci->depth = depth;
	ci->matched_by = -1;
	certinfo_name(X509_get_subject_name(x), ci->subject, sizeof ci->subject);
	certinfo_name(X509_get_issuer_name(x), ci->issuer, sizeof ci->issuer);
	ci->not_before = certinfo_time(X509_get0_notBefore(x));
	ci->not_after = certinfo_time(X509_get0_notAfter(x));
	if (certinfo_digest(x, depth == 0 ? 3 : 2, 0, rec, sizeof rec) != DP_OK)
		return DP_ECRYPTO;
	snprintf(ci->sha256, sizeof ci->sha256, "%s", rec + 6);
	if (certinfo_digest(x, depth == 0 ? 3 : 2, 1, ci->record, sizeof ci->record) != DP_OK)
		return DP_ECRYPTO;
	snprintf(ci->spki_sha256, sizeof ci->spki_sha256, "%s", ci->record + 6);
	return DP_OK;
}

/* Which published records match which certificate.  Usage 3 binds the
 * leaf only, usage 2 a certificate above it (RFC 7672 3.1.1, 3.1.2). */
static void certinfo_match(STACK_OF(X509) *chain, const tlsa_set *set, cert_chain *c)
{
	size_t i, d;

	for (i = 0; set != NULL && i < set->n; i++) {
		const tlsa_rec *r = &set->recs[i];
		char text[CERTINFO_REC];
		int any = 0;

		if (!tlsa_rec_usable(r, NULL))
			continue;
		tlsa_rec_format(r, text, sizeof text);
		for (d = 0; d < c->n; d++) {
			if ((r->usage == 3) != (d == 0))
				continue;
			if (r->mtype == 1 && strcmp(text, c->certs[d].record) == 0)
				c->certs[d].published = 1;
			if (!certinfo_rec_matches(sk_X509_value(chain, (int)d), r))
				continue;
			any = 1;
			if (c->certs[d].matched_by < 0)
				c->certs[d].matched_by = (int)i;
		}
		if (!any)
			c->unmatched++;
	}
}

int certinfo_collect(STACK_OF(X509) *chain, const tlsa_set *set, cert_chain *out)
{
	int n = chain != NULL ? sk_X509_num(chain) : 0, i;

	memset(out, 0, sizeof *out);
	if (n <= 0)
		return DP_OK;
	if (n > CERTINFO_MAX)
		n = CERTINFO_MAX;
	out->certs = calloc((size_t)n, sizeof *out->certs);
	if (out->certs == NULL)
		return DP_ENOMEM;
	out->n = (size_t)n;
	for (i = 0; i < n; i++)
		if (certinfo_one(sk_X509_value(chain, i), i, &out->certs[i]) != DP_OK) {
			certinfo_free(out);
			ERR_clear_error();
			return DP_ECRYPTO;
		}
	certinfo_match(chain, set, out);
	ERR_clear_error();
	return DP_OK;
}

size_t certinfo_keys_covered(const cert_chain *c)
{
	size_t i, n = c->unmatched > 0;

	for (i = 0; i < c->n; i++)
		n += c->certs[i].matched_by >= 0;
	return n;
}
