/*
 * test_certinfo.c - the certificate evidence and the warnings of issue 13:
 * hashes and records against rec_for (OpenSSL's own DER encoders and
 * digests), which record is marked published, which certificate a record
 * matches (usage 3 the leaf only, usage 2 the issuers), the one-key count
 * (RFC 7671 8.1), certificate and RRSIG expiry thresholds with their
 * defaults, "off" and custom values, names with hostile bytes, and the
 * validator's last RRSIG expiration with serial arithmetic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "probe/dane/certinfo.h"
#include "probe/dane/warn.h"
#include "validator/dnssec.h"
#include "tests/unit/pki_test.h"

static struct {
	EVP_PKEY *ca_key, *leaf_key, *next_key;
	X509 *ca, *leaf, *next;
} P;

static int pki_setup(void **state)
{
	(void)state;
	P.ca_key = key_new();
	P.leaf_key = key_new();
	P.next_key = key_new();
	P.ca = cert_new(P.ca_key, "Lab CA", NULL, NULL, NULL, 1, -DAY, 3650 * DAY);
	P.leaf = cert_new(P.leaf_key, "mx1.example", "mx1.example", P.ca, P.ca_key, 0, -DAY, 20 * DAY);
	P.next = cert_new(P.next_key, "mx1.example", "mx1.example", P.ca, P.ca_key, 0, -DAY, 90 * DAY);
	return 0;
}

static int pki_teardown(void **state)
{
	(void)state;
	X509_free(P.ca); X509_free(P.leaf); X509_free(P.next);
	EVP_PKEY_free(P.ca_key); EVP_PKEY_free(P.leaf_key); EVP_PKEY_free(P.next_key);
	return 0;
}

/* Describe (leaf[, ca]) against the n records. */
static void collect(X509 *leaf, X509 *ca, tlsa_rec *recs, size_t n, cert_chain *out)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	tlsa_set set = { recs, n };

	sk_X509_push(chain, leaf);
	if (ca != NULL)
		sk_X509_push(chain, ca);
	assert_int_equal(certinfo_collect(chain, &set, out), DP_OK);
	sk_X509_free(chain);
}

static void free_recs(tlsa_rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].data);
}

static void fmt(X509 *x, uint8_t u, uint8_t s, char *buf, size_t len)
{
	tlsa_rec r = rec_for(x, u, s, 1);
	tlsa_rec_format(&r, buf, len);
	free(r.data);
}

static void test_hashes_and_records(void **state)
{
	cert_chain c;
	char want[100];

	(void)state;
	collect(P.leaf, P.ca, NULL, 0, &c);
	assert_int_equal(c.n, 2);
	fmt(P.leaf, 3, 1, want, sizeof want);
	assert_string_equal(c.certs[0].record, want);
	assert_string_equal(c.certs[0].spki_sha256, want + 6);
	fmt(P.leaf, 3, 0, want, sizeof want);
	assert_string_equal(c.certs[0].sha256, want + 6);
	fmt(P.ca, 2, 1, want, sizeof want);
	assert_string_equal(c.certs[1].record, want);
	assert_string_equal(c.certs[0].subject, "CN=mx1.example");
	assert_string_equal(c.certs[0].issuer, "CN=Lab CA");
	assert_int_equal(c.certs[1].depth, 1);
	/* validity: -1 day .. +20 days around now, to the second */
	assert_true(c.certs[0].not_after - c.certs[0].not_before == 21 * DAY);
	assert_int_equal(c.certs[0].published, 0);
	assert_int_equal(c.certs[0].matched_by, -1);
	assert_int_equal(certinfo_keys_covered(&c), 0);
	certinfo_free(&c);
}

