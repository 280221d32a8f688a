/*
 * test_policy.c - every row of both decision tables of SPEC section 7,
 * written out here a second time from the source document (so a typo in
 * probe/policy.c's data shows), plus the RFC 7672 cases beyond the tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>
#include <stdlib.h>
#include "probe/dane/policy.h"
#include "probe/dane/dane.h"
#include "probe/report/report_verify.h"

/* The tables as the SPEC prints them: MX, A, TLSA, certificate, action,
 * and a word the reason must contain. */
struct spec_row {
	const char *mx, *a, *tlsa, *cert, *action, *reason_has;
};

static const struct spec_row spec_mandatory[] = {
	{ "Secure", "Secure", "Secure", "Success", "DANE Success", "matches" },
	{ "Secure", "Secure", "Secure", "Failed", "DANE Fail", "does not match" },
	{ "Secure", "Secure", "Insecure", "-", "DANE Fail", "TLSA record is insecure" },
	{ "Secure", "Secure", "NXDOMAIN", "-", "DANE Fail", "no TLSA record" },
	{ "Secure", "Secure", "Bogus", "-", "DANE Fail", "TLSA record is bogus" },
	{ "Secure", "Insecure", "-", "-", "DANE Fail", "address record is insecure" },
	{ "Secure", "Bogus", "-", "-", "DANE Fail", "address record is bogus" },
	{ "Insecure", "Secure", "Secure", "Success", "DANE Fail", "MX record is insecure" },
	{ "Insecure", "Secure", "Secure", "Failed", "DANE Fail", "MX record is insecure" },
	{ "Insecure", "Secure", "Insecure", "-", "DANE Fail", "TLSA record are insecure" },
	{ "Insecure", "Secure", "NXDOMAIN", "-", "DANE Fail", "no TLSA record" },
	{ "Insecure", "Secure", "Bogus", "-", "DANE Fail", "TLSA record is bogus" },
	{ "Insecure", "Insecure", "-", "-", "DANE Fail", "address record are insecure" },
	{ "Insecure", "Bogus", "-", "-", "DANE Fail", "address record is bogus" },
	{ "Bogus", "-", "-", "-", "DANE Fail", "MX record is bogus" },
};

static const struct spec_row spec_opportunistic[] = {
	{ "Secure", "Secure", "Secure", "Success", "DANE Success", "matches" },
	{ "Secure", "Secure", "Secure", "Failed", "DANE Fail", "does not match" },
	{ "Secure", "Secure", "Insecure", "-", "Fallback to opportunistic TLS", "TLSA record is insecure" },
	{ "Secure", "Secure", "NXDOMAIN", "-", "Fallback to opportunistic TLS", "no TLSA record" },
	{ "Secure", "Secure", "Bogus", "-", "DANE Fail", "TLSA record is bogus" },
	{ "Secure", "Insecure", "-", "-", "Fallback to opportunistic TLS", "address record is insecure" },
	{ "Secure", "Bogus", "-", "-", "DANE Fail", "address record is bogus" },
	{ "Insecure", "Secure", "Secure", "-", "Fallback to opportunistic TLS", "MX record is insecure" },
	{ "Insecure", "Secure", "Insecure", "-", "Fallback to opportunistic TLS", "TLSA record are insecure" },
	{ "Insecure", "Secure", "NXDOMAIN", "-", "Fallback to opportunistic TLS", "no TLSA record" },
	{ "Insecure", "Secure", "Bogus", "-", "DANE Fail", "TLSA record is bogus" },
	{ "Insecure", "Insecure", "-", "-", "Fallback to opportunistic TLS", "address record are insecure" },
	{ "Insecure", "Bogus", "-", "-", "DANE Fail", "address record is bogus" },
	{ "Bogus", "-", "-", "-", "DANE Fail", "MX record is bogus" },
};

static pol_lookup word_lookup(const char *w)
{
	if (strcmp(w, "Secure") == 0) return POL_SECURE;
	if (strcmp(w, "Insecure") == 0) return POL_INSECURE;
	if (strcmp(w, "Bogus") == 0) return POL_BOGUS;
	if (strcmp(w, "NXDOMAIN") == 0) return POL_NXDOMAIN;
	return POL_NONE;
}

