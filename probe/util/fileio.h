/*
 * fileio.h - whole-file reads and atomic whole-file writes (SPEC section 10).
 */
#ifndef DP_FILEIO_H
#define DP_FILEIO_H

#include <stddef.h>
#include "validator/dp_err.h"

/* Write data to path atomically: a temporary file in the same directory,
 * fsync, the old file's mode, rename over path, fsync of the directory.
 * With backup, the old contents are first saved (atomically too) as
 * "<path>.bak".  A symlink is followed: the file it names is replaced
 * and the link stays.  On any failure path is untouched, the temporary file
 * removed, and err says what failed ("cannot create temporary file in
 * /etc/daneprobe: Permission denied").  DP_OK or DP_EIO. */
int dp_atomic_write(const char *path, const void *data, size_t len, int backup,
		    char *err, size_t errlen);

/* Read a whole file.  *out malloced, NUL-terminated (binary data is kept:
 * *outlen counts it).  DP_EIO or DP_ENOMEM with err (may be NULL). */
int dp_read_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen);
/* The same, refusing a file of more than max bytes (DP_ELIMIT, "PATH is
 * larger than the limit") without reading past max + 1.  On failure *out
 * is untouched and errno says why (EFBIG for the limit), so a caller can
 * word its own message. */
int dp_read_file_max(const char *path, size_t max, char **out, size_t *outlen,
		     char *err, size_t errlen);

#endif
