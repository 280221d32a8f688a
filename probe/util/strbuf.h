/*
 * strbuf.h - a growable text buffer for output built piece by piece
 * (unified diffs, config rewrites, Prometheus text).  An allocation
 * failure is sticky: later appends do nothing and dp_sbuf_finish reports
 * DP_ENOMEM once, so callers need not check every append.  Also the
 * printf into a fixed error buffer that the file writers share.
 */
#ifndef DP_STRBUF_H
#define DP_STRBUF_H

#include <stddef.h>

typedef struct dp_sbuf {
	char *p;          /* NUL-terminated once anything was added */
	size_t len, cap;
	int failed;
} dp_sbuf;

void dp_sbuf_add(dp_sbuf *b, const void *s, size_t n);
void dp_sbuf_printf(dp_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the text over: *out malloced (caller frees), *outlen (may be NULL)
 * its length.  DP_ENOMEM (and the buffer freed) if an append failed. */
int dp_sbuf_finish(dp_sbuf *b, char **out, size_t *outlen);
/* Drop the text. */
void dp_sbuf_clear(dp_sbuf *b);

/* printf into a caller's fixed error buffer; err may be NULL (the caller
 * does not want the message) and a long message is cut, never overflowed. */
void dp_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
