/*
 * test_val_vectors.c - known-answer tests from the RFCs: key tags and DS
 * digests (RFC 4034 5.4 / appendix B, RFC 6605 6, RFC 8080 6), and
 * signatures made by other implementations (RFC 5702 6, RFC 6605 6,
 * RFC 8080 6.1 as corrected by erratum 4935).  These signatures expired
 * long ago (or are far in the future), so each row carries its own "now".
 */
#include "tests/unit/val_test.h"
#include "validator/dnssec_int.h"

typedef struct kat {
	const char *what;
	const char *dnskey;
	unsigned tag;
	const char *ds;           /* NULL: no DS vector */
	const char *rrset;
	const char *rrsig;
	int64_t now;
	val_status want;
	val_ede want_ede;
	const char *want_text;
} kat;

#define RFC6605_P256_KEY "example.net. 3600 IN DNSKEY 257 3 13 " \
	"GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA=="
#define RFC6605_P256_SIG "www.example.net. 3600 IN RRSIG A 13 3 3600 20100909100439 " \
	"20100812100439 55648 example.net. " \
	"qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw=="
#define RFC6605_P384_KEY "example.net. 3600 IN DNSKEY 257 3 14 " \
	"xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8" \
	"/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40"
#define RFC6605_P384_SIG "www.example.net. 3600 IN RRSIG A 14 3 3600 20100909102025 " \
	"20100812102025 10771 example.net. " \
	"/L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuz" \
	"WTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm"
#define RFC5702_256_KEY "example.net. 3600 IN DNSKEY 256 3 8 " \
	"AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk="
#define RFC5702_256_SIG "www.example.net. 3600 IN RRSIG A 8 3 3600 20300101000000 " \
	"20000101000000 9033 example.net. " \
	"kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg=="
#define RFC5702_512_KEY "example.net. 3600 IN DNSKEY 256 3 10 " \
	"AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/AyhqFDxj13tOnD9u/1kTg7" \
	"cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL"
#define RFC5702_512_SIG "www.example.net. 3600 IN RRSIG A 10 3 3600 20300101000000 " \
	"20000101000000 3740 example.net. " \
	"tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw1ep94PzEWzr0iGYgZBWm" \
	"/zpq+9fOuagYJRfDqfReKBzMweOLDiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MBGk0fthPgxdDLw="
#define RFC8080_KEY1 "example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="
#define RFC8080_SIG1 "example.com. 3600 IN RRSIG MX 15 2 3600 1440021600 1438207200 3613 " \
	"example.com. oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg=="
#define RFC8080_KEY2 "example.com. 3600 IN DNSKEY 257 3 15 zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs="
#define RFC8080_SIG2 "example.com. 3600 IN RRSIG MX 15 2 3600 1440021600 1438207200 35217 " \
	"example.com. zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg=="
/* The signature as first published, with labels 3 for a two-label owner. */
#define RFC8080_SIG1_ORIG "example.com. 3600 IN RRSIG MX 15 3 3600 1440021600 1438207200 3613 " \
	"example.com. Edk+IB9KNNWg0HAjm7FazXyrd5m3Rk8zNZbvNpAcM+eysqcUOMIjWoevFkjH5GaMWeG96GUVZu6ECKOQmemHDg=="

#define WWW_A "www.example.net. 3600 IN A 192.0.2.1"
#define WWW_A91 "www.example.net. 3600 IN A 192.0.2.91"
#define MX10 "example.com. 3600 IN MX 10 mail.example.com."

/* Times inside the windows: 2010-08-28, 2015-08-08, 2026-11-18. */
#define NOW_2010 ((int64_t)1283000000)
#define NOW_2015 ((int64_t)1439000000)

