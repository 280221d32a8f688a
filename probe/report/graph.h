/*
 * graph.h - pictures (issue 15): the chain of trust of a lookup and the
 * DANE path of a destination as Graphviz DOT, SVG rendered from it
 * in-process, and the DANE-path picture the HTML report embeds.
 *
 * Every node and edge is coloured by its DNSSEC status (secure, insecure,
 * bogus, indeterminate) and carries class="secure|insecure|bogus|
 * indeterminate" (SVG keeps it); the element that caused a failure also
 * carries class "failing", id "failing", and the reason as its label.
 * Every name, reason and record text is escaped for DOT (dp_sbuf_add_
 * markup); Graphviz escapes again for SVG.
 */
#ifndef DP_GRAPH_H
#define DP_GRAPH_H

#include <stddef.h>
#include "probe/util/strbuf.h"
#include "probe/dane/dane.h"
#include "validator/val.h"
#include "validator/vtrace.h"

/* The colour and class word of a status. */
const char *graph_status_color(val_status s);
const char *graph_status_class(val_status s);

/* DOT text in b, with the status legend, for one lookup: the chain of
 * trust t recorded (every zone, DS step and answer it holds), r the
 * lookup's result (its reason picks the failing element). */
void graph_lookup_dot(dp_sbuf *b, const val_vtrace *t, const val_result *r,
		      const char *resolver);

/* DOT text in b for one DANE path: domain -> MX hosts -> addresses ->
 * TLSA -> certificate, each with its status and the policy outcomes,
 * linked to the records' chain of trust in t (may be NULL: the path only). */
void graph_dane_dot(dp_sbuf *b, const dane_result *r, const val_vtrace *t);

/* ---- graph_chain.c: the clusters, for both pictures ---- */

/* The chain of trust in t as DOT statements (no "digraph" around them).
 * reason: the failure to pin on one element ("" or NULL: none). */
void graph_chain_body(dp_sbuf *b, const val_vtrace *t, const char *reason);
/* The id of the node of the answer (owner, type) in t, or NULL. */
const char *graph_answer_id(const val_vtrace *t, const char *owner, uint16_t type,
			    char *buf, size_t len);
/* The legend cluster and the graph's opening and closing lines. */
void graph_open(dp_sbuf *b, const char *title);
void graph_close(dp_sbuf *b);
/* A DOT quoted string: '"', s escaped, long text broken into lines at
 * spaces after about width characters (0: never), '"'. */
void graph_q(dp_sbuf *b, const char *s, size_t width);

/* ---- svg.c ---- */

/* Lay out dot with Graphviz's dot engine and render SVG into *out
 * (malloced, *outlen bytes).  libgvc is loaded on first use (dlopen), so
 * commands that draw nothing never pay for it.  idp: NULL for an SVG
 * document of its own; for pictures that share one page, a prefix
 * ([A-Za-z0-9], unique in the page) that every id in this one starts
 * with, since Graphviz numbers graph0, node1, edge1 ... afresh each time
 * and an id may occur once per HTML document.  DP_OK; DP_EUNSUPPORTED
 * with err when libgvc is not installed; DP_EINVAL when the layout failed. */
int graph_svg(const char *dot, const char *idp, char **out, size_t *outlen, char *err,
	      size_t errlen);

#endif
