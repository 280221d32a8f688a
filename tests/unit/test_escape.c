/* test_escape.c - the one escaping function, the HELO check and the
 * bounded list reader (issue 17 findings 6 and 7). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "probe/util/escape.h"
#include "probe/util/strbuf.h"
#include "probe/util/lines.h"

static void test_escape_table(void **state)
{
	static const struct { const char *in; size_t n; unsigned flags; const char *want; } t[] = {
		{ "mx.example", 10, 0, "mx.example" },
		/* the window-title and clear-screen sequences of the finding */
		{ "\x1b]0;pwned\x07\x1b[2J", 14, 0, "\\x1b]0;pwned\\x07\\x1b[2J" },
		{ "a\r\nMAIL FROM:<x>", 16, 0, "a\\x0d\\x0aMAIL FROM:<x>" },
		{ "line\n", 5, DP_ESC_KEEP_NL, "line\n" },
		{ "line\r\n", 6, DP_ESC_KEEP_NL, "line\\x0d\n" },
		{ "back\\slash", 10, 0, "back\\\\slash" },
		{ "\x9b" "31m", 4, 0, "\\x9b31m" },          /* 8-bit CSI */
		{ "\xc2\x9b", 2, 0, "\\xc2\\x9b" },          /* C1 CSI in UTF-8 */
		{ "nul\0x", 5, 0, "nul\\x00x" },
		{ "\x7f", 1, 0, "\\x7f" },
	};
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		dp_escape(buf, sizeof buf, t[i].in, t[i].n, t[i].flags);
		if (strcmp(buf, t[i].want) != 0)
			fail_msg("row %zu: got \"%s\", wanted \"%s\"", i, buf, t[i].want);
	}
}

static void test_escape_cut(void **state)
{
	char buf[10];

	(void)state;
	/* Cut at a whole escape, never inside "\x1b", and marked. */
	assert_int_equal(dp_escape(buf, sizeof buf, "abc\x1b\x1b\x1b", 6, 0), 3);
	assert_string_equal(buf, "abc...");
	assert_int_equal(dp_escape(buf, sizeof buf, "abcdefghi", 9, 0), 9);
	assert_string_equal(buf, "abcdefghi");
	assert_string_equal(dp_esc(buf, sizeof buf, NULL), "(null)");
}

static void test_fprintf_text(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	assert_non_null(f);
	dp_fprintf_text(f, "reply: %s\n", "250 ok\x1b[2J\rX");
	fclose(f);
	assert_string_equal(out, "reply: 250 ok\\x1b[2J\\x0dX\n");
	assert_null(memchr(out, 0x1b, len));
	free(out);
	/* a field escaped before is not escaped twice */
	f = open_memstream(&out, &len);
	dp_fprintf_text(f, "%s\n", "banner \\x1b]0;x");
	fclose(f);
	assert_string_equal(out, "banner \\x1b]0;x\n");
	free(out);
}

