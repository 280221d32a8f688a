/* test_client.c - DANE safety under the client models (issue 14): the
 * same battery results judged for a local validator and for an MTA that
 * trusts the AD bit; the config's client: and trusted_path:; exit codes. */
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
#include "probe/cli/cli.h"
#include "probe/util/addr.h"
#include "probe/util/client.h"
#include "probe/util/config.h"

typedef enum { VALIDATING, AWARE, PERMISSIVE, DEAD } kind;

static void make(dp_resolver_result *r, const char *addr, kind k, int trusted)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->address, sizeof(r->address), "%s", addr);
	r->parse_ok = 1;
	r->trusted_path = trusted;
	r->dane_safe = k != DEAD;          /* the local model's verdict */
	r->cls = k == DEAD ? DP_CLASS_UNREACHABLE : k == AWARE ? DP_CLASS_AWARE
		: k == PERMISSIVE ? DP_CLASS_PARTIAL : DP_CLASS_VALIDATING;
	for (int i = 0; i < DP_T_COUNT; i++)
		r->tests[i].result = k == DEAD ? DP_RES_FAIL : DP_RES_PASS;
	if (k == AWARE) {
		r->tests[DP_T_AD].result = DP_RES_FAIL;
		r->tests[DP_T_BOGUS].result = DP_RES_SKIP;
		r->tests[DP_T_BOGUS].flags = DP_TF_DATA;
	}
	if (k == PERMISSIVE) {
		r->tests[DP_T_BOGUS].result = DP_RES_FAIL;
		r->tests[DP_T_BOGUS].flags = DP_TF_DATA;
		r->tags = DP_TAG_PERMISSIVE;
	}
}

static void clear(dp_resolver_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < r[i].n_reasons; k++)
			free(r[i].reasons[k]);
		free(r[i].reasons);
		r[i].reasons = NULL;
		r[i].n_reasons = 0;
	}
}

static void test_models(void **state)
{
	dp_resolver_result r[6];

	(void)state;
	make(&r[0], "127.53.1.1", VALIDATING, 0);
	make(&r[1], "127.53.1.2", AWARE, 0);
	make(&r[2], "127.53.1.5", PERMISSIVE, 0);
	make(&r[3], "192.0.2.53", VALIDATING, 0);
	make(&r[4], "[fd53::53:1]", VALIDATING, 1);
	make(&r[5], "127.53.1.7", DEAD, 0);

	dp_client_judge(r, 6, DP_CLIENT_LOCAL);
	for (int i = 0; i < 5; i++) {
		assert_true(r[i].dane_safe);
		assert_int_equal(r[i].client, DP_CLIENT_LOCAL);
		assert_int_equal(r[i].n_reasons, 0);
	}
	assert_false(r[5].dane_safe);
	clear(r, 6);

	make(&r[0], "127.53.1.1", VALIDATING, 0);
	make(&r[1], "127.53.1.2", AWARE, 0);
	make(&r[2], "127.53.1.5", PERMISSIVE, 0);
	make(&r[3], "192.0.2.53", VALIDATING, 0);
	make(&r[4], "[fd53::53:1]", VALIDATING, 1);
	make(&r[5], "127.53.1.7", DEAD, 0);
	dp_client_judge(r, 6, DP_CLIENT_AD);
	assert_true(r[0].dane_safe);                      /* validating, loopback */
	assert_int_equal(r[0].client, DP_CLIENT_AD);

	assert_false(r[1].dane_safe);                     /* aware: DANE off */
	assert_true(r[1].local_safe);
	assert_non_null(strstr(r[1].reasons[0], "DANE is off"));
	assert_non_null(strstr(r[1].reasons[0], "Opportunistic"));
	assert_non_null(strstr(r[1].reasons[0], "Mandatory (dane-only) mail is deferred"));
	assert_int_equal(r[1].severity, DP_SEV_BY_POSITION);

	assert_false(r[2].dane_safe);                     /* permissive: downgrade */
	assert_int_equal(r[2].severity, DP_SEV_CRITICAL);
	assert_non_null(strstr(r[2].reasons[0], "downgrade"));

	assert_false(r[3].dane_safe);                     /* validating, not loopback */
	assert_int_equal(r[3].severity, DP_SEV_WARNING);
	assert_non_null(strstr(r[3].reasons[0], "RFC 4035 4.9.3"));
	assert_non_null(strstr(r[3].reasons[0], "RFC 6698 4.1"));
	assert_non_null(strstr(r[3].reasons[0], "RFC 7672 2.2"));
	assert_non_null(strstr(r[3].reasons[0], "trusted_path"));

	assert_true(r[4].dane_safe);                      /* not loopback, trusted */
	assert_false(r[5].dane_safe);

	/* Exit codes: the untrusted path is a warning even as the primary;
	 * the permissive one is critical even as a secondary. */
	assert_int_equal(dp_probe_exit_code(&r[3], 1), DP_EXIT_WARNING);
	dp_resolver_result two[2] = { r[0], r[2] };
	assert_int_equal(dp_probe_exit_code(two, 2), DP_EXIT_CRITICAL);
	dp_resolver_result three[2] = { r[0], r[1] };
	assert_int_equal(dp_probe_exit_code(three, 2), DP_EXIT_WARNING);
	clear(r, 6);
}

