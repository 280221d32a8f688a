/*
 * rewrite.c - byte-range edits, resolv.conf reordering, atomic writes,
 * unified diffs.
 *
 * Failure policy: nothing here ever leaves a half-written configuration.
 * The new file is complete and on disk (fsync) before rename() puts it in
 * place, and rename() is atomic, so a reader sees the old file or the new
 * one; any error before the rename leaves the old file as it was.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "probe/util/rewrite.h"
#include "probe/util/strbuf.h"
#include "validator/atomicfile.h"

/* ---- a growing buffer ---- */

/* ---- priority edits ---- */

static int edit_cmp(const void *a, const void *b)
{
	const dp_prio_edit *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* The one run of [sign]digits inside text[start, end). */
static int number_span(const char *text, size_t start, size_t end, size_t *ns, size_t *ne)
{
	size_t i = start, found = 0;

	while (i < end) {
		if (isdigit((unsigned char)text[i])
		    || ((text[i] == '-' || text[i] == '+') && i + 1 < end && isdigit((unsigned char)text[i + 1]))) {
			size_t j = i + 1;
			while (j < end && isdigit((unsigned char)text[j]))
				j++;
			if (found++)
				return -1;
			*ns = i;
			*ne = j;
			i = j;
		} else if (text[i] == '"' || text[i] == '\'' || isspace((unsigned char)text[i])) {
			i++;
		} else {
			return -1;
		}
	}
	return found == 1 ? 0 : -1;
}

int dp_rewrite_priorities(const char *text, size_t len, const dp_prio_edit *edits,
			  size_t n, char **out, size_t *outlen)
{
	dp_prio_edit *sorted;
	dp_sbuf b = { 0 };
	size_t pos = 0;

	if (text == NULL || (n > 0 && edits == NULL))
		return DP_EINVAL;
	sorted = malloc((n ? n : 1) * sizeof(*sorted));
	if (sorted == NULL)
		return DP_ENOMEM;
	if (n > 0)
		memcpy(sorted, edits, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), edit_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t ns, ne;
		char num[24];

		if (sorted[i].start >= sorted[i].end || sorted[i].end > len || sorted[i].start < pos
		    || number_span(text, sorted[i].start, sorted[i].end, &ns, &ne) < 0) {
			free(sorted);
			free(b.p);
			return DP_EINVAL;
		}
		dp_sbuf_add(&b, text + pos, ns - pos);
		snprintf(num, sizeof(num), "%d", sorted[i].value);
		dp_sbuf_add(&b, num, strlen(num));
		pos = ne;
	}
	dp_sbuf_add(&b, text + pos, len - pos);
	free(sorted);
	return dp_sbuf_finish(&b, out, outlen);
}

/* ---- resolv.conf ---- */

typedef struct line {
	const char *p;
	size_t len;       /* including the newline, if any */
} line;

static size_t split_lines(const char *text, size_t len, line **out)
{
	size_t n = 0, cap = 16;
	line *v = malloc(cap * sizeof(*v));

	if (v == NULL)
		return (size_t)-1;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (text + i)) + 1 : len - i;
		if (n == cap) {
			line *nv = realloc(v, (cap *= 2) * sizeof(*v));
			if (nv == NULL) {
				free(v);
				return (size_t)-1;
			}
			v = nv;
		}
		v[n].p = text + i;
		v[n].len = l;
		n++;
		i += l;
	}
	*out = v;
	return n;
}

/* The address of a "nameserver ADDR" line into addr, or -1. */
static int nameserver_addr(const line *l, char *addr, size_t addrlen)
{
	size_t i = 0, j;

	while (i < l->len && (l->p[i] == ' ' || l->p[i] == '\t'))
		i++;
	if (l->len - i < 11 || strncmp(l->p + i, "nameserver", 10) != 0
	    || !(l->p[i + 10] == ' ' || l->p[i + 10] == '\t'))
		return -1;
	i += 10;
	while (i < l->len && (l->p[i] == ' ' || l->p[i] == '\t'))
		i++;
	for (j = i; j < l->len && !isspace((unsigned char)l->p[j]) && l->p[j] != '#' && l->p[j] != ';'; j++)
		;
	if (j == i || j - i >= addrlen)
		return -1;
	memcpy(addr, l->p + i, j - i);
	addr[j - i] = '\0';
	return 0;
}

/* "[::1]:53", "[::1]", "127.0.0.1:53" -> bare address, as resolv.conf has it. */
static void bare_address(const char *in, char *out, size_t len)
{
	const char *close;

	if (in[0] == '[' && (close = strchr(in, ']')) != NULL) {
		snprintf(out, len, "%.*s", (int)(close - in - 1), in + 1);
		return;
	}
	snprintf(out, len, "%s", in);
	char *colon = strchr(out, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL)
		*colon = '\0';
}

