/* test_adview.c - the AD view of one answer, the words for a difference,
 * Postfix's rule for insecure MX hosts with secure TLSA (RFC 7672 2.2.1)
 * and posttls-finger's word for a walk (issue 14). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include "probe/dane/adview.h"
#include "probe/dane/postfix.h"

static void test_status(void **state)
{
	(void)state;
	assert_int_equal(adview_status(DP_OK, LDNS_RCODE_NOERROR, 1), VAL_SECURE);
	assert_int_equal(adview_status(DP_OK, LDNS_RCODE_NOERROR, 0), VAL_INSECURE);
	assert_int_equal(adview_status(DP_OK, LDNS_RCODE_NXDOMAIN, 1), VAL_SECURE);
	assert_int_equal(adview_status(DP_OK, LDNS_RCODE_NXDOMAIN, 0), VAL_INSECURE);
	assert_int_equal(adview_status(DP_OK, LDNS_RCODE_SERVFAIL, 0), VAL_BOGUS);
	assert_int_equal(adview_status(DP_OK, LDNS_RCODE_REFUSED, 0), VAL_INDETERMINATE);
	assert_int_equal(adview_status(DP_ETIMEOUT, LDNS_RCODE_NOERROR, 1), VAL_INDETERMINATE);
}

static void test_explain(void **state)
{
	char b[400];

	(void)state;
	adview_explain(VAL_INSECURE, VAL_BOGUS, b, sizeof b);
	assert_non_null(strstr(b, "downgrade"));
	adview_explain(VAL_INSECURE, VAL_SECURE, b, sizeof b);
	assert_non_null(strstr(b, "DANE off"));
	assert_non_null(strstr(b, "Mandatory mail deferred"));
	adview_explain(VAL_SECURE, VAL_BOGUS, b, sizeof b);
	assert_non_null(strstr(b, "AD=1"));
	adview_explain(VAL_SECURE, VAL_SECURE, b, sizeof b);
	assert_string_equal(b, "");
}

static void test_postfix_rule(void **state)
{
	pol_obs o = { .mx = POL_INSECURE, .addr = POL_SECURE, .tlsa = POL_SECURE, .cert = POL_CERT_SUCCESS };
	char why[600];

	(void)state;
	/* The appliance's table: insecure MX falls back / fails ... */
	assert_int_equal(policy_decide(POL_OPPORTUNISTIC, &o, NULL, 0, NULL), POL_FALLBACK_TLS);
	/* ... Postfix authenticates with the host's secure TLSA. */
	assert_int_equal(postfix_decide(POL_OPPORTUNISTIC, &o, why, sizeof why), POL_DANE_SUCCESS);
	assert_non_null(strstr(why, "RFC 7672 2.2.1"));
	assert_int_equal(postfix_decide(POL_MANDATORY, &o, why, sizeof why), POL_DANE_SUCCESS);
	o.cert = POL_CERT_FAILED;
	assert_int_equal(postfix_decide(POL_OPPORTUNISTIC, &o, why, sizeof why), POL_DANE_FAIL);
	assert_non_null(strstr(why, "deferred"));
	/* Rows where Postfix agrees with the table stay the table's. */
	o.tlsa = POL_NXDOMAIN;
	o.cert = POL_CERT_NONE;
	assert_int_equal(postfix_decide(POL_OPPORTUNISTIC, &o, why, sizeof why),
			 policy_decide(POL_OPPORTUNISTIC, &o, NULL, 0, NULL));
	o.tlsa = POL_SECURE;
	o.tlsa_unusable = 1;
	assert_int_equal(postfix_decide(POL_OPPORTUNISTIC, &o, why, sizeof why), POL_FALLBACK_TLS);
}

static void test_tls_class(void **state)
{
	dane_result r;
	dane_host h[2];
	dane_addr a[2];

	(void)state;
	memset(&r, 0, sizeof r);
	memset(h, 0, sizeof h);
	memset(a, 0, sizeof a);
	r.mx_status = POL_BOGUS;
	assert_string_equal(postfix_tls_class(&r), "error");
	r.mx_status = POL_SECURE;
	r.hosts = h;
	r.n_hosts = 2;
	h[0].addrs = &a[0];
	h[0].n_addrs = 1;
	h[1].addrs = &a[1];
	h[1].n_addrs = 1;
	a[0].status = POL_BOGUS;           /* skipped: no session */
	a[1].connected = 1;
	a[1].cert = DANE_CERT_SUCCESS;
	assert_string_equal(postfix_tls_class(&r), "verified");
	r.mx_status = POL_INSECURE;
	assert_string_equal(postfix_tls_class(&r), "trusted");
	a[1].cert = DANE_CERT_FAILED;
	assert_string_equal(postfix_tls_class(&r), "untrusted");
	a[1].obs.no_starttls = 1;
	assert_string_equal(postfix_tls_class(&r), "none");
	a[1].connected = 0;
	r.verdict[POL_OPPORTUNISTIC] = POL_FALLBACK_TLS;
	assert_string_equal(postfix_tls_class(&r), "untrusted");
	r.verdict[POL_OPPORTUNISTIC] = POL_DANE_FAIL;
	assert_string_equal(postfix_tls_class(&r), "error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_postfix_rule),
		cmocka_unit_test(test_tls_class),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
