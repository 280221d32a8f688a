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
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
