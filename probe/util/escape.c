/* escape.c - see escape.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/util/escape.h"
#include "probe/util/strbuf.h"

static int passes(unsigned char c, unsigned flags)
{
	if (c >= 0x20 && c < 0x7f && (c != '\\' || (flags & DP_ESC_KEEP_BACKSLASH)))
		return 1;
	return (flags & DP_ESC_KEEP_NL) && (c == '\n' || c == '\t');
}

static size_t esc_len(unsigned char c, unsigned flags)
{
	return passes(c, flags) ? 1 : c == '\\' ? 2 : 4;
}

size_t dp_escape(char *dst, size_t dstlen, const char *src, size_t n, unsigned flags)
{
	size_t i, o = 0, need = 0, room;

	if (dstlen == 0)
		return 0;
	for (i = 0; i < n; i++)
		need += esc_len((unsigned char)src[i], flags);
	/* All of it, or as much as leaves room for "..." (and the NUL). */
	room = need < dstlen ? dstlen - 1 : dstlen > 4 ? dstlen - 4 : 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		size_t k = esc_len(c, flags);

		if (o + k > room)
			break;
		if (k == 1)
			dst[o] = (char)c;
		else if (k == 2)
			memcpy(dst + o, "\\\\", 2);
		else
			snprintf(dst + o, 5, "\\x%02x", c);
		o += k;
	}
	if (i < n && o + 4 <= dstlen) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return i;
}

const char *dp_esc(char *dst, size_t dstlen, const char *s)
{
	if (s == NULL)
		s = "(null)";
	dp_escape(dst, dstlen, s, strlen(s), 0);
	return dstlen > 0 ? dst : "";
}

int dp_vfprintf_text(FILE *f, unsigned flags, const char *fmt, va_list ap)
{
	char *raw = NULL, *esc;
	int n = vasprintf(&raw, fmt, ap);
	size_t cap;

	if (n < 0)
		return -1;
	/* Each byte becomes at most 4. */
	cap = (size_t)n * 4 + 1;
	esc = malloc(cap);
	if (esc == NULL) {
		free(raw);
		return -1;
	}
	dp_escape(esc, cap, raw, (size_t)n, flags);
	n = fputs(esc, f) < 0 ? -1 : (int)strlen(esc);
	free(esc);
	free(raw);
	return n;
}

int dp_fprintf_text(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = dp_vfprintf_text(f, DP_ESC_KEEP_NL | DP_ESC_KEEP_BACKSLASH, fmt, ap);
	va_end(ap);
	return n;
}

int dp_helo_valid(const char *s)
{
	size_t len, label = 0, i;

	if (s == NULL || (len = strlen(s)) == 0 || len > 255)
		return 0;
	if (s[0] == '[') {
		/* RFC 5321 4.1.3 address literal: printable, no space or ']'
		 * inside, closed by the last byte. */
		if (len < 3 || s[len - 1] != ']')
			return 0;
		for (i = 1; i + 1 < len; i++)
			if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '[' || s[i] == ']' || s[i] == '\\')
				return 0;
		return 1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

void dp_sbuf_add_markup(dp_sbuf *b, const char *s, dp_markup m)
{
	char hex[8];

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *rep = NULL;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = m == DP_MARKUP_XML ? "&#39;" : NULL; break;
		case '\\': rep = m == DP_MARKUP_DOT ? "\\\\" : NULL; break;
		}
		if (rep == NULL && (c < 0x20 || c >= 0x7f)) {
			/* As dp_escape: the text "\xHH", its backslash doubled in DOT. */
			snprintf(hex, sizeof hex, m == DP_MARKUP_DOT ? "\\\\x%02x" : "\\x%02x", c);
			rep = hex;
		}
		if (rep != NULL)
			dp_sbuf_add(b, rep, strlen(rep));
		else
			dp_sbuf_add(b, s, 1);
	}
}
