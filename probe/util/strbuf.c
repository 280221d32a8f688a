/* strbuf.c - see strbuf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/util/strbuf.h"
#include "validator/dp_err.h"

void dp_sbuf_add(dp_sbuf *b, const void *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void dp_sbuf_printf(dp_sbuf *b, const char *fmt, ...)
{
	char tmp[256], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(tmp)) {
		dp_sbuf_add(b, tmp, (size_t)n);
		return;
	}
	/* Longer than the stack buffer: format again at full size. */
	big = malloc((size_t)n + 1);
	if (big == NULL) {
		b->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	dp_sbuf_add(b, big, (size_t)n);
	free(big);
}

int dp_sbuf_finish(dp_sbuf *b, char **out, size_t *outlen)
{
	if (!b->failed && b->p == NULL)
		dp_sbuf_add(b, "", 0);
	if (b->failed) {
		dp_sbuf_clear(b);
		return DP_ENOMEM;
	}
	*out = b->p;
	if (outlen != NULL)
		*outlen = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return DP_OK;
}

void dp_sbuf_clear(dp_sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void dp_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
