/*
 * report_probe_text.c - the text of `probe` and `order` for people
 * (issue 13): the matrix keyed by resolver name, fitted to the width
 * (textout.h) with a legend, one wrapped line per finding, names in the
 * order advice, colour on a terminal, and a status line for --quiet.
 */
#include <stdlib.h>
#include <string.h>
#include "probe/report/report_probe.h"
#include "probe/report/textout.h"
#include "probe/util/escape.h"

/* Column heads of at most 3 letters, so 18 tests fit 100 columns with
 * the names; the legend (and the man page) spells them out. */
static const struct { const char *head, *meaning; } probe_cols[DP_T_COUNT] = {
	{ "udp", "answers over UDP" }, { "tcp", "over TCP" }, { "e0", "EDNS0" },
	{ "do", "RRSIGs with DO=1" }, { "ad", "validates itself (AD bit)" },
	{ "cd", "answers with CD=1" }, { "key", "DNSKEY sets (TCP after TC)" },
	{ "ds", "DS and no-DS proofs" }, { "nsc", "NSEC denial" }, { "ns3", "NSEC3 denial" },
	{ "tls", "TLSA (type 52)" }, { "unk", "unknown types (TYPE65000)" },
	{ "bog", "SERVFAIL for bogus data" }, { "siz", "answers over 1232 bytes" },
	{ "alg", "DNSSEC algorithms" }, { "it", "NSEC3 iteration counts" },
	{ "chn", "DANE names validate through it" }, { "clk", "RRSIG times fit the clock" },
};

#define PROBE_CELL 4      /* a 3-letter cell and its separating space */
#define PROBE_DANE_COL 5  /* "safe " */

/* What a resolver of this class does by its nature is not a fault: a
 * forwarder or an iterator that does not validate sets no AD bit (RFC
 * 4035 3.2.3 leaves AD to validators).  Only when the MTA trusts the AD
 * bit (client model ad) does that make it unsafe, and then it is a FAIL.
 * Behind an unreachable resolver no test got an answer to judge. */
static int probe_expected(const dp_resolver_result *r, int t)
{
	if (r->cls == DP_CLASS_UNREACHABLE)
		return t != DP_T_UDP && t != DP_T_TCP;
	return t == DP_T_AD && r->cls != DP_CLASS_VALIDATING && r->client == DP_CLIENT_LOCAL;
}

static void probe_cell(FILE *out, const dp_resolver_result *r, int t, int last)
{
	dp_result res = r->tests[t].result;
	const char *w = res == DP_RES_PASS ? "ok" : res == DP_RES_FAIL ? "NO" : "-";
	dp_tone tone = res == DP_RES_PASS ? DP_TONE_OK : res == DP_RES_FAIL ? DP_TONE_BAD : DP_TONE_DIM;

	if (res == DP_RES_FAIL && probe_expected(r, t)) {
		w = r->cls == DP_CLASS_UNREACHABLE ? "-" : "n/a";
		tone = DP_TONE_DIM;
	}
	fprintf(out, " %s%s%s%*s", dp_tone_on(tone), w, dp_tone_off(tone), last ? 0 : 3 - (int)strlen(w), "");
}

/* The name a person gave the resolver, else its address (escaped). */
static const char *probe_label(const dp_resolver_result *r, char *buf, size_t len)
{
	return dp_esc(buf, len, r->name[0] ? r->name : r->address);
}

static void probe_dane_cell(FILE *out, const dp_resolver_result *r)
{
	const char *w = r->dane_safe ? "safe" : r->severity == DP_SEV_WARNING ? "warn" : "NO";
	dp_tone tone = r->dane_safe ? DP_TONE_OK : r->severity == DP_SEV_WARNING ? DP_TONE_WARN : DP_TONE_BAD;

	fprintf(out, " %s%s%s%*s", dp_tone_on(tone), w, dp_tone_off(tone), 4 - (int)strlen(w), "");
}

