/* test_config.c - daneprobe.yaml loading: values, positions, and every
 * error with its file:line:column. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "probe/util/config.h"
#include "probe/cli/cli.h"
#include "probe/dane/warn.h"

static const char good[] =
	"# gateway resolvers\n"
	"resolvers:\n"
	"  - name: primary\n"
	"    address: 192.0.2.53        # ip or [ipv6], optional :port\n"
	"    priority: 0\n"
	"  - name: secondary\n"
	"    address: \"[2001:db8::53]:5353\"\n"
	"    priority: '10'\n"
	"anchors:\n"
	"  state_file: /var/lib/daneprobe/root.anchors\n"
	"probe:\n"
	"  timeout_ms: 1500\n"
	"  names:\n"
	"    secure: [ietf.org, example.com]\n"
	"    nsec: example.com\n"
	"dane:\n"
	"  destinations: [ietf.org]\n"
	"alert:\n"
	"  webhook: https://alerts.example/hook\n"
	"report:\n"
	"  html: /var/lib/daneprobe/report.html\n";

static void test_good_config(void **state)
{
	dp_config *cfg = NULL;
	char err[256];
	const char **v;
	size_t n;

	(void)state;
	assert_int_equal(dp_config_parse("t.yaml", good, strlen(good), &cfg, err, sizeof(err)), DP_OK);
	assert_int_equal(cfg->n_resolvers, 2);
	assert_string_equal(cfg->resolvers[0].name, "primary");
	assert_string_equal(cfg->resolvers[0].address, "192.0.2.53");
	assert_int_equal(cfg->resolvers[0].priority, 0);
	assert_string_equal(cfg->resolvers[1].address, "[2001:db8::53]:5353");
	assert_int_equal(cfg->resolvers[1].priority, 10);
	/* The priority scalar's bytes, for the byte-preserving rewrite. */
	const dp_ynode *p0 = cfg->resolvers[0].priority_node;
	assert_non_null(p0);
	assert_int_equal(p0->end - p0->start, 1);
	assert_memory_equal(cfg->text + p0->start, "0", 1);
	assert_int_equal(p0->line, 5);
	assert_int_equal(p0->col, 15);
	const dp_ynode *p1 = cfg->resolvers[1].priority_node;
	assert_memory_equal(cfg->text + p1->start, "'10'", 4);
	assert_int_equal(cfg->probe_timeout_ms, 1500);
	assert_string_equal(cfg->anchors_state_file, "/var/lib/daneprobe/root.anchors");
	assert_string_equal(cfg->webhook, "https://alerts.example/hook");
	assert_string_equal(cfg->report_html, "/var/lib/daneprobe/report.html");
	assert_int_equal(cfg->n_destinations, 1);
	assert_string_equal(cfg->destinations[0], "ietf.org");
	n = dp_config_strings(cfg, "probe.names.secure", &v);
	assert_int_equal(n, 2);
	assert_string_equal(v[1], "example.com");
	free(v);
	n = dp_config_strings(cfg, "probe.names.nsec", &v);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "example.com");
	free(v);
	assert_int_equal(dp_config_strings(cfg, "probe.names.missing", &v), 0);
	assert_null(v);
	assert_string_equal(dp_config_str(cfg, "probe.names.nsec", "x"), "example.com");
	assert_string_equal(dp_config_str(cfg, "no.such", "def"), "def");
	dp_config_free(cfg);
}

static void test_empty_config(void **state)
{
	dp_config *cfg = NULL;
	char err[256];

	(void)state;
	assert_int_equal(dp_config_parse("e.yaml", "", 0, &cfg, err, sizeof(err)), DP_OK);
	assert_int_equal(cfg->n_resolvers, 0);
	dp_config_free(cfg);
	assert_int_equal(dp_config_parse("e.yaml", "# only a comment\n", 17, &cfg, err, sizeof(err)), DP_OK);
	dp_config_free(cfg);
}

/* The warning settings of issue 13 as the commands see them: the
 * config's values, 0 days meaning off, and the command line's winning. */
