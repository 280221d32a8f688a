/*
 * test_tlsa.c - TLSA matching through OpenSSL DANE with certificates made
 * here: DANE-EE (3 1 1, 3 0 1), DANE-TA with a private CA (2 1 1, 2 0 2),
 * unusable usages 0/1, DANE-EE ignoring an expired certificate and a
 * wrong name, the DANE-TA name check, digest agility, and one live TLS
 * handshake over a socket pair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <openssl/ssl.h>
#include "probe/dane/tlsa.h"
#include "probe/dane/smtp.h"
#include "probe/util/clock.h"

#include "tests/unit/pki_test.h"

struct pki {
	EVP_PKEY *ca_key, *leaf_key, *other_key;
	X509 *ca, *leaf, *expired_leaf, *other;
	SSL_CTX *ctx;
};
static struct pki P;

static int pki_setup(void **state)
{
	(void)state;
	P.ca_key = key_new();
	P.leaf_key = key_new();
	P.other_key = key_new();
	P.ca = cert_new(P.ca_key, "Lab Private CA", NULL, NULL, NULL, 1, -DAY, 3650 * DAY);
	P.leaf = cert_new(P.leaf_key, "mx1.dane.example", "mx1.dane.example", P.ca, P.ca_key, 0, -DAY, 365 * DAY);
	P.expired_leaf = cert_new(P.leaf_key, "wrong.name.example", "wrong.name.example", P.ca, P.ca_key, 0,
				  -400 * DAY, -30 * DAY);
	P.other = cert_new(P.other_key, "mx1.dane.example", "mx1.dane.example", NULL, NULL, 0, -DAY, 365 * DAY);
	P.ctx = tlsa_ctx_new();
	assert_non_null(P.ctx);
	return 0;
}

static int pki_teardown(void **state)
{
	(void)state;
	X509_free(P.ca); X509_free(P.leaf); X509_free(P.expired_leaf); X509_free(P.other);
	EVP_PKEY_free(P.ca_key); EVP_PKEY_free(P.leaf_key); EVP_PKEY_free(P.other_key);
	SSL_CTX_free(P.ctx);
	return 0;
}

/* Run tlsa_check_chain on (leaf[, ca]) with the given records. */
static int check(X509 *leaf, X509 *ca, const char *base, const char *mx, tlsa_rec *recs,
		 size_t n, char *matched, size_t mlen)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	tlsa_set set = { recs, n };
	char reason[256];
	int depth = -9, rc;

	sk_X509_push(chain, leaf);
	if (ca != NULL)
		sk_X509_push(chain, ca);
	rc = tlsa_check_chain(P.ctx, chain, base, mx, &set, dp_now(), matched, mlen,
			      &depth, reason, sizeof reason);
	sk_X509_free(chain);
	return rc;
}

static void free_recs(tlsa_rec *r, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(r[i].data);
}

static void test_dane_ee_311(void **state)
{
	tlsa_rec r[1];
	char m[300];

	(void)state;
	r[0] = rec_for(P.leaf, 3, 1, 1);
	assert_int_equal(check(P.leaf, NULL, "mx1.dane.example", NULL, r, 1, m, sizeof m), DP_OK);
	assert_memory_equal(m, "3 1 1 ", 6);
	assert_int_equal(strlen(m), 6 + 64);
	/* A different key: no match. */
	assert_int_equal(check(P.other, NULL, "mx1.dane.example", NULL, r, 1, m, sizeof m), DP_EVERIFY);
	free_recs(r, 1);
}

static void test_dane_ee_301(void **state)
{
	tlsa_rec r[1];
	char m[300];

	(void)state;
	r[0] = rec_for(P.leaf, 3, 0, 1);
	assert_int_equal(check(P.leaf, P.ca, "mx1.dane.example", NULL, r, 1, m, sizeof m), DP_OK);
	assert_memory_equal(m, "3 0 1 ", 6);
	/* Selector 0 binds the whole certificate: the same key in another
	 * certificate does not match. */
	assert_int_equal(check(P.expired_leaf, P.ca, "mx1.dane.example", NULL, r, 1, m, sizeof m), DP_EVERIFY);
	free_recs(r, 1);
}

static void test_dane_ee_ignores_expiry_and_name(void **state)
{
	tlsa_rec r[1];
	char m[300];

	(void)state;
	/* RFC 7672 3.1.1: expired, and named wrong.name.example. */
	r[0] = rec_for(P.expired_leaf, 3, 1, 1);
	assert_int_equal(check(P.expired_leaf, NULL, "mx1.dane.example", NULL, r, 1, m, sizeof m), DP_OK);
	free_recs(r, 1);
}