static pol_cert word_cert(const char *w)
{
	if (strcmp(w, "Success") == 0) return POL_CERT_SUCCESS;
	if (strcmp(w, "Failed") == 0) return POL_CERT_FAILED;
	return POL_CERT_NONE;
}

static void check_table(pol_kind kind, const struct spec_row *spec, size_t n_spec)
{
	size_t n, i;
	const pol_row *rows = policy_table(kind, &n);

	assert_int_equal(n, n_spec);
	for (i = 0; i < n_spec; i++) {
		pol_obs o;
		char reason[512];
		int row = -2;
		pol_action a;

		memset(&o, 0, sizeof o);
		o.mx = word_lookup(spec[i].mx);
		o.addr = word_lookup(spec[i].a);
		o.tlsa = word_lookup(spec[i].tlsa);
		o.cert = word_cert(spec[i].cert);
		/* The data rows, in the document's order. */
		assert_int_equal(rows[i].mx, o.mx);
		assert_int_equal(rows[i].addr, o.addr);
		assert_int_equal(rows[i].tlsa, o.tlsa);
		assert_int_equal(rows[i].cert, o.cert);
		a = policy_decide(kind, &o, reason, sizeof reason, &row);
		if (strcmp(policy_action_words(a), spec[i].action) != 0)
			fail_msg("%s row %zu (%s %s %s %s): got %s, want %s",
				 policy_kind_str(kind), i + 1, spec[i].mx, spec[i].a,
				 spec[i].tlsa, spec[i].cert, policy_action_words(a),
				 spec[i].action);
		assert_int_equal(row, (int)i);
		if (strstr(reason, spec[i].reason_has) == NULL)
			fail_msg("%s row %zu: reason \"%s\" lacks \"%s\"",
				 policy_kind_str(kind), i + 1, reason, spec[i].reason_has);
	}
}

static void test_mandatory_rows(void **state)
{
	(void)state;
	check_table(POL_MANDATORY, spec_mandatory,
		    sizeof spec_mandatory / sizeof spec_mandatory[0]);
}

static void test_opportunistic_rows(void **state)
{
	(void)state;
	check_table(POL_OPPORTUNISTIC, spec_opportunistic,
		    sizeof spec_opportunistic / sizeof spec_opportunistic[0]);
}

/* "-" matches anything, so rows must never overlap: at most one row of a
 * table matches any fully specified observation. */
static void test_rows_do_not_overlap(void **state)
{
	static const pol_lookup lk[] = { POL_SECURE, POL_INSECURE, POL_BOGUS, POL_NXDOMAIN };
	static const pol_cert ck[] = { POL_CERT_SUCCESS, POL_CERT_FAILED };
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		size_t n, i, m, a, t, c;
		const pol_row *rows = policy_table((pol_kind)k, &n);

		for (m = 0; m < 3; m++)
		for (a = 0; a < 3; a++)
		for (t = 0; t < 4; t++)
		for (c = 0; c < 2; c++) {
			int hits = 0;
			for (i = 0; i < n; i++)
				if ((rows[i].mx == POL_NONE || rows[i].mx == lk[m]) &&
				    (rows[i].addr == POL_NONE || rows[i].addr == lk[a]) &&
				    (rows[i].tlsa == POL_NONE || rows[i].tlsa == lk[t]) &&
				    (rows[i].cert == POL_CERT_NONE || rows[i].cert == ck[c]))
					hits++;
			assert_true(hits <= 1);
		}
	}
}

/* Steps past a "-" do not change the outcome: a bogus MX with whatever
 * the engine may have seen later is still the Bogus row. */