/* One block of the matrix: the tests [from, to). */
static void probe_block(FILE *out, const dp_resolver_result *r, size_t n, int nw, int from, int to)
{
	fprintf(out, "%s%-*s DANE", dp_tone_on(DP_TONE_BOLD), nw, "RESOLVER");
	for (int t = from; t < to; t++)
		fprintf(out, t + 1 < to ? " %-3s" : " %s", probe_cols[t].head);
	fprintf(out, "%s\n", dp_tone_off(DP_TONE_BOLD));
	for (size_t i = 0; i < n; i++) {
		char name[512];
		fprintf(out, "%-*.*s", nw, nw, probe_label(&r[i], name, sizeof name));
		probe_dane_cell(out, &r[i]);
		for (int t = from; t < to; t++)
			probe_cell(out, &r[i], t, t + 1 == to);
		fputc('\n', out);
	}
}

static void probe_legend(FILE *out)
{
	char buf[1536];
	size_t k = 0;

	k += (size_t)snprintf(buf + k, sizeof buf - k, "ok passed, NO failed, n/a normal for the "
			      "class (not a fault), - not run;");
	for (int t = 0; t < DP_T_COUNT && k < sizeof buf; t++)
		k += (size_t)snprintf(buf + k, sizeof buf - k, " %s %s%s", probe_cols[t].head,
				      probe_cols[t].meaning, t + 1 < DP_T_COUNT ? "," : "");
	dp_text_finding(out, 0, DP_TONE_DIM, "legend:", "%s", buf);
}

/* The matrix in as many blocks of test columns as the width needs. */
static void probe_matrix(FILE *out, const dp_resolver_result *r, size_t n)
{
	int width = dp_text_width(), nw = 8, fit, blocks, per;

	for (size_t i = 0; i < n; i++) {
		char name[512];
		int l = (int)strlen(probe_label(&r[i], name, sizeof name));
		nw = l > nw ? l : nw;
	}
	if (nw > width / 3)
		nw = width / 3;        /* a long name is cut, the cells stay */
	fit = (width - nw - PROBE_DANE_COL) / PROBE_CELL;
	fit = fit < 1 ? 1 : fit;
	blocks = (DP_T_COUNT + fit - 1) / fit;
	per = (DP_T_COUNT + blocks - 1) / blocks;
	for (int b = 0; b < blocks; b++) {
		int to = (b + 1) * per < DP_T_COUNT ? (b + 1) * per : DP_T_COUNT;
		if (b > 0)
			fputc('\n', out);
		probe_block(out, r, n, nw, b * per, to);
	}
	probe_legend(out);
}

#define PROBE_REASONS_BRIEF 3   /* reasons per resolver without -v */

/* 1 when reason k of r was said before (the battery may reach one
 * fault through several probe names; a person needs it once). */
static int probe_reason_seen(const dp_resolver_result *r, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (strcmp(r->reasons[j], r->reasons[k]) == 0)
			return 1;
	return 0;
}

static void probe_findings(FILE *out, const dp_resolver_result *r, int verbose)
{
	char tags[256], rtt[32] = "";
	dp_tone tone = r->dane_safe ? DP_TONE_OK : r->severity == DP_SEV_WARNING ? DP_TONE_WARN : DP_TONE_BAD;
	size_t said = 0, left = 0;

	dp_tags_format(r->tags, tags, sizeof tags);
	if (r->rtt_ms >= 0)
		snprintf(rtt, sizeof rtt, ", %d ms", r->rtt_ms);
	dp_text_finding(out, 0, tone, r->dane_safe ? "DANE-safe:" : r->severity == DP_SEV_WARNING
			? "NOT DANE-safe (warning):" : "NOT DANE-safe:", "%s (%s, priority %d): %s%s%s%s%s",
			r->name[0] ? r->name : r->address, r->address, r->priority,
			dp_class_name(r->cls), tags[0] ? " [" : "", tags, tags[0] ? "]" : "", rtt);
	for (size_t k = 0; k < r->n_reasons; k++) {
		if (probe_reason_seen(r, k))
			continue;
		if (!verbose && said == PROBE_REASONS_BRIEF) {
			left++;
			continue;
		}
		dp_text_finding(out, 2, DP_TONE_NONE, "-", "%s", r->reasons[k]);
		said++;
	}
	if (left > 0)
		dp_text_finding(out, 2, DP_TONE_DIM, "...", "%zu more (daneprobe -v probe shows them)", left);
	if (verbose)
		for (int t = 0; t < DP_T_COUNT; t++)
			dp_text_finding(out, 4, DP_TONE_NONE, dp_test_name((dp_test_id)t), "%s: %s",
					dp_result_name(r->tests[t].result), r->tests[t].detail);
}