/* The AD model's verdict table (SPEC 5 "Client models", issue 14): one
 * row per kind of resolver, with the severity and the words of the
 * reason.  Built by hand from the battery facts each kind shows. */
static const struct ad_row {
	const char *what, *addr;
	dp_class cls;
	int ad, bogus_res;         /* ad test passed; the bogus test's result */
	unsigned bogus_flags, tags;
	int trusted, parse_ok, local_safe;
	int safe, sev;             /* want */
	const char *reason;        /* want in reasons[0] (NULL: none) */
} ad_rows[] = {
	{ "validating, loopback", "127.53.1.1", DP_CLASS_VALIDATING, 1, DP_RES_PASS, DP_TF_SERVFAIL, 0, 0, 1, 1,
	  1, DP_SEV_BY_POSITION, NULL },
	{ "validating, ::1", "[::1]:5353", DP_CLASS_VALIDATING, 1, DP_RES_PASS, DP_TF_SERVFAIL, 0, 0, 1, 1,
	  1, DP_SEV_BY_POSITION, NULL },
	{ "validating, network path", "192.0.2.53", DP_CLASS_VALIDATING, 1, DP_RES_PASS, DP_TF_SERVFAIL, 0, 0, 1, 1,
	  0, DP_SEV_WARNING, "can be forged or stripped on the way (RFC 4035 4.9.3, RFC 6698 4.1, RFC 7672 2.2)" },
	{ "validating, trusted path", "192.0.2.53", DP_CLASS_VALIDATING, 1, DP_RES_PASS, DP_TF_SERVFAIL, 0, 1, 1, 1,
	  1, DP_SEV_BY_POSITION, NULL },
	{ "aware", "127.53.1.2", DP_CLASS_AWARE, 0, DP_RES_SKIP, DP_TF_DATA, 0, 0, 1, 1,
	  0, DP_SEV_BY_POSITION, "DANE is off through this aware resolver" },
	{ "non-DNSSEC", "127.53.1.4", DP_CLASS_NON_DNSSEC, 0, DP_RES_PASS, DP_TF_SERVFAIL, DP_TAG_NO_TLSA, 0, 1, 0,
	  0, DP_SEV_BY_POSITION, "DANE is off through this non-dnssec resolver" },
	{ "permissive", "127.53.1.5", DP_CLASS_PARTIAL, 1, DP_RES_FAIL, DP_TF_DATA, DP_TAG_PERMISSIVE, 0, 1, 1,
	  0, DP_SEV_CRITICAL, "permissive validator: bogus data comes back without AD instead of SERVFAIL" },
	{ "permissive, trusted path", "192.0.2.5", DP_CLASS_PARTIAL, 1, DP_RES_FAIL, DP_TF_DATA, DP_TAG_PERMISSIVE, 1, 1, 1,
	  0, DP_SEV_CRITICAL, "downgrade" },
	{ "AD=1 on bogus data", "127.53.1.8", DP_CLASS_PARTIAL, 1, DP_RES_FAIL, DP_TF_AD, 0, 0, 1, 1,
	  0, DP_SEV_CRITICAL, "AD=1 on bogus data: bogus data comes back with AD" },
	{ "validating, TLSA filtered", "127.53.1.9", DP_CLASS_PARTIAL, 1, DP_RES_PASS, DP_TF_SERVFAIL, DP_TAG_NO_TLSA, 0, 1, 0,
	  0, DP_SEV_BY_POSITION, "TLSA records do not come through" },
	{ "validating, unusable locally", "127.53.1.1", DP_CLASS_PARTIAL, 1, DP_RES_PASS, DP_TF_SERVFAIL, 0, 0, 1, 0,
	  1, DP_SEV_BY_POSITION, "safe for a client that trusts its AD bit" },
	{ "unreachable", "127.53.1.7", DP_CLASS_UNREACHABLE, 0, DP_RES_FAIL, 0, 0, 0, 1, 0,
	  0, DP_SEV_BY_POSITION, "no usable answers" },
	{ "not an address", "resolver.example", DP_CLASS_BROKEN, 0, DP_RES_FAIL, 0, 0, 0, 0, 0,
	  0, DP_SEV_BY_POSITION, "no usable answers" },
};

