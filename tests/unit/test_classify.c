/* test_classify.c - the classification table: test results -> class/tags. */
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
#include "probe/battery/classify.h"
#include "validator/dp_err.h"

/* A row: which tests fail (by name, comma-separated), with which error
 * and rcode for udp/tcp, and the expected class and tags. */
typedef struct row {
	const char *what;
	const char *fail;          /* tests that fail */
	const char *skip;          /* tests that are skipped */
	int err, rcode;            /* of the failing udp/tcp tests */
	unsigned flags_dnskey;     /* flags on the dnskey test */
	unsigned flags_bogus;      /* what the bogus test saw */
	int dane_safe;
	dp_class cls;
	const char *tags;
} row;

static void set_results(dp_test t[DP_T_COUNT], const row *r)
{
	char buf[256], *save = NULL;

	memset(t, 0, sizeof(dp_test) * DP_T_COUNT);
	for (int i = 0; i < DP_T_COUNT; i++) {
		t[i].result = DP_RES_PASS;
		t[i].rcode = LDNS_RCODE_NOERROR;
		t[i].rtt_ms = 5;
	}
	snprintf(buf, sizeof(buf), "%s", r->fail);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int id = dp_test_from_name(tok);
		assert_true(id >= 0);
		t[id].result = DP_RES_FAIL;
		if (id == DP_T_UDP || id == DP_T_TCP) {
			t[id].err = r->err;
			t[id].rcode = r->rcode;
		}
	}
	snprintf(buf, sizeof(buf), "%s", r->skip);
	save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		t[dp_test_from_name(tok)].result = DP_RES_SKIP;
	t[DP_T_DNSKEY].flags = r->flags_dnskey;
	if (r->err == DP_EPROTO)
		for (int i = DP_T_EDNS0; i <= DP_T_DNSKEY; i++)
			if (t[i].result == DP_RES_FAIL)
				t[i].err = DP_EPROTO, t[i].rcode = -1;
	/* The bogus test leaves its verdict to dp_bogus_finalize. */
	if (r->flags_bogus) {
		t[DP_T_BOGUS].result = DP_RES_SKIP;
		t[DP_T_BOGUS].flags = r->flags_bogus;
	}
}

static const row table[] = {
	{ "validator", "", "", 0, 0, 0, DP_TF_SERVFAIL, 1, DP_CLASS_VALIDATING, "" },
	{ "non-validating, passes DNSSEC", "ad", "", 0, 0, 0, DP_TF_DATA, 1, DP_CLASS_AWARE, "" },
	{ "AD-clearing forwarder of a validator", "ad", "", 0, 0, 0, DP_TF_SERVFAIL, 1, DP_CLASS_AWARE, "" },
	{ "permissive validator", "", "", 0, 0, 0, DP_TF_DATA, 1, DP_CLASS_PARTIAL, "permissive" },
	{ "AD on bogus data", "", "", 0, 0, 0, DP_TF_AD, 1, DP_CLASS_PARTIAL, "permissive" },
	{ "RRSIG stripper", "do,ad,dnskey,ds,tlsa,chain", "", 0, 0, 0, DP_TF_SERVFAIL, 0,
	  DP_CLASS_NON_DNSSEC, "no-tlsa,chain" },
	{ "no EDNS", "edns0,do,ad", "", 0, 0, 0, DP_TF_DATA, 0, DP_CLASS_NON_DNSSEC, "chain" },
	{ "small EDNS, no TCP", "tcp,edns-size,dnskey,ad", "", DP_ENET, -1, DP_TF_SIZE, DP_TF_DATA, 1,
	  DP_CLASS_PARTIAL, "no-tcp,small-edns" },
	{ "TLSA filtered only", "tlsa", "", 0, 0, 0, DP_TF_SERVFAIL, 1, DP_CLASS_PARTIAL, "no-tlsa" },
	{ "no NSEC3", "nsec3", "", 0, 0, 0, DP_TF_SERVFAIL, 1, DP_CLASS_PARTIAL, "no-nsec3" },
	{ "validating but not DANE-safe", "", "", 0, 0, 0, DP_TF_SERVFAIL, 0, DP_CLASS_PARTIAL, "chain" },
	{ "silent", "udp,tcp,edns0,do,ad,cd,dnskey,ds,nsec,nsec3,tlsa,chain", "", DP_ETIMEOUT, -1, 0, 0, 0,
	  DP_CLASS_UNREACHABLE, "" },
	{ "garbage", "udp,tcp", "", DP_EPARSE, -1, 0, 0, 0, DP_CLASS_BROKEN, "" },
	{ "refuses recursion", "udp,tcp", "", DP_OK, LDNS_RCODE_REFUSED, 0, 0, 0, DP_CLASS_BROKEN, "" },
	{ "endless TC: plain UDP answers, nothing else", "tcp,edns0,do,ad,cd,dnskey,ds", "", DP_EPROTO, -1, 0, 0, 0,
	  DP_CLASS_BROKEN, "" },
	{ "UDP only broken", "udp", "", DP_ETIMEOUT, -1, 0, DP_TF_SERVFAIL, 1, DP_CLASS_PARTIAL, "no-udp" },
	{ "nothing configured to test", "", "cd,nsec,nsec3,tlsa,algorithms,nsec3-iterations", 0, 0, 0,
	  DP_TF_SERVFAIL, 1, DP_CLASS_VALIDATING, "" },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const row *r = &table[i];
		dp_test t[DP_T_COUNT];
		dp_class cls;
		unsigned tags;
		char tb[256];

		set_results(t, r);
		/* The silent row: no test got any answer. */
		if (r->cls == DP_CLASS_UNREACHABLE)
			for (int k = 0; k < DP_T_COUNT; k++)
				t[k].rcode = -1;
		dp_bogus_finalize(t);
		dp_classify(t, r->dane_safe, &cls, &tags);
		dp_tags_format(tags, tb, sizeof(tb));
		if (cls != r->cls || strcmp(tb, r->tags) != 0)
			fail_msg("row '%s': got %s [%s], want %s [%s]", r->what, dp_class_name(cls), tb,
				 dp_class_name(r->cls), r->tags);
	}
}

