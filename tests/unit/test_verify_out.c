/*
 * test_verify_out.c - bulk verify's output (probe/cli/verify_out.c): in
 * input order whatever order the reports finish in, through a window of
 * bounded size (issue 16: holding every report that finished ahead of a
 * slow one made memory grow with the list: 100,000 entries peaked at
 * 38.8 MB against 23.6 MB for 1,000).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "probe/cli/verify_out.h"

static char captured[256];
static int saved_stdout = -1;
static FILE *cap;

static void capture_start(void)
{
	fflush(stdout);
	cap = tmpfile();
	assert_non_null(cap);
	saved_stdout = dup(STDOUT_FILENO);
	assert_true(dup2(fileno(cap), STDOUT_FILENO) >= 0);
}

/* What was written since capture_start. */
static const char *capture_now(void)
{
	fflush(stdout);
	rewind(cap);
	size_t got = fread(captured, 1, sizeof captured - 1, cap);
	captured[got] = '\0';
	fseek(cap, 0, SEEK_END);
	return captured;
}

static void capture_end(void)
{
	fflush(stdout);
	dup2(saved_stdout, STDOUT_FILENO);
	close(saved_stdout);
	fclose(cap);
}

static void put(verify_out *o, size_t i)
{
	char *b = malloc(2);
	b[0] = (char)('a' + i);
	b[1] = '\0';
	verify_out_put(o, i, b, 1, RV_SUCCESS);
}

static void test_window_order_and_room(void **state)
{
	verify_out o;
	(void)state;
	assert_int_equal(verify_out_init(&o, 10, 3, 0), 0);
	assert_int_equal(o.window, 3);
	capture_start();
	assert_true(verify_out_room(&o, 2));
	assert_false(verify_out_room(&o, 3));   /* three reports at most */
	put(&o, 2);
	put(&o, 1);
	assert_string_equal(capture_now(), "");
	assert_false(verify_out_room(&o, 3));
	put(&o, 0);
	assert_string_equal(capture_now(), "abc");
	assert_true(verify_out_room(&o, 5));
	assert_false(verify_out_room(&o, 6));
	put(&o, 4);
	put(&o, 5);
	put(&o, 3);
	assert_false(verify_out_room(&o, 9));
	put(&o, 8);
	put(&o, 7);
	put(&o, 6);
	assert_true(verify_out_room(&o, 9));
	put(&o, 9);
	assert_string_equal(capture_now(), "abcdefghij");
	assert_int_equal(o.done, 10);
	assert_int_equal(o.count[RV_SUCCESS], 10);
	capture_end();
	verify_out_free(&o);
}

/* The window is never wider than the list, and never empty. */
static void test_window_size(void **state)
{
	verify_out o;
	(void)state;
	assert_int_equal(verify_out_init(&o, 5, 512, 0), 0);
	assert_int_equal(o.window, 5);
	verify_out_free(&o);
	assert_int_equal(verify_out_init(&o, 5, 0, 0), 0);
	assert_int_equal(o.window, 1);
	verify_out_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_order_and_room),
		cmocka_unit_test(test_window_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
