/*
 * fileio.h - whole-file reads and atomic whole-file writes (SPEC section 10).
 */
#ifndef DP_FILEIO_H
#define DP_FILEIO_H

#include <stddef.h>
#include "validator/dp_err.h"
/* dp_read_file and dp_read_file_max: one definition, shared with
 * validator/ (anchor and state files). */
#include "validator/readfile.h"

/* Write data to path atomically with dp_file_replace (validator/
 * atomicfile.h): under the writers' lock "<real>.lock", a symlink
 * followed to the file it names, the owner, group, mode, ACL and SELinux
 * label of the old file kept, temporary files of killed writers removed.
 * With backup, the old contents are first saved (atomically too) as
 * "<real>.bak".  On any failure path is untouched and err says what
 * failed.  DP_OK, DP_ELOCKED, DP_EIO or DP_ENOMEM. */
int dp_atomic_write(const char *path, const void *data, size_t len, int backup,
		    char *err, size_t errlen);

/* The same for a rewrite of text read earlier: nothing is written, and
 * DP_ECHANGED returned, unless path still holds old[0..oldlen) once the
 * lock is held (old NULL: unless path does not exist).  real (PATH_MAX
 * bytes, may be NULL) gets the file written, for "old version in
 * REAL.bak". */
int dp_atomic_rewrite(const char *path, const char *old, size_t oldlen,
		      const void *data, size_t len, int backup, char *real,
		      char *err, size_t errlen);

/* Remove what killed writers of path left (temporary files of our own
 * naming), if no other daneprobe is writing it now. */
void dp_atomic_tidy(const char *path);

#endif
