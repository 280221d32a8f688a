/*
 * test_ds.c - DS digests (RFC 4034 5, RFC 4509, RFC 6605 6) and the
 * DNSKEY-set check against DS records (RFC 4035 5.2): each row checks the
 * result and, for verdicts, the reason and EDE.  The ldns-signed zones of
 * test_rrsig.c cover digest types 1, 2 and 4 for every algorithm.
 */
#include "tests/unit/val_test.h"

#define RFC6605_P256_KEY "example.net. 3600 IN DNSKEY 257 3 13 " \
	"GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA=="
#define NOW_2010 ((int64_t)1283000000)

/* DS rows: digest types, mismatches and unsupported digests. */
static void test_ds_match_table(void **state)
{
	static const struct {
		const char *what, *ds;
		int want;
	} rows[] = {
		{ "SHA-256", "example.net. 3600 IN DS 55648 13 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17", DP_OK },
		{ "owner case does not matter", "EXAMPLE.Net. 3600 IN DS 55648 13 2 B4C8C1FE2E7477127B27115656AD6256F424625BF5C1E2770CE6D6E37DF61D17", DP_OK },
		{ "one digest bit off", "example.net. 3600 IN DS 55648 13 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d16", DP_EVERIFY },
		{ "wrong tag", "example.net. 3600 IN DS 55649 13 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17", DP_EVERIFY },
		{ "wrong algorithm", "example.net. 3600 IN DS 55648 8 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17", DP_EVERIFY },
		{ "wrong owner", "example.org. 3600 IN DS 55648 13 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17", DP_EVERIFY },
		{ "short digest", "example.net. 3600 IN DS 55648 13 2 b4c8c1fe2e7477127b27115656ad6256", DP_EVERIFY },
		{ "GOST digest (3)", "example.net. 3600 IN DS 55648 13 3 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17", DP_EUNSUPPORTED },
		{ "unknown digest (200)", "example.net. 3600 IN DS 55648 13 200 b4c8c1fe", DP_EUNSUPPORTED },
	};
	ldns_rr *key = t_rr(RFC6605_P256_KEY);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ldns_rr *ds = t_rr(rows[i].ds);
		int r = ds_match(ds, key);
		if (r != rows[i].want)
			fail_msg("%s: ds_match %s, want %s", rows[i].what, dp_strerror(r),
				 dp_strerror(rows[i].want));
		ldns_rr_free(ds);
	}
	assert_int_equal(ds_match(NULL, key), DP_EINVAL);
	ldns_rr_free(key);
}

/* dnskey_verify with the RFC 6605 KSK, which signs nothing of its own
 * DNSKEY set in the RFC: the DS matches, the signature is missing. */
static void test_dnskey_verify_reasons(void **state)
{
	val_policy pol;
	val_why why = { VAL_EDE_NONE, "" };
	ldns_rr_list *keys = t_list(RFC6605_P256_KEY "\n");
	ldns_rr_list *ds = t_list("example.net. 3600 IN DS 55648 13 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17\n");
	ldns_rr_list *ds_unsup = t_list("example.net. 3600 IN DS 55648 13 3 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17\n"
					"example.net. 3600 IN DS 55648 253 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17\n");
	ldns_rr_list *ds_gost = t_list("example.net. 3600 IN DS 55648 13 3 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17\n");
	ldns_rr_list *ds_other = t_list("example.net. 3600 IN DS 20326 8 2 e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d\n");
	val_status st;

	(void)state;
	val_policy_default(&pol);
	st = dnskey_verify(keys, NULL, ds, NULL, NOW_2010, &pol, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_RRSIGS_MISSING, "no RRSIG for example.net/DNSKEY");
	st = dnskey_verify(keys, NULL, ds_other, NULL, NOW_2010, &pol, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSKEY_MISSING,
		   "DS 20326/8/2 for example.net matches no DNSKEY");
	st = dnskey_verify(keys, NULL, ds_unsup, NULL, NOW_2010, &pol, NULL, &why);
	assert_why(st, VAL_INSECURE, why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG, "unsupported algorithms (alg 253)");
	st = dnskey_verify(keys, NULL, ds_gost, NULL, NOW_2010, &pol, NULL, &why);
	assert_why(st, VAL_INSECURE, why, VAL_EDE_UNSUPPORTED_DS_DIGEST, "unsupported digest types (digest 3)");
	st = dnskey_verify(NULL, NULL, ds, NULL, NOW_2010, &pol, NULL, &why);
	assert_why(st, VAL_BOGUS, why, VAL_EDE_DNSKEY_MISSING, "no DNSKEY RRset");
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(ds_unsup);
	ldns_rr_list_deep_free(ds_gost);
	ldns_rr_list_deep_free(ds_other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ds_match_table),
		cmocka_unit_test(test_dnskey_verify_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
