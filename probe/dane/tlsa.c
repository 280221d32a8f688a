/*
 * tlsa.c - TLSA records to OpenSSL DANE (see tlsa.h).
 *
 * We do not match certificates by hand: OpenSSL's DANE code (since 1.1.0)
 * implements RFC 7671 exactly, including DANE-TA with a trust anchor
 * that the server does not send (selector 1 / full certificate records)
 * and digest agility.  What is ours is the SMTP profile of RFC 7672.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include "probe/util/clock.h"
#include "probe/dane/tlsa.h"

void tlsa_set_free(tlsa_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		free(set->recs[i].data);
	free(set->recs);
	set->recs = NULL;
	set->n = 0;
}

static int tlsa_set_add_rr(tlsa_set *set, const ldns_rr *rr)
{
	const ldns_rdf *f[4];
	tlsa_rec *grown, *r;
	size_t i;

	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TLSA)
		return DP_OK;
	if (ldns_rr_rd_count(rr) != 4)
		return DP_EPARSE;
	for (i = 0; i < 4; i++) {
		f[i] = ldns_rr_rdf(rr, i);
		if (f[i] == NULL || (i < 3 && ldns_rdf_size(f[i]) != 1))
			return DP_EPARSE;
	}
	grown = realloc(set->recs, (set->n + 1) * sizeof *grown);
	if (grown == NULL)
		return DP_ENOMEM;
	set->recs = grown;
	r = &set->recs[set->n];
	r->usage = ldns_rdf_data(f[0])[0];
	r->selector = ldns_rdf_data(f[1])[0];
	r->mtype = ldns_rdf_data(f[2])[0];
	r->len = ldns_rdf_size(f[3]);
	r->data = malloc(r->len ? r->len : 1);
	if (r->data == NULL)
		return DP_ENOMEM;
	memcpy(r->data, ldns_rdf_data(f[3]), r->len);
	set->n++;
	return DP_OK;
}

int tlsa_set_from_rrs(const ldns_rr_list *rrs, tlsa_set *out)
{
	size_t i;
	int rc;

	out->recs = NULL;
	out->n = 0;
	for (i = 0; rrs != NULL && i < ldns_rr_list_rr_count(rrs); i++) {
		rc = tlsa_set_add_rr(out, ldns_rr_list_rr(rrs, i));
		if (rc != DP_OK) {
			tlsa_set_free(out);
			return rc;
		}
	}
	return DP_OK;
}

int tlsa_set_parse_text(const char *text, tlsa_set *out, char *err, size_t errlen)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	uint32_t ttl = 3600;
	ldns_rdf *origin = NULL, *prev = NULL;
	int line = 1, rc = DP_OK;

	out->recs = NULL;
	out->n = 0;
	if (fp == NULL)
		return DP_ENOMEM;
	if (strlen(text) == 0) {
		fclose(fp);
		snprintf(err, errlen, "empty TLSA file");
		return DP_EPARSE;
	}
	for (;;) {
		ldns_rr *rr = NULL;
		ldns_status st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);

		if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
		    st == LDNS_STATUS_SYNTAX_ORIGIN) {
			if (feof(fp))
				break;
			continue;
		}
		if (st != LDNS_STATUS_OK) {
			if (feof(fp) && st == LDNS_STATUS_SYNTAX_ERR)
				break;
			snprintf(err, errlen, "line %d: %s", line, ldns_get_errorstr_by_id(st));
			rc = DP_EPARSE;
			break;
		}
		rc = tlsa_set_add_rr(out, rr);
		ldns_rr_free(rr);
		if (rc != DP_OK) {
			snprintf(err, errlen, "line %d: malformed TLSA record", line);
			break;
		}
		if (feof(fp))
			break;
	}
	fclose(fp);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	if (rc == DP_OK && out->n == 0) {
		snprintf(err, errlen, "no TLSA record in the file");
		rc = DP_EPARSE;
	}
	if (rc != DP_OK)
		tlsa_set_free(out);
	return rc;
}

int tlsa_rec_usable(const tlsa_rec *r, const char **why)
{
	const char *w = NULL;

	/* RFC 7672 3.1.3: PKIX-TA(0) and PKIX-EE(1) need a CA list that
	 * MTAs do not share; SMTP clients treat them as unusable. */
	if (r->usage == 0 || r->usage == 1)
		w = "usage 0/1 (PKIX-TA/PKIX-EE) is unusable for SMTP (RFC 7672 3.1.3)";
	else if (r->usage > 3)
		w = "unknown certificate usage";
	else if (r->selector > 1)
		w = "unknown selector";
	else if (r->mtype > 2)
		w = "unknown matching type";
	else if (r->mtype == 1 && r->len != 32)
		w = "SHA-256 digest of the wrong length";
	else if (r->mtype == 2 && r->len != 64)
		w = "SHA-512 digest of the wrong length";
	else if (r->mtype == 0 && r->len == 0)
		w = "empty association data";
	if (why != NULL)
		*why = w;
	return w == NULL;
}

