/*
 * cli_postfix.c - what --postfix adds to the commands (issue 14): the
 * destinations and policies to verify, and Postfix's DANE findings for
 * check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "probe/cli/cli.h"
#include "probe/util/escape.h"
#include "probe/util/postfixconf.h"

size_t dp_destinations(const dp_global *g, const char ***names, int **mandatory)
{
	size_t n = g->postfix ? g->postfix->n_dests : g->cfg ? g->cfg->n_destinations : 0;

	*names = NULL;
	*mandatory = NULL;
	if (n == 0)
		return 0;
	*names = calloc(n, sizeof(**names));
	*mandatory = calloc(n, sizeof(**mandatory));
	if (*names == NULL || *mandatory == NULL) {
		free(*names);
		free(*mandatory);
		*names = NULL;
		*mandatory = NULL;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		(*names)[i] = g->postfix ? g->postfix->dests[i].domain : g->cfg->destinations[i];
		(*mandatory)[i] = g->postfix ? g->postfix->dests[i].mandatory : 0;
	}
	return n;
}

int dp_postfix_json(const dp_global *g, json_t **out)
{
	const dp_postfix *p = g->postfix;
	json_t *o, *dests, *finds;

	*out = NULL;
	if (p == NULL)
		return DP_EXIT_OK;
	o = json_object();
	dests = json_array();
	finds = json_array();
	json_object_set_new(o, "config_dir", json_string(p->dir));
	json_object_set_new(o, "smtp_dns_support_level", json_string(p->dns_support_level));
	json_object_set_new(o, "client", json_string(dp_client_name(&g->client)));
	for (size_t i = 0; i < p->n_dests; i++) {
		json_t *d = json_object();
		json_object_set_new(d, "domain", json_string(p->dests[i].domain));
		json_object_set_new(d, "policy", json_string(p->dests[i].mandatory ? "mandatory" : "opportunistic"));
		json_object_set_new(d, "postfix_level", json_string(p->dests[i].mandatory ? "dane-only" : "dane"));
		json_object_set_new(d, "route", p->dests[i].route[0] ? json_string(p->dests[i].route) : json_null());
		json_array_append_new(dests, d);
	}
	for (size_t i = 0; i < p->n_findings; i++)
		json_array_append_new(finds, json_string(p->findings[i]));
	json_object_set_new(o, "destinations", dests);
	json_object_set_new(o, "findings", finds);
	*out = o;
	return p->n_findings ? DP_EXIT_WARNING : DP_EXIT_OK;
}

void dp_postfix_print_text(const json_t *pf)
{
	size_t i;
	json_t *v;

	if (pf == NULL)
		return;
	dp_fprintf_text(stdout, "\npostfix %s (smtp_dns_support_level = %s, client %s):\n",
			json_string_value(json_object_get(pf, "config_dir")),
			json_string_value(json_object_get(pf, "smtp_dns_support_level")),
			json_string_value(json_object_get(pf, "client")));
	json_array_foreach(json_object_get(pf, "destinations"), i, v)
		dp_fprintf_text(stdout, "  destination %s: %s (%s)\n", json_string_value(json_object_get(v, "domain")),
				json_string_value(json_object_get(v, "postfix_level")),
				json_string_value(json_object_get(v, "policy")));
	json_array_foreach(json_object_get(pf, "findings"), i, v)
		dp_fprintf_text(stdout, "  finding: %s\n", json_string_value(v));
}

int dp_postfix_add_domains(const dp_global *g, char ***domains, size_t *n, size_t *cap)
{
	for (size_t i = 0; g->postfix && i < g->postfix->n_dests; i++) {
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			char **grown = realloc(*domains, nc * sizeof(*grown));
			if (grown == NULL)
				return -1;
			*domains = grown;
			*cap = nc;
		}
		if (((*domains)[*n] = strdup(g->postfix->dests[i].domain)) == NULL)
			return -1;
		(*n)++;
	}
	return 0;
}
