/*
 * context.c - the validation context (val.h): its caches of messages, DS
 * and DNSKEY sets (each asked and checked once per context), the one
 * get-or-create those caches share, verdicts with their reasons, and the
 * trace.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/chain_int.h"
#include "validator/dnssec_int.h"

void ctx_trace(val_ctx *ctx, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (!ctx->trace)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ctx->trace(ctx->trace_arg, line);
}

void vset(verdict *v, val_status st, val_ede ede, const char *fmt, ...)
{
	va_list ap;

	v->status = st;
	v->why.ede = ede;
	va_start(ap, fmt);
	vsnprintf(v->why.text, sizeof v->why.text, fmt, ap);
	va_end(ap);
}

/* Put "prefix: " in front of the reason in v (truncating at the end). */
void vprefix(verdict *v, const char *prefix)
{
	char tmp[sizeof v->why.text];
	size_t pl = strlen(prefix), cap = sizeof tmp - 1, tl;

	if (pl + 2 >= cap)
		return;
	memcpy(tmp, prefix, pl);
	memcpy(tmp + pl, ": ", 2);
	tl = strlen(v->why.text);
	if (tl > cap - pl - 2)
		tl = cap - pl - 2;
	memcpy(tmp + pl + 2, v->why.text, tl);
	tmp[pl + 2 + tl] = '\0';
	memcpy(v->why.text, tmp, sizeof tmp);
}

void vsecure(verdict *v)
{
	memset(v, 0, sizeof *v);
	v->status = VAL_SECURE;
	v->why.ede = VAL_EDE_NONE;
}

/* A failed proof that was offered a wildcard-expanded NSEC: say so, and
 * call it what it is (EDE 6): a forged denial, not a missing one. */
void vnote(verdict *v, const char *note)
{
	size_t tl = strlen(v->why.text);

	if (!note[0] || v->status != VAL_BOGUS)
		return;
	v->why.ede = VAL_EDE_DNSSEC_BOGUS;
	snprintf(v->why.text + tl, sizeof v->why.text - tl, "; %s", note);
}

int cache_slot(val_ctx *ctx, cache_list *l, size_t size, const ldns_rdf *name,
	       cache_hdr **out)
{
	cache_hdr **grown, *h;

	for (size_t i = 0; i < l->n; i++)
		if (val_name_eq(l->v[i]->name, name)) {
			*out = l->v[i];
			return l->v[i]->busy ? SLOT_LOOP : SLOT_FOUND;
		}
	if (ctx->depth >= CHAIN_MAX_DEPTH)
		return SLOT_LOOP;
	if ((grown = realloc(l->v, (l->n + 1) * sizeof *grown)) == NULL)
		return SLOT_NOMEM;
	l->v = grown;
	if ((h = calloc(1, size)) == NULL || (h->name = ldns_rdf_clone(name)) == NULL) {
		free(h);
		return SLOT_NOMEM;
	}
	l->v[l->n++] = h;
	*out = h;
	return SLOT_NEW;
}

/* An entry being filled: a request for it meanwhile is a loop. */
void cache_enter(val_ctx *ctx, cache_hdr *h)
{
	h->busy = 1;
	ctx->depth++;
}

void cache_leave(val_ctx *ctx, cache_hdr *h)
{
	ctx->depth--;
	h->busy = 0;
}

int val_ctx_new(val_ctx **out, const val_anchors *anchors, int64_t now,
		val_fetch_fn fetch_fn, void *fetch_arg)
{
	val_ctx *ctx;

	if (!out || !anchors || !fetch_fn)
		return DP_EINVAL;
	ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return DP_ENOMEM;
	if (val_keycache_new(&ctx->kc) != DP_OK) {
		free(ctx);
		return DP_ENOMEM;
	}
	ctx->anchors = anchors;
	ctx->now = now;
	ctx->fetch = fetch_fn;
	ctx->fetch_arg = fetch_arg;
	val_policy_default(&ctx->pol);
	ctx->pol.work = &ctx->work;
	*out = ctx;
	return DP_OK;
}

void val_ctx_free(val_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->n_msgs; i++) {
		ldns_rdf_deep_free(ctx->msgs[i]->name);
		ldns_pkt_free(ctx->msgs[i]->pkt);
		free(ctx->msgs[i]);
	}
	for (size_t i = 0; i < ctx->dss.n; i++) {
		ds_entry *d = (ds_entry *)ctx->dss.v[i];
		ldns_rdf_deep_free(d->h.name);
		ldns_rdf_deep_free(d->parent);
		ldns_rr_list_deep_free(d->ds);
		free(d);
	}
	for (size_t i = 0; i < ctx->zones.n; i++) {
		zone_entry *z = (zone_entry *)ctx->zones.v[i];
		ldns_rdf_deep_free(z->h.name);
		ldns_rr_list_deep_free(z->keys);
		free(z);
	}
	free(ctx->msgs);
	free(ctx->dss.v);
	free(ctx->zones.v);
	val_keycache_free(ctx->kc);
	free(ctx);
}

void val_ctx_set_trace(val_ctx *ctx, val_trace_fn fn, void *arg)
{
	if (!ctx)
		return;
	ctx->trace = fn;
	ctx->trace_arg = arg;
}

void val_ctx_set_policy(val_ctx *ctx, const val_policy *pol)
{
	if (ctx && pol) {
		ctx->pol = *pol;
		ctx->pol.work = &ctx->work;
	}
}

void val_ctx_stats(const val_ctx *ctx, val_stats *out)
{
	if (ctx && out)
		*out = ctx->stats;
}
