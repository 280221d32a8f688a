/*
 * graph_dane.c - the pictures of one lookup and of one DANE path (graph.h).
 * The DANE path follows SPEC section 7 and RFC 7672 from left to right:
 * domain -> MX hosts -> addresses -> TLSA -> presented certificate, each
 * node coloured by its lookup status and each certificate edge labelled
 * with the policy outcome; a dashed edge ties each record to its RRset in
 * the chain of trust below it.
 */
#include <stdio.h>
#include <string.h>
#include "probe/report/graph.h"
#include "probe/util/escape.h"
#include "validator/names.h"

#define DANE_WRAP 56

static void d_lit(dp_sbuf *b, const char *s)
{
	dp_sbuf_add(b, s, strlen(s));
}

/* A DANE lookup status as a DNSSEC status (NXDOMAIN is a proved answer). */
static val_status d_status(pol_lookup l)
{
	switch (l) {
	case POL_SECURE: return VAL_SECURE;
	case POL_INSECURE: case POL_NXDOMAIN: return VAL_INSECURE;
	case POL_BOGUS: return VAL_BOGUS;
	default: return VAL_INDETERMINATE;
	}
}

static val_status d_action_status(pol_action a)
{
	return a == POL_DANE_SUCCESS ? VAL_SECURE : a == POL_FALLBACK_TLS ? VAL_INSECURE : VAL_BOGUS;
}

/* How an element shows its reason: as a tooltip only, or (the element
 * where the path failed) also as its label, thick and class "failing". */
enum { D_TIP, D_FAIL_NODE, D_FAIL_EDGE, D_NOTE_NODE };

static void d_style(dp_sbuf *b, val_status st, const char *reason, int mode)
{
	int has = reason && *reason, failing = has && (mode == D_FAIL_NODE || mode == D_FAIL_EDGE);

	dp_sbuf_printf(b, " color=\"%s\" fontcolor=\"%s\" class=\"%s%s\"",
		       graph_status_color(st), st == VAL_SECURE ? "black" : graph_status_color(st),
		       graph_status_class(st), failing ? " failing" : "");
	if (!has)
		return;
	d_lit(b, " tooltip=");
	graph_q(b, reason, 0);
	if (failing)
		d_lit(b, " penwidth=3");
	if (mode != D_TIP) {
		d_lit(b, mode == D_FAIL_EDGE ? " label=" : " xlabel=");
		graph_q(b, reason, DANE_WRAP);
	}
}

/* A dashed edge from the record's RRset in the chain of trust to node. */
static void d_record_edge(dp_sbuf *b, const val_vtrace *t, const char *owner, uint16_t type,
			  const char *node)
{
	char id[32], nm[VT_NAME];
	size_t n;

	if (!t)
		return;
	snprintf(nm, sizeof nm, "%s", owner);
	n = strlen(nm);
	if (n > 1 && nm[n - 1] == '.')
		nm[n - 1] = '\0';
	if (graph_answer_id(t, nm, type, id, sizeof id))
		dp_sbuf_printf(b, "  %s -> %s [style=dashed color=gray arrowhead=none "
			       "constraint=false class=\"record\"];\n", id, node);
}

static void d_domain(dp_sbuf *b, const dane_result *r)
{
	char line[1024];

	snprintf(line, sizeof line, "%s\nOpportunistic: %s\nMandatory: %s", r->domain,
		 policy_action_words(r->verdict[POL_OPPORTUNISTIC]),
		 policy_action_words(r->verdict[POL_MANDATORY]));
	d_lit(b, "  dom [shape=doubleoctagon label=\"");
	/* Escape each line; the line breaks are DOT's own. */
	for (char *s = line, *nl; s; s = nl ? nl + 1 : NULL) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		dp_sbuf_add_markup(b, s, DP_MARKUP_DOT);
		if (nl)
			d_lit(b, "\\n");
	}
	d_lit(b, "\"");
	d_style(b, d_action_status(r->verdict[POL_OPPORTUNISTIC]),
		r->verdict[POL_OPPORTUNISTIC] == POL_DANE_SUCCESS ? "" : r->reason[POL_OPPORTUNISTIC],
		D_NOTE_NODE);
	d_lit(b, "];\n");
}

static void d_cert(dp_sbuf *b, const dane_host *h, size_t hi, size_t ai)
{
	const dane_addr *a = &h->addrs[ai];
	val_status st = a->cert == DANE_CERT_SUCCESS ? VAL_SECURE
			: a->cert == DANE_CERT_FAILED ? VAL_BOGUS : VAL_INSECURE;
	char line[700];

	snprintf(line, sizeof line, "certificate at %s: %s%s%s", a->address,
		 a->cert == DANE_CERT_SUCCESS ? "verified" : a->cert == DANE_CERT_FAILED
		 ? "failed" : "not checked", a->matched ? "\nmatched " : "",
		 a->matched ? a->matched : "");
	dp_sbuf_printf(b, "  c%zu_%zu [shape=component label=", hi, ai);
	graph_q(b, line, DANE_WRAP);
	d_style(b, st, a->cert == DANE_CERT_FAILED ? a->smtp_detail : "", D_FAIL_NODE);
	d_lit(b, "];\n");
	/* The policy outcome of this path, on the edge that reaches it. */
	snprintf(line, sizeof line, "Opportunistic: %s; Mandatory: %s",
		 policy_action_words(a->action[POL_OPPORTUNISTIC]),
		 policy_action_words(a->action[POL_MANDATORY]));
	if (h->tlsa_looked_up)
		dp_sbuf_printf(b, "  t%zu -> c%zu_%zu [label=", hi, hi, ai);
	else
		dp_sbuf_printf(b, "  h%zu_a%zu -> c%zu_%zu [label=", hi, ai, hi, ai);
	graph_q(b, line, 40);
	d_style(b, d_action_status(a->action[POL_OPPORTUNISTIC]),
		a->action[POL_OPPORTUNISTIC] == POL_DANE_FAIL ? a->reason[POL_OPPORTUNISTIC] : "", D_TIP);
	d_lit(b, "];\n");
}