static void test_dane_ta_211_private_ca(void **state)
{
	tlsa_rec r[1];
	char m[300];

	(void)state;
	r[0] = rec_for(P.ca, 2, 1, 1);
	assert_int_equal(check(P.leaf, P.ca, "mx1.dane.example", NULL, r, 1, m, sizeof m), DP_OK);
	assert_memory_equal(m, "2 1 1 ", 6);
	/* A leaf not issued by that CA. */
	assert_int_equal(check(P.other, NULL, "mx1.dane.example", NULL, r, 1, m, sizeof m), DP_EVERIFY);
	free_recs(r, 1);
}

static void test_dane_ta_202(void **state)
{
	tlsa_rec r[1];
	char m[300];

	(void)state;
	r[0] = rec_for(P.ca, 2, 0, 2);
	assert_int_equal(check(P.leaf, P.ca, "mx1.dane.example", NULL, r, 1, m, sizeof m), DP_OK);
	assert_memory_equal(m, "2 0 2 ", 6);
	free_recs(r, 1);
}

static void test_dane_ta_200_not_sent(void **state)
{
	tlsa_rec r[1];
	char m[5000];

	(void)state;
	/* 2 0 0 carries the whole CA certificate: the server need not
	 * send it (RFC 7671 5.2.2). */
	r[0] = rec_for(P.ca, 2, 0, 0);
	assert_int_equal(check(P.leaf, NULL, "mx1.dane.example", NULL, r, 1, m, sizeof m), DP_OK);
	free_recs(r, 1);
}

static void test_dane_ta_name_check(void **state)
{
	tlsa_rec r[1];
	char m[300];

	(void)state;
	r[0] = rec_for(P.ca, 2, 1, 1);
	/* RFC 7672 3.2.2: the leaf must carry the TLSA base domain or the
	 * MX host name. */
	assert_int_equal(check(P.leaf, P.ca, "mx9.dane.example", NULL, r, 1, m, sizeof m), DP_EVERIFY);
	assert_int_equal(check(P.leaf, P.ca, "mx9.dane.example", "mx1.dane.example", r, 1, m, sizeof m), DP_OK);
	/* DANE-TA does check expiry. */
	assert_int_equal(check(P.expired_leaf, P.ca, "wrong.name.example", NULL, r, 1, m, sizeof m), DP_EVERIFY);
	free_recs(r, 1);
}

static void test_unusable_usages(void **state)
{
	tlsa_rec r[2];
	char m[300];
	const char *why = NULL;

	(void)state;
	r[0] = rec_for(P.leaf, 1, 1, 1);
	r[1] = rec_for(P.ca, 0, 1, 1);
	assert_int_equal(tlsa_rec_usable(&r[0], &why), 0);
	assert_non_null(strstr(why, "RFC 7672 3.1.3"));
	{
		tlsa_set set = { r, 2 };
		assert_int_equal(tlsa_set_usable(&set), 0);
	}
	assert_int_equal(check(P.leaf, P.ca, "mx1.dane.example", NULL, r, 2, m, sizeof m), DP_EINVAL);
	free_recs(r, 2);
	{
		tlsa_rec bad = { 3, 1, 1, (unsigned char *)"abc", 3 };
		tlsa_rec sel = { 3, 2, 1, (unsigned char *)"abc", 3 };
		assert_int_equal(tlsa_rec_usable(&bad, &why), 0);
		assert_int_equal(tlsa_rec_usable(&sel, &why), 0);
	}
}

static void test_digest_agility(void **state)
{
	tlsa_rec r[2];
	char m[300];

	(void)state;
	/* RFC 7671 9: with SHA-256 and SHA-512 records for the same usage
	 * and selector, only the stronger (SHA-512) is used. */
	r[0] = rec_for(P.other, 3, 1, 1);   /* wrong, SHA-256 */
	r[1] = rec_for(P.leaf, 3, 1, 2);    /* right, SHA-512 */
	assert_int_equal(check(P.leaf, NULL, "mx1.dane.example", NULL, r, 2, m, sizeof m), DP_OK);
	assert_memory_equal(m, "3 1 2 ", 6);
	free_recs(r, 2);
	r[0] = rec_for(P.leaf, 3, 1, 1);    /* right, SHA-256 */
	r[1] = rec_for(P.other, 3, 1, 2);   /* wrong, SHA-512: wins */
	assert_int_equal(check(P.leaf, NULL, "mx1.dane.example", NULL, r, 2, m, sizeof m), DP_EVERIFY);
	free_recs(r, 2);
}

