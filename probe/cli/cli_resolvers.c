/*
 * cli_resolvers.c - the resolvers of the host, when neither --resolver
 * nor the config names them: read from where they are configured
 * (resolv.conf, systemd-resolved, unbound, dnsmasq; issue 14).
 */
#include <stdlib.h>
#include <string.h>
#include "probe/cli/cli.h"
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
