/*
 * bootstrap.c - RFC 9718 bootstrap: fetch, verify, parse (see bootstrap.h
 * for the failure policy).
 *
 * The order matters: nothing of the XML is looked at before its signature
 * has verified against the configured CA at the given time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "probe/net/curl_dl.h"
#include <openssl/bio.h>
#include <openssl/pem.h>  /* before cms.h, for PEM_read_bio_CMS */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include "probe/anchor/bootstrap.h"
#include "probe/util/fileio.h"

#define P7S_MAX_SIZE (64 * 1024)

typedef struct blob {
	char *p;
	size_t len, max;
	int too_big;
} blob;

/* How messages name the CA: its file, or the built-in one. */
static const char *ca_name(const bootstrap_opts *o)
{
	return o->ca_path != NULL ? o->ca_path : DP_BUILTIN_ICANN_CA_NAME;
}

/* The last OpenSSL error with its detail ("certificate verify error
 * (Verify error:certificate has expired)"). */
static void ossl_reason(char *buf, size_t len)
{
	unsigned long e, last = 0;
	const char *data = NULL, *d;
	int flags, f;
	char reason[160];

	while ((e = ERR_get_error_all(NULL, NULL, NULL, &d, &f)) != 0) {
		last = e;
		data = d;
		flags = f;
	}
	if (last == 0) {
		snprintf(buf, len, "no detail");
		return;
	}
	ERR_error_string_n(last, reason, sizeof(reason));
	if (data != NULL && *data != '\0' && (flags & ERR_TXT_STRING))
		snprintf(buf, len, "%s (%s)", reason, data);
	else
		snprintf(buf, len, "%s", reason);
}

/* ---- reading and fetching ---- */

static int read_local(const char *path, size_t max, blob *b, char *err, size_t errlen)
{
	int rc = dp_read_file_max(path, max, &b->p, &b->len, err, errlen);

	/* The anchor commands have always said "cannot read" for both an
	 * open and a read failure. */
	if (rc == DP_EIO)
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
	return rc;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	blob *b = ud;
	size_t n = size * nmemb;

	if (b->len + n > b->max) {
		b->too_big = 1;
		return 0;   /* makes curl stop with CURLE_WRITE_ERROR */
	}
	char *np = realloc(b->p, b->len + n + 1);
	if (np == NULL)
		return 0;
	b->p = np;
	memcpy(b->p + b->len, ptr, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

static int url_allowed(const char *url)
{
	return strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "file://", 7) == 0;
}

static int fetch(const bootstrap_opts *o, const char *url, size_t max, blob *b,
		 char *err, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "";
	long timeout = o->timeout_ms > 0 ? o->timeout_ms : 20000;
	CURLcode cc;
	CURL *c;

	if (!url_allowed(url)) {
		snprintf(err, errlen, "refusing %s: only https:// (or file://) URLs", url);
		return DP_EINVAL;
	}
	if ((c = curl_easy_init()) == NULL)
		return DP_ENOMEM;
	b->max = max;
	curl_easy_setopt(c, CURLOPT_URL, url);
	/* HTTPS only, also after a redirect (file:// for offline use). */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout < 10000 ? timeout : 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "daneprobe-anchor/1");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	if (o->tls_cainfo != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->tls_cainfo);
	cc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	if (cc == CURLE_OK && b->p != NULL)
		return DP_OK;
	if (b->too_big) {
		snprintf(err, errlen, "%s: larger than %zu bytes", url, max);
		return DP_ELIMIT;
	}
	snprintf(err, errlen, "cannot fetch %s: %s", url,
		 cc == CURLE_OK ? "empty document" : cerr[0] ? cerr : curl_easy_strerror(cc));
	switch (cc) {
	case CURLE_OK:
		return DP_EPARSE;
	case CURLE_OPERATION_TIMEDOUT:
		return DP_ETIMEOUT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return DP_ETLS;
	case CURLE_FILE_COULDNT_READ_FILE:
		return DP_EIO;
	default:
		return DP_ENET;
	}
}

/* The signature's URL: .xml replaced by .p7s, else .p7s appended. */
static char *p7s_url(const char *url)
{
	size_t n = strlen(url);
	char *s = malloc(n + 5);

	if (s == NULL)
		return NULL;
	memcpy(s, url, n + 1);
	if (n > 4 && strcasecmp(s + n - 4, ".xml") == 0)
		strcpy(s + n - 4, ".p7s");
	else
		strcat(s, ".p7s");
	return s;
}

/* ---- CMS ---- */

