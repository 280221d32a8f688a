/*
 * graph_chain.c - the chain of trust recorded in a val_vtrace as DOT
 * (graph.h): one cluster per zone with its DNSKEYs (KSK/ZSK, tag,
 * algorithm) and DNSKEY RRset, the trust anchor above the trust point,
 * the DS set (or no-DS proof) of each delegation in the parent's cluster
 * with an edge to the child key each DS record matches (RFC 4035 5.2),
 * RRSIG edges from the key a signature names to what it signs (RFC 4035
 * 5.3), and each answer (RRset, NSEC/NSEC3 proof) at the bottom.
 * Trust flows downwards: an edge points from what vouches to what is
 * vouched for.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "probe/report/graph.h"
#include "probe/util/escape.h"
#include "validator/names.h"

#define GRAPH_WRAP 56

/* What the failing element is, once found. */
typedef enum fail_kind { FAIL_NONE, FAIL_ZONE, FAIL_DS, FAIL_ANSWER } fail_kind;
typedef struct fail_at {
	fail_kind kind;
	size_t idx;
} fail_at;

typedef struct gctx {
	dp_sbuf *b;
	const val_vtrace *t;
	fail_at fail;
	const char *reason;
} gctx;

/* Add a string literal (or any NUL-terminated text that needs no escaping). */
static void g_lit(dp_sbuf *b, const char *s)
{
	dp_sbuf_add(b, s, strlen(s));
}

const char *graph_status_color(val_status s)
{
	switch (s) {
	case VAL_SECURE: return "#1a7f37";
	case VAL_INSECURE: return "#57606a";
	case VAL_BOGUS: return "#cf222e";
	default: return "#b35900";
	}
}

const char *graph_status_class(val_status s)
{
	return val_status_str(s);
}

void graph_q(dp_sbuf *b, const char *s, size_t width)
{
	char chunk[GRAPH_WRAP * 4 + 8];
	size_t len = s ? strlen(s) : 0, at = 0;

	g_lit(b, "\"");
	while (at < len) {
		size_t n = len - at;
		if (width && n > width) {
			/* Break at the last space within the width, else hard. */
			size_t cut = width;
			while (cut > width / 2 && s[at + cut] != ' ')
				cut--;
			n = s[at + cut] == ' ' ? cut : width;
		}
		if (n >= sizeof chunk)
			n = sizeof chunk - 1;
		memcpy(chunk, s + at, n);
		chunk[n] = '\0';
		dp_sbuf_add_markup(b, chunk, DP_MARKUP_DOT);
		at += n;
		while (at < len && s[at] == ' ' && width)
			at++;
		if (at < len)
			g_lit(b, "\\n");
	}
	g_lit(b, "\"");
}

/* " color=..., class=..." for an element of status st; failing marks the
 * cause (thick, with the id the tests and the reader look for). */
static void g_style(gctx *g, val_status st, int failing)
{
	dp_sbuf_printf(g->b, " color=\"%s\" fontcolor=\"%s\" class=\"%s%s\"%s",
		       graph_status_color(st), st == VAL_SECURE ? "black" : graph_status_color(st),
		       graph_status_class(st), failing ? " failing" : "",
		       failing ? " penwidth=3 id=\"failing\"" : "");
}

/* The tooltip and, for the failing element, the reason as its label. */
static void g_reason(gctx *g, const char *reason, int failing, int edge)
{
	if (!reason || !*reason)
		return;
	g_lit(g->b, " tooltip=");
	graph_q(g->b, reason, 0);
	if (failing && edge) {
		g_lit(g->b, " label=");
		graph_q(g->b, reason, GRAPH_WRAP);
	}
}

/* Pick the element that caused the failure: of those that failed with
 * (part of) the final reason, the one whose verdict came first. */
