/*
 * pki_test.h - certificates made in memory for the unit tests of the
 * TLSA matching (test_tlsa.c) and of the certificate evidence
 * (test_certinfo.c): keys, certificates signed by a CA or self-signed,
 * and the TLSA association data of a certificate.  Include after
 * <cmocka.h>.
 */
#ifndef DP_PKI_TEST_H
#define DP_PKI_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include "probe/dane/tlsa.h"

#define DAY (24 * 3600L)

static inline EVP_PKEY *key_new(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	assert_non_null(k);
	return k;
}

/* A certificate for key, signed by (ca, ca_key) or self-signed. */
static inline X509 *cert_new(EVP_PKEY *key, const char *cn, const char *san, X509 *ca,
		      EVP_PKEY *ca_key, int is_ca, long from, long to)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	static long serial = 1;

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_time_adj_ex(X509_getm_notBefore(x), 0, from, NULL);
	X509_time_adj_ex(X509_getm_notAfter(x), 0, to, NULL);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : name);
	X509V3_set_ctx(&v3, ca ? ca : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
				  is_ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (is_ca) {
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage, "critical,keyCertSign,cRLSign");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	if (san != NULL) {
		char buf[300];
		snprintf(buf, sizeof buf, "DNS:%s", san);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, buf);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, ca_key ? ca_key : key, EVP_sha256()) > 0);
	X509_NAME_free(name);
	return x;
}

/* TLSA association data for x. */
static inline tlsa_rec rec_for(X509 *x, uint8_t usage, uint8_t sel, uint8_t mt)
{
	tlsa_rec r = { usage, sel, mt, NULL, 0 };
	unsigned char *der = NULL;
	int len = sel == 0 ? i2d_X509(x, &der) : i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	unsigned int dl = 0;

	assert_true(len > 0);
	if (mt == 0) {
		r.data = malloc((size_t)len);
		memcpy(r.data, der, (size_t)len);
		r.len = (size_t)len;
	} else {
		r.data = malloc(EVP_MAX_MD_SIZE);
		EVP_Digest(der, (size_t)len, r.data, &dl, mt == 1 ? EVP_sha256() : EVP_sha512(), NULL);
		r.len = dl;
	}
	OPENSSL_free(der);
	return r;
}

#endif