static CMS_ContentInfo *cms_read(const char *p7s, size_t len)
{
	BIO *b = BIO_new_mem_buf(p7s, (int)len);
	CMS_ContentInfo *cms;

	if (b == NULL)
		return NULL;
	cms = d2i_CMS_bio(b, NULL);
	if (cms == NULL) {
		ERR_clear_error();
		BIO_free(b);
		if ((b = BIO_new_mem_buf(p7s, (int)len)) == NULL)
			return NULL;
		cms = PEM_read_bio_CMS(b, NULL, NULL, NULL);
	}
	BIO_free(b);
	return cms;
}

/* Every certificate of the PEM text pem; 0 when there is none. */
static int ca_add_pem(X509_STORE *st, const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	STACK_OF(X509_INFO) *infos = b != NULL ? PEM_X509_INFO_read_bio(b, NULL, NULL, NULL) : NULL;
	int added = 0;

	for (int i = 0; infos != NULL && i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 != NULL && X509_STORE_add_cert(st, xi->x509) == 1)
			added++;
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(b);
	return added > 0;
}

static X509_STORE *ca_store(const bootstrap_opts *o, char *err, size_t errlen)
{
	X509_STORE *st = X509_STORE_new();
	X509_VERIFY_PARAM *param;
	char why[256];
	int ok;

	if (st == NULL)
		return NULL;
	ok = o->ca_path != NULL ? X509_STORE_load_file(st, o->ca_path) == 1 : ca_add_pem(st, o->ca_pem);
	if (!ok) {
		ossl_reason(why, sizeof(why));
		snprintf(err, errlen, "cannot load CA certificates %s: %s", ca_name(o), why);
		X509_STORE_free(st);
		return NULL;
	}
	/* Certificates are checked at `now` (--now), not at the system time;
	 * the purpose is left to the CA: ICANN's root issues only for this. */
	param = X509_STORE_get0_param(st);
	X509_VERIFY_PARAM_set_time(param, (time_t)o->now);
	X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_ANY);
	return st;
}

/* Every signer's subject must carry emailAddress = want. */
static int signer_ok(CMS_ContentInfo *cms, const char *want, char *err, size_t errlen)
{
	STACK_OF(X509) *signers = CMS_get0_signers(cms);
	char got[256] = "";
	int ok = signers != NULL && sk_X509_num(signers) > 0;

	for (int i = 0; ok && i < sk_X509_num(signers); i++) {
		X509_NAME *n = X509_get_subject_name(sk_X509_value(signers, i));
		got[0] = '\0';
		if (X509_NAME_get_text_by_NID(n, NID_pkcs9_emailAddress, got, sizeof(got)) < 0 ||
		    strcasecmp(got, want) != 0)
			ok = 0;
	}
	sk_X509_free(signers);
	if (!ok)
		snprintf(err, errlen, "root-anchors.p7s signer is '%s', not %s", got, want);
	return ok;
}

int bootstrap_verify(const bootstrap_opts *o, const char *xml, size_t xml_len,
		     const char *p7s, size_t p7s_len, char *err, size_t errlen)
{
	CMS_ContentInfo *cms = NULL;
	X509_STORE *store = NULL;
	BIO *content = NULL;
	char why[256];
	int rc = DP_EVERIFY;

	ERR_clear_error();
	if (xml == NULL || p7s == NULL || (o->ca_path == NULL && o->ca_pem == NULL) || p7s_len > P7S_MAX_SIZE ||
	    xml_len > ROOTXML_MAX_SIZE)
		return DP_EINVAL;
	if ((cms = cms_read(p7s, p7s_len)) == NULL) {
		snprintf(err, errlen, "root-anchors.p7s is not a CMS/PKCS#7 signature");
		rc = DP_EPARSE;
		goto out;
	}
	if ((store = ca_store(o, err, errlen)) == NULL) {
		rc = DP_EIO;
		goto out;
	}
	if ((content = BIO_new_mem_buf(xml, (int)xml_len)) == NULL) {
		rc = DP_ENOMEM;
		goto out;
	}
	if (CMS_verify(cms, NULL, store, content, NULL, CMS_DETACHED | CMS_BINARY) != 1) {
		ossl_reason(why, sizeof(why));
		snprintf(err, errlen, "signature of root-anchors.xml does not verify with CA %s: %s",
			 ca_name(o), why);
		goto out;
	}
	if (o->signer_email != NULL && !signer_ok(cms, o->signer_email, err, errlen))
		goto out;
	rc = DP_OK;
out:
	BIO_free(content);
	X509_STORE_free(store);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

/* ---- the whole bootstrap ---- */

static int get_pair(const bootstrap_opts *o, blob *xml, blob *sig, char *err, size_t errlen)
{
	char *surl;
	int rc;

	if (o->url == NULL) {
		if (o->xml_path == NULL || o->p7s_path == NULL) {
			snprintf(err, errlen, "bootstrap needs a URL or both --xml and --p7s");
			return DP_EINVAL;
		}
		if ((rc = read_local(o->xml_path, ROOTXML_MAX_SIZE, xml, err, errlen)) != DP_OK)
			return rc;
		return read_local(o->p7s_path, P7S_MAX_SIZE, sig, err, errlen);
	}
	if ((surl = p7s_url(o->url)) == NULL)
		return DP_ENOMEM;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(surl);
		return DP_ENOMEM;
	}
	rc = fetch(o, o->url, ROOTXML_MAX_SIZE, xml, err, errlen);
	if (rc == DP_OK)
		rc = fetch(o, surl, P7S_MAX_SIZE, sig, err, errlen);
	curl_global_cleanup();
	free(surl);
	return rc;
}

