/* test_shape.c - every battery test's rule against every answer shape
 * (issue 14): a probe name without the asked type is a configuration
 * problem, not a resolver fault; a timeout is always the resolver's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include "probe/battery/battery.h"
#include "probe/battery/shape.h"
#include "validator/dp_err.h"

static void test_shape_of(void **state)
{
	(void)state;
	assert_int_equal(dp_shape_of(DP_OK, LDNS_RCODE_NOERROR, 2), DP_SHAPE_DATA);
	assert_int_equal(dp_shape_of(DP_OK, LDNS_RCODE_NOERROR, 0), DP_SHAPE_NODATA);
	assert_int_equal(dp_shape_of(DP_OK, LDNS_RCODE_NXDOMAIN, 0), DP_SHAPE_NXDOMAIN);
	assert_int_equal(dp_shape_of(DP_OK, LDNS_RCODE_SERVFAIL, 0), DP_SHAPE_SERVFAIL);
	assert_int_equal(dp_shape_of(DP_ETIMEOUT, LDNS_RCODE_NOERROR, 3), DP_SHAPE_TIMEOUT);
	assert_int_equal(dp_shape_of(DP_ENET, -1, 0), DP_SHAPE_TIMEOUT);
	assert_int_equal(dp_shape_of(DP_OK, LDNS_RCODE_REFUSED, 0), DP_SHAPE_OTHER);
	assert_int_equal(dp_shape_of(DP_EPARSE, -1, 0), DP_SHAPE_OTHER);
}

/* Expected rule per test and shape, written out from SPEC section 5 and
 * issue 14 (not copied from shape.c): columns data, NODATA, NXDOMAIN,
 * SERVFAIL, timeout, other.  C check, P pass, F fail, K config, X compare. */
static const struct { dp_test_id id; const char *rules; } expect[] = {
	{ DP_T_UDP, "PXXFFF" },
	{ DP_T_TCP, "PXXFFF" },
	{ DP_T_DO, "CXXFFF" },
	{ DP_T_AD, "CCXFFF" },
	{ DP_T_CD, "PPKFFF" },     /* NODATA with CD=1: CD was honoured */
	{ DP_T_NSEC, "KKCFFF" },   /* the nonexistent name exists: config */
	{ DP_T_NSEC3, "KKCFFF" },
	{ DP_T_TLSA, "CXXFFF" },   /* filtered or absent: the others decide */
	{ DP_T_UNKNOWN_TYPE, "PXXFFF" },
	{ DP_T_BOGUS, "CXXPFF" },  /* SERVFAIL is the validator's answer; a
				    * denial is bogus when a validator says so */
};

static dp_rule letter(char c)
{
	switch (c) {
	case 'C': return DP_RULE_CHECK;
	case 'P': return DP_RULE_PASS;
	case 'F': return DP_RULE_FAIL;
	case 'K': return DP_RULE_CONFIG;
	default: return DP_RULE_COMPARE;
	}
}

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		for (int s = DP_SHAPE_DATA; s < DP_SHAPE_COUNT; s++) {
			dp_rule want = letter(expect[i].rules[s - DP_SHAPE_DATA]);
			dp_rule got = dp_shape_rule(expect[i].id, (dp_shape)s);
			if (got != want)
				fail_msg("%s / %s: rule %d, want %d", dp_test_name(expect[i].id),
					 dp_shape_name((dp_shape)s), got, want);
		}
	/* No test passes on a timeout or on no answer at all. */
	for (int id = 0; id < DP_T_COUNT; id++) {
		assert_int_not_equal(dp_shape_rule((dp_test_id)id, DP_SHAPE_TIMEOUT), DP_RULE_PASS);
		assert_int_not_equal(dp_shape_rule((dp_test_id)id, DP_SHAPE_NONE), DP_RULE_PASS);
	}
}

