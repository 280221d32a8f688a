/* test_fileio.c - dp_read_file_max: the one whole-file read of probe/
 * (config, anchor bootstrap files, TLSA files, resolv.conf, alert state). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "probe/util/fileio.h"
#include "validator/dp_err.h"

static char path[64];

static int setup(void **state)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "/tmp/test_fileio.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	/* ten bytes, one of them NUL: binary data (a DER p7s) is kept */
	assert_int_equal(fwrite("abc\0defghi", 1, 10, f), 10);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

static void test_whole_file(void **state)
{
	char *out = NULL, err[128];
	size_t len = 0;

	assert_int_equal(dp_read_file(path, &out, &len, err, sizeof err), DP_OK);
	assert_int_equal(len, 10);
	assert_memory_equal(out, "abc\0defghi", 10);
	assert_int_equal(out[10], '\0');
	free(out);
	/* exactly at the limit is allowed */
	assert_int_equal(dp_read_file_max(path, 10, &out, &len, err, sizeof err), DP_OK);
	assert_int_equal(len, 10);
	free(out);
}

static void test_over_the_limit(void **state)
{
	char *out = (char *)"untouched", err[128];
	size_t len = 77;

	errno = 0;
	assert_int_equal(dp_read_file_max(path, 9, &out, &len, err, sizeof err), DP_ELIMIT);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(out, "untouched");
	assert_int_equal(len, 77);
	assert_non_null(strstr(err, "is larger than the limit"));
	assert_non_null(strstr(err, path));
}

static void test_missing(void **state)
{
	char *out = NULL, err[128];

	errno = 0;
	assert_int_equal(dp_read_file_max("/nonexistent/x", 100, &out, NULL, err, sizeof err), DP_EIO);
	assert_int_equal(errno, ENOENT);
	assert_null(out);
	assert_string_equal(err, "cannot open /nonexistent/x: No such file or directory");
	/* err may be NULL: the caller words its own message from errno */
	assert_int_equal(dp_read_file_max("/nonexistent/x", 100, &out, NULL, NULL, 0), DP_EIO);
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_over_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