static void test_bogus_finalize(void **state)
{
	dp_test t[DP_T_COUNT];

	(void)state;
	memset(t, 0, sizeof(t));
	t[DP_T_AD].result = DP_RES_FAIL;
	t[DP_T_BOGUS].rcode = 0;
	t[DP_T_BOGUS].flags = DP_TF_DATA;
	snprintf(t[DP_T_BOGUS].detail, sizeof(t[0].detail), "bogus.example A with CD=0: NOERROR");
	dp_bogus_finalize(t);
	assert_int_equal(t[DP_T_BOGUS].result, DP_RES_SKIP);
	assert_non_null(strstr(t[DP_T_BOGUS].detail, "does not validate"));

	memset(t, 0, sizeof(t));
	t[DP_T_AD].result = DP_RES_PASS;
	t[DP_T_BOGUS].rcode = 0;
	t[DP_T_BOGUS].flags = DP_TF_DATA;
	dp_bogus_finalize(t);
	assert_int_equal(t[DP_T_BOGUS].result, DP_RES_FAIL);
	assert_non_null(strstr(t[DP_T_BOGUS].detail, "permissive"));

	/* No answer at all: the test already failed; finalize leaves it. */
	memset(t, 0, sizeof(t));
	t[DP_T_BOGUS].result = DP_RES_FAIL;
	t[DP_T_BOGUS].rcode = -1;
	dp_bogus_finalize(t);
	assert_int_equal(t[DP_T_BOGUS].result, DP_RES_FAIL);
}

static void test_names(void **state)
{
	char b[64];

	(void)state;
	for (int i = 0; i < DP_T_COUNT; i++)
		assert_int_equal(dp_test_from_name(dp_test_name((dp_test_id)i)), i);
	assert_int_equal(dp_test_from_name("nope"), -1);
	assert_null(dp_test_name(DP_T_COUNT));
	assert_string_equal(dp_class_name(DP_CLASS_NON_DNSSEC), "non-dnssec");
	assert_string_equal(dp_class_name(DP_CLASS_COUNT), "unknown");
	assert_string_equal(dp_tags_format(DP_TAG_NO_TCP | DP_TAG_PERMISSIVE, b, sizeof(b)), "no-tcp,permissive");
	/* Too small a buffer truncates at a tag boundary, never overflows. */
	assert_string_equal(dp_tags_format(DP_TAG_NO_TCP | DP_TAG_SMALL_EDNS, b, 12), "no-tcp");
}

/* ---- ground truth (dp_probe_judge) ---- */

static void result_init(dp_resolver_result *r, const char *addr)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->address, sizeof(r->address), "%s", addr);
	r->parse_ok = 1;
	for (int i = 0; i < DP_T_COUNT; i++) {
		r->tests[i].result = DP_RES_PASS;
		r->tests[i].rcode = 0;
		r->tests[i].rtt_ms = 3;
	}
	r->tests[DP_T_BOGUS].result = DP_RES_SKIP;
	r->tests[DP_T_BOGUS].flags = DP_TF_SERVFAIL;
}

static void obs(dp_resolver_result *r, const char *name, ldns_rr_type type, val_status st,
		int has_expect, val_status expect, int diag_data, int diag_rrsig)
{
	dp_obs *o;

	r->obs = realloc(r->obs, (r->n_obs + 1) * sizeof(*r->obs));
	o = &r->obs[r->n_obs++];
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->type = type;
	o->status = st;
	o->has_expect = has_expect;
	o->expect = expect;
	snprintf(o->reason, sizeof(o->reason), "validator says so");
	if (st != VAL_SECURE && st != VAL_INSECURE) {
		o->diag_done = 1;
		o->diag_rcode = 0;
		o->diag_data = diag_data;
		o->diag_rrsig = diag_rrsig;
	}
}

