/* test_fileio.c - dp_read_file_max (validator/readfile.c): the one
 * whole-file read of probe/ (config, anchor bootstrap files, TLSA files,
 * resolv.conf, alert state) and validator/ (anchor and state files). */
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

/* Sizes around the read chunk (8192) and the limit: exactly max is
 * read whole, max + 1 is refused, whatever the chunk boundaries. */
static void test_chunk_boundaries(void **state)
{
	static const size_t sizes[] = { 0, 1, 8191, 8192, 8193, 16384, 20000, 70001 };
	char *buf = malloc(70001), *out;
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < 70001; i++)
		buf[i] = (char)('a' + i % 26);
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k];

		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(buf, 1, n, f), n);
		fclose(f);
		out = NULL;
		assert_int_equal(dp_read_file_max(path, n, &out, &len, NULL, 0), DP_OK);
		assert_int_equal(len, n);
		assert_memory_equal(out, buf, n);
		assert_int_equal(out[n], '\0');
		free(out);
		assert_int_equal(dp_read_file(path, &out, &len, NULL, 0), DP_OK);
		assert_int_equal(len, n);
		free(out);
		if (n > 0) {
			out = NULL;
			errno = 0;
			assert_int_equal(dp_read_file_max(path, n - 1, &out, &len, NULL, 0), DP_ELIMIT);
			assert_int_equal(errno, EFBIG);
			assert_null(out);
		}
	}
	free(buf);
}

/* An endless file stops at the limit; a directory is a read error. */
static void test_endless_and_directory(void **state)
{
	char *out = NULL, err[128];

	(void)state;
	assert_int_equal(dp_read_file_max("/dev/zero", 100000, &out, NULL, err, sizeof err), DP_ELIMIT);
	assert_null(out);
	assert_string_equal(err, "/dev/zero is larger than the limit");
	errno = 0;
	assert_int_equal(dp_read_file_max("/tmp", 100, &out, NULL, err, sizeof err), DP_EIO);
	assert_int_equal(errno, EISDIR);
	assert_null(out);
	assert_string_equal(err, "cannot read /tmp: Is a directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_over_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunk_boundaries, setup, teardown),
		cmocka_unit_test(test_endless_and_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