static void test_warn_settings(void **state)
{
	static const char text[] = "dane:\n  cert_warn_days: 0\n  rrsig_warn_days: 7\n  warn_single_key: off\n";
	dp_global g;
	dane_warn_cfg w, given = { 30, 0, 0 };
	char err[256];

	(void)state;
	memset(&g, 0, sizeof(g));
	dp_warn_cfg(&g, NULL, &w);
	assert_true(w.cert_days == 0 && w.rrsig_days == 0 && w.single_key == 0);
	assert_int_equal(dp_config_parse("w.yaml", text, strlen(text), &g.cfg, err, sizeof(err)), DP_OK);
	dp_warn_cfg(&g, NULL, &w);
	assert_int_equal(w.cert_days, -1);
	assert_int_equal(w.rrsig_days, 7);
	assert_int_equal(w.single_key, -1);
	dp_warn_cfg(&g, &given, &w);
	assert_int_equal(w.cert_days, 30);
	assert_int_equal(w.rrsig_days, 7);
	assert_int_equal(dane_warn_cert_secs(&w), 30 * 86400);
	dp_config_free(g.cfg);
}

/* A section whose children are all commented out is a YAML null: an
 * empty section, as in configs/daneprobe.yaml (failed before: "'alert'
 * must be a mapping"); a misspelt key stays an error even when empty. */
static void test_empty_sections(void **state)
{
	static const char text[] =
		"anchors:\n  state_file:\n  bootstrap: ~\n"
		"probe:\n  # timeout_ms: 1500\n"
		"dane:\n  destinations: null\n"
		"alert:\n  # webhook: https://alerts.example/hook\n";
	dp_config *cfg = NULL;
	char err[256];

	(void)state;
	if (dp_config_parse("e.yaml", text, strlen(text), &cfg, err, sizeof(err)) != DP_OK)
		fail_msg("%s", err);
	assert_null(cfg->anchors_state_file);
	assert_null(cfg->anchors_bootstrap);
	assert_null(cfg->webhook);
	assert_int_equal(cfg->n_destinations, 0);
	assert_int_equal(cfg->probe_timeout_ms, 0);
	assert_null(dp_config_get(cfg, "alert"));
	dp_config_free(cfg);
	/* Quoted, it is a value, not a null. */
	assert_int_equal(dp_config_parse("e.yaml", "alert: \"\"\n", 10, &cfg, err, sizeof(err)), DP_ECONFIG);
	assert_string_equal(err, "e.yaml:1:8: 'alert' must be a mapping");
	assert_int_equal(dp_config_parse("e.yaml", "alerts:\n", 8, &cfg, err, sizeof(err)), DP_ECONFIG);
	assert_string_equal(err, "e.yaml:1:1: unknown key 'alerts' in the configuration");
}

/* Every file under configs/ loads (the examples a user copies). */
static void test_shipped_configs(void **state)
{
	static const char *const files[] = { "daneprobe.yaml", "lab.yaml", "probe-internet.yaml" };

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		dp_config *cfg = NULL;
		char path[512], err[512];

		snprintf(path, sizeof(path), "%s/../configs/%s", DP_TESTDIR, files[i]);
		if (dp_config_load(path, &cfg, err, sizeof(err)) != DP_OK)
			fail_msg("%s", err);
		dp_config_free(cfg);
	}
}