static void g_find_fail(gctx *g)
{
	const val_vtrace *t = g->t;
	unsigned best = 0;

	g->fail.kind = FAIL_NONE;
	if (!g->reason || !*g->reason)
		return;
#define CONSIDER(arr, n, k) \
	for (size_t i = 0; i < (n); i++) { \
		if ((arr)[i].status < VAL_BOGUS || !(arr)[i].reason[0] || \
		    !strstr(g->reason, (arr)[i].reason)) \
			continue; \
		if (!best || (arr)[i].seq < best) { \
			best = (arr)[i].seq; \
			g->fail.kind = (k); \
			g->fail.idx = i; \
		} \
	}
	CONSIDER(t->zones, t->n_zones, FAIL_ZONE)
	CONSIDER(t->dss, t->n_dss, FAIL_DS)
	CONSIDER(t->answers, t->n_answers, FAIL_ANSWER)
#undef CONSIDER
}

static int z_index(const val_vtrace *t, const char *name)
{
	const vt_zone *z = vt_zone_find(t, name);
	return z ? (int)(z - t->zones) : -1;
}

/* The key node of zone zi with this tag (and algorithm), or -1. */
static int key_index(const vt_zone *z, uint16_t tag, uint8_t alg)
{
	for (size_t k = 0; k < z->n_keys; k++)
		if (z->keys[k].tag == tag && (!alg || z->keys[k].alg == alg))
			return (int)k;
	return -1;
}

/* Edges "RRSIG" from the key each signature names (in zone zi) to the node
 * `to`; a key the zone does not publish gets its own node. */
static void g_sig_edges(gctx *g, int zi, const vt_sig *sigs, size_t n, const char *to,
			val_status st, const char *reason, int failing)
{
	for (size_t i = 0; i < n; i++) {
		char from[48];
		int k = zi >= 0 ? key_index(&g->t->zones[zi], sigs[i].tag, sigs[i].alg) : -1;
		if (k >= 0) {
			snprintf(from, sizeof from, "z%d_k%d", zi, k);
		} else {
			snprintf(from, sizeof from, "nokey_%s_%u", to, (unsigned)sigs[i].tag);
			dp_sbuf_printf(g->b, "  %s [shape=ellipse style=dashed label=\"key %u alg %u\\n"
				       "not in the DNSKEY set\"", from, (unsigned)sigs[i].tag,
				       (unsigned)sigs[i].alg);
			g_style(g, VAL_BOGUS, 0);
			g_lit(g->b, "];\n");
		}
		dp_sbuf_printf(g->b, "  %s -> %s [arrowhead=normal fontsize=9 xlabel=\"RRSIG %u\"",
			       from, to, (unsigned)sigs[i].tag);
		g_style(g, st, failing);
		g_reason(g, reason, failing, 1);
		g_lit(g->b, "];\n");
	}
}

/* The trust anchor of an anchored zone, with an edge per DS that matches. */
static void g_anchor(gctx *g, size_t zi, int failing)
{
	const vt_zone *z = &g->t->zones[zi];
	int any = 0;

	dp_sbuf_printf(g->b, "  ta%zu [shape=house label=\"trust anchor", zi);
	for (size_t i = 0; i < z->n_anchor_ds; i++)
		dp_sbuf_printf(g->b, "\\nDS %u alg %u digest %u%s", (unsigned)z->anchor_ds[i].tag,
			       (unsigned)z->anchor_ds[i].alg, (unsigned)z->anchor_ds[i].digest,
			       z->anchor_ds[i].matched ? "" : " (no such key)");
	g_lit(g->b, "\"");
	g_style(g, VAL_SECURE, 0);
	g_lit(g->b, "];\n");
	for (size_t i = 0; i < z->n_anchor_ds; i++) {
		int k = key_index(z, z->anchor_ds[i].tag, z->anchor_ds[i].alg);
		if (!z->anchor_ds[i].matched || k < 0)
			continue;
		any = 1;
		dp_sbuf_printf(g->b, "  ta%zu -> z%zu_k%d [style=bold", zi, zi, k);
		g_style(g, z->status, 0);
		g_lit(g->b, "];\n");
	}
	if (!any) {
		dp_sbuf_printf(g->b, "  ta%zu -> z%zu_set [style=bold", zi, zi);
		g_style(g, z->status, failing);
		g_reason(g, z->reason, failing, 1);
		g_lit(g->b, "];\n");
	}
}

/* How zone zi's failure shows: on the RRSIG edges over its DNSKEY set
 * when they exist and some DS (or anchor) matched, else on the edge from
 * the DS/anchor, else (nothing signed) on the DNSKEY set itself. */