static void test_ad_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ad_rows) / sizeof(ad_rows[0]); i++) {
		const struct ad_row *w = &ad_rows[i];
		dp_resolver_result r;

		make(&r, w->addr, VALIDATING, w->trusted);
		r.cls = w->cls;
		r.parse_ok = w->parse_ok;
		r.dane_safe = w->local_safe;
		r.tags = w->tags;
		r.tests[DP_T_AD].result = w->ad ? DP_RES_PASS : DP_RES_FAIL;
		r.tests[DP_T_BOGUS].result = w->bogus_res;
		r.tests[DP_T_BOGUS].flags = w->bogus_flags;
		dp_client_judge(&r, 1, DP_CLIENT_AD);
		if (r.dane_safe != w->safe || (int)r.severity != w->sev || r.local_safe != w->local_safe)
			fail_msg("%s: dane_safe %d severity %d local %d, want %d %d %d", w->what, r.dane_safe,
				 r.severity, r.local_safe, w->safe, w->sev, w->local_safe);
		if (w->reason == NULL ? r.n_reasons != 0
				      : r.n_reasons == 0 || strstr(r.reasons[0], w->reason) == NULL)
			fail_msg("%s: reason '%s', want '%s'", w->what, r.n_reasons ? r.reasons[0] : "(none)",
				 w->reason ? w->reason : "(none)");
		clear(&r, 1);
	}
}

static void test_loopback(void **state)
{
	dp_addr a;

	(void)state;
	assert_int_equal(dp_addr_parse("127.53.1.1", &a), DP_OK);
	assert_true(dp_addr_is_loopback(&a));
	assert_int_equal(dp_addr_parse("[::1]:5353", &a), DP_OK);
	assert_true(dp_addr_is_loopback(&a));
	assert_int_equal(dp_addr_parse("192.0.2.53", &a), DP_OK);
	assert_false(dp_addr_is_loopback(&a));
	assert_int_equal(dp_addr_parse("[fd53::53:1]", &a), DP_OK);
	assert_false(dp_addr_is_loopback(&a));
	assert_int_equal(dp_addr_parse("128.0.0.1", &a), DP_OK);
	assert_false(dp_addr_is_loopback(&a));
}

static void test_config(void **state)
{
	static const char ok[] =
		"client: postfix\n"
		"resolvers:\n"
		"  - address: 192.0.2.53\n"
		"    trusted_path: true\n"
		"  - address: 127.0.0.1\n";
	static const char bad[] = "client: sendmail\n";
	static const char badbool[] = "resolvers:\n  - address: 192.0.2.1\n    trusted_path: maybe\n";
	dp_config *c = NULL;
	dp_client cl;
	char err[256];

	(void)state;
	assert_int_equal(dp_config_parse("t.yaml", ok, strlen(ok), &c, err, sizeof(err)), DP_OK);
	assert_true(c->has_client);
	assert_int_equal(c->client.model, DP_CLIENT_AD);
	assert_int_equal(c->client.preset, DP_PRESET_POSTFIX);
	assert_true(c->resolvers[0].trusted_path);
	assert_false(c->resolvers[1].trusted_path);
	dp_config_free(c);
	c = NULL;
	assert_int_equal(dp_config_parse("t.yaml", bad, strlen(bad), &c, err, sizeof(err)), DP_ECONFIG);
	assert_non_null(strstr(err, "t.yaml:1:9: 'client' must be local, ad"));
	assert_int_equal(dp_config_parse("t.yaml", badbool, strlen(badbool), &c, err, sizeof(err)), DP_ECONFIG);
	assert_non_null(strstr(err, "t.yaml:3:19: 'trusted_path' must be true or false"));

	assert_int_equal(dp_client_parse("esa", &cl), 0);
	assert_int_equal(cl.model, DP_CLIENT_LOCAL);
	assert_int_equal(dp_client_parse("exim", &cl), 0);
	assert_int_equal(cl.model, DP_CLIENT_AD);
	assert_string_equal(dp_client_name(&cl), "exim");
	assert_int_equal(dp_client_parse("AD", &cl), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models),
		cmocka_unit_test(test_ad_table),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