static void test_unreached_steps_ignored(void **state)
{
	pol_obs o = { POL_BOGUS, POL_SECURE, POL_SECURE, POL_CERT_SUCCESS, 0, 0, 0, 0, 0 };
	int row;
	size_t n;

	(void)state;
	assert_int_equal(policy_decide(POL_MANDATORY, &o, NULL, 0, &row), POL_DANE_FAIL);
	policy_table(POL_MANDATORY, &n);
	assert_int_equal(row, (int)n - 1);
	o.mx = POL_SECURE;
	o.addr = POL_INSECURE;
	assert_int_equal(policy_decide(POL_OPPORTUNISTIC, &o, NULL, 0, &row), POL_FALLBACK_TLS);
	assert_int_equal(row, 5);
	o.addr = POL_SECURE;
	o.tlsa = POL_NXDOMAIN;
	o.cert = POL_CERT_FAILED;
	assert_int_equal(policy_decide(POL_OPPORTUNISTIC, &o, NULL, 0, &row), POL_FALLBACK_TLS);
	assert_int_equal(row, 3);
}

struct extra_case {
	pol_obs obs;
	pol_action opportunistic, mandatory;
	const char *reason_has;
};

static const struct extra_case extras[] = {
	/* TLSA SERVFAIL/timeout is not NXDOMAIN (RFC 7672 2.2). */
	{ { POL_SECURE, POL_SECURE, POL_LOOKUP_ERROR, POL_CERT_NONE, 0, 0, 0, 0, 0 },
	  POL_DANE_FAIL, POL_DANE_FAIL, "not NXDOMAIN" },
	{ { POL_INSECURE, POL_SECURE, POL_LOOKUP_ERROR, POL_CERT_NONE, 0, 0, 0, 0, 0 },
	  POL_DANE_FAIL, POL_DANE_FAIL, "RFC 7672 2.2" },
	/* Secure TLSA, none usable: as no TLSA (RFC 7672 2.2, 3.1.3). */
	{ { POL_SECURE, POL_SECURE, POL_SECURE, POL_CERT_NONE, 1, 0, 0, 0, 0 },
	  POL_FALLBACK_TLS, POL_DANE_FAIL, "no usable record" },
	/* No STARTTLS with a secure, usable TLSA RRset. */
	{ { POL_SECURE, POL_SECURE, POL_SECURE, POL_CERT_NONE, 0, 1, 0, 0, 0 },
	  POL_DANE_FAIL, POL_DANE_FAIL, "did not offer" },
	/* Offered, then refused with 454 (RFC 3207 4): said as such; it was
	 * reported as "did not offer it" before (issue 17 finding 9). */
	{ { POL_SECURE, POL_SECURE, POL_SECURE, POL_CERT_NONE, 0, 1, 0, 0, 1 },
	  POL_DANE_FAIL, POL_DANE_FAIL, "the server offered it, then refused it" },
	{ { POL_SECURE, POL_SECURE, POL_SECURE, POL_CERT_NONE, 0, 0, 0, 1, 0 },
	  POL_DANE_FAIL, POL_DANE_FAIL, "handshake failed" },
	{ { POL_SECURE, POL_SECURE, POL_SECURE, POL_CERT_NONE, 0, 0, 1, 0, 0 },
	  POL_DANE_FAIL, POL_DANE_FAIL, "no SMTP session" },
	/* Insecure MX: the opportunistic row has "-" for the certificate. */
	{ { POL_INSECURE, POL_SECURE, POL_SECURE, POL_CERT_NONE, 0, 1, 0, 0, 0 },
	  POL_FALLBACK_TLS, POL_DANE_FAIL, "insecure" },
	/* MX and address lookup errors. */
	{ { POL_LOOKUP_ERROR, POL_NONE, POL_NONE, POL_CERT_NONE, 0, 0, 0, 0, 0 },
	  POL_DANE_FAIL, POL_DANE_FAIL, "MX lookup failed" },
	{ { POL_SECURE, POL_LOOKUP_ERROR, POL_NONE, POL_CERT_NONE, 0, 0, 0, 0, 0 },
	  POL_DANE_FAIL, POL_DANE_FAIL, "address lookup failed" },
};