typedef enum zfail { ZF_NONE, ZF_SET, ZF_SIGS, ZF_DS } zfail;
static zfail zone_fail_where(gctx *g, size_t zi)
{
	const vt_zone *z = &g->t->zones[zi];
	const vt_dsstep *d = vt_ds_find(g->t, z->name);
	int matched = 0, have_ds = 0;

	if (g->fail.kind != FAIL_ZONE || g->fail.idx != zi)
		return ZF_NONE;
	if (!z->keys_seen || z->n_keys == 0 || z->n_sigs == 0)
		return ZF_SET;
	for (size_t i = 0; i < z->n_anchor_ds; i++, have_ds = 1)
		matched |= z->anchor_ds[i].matched;
	for (size_t i = 0; d && !z->anchored && i < d->n_ds; i++, have_ds = 1)
		matched |= d->ds[i].matched;
	return have_ds && !matched ? ZF_DS : ZF_SIGS;
}

static void g_zone(gctx *g, size_t zi)
{
	const vt_zone *z = &g->t->zones[zi];
	zfail zf = zone_fail_where(g, zi);

	dp_sbuf_printf(g->b, " subgraph cluster_z%zu {\n  label=", zi);
	char title[VT_NAME + 40];
	snprintf(title, sizeof title, "zone %s (%s)", z->name, val_status_str(z->status));
	graph_q(g->b, title, 0);
	dp_sbuf_printf(g->b, " style=rounded color=\"%s\";\n", graph_status_color(z->status));
	for (size_t k = 0; k < z->n_keys; k++) {
		dp_sbuf_printf(g->b, "  z%zu_k%zu [shape=ellipse label=\"%s %u\\nalg %u\"", zi, k,
			       vt_key_role(z->keys[k].flags), (unsigned)z->keys[k].tag,
			       (unsigned)z->keys[k].alg);
		g_style(g, z->status, 0);
		g_lit(g->b, "];\n");
	}
	dp_sbuf_printf(g->b, "  z%zu_set [shape=box label=", zi);
	snprintf(title, sizeof title, "%s/DNSKEY", z->name);
	graph_q(g->b, title, 0);
	g_style(g, z->status, zf == ZF_SET);
	g_reason(g, z->reason, zf == ZF_SET, 0);
	if (zf == ZF_SET) {
		g_lit(g->b, " xlabel=");
		graph_q(g->b, z->reason, GRAPH_WRAP);
	}
	g_lit(g->b, "];\n");
	/* The DNSKEY RRset vouches for the keys that do not sign it. */
	for (size_t k = 0; k < z->n_keys; k++)
		if (!(z->keys[k].flags & 0x0001))
			dp_sbuf_printf(g->b, "  z%zu_set -> z%zu_k%zu [style=dotted arrowhead=none "
				       "color=\"%s\"];\n", zi, zi, k, graph_status_color(z->status));
	char to[32];
	snprintf(to, sizeof to, "z%zu_set", zi);
	g_sig_edges(g, (int)zi, z->sigs, z->n_sigs, to, z->status, z->reason, zf == ZF_SIGS);
	g_lit(g->b, " }\n");
	if (z->anchored)
		g_anchor(g, zi, zf == ZF_DS);
}

/* The label of a DS step: its records, or what its proof says. */
static void g_ds_label(gctx *g, const vt_dsstep *d)
{
	char line[VT_NAME + 64];

	snprintf(line, sizeof line, d->kind == VT_DS_INSECURE ? "no DS for %s (insecure delegation)"
		 : "%s/DS", d->name);
	g_lit(g->b, "\"");
	dp_sbuf_add_markup(g->b, line, DP_MARKUP_DOT);
	for (size_t i = 0; i < d->n_ds; i++)
		dp_sbuf_printf(g->b, "\\nDS %u alg %u digest %u%s", (unsigned)d->ds[i].tag,
			       (unsigned)d->ds[i].alg, (unsigned)d->ds[i].digest,
			       d->ds[i].matched ? "" : " (matches no key)");
	for (size_t i = 0; i < d->n_proof && i < 3; i++) {
		g_lit(g->b, "\\n");
		dp_sbuf_add_markup(g->b, d->proof[i], DP_MARKUP_DOT);
	}
	g_lit(g->b, "\"");
}

