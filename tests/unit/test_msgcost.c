/*
 * test_msgcost.c - the validator's message cache counts what a message
 * really costs in heap (validator/msg.c msg_cost), so that its byte cap
 * bounds memory whatever the answers are (issue 16: counted by their
 * size on the wire, NXDOMAIN-heavy lists kept several times the heap of
 * positive ones under the same cap).
 *
 * The reference is glibc's own accounting: mallinfo2() around
 * ldns_wire2pkt of the message as received.  Under AddressSanitizer the
 * allocations do not go through glibc's malloc, so the test is skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include "validator/chain_int.h"

#if defined(__SANITIZE_ADDRESS__)
#define MSGCOST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MSGCOST_ASAN 1
#endif
#endif

#define SIG(owner, covered, signer) \
	owner " 3600 IN RRSIG " covered " 13 3 3600 20270101000000 20260101000000 12345 " signer " " \
	"oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o="

/* A response with these records (answer, authority), as received. */
static ldns_pkt *response(const char *qname, ldns_rr_type qtype, ldns_pkt_rcode rcode,
			  const char *const *an, const char *const *ns)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str(qname), qtype, LDNS_RR_CLASS_IN, 0);
	ldns_rr *rr = NULL;

	assert_non_null(p);
	ldns_pkt_set_qr(p, 1);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	ldns_pkt_set_edns_udp_size(p, 1232);
	ldns_pkt_set_edns_do(p, 1);
	for (; an && *an; an++) {
		assert_int_equal(ldns_rr_new_frm_str(&rr, *an, 3600, NULL, NULL), LDNS_STATUS_OK);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	for (; ns && *ns; ns++) {
		assert_int_equal(ldns_rr_new_frm_str(&rr, *ns, 3600, NULL, NULL), LDNS_STATUS_OK);
		ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
	}
	return p;
}

/* msg_cost of p as it arrives, against the heap its parsing takes (the
 * mean of 20 parses); within [3/4, 4/3]. */
static void check_cost(ldns_pkt *built, const char *what)
{
	uint8_t *wire = NULL;
	size_t len = 0;
	ldns_pkt *p[20];
	struct mallinfo2 before, after;

	assert_int_equal(ldns_pkt2wire(&wire, built, &len), LDNS_STATUS_OK);
	ldns_pkt_free(built);
	before = mallinfo2();
	for (size_t i = 0; i < 20; i++)
		assert_int_equal(ldns_wire2pkt(&p[i], wire, len), LDNS_STATUS_OK);
	after = mallinfo2();
	double heap = (double)(after.uordblks - before.uordblks) / 20;
	double cost = (double)msg_cost(p[0]);
	print_message("%s: %zu bytes on the wire, %.0f bytes of heap, cost %.0f\n",
		      what, len, heap, cost);
	assert_true(cost >= heap * 3 / 4);
	assert_true(cost <= heap * 4 / 3);
	for (size_t i = 0; i < 20; i++)
		ldns_pkt_free(p[i]);
	free(wire);
}

static void test_msg_cost_follows_heap(void **state)
{
	(void)state;
#ifdef MSGCOST_ASAN
	skip();
#endif
	static const char *const mx[] = {
		"d1.bulk.test. 3600 IN MX 10 mx.d1.bulk.test.",
		SIG("d1.bulk.test.", "MX", "bulk.test."), NULL
	};
	static const char *const nx[] = {
		"bulk.test. 3600 IN SOA ns.test. h.test. 1 3600 600 86400 3600",
		SIG("bulk.test.", "SOA", "bulk.test."),
		"nw0001.bulk.test. 3600 IN NSEC nz0002.bulk.test. A RRSIG NSEC",
		SIG("nw0001.bulk.test.", "NSEC", "bulk.test."),
		"bulk.test. 3600 IN NSEC d0.bulk.test. SOA NS MX RRSIG NSEC DNSKEY",
		SIG("bulk.test.", "NSEC", "bulk.test."), NULL
	};
	static const char *const many[] = {
		"a.test. 300 IN A 192.0.2.1", "a.test. 300 IN A 192.0.2.2", "a.test. 300 IN A 192.0.2.3",
		"a.test. 300 IN A 192.0.2.4", "a.test. 300 IN A 192.0.2.5", "a.test. 300 IN A 192.0.2.6",
		"a.test. 300 IN A 192.0.2.7", "a.test. 300 IN A 192.0.2.8", "a.test. 300 IN A 192.0.2.9",
		"a.test. 300 IN A 192.0.2.10", "a.test. 300 IN A 192.0.2.11", "a.test. 300 IN A 192.0.2.12",
		SIG("a.test.", "A", "test."), NULL
	};
	check_cost(response("d1.bulk.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, mx, NULL),
		   "MX and its RRSIG");
	check_cost(response("nx1.bulk.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NXDOMAIN, NULL, nx),
		   "NXDOMAIN with SOA, two NSEC and their RRSIGs");
	check_cost(response("a.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, many, NULL),
		   "twelve A and an RRSIG");
}

/* A message the caller built (a test's fake resolver) has no size on
 * the wire: its records still count. */
static void test_msg_cost_built(void **state)
{
	(void)state;
	ldns_pkt *mx = response("d1.bulk.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR,
				(const char *const[]){ "d1.bulk.test. 3600 IN MX 10 mx.d1.bulk.test.",
						       SIG("d1.bulk.test.", "MX", "bulk.test."), NULL }, NULL);
	assert_int_equal(ldns_pkt_size(mx), 0);
	assert_true(msg_cost(mx) > 1500);   /* ~2.3 KB once parsed from the wire */
	assert_int_equal(msg_cost(NULL), 0);
	ldns_pkt_free(mx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_cost_follows_heap),
		cmocka_unit_test(test_msg_cost_built),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