static void test_rfc7672_extras(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof extras / sizeof extras[0]; i++) {
		char r1[512], r2[512];
		pol_action o = policy_decide(POL_OPPORTUNISTIC, &extras[i].obs, r1, sizeof r1, NULL);
		pol_action m = policy_decide(POL_MANDATORY, &extras[i].obs, r2, sizeof r2, NULL);

		if (o != extras[i].opportunistic || m != extras[i].mandatory)
			fail_msg("extra %zu: got %s/%s want %s/%s (%s | %s)", i,
				 policy_action_str(o), policy_action_str(m),
				 policy_action_str(extras[i].opportunistic),
				 policy_action_str(extras[i].mandatory), r1, r2);
		if (strstr(r1, extras[i].reason_has) == NULL &&
		    strstr(r2, extras[i].reason_has) == NULL)
			fail_msg("extra %zu: reasons \"%s\" / \"%s\" lack \"%s\"", i,
				 r1, r2, extras[i].reason_has);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(policy_action_str(POL_DANE_SUCCESS), "dane-success");
	assert_string_equal(policy_action_str(POL_DANE_FAIL), "dane-fail");
	assert_string_equal(policy_action_str(POL_FALLBACK_TLS), "fallback-tls");
	assert_string_equal(policy_kind_str(POL_MANDATORY), "mandatory");
	assert_string_equal(policy_lookup_str(POL_NONE), "-");
}


/* ---- the appliance's daneverify lines (SPEC section 7), golden ---- */

static char *render(const dane_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_verify_text(f, r);
	fclose(f);
	return buf;
}

static void add_ev(dane_result *r, dane_ev_kind k, int h, int a)
{
	r->events = realloc(r->events, (r->n_events + 1) * sizeof *r->events);
	r->events[r->n_events].kind = k;
	r->events[r->n_events].host = h;
	r->events[r->n_events].addr = a;
	r->n_events++;
}

static void test_daneverify_success_lines(void **state)
{
	dane_result *r = calloc(1, sizeof *r);
	dane_addr *a;
	char *out;
	static const char want[] =
		"SECURE MX record(mail.example.org) found for example.org\n"
		"SECURE A record (192.0.2.25) found for MX(mail.example.org) in example.org\n"
		"Connecting to 192.0.2.25 on port 25.\n"
		"Connected to 192.0.2.25 from interface 192.0.2.10.\n"
		"SECURE TLSA record found for MX(mail.example.org) in example.org\n"
		"Checking TLS connection.\n"
		"TLS connection established: protocol TLSv1.3, cipher TLS_AES_256_GCM_SHA384.\n"
		"Certificate verification successful\n"
		"TLS connection succeeded example.org.\n"
		"DANE SUCCESS for example.org\n"
		"DANE verification completed.\n"
		/* issue 13: what happens to the mail, in plain words, wrapped
		 * to the width (80 here: not a terminal); the reason once */
		"Policy DANE Opportunistic: DANE Success: delivered over TLS, the server\n"
		"  authenticated by its TLSA records\n"
		"Policy DANE Mandatory: DANE Success: delivered over TLS, the server\n"
		"  authenticated by its TLSA records\n"
		"  - ok\n"
		"Resolver -\n";

	(void)state;
	strcpy(r->domain, "example.org");
	r->mx_status = POL_SECURE;
	r->n_hosts = 1;
	r->hosts = calloc(1, sizeof *r->hosts);
	strcpy(r->hosts[0].name, "mail.example.org");
	r->hosts[0].tlsa_status = POL_SECURE;
	r->hosts[0].n_addrs = 1;
	r->hosts[0].addrs = a = calloc(1, sizeof *a);
	strcpy(a->address, "192.0.2.25");
	a->family = 4;
	a->status = POL_SECURE;
	strcpy(a->local, "192.0.2.10");
	strcpy(a->protocol, "TLSv1.3");
	strcpy(a->cipher, "TLS_AES_256_GCM_SHA384");
	a->action[0] = a->action[1] = POL_DANE_SUCCESS;
	r->verdict[0] = r->verdict[1] = POL_DANE_SUCCESS;
	strcpy(r->reason[0], "ok");
	strcpy(r->reason[1], "ok");
	add_ev(r, DV_MX, 0, -1);
	add_ev(r, DV_ADDR, 0, 0);
	add_ev(r, DV_CONNECTING, 0, 0);
	add_ev(r, DV_CONNECTED, 0, 0);
	add_ev(r, DV_TLSA, 0, 0);
	add_ev(r, DV_CHECK_TLS, 0, 0);
	add_ev(r, DV_TLS_EST, 0, 0);
	add_ev(r, DV_CERT_OK, 0, 0);
	add_ev(r, DV_TLS_SUCCEEDED, 0, 0);
	add_ev(r, DV_SUCCESS, -1, -1);
	out = render(r);
	/* Everything; the resolver's time only comes with -v. */
	assert_memory_equal(out, want, strlen(want));
	free(out);
	dane_result_free(r);
}

