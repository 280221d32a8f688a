/*
 * cli_resolvers.c - the resolvers of the host, when neither --resolver
 * nor the config names them: read from where they are configured
 * (resolv.conf, systemd-resolved, unbound, dnsmasq; issue 14).
 */
#include <stdlib.h>
#include <string.h>
#include "probe/cli/cli.h"
#include "probe/battery/classify.h"
#include "probe/util/resolvload.h"

int dp_resolver_source_load(dp_global *g)
{
	dp_rsrc_kind kind = DP_RSRC_RESOLV;
	const char *path = getenv("DANEPROBE_RESOLV_CONF") ? getenv("DANEPROBE_RESOLV_CONF") : "/etc/resolv.conf";
	char err[1024] = "";
	int rc;

	if (g->n_resolvers > 0)
		return 0;   /* --resolver wins over every source */
	if (g->resolvers_from != NULL) {
		if (dp_rsrc_spec(g->resolvers_from, &kind, &path, err, sizeof(err)) < 0) {
			dp_errorf("--resolvers-from: %s", err);
			return -1;
		}
	} else if (g->cfg != NULL && g->cfg->n_resolvers > 0) {
		return 0;   /* the config's resolvers: */
	}
	rc = dp_rsrc_load(kind, path, &g->rsrc, err, sizeof(err));
	if (rc != DP_OK && g->resolvers_from != NULL) {
		dp_errorf("--resolvers-from %s: %s", g->resolvers_from, err);
		return -1;
	}
	/* No /etc/resolv.conf is no error yet: the command says "no
	 * resolver" if it needs one. */
	return 0;
}

/* The resolvers whose position is a priority: with a host's resolver
 * file, only the servers `order` can reorder (behind systemd-resolved's
 * stub the DNS= servers: the stub is what the MTA asks, not a rank, and
 * FallbackDNS= is used only when no DNS= server is known), numbered in
 * their order.  probe asks them all; order and check rank only these. */
static int rank_wanted(const dp_rsrc *src, const char *address)
{
	if (src == NULL)
		return 1;
	for (size_t k = 0; k < src->n; k++)
		if (src->servers[k].orderable && strcmp(src->servers[k].address, address) == 0)
			return 1;
	return 0;
}

int dp_rank_inputs(const dp_resolver_result *res, size_t n, const dp_rsrc *src, int cfg_prio,
		   dp_rank_in **out, size_t *nout)
{
	dp_rank_in *in = calloc(n ? n : 1, sizeof(*in));
	size_t m = 0;

	if (in == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const dp_resolver_result *r = &res[i];

		if (!rank_wanted(src, r->address))
			continue;
		in[m] = (dp_rank_in){ r->address, r->name[0] ? r->name : NULL, cfg_prio ? r->priority : (int)m,
				      r->cls, r->tags, r->dane_safe, dp_failures(r->tests), r->rtt_ms,
				      r->n_reasons ? r->reasons[0] : NULL, r->client };
		m++;
	}
	*out = in;
	*nout = m;
	return 0;
}