static const struct bad_case {
	const char *text;
	const char *error;   /* expected message, including file:line:col */
} bad_cases[] = {
	{ "resolvers:\n  - address: 192.0.2.1\n   priority: 0\n",
	  "b.yaml:3:4: YAML syntax error: did not find expected '-' indicator while parsing a block collection" },
	{ "resolver:\n  - address: 192.0.2.1\n", "b.yaml:1:1: unknown key 'resolver' in the configuration" },
	{ "resolvers:\n  - address: 192.0.2.1\n    priority: high\n",
	  "b.yaml:3:15: 'priority' must be a whole number from 0 to 65535, not 'high'" },
	{ "resolvers:\n  - address: 192.0.2.1\n    priority: -1\n",
	  "b.yaml:3:15: 'priority' must be a whole number from 0 to 65535, not '-1'" },
	{ "resolvers:\n  - name: x\n", "b.yaml:2:5: resolver 1 has no 'address'" },
	{ "resolvers:\n  - address: mail.example.org\n",
	  "b.yaml:2:14: 'mail.example.org' is a host name, not an address" },
	{ "resolvers:\n  - address: tls://192.0.2.1\n",
	  "b.yaml:2:14: 'tls://192.0.2.1' is a URL" },
	{ "resolvers:\n  - address: 192.0.2.1\n    port: 53\n", "b.yaml:3:5: unknown key 'port' in a resolver" },
	{ "resolvers: 192.0.2.1\n", "b.yaml:1:12: 'resolvers' must be a list" },
	{ "a: &x [1]\n", "b.yaml:1:4: YAML anchors and tags are not allowed here" },
	{ "probe:\n  timeout_ms: 5\n", "b.yaml:2:15: 'probe.timeout_ms' must be a whole number from 10 to 600000, not '5'" },
	{ "dane:\n  destinations: [a]\ndane:\n  destinations: [b]\n", "b.yaml:3:1: duplicate key 'dane'" },
	{ "- a\n- b\n", "b.yaml:1:1: the configuration must be a mapping (key: value)" },
	{ "probe:\n  names: [a]\n", "b.yaml:2:10: 'probe.names' must be a mapping" },
	{ "key: \"unterminated\n", "b.yaml:2:1: YAML syntax error: found unexpected end of stream while scanning a quoted scalar" },
	/* issue 17 finding 8: values checked at load time, with the position */
	{ "dane:\n  destinations: [\"\"]\n", "b.yaml:2:18: dane.destinations \"\": empty: not a domain name" },
	{ "dane:\n  destinations: [ok.example, a..b]\n", "b.yaml:2:30: dane.destinations \"a..b\": an empty label" },
	{ "dane:\n  destinations: \"x\\ty\"\n", "b.yaml:2:17: dane.destinations \"x\\x09y\": a space, control" },
	{ "dane:\n  destinations: [{a: b}]\n", "b.yaml:2:18: 'dane.destinations' must be a domain name or a list" },
	{ "probe:\n  names:\n    secure: [ok.example, \"bad name\"]\n", "b.yaml:3:26: probe.names.secure \"bad name\": a space" },
	{ "probe:\n  names:\n    sekure: [a.example]\n", "b.yaml:3:13: unknown key 'sekure' in probe.names" },
	{ "probe:\n  names:\n    big_answer: \"a.example NOTATYPE\"\n", "b.yaml:3:17: probe.names.big_answer \"a.example NOTATYPE\": unknown record type" },
	{ "probe:\n  names:\n    algorithms: {x: a.example}\n", "b.yaml:3:21: 'probe.names.algorithms' keys must be numbers from 0 to 255" },
	{ "probe:\n  names:\n    nsec3_iterations: {5: \"\"}\n", "b.yaml:3:27: probe.names.nsec3_iterations \"\": empty" },
	{ "alert:\n  webhook: ftp://hook.example/\n", "b.yaml:2:12: alert.webhook \"ftp://hook.example/\": must be an http(s):// URL" },
	{ "alert:\n  prometheus_textfile: \"\"\n", "b.yaml:2:24: alert.prometheus_textfile \"\": empty" },
	{ "report:\n  html: [a.html, b.html]\n", "b.yaml:2:9: 'report.html' must be a single value" },
	{ "report:\n  html: \"\"\n", "b.yaml:2:9: report.html \"\": empty" },
	{ "report:\n  htlm: r.html\n", "b.yaml:2:3: unknown key 'htlm' in report" },
	{ "dane:\n  cert_warn_days: 3651\n", "b.yaml:2:19: dane.cert_warn_days \"3651\": must be a whole number of days from 0" },
	{ "dane:\n  rrsig_warn_days: -1\n", "b.yaml:2:20: dane.rrsig_warn_days \"-1\": must be a whole number of days" },
	{ "dane:\n  rrsig_warn_days: [3]\n", "b.yaml:2:20: dane.rrsig_warn_days \"\": must be a whole number of days" },
	{ "dane:\n  warn_single_key: maybe\n", "b.yaml:2:20: dane.warn_single_key \"maybe\": must be true or false" },
	{ "dane:\n  cert_warn_dayz: 3\n", "b.yaml:2:3: unknown key 'cert_warn_dayz' in dane" },
	{ "anchors:\n  bootstrap: nope\n", "b.yaml:2:14: anchors.bootstrap \"nope\": must be 'builtin' or an http(s):// URL" },
	{ "anchors:\n  state_file: \"/x\\ny\"\n", "b.yaml:2:15: anchors.state_file \"/x\\x0ay\": a control character" },
	{ "resolvers:\n  - address: 192.0.2.1\n    name: \"a\\e[2J\"\n", "b.yaml:3:11: resolver name \"a\\x1b[2J\": a control character" },
};

