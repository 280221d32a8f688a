/*
 * readfile.c - whole-file reads (see readfile.h).  Moved here from
 * probe/util/fileio.c so that validator/ (anchors.c, statefile.c) reads
 * files with the same code instead of two copies of its own.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/readfile.h"

#define READ_CHUNK 8192

int dp_read_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen)
{
	return dp_read_file_max(path, SIZE_MAX - READ_CHUNK - 2, out, outlen, err, errlen);
}

/* Grow buf so that it holds len + READ_CHUNK + 1 bytes; 0 or -1. */
static int read_grow(char **buf, size_t *cap, size_t len)
{
	size_t ncap = *cap ? *cap : READ_CHUNK + 1;
	char *nb;

	while (ncap < len + READ_CHUNK + 1)
		ncap *= 2;
	if (ncap == *cap)
		return 0;
	if ((nb = realloc(*buf, ncap)) == NULL)
		return -1;
	*buf = nb;
	*cap = ncap;
	return 0;
}

int dp_read_file_max(const char *path, size_t max, char **out, size_t *outlen,
		     char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int eno = 0;

	if (f == NULL) {
		eno = errno;
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "cannot open %s: %s", path, strerror(eno));
		errno = eno;
		return DP_EIO;
	}
	/* Read at most max + 1 bytes: one more than allowed tells "too large"
	 * without reading an endless file (/dev/zero) to its end. */
	for (;;) {
		if (read_grow(&buf, &cap, len) < 0) {
			eno = ENOMEM;
			break;
		}
		n = fread(buf + len, 1, len + READ_CHUNK > max + 1 ? max + 1 - len : READ_CHUNK, f);
		len += n;
		if (n == 0 || len > max)
			break;
	}
	if (eno == 0 && ferror(f))
		eno = errno != 0 ? errno : EIO;
	fclose(f);
	if (eno != 0 || len > max) {
		free(buf);
		if (err != NULL && errlen > 0) {
			if (eno == ENOMEM)
				snprintf(err, errlen, "out of memory reading %s", path);
			else if (eno != 0)
				snprintf(err, errlen, "cannot read %s: %s", path, strerror(eno));
			else
				snprintf(err, errlen, "%s is larger than the limit", path);
		}
		errno = eno != 0 ? eno : EFBIG;
		return eno == ENOMEM ? DP_ENOMEM : eno != 0 ? DP_EIO : DP_ELIMIT;
	}
	buf[len] = '\0';
	*out = buf;
	if (outlen != NULL)
		*outlen = len;
	return DP_OK;
}
