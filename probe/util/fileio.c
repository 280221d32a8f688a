/*
 * fileio.c - atomic whole-file writes (the reads are validator/readfile.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "probe/util/fileio.h"
#include "probe/util/strbuf.h"
#include "validator/atomicfile.h"

int dp_atomic_write(const char *path, const void *data, size_t len, int backup,
		    char *err, size_t errlen)
{
	dp_replace_opts o = { .mode = 0644, .what = "file", .backup = backup };

	return dp_file_replace(path, data, len, &o, err, errlen);
}

int dp_atomic_rewrite(const char *path, const char *old, size_t oldlen,
		      const void *data, size_t len, int backup, char *real,
		      char *err, size_t errlen)
{
	dp_replace_opts o = { .mode = 0644, .what = "file", .backup = backup, .check = 1,
			      .expect = old, .expect_len = oldlen, .real_out = real };

	return dp_file_replace(path, data, len, &o, err, errlen);
}

void dp_atomic_tidy(const char *path)
{
	char *real = NULL;
	int fd = -1;

	if (dp_file_real(path, &real, NULL, 0) != DP_OK)
		return;
	if (dp_file_lock(real, 0, &fd, NULL, 0) == DP_OK)
		dp_file_clean_stale(real);
	dp_file_unlock(fd);
	free(real);
}