static void g_ds(gctx *g, size_t di)
{
	const vt_dsstep *d = &g->t->dss[di];
	int pz = z_index(g->t, d->parent), cz = z_index(g->t, d->name);
	int failing = g->fail.kind == FAIL_DS && g->fail.idx == di;
	char to[32];

	if (d->kind == VT_DS_NOT_CUT && !failing)
		return;   /* no delegation there: nothing to draw */
	if (pz >= 0)
		dp_sbuf_printf(g->b, " subgraph cluster_z%d { ", pz);
	dp_sbuf_printf(g->b, "  d%zu [shape=box style=rounded label=", di);
	g_ds_label(g, d);
	g_style(g, d->status, failing && d->n_sigs == 0);
	g_reason(g, d->reason, 0, 0);
	if (failing && d->n_sigs == 0) {
		g_lit(g->b, " xlabel=");
		graph_q(g->b, d->reason, GRAPH_WRAP);
	}
	g_lit(g->b, "];");
	g_lit(g->b, pz >= 0 ? " }\n" : "\n");
	snprintf(to, sizeof to, "d%zu", di);
	g_sig_edges(g, pz, d->sigs, d->n_sigs, to, d->status, d->reason, failing && d->n_sigs);
	if (cz < 0)
		return;
	const vt_zone *z = &g->t->zones[cz];
	int any = 0;
	for (size_t i = 0; i < d->n_ds; i++) {
		int k = key_index(z, d->ds[i].tag, d->ds[i].alg);
		if (!d->ds[i].matched || k < 0)
			continue;
		any = 1;
		dp_sbuf_printf(g->b, "  d%zu -> z%d_k%d [style=bold fontsize=9 xlabel=\"DS %u\"", di,
			       cz, k, (unsigned)d->ds[i].tag);
		g_style(g, z->status, 0);
		g_lit(g->b, "];\n");
	}
	if (!any) {
		/* No DS record hashes to a key of the child: the broken link. */
		int zf = zone_fail_where(g, (size_t)cz) == ZF_DS;
		dp_sbuf_printf(g->b, "  d%zu -> z%d_set [style=bold", di, cz);
		g_style(g, z->status, zf);
		g_reason(g, z->reason, zf, 1);
		g_lit(g->b, "];\n");
	}
}

/* The insecure delegation above owner, if one was proved. */
static int insecure_above(const val_vtrace *t, const char *owner)
{
	size_t ol = strlen(owner);

	for (size_t i = 0; i < t->n_dss; i++) {
		size_t nl = strlen(t->dss[i].name);
		if (t->dss[i].kind != VT_DS_INSECURE || nl > ol)
			continue;
		if (strcasecmp(owner + ol - nl, t->dss[i].name) == 0 &&
		    (nl == ol || owner[ol - nl - 1] == '.'))
			return (int)i;
	}
	return -1;
}

const char *graph_answer_id(const val_vtrace *t, const char *owner, uint16_t type,
			    char *buf, size_t len)
{
	for (size_t i = 0; t && i < t->n_answers; i++)
		if (t->answers[i].type == type && strcasecmp(t->answers[i].owner, owner) == 0) {
			snprintf(buf, len, "a%zu", i);
			return buf;
		}
	return NULL;
}

static void g_answer_node(gctx *g, size_t ai, int failing_node)
{
	const vt_answer *a = &g->t->answers[ai];
	char title[VT_NAME + 64], tb[32];

	snprintf(title, sizeof title, "%s/%s%s", a->owner, val_rrtype_str(a->type, tb, sizeof tb),
		 a->kind == VT_ANS_NXDOMAIN ? " NXDOMAIN" : a->kind == VT_ANS_NODATA ? " NODATA" : "");
	dp_sbuf_printf(g->b, "  a%zu [shape=note label=\"", ai);
	dp_sbuf_add_markup(g->b, title, DP_MARKUP_DOT);
	for (size_t i = 0; i < a->n_rrs; i++) {
		g_lit(g->b, "\\n");
		dp_sbuf_add_markup(g->b, a->rrs[i], DP_MARKUP_DOT);
	}
	g_lit(g->b, "\"");
	g_style(g, a->status, failing_node);
	g_reason(g, a->reason, 0, 0);
	if (failing_node) {
		g_lit(g->b, " xlabel=");
		graph_q(g->b, a->reason, GRAPH_WRAP);
	}
	g_lit(g->b, "];\n");
}

