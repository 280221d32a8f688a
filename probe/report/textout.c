/*
 * textout.c - width, colour and wrapping of text for people (textout.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "probe/report/textout.h"
#include "probe/util/escape.h"

static int text_width = DP_TEXT_WIDTH_DEFAULT;
static int text_color;
static int text_quiet;
static int text_verbose;

int dp_color_mode_parse(const char *s, dp_color_mode *out)
{
	static const char *const names[] = { "auto", "always", "never" };

	for (int i = 0; i < 3; i++)
		if (s != NULL && strcmp(s, names[i]) == 0) {
			*out = (dp_color_mode)i;
			return 0;
		}
	return -1;
}

int dp_text_width_for(const char *columns_env, int tty_cols)
{
	if (columns_env != NULL && *columns_env) {
		char *end;
		long v = strtol(columns_env, &end, 10);
		if (*end == '\0' && v >= DP_TEXT_WIDTH_MIN && v <= DP_TEXT_WIDTH_MAX)
			return (int)v;
	}
	if (tty_cols >= DP_TEXT_WIDTH_MIN)
		return tty_cols > DP_TEXT_WIDTH_MAX ? DP_TEXT_WIDTH_MAX : tty_cols;
	return DP_TEXT_WIDTH_DEFAULT;
}

int dp_text_color_for(dp_color_mode mode, int isatty_out, const char *no_color, const char *term)
{
	if (mode == DP_COLOR_ALWAYS)
		return 1;
	if (mode == DP_COLOR_NEVER || !isatty_out)
		return 0;
	if (no_color != NULL && *no_color)
		return 0;
	return !(term != NULL && strcmp(term, "dumb") == 0);
}

void dp_text_init(dp_color_mode mode, int quiet)
{
	struct winsize ws;
	int tty = isatty(STDOUT_FILENO), cols = 0;

	if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		cols = ws.ws_col;
	text_width = dp_text_width_for(getenv("COLUMNS"), cols);
	text_color = dp_text_color_for(mode, tty, getenv("NO_COLOR"), getenv("TERM"));
	text_quiet = quiet;
}

void dp_text_set(int width, int color, int quiet)
{
	text_width = width;
	text_color = color;
	text_quiet = quiet;
}

int dp_text_width(void) { return text_width; }
int dp_text_color(void) { return text_color; }
int dp_text_quiet(void) { return text_quiet; }
int dp_text_verbose(void) { return text_verbose; }
void dp_text_set_verbose(int verbose) { text_verbose = verbose; }

const char *dp_tone_on(dp_tone t)
{
	if (!text_color)
		return "";
	switch (t) {
	case DP_TONE_OK: return "\033[32m";
	case DP_TONE_WARN: return "\033[33m";
	case DP_TONE_BAD: return "\033[1;31m";
	case DP_TONE_DIM: return "\033[2m";
	case DP_TONE_BOLD: return "\033[1m";
	default: return "";
	}
}

const char *dp_tone_off(dp_tone t)
{
	return text_color && t != DP_TONE_NONE ? "\033[0m" : "";
}

/* Escaped copy of s (malloced), or NULL. */
static char *text_escaped(const char *s)
{
	size_t n = strlen(s), cap = n * 4 + 1;
	char *e = malloc(cap);

	if (e != NULL)
		dp_escape(e, cap, s, n, DP_ESC_KEEP_BACKSLASH);
	return e;
}

int dp_text_cols(const char *s)
{
	char *e = text_escaped(s);
	int n = e != NULL ? (int)strlen(e) : (int)strlen(s);

	free(e);
	return n;
}

/* dp_text_wrap and dp_text_wrap_prefixed: every line after the first
 * starts with cont (cols columns of it). */
static void text_wrap(FILE *out, int col, const char *cont, int cols, const char *text)
{
	char *e = text_escaped(text != NULL ? text : "");
	const char *p;
	int width = text_width, avail;

	if (e == NULL)
		return;
	p = e;
	while (*p == ' ')
		p++;
	while (*p) {
		size_t len = strlen(p), cut;

		avail = width - col;
		if (avail < 1) {
			fprintf(out, "\n%s", cont);
			col = cols;
			continue;
		}
		if (len <= (size_t)avail) {
			fputs(p, out);
			break;
		}
		/* The last space that keeps the line within the width; with
		 * none, cut the word (a long hash or name). */
		for (cut = (size_t)avail; cut > 0 && p[cut] != ' '; cut--)
			;
		if (cut == 0) {
			if (col > cols) {
				fprintf(out, "\n%s", cont);
				col = cols;
				continue;
			}
			cut = (size_t)avail;
		}
		fwrite(p, 1, cut, out);
		p += cut;
		while (*p == ' ')
			p++;
		if (*p)
			fprintf(out, "\n%s", cont);
		col = cols;
	}
	fputc('\n', out);
	free(e);
}

void dp_text_wrap(FILE *out, int col, int indent, const char *text)
{
	char spaces[DP_TEXT_WIDTH_MAX / 2 + 1];

	if (indent > text_width / 2)
		indent = text_width / 2;      /* a hanging indent must leave room */
	if (indent < 0)
		indent = 0;
	memset(spaces, ' ', (size_t)indent);
	spaces[indent] = '\0';
	text_wrap(out, col, spaces, indent, text);
}

void dp_text_wrap_cont(FILE *out, int col, const char *cont, const char *text)
{
	int n = (int)strlen(cont);

	if (n > text_width / 2)
		cont = "", n = 0;     /* a continuation must leave room */
	text_wrap(out, col, cont, n, text);
}

void dp_text_finding(FILE *out, int indent, dp_tone tone, const char *label, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int col = indent;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fprintf(out, "%*s", indent, "");
	if (label != NULL && *label) {
		int more = msg == NULL || *msg != '\0';
		fprintf(out, "%s%s%s%s", dp_tone_on(tone), label, dp_tone_off(tone), more ? " " : "");
		col += (int)strlen(label) + more;
	}
	dp_text_wrap(out, col, indent + 2, msg != NULL ? msg : "(out of memory)");
	free(msg);
}
