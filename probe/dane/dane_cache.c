/*
 * dane_cache.c - the per-worker host cache of the DANE walk: the DNS part
 * of an MX host (addresses, TLSA and their statuses) kept for the next
 * domain that uses the same host, so a bulk verify asks once per host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "probe/dane/dane.h"
#include "probe/dane/dane_int.h"

typedef struct dane_cache_ent {
	dane_host host;             /* DNS fields only; addrs and tlsa owned */
	char cname_target[256];
} dane_cache_ent;

struct dane_cache {
	dane_cache_ent *ents;
	size_t n, max;
};

int dane_cache_new(dane_cache **out, size_t max_hosts)
{
	dane_cache *c = calloc(1, sizeof *c);

	if (c == NULL)
		return DP_ENOMEM;
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

void dane_cache_free(dane_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		dane_host_clear(&c->ents[i].host);
	free(c->ents);
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

int dane_cache_get(const dane_cache *c, dane_host *h, char *cname_target, size_t ct_len)
{
	size_t i;

	for (i = 0; c != NULL && i < c->n; i++)
		if (strcasecmp(c->ents[i].host.name, h->name) == 0) {
			int rc = dane_host_copy_dns(h, &c->ents[i].host);
			snprintf(cname_target, ct_len, "%s", c->ents[i].cname_target);
			return rc == DP_OK ? 1 : -1;
		}
	return 0;
}

void dane_cache_put(dane_cache *c, const dane_host *h, const char *cname_target)
{
	dane_cache_ent *e;

	if (c == NULL || c->n >= c->max)
		return;
	if (c->ents == NULL) {
		c->ents = calloc(c->max, sizeof *c->ents);
		if (c->ents == NULL)
			return;
	}
	e = &c->ents[c->n];
	memset(e, 0, sizeof *e);
	if (dane_host_copy_dns(&e->host, h) != DP_OK) {
		dane_host_clear(&e->host);
		return;
	}
	snprintf(e->cname_target, sizeof e->cname_target, "%s", cname_target);
	c->n++;
}
