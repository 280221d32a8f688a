/* lines.c - see lines.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "probe/util/escape.h"
#include "probe/util/lines.h"
#include "probe/util/addr.h"
#include "probe/util/config_values.h"
#include "probe/util/strbuf.h"

/* One word of a line, checked and cleaned into s->word: DP_OK. */
static int lines_word(dp_lines_stream *s, const char *w, size_t len)
{
	char ex[64], why[256];

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)w[i] < 0x21 || (unsigned char)w[i] > 0x7e) {
			dp_escape(ex, sizeof ex, w, len, 0);
			dp_errf(s->err, sizeof s->err,
				"%s:%lu: \"%s\" has a control or non-ASCII byte: not a domain name",
				s->name, s->lineno, ex);
			return DP_EPARSE;
		}
	if (s->count >= s->max_words) {
		dp_errf(s->err, sizeof s->err, "%s:%lu: more than %zu entries", s->name, s->lineno,
			s->max_words);
		return DP_ELIMIT;
	}
	memcpy(s->word, w, len);
	s->word[len] = '\0';
	if (dp_domain_clean(s->word, s->word, len + 1, why, sizeof why) < 0) {
		dp_escape(ex, sizeof ex, w, len, 0);
		dp_errf(s->err, sizeof s->err, "%s:%lu: \"%s\": %s", s->name, s->lineno, ex, why);
		return DP_EPARSE;
	}
	s->count++;
	return DP_OK;
}

/* One line without its '\n': the text before any '#', trimmed, is one
 * destination; two words are refused rather than cut to the first.
 * *got is 1 when the line held a word (in s->word). */
static int lines_one(dp_lines_stream *s, const char *l, size_t len, int *got)
{
	size_t i = 0, e;
	const char *hash;
	char ex[128];

	s->lineno++;
	*got = 0;
	if (memchr(l, '\0', len) != NULL) {
		dp_errf(s->err, sizeof s->err, "%s:%lu: NUL byte: not a text file", s->name, s->lineno);
		return DP_EPARSE;
	}
	if ((hash = memchr(l, '#', len)) != NULL)
		len = (size_t)(hash - l);
	while (i < len && (l[i] == ' ' || l[i] == '\t'))
		i++;
	while (len > i && (l[len - 1] == ' ' || l[len - 1] == '\t' || l[len - 1] == '\r'))
		len--;
	if (i == len)
		return DP_OK;
	for (e = i; e < len; e++)
		if (l[e] == ' ' || l[e] == '\t') {
			dp_escape(ex, sizeof ex, l + i, len - i, 0);
			dp_errf(s->err, sizeof s->err, "%s:%lu: \"%s\": more than one word (one domain, "
				"address or URL per line; '#' starts a comment)", s->name, s->lineno, ex);
			return DP_EPARSE;
		}
	*got = 1;
	return lines_word(s, l + i, len - i);
}

int dp_lines_stream_init(dp_lines_stream *s, FILE *f, const char *name,
			 const dp_lines_limits *lim)
{
	memset(s, 0, sizeof *s);
	s->f = f;
	snprintf(s->name, sizeof s->name, "%s", name);
	s->max_line = lim && lim->max_line ? lim->max_line : DP_LINES_MAX_LINE;
	s->max_total = lim && lim->max_total ? lim->max_total : DP_LINES_MAX_TOTAL;
	s->max_words = lim && lim->max_words ? lim->max_words : DP_LINES_MAX_WORDS;
	/* One byte over the cap tells "too long" from "exactly the cap". */
	s->line = malloc(s->max_line + 1);
	s->word = malloc(s->max_line + 1);
	if (s->line == NULL || s->word == NULL) {
		dp_lines_stream_free(s);
		dp_errf(s->err, sizeof s->err, "%s: out of memory", name);
		return DP_ENOMEM;
	}
	return DP_OK;
}

void dp_lines_stream_free(dp_lines_stream *s)
{
	free(s->line);
	free(s->word);
	s->line = s->word = NULL;
}

int dp_lines_next(dp_lines_stream *s, int *got)
{
	size_t len = 0;
	int ch, rc;

	*got = 0;
	while (!s->eof) {
		ch = getc(s->f);
		if (ch == EOF) {
			s->eof = 1;
			if (ferror(s->f)) {
				dp_errf(s->err, sizeof s->err, "%s: read error after line %lu: %s", s->name,
					s->lineno, strerror(errno));
				return DP_EIO;
			}
			if (len == 0)
				break;
		} else if (++s->total > s->max_total) {
			dp_errf(s->err, sizeof s->err, "%s: more than %zu bytes: split the list",
				s->name, s->max_total);
			return DP_ELIMIT;
		} else if (ch != '\n') {
			if (len >= s->max_line) {
				dp_errf(s->err, sizeof s->err, "%s:%lu: line longer than %zu bytes",
					s->name, s->lineno + 1, s->max_line);
				return DP_ELIMIT;
			}
			s->line[len++] = (char)ch;
			continue;
		}
		if ((rc = lines_one(s, s->line, len, got)) != DP_OK || *got)
			return rc;
		len = 0;
	}
	return DP_OK;
}