static void test_settle(void **state)
{
	dp_resolver_result r[3];

	(void)state;
	memset(r, 0, sizeof(r));
	/* tlsa: one resolver gets the data, one NODATA -> it hides it. */
	r[0].tests[DP_T_TLSA].shape = DP_SHAPE_DATA;
	r[0].tests[DP_T_TLSA].result = DP_RES_PASS;
	r[1].tests[DP_T_TLSA].shape = DP_SHAPE_NODATA;
	r[1].tests[DP_T_TLSA].flags = DP_TF_COMPARE;
	/* unknown-type: nobody gets data -> configuration problem. */
	r[0].tests[DP_T_UNKNOWN_TYPE].shape = DP_SHAPE_NXDOMAIN;
	r[0].tests[DP_T_UNKNOWN_TYPE].flags = DP_TF_COMPARE;
	r[1].tests[DP_T_UNKNOWN_TYPE].shape = DP_SHAPE_NXDOMAIN;
	r[1].tests[DP_T_UNKNOWN_TYPE].flags = DP_TF_COMPARE;
	r[2].tests[DP_T_UNKNOWN_TYPE].shape = DP_SHAPE_TIMEOUT;
	r[2].tests[DP_T_UNKNOWN_TYPE].result = DP_RES_FAIL;
	dp_shape_settle(r, 3);
	assert_int_equal(r[1].tests[DP_T_TLSA].result, DP_RES_FAIL);
	assert_non_null(strstr(r[1].tests[DP_T_TLSA].detail, "hides it"));
	assert_int_equal(r[0].tests[DP_T_TLSA].result, DP_RES_PASS);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(r[i].tests[DP_T_UNKNOWN_TYPE].result, DP_RES_SKIP);
		assert_true(r[i].tests[DP_T_UNKNOWN_TYPE].flags & DP_TF_CONFIG);
		assert_false(r[i].tests[DP_T_UNKNOWN_TYPE].flags & DP_TF_COMPARE);
	}
	assert_int_equal(r[2].tests[DP_T_UNKNOWN_TYPE].result, DP_RES_FAIL);
}

/* The bogus name has no A (a NODATA or NXDOMAIN with CD=0).  Where a
 * validator answers SERVFAIL the name is bogus and the denial another
 * resolver hands over is bogus data: a resolver that validates is
 * permissive; where no validator does, the name is wrong (issue 14). */
static void bogus_denial(dp_resolver_result *r, int shape, unsigned flags, int ad)
{
	memset(r, 0, sizeof(*r));
	r->tests[DP_T_AD].result = ad ? DP_RES_PASS : DP_RES_FAIL;
	r->tests[DP_T_BOGUS].result = DP_RES_SKIP;
	r->tests[DP_T_BOGUS].shape = shape;
	r->tests[DP_T_BOGUS].rcode = shape == DP_SHAPE_SERVFAIL ? LDNS_RCODE_SERVFAIL
				     : shape == DP_SHAPE_NXDOMAIN ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR;
	r->tests[DP_T_BOGUS].flags = flags;
}

