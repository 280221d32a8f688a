/*
 * readfile.h - reading a whole file into memory, with a size cap: the
 * one definition for validator/ (anchor files, the RFC 5011 state file)
 * and probe/ (config, TLSA files, root-anchors.xml, ...).  A leaf
 * utility: it depends on nothing here but dp_err.h.
 */
#ifndef DP_READFILE_H
#define DP_READFILE_H

#include <stddef.h>
#include "validator/dp_err.h"

/* Read the file at path: *out malloced and NUL-terminated (binary data
 * is kept: *outlen, which may be NULL, counts it).  A file of more than
 * max bytes is refused (DP_ELIMIT, "PATH is larger than the limit")
 * without reading past max + 1, so /dev/zero cannot exhaust memory.
 * DP_EIO (cannot open or read), DP_ELIMIT or DP_ENOMEM, with err (may
 * be NULL) saying which; on failure *out is untouched and errno says why
 * (EFBIG for the limit), so a caller can word its own message. */
int dp_read_file_max(const char *path, size_t max, char **out, size_t *outlen,
		     char *err, size_t errlen);

/* dp_read_file_max without a limit. */
int dp_read_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen);

#endif