static void test_helo(void **state)
{
	static const char *const good[] = { "daneprobe.invalid", "mx1.example.org", "a", "[192.0.2.1]",
					    "[IPv6:2001:db8::1]", "host-1.example." };
	static const char *const bad[] = { "", "a\r\nMAIL FROM:<x>", "a b", "a..b", ".a", "a_b",
					   "[192.0.2.1", "[a b]", "x\n", "\x1b", "[]" };
	char big[300];

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!dp_helo_valid(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (dp_helo_valid(bad[i]))
			fail_msg("bad HELO %zu accepted", i);
	memset(big, 'a', 64);
	big[64] = '\0';
	assert_false(dp_helo_valid(big));   /* a 64-byte label */
	assert_false(dp_helo_valid(NULL));
}

/* ---- bounded list reading ---- */

static int read_text(const char *text, size_t len, const dp_lines_limits *lim,
		     char ***list, size_t *n, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, len, "r");
	size_t cap = 0;
	int rc;

	assert_non_null(f);
	rc = dp_lines_read(f, "list.txt", lim, list, n, &cap, err, errlen);
	fclose(f);
	return rc;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void test_lines_ok(void **state)
{
	static const char text[] = "# domains\nexample.org\n  b.example  # comment\n\n\tc.example\r\nlast.example";
	char **list = NULL, err[256] = "";
	size_t n = 0;

	(void)state;
	assert_int_equal(read_text(text, sizeof text - 1, NULL, &list, &n, err, sizeof err), DP_OK);
	assert_int_equal(n, 4);
	assert_string_equal(list[0], "example.org");
	assert_string_equal(list[1], "b.example");
	assert_string_equal(list[2], "c.example");
	assert_string_equal(list[3], "last.example");
	free_list(list, n);
}

static void test_lines_limits(void **state)
{
	static const struct { const char *text; size_t max_line, max_total, max_words; int rc; const char *msg; } t[] = {
		{ "aaaaaaaaaaaaaaaaaaaa\n", 10, 0, 0, DP_ELIMIT, "list.txt:1: line longer than 10 bytes" },
		{ "a\nb\nc\nd\ne\nf\n", 0, 8, 0, DP_ELIMIT, "list.txt: more than 8 bytes" },
		{ "a\nb\nc\n", 0, 0, 2, DP_ELIMIT, "list.txt:3: more than 2 entries" },
		{ "ok\nbad\x1b]0;x\x07\n", 0, 0, 0, DP_EPARSE, "list.txt:2: \"bad\\x1b]0;x\\x07\" has a control" },
		{ "ok\nb\xc3\xa4" "d\n", 0, 0, 0, DP_EPARSE, "list.txt:2:" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		dp_lines_limits lim = { t[i].max_line, t[i].max_total, t[i].max_words };
		char **list = NULL, err[256] = "";
		size_t n = 0;
		int rc = read_text(t[i].text, strlen(t[i].text), &lim, &list, &n, err, sizeof err);

		if (rc != t[i].rc || strstr(err, t[i].msg) == NULL)
			fail_msg("row %zu: rc %d err \"%s\"", i, rc, err);
		free_list(list, n);
	}
}

/* Issue 13: what people paste into a list of destinations is cleaned to
 * the domain, or refused with FILE:LINE; "foo bar" used to become "foo". */
static void test_lines_clean(void **state)
{
	static const char text[] = "user@example.org\nhttp://www.example.net/path?q=1\n"
		"<bob@mail.example.com>\nmailto:x@b.example\nsmtp://mx.example.org:25\n"
		"https://u:pw@c.example:8443/#top\n  # only a comment\n\nplain.example.  \n";
	static const char *const want[] = { "example.org", "www.example.net", "mail.example.com",
		"b.example", "mx.example.org", "c.example", "plain.example." };
	static const struct { const char *text; const char *msg; } bad[] = {
		{ "ok.example\nfoo bar\n", "list.txt:2: \"foo bar\": more than one word" },
		{ "192.0.2.1\n", "list.txt:1: \"192.0.2.1\": an IP address, not a domain" },
		{ "http://[2001:db8::1]/\n", "list.txt:1: \"http://[2001:db8::1]/\": an IP address" },
		{ "a..b\n", "list.txt:1: \"a..b\": an empty label" },
		{ "user@\n", "list.txt:1: \"user@\": no domain in it" },
	};
	char **list = NULL, err[256] = "";
	size_t n = 0;

	(void)state;
	assert_int_equal(read_text(text, sizeof text - 1, NULL, &list, &n, err, sizeof err), DP_OK);
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(list[i], want[i]);
	free_list(list, n);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		list = NULL;
		n = 0;
		err[0] = '\0';
		if (read_text(bad[i].text, strlen(bad[i].text), NULL, &list, &n, err, sizeof err) != DP_EPARSE
		    || strstr(err, bad[i].msg) == NULL)
			fail_msg("bad row %zu: err \"%s\"", i, err);
		free_list(list, n);
	}
}

/* /dev/zero grew without bound (1 GB in 2.5 s) before: now the line cap
 * stops it at once.  A directory said only the usage text. */
static void test_lines_devzero_and_dir(void **state)
{
	char **list = NULL, err[256] = "";
	size_t n = 0, cap = 0;

	(void)state;
	assert_int_equal(dp_lines_read_path("/dev/zero", NULL, &list, &n, &cap, err, sizeof err), DP_ELIMIT);
	assert_non_null(strstr(err, "/dev/zero:1: line longer than 4096 bytes"));
	assert_int_equal(dp_lines_read_path("/", NULL, &list, &n, &cap, err, sizeof err), DP_EIO);
	assert_string_equal(err, "/: Is a directory");
	assert_int_equal(dp_lines_read_path("/nonexistent/x", NULL, &list, &n, &cap, err, sizeof err), DP_EIO);
	assert_non_null(strstr(err, "No such file"));
	assert_int_equal(n, 0);
	free(list);
}

/* A read error is an error, not the end of the list (it was taken as EOF). */
static void test_lines_read_error(void **state)
{
	char **list = NULL, err[256] = "";
	size_t n = 0, cap = 0;
	int fd[2];
	FILE *f;

	(void)state;
	/* Reading a write-only stream sets the error flag: EBADF. */
	assert_int_equal(pipe(fd), 0);
	f = fdopen(fd[1], "w");
	assert_non_null(f);
	assert_int_equal(dp_lines_read(f, "pipe", NULL, &list, &n, &cap, err, sizeof err), DP_EIO);
	assert_non_null(strstr(err, "pipe: read error"));
	fclose(f);
	close(fd[0]);
	free(list);
}

/* Markup (issue 15): a hostile DNS label in XML/HTML and in a DOT string. */
static void test_markup(void **state)
{
	static const struct { const char *in; dp_markup m; const char *want; } rows[] = {
		{ "<script>\"x\"", DP_MARKUP_XML, "&lt;script&gt;&quot;x&quot;" },
		{ "a&b'c", DP_MARKUP_XML, "a&amp;b&#39;c" },
		{ "l\nf\x1b", DP_MARKUP_XML, "l\\x0af\\x1b" },
		{ "\\010y", DP_MARKUP_XML, "\\010y" },
		{ "<script>\"x\"", DP_MARKUP_DOT, "&lt;script&gt;&quot;x&quot;" },
		{ "\\010y\\N", DP_MARKUP_DOT, "\\\\010y\\\\N" },
		{ "l\nf", DP_MARKUP_DOT, "l\\\\x0af" },
		{ "a'b&c\xc3\xa9", DP_MARKUP_DOT, "a'b&amp;c\\\\xc3\\\\xa9" },
		{ "", DP_MARKUP_DOT, "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		dp_sbuf b = { 0 };
		char *out = NULL;
		dp_sbuf_add(&b, "", 0);
		dp_sbuf_add_markup(&b, rows[i].in, rows[i].m);
		assert_int_equal(dp_sbuf_finish(&b, &out, NULL), DP_OK);
		assert_string_equal(out ? out : "", rows[i].want);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_cut),
		cmocka_unit_test(test_fprintf_text),
		cmocka_unit_test(test_helo),
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_lines_ok),
		cmocka_unit_test(test_lines_limits),
		cmocka_unit_test(test_lines_clean),
		cmocka_unit_test(test_lines_devzero_and_dir),
		cmocka_unit_test(test_lines_read_error),
	};
	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