static void test_settle_bogus(void **state)
{
	dp_resolver_result r[4];
	dp_class cls;
	unsigned tags;

	(void)state;
	bogus_denial(&r[0], DP_SHAPE_SERVFAIL, DP_TF_SERVFAIL, 1);                 /* validator */
	bogus_denial(&r[1], DP_SHAPE_NODATA, DP_TF_COMPARE | DP_TF_DATA, 1);      /* permissive */
	bogus_denial(&r[2], DP_SHAPE_NXDOMAIN, DP_TF_COMPARE | DP_TF_DATA, 0);    /* aware */
	bogus_denial(&r[3], DP_SHAPE_NODATA, DP_TF_COMPARE | DP_TF_AD, 1);        /* AD on it */
	dp_shape_settle(r, 4);
	for (int i = 0; i < 4; i++)
		dp_bogus_finalize(r[i].tests);
	assert_int_equal(r[0].tests[DP_T_BOGUS].result, DP_RES_PASS);
	assert_int_equal(r[1].tests[DP_T_BOGUS].result, DP_RES_FAIL);
	assert_non_null(strstr(r[1].tests[DP_T_BOGUS].detail, "permissive"));
	dp_classify(r[1].tests, 1, &cls, &tags);
	assert_true(tags & DP_TAG_PERMISSIVE);
	assert_int_equal(r[2].tests[DP_T_BOGUS].result, DP_RES_SKIP);
	assert_false(r[2].tests[DP_T_BOGUS].flags & DP_TF_CONFIG);
	assert_int_equal(r[3].tests[DP_T_BOGUS].result, DP_RES_FAIL);
	assert_non_null(strstr(r[3].tests[DP_T_BOGUS].detail, "AD=1"));

	/* No validator finds it bogus (its only SERVFAIL is from a resolver
	 * that does not validate): a configuration problem for everyone. */
	bogus_denial(&r[0], DP_SHAPE_SERVFAIL, DP_TF_SERVFAIL, 0);
	bogus_denial(&r[1], DP_SHAPE_NODATA, DP_TF_COMPARE | DP_TF_AD, 1);
	bogus_denial(&r[2], DP_SHAPE_NXDOMAIN, DP_TF_COMPARE | DP_TF_DATA, 1);
	dp_shape_settle(r, 3);
	for (int i = 1; i < 3; i++) {
		dp_bogus_finalize(r[i].tests);
		assert_int_equal(r[i].tests[DP_T_BOGUS].result, DP_RES_SKIP);
		assert_true(r[i].tests[DP_T_BOGUS].flags & DP_TF_CONFIG);
		assert_non_null(strstr(r[i].tests[DP_T_BOGUS].detail, "configuration problem"));
		dp_classify(r[i].tests, 1, &cls, &tags);
		assert_false(tags & DP_TAG_PERMISSIVE);
	}
}

static void all_pass(dp_test t[DP_T_COUNT])
{
	memset(t, 0, sizeof(dp_test) * DP_T_COUNT);
	for (int i = 0; i < DP_T_COUNT; i++) {
		t[i].result = DP_RES_PASS;
		t[i].rcode = LDNS_RCODE_NOERROR;
	}
}

/* Tags name what the resolver does, not what size or a lost query did. */
static void test_tags_by_cause(void **state)
{
	dp_test t[DP_T_COUNT];
	dp_class cls;
	unsigned tags;

	(void)state;
	all_pass(t);
	t[DP_T_NSEC3].result = DP_RES_FAIL;
	t[DP_T_NSEC3].flags = DP_TF_SIZE;
	dp_classify(t, 1, &cls, &tags);
	assert_true(tags & DP_TAG_SMALL_EDNS);
	assert_false(tags & DP_TAG_NO_NSEC3);

	all_pass(t);
	t[DP_T_BOGUS].result = DP_RES_FAIL;     /* timed out */
	t[DP_T_BOGUS].err = DP_ETIMEOUT;
	dp_classify(t, 1, &cls, &tags);
	assert_false(tags & DP_TAG_PERMISSIVE);
	t[DP_T_BOGUS].flags = DP_TF_DATA;
	dp_classify(t, 1, &cls, &tags);
	assert_true(tags & DP_TAG_PERMISSIVE);

	/* A bogus name without an A record stays a configuration note. */
	all_pass(t);
	t[DP_T_BOGUS].result = DP_RES_SKIP;
	t[DP_T_BOGUS].flags = DP_TF_CONFIG;
	t[DP_T_BOGUS].rcode = LDNS_RCODE_NOERROR;
	dp_bogus_finalize(t);
	assert_int_equal(t[DP_T_BOGUS].result, DP_RES_SKIP);
	dp_classify(t, 1, &cls, &tags);
	assert_int_equal(cls, DP_CLASS_VALIDATING);
	assert_int_equal(tags, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape_of),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_settle_bogus),
		cmocka_unit_test(test_tags_by_cause),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
