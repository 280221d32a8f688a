/*
 * shape.h - what kind of answer a battery test got, and what each test
 * makes of each kind.
 *
 * A test's pass/fail rule must hold for every answer it can get: data,
 * NODATA, NXDOMAIN, SERVFAIL, a timeout, or something else (REFUSED,
 * FORMERR, garbage).  Spelling the rules out as one table keeps a probe
 * name that simply lacks the asked type from turning into a "resolver
 * fault" (issue 14: a bogus name without an A record made every
 * resolver, the validating one included, "no-cd").  Pure: no I/O.
 */
#ifndef DP_SHAPE_H
#define DP_SHAPE_H

#include <stddef.h>
#include "probe/battery/battery.h"

typedef enum dp_shape {
	DP_SHAPE_NONE = 0,   /* not asked (yet) */
	DP_SHAPE_DATA,       /* NOERROR with records of the asked type */
	DP_SHAPE_NODATA,     /* NOERROR without them */
	DP_SHAPE_NXDOMAIN,
	DP_SHAPE_SERVFAIL,
	DP_SHAPE_TIMEOUT,    /* no answer at all (timeout, refused connection) */
	DP_SHAPE_OTHER,      /* REFUSED, NOTIMP, FORMERR, garbage, mismatch */
	DP_SHAPE_COUNT
} dp_shape;

/* What a test makes of one shape before it looks any closer. */
typedef enum dp_rule {
	DP_RULE_CHECK = 0,   /* look at the records (RRSIG, AD, OPT ...) */
	DP_RULE_PASS,
	DP_RULE_FAIL,
	DP_RULE_CONFIG,      /* the probe name lacks what the test needs:
				a configuration problem, not a resolver fault */
	DP_RULE_COMPARE      /* fault or configuration: decided by what the
				other resolvers got (dp_shape_settle) */
} dp_rule;

/* The shape of an answer: err is the dp_err of the query, rcode its
 * rcode (ignored unless err is DP_OK), n_data the records of the asked
 * type in the answer section. */
dp_shape dp_shape_of(int err, int rcode, size_t n_data);
/* "data", "NODATA", "NXDOMAIN", "SERVFAIL", "timeout", "other". */
const char *dp_shape_name(dp_shape s);
/* The rule of test for shape s. */
dp_rule dp_shape_rule(dp_test_id test, dp_shape s);

/* After every resolver ran: a test left at DP_RULE_COMPARE (flag
 * DP_TF_COMPARE) fails where another resolver got the data for the same
 * question (this one hides it), and is a configuration problem (skip,
 * DP_TF_CONFIG) where none did.  Call before classifying. */
void dp_shape_settle(dp_resolver_result *r, size_t n);

#endif
