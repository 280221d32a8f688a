/*
 * cache.c - the bounded caches of a validation context (messages, DS
 * sets, DNSKEY sets): found by (name, type) through a hash instead of a
 * linear search, kept in least-recently-used order, and dropped when
 * their TTL has passed or their list is over its cap.  Memory then stays
 * flat however many names one context checks.  The time is the caller's
 * (val_ctx_set_now): the validator never reads the clock.
 */
#include <stdlib.h>
#include <string.h>
#include "validator/chain_int.h"
#include "validator/dnssec_int.h"

/* FNV-1a over the lower-cased wire name (RFC 4343: case does not
 * matter) and the type. */
static uint32_t cache_hash(const ldns_rdf *name, ldns_rr_type type)
{
	const uint8_t *d = ldns_rdf_data(name);
	size_t n = ldns_rdf_size(name);
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = d[i];
		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + ('a' - 'A'));
		h = (h ^ c) * 16777619u;
	}
	h = (h ^ (type & 0xff)) * 16777619u;
	return (h ^ (type >> 8)) * 16777619u;
}

void cache_init(cache_list *l, size_t max, cache_free_fn free_entry)
{
	memset(l, 0, sizeof *l);
	l->max = max;
	l->free_entry = free_entry;
}

static void lru_unlink(cache_list *l, cache_hdr *h)
{
	if (h->newer)
		h->newer->older = h->older;
	else
		l->newest = h->older;
	if (h->older)
		h->older->newer = h->newer;
	else
		l->oldest = h->newer;
	h->newer = h->older = NULL;
}

static void lru_push(cache_list *l, cache_hdr *h)
{
	h->older = l->newest;
	h->newer = NULL;
	if (l->newest)
		l->newest->newer = h;
	else
		l->oldest = h;
	l->newest = h;
}

static void cache_drop(cache_list *l, cache_hdr *h)
{
	cache_hdr **pp = &l->bucket[h->hash & (l->nbuckets - 1)];

	while (*pp && *pp != h)
		pp = &(*pp)->chain;
	if (*pp)
		*pp = h->chain;
	lru_unlink(l, h);
	l->n--;
	l->bytes -= h->cost;
	l->free_entry(h);
}

void cache_clear(cache_list *l)
{
	cache_hdr *h = l->newest, *next;

	for (; h; h = next) {
		next = h->older;
		l->free_entry(h);
	}
	free(l->bucket);
	l->bucket = NULL;
	l->newest = l->oldest = NULL;
	l->n = 0;
	l->bytes = 0;
}

/* The entry of (name, type) in l, or NULL; nothing else changes. */
static cache_hdr *cache_find(const cache_list *l, const ldns_rdf *name, ldns_rr_type type)
{
	uint32_t hv;

	if (!l->bucket)
		return NULL;
	hv = cache_hash(name, type);
	for (cache_hdr *h = l->bucket[hv & (l->nbuckets - 1)]; h; h = h->chain)
		if (h->hash == hv && h->type == type && val_name_eq(h->name, name))
			return h;
	return NULL;
}

cache_hdr *cache_get(val_ctx *ctx, cache_list *l, const ldns_rdf *name, ldns_rr_type type)
{
	cache_hdr *h = cache_find(l, name, type);

	if (h) {
		h->used = ctx->gen;
		lru_unlink(l, h);
		lru_push(l, h);
	}
	return h;
}

int cache_has(const cache_list *l, const ldns_rdf *name, ldns_rr_type type)
{
	return cache_find(l, name, type) != NULL;
}

/* Buckets for about twice the cap: short chains without rehashing. */
static int cache_buckets(cache_list *l)
{
	size_t nb = 16;

	while (nb < 2 * l->max && nb < ((size_t)1 << 20))
		nb *= 2;
	if ((l->bucket = calloc(nb, sizeof *l->bucket)) == NULL)
		return -1;
	l->nbuckets = nb;
	return 0;
}

cache_hdr *cache_add(val_ctx *ctx, cache_list *l, size_t size, const ldns_rdf *name,
		     ldns_rr_type type)
{
	cache_hdr *h;

	if (!l->bucket && cache_buckets(l) < 0)
		return NULL;
	if ((h = calloc(1, size)) == NULL)
		return NULL;
	if ((h->name = ldns_rdf_clone(name)) == NULL) {
		free(h);
		return NULL;
	}
	h->type = type;
	h->hash = cache_hash(name, type);
	h->expires = ctx->now;
	h->used = ctx->gen;
	h->chain = l->bucket[h->hash & (l->nbuckets - 1)];
	l->bucket[h->hash & (l->nbuckets - 1)] = h;
	lru_push(l, h);
	l->n++;
	return h;
}

void cache_cost(cache_list *l, cache_hdr *h, size_t cost)
{
	l->bytes = l->bytes - h->cost + cost;
	h->cost = cost;
}

void cache_keep(val_ctx *ctx, cache_hdr *h, uint32_t ttl)
{
	h->expires = ctx->now + (ttl < CACHE_MAX_TTL ? ttl : CACHE_MAX_TTL);
}

uint32_t cache_ttl_of(const ldns_rr_list *list)
{
	uint32_t ttl = CACHE_MAX_TTL;

	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
		uint32_t t = ldns_rr_ttl(ldns_rr_list_rr(list, i));
		if (t < ttl)
			ttl = t;
	}
	return ttl;
}

void cache_trim(val_ctx *ctx, cache_list *l)
{
	cache_hdr *h = l->oldest, *newer;

	for (; h; h = newer) {
		newer = h->newer;
		if (h->busy || h->used == ctx->gen)
			continue;
		if (h->expires <= ctx->now || l->n > l->max ||
		    (l->max_bytes > 0 && l->bytes > l->max_bytes))
			cache_drop(l, h);
	}
}
