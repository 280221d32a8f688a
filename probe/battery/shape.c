/*
 * shape.c - every battery test's rule for every answer shape (shape.h).
 *
 * The table is read row by row: what does this test conclude from data,
 * NODATA, NXDOMAIN, SERVFAIL, a timeout, anything else?  Where the same
 * answer can mean "the resolver hides it" or "the name has none" the
 * rule is COMPARE, and the other resolvers' answers to the same question
 * decide (a record one resolver returns exists).
 */
#include <stdio.h>
#include <string.h>
#include <ldns/ldns.h>
#include "probe/battery/shape.h"
#include "validator/dp_err.h"

dp_shape dp_shape_of(int err, int rcode, size_t n_data)
{
	if (err == DP_ETIMEOUT || err == DP_ENET)
		return DP_SHAPE_TIMEOUT;
	if (err != DP_OK)
		return DP_SHAPE_OTHER;
	switch (rcode) {
	case LDNS_RCODE_NOERROR: return n_data > 0 ? DP_SHAPE_DATA : DP_SHAPE_NODATA;
	case LDNS_RCODE_NXDOMAIN: return DP_SHAPE_NXDOMAIN;
	case LDNS_RCODE_SERVFAIL: return DP_SHAPE_SERVFAIL;
	default: return DP_SHAPE_OTHER;
	}
}

const char *dp_shape_name(dp_shape s)
{
	static const char *const n[DP_SHAPE_COUNT] = {
		"not asked", "data", "NODATA", "NXDOMAIN", "SERVFAIL", "timeout", "other",
	};
	return (int)s >= 0 && s < DP_SHAPE_COUNT ? n[s] : "?";
}

#define C DP_RULE_CHECK
#define P DP_RULE_PASS
#define F DP_RULE_FAIL
#define K DP_RULE_CONFIG
#define X DP_RULE_COMPARE

/* Columns: none, data, NODATA, NXDOMAIN, SERVFAIL, timeout, other.  A
 * timeout or a refusal is always the resolver's (it is asked directly);
 * SERVFAIL is a pass only where it is what a validator must say. */
static const unsigned char rules[DP_T_COUNT][DP_SHAPE_COUNT] = {
	/* A of a secure name over UDP/TCP: any answer from the name's zone
	 * shows transport works; no such name is a configuration problem. */
	[DP_T_UDP] = { F, P, X, X, F, F, F },
	[DP_T_TCP] = { F, P, X, X, F, F, F },
	/* OPT version 0 is looked at in every answer that has a rcode. */
	[DP_T_EDNS0] = { F, C, C, C, C, F, C },
	/* RRSIGs with a secure name's A; NODATA would need the proof's. */
	[DP_T_DO] = { F, C, X, X, F, F, F },
	/* AD=1 on a secure answer: a signed NODATA carries AD as well. */
	[DP_T_AD] = { F, C, C, X, F, F, F },
	/* The bogus name with CD=1: data, or a NODATA (a resolver that ignored
	 * CD would have answered SERVFAIL), shows CD was honoured. */
	[DP_T_CD] = { F, P, P, K, F, F, F },
	[DP_T_DNSKEY] = { F, C, X, X, F, F, F },
	[DP_T_DS] = { F, C, X, X, F, F, F },
	/* A fixed nonexistent name: NXDOMAIN with the proof; if it exists
	 * (data, NODATA: a wildcard or a real name) the name is wrong. */
	[DP_T_NSEC] = { F, K, K, C, F, F, F },
	[DP_T_NSEC3] = { F, K, K, C, F, F, F },
	/* A filtering middlebox answers NODATA, as does a host without TLSA. */
	[DP_T_TLSA] = { F, C, X, X, F, F, F },
	[DP_T_UNKNOWN_TYPE] = { F, P, X, X, F, F, F },
	/* CD=0 on bogus data: SERVFAIL is a validator; data is decided with
	 * the ad test (dp_bogus_finalize).  A denial is bogus data too when a
	 * validator answers SERVFAIL for the same question (a zone with
	 * expired signatures, say, and no A at the name); when none does, the
	 * name has no bogus A: configuration (dp_shape_settle). */
	[DP_T_BOGUS] = { F, C, X, X, P, F, F },
	[DP_T_EDNS_SIZE] = { F, C, C, C, C, F, F },
	[DP_T_ALGORITHMS] = { F, C, C, C, C, F, F },
	[DP_T_NSEC3_ITER] = { F, C, C, C, C, F, F },
	[DP_T_CHAIN] = { F, C, C, C, C, F, F },
	[DP_T_CLOCK] = { F, C, K, K, F, F, F },
};

#undef C
#undef P
#undef F
#undef K
#undef X

dp_rule dp_shape_rule(dp_test_id test, dp_shape s)
{
	if ((int)test < 0 || test >= DP_T_COUNT || (int)s < 0 || s >= DP_SHAPE_COUNT)
		return DP_RULE_FAIL;
	return (dp_rule)rules[test][s];
}

static void prefix_detail(dp_test *t, const char *prefix)
{
	char old[sizeof(t->detail)];

	memcpy(old, t->detail, sizeof(old));
	snprintf(t->detail, sizeof(t->detail), "%s: %.200s", prefix, old);
}

/* Is there evidence that the answer another resolver got is bogus?  For
 * the bogus test: a resolver that validates (its ad test passed) answered
 * SERVFAIL with CD=0, so the name is bogus and a denial of it passed
 * bogus data on (RFC 4035 5.5: a validator must not return it).  For
 * the others: a resolver got the data, so the record exists. */
static int settle_seen(const dp_resolver_result *r, size_t n, int id)
{
	for (size_t i = 0; i < n; i++) {
		const dp_test *t = &r[i].tests[id];
		if (id == DP_T_BOGUS ? (t->flags & DP_TF_SERVFAIL) && r[i].tests[DP_T_AD].result == DP_RES_PASS
				     : t->shape == DP_SHAPE_DATA)
			return 1;
	}
	return 0;
}

void dp_shape_settle(dp_resolver_result *r, size_t n)
{
	for (int id = 0; id < DP_T_COUNT; id++) {
		int seen = settle_seen(r, n, id);

		for (size_t i = 0; i < n; i++) {
			dp_test *t = &r[i].tests[id];
			if (!(t->flags & DP_TF_COMPARE))
				continue;
			t->flags &= ~(unsigned)DP_TF_COMPARE;
			if (seen && id == DP_T_BOGUS) {
				/* Left to dp_bogus_finalize, as data would be. */
				prefix_detail(t, "a validator answers SERVFAIL: this denial is bogus data");
			} else if (id == DP_T_BOGUS) {
				t->flags &= ~(unsigned)(DP_TF_AD | DP_TF_DATA);
				t->flags |= DP_TF_CONFIG;
				prefix_detail(t, "configuration problem (no validator finds the name bogus: it has "
					      "no bogus A)");
			} else if (seen) {
				t->result = DP_RES_FAIL;
				prefix_detail(t, "other resolvers return the data: this one hides it");
			} else {
				t->result = DP_RES_SKIP;
				t->flags |= DP_TF_CONFIG;
				prefix_detail(t, "configuration problem (no resolver returns it, the probe name lacks it)");
			}
		}
	}
}