static void test_published_and_matched(void **state)
{
	tlsa_rec r[3];
	cert_chain c;

	(void)state;
	r[0] = rec_for(P.leaf, 3, 0, 1);   /* matches the leaf, not the 3 1 1 form */
	r[1] = rec_for(P.ca, 2, 1, 1);     /* the recommended issuer record */
	r[2] = rec_for(P.leaf, 2, 1, 1);   /* usage 2 never binds the leaf */
	collect(P.leaf, P.ca, r, 3, &c);
	assert_int_equal(c.certs[0].published, 0);
	assert_int_equal(c.certs[0].matched_by, 0);
	assert_int_equal(c.certs[1].published, 1);
	assert_int_equal(c.certs[1].matched_by, 1);
	assert_int_equal(c.unmatched, 1);             /* r[2] */
	assert_int_equal(certinfo_keys_covered(&c), 3);
	certinfo_free(&c);
	free_recs(r, 3);
}

static void test_one_key_warning(void **state)
{
	tlsa_rec r[2];
	cert_chain c;
	dane_warnings ws = { NULL, 0 };
	dane_warn_cfg off = { 0, 0, -1 };

	(void)state;
	r[0] = rec_for(P.leaf, 3, 1, 1);
	collect(P.leaf, NULL, r, 1, &c);
	assert_int_equal(certinfo_keys_covered(&c), 1);
	assert_int_equal(dane_warn_one_key(&ws, NULL, &c, "_25._tcp.mx1.example"), DP_OK);
	assert_int_equal(ws.n, 1);
	assert_int_equal(ws.w[0].kind, DW_TLSA_ONE_KEY);
	assert_non_null(strstr(ws.w[0].text, "current + next"));
	assert_int_equal(dane_warn_one_key(&ws, NULL, &c, "_25._tcp.mx1.example"), DP_OK);
	assert_int_equal(ws.n, 1);                    /* once per TLSA name */
	dane_warnings_free(&ws);
	assert_int_equal(dane_warn_one_key(&ws, &off, &c, "_25._tcp.mx1.example"), DP_OK);
	assert_int_equal(ws.n, 0);
	certinfo_free(&c);

	/* current + next: the next key's record is published too */
	r[1] = rec_for(P.next, 3, 1, 1);
	collect(P.leaf, NULL, r, 2, &c);
	assert_int_equal(certinfo_keys_covered(&c), 2);
	assert_int_equal(dane_warn_one_key(&ws, NULL, &c, "_25._tcp.mx1.example"), DP_OK);
	assert_int_equal(ws.n, 0);
	certinfo_free(&c);

	/* only the next key: no match now, nothing to say about rollover */
	collect(P.leaf, NULL, &r[1], 1, &c);
	assert_int_equal(dane_warn_one_key(&ws, NULL, &c, "_25._tcp.mx1.example"), DP_OK);
	assert_int_equal(ws.n, 0);
	certinfo_free(&c);
	free_recs(r, 2);
}

/* The leaf expires 20 days after now: inside the default 21 days. */
static void test_cert_expiry(void **state)
{
	cert_chain c;
	dane_warnings ws = { NULL, 0 };
	dane_warn_cfg ten = { 10, 0, 0 }, off = { -1, 0, 0 };
	int64_t now;

	(void)state;
	collect(P.leaf, P.ca, NULL, 0, &c);
	/* an hour past the 19 days mark: "in 19 day(s)", to the second */
	now = c.certs[0].not_after - 19 * DAY - 3600;
	assert_int_equal(dane_warn_certs(&ws, NULL, &c, "192.0.2.25", now), DP_OK);
	assert_int_equal(ws.n, 1);
	assert_int_equal(ws.w[0].kind, DW_CERT_EXPIRY);
	assert_int_equal(ws.w[0].expires, c.certs[0].not_after);
	assert_non_null(strstr(ws.w[0].text, "in 19 day(s)"));
	assert_non_null(strstr(ws.w[0].text, "192.0.2.25"));
	/* the same certificate again (dual stack): one warning */
	assert_int_equal(dane_warn_certs(&ws, NULL, &c, "2001:db8::25", now), DP_OK);
	assert_int_equal(ws.n, 1);
	dane_warnings_free(&ws);
	assert_int_equal(dane_warn_certs(&ws, &ten, &c, "x", now), DP_OK);
	assert_int_equal(ws.n, 0);
	assert_int_equal(dane_warn_certs(&ws, &off, &c, "x", now), DP_OK);
	assert_int_equal(ws.n, 0);
	/* 30 days later the leaf has expired; the CA still has years */
	assert_int_equal(dane_warn_certs(&ws, NULL, &c, "x", now + 30 * DAY), DP_OK);
	assert_int_equal(ws.n, 1);
	assert_non_null(strstr(ws.w[0].text, "expired at"));
	dane_warnings_free(&ws);
	certinfo_free(&c);
}

