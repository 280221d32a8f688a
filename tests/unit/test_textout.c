/* test_textout.c - width, colour and wrapping of text for people, and the
 * one resolver-address parser with its reasons (issue 13). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "probe/report/textout.h"
#include "probe/util/addr.h"
#include "probe/cli/verify_out.h"

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(dp_text_width_for(NULL, 0), 80);       /* not a terminal */
	assert_int_equal(dp_text_width_for(NULL, 132), 132);    /* the terminal's */
	assert_int_equal(dp_text_width_for("100", 132), 100);   /* COLUMNS wins */
	assert_int_equal(dp_text_width_for("100", 0), 100);
	assert_int_equal(dp_text_width_for("", 0), 80);
	assert_int_equal(dp_text_width_for("abc", 0), 80);
	assert_int_equal(dp_text_width_for("5", 0), 80);        /* too narrow to use */
	assert_int_equal(dp_text_width_for("99999", 0), 80);
	assert_int_equal(dp_text_width_for(NULL, 10), 80);
}

static void test_color(void **state)
{
	dp_color_mode m;

	(void)state;
	assert_int_equal(dp_color_mode_parse("auto", &m), 0);
	assert_int_equal(m, DP_COLOR_AUTO);
	assert_int_equal(dp_color_mode_parse("never", &m), 0);
	assert_int_equal(m, DP_COLOR_NEVER);
	assert_int_equal(dp_color_mode_parse("always", &m), 0);
	assert_int_equal(m, DP_COLOR_ALWAYS);
	assert_int_equal(dp_color_mode_parse("yes", &m), -1);
	assert_int_equal(dp_text_color_for(DP_COLOR_AUTO, 1, NULL, "xterm"), 1);
	assert_int_equal(dp_text_color_for(DP_COLOR_AUTO, 0, NULL, "xterm"), 0);
	assert_int_equal(dp_text_color_for(DP_COLOR_AUTO, 1, "1", "xterm"), 0);
	assert_int_equal(dp_text_color_for(DP_COLOR_AUTO, 1, "", "xterm"), 1);  /* empty: unset */
	assert_int_equal(dp_text_color_for(DP_COLOR_AUTO, 1, NULL, "dumb"), 0);
	assert_int_equal(dp_text_color_for(DP_COLOR_ALWAYS, 0, "1", "dumb"), 1);
	assert_int_equal(dp_text_color_for(DP_COLOR_NEVER, 1, NULL, "xterm"), 0);
	dp_text_set(80, 0, 0);
	assert_string_equal(dp_tone_on(DP_TONE_BAD), "");
	assert_string_equal(dp_tone_off(DP_TONE_BAD), "");
	dp_text_set(80, 1, 0);
	assert_string_equal(dp_tone_on(DP_TONE_BAD), "\033[1;31m");
	assert_string_equal(dp_tone_off(DP_TONE_BAD), "\033[0m");
	assert_string_equal(dp_tone_off(DP_TONE_NONE), "");
}

/* Every line of s at most width columns; the number of lines. */
static int lines_within(const char *s, int width)
{
	int n = 0;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		if ((int)len > width)
			fail_msg("line of %zu > %d: \"%.*s\"", len, width, (int)len, s);
		n++;
		s += len + (nl ? 1 : 0);
	}
	return n;
}

static char *wrap(int width, int col, int indent, const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	dp_text_set(width, 0, 0);
	dp_text_wrap(f, col, indent, text);
	fclose(f);
	return buf;
}