int dp_lines_read(FILE *f, const char *name, const dp_lines_limits *lim,
		  char ***list, size_t *n, size_t *cap, char *err, size_t errlen)
{
	dp_lines_stream s;
	int rc, got = 1;

	errno = 0;
	if ((rc = dp_lines_stream_init(&s, f, name, lim)) != DP_OK) {
		dp_errf(err, errlen, "%s", s.err);
		return rc;
	}
	while (rc == DP_OK && (rc = dp_lines_next(&s, &got)) == DP_OK && got) {
		char *w;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			char **grown = realloc(*list, nc * sizeof *grown);
			if (grown == NULL) {
				rc = DP_ENOMEM;
				break;
			}
			*list = grown;
			*cap = nc;
		}
		if ((w = strdup(s.word)) == NULL)
			rc = DP_ENOMEM;
		else
			(*list)[(*n)++] = w;
	}
	if (rc == DP_ENOMEM)
		dp_errf(s.err, sizeof s.err, "%s:%lu: out of memory", name, s.lineno);
	if (rc != DP_OK)
		dp_errf(err, errlen, "%s", s.err);
	dp_lines_stream_free(&s);
	return rc;
}

static FILE *lines_open(const char *path, char *err, size_t errlen)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	struct stat st;

	if (f == NULL) {
		dp_errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* fopen(3) opens a directory for reading; the first read fails. */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		dp_errf(err, errlen, "%s: %s", path, strerror(EISDIR));
		if (!is_stdin)
			fclose(f);
		return NULL;
	}
	return f;
}

int dp_lines_read_path(const char *path, const dp_lines_limits *lim,
		       char ***list, size_t *n, size_t *cap, char *err, size_t errlen)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = lines_open(path, err, errlen);
	int rc;

	if (f == NULL)
		return DP_EIO;
	rc = dp_lines_read(f, is_stdin ? "stdin" : path, lim, list, n, cap, err, errlen);
	if (!is_stdin)
		fclose(f);
	return rc;
}

int dp_lines_count_path(const char *path, const dp_lines_limits *lim, size_t *n,
			char *err, size_t errlen)
{
	FILE *f = lines_open(path, err, errlen);
	dp_lines_stream s;
	int rc, got = 1;

	*n = 0;
	if (f == NULL)
		return DP_EIO;
	errno = 0;
	if ((rc = dp_lines_stream_init(&s, f, path, lim)) == DP_OK) {
		while ((rc = dp_lines_next(&s, &got)) == DP_OK && got)
			;
		*n = s.count;
		if (rc != DP_OK)
			dp_errf(err, errlen, "%s", s.err);
		dp_lines_stream_free(&s);
	} else {
		dp_errf(err, errlen, "%s", s.err);
	}
	fclose(f);
	return rc;
}

/* Length of a URL scheme ("http", "smtp") before "://", or 0. */
static size_t clean_scheme(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");

	return n > 0 && strncmp(s + n, "://", 3) == 0 ? n : 0;
}

int dp_domain_clean(const char *in, char *out, size_t outlen, char *why, size_t whylen)
{
	char buf[DP_LINES_MAX_LINE];
	const char *p = in, *at, *problem;
	size_t n, k;
	dp_addr a;

	if (strlen(in) >= sizeof buf) {
		snprintf(why, whylen, "too long for a domain name");
		return -1;
	}
	if ((k = clean_scheme(p)) > 0)
		p += k + 3;
	else if (strncasecmp(p, "mailto:", 7) == 0)
		p += 7;
	if (*p == '<')
		p++;
	n = strcspn(p, "/?#>");              /* a URL's path, query, fragment */
	memcpy(buf, p, n);
	buf[n] = '\0';
	if ((at = strrchr(buf, '@')) != NULL)  /* an address or URL user info */
		memmove(buf, at + 1, strlen(at + 1) + 1);
	if (buf[0] != '[' && strchr(buf, ':') == strrchr(buf, ':') && (k = strcspn(buf, ":")) < strlen(buf))
		buf[k] = '\0';                 /* host:port */
	if (buf[0] == '\0') {
		snprintf(why, whylen, "no domain in it");
		return -1;
	}
	if (buf[0] == '[' || dp_addr_parse(buf, &a) == DP_OK) {
		snprintf(why, whylen, "an IP address, not a domain: DANE starts from the MX records of a domain");
		return -1;
	}
	if ((problem = dp_dname_problem(buf)) != NULL) {
		snprintf(why, whylen, "%s", problem);
		return -1;
	}
	if (strlen(buf) >= outlen) {
		snprintf(why, whylen, "too long");
		return -1;
	}
	memmove(out, buf, strlen(buf) + 1);
	return 0;
}
