/* test_advise.c - resolver ranking: DANE-safe first, class, failures,
 * rtt buckets, stable ties, reuse of the existing priority numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "probe/battery/advise.h"
#include "validator/dp_err.h"

#define R(a, p, c, safe, f, rtt) { a, NULL, p, c, 0, safe, f, rtt, safe ? NULL : "BOGUS MX record for dane.example", DP_CLIENT_LOCAL }

static void order_is(const dp_advice *a, const dp_rank_in *in, const char *const *want, const int *prio)
{
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(in[a->recommended[i].index].address, want[i]);
		assert_int_equal(a->recommended[i].priority, prio[i]);
	}
}

static void test_strip_primary_swaps(void **state)
{
	dp_rank_in in[] = {
		R("192.0.2.1", 0, DP_CLASS_NON_DNSSEC, 0, 6, 3),
		R("192.0.2.2", 10, DP_CLASS_VALIDATING, 1, 0, 9),
	};
	const char *want[] = { "192.0.2.2", "192.0.2.1" };
	const int prio[] = { 0, 10 };
	dp_advice *a = NULL;

	(void)state;
	assert_int_equal(dp_advise(in, 2, &a), DP_OK);
	assert_true(a->changed);
	order_is(a, in, want, prio);
	assert_string_equal(in[a->current[0].index].address, "192.0.2.1");
	assert_non_null(strstr(a->recommended[1].reason, "not DANE-safe"));
	assert_non_null(strstr(a->recommended[1].reason, "BOGUS MX"));
	/* Only one DANE-safe resolver: no DANE-safe secondary remains. */
	assert_int_equal(a->n_warnings, 1);
	assert_non_null(strstr(a->warnings[0], "no DANE-safe secondary"));
	dp_advice_free(a);
}

static void test_ties_keep_order(void **state)
{
	/* Same class, failures and rtt bucket (3 ms vs 12 ms are both < 20):
	 * current order stays, so --write does not flap. */
	dp_rank_in in[] = {
		R("b", 20, DP_CLASS_VALIDATING, 1, 0, 12),
		R("a", 5, DP_CLASS_VALIDATING, 1, 0, 3),
		R("c", 30, DP_CLASS_VALIDATING, 1, 0, 19),
	};
	const char *want[] = { "a", "b", "c" };
	const int prio[] = { 5, 20, 30 };
	dp_advice *a = NULL;

	(void)state;
	assert_int_equal(dp_advise(in, 3, &a), DP_OK);
	assert_false(a->changed);
	order_is(a, in, want, prio);
	assert_int_equal(a->n_warnings, 0);
	dp_advice_free(a);
}

static void test_full_ranking(void **state)
{
	dp_rank_in in[] = {
		R("unreach", 1, DP_CLASS_UNREACHABLE, 0, 18, -1),
		R("slow-valid", 2, DP_CLASS_VALIDATING, 1, 0, 250),
		R("aware", 3, DP_CLASS_AWARE, 1, 1, 2),
		R("fast-valid", 4, DP_CLASS_VALIDATING, 1, 0, 2),
		R("partial", 5, DP_CLASS_PARTIAL, 1, 2, 2),
		R("broken", 6, DP_CLASS_BROKEN, 0, 18, 1),
		R("nondnssec", 7, DP_CLASS_NON_DNSSEC, 0, 5, 1),
		R("valid-fail", 8, DP_CLASS_VALIDATING, 1, 1, 2),
	};
	const char *want[] = { "fast-valid", "slow-valid", "valid-fail", "aware", "partial",
			       "nondnssec", "broken", "unreach" };
	const int prio[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	dp_advice *a = NULL;

	(void)state;
	assert_int_equal(dp_advise(in, 8, &a), DP_OK);
	order_is(a, in, want, prio);
	assert_true(a->changed);
	assert_int_equal(a->n_warnings, 0);
	dp_advice_free(a);
}

static void test_reuses_numbers_and_duplicates(void **state)
{
	/* Priorities 10, 10, 50 (a duplicate): the multiset is kept. */
	dp_rank_in in[] = {
		R("x", 10, DP_CLASS_AWARE, 1, 0, 5),
		R("y", 50, DP_CLASS_VALIDATING, 1, 0, 5),
		R("z", 10, DP_CLASS_NON_DNSSEC, 0, 4, 5),
	};
	const char *want[] = { "y", "x", "z" };
	const int prio[] = { 10, 10, 50 };
	dp_advice *a = NULL;

	(void)state;
	assert_int_equal(dp_advise(in, 3, &a), DP_OK);
	order_is(a, in, want, prio);
	dp_advice_free(a);
}

static void test_no_safe_at_all_and_single(void **state)
{
	dp_rank_in two[] = {
		R("p", 0, DP_CLASS_NON_DNSSEC, 0, 4, 5),
		R("s", 1, DP_CLASS_UNREACHABLE, 0, 18, -1),
	};
	dp_rank_in one[] = { R("only", 0, DP_CLASS_VALIDATING, 1, 0, 5) };
	dp_advice *a = NULL;

	(void)state;
	assert_int_equal(dp_advise(two, 2, &a), DP_OK);
	assert_false(a->changed);
	assert_int_equal(a->n_warnings, 1);
	assert_non_null(strstr(a->warnings[0], "no resolver is DANE-safe"));
	assert_non_null(strstr(a->recommended[0].reason, "no DANE-safe resolver is available"));
	assert_non_null(strstr(a->warnings[0], "will be Bogus"));
	dp_advice_free(a);

	/* Under the AD model the same verdicts mean DANE off, not Bogus. */
	two[0].client = two[1].client = DP_CLIENT_AD;
	assert_int_equal(dp_advise(two, 2, &a), DP_OK);
	assert_non_null(strstr(a->warnings[0], "no resolver is DANE-safe"));
	assert_non_null(strstr(a->warnings[0], "Mandatory mail is deferred"));
	assert_null(strstr(a->warnings[0], "Bogus"));
	dp_advice_free(a);

	assert_int_equal(dp_advise(one, 1, &a), DP_OK);
	assert_int_equal(a->n_warnings, 1);
	assert_non_null(strstr(a->warnings[0], "only one resolver"));
	dp_advice_free(a);

	assert_int_equal(dp_advise(one, 0, &a), DP_EINVAL);
}

static void test_rtt_buckets(void **state)
{
	(void)state;
	assert_int_equal(dp_rtt_bucket(0), 0);
	assert_int_equal(dp_rtt_bucket(19), 0);
	assert_int_equal(dp_rtt_bucket(20), 1);
	assert_int_equal(dp_rtt_bucket(999), 5);
	assert_int_equal(dp_rtt_bucket(5000), 6);
	assert_int_equal(dp_rtt_bucket(-1), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strip_primary_swaps),
		cmocka_unit_test(test_ties_keep_order),
		cmocka_unit_test(test_full_ranking),
		cmocka_unit_test(test_reuses_numbers_and_duplicates),
		cmocka_unit_test(test_no_safe_at_all_and_single),
		cmocka_unit_test(test_rtt_buckets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