static void test_wrap(void **state)
{
	static const char *const texts[] = {
		"short",
		"RRSIG missing for sss-ok.dplab/MX: resolver strips DNSSEC records; RRSIG missing "
		"for mx-ok.h.dplab/A: resolver strips DNSSEC records; TLSA _25._tcp.mx-ok.h.dplab "
		"answered empty: resolver filters type 52",
		"3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"a\x1b[2Jb \x07 clear screen and bell must arrive escaped, and escaped text is what is wrapped",
	};
	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		for (int w = 40; w <= 100; w += 20) {
			char *out = wrap(w, 4, 6, texts[i]);
			const char *nl = strchr(out, '\n');
			/* the first line continues at column 4; the others start at 0 */
			assert_non_null(nl);
			assert_true(nl - out <= w - 4);
			assert_true(lines_within(nl + 1, w) >= 0);
			assert_true(lines_within(out, w) >= (strlen(texts[i]) > (size_t)w ? 2 : 1));
			assert_null(strchr(out, '\x1b'));
			assert_null(strchr(out, '\x07'));
			free(out);
		}
	{
		char *out = wrap(40, 0, 2, "one two three four five six seven eight nine ten eleven twelve");
		assert_string_equal(out, "one two three four five six seven eight\n  nine ten eleven twelve\n");
		assert_int_equal(lines_within(out, 40), 2);
		free(out);
	}
	{
		/* a word longer than the line is cut, never left over the width */
		char *out = wrap(40, 10, 4, "x 0123456789012345678901234567890123456789012345");
		assert_string_equal(out, "x\n    012345678901234567890123456789012345\n    6789012345\n");
		free(out);
	}
}

/* Lines after the first start with a continuation of ours (lookup's
 * ";" comments), counted in the width; a continuation wider than half
 * the line is dropped rather than leave no room. */
static void test_wrap_cont(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	dp_text_set(40, 0, 0);
	fputs("; bogus: ", f);
	dp_text_wrap_cont(f, 9, ";   ", "b.dplab/MX: RRSIG for b.dplab/MX does not verify with key 17762 alg 13 of dplab");
	dp_text_wrap_cont(f, 0, "0123456789012345678901234", "one two three four five six seven eight nine ten eleven");
	fclose(f);
	assert_string_equal(buf, "; bogus: b.dplab/MX: RRSIG for\n"
				 ";   b.dplab/MX does not verify with key\n"
				 ";   17762 alg 13 of dplab\n"
				 "one two three four five six seven eight\n"
				 "nine ten eleven\n");
	free(buf);
}

static void test_finding(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	dp_text_set(40, 1, 0);
	dp_text_finding(f, 2, DP_TONE_BAD, "FAIL", "%s: %s", "b.dplab", "the MX record is bogus: RRSIG does not verify");
	fclose(f);
	assert_string_equal(buf, "  \033[1;31mFAIL\033[0m b.dplab: the MX record is bogus:\n"
				 "    RRSIG does not verify\n");
	free(buf);
}

static void test_addr_why(void **state)
{
	static const struct { const char *in; int ok; const char *why; } t[] = {
		{ "192.0.2.53", 1, NULL },
		{ "192.0.2.53:5353", 1, NULL },
		{ "2001:db8::53", 1, NULL },
		{ "[2001:db8::53]:5353", 1, NULL },
		{ "[::1]", 1, NULL },
		{ "dns.google", 0, "'dns.google' is a host name, not an address" },
		{ "dns.google:53", 0, "is a host name" },
		{ "localhost", 0, "is a host name" },
		{ "tls://1.1.1.1", 0, "'tls://1.1.1.1' is a URL" },
		{ "https://dns.google/dns-query", 0, "is a URL" },
		{ "192.0.2.53:0", 0, "the port must be a number from 1 to 65535" },
		{ "[::1]:70000", 0, "the port must be" },
		{ "[192.0.2.53]", 0, "brackets are for IPv6 addresses only" },
		{ "192.0.2.999", 0, "is not an IPv4 or IPv6 address" },
		{ "", 0, "an empty resolver address" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char why[512] = "";
		dp_addr a;
		int rc = dp_addr_parse_why(t[i].in, &a, why, sizeof why);

		if ((rc == DP_OK) != t[i].ok)
			fail_msg("%s: rc %d", t[i].in, rc);
		if (t[i].why != NULL && strstr(why, t[i].why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", t[i].in, why, t[i].why);
	}
}

/* The bulk progress bar: rate and ETA, fitted to the terminal. */
static void test_progress_bar(void **state)
{
	char buf[256];

	(void)state;
	verify_out_bar(buf, sizeof buf, 120, 1000, 4.0, 80);
	assert_string_equal(buf, "[####                                    ] 120/1000  12% 30.0/s ETA 0:29");
	assert_true(strlen(buf) < 80);
	verify_out_bar(buf, sizeof buf, 0, 10, 0.5, 80);
	assert_non_null(strstr(buf, " 0/10   0% 0.0/s ETA -:--"));
	verify_out_bar(buf, sizeof buf, 500, 1000, 10.0, 40);      /* narrow: a shorter bar */
	assert_true(strlen(buf) < 40);
	assert_non_null(strstr(buf, "50.0/s ETA 0:10"));
	verify_out_bar(buf, sizeof buf, 5, 10, 1.0, 20);           /* no room: the numbers alone */
	assert_string_equal(buf, "5/10  50% 5.0/s ETA 0:01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_wrap_cont),
		cmocka_unit_test(test_finding),
		cmocka_unit_test(test_addr_why),
		cmocka_unit_test(test_progress_bar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
