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

typedef struct lines_ctx {
	const char *name;
	size_t max_line, max_total, max_words;
	char ***list;
	size_t *n, *cap;
	unsigned long lineno;
	char *err;
	size_t errlen;
} lines_ctx;

static int lines_push(lines_ctx *c, const char *w, size_t len)
{
	char ex[64], why[256], *word;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)w[i] < 0x21 || (unsigned char)w[i] > 0x7e) {
			dp_escape(ex, sizeof ex, w, len, 0);
			dp_errf(c->err, c->errlen, "%s:%lu: \"%s\" has a control or non-ASCII byte: not a domain name",
				c->name, c->lineno, ex);
			return DP_EPARSE;
		}
	if (*c->n >= c->max_words) {
		dp_errf(c->err, c->errlen, "%s:%lu: more than %zu entries", c->name, c->lineno, c->max_words);
		return DP_ELIMIT;
	}
	if (*c->n == *c->cap) {
		size_t nc = *c->cap ? *c->cap * 2 : 64;
		char **grown = realloc(*c->list, nc * sizeof *grown);
		if (grown == NULL)
			return DP_ENOMEM;
		*c->list = grown;
		*c->cap = nc;
	}
	if ((word = strndup(w, len)) == NULL)
		return DP_ENOMEM;
	if (dp_domain_clean(word, word, len + 1, why, sizeof why) < 0) {
		dp_escape(ex, sizeof ex, w, len, 0);
		dp_errf(c->err, c->errlen, "%s:%lu: \"%s\": %s", c->name, c->lineno, ex, why);
		free(word);
		return DP_EPARSE;
	}
	(*c->list)[*c->n] = word;
	(*c->n)++;
	return DP_OK;
}

/* One line without its '\n': the text before any '#', trimmed, is one
 * destination; two words are refused rather than cut to the first. */
static int lines_one(lines_ctx *c, const char *s, size_t len)
{
	size_t i = 0, e;
	const char *hash;
	char ex[128];

	c->lineno++;
	if (memchr(s, '\0', len) != NULL) {
		dp_errf(c->err, c->errlen, "%s:%lu: NUL byte: not a text file", c->name, c->lineno);
		return DP_EPARSE;
	}
	if ((hash = memchr(s, '#', len)) != NULL)
		len = (size_t)(hash - s);
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (i == len)
		return DP_OK;
	for (e = i; e < len; e++)
		if (s[e] == ' ' || s[e] == '\t') {
			dp_escape(ex, sizeof ex, s + i, len - i, 0);
			dp_errf(c->err, c->errlen, "%s:%lu: \"%s\": more than one word (one domain, "
				"address or URL per line; '#' starts a comment)", c->name, c->lineno, ex);
			return DP_EPARSE;
		}
	return lines_push(c, s + i, len - i);
}

static void lines_limits(lines_ctx *c, const dp_lines_limits *lim)
{
	c->max_line = lim && lim->max_line ? lim->max_line : DP_LINES_MAX_LINE;
	c->max_total = lim && lim->max_total ? lim->max_total : DP_LINES_MAX_TOTAL;
	c->max_words = lim && lim->max_words ? lim->max_words : DP_LINES_MAX_WORDS;
}

int dp_lines_read(FILE *f, const char *name, const dp_lines_limits *lim,
		  char ***list, size_t *n, size_t *cap, char *err, size_t errlen)
{
	lines_ctx c = { name, 0, 0, 0, list, n, cap, 0, err, errlen };
	char *line;
	size_t len = 0, total = 0;
	int ch, rc = DP_OK;

	lines_limits(&c, lim);
	/* One byte over the cap tells "too long" from "exactly the cap". */
	if ((line = malloc(c.max_line + 1)) == NULL)
		return DP_ENOMEM;
	while (rc == DP_OK && (ch = getc(f)) != EOF) {
		if (++total > c.max_total) {
			dp_errf(err, errlen, "%s: more than %zu bytes: split the list", name, c.max_total);
			rc = DP_ELIMIT;
		} else if (ch == '\n') {
			rc = lines_one(&c, line, len);
			len = 0;
		} else if (len >= c.max_line) {
			dp_errf(err, errlen, "%s:%lu: line longer than %zu bytes", name, c.lineno + 1, c.max_line);
			rc = DP_ELIMIT;
		} else {
			line[len++] = (char)ch;
		}
	}
	if (rc == DP_OK && ferror(f)) {
		dp_errf(err, errlen, "%s: read error after line %lu: %s", name, c.lineno, strerror(errno));
		rc = DP_EIO;
	}
	if (rc == DP_OK && len > 0)
		rc = lines_one(&c, line, len);
	if (rc == DP_ENOMEM)
		dp_errf(err, errlen, "%s:%lu: out of memory", name, c.lineno);
	free(line);
	return rc;
}

int dp_lines_read_path(const char *path, const dp_lines_limits *lim,
		       char ***list, size_t *n, size_t *cap, char *err, size_t errlen)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	struct stat st;
	int rc;

	if (f == NULL) {
		dp_errf(err, errlen, "%s: %s", path, strerror(errno));
		return DP_EIO;
	}
	/* fopen(3) opens a directory for reading; the first read fails. */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		dp_errf(err, errlen, "%s: %s", path, strerror(EISDIR));
		rc = DP_EIO;
	} else {
		errno = 0;
		rc = dp_lines_read(f, is_stdin ? "stdin" : path, lim, list, n, cap, err, errlen);
	}
	if (!is_stdin)
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