int dp_rewrite_resolv_conf(const char *text, size_t len, const char *const *order,
			   size_t n, char **out, size_t *outlen)
{
	line *lines = NULL;
	size_t nl, nns = 0, *slots = NULL, *srcs = NULL, nsrc = 0;
	char *used = NULL;
	dp_sbuf b = { 0 };
	int rc = DP_ENOMEM;

	nl = split_lines(text, len, &lines);
	if (nl == (size_t)-1)
		return DP_ENOMEM;
	slots = calloc(nl + 1, sizeof(*slots));
	srcs = calloc(nl + 1, sizeof(*srcs));
	used = calloc(nl + 1, 1);
	if (slots == NULL || srcs == NULL || used == NULL)
		goto out;
	for (size_t i = 0; i < nl; i++) {
		char a[128];
		if (nameserver_addr(&lines[i], a, sizeof(a)) == 0)
			slots[nns++] = i;
	}
	/* The lines in their new order: first the ordered addresses... */
	for (size_t k = 0; k < n; k++) {
		char want[128];
		bare_address(order[k], want, sizeof(want));
		for (size_t s = 0; s < nns; s++) {
			char a[128];
			nameserver_addr(&lines[slots[s]], a, sizeof(a));
			if (!used[s] && strcasecmp(a, want) == 0) {
				used[s] = 1;
				srcs[nsrc++] = slots[s];
				break;
			}
		}
	}
	/* ...then any others, in their old order. */
	for (size_t s = 0; s < nns; s++)
		if (!used[s])
			srcs[nsrc++] = slots[s];
	for (size_t i = 0, s = 0; i < nl; i++) {
		const line *l = &lines[i];
		if (s < nns && slots[s] == i) {
			l = &lines[srcs[s++]];
			dp_sbuf_add(&b, l->p, l->len);
			/* A moved last line without a newline must not glue
			 * itself to the next one. */
			if (l->len && l->p[l->len - 1] != '\n' && i + 1 < nl)
				dp_sbuf_add(&b, "\n", 1);
			else if (!b.failed && i + 1 == nl && l->len && l->p[l->len - 1] == '\n'
				 && lines[i].p[lines[i].len - 1] != '\n')
				b.len--, b.p[b.len] = '\0';
		} else {
			dp_sbuf_add(&b, l->p, l->len);
		}
	}
	rc = dp_sbuf_finish(&b, out, outlen);
	b.p = NULL;
out:
	free(b.p);
	free(lines);
	free(slots);
	free(srcs);
	free(used);
	return rc;
}

size_t dp_resolv_conf_parse(const char *text, size_t len, char ***out)
{
	line *lines = NULL;
	size_t nl = split_lines(text, len, &lines), n = 0;
	char **v;

	*out = NULL;
	if (nl == (size_t)-1)
		return (size_t)-1;
	v = calloc(nl + 1, sizeof(*v));
	if (v == NULL) {
		free(lines);
		return (size_t)-1;
	}
	for (size_t i = 0; i < nl; i++) {
		char a[128];
		if (nameserver_addr(&lines[i], a, sizeof(a)) < 0)
			continue;
		if (strchr(a, ':') != NULL) {
			char b[132];
			snprintf(b, sizeof(b), "[%s]", a);
			v[n] = strdup(b);
		} else {
			v[n] = strdup(a);
		}
		if (v[n] == NULL) {
			dp_strings_free(v, n);
			free(lines);
			return (size_t)-1;
		}
		n++;
	}
	free(lines);
	*out = v;
	return n;
}

void dp_strings_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Lines compare equal with their newline, so a change of the final
 * newline shows as a change. */
/* ---- unified diff ---- */

typedef struct dop {
	char op;         /* ' ', '-', '+' */
	size_t ai, bi;   /* line indexes (of a for ' ' and '-', of b for '+') */
} dop;