static void test_parse_text(void **state)
{
	tlsa_set set;
	char err[200], m[300];
	const char *txt =
		"; comment\n$ORIGIN dane.example.\n$TTL 300\n"
		"_25._tcp.mx1 IN TLSA 3 1 1 (\n"
		"  0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef )\n"
		"_25._tcp.mx1 IN TLSA 2 0 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
		"mx1 IN A 192.0.2.1\n";

	(void)state;
	assert_int_equal(tlsa_set_parse_text(txt, &set, err, sizeof err), DP_OK);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.recs[1].usage, 2);
	tlsa_rec_format(&set.recs[0], m, sizeof m);
	assert_string_equal(m, "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	tlsa_set_free(&set);
	assert_int_equal(tlsa_set_parse_text("x IN TLSA 3 1\n", &set, err, sizeof err), DP_EPARSE);
	assert_int_equal(tlsa_set_parse_text("; nothing\n", &set, err, sizeof err), DP_EPARSE);
}

/* ---- a live handshake over a socket pair ---- */

struct srv { int fd; X509 *cert; EVP_PKEY *key; };

static void *tls_server(void *arg)
{
	struct srv *s = arg;
	SSL_CTX *c = SSL_CTX_new(TLS_server_method());
	SSL *ssl;

	SSL_CTX_use_certificate(c, s->cert);
	SSL_CTX_use_PrivateKey(c, s->key);
	ssl = SSL_new(c);
	SSL_set_fd(ssl, s->fd);
	if (SSL_accept(ssl) == 1) {
		char b[64];
		(void)SSL_read(ssl, b, sizeof b);
	}
	SSL_free(ssl);
	SSL_CTX_free(c);
	close(s->fd);
	return NULL;
}

static int live(X509 *cert, tlsa_rec *r, size_t n, char *matched, size_t mlen)
{
	int sv[2], rc;
	struct srv s;
	pthread_t t;
	smtp_session sess;
	tlsa_set set = { r, n };
	SSL *ssl;
	size_t nu;
	char reason[256];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s.fd = sv[1];
	s.cert = cert;
	s.key = P.leaf_key;
	pthread_create(&t, NULL, tls_server, &s);
	smtp_session_init(&sess);
	sess.fd = sv[0];
	sess.deadline_ms = dp_mono_ms() + 5000;
	assert_int_equal(tlsa_ssl_new(P.ctx, "mx1.dane.example", NULL, &set, &ssl, &nu), DP_OK);
	assert_int_equal(nu, n);
	assert_int_equal(smtp_tls_handshake(&sess, ssl), DP_OK);
	rc = tlsa_ssl_outcome(ssl, matched, mlen, NULL, reason, sizeof reason);
	smtp_close(&sess);
	pthread_join(t, NULL);
	SSL_free(ssl);
	return rc;
}

static void test_live_handshake(void **state)
{
	tlsa_rec r[1];
	char m[300];

	(void)state;
	r[0] = rec_for(P.leaf, 3, 1, 1);
	assert_int_equal(live(P.leaf, r, 1, m, sizeof m), DP_OK);
	assert_memory_equal(m, "3 1 1 ", 6);
	free_recs(r, 1);
	r[0] = rec_for(P.other, 3, 1, 1);
	assert_int_equal(live(P.leaf, r, 1, m, sizeof m), DP_EVERIFY);
	free_recs(r, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dane_ee_311),
		cmocka_unit_test(test_dane_ee_301),
		cmocka_unit_test(test_dane_ee_ignores_expiry_and_name),
		cmocka_unit_test(test_dane_ta_211_private_ca),
		cmocka_unit_test(test_dane_ta_202),
		cmocka_unit_test(test_dane_ta_200_not_sent),
		cmocka_unit_test(test_dane_ta_name_check),
		cmocka_unit_test(test_unusable_usages),
		cmocka_unit_test(test_digest_agility),
		cmocka_unit_test(test_parse_text),
		cmocka_unit_test(test_live_handshake),
	};
	/* A peer that closes first must not kill the test (SSL_write). */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, pki_setup, pki_teardown);
}