int bootstrap_run(const bootstrap_opts *o, ldns_rr_list **ds_out, rootxml_stats *stats,
		  char *err, size_t errlen)
{
	blob xml = { 0 }, sig = { 0 };
	ldns_rr_list *ds = NULL;
	ldns_rdf *root = NULL;
	int rc;

	if (o == NULL || ds_out == NULL || (o->ca_path == NULL && o->ca_pem == NULL))
		return DP_EINVAL;
	if ((rc = get_pair(o, &xml, &sig, err, errlen)) != DP_OK)
		goto out;
	rc = bootstrap_verify(o, xml.p, xml.len, sig.p, sig.len, err, errlen);
	if (rc != DP_OK)
		goto out;
	if ((rc = rootxml_parse(xml.p, xml.len, o->now, &ds, stats, err, errlen)) != DP_OK)
		goto out;
	/* The root's anchors, nothing else. */
	root = ldns_dname_new_frm_str(".");
	if (root == NULL || ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(ds, 0)), root) != 0) {
		snprintf(err, errlen, "root-anchors.xml is not for the root zone");
		rc = root == NULL ? DP_ENOMEM : DP_EPARSE;
		ldns_rr_list_deep_free(ds);
		goto out;
	}
	*ds_out = ds;
out:
	ldns_rdf_deep_free(root);
	free(xml.p);
	free(sig.p);
	return rc;
}

int bootstrap_state(const rfc5011_tp *old, const ldns_rr_list *ds, int64_t now,
		    rfc5011_tp **out, char *note, size_t notelen)
{
	ldns_rdf *root = ldns_dname_new_frm_str(".");
	rfc5011_tp *tp = NULL;
	size_t used = 0, len;
	int rc;

	if (note != NULL && notelen > 0)
		note[0] = '\0';
	if (root == NULL || (rc = rfc5011_tp_new(root, &tp)) != DP_OK) {
		ldns_rdf_deep_free(root);
		return DP_ENOMEM;
	}
	ldns_rdf_deep_free(root);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ds); i++) {
		const ldns_rr *d = ldns_rr_list_rr(ds, i);
		if (rfc5011_ds_revoked(old, d)) {
			len = note != NULL ? strlen(note) : 0;
			if (note != NULL && len < notelen)
				snprintf(note + len, notelen - len, "%skey %u is revoked: not trusted again",
					 len ? "; " : "", ldns_rdf2native_int16(ldns_rr_rdf(d, 0)));
			continue;
		}
		if ((rc = rfc5011_add_ds(tp, d, now)) != DP_OK)
			goto fail;
		used++;
	}
	for (size_t i = 0; old != NULL && i < old->n_keys; i++) {
		const rfc5011_key *k = &old->keys[i];
		rfc5011_key *nk;
		if (k->state != RFC5011_REVOKED && k->state != RFC5011_REMOVED)
			continue;
		if (tp->n_keys >= RFC5011_MAX_KEYS)
			break;
		nk = realloc(tp->keys, (tp->n_keys + 1) * sizeof(*nk));
		if (nk == NULL) {
			rc = DP_ENOMEM;
			goto fail;
		}
		tp->keys = nk;
		nk[tp->n_keys] = *k;
		nk[tp->n_keys].dnskey = k->dnskey ? ldns_rr_clone(k->dnskey) : NULL;
		nk[tp->n_keys].ds = k->ds ? ldns_rr_clone(k->ds) : NULL;
		tp->n_keys++;
	}
	if (used == 0) {
		rc = DP_ENOTFOUND;
		goto fail;
	}
	tp->high_water = old != NULL && old->high_water > now ? old->high_water : now;
	tp->next_probe = now;
	*out = tp;
	return DP_OK;
fail:
	rfc5011_tp_free(tp);
	return rc;
}