/* A 300-byte name loaded before and failed later with no position. */
static void test_long_destination(void **state)
{
	char text[512], label[64], err[512];
	dp_config *cfg = NULL;

	(void)state;
	memset(label, 'a', 59);
	label[59] = '\0';
	snprintf(text, sizeof text, "dane:\n  destinations:\n    - %s.%s.%s.%s.%s.example\n",
		 label, label, label, label, label);   /* 5 * 60 + 7 = 307 bytes */
	assert_int_equal(dp_config_parse("b.yaml", text, strlen(text), &cfg, err, sizeof err), DP_ECONFIG);
	assert_null(cfg);
	assert_non_null(strstr(err, "b.yaml:3:7: dane.destinations \"aaaa"));
	assert_non_null(strstr(err, "longer than 253 characters"));
	/* 64-byte label */
	memset(label, 'b', 63);
	label[63] = '\0';
	snprintf(text, sizeof text, "dane:\n  destinations: [x%s.example]\n", label);
	assert_int_equal(dp_config_parse("b.yaml", text, strlen(text), &cfg, err, sizeof err), DP_ECONFIG);
	assert_non_null(strstr(err, "b.yaml:2:18:"));
	assert_non_null(strstr(err, "a label longer than 63 characters"));
	/* the root and a trailing dot are names */
	snprintf(text, sizeof text, "dane:\n  destinations: [example.org.]\nprobe:\n  names:\n    nsec: \".\"\n");
	assert_int_equal(dp_config_parse("b.yaml", text, strlen(text), &cfg, err, sizeof err), DP_OK);
	dp_config_free(cfg);
}

static void test_bad_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		dp_config *cfg = NULL;
		char err[512];
		int rc = dp_config_parse("b.yaml", bad_cases[i].text, strlen(bad_cases[i].text),
					 &cfg, err, sizeof(err));
		if (rc != DP_ECONFIG || strncmp(err, bad_cases[i].error, strlen(bad_cases[i].error)) != 0)
			fail_msg("case %zu: rc=%d err='%s', wanted '%s'", i, rc, err, bad_cases[i].error);
		assert_null(cfg);
	}
}

static void test_nul_byte_and_missing_file(void **state)
{
	dp_config *cfg = NULL;
	char err[256];

	(void)state;
	assert_int_equal(dp_config_parse("n.yaml", "a: b\0c", 6, &cfg, err, sizeof(err)), DP_ECONFIG);
	assert_non_null(strstr(err, "NUL byte"));
	assert_int_equal(dp_config_load("/nonexistent/daneprobe.yaml", &cfg, err, sizeof(err)), DP_ENOTFOUND);
	assert_non_null(strstr(err, "/nonexistent/daneprobe.yaml"));
	assert_null(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_config),
		cmocka_unit_test(test_empty_config),
		cmocka_unit_test(test_warn_settings),
		cmocka_unit_test(test_empty_sections),
		cmocka_unit_test(test_shipped_configs),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_long_destination),
		cmocka_unit_test(test_nul_byte_and_missing_file),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