size_t tlsa_set_usable(const tlsa_set *set)
{
	size_t i, n = 0;

	for (i = 0; set != NULL && i < set->n; i++)
		n += (size_t)tlsa_rec_usable(&set->recs[i], NULL);
	return n;
}

static void tlsa_hex(const unsigned char *d, size_t len, char *buf, size_t buflen,
		     size_t off)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len && off + 2 < buflen; i++) {
		buf[off++] = hx[d[i] >> 4];
		buf[off++] = hx[d[i] & 15];
	}
	if (off < buflen)
		buf[off] = '\0';
}

void tlsa_rec_format(const tlsa_rec *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%u %u %u ", r->usage, r->selector, r->mtype);

	if (n > 0 && (size_t)n < len)
		tlsa_hex(r->data, r->len, buf, len, (size_t)n);
}

SSL_CTX *tlsa_ctx_new(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;
	/* SSL_CTX_dane_enable registers SHA-256 (ordinal 1) and SHA-512
	 * (ordinal 2): with both present for one usage and selector, only
	 * the stronger counts (RFC 7671 9, digest algorithm agility). */
	if (SSL_CTX_dane_enable(ctx) <= 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* RFC 7672 3.1.1: with DANE-EE(3) the certificate is the key; its
	 * names and validity dates are not checked. */
	SSL_CTX_dane_set_flags(ctx, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	/* The verdict is read after the handshake (tlsa_ssl_outcome), so a
	 * mismatch still shows the protocol and the cipher. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	/* Read whole socket buffers instead of one TLS record header at a
	 * time: far fewer system calls per handshake (smtp.c hands the
	 * socket over only after its own plaintext reads are done, and
	 * refuses bytes sent after the STARTTLS reply). */
	SSL_CTX_set_read_ahead(ctx, 1);
	/* A connection waiting on the network (most of its life under
	 * latency) holds no record buffers: with -j 64 that is 64 x ~34 KB
	 * of peak memory less. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	/* Sessions are never resumed (every connection is verified from
	 * scratch against the TLSA records), so tickets are only work. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	return ctx;
}

int tlsa_ssl_new(SSL_CTX *ctx, const char *base_domain, const char *mx_host,
		 const tlsa_set *set, SSL **out, size_t *n_usable)
{
	SSL *ssl = SSL_new(ctx);
	size_t i, n = 0;

	*n_usable = 0;
	if (ssl == NULL)
		return DP_ENOMEM;
	/* RFC 7672 2.2.2/3.2.2: SNI and the first reference identifier are
	 * the TLSA base domain; SSL_dane_enable sets both. */
	if (SSL_dane_enable(ssl, base_domain) <= 0)
		goto fail;
	/* RFC 7672 3.2.2: the MX host name (before CNAME expansion) is also
	 * accepted for DANE-TA(2); no partial wildcards ("f*.example"). */
	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	/* Certificate validity (DANE-TA chains) is judged at --now like
	 * everything else, not at OpenSSL's own reading of the clock. */
	X509_VERIFY_PARAM_set_time(SSL_get0_param(ssl), (time_t)dp_now());
	if (mx_host != NULL && strcasecmp(mx_host, base_domain) != 0 &&
	    SSL_add1_host(ssl, mx_host) != 1)
		goto fail;
	for (i = 0; set != NULL && i < set->n; i++) {
		const tlsa_rec *r = &set->recs[i];
		int ret;

		if (!tlsa_rec_usable(r, NULL))
			continue;
		ret = SSL_dane_tlsa_add(ssl, r->usage, r->selector, r->mtype, r->data, r->len);
		if (ret > 0)
			n++;
		else if (ret < 0)
			goto fail;
		/* 0: OpenSSL found it unusable (e.g. malformed DER). */
	}
	ERR_clear_error();
	*n_usable = n;
	*out = ssl;
	return DP_OK;
fail:
	ERR_clear_error();
	SSL_free(ssl);
	return DP_ECRYPTO;
}

static void tlsa_matched(SSL *ssl, char *matched, size_t len, int *depth)
{
	uint8_t u, s, m;
	const unsigned char *d;
	size_t dl;
	int dep = SSL_get0_dane_tlsa(ssl, &u, &s, &m, &d, &dl);

	if (depth != NULL)
		*depth = dep;
	if (matched != NULL && len > 0) {
		if (dep >= 0) {
			tlsa_rec r = { u, s, m, (unsigned char *)d, dl };
			tlsa_rec_format(&r, matched, len);
		} else {
			matched[0] = '\0';
		}
	}
}

int tlsa_ssl_outcome(SSL *ssl, char *matched, size_t matched_len, int *depth,
		     char *reason, size_t reason_len)
{
	long vr = SSL_get_verify_result(ssl);

	tlsa_matched(ssl, matched, matched_len, depth);
	if (vr == X509_V_OK && SSL_get0_dane_authority(ssl, NULL, NULL) >= 0) {
		if (reason != NULL && reason_len > 0)
			reason[0] = '\0';
		return DP_OK;
	}
	if (reason != NULL && reason_len > 0)
		snprintf(reason, reason_len, "%s",
			 vr != X509_V_OK ? X509_verify_cert_error_string(vr)
					 : "no TLSA record matched the certificate chain");
	return DP_EVERIFY;
}

int tlsa_check_chain(SSL_CTX *ctx, STACK_OF(X509) *chain, const char *base_domain,
		     const char *mx_host, const tlsa_set *set, int64_t now,
		     char *matched, size_t matched_len, int *depth,
		     char *reason, size_t reason_len)
{
	SSL *ssl = NULL;
	X509_STORE *store = NULL;
	X509_STORE_CTX *xs = NULL;
	size_t n_usable = 0;
	int rc = DP_ECRYPTO, ok;

	if (chain == NULL || sk_X509_num(chain) < 1) {
		snprintf(reason, reason_len, "the certificate chain is empty");
		return DP_EINVAL;
	}
	rc = tlsa_ssl_new(ctx, base_domain, mx_host, set, &ssl, &n_usable);
	if (rc != DP_OK) {
		snprintf(reason, reason_len, "could not set up OpenSSL DANE");
		return rc;
	}
	if (n_usable == 0) {
		snprintf(reason, reason_len, "no usable TLSA record (only usages 2 and 3 apply to SMTP, RFC 7672 3.1.3)");
		SSL_free(ssl);
		return DP_EINVAL;
	}
	rc = DP_ECRYPTO;
	store = X509_STORE_new();
	xs = X509_STORE_CTX_new();
	if (store == NULL || xs == NULL ||
	    !X509_STORE_CTX_init(xs, store, sk_X509_value(chain, 0), chain))
		goto done;
	/* The same settings libssl uses for a server chain: purpose, the
	 * reference names of the SSL object, and its DANE state. */
	X509_STORE_CTX_set_default(xs, "ssl_server");
	if (!X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(xs), SSL_get0_param(ssl)))
		goto done;
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(xs), (time_t)now);
	X509_STORE_CTX_set0_dane(xs, SSL_get0_dane(ssl));
	ok = X509_verify_cert(xs);
	tlsa_matched(ssl, matched, matched_len, depth);
	if (ok == 1) {
		reason[0] = '\0';
		rc = DP_OK;
	} else {
		int e = X509_STORE_CTX_get_error(xs);
		snprintf(reason, reason_len, "%s (depth %d)",
			 e == X509_V_OK ? "no TLSA record matched" : X509_verify_cert_error_string(e),
			 X509_STORE_CTX_get_error_depth(xs));
		rc = DP_EVERIFY;
	}
done:
	ERR_clear_error();
	X509_STORE_CTX_free(xs);
	X509_STORE_free(store);
	SSL_free(ssl);
	return rc;
}
