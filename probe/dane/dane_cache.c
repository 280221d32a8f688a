/*
 * dane_cache.c - the host cache of the DANE walk: the DNS part of an MX
 * host (addresses, TLSA and their statuses) kept for the next domain that
 * uses the same host, so a bulk verify asks once per host.  One cache is
 * shared by all workers (a mutex), holds at most max_hosts entries
 * (the oldest is replaced) and keeps none longer than DANE_CACHE_MAX_AGE:
 * its memory does not grow with the list.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "probe/dane/dane.h"
#include "probe/dane/dane_int.h"
#include "probe/util/clock.h"

/* The walk's verdicts come from records whose TTLs it does not keep:
 * a short age bounds how stale a long run's answer can be. */
#define DANE_CACHE_MAX_AGE_MS (300 * 1000)

typedef struct dane_cache_ent {
	dane_host host;             /* DNS fields only; addrs and tlsa owned */
	char cname_target[256];
	int64_t added_ms;           /* dp_mono_ms() when it was put */
} dane_cache_ent;

struct dane_cache {
	pthread_mutex_t mu;
	dane_cache_ent **ents;      /* max slots, filled on demand */
	size_t n, max, next;        /* next: the slot put replaces when full */
};

int dane_cache_new(dane_cache **out, size_t max_hosts)
{
	dane_cache *c = calloc(1, sizeof *c);

	if (c == NULL)
		return DP_ENOMEM;
	if (max_hosts > 0 && (c->ents = calloc(max_hosts, sizeof *c->ents)) == NULL) {
		free(c);
		return DP_ENOMEM;
	}
	pthread_mutex_init(&c->mu, NULL);
	c->max = max_hosts;
	*out = c;
	return DP_OK;
}

void dane_host_clear(dane_host *h)
{
	size_t j;

	for (j = 0; j < h->n_addrs; j++) {
		free(h->addrs[j].matched);
		certinfo_free(&h->addrs[j].chain);
	}
	free(h->addrs);
	tlsa_set_free(&h->tlsa);
}

static void dane_cache_ent_free(dane_cache_ent *e)
{
	if (e != NULL)
		dane_host_clear(&e->host);
	free(e);
}

void dane_cache_free(dane_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		dane_cache_ent_free(c->ents[i]);
	free(c->ents);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* Copy the DNS part of src into dst (keeps dst's preference).  Only
 * done before any SMTP step, so the addresses carry no session data. */
static int dane_host_copy_dns(dane_host *dst, const dane_host *src)
{
	int pref = dst->preference;
	size_t i;

	*dst = *src;
	dst->preference = pref;
	dst->addrs = NULL;
	dst->tlsa.recs = NULL;
	dst->tlsa.n = 0;
	if (src->n_addrs > 0) {
		dst->addrs = malloc(src->n_addrs * sizeof *dst->addrs);
		if (dst->addrs == NULL) {
			dst->n_addrs = 0;
			return DP_ENOMEM;
		}
		memcpy(dst->addrs, src->addrs, src->n_addrs * sizeof *dst->addrs);
		for (i = 0; i < src->n_addrs; i++) {
			dst->addrs[i].matched = NULL;
			memset(&dst->addrs[i].chain, 0, sizeof dst->addrs[i].chain);
		}
	}
	if (src->tlsa.n > 0) {
		dst->tlsa.recs = calloc(src->tlsa.n, sizeof *dst->tlsa.recs);
		if (dst->tlsa.recs == NULL)
			return DP_ENOMEM;
		for (i = 0; i < src->tlsa.n; i++) {
			const tlsa_rec *r = &src->tlsa.recs[i];
			dst->tlsa.recs[i] = *r;
			dst->tlsa.recs[i].data = malloc(r->len ? r->len : 1);
			if (dst->tlsa.recs[i].data == NULL)
				return DP_ENOMEM;
			memcpy(dst->tlsa.recs[i].data, r->data, r->len);
			dst->tlsa.n = i + 1;
		}
	}
	return DP_OK;
}

int dane_cache_get(dane_cache *c, dane_host *h, char *cname_target, size_t ct_len)
{
	int64_t now = dp_mono_ms();
	size_t i;
	int rc = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	for (i = 0; i < c->n; i++) {
		const dane_cache_ent *e = c->ents[i];
		if (now - e->added_ms < DANE_CACHE_MAX_AGE_MS &&
		    strcasecmp(e->host.name, h->name) == 0) {
			rc = dane_host_copy_dns(h, &e->host) == DP_OK ? 1 : -1;
			snprintf(cname_target, ct_len, "%s", e->cname_target);
			break;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}

void dane_cache_put(dane_cache *c, const dane_host *h, const char *cname_target)
{
	dane_cache_ent *e;

	if (c == NULL || c->max == 0 || (e = calloc(1, sizeof *e)) == NULL)
		return;
	/* Copied outside the lock: only the slot change is shared. */
	if (dane_host_copy_dns(&e->host, h) != DP_OK) {
		dane_cache_ent_free(e);
		return;
	}
	snprintf(e->cname_target, sizeof e->cname_target, "%s", cname_target);
	e->added_ms = dp_mono_ms();
	pthread_mutex_lock(&c->mu);
	if (c->n < c->max) {
		c->ents[c->n++] = e;
		e = NULL;
	} else {
		dane_cache_ent *old = c->ents[c->next];
		c->ents[c->next] = e;
		c->next = (c->next + 1) % c->max;
		e = old;
	}
	pthread_mutex_unlock(&c->mu);
	dane_cache_ent_free(e);
}
