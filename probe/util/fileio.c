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
	dp_replace_opts o = { NULL, 0644, "file", NULL, NULL };
	struct stat st;
	mode_t mode = 0644;
	char *real = NULL;
	int rc;

	/* /etc/resolv.conf is often a symlink (systemd-resolved, resolvconf):
	 * renaming over it would replace the link with a file.  Write the
	 * file it points to instead. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (real == NULL) {
			dp_errf(err, errlen, "cannot resolve the symlink %s: %s", path, strerror(errno));
			return DP_EIO;
		}
		path = real;
	}

	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	else
		backup = 0;
	if (backup) {
		char *old = NULL, *bak = NULL;
		size_t oldlen;
		dp_replace_opts bo = { NULL, mode, "backup", NULL, NULL };

		rc = dp_read_file(path, &old, &oldlen, err, errlen);
		if (rc != DP_OK) {
			free(real);
			return rc;
		}
		if (asprintf(&bak, "%s.bak", path) < 0) {
			free(old);
			free(real);
			return DP_ENOMEM;
		}
		rc = dp_file_replace(bak, old, oldlen, &bo, err, errlen);
		free(old);
		free(bak);
		if (rc != DP_OK) {
			free(real);
			return rc;
		}
	}
	o.mode = mode;
	rc = dp_file_replace(path, data, len, &o, err, errlen);
	free(real);
	return rc;
}
