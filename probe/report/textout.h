/*
 * textout.h - how text for people is laid out: the width lines wrap to,
 * colour, --quiet, and one finding per line (issue 13).
 *
 * main.c calls dp_text_init once from the global options; every text
 * writer in report/ then asks here instead of guessing.  Lines wrap to
 * COLUMNS when it is set, else to the terminal's width when stdout is
 * one, else to 80 columns (a file or a pipe gets the same text on every
 * machine).  Colour only ever comes from dp_tone_on/off: it is written
 * with fputs, around text that went through dp_escape, so no byte from
 * the network can start an escape sequence of its own.
 */
#ifndef DP_TEXTOUT_H
#define DP_TEXTOUT_H

#include <stdarg.h>
#include <stdio.h>

#define DP_TEXT_WIDTH_DEFAULT 80
#define DP_TEXT_WIDTH_MIN 40       /* below this, wrapping makes no sense */
#define DP_TEXT_WIDTH_MAX 1000

typedef enum dp_color_mode { DP_COLOR_AUTO = 0, DP_COLOR_ALWAYS, DP_COLOR_NEVER } dp_color_mode;

typedef enum dp_tone {
	DP_TONE_NONE = 0,
	DP_TONE_OK,       /* green: secure, DANE-safe, success */
	DP_TONE_WARN,     /* yellow: fallback, warning, deferred */
	DP_TONE_BAD,      /* red: bogus, FAIL, not DANE-safe, critical */
	DP_TONE_DIM,      /* faint: expected for the class, skipped */
	DP_TONE_BOLD      /* headings */
} dp_tone;

/* "auto", "always", "never" -> *out; -1 for anything else. */
int dp_color_mode_parse(const char *s, dp_color_mode *out);

/* Decide width and colour for this run from mode, quiet, the environment
 * (COLUMNS, NO_COLOR, TERM) and whether stdout is a terminal. */
void dp_text_init(dp_color_mode mode, int quiet);

/* The pure decisions behind dp_text_init, for the unit tests.
 * columns_env: getenv("COLUMNS") or NULL; tty_cols: the terminal's width,
 * 0 when stdout is not a terminal.  COLUMNS wins when it is a number in
 * [DP_TEXT_WIDTH_MIN, DP_TEXT_WIDTH_MAX]. */
int dp_text_width_for(const char *columns_env, int tty_cols);
/* NO_COLOR (https://no-color.org: set and not empty) turns auto off;
 * --color=always overrides it, as that page asks of explicit options. */
int dp_text_color_for(dp_color_mode mode, int isatty_out, const char *no_color, const char *term);

int dp_text_width(void);
int dp_text_color(void);
int dp_text_quiet(void);
/* -v given: writers add the detail they leave out by default. */
int dp_text_verbose(void);
void dp_text_set_verbose(int verbose);
/* For tests and for writers that lay out into memory. */
void dp_text_set(int width, int color, int quiet);

/* The SGR sequence that starts / ends tone t, or "" without colour. */
const char *dp_tone_on(dp_tone t);
const char *dp_tone_off(dp_tone t);

/*
 * Write text to out, escaped (dp_escape), word-wrapped so that no line is
 * longer than the width: the first line continues at column col (what
 * the caller already wrote on it), the next ones start with indent
 * spaces.  Ends with a newline.  A word longer than a line is cut.
 */
void dp_text_wrap(FILE *out, int col, int indent, const char *text);
/* The same, with every line after the first starting with cont (ours,
 * written as it is): lookup's ";" comments stay comments when a long
 * reason wraps. */
void dp_text_wrap_cont(FILE *out, int col, const char *cont, const char *text);

/* One finding: indent spaces, label in tone (label may be NULL or ""),
 * a space, then the formatted message wrapped with a hanging indent of
 * indent + 2. */
void dp_text_finding(FILE *out, int indent, dp_tone tone, const char *label,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The number of columns s takes once escaped (its length, for ASCII). */
int dp_text_cols(const char *s);

#endif