/* A probe name that lacks what a test asks is the configuration's
 * problem, not any resolver's (issue 14): say so once per test, above the
 * resolvers, so it is read without -v and fixed in probe.names. */
static void probe_config_notes(FILE *out, const dp_resolver_result *r, size_t n)
{
	for (int t = 0; t < DP_T_COUNT; t++)
		for (size_t i = 0; i < n; i++)
			if (r[i].tests[t].flags & DP_TF_CONFIG) {
				dp_text_finding(out, 0, DP_TONE_WARN, "probe.names:", "%s: %s",
						dp_test_name((dp_test_id)t), r[i].tests[t].detail);
				break;
			}
}

/* --quiet: "probe: 5 of 7 resolvers DANE-safe; not DANE-safe: dead
 * (127.53.1.7), ..." */
static void probe_status_line(FILE *out, const dp_resolver_result *r, size_t n)
{
	char *buf = NULL;
	size_t len = 0, safe = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		safe += r[i].dane_safe ? 1 : 0;
	fprintf(m, "probe: %zu of %zu resolvers DANE-safe", safe, n);
	for (size_t i = 0, k = 0; i < n; i++)
		if (!r[i].dane_safe)
			fprintf(m, "%s%s (%s)", k++ ? ", " : "; not DANE-safe: ",
				r[i].name[0] ? r[i].name : r[i].address, r[i].address);
	fclose(m);
	dp_text_wrap(out, 0, 2, buf);
	free(buf);
}

void dp_probe_print_text(FILE *out, const dp_resolver_result *r, size_t n, int verbose)
{
	if (dp_text_quiet()) {
		probe_status_line(out, r, n);
		return;
	}
	if (n > 0)
		dp_text_finding(out, 0, DP_TONE_NONE, "client model:", "%s (%s)",
				dp_client_model_name(r[0].client), r[0].client == DP_CLIENT_AD
				? "the MTA trusts the resolver's AD bit"
				: "the MTA validates locally through the resolver");
	probe_matrix(out, r, n);
	fputc('\n', out);
	probe_config_notes(out, r, n);
	for (size_t i = 0; i < n; i++)
		probe_findings(out, &r[i], verbose);
}

/* "validating (127.53.1.1)", or the address alone when it has no name. */
static void order_who(char *buf, size_t len, const dp_rank_in *x)
{
	if (x->name != NULL && *x->name)
		snprintf(buf, len, "%s (%s)", x->name, x->address);
	else
		snprintf(buf, len, "%s", x->address);
}

void dp_order_print_text(FILE *out, const dp_advice *a, const dp_rank_in *in)
{
	char who[512];

	if (dp_text_quiet()) {
		dp_text_finding(out, 0, DP_TONE_NONE, "order:", "%s%s", a->changed
				? "the recommended order differs from the current one"
				: "the current order is the recommended one",
				a->n_warnings ? "; warnings (run without --quiet)" : "");
		return;
	}
	dp_text_finding(out, 0, DP_TONE_BOLD, "current order:", "%s", "");
	for (size_t i = 0; i < a->n; i++) {
		order_who(who, sizeof who, &in[a->current[i].index]);
		dp_text_finding(out, 2, DP_TONE_NONE, "", "%5d  %s", a->current[i].priority, who);
	}
	dp_text_finding(out, 0, DP_TONE_BOLD, "recommended order:", "%s",
			a->changed ? "" : "(unchanged)");
	for (size_t i = 0; i < a->n; i++) {
		order_who(who, sizeof who, &in[a->recommended[i].index]);
		dp_text_finding(out, 2, DP_TONE_NONE, "", "%5d  %s: %s", a->recommended[i].priority,
				who, a->recommended[i].reason);
	}
	for (size_t i = 0; i < a->n_warnings; i++)
		dp_text_finding(out, 0, DP_TONE_WARN, "warning:", "%s", a->warnings[i]);
}