static const kat kats[] = {
	{ "RFC 6605 6.1 P-256", RFC6605_P256_KEY, 55648,
	  "example.net. 3600 IN DS 55648 13 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17",
	  WWW_A, RFC6605_P256_SIG, NOW_2010, VAL_SECURE, VAL_EDE_NONE, NULL },
	{ "RFC 6605 6.2 P-384", RFC6605_P384_KEY, 10771,
	  "example.net. 3600 IN DS 10771 14 4 72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0563a9b5f4d288405c3008a946df983d6",
	  WWW_A, RFC6605_P384_SIG, NOW_2010, VAL_SECURE, VAL_EDE_NONE, NULL },
	{ "RFC 5702 6.1 RSA/SHA-256", RFC5702_256_KEY, 9033, NULL,
	  WWW_A91, RFC5702_256_SIG, T_NOW, VAL_SECURE, VAL_EDE_NONE, NULL },
	{ "RFC 5702 6.2 RSA/SHA-512", RFC5702_512_KEY, 3740, NULL,
	  WWW_A91, RFC5702_512_SIG, T_NOW, VAL_SECURE, VAL_EDE_NONE, NULL },
	{ "RFC 8080 6.1 Ed25519 key 1", RFC8080_KEY1, 3613,
	  "example.com. 3600 IN DS 3613 15 2 3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b",
	  MX10, RFC8080_SIG1, NOW_2015, VAL_SECURE, VAL_EDE_NONE, NULL },
	{ "RFC 8080 6.1 Ed25519 key 2", RFC8080_KEY2, 35217,
	  "example.com. 3600 IN DS 35217 15 2 401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c6614c",
	  MX10, RFC8080_SIG2, NOW_2015, VAL_SECURE, VAL_EDE_NONE, NULL },
	/* RFC 4034 5.4: the key tag and SHA-1 DS of the RSA/SHA-1 example. */
	{ "RFC 4034 5.4 key tag and DS", "dskey.example.com. 86400 IN DNSKEY 256 3 5 "
	  "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvx"
	  "egXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==", 60485,
	  "dskey.example.com. 86400 IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
	  NULL, NULL, 0, VAL_SECURE, VAL_EDE_NONE, NULL },
	/* Error rows: the same signatures at the wrong time or over other data. */
	{ "P-256 after expiry", RFC6605_P256_KEY, 55648, NULL, WWW_A, RFC6605_P256_SIG, T_NOW,
	  VAL_BOGUS, VAL_EDE_SIGNATURE_EXPIRED,
	  "RRSIG for www.example.net/A expired at 2010-09-09T10:04:39Z (key 55648, alg 13)" },
	{ "P-384 before inception", RFC6605_P384_KEY, 10771, NULL, WWW_A, RFC6605_P384_SIG,
	  (int64_t)1281000000, VAL_BOGUS, VAL_EDE_SIGNATURE_NOT_YET_VALID,
	  "RRSIG for www.example.net/A is not valid until 2010-08-12T10:20:25Z (key 10771, alg 14)" },
	{ "P-256 over another address", RFC6605_P256_KEY, 55648, NULL,
	  "www.example.net. 3600 IN A 192.0.2.2", RFC6605_P256_SIG, NOW_2010,
	  VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "RRSIG for www.example.net/A does not verify with key 55648 alg 13 of example.net" },
	{ "RSA/SHA-512 over another address", RFC5702_512_KEY, 3740, NULL, WWW_A, RFC5702_512_SIG,
	  T_NOW, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "does not verify with key 3740 alg 10" },
	{ "Ed25519 over another MX", RFC8080_KEY1, 3613, NULL,
	  "example.com. 3600 IN MX 20 mail.example.com.", RFC8080_SIG1, NOW_2015,
	  VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "does not verify with key 3613 alg 15" },
	{ "Ed25519 with another key", RFC8080_KEY2, 35217, NULL, MX10, RFC8080_SIG1, NOW_2015,
	  VAL_BOGUS, VAL_EDE_DNSKEY_MISSING, "no DNSKEY with tag 3613 alg 15 for example.com" },
	{ "RFC 8080 as first published (labels 3)", RFC8080_KEY1, 3613, NULL, MX10,
	  RFC8080_SIG1_ORIG, NOW_2015, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "RRSIG for example.com/MX has labels 3, more than the owner's 2" },
	{ "signer that is not an enclosing zone", RFC6605_P256_KEY, 55648, NULL,
	  "www.example.org. 3600 IN A 192.0.2.1",
	  "www.example.org. 3600 IN RRSIG A 13 3 3600 20100909100439 20100812100439 55648 example.net. "
	  "qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==",
	  NOW_2010, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "has signer example.net, which is not an enclosing zone" },
	{ "ECDSA signature of the wrong length", RFC6605_P256_KEY, 55648, NULL, WWW_A,
	  "www.example.net. 3600 IN RRSIG A 13 3 3600 20100909100439 20100812100439 55648 example.net. "
	  "qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXA",
	  NOW_2010, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "does not verify" },
};