static int line_eq(const line *x, const line *y)
{
	return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* Edit script from a to b: common prefix and suffix, LCS in between. */
static dop *diff_script(const line *a, size_t na, const line *b, size_t nb, size_t *nops)
{
	size_t pre = 0, suf = 0, ma, mb, k = 0;
	dop *ops = malloc((na + nb + 1) * sizeof(*ops));
	uint32_t *t = NULL;

	if (ops == NULL)
		return NULL;
	while (pre < na && pre < nb && line_eq(&a[pre], &b[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre && line_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
		suf++;
	ma = na - pre - suf;
	mb = nb - pre - suf;
	for (size_t i = 0; i < pre; i++)
		ops[k++] = (dop){ ' ', i, i };
	if (ma > 0 && mb > 0 && (ma + 1) * (mb + 1) <= 4u * 1024 * 1024)
		t = calloc((ma + 1) * (mb + 1), sizeof(*t));
	if (t != NULL) {
		/* t[i][j] = LCS length of a[pre+i..] and b[pre+j..]. */
#define T(i, j) t[(i) * (mb + 1) + (j)]
		for (size_t i = ma; i-- > 0;)
			for (size_t j = mb; j-- > 0;)
				T(i, j) = line_eq(&a[pre + i], &b[pre + j]) ? T(i + 1, j + 1) + 1
					  : (T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
		size_t i = 0, j = 0;
		while (i < ma || j < mb) {
			if (i < ma && j < mb && line_eq(&a[pre + i], &b[pre + j])) {
				ops[k++] = (dop){ ' ', pre + i, pre + j };
				i++, j++;
			} else if (j < mb && (i == ma || T(i, j + 1) > T(i + 1, j))) {
				ops[k++] = (dop){ '+', pre + i, pre + j };
				j++;
			} else {
				ops[k++] = (dop){ '-', pre + i, pre + j };
				i++;
			}
		}
#undef T
		free(t);
	} else {
		for (size_t i = 0; i < ma; i++)
			ops[k++] = (dop){ '-', pre + i, pre };
		for (size_t j = 0; j < mb; j++)
			ops[k++] = (dop){ '+', pre + ma, pre + j };
	}
	for (size_t i = 0; i < suf; i++)
		ops[k++] = (dop){ ' ', na - suf + i, nb - suf + i };
	*nops = k;
	return ops;
}

static void emit_line(dp_sbuf *b, char op, const line *l)
{
	dp_sbuf_add(b, &op, 1);
	dp_sbuf_add(b, l->p, l->len);
	if (l->len == 0 || l->p[l->len - 1] != '\n')
		dp_sbuf_add(b, "\n\\ No newline at end of file\n", 29);
}

static void hunk_range(dp_sbuf *b, char sign, size_t start, size_t count)
{
	/* GNU diff: an empty range names the line before it. */
	if (count == 1)
		dp_sbuf_printf(b, "%c%zu", sign, start + 1);
	else
		dp_sbuf_printf(b, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

int dp_unified_diff(const char *a_label, const char *a, size_t alen,
		    const char *b_label, const char *btext, size_t blen, char **out)
{
	line *la = NULL, *lb = NULL;
	size_t na, nb, nops = 0;
	dop *ops = NULL;
	dp_sbuf b = { 0 };
	const size_t ctx = 3;

	na = split_lines(a, alen, &la);
	nb = split_lines(btext, blen, &lb);
	if (na == (size_t)-1 || nb == (size_t)-1)
		goto oom;
	ops = diff_script(la, na, lb, nb, &nops);
	if (ops == NULL)
		goto oom;
	dp_sbuf_add(&b, "", 0);
	for (size_t i = 0; i < nops;) {
		size_t first, last, end;

		while (i < nops && ops[i].op == ' ')
			i++;
		if (i == nops)
			break;
		first = i > ctx ? i - ctx : 0;
		/* Extend while the next change is within 2*ctx lines. */
		last = i;
		for (size_t j = i; j < nops; j++) {
			if (ops[j].op != ' ')
				last = j;
			else if (j - last > 2 * ctx)
				break;
		}
		end = last + ctx + 1 < nops ? last + ctx + 1 : nops;
		if (b.len == 0)
			dp_sbuf_printf(&b, "--- %s\n+++ %s\n", a_label, b_label);
		size_t as = ops[first].ai, bs = ops[first].bi, ac = 0, bc = 0;
		for (size_t j = first; j < end; j++) {
			if (ops[j].op != '+')
				ac++;
			if (ops[j].op != '-')
				bc++;
		}
		dp_sbuf_add(&b, "@@ ", 3);
		hunk_range(&b, '-', as, ac);
		dp_sbuf_add(&b, " ", 1);
		hunk_range(&b, '+', bs, bc);
		dp_sbuf_add(&b, " @@\n", 4);
		for (size_t j = first; j < end; j++)
			emit_line(&b, ops[j].op, ops[j].op == '+' ? &lb[ops[j].bi] : &la[ops[j].ai]);
		i = end;
	}
	free(la);
	free(lb);
	free(ops);
	return dp_sbuf_finish(&b, out, NULL);
oom:
	if (na != (size_t)-1)
		free(la);
	if (nb != (size_t)-1)
		free(lb);
	free(b.p);
	return DP_ENOMEM;
}
