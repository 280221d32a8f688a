/*
 * cli_util.c - helpers every subcommand shares: messages, and which
 * resolvers to use.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/cli/cli.h"
#include "probe/util/escape.h"
#include "probe/util/fileio.h"
#include "probe/util/rewrite.h"
#include "probe/util/resolvload.h"

/* The last message, for the JSON error document of main.c. */
static char last_error[4096];

void dp_errorf(const char *fmt, ...)
{
	char esc[sizeof(last_error) * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	/* Messages carry names and replies from argv, files and the
	 * network: escaped, newlines included, so one message is one line. */
	dp_escape(esc, sizeof(esc), last_error, strlen(last_error), DP_ESC_KEEP_BACKSLASH);
	fprintf(stderr, "daneprobe: %s\n", esc);
}

int dp_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	dp_errorf("%s: %s", cmd, msg);
	fprintf(stderr, "see daneprobe %s --help\n", cmd);
	return DP_EXIT_UNKNOWN;
}

const char *dp_last_error(void)
{
	return last_error[0] ? last_error : NULL;
}

/* In the order of enum dp_format (cli.h). */
static const char *const format_names[] = { "text", "json", "prometheus", "dot", "svg", "csv" };
#define N_FORMATS (sizeof(format_names) / sizeof(format_names[0]))

/* "text or json", "text, json or prometheus" */
static void format_list(unsigned allowed, char *buf, size_t len)
{
	size_t i, n = 0, k = 0;

	buf[0] = '\0';
	for (i = 0; i < N_FORMATS; i++)
		n += (allowed >> i) & 1u;
	for (i = 0; i < N_FORMATS; i++) {
		if (!((allowed >> i) & 1u))
			continue;
		k++;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 k == 1 ? "" : k == n ? " or " : ", ", format_names[i]);
	}
}

int dp_parse_format(const char *arg, dp_format *out)
{
	char list[64];

	for (size_t i = 0; i < N_FORMATS; i++) {
		if (strcmp(arg, format_names[i]) == 0) {
			*out = (dp_format)i;
			return 0;
		}
	}
	format_list(DP_FMTS_EVERY | (1u << DP_FMT_CSV), list, sizeof(list));
	dp_errorf("--format must be %s, not '%s'", list, arg);
	return -1;
}

int dp_format_offered(const char *cmd, dp_format f, unsigned allowed)
{
	char list[64];

	if ((allowed >> f) & 1u)
		return 0;
	format_list(allowed, list, sizeof(list));
	dp_errorf("%s: --format %s is not offered here; %s writes %s", cmd,
		  (size_t)f < N_FORMATS ? format_names[f] : "?", cmd, list);
	return -1;
}

size_t dp_resolvers_effective(const dp_global *g, const char ***out)
{
	const char **list;

	*out = NULL;
	if (g->n_resolvers > 0) {
		list = malloc(g->n_resolvers * sizeof(*list));
		if (list == NULL)
			return 0;
		memcpy(list, g->resolvers, g->n_resolvers * sizeof(*list));
		*out = list;
		return g->n_resolvers;
	}
	if (g->rsrc != NULL) {   /* --resolvers-from, or resolv.conf without a config */
		list = malloc(g->rsrc->n * sizeof(*list));
		if (list == NULL)
			return 0;
		for (size_t i = 0; i < g->rsrc->n; i++)
			list[i] = g->rsrc->servers[i].address;
		*out = list;
		return g->rsrc->n;
	}
	if (g->cfg != NULL && g->cfg->n_resolvers > 0) {
		size_t n = g->cfg->n_resolvers;
		size_t *idx = malloc(n * sizeof(*idx));

		list = malloc(n * sizeof(*list));
		if (list == NULL || idx == NULL) {
			free(list);
			free(idx);
			return 0;
		}
		/* lowest priority value first; a stable insertion sort keeps
		 * the file order between equal priorities */
		for (size_t i = 0; i < n; i++) {
			size_t j = i;
			while (j > 0 && g->cfg->resolvers[idx[j - 1]].priority > g->cfg->resolvers[i].priority) {
				idx[j] = idx[j - 1];
				j--;
			}
			idx[j] = i;
		}
		for (size_t i = 0; i < n; i++)
			list[i] = g->cfg->resolvers[idx[i]].address;
		free(idx);
		*out = list;
		return n;
	}
	return 0;
}

int dp_resolver_first(const dp_global *g, const char *cmd, dp_addr *out)
{
	const char **list = NULL;
	int rc = 0;

	if (dp_resolvers_effective(g, &list) == 0) {
		dp_errorf("%s: no resolver (use --resolver, the config or /etc/resolv.conf)", cmd);
		rc = -1;
	} else {
		char why[512];

		if (dp_addr_parse_why(list[0], out, why, sizeof why) != DP_OK) {
			dp_errorf("%s: %s", cmd, why);
			rc = -1;
		}
	}
	free(list);
	return rc;
}
