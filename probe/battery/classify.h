/*
 * classify.h - the probe battery's results and what they make of a
 * resolver: a class (building on RFC 8027 section 4.1) and tags.
 *
 * Pure functions over test results: no sockets, no clock, no printing,
 * so the classification table can be tested row by row.
 */
#ifndef DP_CLASSIFY_H
#define DP_CLASSIFY_H

#include <stddef.h>

/* The battery of SPEC section 5, in the order the matrix prints it. */
typedef enum dp_test_id {
	DP_T_UDP = 0,
	DP_T_TCP,
	DP_T_EDNS0,
	DP_T_DO,
	DP_T_AD,
	DP_T_CD,
	DP_T_DNSKEY,
	DP_T_DS,
	DP_T_NSEC,
	DP_T_NSEC3,
	DP_T_TLSA,
	DP_T_UNKNOWN_TYPE,
	DP_T_BOGUS,
	DP_T_EDNS_SIZE,
	DP_T_ALGORITHMS,
	DP_T_NSEC3_ITER,
	DP_T_CHAIN,
	DP_T_CLOCK,
	DP_T_COUNT
} dp_test_id;

typedef enum dp_result { DP_RES_SKIP = 0, DP_RES_PASS, DP_RES_FAIL } dp_result;

/* Facts a test noticed beyond pass/fail, for the classifier. */
enum dp_test_flag {
	DP_TF_SIZE = 1 << 0,        /* failed only because of message size (TC, no TCP) */
	DP_TF_SERVFAIL = 1 << 1,    /* bogus: SERVFAIL (what a validator does) */
	DP_TF_AD = 1 << 2,          /* bogus: AD=1 on bogus data */
	DP_TF_DATA = 1 << 3,        /* bogus: data (or a bogus denial) came back with CD=0 */
	DP_TF_STRIPPED = 1 << 4,    /* answer came back without its RRSIGs */
	DP_TF_FILTERED = 1 << 5,    /* the type was refused, dropped or emptied */
	DP_TF_CONFIG = 1 << 6,      /* the probe name lacks what the test needs */
	DP_TF_COMPARE = 1 << 7      /* NODATA/NXDOMAIN: fault or config, see shape.h */
};

typedef struct dp_test {
	dp_result result;
	char detail[256];       /* one line for people */
	int rtt_ms;             /* of the last exchange, -1 if none */
	int err;                /* dp_err of the deciding query, DP_OK if answered */
	int rcode;              /* rcode of the deciding answer, -1 if none */
	int queries;            /* queries sent */
	int depth;              /* longest chain of dependent queries */
	unsigned flags;         /* dp_test_flag */
	int shape;              /* dp_shape of the deciding answer (shape.h) */
} dp_test;

typedef enum dp_class {
	DP_CLASS_VALIDATING = 0,
	DP_CLASS_AWARE,
	DP_CLASS_PARTIAL,
	DP_CLASS_NON_DNSSEC,
	DP_CLASS_BROKEN,
	DP_CLASS_UNREACHABLE,
	DP_CLASS_COUNT
} dp_class;

enum dp_tag {
	DP_TAG_NO_TCP = 1 << 0,
	DP_TAG_SMALL_EDNS = 1 << 1,
	DP_TAG_NO_TLSA = 1 << 2,
	DP_TAG_NO_NSEC3 = 1 << 3,
	DP_TAG_PERMISSIVE = 1 << 4,
	DP_TAG_NO_NSEC = 1 << 5,
	DP_TAG_NO_CD = 1 << 6,
	DP_TAG_NO_UNKNOWN = 1 << 7,
	DP_TAG_NO_UDP = 1 << 8,
	DP_TAG_CHAIN = 1 << 9,      /* local validation of the DANE names fails */
	DP_TAG_CLOCK = 1 << 10,
	DP_TAG_COUNT_ = 11
};

/* "udp", "tcp", ..., "nsec3-iterations"; NULL for an unknown id. */
const char *dp_test_name(dp_test_id id);
/* The id of a test name, -1 if unknown. */
int dp_test_from_name(const char *name);
/* "validating", "aware", ..., "unreachable". */
const char *dp_class_name(dp_class c);
/* "pass", "fail", "skip". */
const char *dp_result_name(dp_result r);
/* Tag names joined with commas ("no-tcp,small-edns"); "" for none.
 * Returns buf. */
const char *dp_tags_format(unsigned tags, char *buf, size_t len);

/* Decide the bogus test from what it saw and from the ad test: SERVFAIL
 * passes; AD on bogus data fails; data without AD fails for a resolver
 * that sets AD elsewhere (permissive) and is skipped for one that never
 * validates (that is not a fault of a non-validator).  Call once, after
 * both tests ran. */
void dp_bogus_finalize(dp_test tests[DP_T_COUNT]);

/* Class and tags from the results (see classify.c for the table). */
void dp_classify(const dp_test tests[DP_T_COUNT], int dane_safe,
		 dp_class *cls, unsigned *tags);

/* Number of failed tests (for ranking). */
int dp_failures(const dp_test tests[DP_T_COUNT]);

#endif