static void g_answer(gctx *g, size_t ai)
{
	const vt_answer *a = &g->t->answers[ai];
	int zi = a->zone[0] ? z_index(g->t, a->zone) : -1;
	int failing = g->fail.kind == FAIL_ANSWER && g->fail.idx == ai;
	int on_edge = failing && (a->n_sigs > 0 || (a->kind != VT_ANS_RRSET && zi >= 0));
	char to[32];

	if (zi >= 0)
		dp_sbuf_printf(g->b, " subgraph cluster_z%d {\n", zi);
	g_answer_node(g, ai, failing && !on_edge);
	if (zi >= 0)
		g_lit(g->b, " }\n");
	snprintf(to, sizeof to, "a%zu", ai);
	if (a->n_sigs > 0) {
		g_sig_edges(g, zi, a->sigs, a->n_sigs, to, a->status, a->reason, on_edge);
	} else if (a->kind != VT_ANS_RRSET && zi >= 0) {
		/* A denial: the zone's keys sign the NSEC/NSEC3 proof. */
		dp_sbuf_printf(g->b, "  z%d_set -> %s [style=dashed fontsize=9 xlabel=\"NSEC proof\"",
			       zi, to);
		g_style(g, a->status, on_edge);
		g_reason(g, a->reason, on_edge, 1);
		g_lit(g->b, "];\n");
	} else {
		int di = insecure_above(g->t, a->owner);
		if (di >= 0) {
			dp_sbuf_printf(g->b, "  d%d -> %s [style=dashed", di, to);
			g_style(g, VAL_INSECURE, 0);
			g_lit(g->b, "];\n");
		}
	}
}

void graph_chain_body(dp_sbuf *b, const val_vtrace *t, const char *reason)
{
	gctx g = { .b = b, .t = t, .reason = reason };

	if (!t)
		return;
	g_find_fail(&g);
	for (size_t i = 0; i < t->n_zones; i++)
		g_zone(&g, i);
	for (size_t i = 0; i < t->n_dss; i++)
		g_ds(&g, i);
	for (size_t i = 0; i < t->n_answers; i++)
		g_answer(&g, i);
	if (t->dropped)
		dp_sbuf_printf(b, "  dropped [shape=plaintext label=\"%zu more steps not drawn\"];\n",
			       t->dropped);
}

void graph_open(dp_sbuf *b, const char *title)
{
	g_lit(b, "digraph daneprobe {\n graph [fontname=\"Helvetica\" fontsize=11 "
		    "rankdir=TB nodesep=0.3 ranksep=0.45 forcelabels=true label=");
	graph_q(b, title, 0);
	g_lit(b, " labelloc=t];\n node [fontname=\"Helvetica\" fontsize=10 penwidth=1.5];\n"
		    " edge [fontname=\"Helvetica\" fontsize=9 penwidth=1.2];\n");
	g_lit(b, " subgraph cluster_legend {\n  label=\"legend\" style=dashed color=gray;\n");
	for (val_status s = VAL_SECURE; s <= VAL_INDETERMINATE; s++) {
		dp_sbuf_printf(b, "  legend_%s [shape=box label=\"%s\" color=\"%s\" fontcolor=\"%s\" "
			       "class=\"legend\"];\n", val_status_str(s), val_status_str(s),
			       graph_status_color(s), graph_status_color(s));
	}
	g_lit(b, "  legend_edges [shape=plaintext label=\"edge RRSIG: key signs set\\n"
		    "edge DS: digest of key\\nthick border: where it fails\"];\n");
	g_lit(b, " }\n");
}

void graph_close(dp_sbuf *b)
{
	g_lit(b, "}\n");
}