static void test_kats(void **state)
{
	val_policy pol;
	size_t i;

	(void)state;
	val_policy_default(&pol);
	for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const kat *k = &kats[i];
		ldns_rr *key = t_rr(k->dnskey);
		ldns_rr_list *keys = ldns_rr_list_new();
		val_why why = { VAL_EDE_NONE, "" };

		ldns_rr_list_push_rr(keys, key);
		if (dnskey_tag(key) != k->tag)
			fail_msg("%s: key tag %u, want %u", k->what, dnskey_tag(key), k->tag);
		if (k->ds != NULL) {
			ldns_rr *ds = t_rr(k->ds);
			if (ds_match(ds, key) != DP_OK)
				fail_msg("%s: DS does not match", k->what);
			ldns_rr_free(ds);
		}
		if (k->rrset != NULL) {
			ldns_rr_list *set = t_list(k->rrset), *sigs = t_list(k->rrsig);
			val_status st = rrset_verify(set, sigs, keys, k->now, &pol, NULL, NULL, &why);
			if (st != k->want || (st != VAL_SECURE && why.ede != k->want_ede) ||
			    (k->want_text && strstr(why.text, k->want_text) == NULL))
				fail_msg("%s: got %s ede %d \"%s\"; want %s ede %d \"%s\"", k->what,
					 val_status_str(st), (int)why.ede, why.text,
					 val_status_str(k->want), (int)k->want_ede,
					 k->want_text ? k->want_text : "");
			ldns_rr_list_deep_free(set);
			ldns_rr_list_deep_free(sigs);
		}
		ldns_rr_list_deep_free(keys);
	}
}

/* Key tags of hand-made keys: RFC 4034 B.1 for algorithm 1, and a
 * malformed record. */
static void test_keytag_edges(void **state)
{
	ldns_rr *md5 = t_rr("example. 3600 IN DNSKEY 256 3 1 AQPJ////4Q==");
	ldns_rr *bad = ldns_rr_new_frm_type(LDNS_RR_TYPE_DNSKEY);

	(void)state;
	/* Algorithm 1: bits 8..23 from the end of the modulus: 0xffe1 -> ...
	 * the modulus ends ff ff e1, so the tag is 0xffff. */
	assert_int_equal(dnskey_tag(md5), 0xFFFF);
	assert_int_equal(dnskey_tag(bad), 0);
	assert_int_equal(dnskey_tag(NULL), 0);
	ldns_rr_free(md5);
	ldns_rr_free(bad);
}

/* The allocation-free name helpers behind every check. */
static void test_name_helpers(void **state)
{
	static const struct {
		const char *name, *zone;
		int under, eq;
	} rows[] = {
		{ "www.example.org.", "example.org.", 1, 0 },
		{ "WWW.Example.ORG.", "example.org.", 1, 0 },
		{ "example.org.", "EXAMPLE.org.", 1, 1 },
		{ "example.org.", "www.example.org.", 0, 0 },
		{ "wwwexample.org.", "example.org.", 0, 0 },
		{ "a.b.c.", ".", 1, 0 },
		{ ".", ".", 1, 1 },
		{ "org.", "org.example.", 0, 0 },
		{ "xample.org.", "example.org.", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ldns_rdf *n = t_name(rows[i].name), *z = t_name(rows[i].zone);
		if (val_name_under(n, z) != rows[i].under || val_name_eq(n, z) != rows[i].eq)
			fail_msg("%s under %s: got under %d eq %d", rows[i].name, rows[i].zone,
				 val_name_under(n, z), val_name_eq(n, z));
		ldns_rdf_deep_free(n);
		ldns_rdf_deep_free(z);
	}
	assert_int_equal(val_name_under(NULL, NULL), 0);
	assert_int_equal(val_name_eq(NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kats),
		cmocka_unit_test(test_keytag_edges),
		cmocka_unit_test(test_name_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
