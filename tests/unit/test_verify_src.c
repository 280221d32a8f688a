/*
 * test_verify_src.c - the domains of a verify run (probe/cli/verify_src.c):
 * files counted and checked up front, then read again one domain at a
 * time (issue 16: the whole list was kept in memory, 4 MB at 100,000
 * names), in the order files, then the command line; a file that
 * changes in between ends the list with a reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "probe/cli/verify_src.h"

static char path[64];

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "/tmp/test_verify_src.%d", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* The next domain as a string compared, then freed. */
static void want_next(verify_src *v, const char *want)
{
	char err[256];
	int changed = 1;
	char *d = verify_src_next(v, &changed, err, sizeof err);

	assert_int_equal(changed, 0);
	if (want == NULL) {
		assert_null(d);
		return;
	}
	assert_non_null(d);
	assert_string_equal(d, want);
	free(d);
}

static void test_order_and_streaming(void **state)
{
	verify_src v;
	char err[256];
	(void)state;
	memset(&v, 0, sizeof v);
	write_file("# a list\nexample.org\nuser@Mail.Example.NET\n\nhttp://third.example/x\n");
	assert_int_equal(verify_src_file(&v, path, 0, err, sizeof err), 0);
	assert_int_equal(v.total, 3);
	assert_int_equal(v.n_mem, 0);          /* nothing of the file kept */
	assert_int_equal(verify_src_add(&v, "cli.example"), 0);
	assert_int_equal(verify_src_add(&v, "cli2.example"), 0);
	assert_int_equal(v.total, 5);
	assert_int_equal(v.n_items, 2);        /* the two argv domains: one item */
	want_next(&v, "example.org");
	want_next(&v, "Mail.Example.NET");   /* case is the DANE walk's to fold */
	want_next(&v, "third.example");
	want_next(&v, "cli.example");
	want_next(&v, "cli2.example");
	want_next(&v, NULL);
	verify_src_free(&v);
}

/* keep (pictures): the file's domains in memory, in order. */
static void test_keep(void **state)
{
	verify_src v;
	char err[256];
	(void)state;
	memset(&v, 0, sizeof v);
	write_file("a.example\nb.example\n");
	assert_int_equal(verify_src_file(&v, path, 1, err, sizeof err), 0);
	assert_int_equal(v.n_mem, 2);
	assert_string_equal(v.mem[1], "b.example");
	want_next(&v, "a.example");
	want_next(&v, "b.example");
	want_next(&v, NULL);
	verify_src_free(&v);
}

/* A bad line is refused when the file is counted, before any run. */
static void test_bad_line_refused_up_front(void **state)
{
	verify_src v;
	char err[256];
	(void)state;
	memset(&v, 0, sizeof v);
	write_file("ok.example\nfoo bar\n");
	assert_int_equal(verify_src_file(&v, path, 0, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2: \"foo bar\": more than one word"));
	verify_src_free(&v);
}

/* Shorter, or bad, when read again: the list ends, with the reason. */
static void test_file_changed(void **state)
{
	verify_src v;
	char err[256];
	int changed = 0;
	(void)state;
	memset(&v, 0, sizeof v);
	write_file("a.example\nb.example\nc.example\n");
	assert_int_equal(verify_src_file(&v, path, 0, err, sizeof err), 0);
	write_file("a.example\n");
	want_next(&v, "a.example");
	assert_null(verify_src_next(&v, &changed, err, sizeof err));
	assert_int_equal(changed, 1);
	assert_non_null(strstr(err, "changed while it was read"));
	verify_src_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_streaming),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_bad_line_refused_up_front),
		cmocka_unit_test(test_file_changed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
