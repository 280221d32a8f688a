/*
 * fileio.c - whole-file reads and atomic whole-file writes.
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

int dp_read_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen)
{
	return dp_read_file_max(path, SIZE_MAX - 1, out, outlen, err, errlen);
}

int dp_read_file_max(const char *path, size_t max, char **out, size_t *outlen,
		     char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	dp_sbuf b = { 0 };
	char buf[8192];
	size_t n;
	int eno;

	if (f == NULL) {
		eno = errno;
		dp_errf(err, errlen, "cannot open %s: %s", path, strerror(eno));
		errno = eno;
		return DP_EIO;
	}
	/* Read at most max + 1 bytes: one more than allowed tells "too large"
	 * without reading an endless file (/dev/zero) to its end. */
	while (b.len <= max &&
	       (n = fread(buf, 1, b.len + sizeof(buf) > max + 1 ? max + 1 - b.len : sizeof(buf), f)) > 0)
		dp_sbuf_add(&b, buf, n);
	eno = ferror(f) ? errno : 0;
	fclose(f);
	if (eno != 0 || b.len > max) {
		if (eno != 0)
			dp_errf(err, errlen, "cannot read %s: %s", path, strerror(eno));
		else
			dp_errf(err, errlen, "%s is larger than the limit", path);
		dp_sbuf_clear(&b);
		errno = eno != 0 ? eno : EFBIG;
		return eno != 0 ? DP_EIO : DP_ELIMIT;
	}
	if (dp_sbuf_finish(&b, out, outlen) != DP_OK) {
		dp_errf(err, errlen, "out of memory reading %s", path);
		errno = ENOMEM;
		return DP_ENOMEM;
	}
	return DP_OK;
}

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
