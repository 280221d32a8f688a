/*
 * escape.h - the one escaping function for text that came from the
 * network or a user and is printed as text (issue 17 finding 7).
 *
 * A remote SMTP server, a DNS name, a file of domains or argv can carry
 * ESC, BEL, CR, LF or C1 bytes; printed raw, they retitle the terminal,
 * clear it, or forge output lines.  Everything that is not printable
 * ASCII leaves here as "\xHH", and a backslash as "\\", so the escaped
 * text is unambiguous and never a terminal control sequence.  JSON output
 * does not use this: jansson escapes as JSON does (RFC 8259 7).
 */
#ifndef DP_ESCAPE_H
#define DP_ESCAPE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum {
	DP_ESC_KEEP_NL = 1,   /* '\n' and '\t' pass (whole formatted lines) */
	/* '\\' passes: for a last pass over whole messages or lines, whose
	 * fields were escaped already (smtp.c, lines.c, config checks) or
	 * come escaped from ldns ("\\DDD"); escaping them again would
	 * print "\\x1b".  Control bytes are still escaped. */
	DP_ESC_KEEP_BACKSLASH = 2,
};

/* Escape n bytes of src into dst (dstlen bytes, always NUL-terminated
 * when dstlen > 0).  Text that does not fit is cut at a whole escape and
 * ends in "...".  Returns the number of source bytes consumed. */
size_t dp_escape(char *dst, size_t dstlen, const char *src, size_t n, unsigned flags);

/* dp_escape of a NUL-terminated string (NULL prints as "(null)");
 * returns dst, for use as a printf argument. */
const char *dp_esc(char *dst, size_t dstlen, const char *s);

/* printf to f with every control and non-ASCII byte of the result
 * escaped, except the '\n' and '\t' of whole lines (and backslashes, see
 * DP_ESC_KEEP_BACKSLASH): the text writers' printf. */
int dp_fprintf_text(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dp_vfprintf_text(FILE *f, unsigned flags, const char *fmt, va_list ap);

/* 1 if s is a valid HELO/EHLO argument: a domain name (letters, digits,
 * '-', '.'; labels 1-63, at most 255 bytes) or an address literal
 * "[...]" of printable characters (RFC 5321 4.1.1.1, 4.1.3).  Anything
 * with CR, LF or a space would end the command and start another. */
int dp_helo_valid(const char *s);

/*
 * Markup (issue 15): text from the network that lands in a DOT label, in
 * SVG or in HTML.  A DNS label may hold any byte ('<', '"', '\\', a
 * newline), and a hostile zone must not be able to inject markup into an
 * operator's browser.  Control and non-ASCII bytes become the text
 * "\xHH" first (as dp_escape does; ldns's "\DDD" stays as it is), then:
 *   DP_MARKUP_XML  & < > " ' as character references (XML 1.0 2.4, HTML)
 *   DP_MARKUP_DOT  a DOT quoted string: '\\' doubled (Graphviz reads
 *                  escString: "\N", "\n" ...), & < > " as entities,
 *                  which Graphviz turns back into the characters in every
 *                  output (and re-escapes in SVG), so '"' never ends the
 *                  string and a raw '&' never forms a bogus entity.
 */
typedef enum dp_markup { DP_MARKUP_XML, DP_MARKUP_DOT } dp_markup;
struct dp_sbuf;
void dp_sbuf_add_markup(struct dp_sbuf *b, const char *s, dp_markup m);

#endif
