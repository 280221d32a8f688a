/*
 * lines.h - bounded reading of a list of words, one per line ('#'
 * comments, blank lines skipped): `verify --from-file FILE` and stdin.
 *
 * A file of domains comes from a user or a pipe: /dev/zero, a directory
 * or a 10 GB log must give a clear error, not eat the memory of the
 * machine or end quietly as if the list were complete (issue 17 finding 6).
 */
#ifndef DP_LINES_H
#define DP_LINES_H

#include <stddef.h>
#include <stdio.h>
#include "validator/dp_err.h"

#define DP_LINES_MAX_LINE  4096               /* bytes in one line */
#define DP_LINES_MAX_TOTAL (64u * 1024 * 1024) /* bytes in the whole input */
#define DP_LINES_MAX_WORDS 1000000u           /* words in the list */

typedef struct dp_lines_limits {
	size_t max_line, max_total, max_words;  /* 0: the defaults above */
} dp_lines_limits;

/*
 * What a person pastes into a list of destinations, as the domain to
 * check: "user@example.org" and "<user@example.org>" give example.org
 * (mail to that address goes to that domain's MX, RFC 5321 5.1),
 * "http://example.org/path", "mailto:u@example.org" and
 * "smtp://mx.example.org:25" give the host.  out gets the domain (outlen
 * bytes); on anything that is not a domain name afterwards (an IP
 * address, a bad label) -1 with a reason in why.
 */
int dp_domain_clean(const char *in, char *out, size_t outlen, char *why, size_t whylen);

/*
 * Append each line of f, cleaned by dp_domain_clean, to *list (*n used, *cap
 * allocated; the strings malloced, the caller frees).  name is what
 * messages call the input ("domains.txt", "stdin").  A word with a
 * control byte or a non-ASCII byte is refused (it could only be a
 * hostile or corrupt name, and it would reach the terminal).
 * DP_OK; DP_ELIMIT (line, total or count cap), DP_EPARSE (NUL or control
 * byte; a line of two words such as "foo bar", which is no domain and
 * used to become "foo" silently; a line dp_domain_clean refuses), DP_EIO
 * (read error, directory), DP_ENOMEM, with err as "FILE:LINE: reason".
 */
int dp_lines_read(FILE *f, const char *name, const dp_lines_limits *lim,
		  char ***list, size_t *n, size_t *cap, char *err, size_t errlen);

/* Open path ("-" = stdin) and dp_lines_read it.  A directory is an
 * error "PATH: Is a directory". */
int dp_lines_read_path(const char *path, const dp_lines_limits *lim,
		       char ***list, size_t *n, size_t *cap, char *err, size_t errlen);

#endif