static void d_tlsa(dp_sbuf *b, const dane_host *h, size_t hi, const val_vtrace *t)
{
	char line[512];
	val_status st = d_status(h->tlsa_status);

	snprintf(line, sizeof line, "%s/TLSA: %s (%zu usable of %zu)", h->tlsa_name,
		 dane_lookup_json(h->tlsa_status), h->tlsa_usable, h->tlsa.n);
	dp_sbuf_printf(b, "  t%zu [shape=box label=", hi);
	graph_q(b, line, DANE_WRAP);
	d_style(b, st, st == VAL_SECURE ? "" : h->tlsa_reason, st >= VAL_BOGUS ? D_FAIL_NODE : D_TIP);
	d_lit(b, "];\n");
	char node[16];
	snprintf(node, sizeof node, "t%zu", hi);
	d_record_edge(b, t, h->tlsa_name, LDNS_RR_TYPE_TLSA, node);
}

static void d_host(dp_sbuf *b, const dane_result *r, size_t hi, const val_vtrace *t)
{
	const dane_host *h = &r->hosts[hi];
	char line[400], node[32];

	snprintf(line, sizeof line, "MX %d %s", h->preference, h->name);
	dp_sbuf_printf(b, "  h%zu [shape=box label=", hi);
	graph_q(b, line, DANE_WRAP);
	d_style(b, d_status(r->mx_status), "", D_TIP);
	d_lit(b, "];\n");
	dp_sbuf_printf(b, "  dom -> h%zu", hi);
	d_lit(b, " [");
	d_style(b, d_status(r->mx_status), r->mx_status == POL_SECURE ? "" : r->mx_reason,
		d_status(r->mx_status) >= VAL_BOGUS ? D_FAIL_EDGE : D_TIP);
	d_lit(b, "];\n");
	if (h->tlsa_looked_up)
		d_tlsa(b, h, hi, t);
	for (size_t ai = 0; ai < h->n_addrs; ai++) {
		const dane_addr *a = &h->addrs[ai];
		snprintf(line, sizeof line, "%s (%s)", a->address[0] ? a->address : "no address",
			 a->family == 6 ? "AAAA" : "A");
		dp_sbuf_printf(b, "  h%zu_a%zu [shape=ellipse label=", hi, ai);
		graph_q(b, line, 0);
		d_style(b, d_status(a->status), a->status == POL_SECURE ? "" : a->lookup_reason,
			d_status(a->status) >= VAL_BOGUS ? D_FAIL_NODE : D_TIP);
		d_lit(b, "];\n");
		dp_sbuf_printf(b, "  h%zu -> h%zu_a%zu;\n", hi, hi, ai);
		if (h->tlsa_looked_up)
			dp_sbuf_printf(b, "  h%zu_a%zu -> t%zu;\n", hi, ai, hi);
		snprintf(node, sizeof node, "h%zu_a%zu", hi, ai);
		d_record_edge(b, t, h->name, a->family == 6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A, node);
		if (a->tried_smtp || a->cert != DANE_CERT_NOT_CHECKED)
			d_cert(b, h, hi, ai);
	}
}

/* The reason of the first record that went bogus or indeterminate, in
 * the order of the path: the chain of trust pins it on its cause. */
static const char *d_chain_reason(const dane_result *r)
{
	if (r->mx_status == POL_BOGUS || r->mx_status == POL_LOOKUP_ERROR)
		return r->mx_reason;
	for (size_t hi = 0; hi < r->n_hosts; hi++) {
		const dane_host *h = &r->hosts[hi];
		for (size_t ai = 0; ai < h->n_addrs; ai++)
			if (h->addrs[ai].status == POL_BOGUS || h->addrs[ai].status == POL_LOOKUP_ERROR)
				return h->addrs[ai].lookup_reason;
		if (h->tlsa_status == POL_BOGUS || h->tlsa_status == POL_LOOKUP_ERROR)
			return h->tlsa_reason;
	}
	return NULL;
}

void graph_dane_dot(dp_sbuf *b, const dane_result *r, const val_vtrace *t)
{
	char title[400];

	snprintf(title, sizeof title, "DANE path of %s (resolver %s)", r->domain, r->resolver);
	graph_open(b, title);
	d_domain(b, r);
	for (size_t hi = 0; hi < r->n_hosts; hi++)
		d_host(b, r, hi, t);
	d_record_edge(b, t, r->domain, LDNS_RR_TYPE_MX, "dom");
	graph_chain_body(b, t, d_chain_reason(r));
	graph_close(b);
}

void graph_lookup_dot(dp_sbuf *b, const val_vtrace *t, const val_result *r,
		      const char *resolver)
{
	char title[VT_NAME + 128], nb[VT_NAME], tb[32];

	snprintf(title, sizeof title, "chain of trust of %s/%s through %s: %s",
		 val_dname_str(r->qname, nb, sizeof nb), val_rrtype_str(r->qtype, tb, sizeof tb),
		 resolver, val_status_str(r->status));
	graph_open(b, title);
	graph_chain_body(b, t, r->status >= VAL_BOGUS ? r->reason : NULL);
	graph_close(b);
}
