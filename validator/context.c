/*
 * context.c - the validation context (val.h): its caches of messages, DS
 * and DNSKEY sets (each asked and checked once while cached; cache.c
 * bounds them), the one get-or-create those caches share, verdicts with
 * their reasons, and the trace.
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
	cache_hdr *h = cache_get(ctx, l, name, 0);

	if (h) {
		*out = h;
		return h->busy ? SLOT_LOOP : SLOT_FOUND;
	}
	if (ctx->depth >= CHAIN_MAX_DEPTH)
		return SLOT_LOOP;
	if ((h = cache_add(ctx, l, size, name, 0)) == NULL)
		return SLOT_NOMEM;
	*out = h;
	return SLOT_NEW;
}

/* An entry being filled: a request for it meanwhile is a loop. */
void cache_enter(val_ctx *ctx, cache_hdr *h)
{
	h->busy = 1;
	ctx->depth++;
}

void cache_leave(val_ctx *ctx, cache_hdr *h, const verdict *v, const ldns_rr_list *rrs)
{
	ctx->depth--;
	h->busy = 0;
	cache_keep(ctx, h, v->status == VAL_INDETERMINATE ? CACHE_FAIL_TTL : cache_ttl_of(rrs));
}

static void msg_entry_free(cache_hdr *h)
{
	msg_entry *m = (msg_entry *)h;

	ldns_rdf_deep_free(m->h.name);
	ldns_pkt_free(m->pkt);
	free(m);
}

static void ds_entry_free(cache_hdr *h)
{
	ds_entry *d = (ds_entry *)h;

	ldns_rdf_deep_free(d->h.name);
	ldns_rdf_deep_free(d->parent);
	ldns_rr_list_deep_free(d->ds);
	free(d);
}

static void zone_entry_free(cache_hdr *h)
{
	zone_entry *z = (zone_entry *)h;

	ldns_rdf_deep_free(z->h.name);
	ldns_rr_list_deep_free(z->keys);
	free(z);
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
	cache_init(&ctx->msgs, CACHE_MAX_MSGS, msg_entry_free);
	cache_init(&ctx->dss, CACHE_MAX_SETS, ds_entry_free);
	cache_init(&ctx->zones, CACHE_MAX_SETS, zone_entry_free);
	val_keycache_set_max(ctx->kc, CACHE_MAX_SETS);
	val_policy_default(&ctx->pol);
	ctx->pol.work = &ctx->work;
	*out = ctx;
	return DP_OK;
}

void val_ctx_free(val_ctx *ctx)
{
	if (!ctx)
		return;
	cache_clear(&ctx->msgs);
	cache_clear(&ctx->dss);
	cache_clear(&ctx->zones);
	val_keycache_free(ctx->kc);
	free(ctx);
}

void val_ctx_set_now(val_ctx *ctx, int64_t now)
{
	if (ctx)
		ctx->now = now;
}

void val_ctx_set_cache(val_ctx *ctx, size_t max_msgs, size_t max_sets, size_t max_msg_bytes)
{
	if (!ctx)
		return;
	ctx->msgs.max = max_msgs;
	ctx->msgs.max_bytes = max_msg_bytes;
	ctx->dss.max = max_sets;
	ctx->zones.max = max_sets;
	/* decoded keys (an EC key is ~3 KB of OpenSSL heap): as many as
	 * key sets, which holds a whole chain's KSKs and ZSKs and more */
	val_keycache_set_max(ctx->kc, max_sets);
}

void val_ctx_set_ahead(val_ctx *ctx, val_ahead_fn fn)
{
	if (ctx)
		ctx->ahead = fn;
}

void val_ahead(val_ctx *ctx, const ldns_rdf *name, ldns_rr_type type)
{
	if (ctx && ctx->ahead && name && !cache_has(&ctx->msgs, name, type))
		ctx->ahead(ctx->fetch_arg, name, type);
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
