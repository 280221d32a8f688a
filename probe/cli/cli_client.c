/*
 * cli_client.c - what the client model (--client, client:) sets up for
 * the commands (issue 14).
 */
#include "probe/cli/cli.h"
#include "probe/dane/dane.h"

void dp_client_dane_cfg(const dp_global *g, struct dane_cfg *cfg, const struct dp_addr *srv)
{
	/* Client model ad: the MTA believes this resolver's AD bit. */
	if (g->client.model == DP_CLIENT_AD) {
		cfg->ad_server = srv;
		cfg->ad_timeout_ms = g->timeout_ms;
	}
	cfg->postfix_rules = g->client.preset == DP_PRESET_POSTFIX;
}