static void test_rrsig_expiry(void **state)
{
	dane_warnings ws = { NULL, 0 };
	dane_warn_cfg five = { 0, 5, 0 }, off = { 0, -1, 0 };
	int64_t now = 1790000000;

	(void)state;
	assert_int_equal(dane_warn_rrsig(&ws, NULL, "mx.example", "A", now + 4 * DAY, now), DP_OK);
	assert_int_equal(ws.n, 0);
	assert_int_equal(dane_warn_rrsig(&ws, &five, "mx.example", "A", now + 4 * DAY, now), DP_OK);
	assert_int_equal(ws.n, 1);
	assert_string_equal(ws.w[0].subject, "mx.example/A");
	assert_int_equal(dane_warn_rrsig(&ws, NULL, "mx.example", "TLSA", now + 2 * DAY, now), DP_OK);
	assert_int_equal(ws.n, 2);
	assert_int_equal(dane_warn_rrsig(&ws, &off, "mx.example", "MX", now + 1, now), DP_OK);
	assert_int_equal(dane_warn_rrsig(&ws, NULL, "mx.example", "MX", 0, now), DP_OK);
	assert_int_equal(ws.n, 2);
	dane_warnings_free(&ws);
}

/* A name with a control byte and UTF-8 stays ASCII and printable. */
static void test_hostile_name(void **state)
{
	X509 *x = cert_new(P.next_key, "evil\x01\xc3\xa9", NULL, NULL, NULL, 0, -DAY, DAY);
	cert_chain c;
	size_t i;

	(void)state;
	collect(x, NULL, NULL, 0, &c);
	for (i = 0; c.certs[0].subject[i]; i++)
		assert_true(c.certs[0].subject[i] >= 0x20 && c.certs[0].subject[i] < 0x7f);
	assert_non_null(strstr(c.certs[0].subject, "evil"));
	certinfo_free(&c);
	X509_free(x);
}

static ldns_rr *rrsig(const char *expire)
{
	char text[400];
	ldns_rr *rr = NULL;

	snprintf(text, sizeof text, "mx.example. 300 IN RRSIG A 13 2 300 %s 20261101000000 12345 example. "
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", expire);
	assert_int_equal(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL), LDNS_STATUS_OK);
	return rr;
}

static void test_last_rrsig_expiration(void **state)
{
	ldns_rr_list *l = ldns_rr_list_new();
	int64_t now = 1795000000;   /* 2026-11-18 */

	(void)state;
	assert_int_equal(val_rrsigs_last_expiration(l, now), 0);
	ldns_rr_list_push_rr(l, rrsig("20261201000000"));   /* 1796083200 */
	ldns_rr_list_push_rr(l, rrsig("20261210000000"));   /* 1796860800 */
	ldns_rr_list_push_rr(l, rrsig("20261205000000"));
	assert_int_equal(val_rrsigs_last_expiration(l, now), INT64_C(1796860800));
	/* serial arithmetic (RFC 4034 3.1.5): seen from 2106 + a bit, the
	 * same 32-bit value is the 2106 + 2026 one */
	assert_int_equal(val_rrsigs_last_expiration(l, now + INT64_C(4294967296)),
			 INT64_C(1796860800) + INT64_C(4294967296));
	ldns_rr_list_deep_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashes_and_records),
		cmocka_unit_test(test_published_and_matched),
		cmocka_unit_test(test_one_key_warning),
		cmocka_unit_test(test_cert_expiry),
		cmocka_unit_test(test_rrsig_expiry),
		cmocka_unit_test(test_hostile_name),
		cmocka_unit_test(test_last_rrsig_expiration),
	};
	return cmocka_run_group_tests(tests, pki_setup, pki_teardown);
}