static void test_judge_ground_truth(void **state)
{
	dp_resolver_result r[3];

	(void)state;
	result_init(&r[0], "192.0.2.1");   /* validating */
	result_init(&r[1], "192.0.2.2");   /* strips RRSIGs */
	result_init(&r[2], "192.0.2.3");   /* fine, but cannot reach the TLSA */
	/* The MX host's A has no config expectation: the truth comes from
	 * the resolver that proves it SECURE. */
	obs(&r[0], "dane.example", LDNS_RR_TYPE_MX, VAL_SECURE, 1, VAL_SECURE, 0, 0);
	obs(&r[0], "mx.dane.example", LDNS_RR_TYPE_A, VAL_SECURE, 0, VAL_SECURE, 0, 0);
	obs(&r[0], "_25._tcp.mx.dane.example", LDNS_RR_TYPE_TLSA, VAL_SECURE, 0, VAL_SECURE, 0, 0);
	obs(&r[0], "www.unsigned.example", LDNS_RR_TYPE_A, VAL_INSECURE, 1, VAL_INSECURE, 0, 0);
	obs(&r[1], "dane.example", LDNS_RR_TYPE_MX, VAL_BOGUS, 1, VAL_SECURE, 1, 0);
	obs(&r[1], "mx.dane.example", LDNS_RR_TYPE_A, VAL_BOGUS, 0, VAL_SECURE, 1, 0);
	obs(&r[1], "www.unsigned.example", LDNS_RR_TYPE_A, VAL_INSECURE, 1, VAL_INSECURE, 0, 0);
	obs(&r[2], "dane.example", LDNS_RR_TYPE_MX, VAL_SECURE, 1, VAL_SECURE, 0, 0);
	obs(&r[2], "mx.dane.example", LDNS_RR_TYPE_A, VAL_SECURE, 0, VAL_SECURE, 0, 0);
	obs(&r[2], "_25._tcp.mx.dane.example", LDNS_RR_TYPE_TLSA, VAL_BOGUS, 0, VAL_SECURE, 0, 0);
	r[1].tests[DP_T_DO].result = DP_RES_FAIL;
	r[1].tests[DP_T_DO].flags = DP_TF_STRIPPED;
	r[2].tests[DP_T_AD].result = DP_RES_FAIL;

	dp_probe_judge(r, 3);

	assert_true(r[0].dane_safe);
	assert_int_equal(r[0].cls, DP_CLASS_VALIDATING);
	assert_int_equal(r[0].tests[DP_T_CHAIN].result, DP_RES_PASS);
	assert_int_equal(r[0].n_reasons, 0);

	assert_false(r[1].dane_safe);
	assert_int_equal(r[1].cls, DP_CLASS_NON_DNSSEC);
	assert_true(r[1].n_reasons >= 2);
	assert_string_equal(r[1].reasons[0],
		"BOGUS MX record for dane.example (expected secure): RRSIG missing for dane.example/MX: resolver strips DNSSEC records");
	assert_non_null(strstr(r[1].reasons[1], "BOGUS A record for mx.dane.example"));
	assert_int_equal(r[1].tests[DP_T_CHAIN].result, DP_RES_FAIL);

	assert_false(r[2].dane_safe);
	assert_int_equal(r[2].cls, DP_CLASS_PARTIAL);
	assert_non_null(strstr(r[2].reasons[0], "TLSA _25._tcp.mx.dane.example answered empty: resolver filters type 52"));

	for (int i = 0; i < 3; i++) {
		for (size_t k = 0; k < r[i].n_reasons; k++)
			free(r[i].reasons[k]);
		free(r[i].reasons);
		free(r[i].obs);
	}
}

static void test_judge_without_truth(void **state)
{
	dp_resolver_result r;

	(void)state;
	/* A single stripping resolver: no path proves the MX, so the config's
	 * expectation (DANE domains are signed) is the ground truth. */
	result_init(&r, "192.0.2.9");
	obs(&r, "dane.example", LDNS_RR_TYPE_MX, VAL_BOGUS, 1, VAL_SECURE, 1, 0);
	obs(&r, "mx.dane.example", LDNS_RR_TYPE_A, VAL_BOGUS, 0, VAL_SECURE, 1, 0);
	dp_probe_judge(&r, 1);
	assert_false(r.dane_safe);
	assert_non_null(strstr(r.reasons[0], "BOGUS MX record for dane.example"));
	/* The A record has no expectation and no truth: it is not judged. */
	assert_non_null(strstr(r.tests[DP_T_CHAIN].detail, "1 of 1 records differ"));
	for (size_t k = 0; k < r.n_reasons; k++)
		free(r.reasons[k]);
	free(r.reasons);
	free(r.obs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_bogus_finalize),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_judge_ground_truth),
		cmocka_unit_test(test_judge_without_truth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
