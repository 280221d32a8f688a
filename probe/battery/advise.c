/*
 * advise.c - rank resolvers and recommend priorities.
 *
 * Round-trip times are compared in coarse buckets, not in milliseconds:
 * two healthy resolvers 3 and 4 ms away would otherwise swap places from
 * one run to the next, and a monitoring job with --write would keep
 * rewriting the configuration.  Buckets keep the comparison transitive,
 * which a "within 20%" rule would not be, so the sort stays well defined.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/battery/advise.h"
#include "validator/dp_err.h"

int dp_rtt_bucket(int rtt_ms)
{
	static const int limits[] = { 20, 50, 100, 200, 500, 1000 };

	if (rtt_ms < 0)
		return 7;
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (rtt_ms < limits[i])
			return (int)i;
	return 6;
}

/* <0 when a should come before b; 0 when they are equal for ranking. */
static int rank_cmp(const dp_rank_in *a, const dp_rank_in *b)
{
	if (a->dane_safe != b->dane_safe)
		return a->dane_safe ? -1 : 1;
	if (a->cls != b->cls)
		return (int)a->cls - (int)b->cls;
	if (a->failures != b->failures)
		return a->failures - b->failures;
	return dp_rtt_bucket(a->rtt_ms) - dp_rtt_bucket(b->rtt_ms);
}

/* Insertion sort: stable, and n is a handful of resolvers. */
static void sort_stable(size_t *idx, size_t n, const dp_rank_in *in, int by_priority)
{
	for (size_t i = 1; i < n; i++) {
		size_t v = idx[i], j = i;
		while (j > 0) {
			const dp_rank_in *p = &in[idx[j - 1]], *q = &in[v];
			int c = by_priority ? (p->priority > q->priority) - (p->priority < q->priority)
					    : rank_cmp(p, q);
			if (c <= 0)
				break;
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

static void reason_for(const dp_rank_in *r, size_t pos, char *buf, size_t len)
{
	char tags[128];

	dp_tags_format(r->tags, tags, sizeof(tags));
	if (!r->dane_safe) {
		snprintf(buf, len, "%s: not DANE-safe (%s)%s",
			 dp_class_name(r->cls),
			 r->why_unsafe ? r->why_unsafe : "local validation through it does not match the ground truth",
			 pos == 0 ? "; no DANE-safe resolver is available" : "");
		return;
	}
	snprintf(buf, len, "DANE-safe, %s%s%s%s, %d failed test%s, %d ms",
		 dp_class_name(r->cls), tags[0] ? " (" : "", tags, tags[0] ? ")" : "",
		 r->failures, r->failures == 1 ? "" : "s", r->rtt_ms);
}

static void warn(dp_advice *a, const char *fmt, const char *arg)
{
	if (a->n_warnings >= DP_ADVICE_MAX_WARN)
		return;
	snprintf(a->warnings[a->n_warnings++], sizeof(a->warnings[0]), fmt, arg);
}

int dp_advise(const dp_rank_in *in, size_t n, dp_advice **out)
{
	dp_advice *a;
	size_t *cur = NULL, *rec = NULL, safe = 0;
	int rc = DP_ENOMEM;

	if (in == NULL || n == 0)
		return DP_EINVAL;
	a = calloc(1, sizeof(*a));
	cur = calloc(n, sizeof(*cur));
	rec = calloc(n, sizeof(*rec));
	if (a == NULL || cur == NULL || rec == NULL)
		goto out;
	a->n = n;
	a->current = calloc(n, sizeof(*a->current));
	a->recommended = calloc(n, sizeof(*a->recommended));
	if (a->current == NULL || a->recommended == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		cur[i] = i;
	sort_stable(cur, n, in, 1);
	/* Ranking starts from the current order so that ties keep it. */
	memcpy(rec, cur, n * sizeof(*rec));
	sort_stable(rec, n, in, 0);
	for (size_t i = 0; i < n; i++) {
		a->current[i].index = cur[i];
		a->current[i].priority = in[cur[i]].priority;
		a->recommended[i].index = rec[i];
		/* The i-th smallest existing number goes to the i-th place. */
		a->recommended[i].priority = in[cur[i]].priority;
		reason_for(&in[rec[i]], i, a->recommended[i].reason, sizeof(a->recommended[i].reason));
		if (rec[i] != cur[i])
			a->changed = 1;
		if (in[i].dane_safe)
			safe++;
	}
	/* What an unsafe resolver does to mail depends on the client model:
	 * a local validator sees Bogus; an AD-trusting MTA sees no AD. */
	const char *effect = in[0].client == DP_CLIENT_AD
		? "an AD-trusting MTA gets no AD: Opportunistic mail goes without DANE and Mandatory mail is deferred"
		: "DANE domains will be Bogus and their mail will stay queued";
	char line[256];
	if (safe == 0) {
		warn(a, "no resolver is DANE-safe: through every resolver %s", effect);
	} else if (n == 1) {
		warn(a, "%s", "only one resolver is configured: when it is unreachable there is no DANE-safe secondary");
	} else if (safe == 1) {
		snprintf(line, sizeof(line), "no DANE-safe secondary remains: when %s is unreachable, %s",
			 in[rec[0]].address, effect);
		warn(a, "%s", line);
	}
	*out = a;
	a = NULL;
	rc = DP_OK;
out:
	free(cur);
	free(rec);
	dp_advice_free(a);
	return rc;
}

void dp_advice_free(dp_advice *a)
{
	if (a == NULL)
		return;
	free(a->current);
	free(a->recommended);
	free(a);
}