static void test_daneverify_failure_lines(void **state)
{
	dane_result *r = calloc(1, sizeof *r);
	char *out;
	static const char want[] =
		"INSECURE MX record(mx1.example.net) found for example.net\n"
		"INSECURE MX record(mx1.example.net) found. The command will still proceed.\n"
		"INSECURE A record (198.51.100.1) found for MX(mx1.example.net) in example.net\n"
		"Trying next MX record in example.net\n"
		"INSECURE MX record(mx2.example.net) found for example.net\n"
		"INSECURE MX record(mx2.example.net) found. The command will still proceed.\n"
		"INSECURE A record (198.51.100.2) found for MX(mx2.example.net) in example.net\n"
		"Trying next A record (198.51.100.3)\n"
		"INSECURE A record (198.51.100.3) found for MX(mx2.example.net) in example.net\n"
		"DANE FAILED for example.net\n"
		"DANE verification completed.\n";
	size_t i;

	(void)state;
	strcpy(r->domain, "example.net");
	r->mx_status = POL_INSECURE;
	r->n_hosts = 2;
	r->hosts = calloc(2, sizeof *r->hosts);
	strcpy(r->hosts[0].name, "mx1.example.net");
	strcpy(r->hosts[1].name, "mx2.example.net");
	r->hosts[0].n_addrs = 1;
	r->hosts[1].n_addrs = 2;
	for (i = 0; i < 2; i++) {
		size_t j;
		r->hosts[i].addrs = calloc(r->hosts[i].n_addrs, sizeof(dane_addr));
		for (j = 0; j < r->hosts[i].n_addrs; j++) {
			r->hosts[i].addrs[j].family = 4;
			r->hosts[i].addrs[j].status = POL_INSECURE;
			sprintf(r->hosts[i].addrs[j].address, "198.51.100.%zu", i + j + 1);
		}
	}
	add_ev(r, DV_MX, 0, -1);
	add_ev(r, DV_MX_PROCEED, 0, -1);
	add_ev(r, DV_ADDR, 0, 0);
	add_ev(r, DV_NEXT_MX, 1, -1);
	add_ev(r, DV_MX, 1, -1);
	add_ev(r, DV_MX_PROCEED, 1, -1);
	add_ev(r, DV_ADDR, 1, 0);
	add_ev(r, DV_NEXT_A, 1, 1);
	add_ev(r, DV_ADDR, 1, 1);
	add_ev(r, DV_FAILED, -1, -1);
	out = render(r);
	assert_memory_equal(out, want, strlen(want));
	free(out);
	dane_result_free(r);

	/* A bogus MX: the source document's two lines. */
	r = calloc(1, sizeof *r);
	strcpy(r->domain, "example.org");
	r->mx_status = POL_BOGUS;
	add_ev(r, DV_MX_BOGUS, -1, -1);
	add_ev(r, DV_FAILED, -1, -1);
	out = render(r);
	assert_memory_equal(out, "BOGUS MX record found for example.org\nDANE FAILED for example.org\nDANE verification completed.\n",
			    strlen("BOGUS MX record found for example.org\nDANE FAILED for example.org\nDANE verification completed.\n"));
	free(out);
	dane_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mandatory_rows),
		cmocka_unit_test(test_opportunistic_rows),
		cmocka_unit_test(test_rows_do_not_overlap),
		cmocka_unit_test(test_unreached_steps_ignored),
		cmocka_unit_test(test_rfc7672_extras),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_daneverify_success_lines),
		cmocka_unit_test(test_daneverify_failure_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
