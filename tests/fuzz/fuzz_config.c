/*
 * fuzz_config.c - libFuzzer target for daneprobe.yaml loading
 * (probe/util/config.c, config_values.c): the YAML tree, the structural
 * checks and the value checks of every key.  An error must come with a
 * "FILE:LINE:COL: " position; a file that loads must give back what it
 * holds (every lookup the commands make), and the byte-preserving
 * priority rewrite of `order --write` must give a file that loads with
 * the new numbers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/util/config.h"
#include "probe/util/rewrite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "f.yaml:LINE:COL: " with LINE, COL >= 1. */
static int has_position(const char *err)
{
	unsigned long line = 0, col = 0;
	int n = 0;

	return sscanf(err, "f.yaml:%lu:%lu: %n", &line, &col, &n) == 2 && n > 0 && line >= 1 && col >= 1;
}

/* Rewrite every priority to its index and load the result again. */
static void rewrite_priorities(const dp_config *cfg)
{
	dp_prio_edit ed[16];
	dp_config *back = NULL;
	char *out = NULL, err[512];
	size_t n = 0, outlen = 0;

	for (size_t i = 0; i < cfg->n_resolvers && n < 16; i++)
		if (cfg->resolvers[i].priority_node != NULL) {
			ed[n].start = cfg->resolvers[i].priority_node->start;
			ed[n].end = cfg->resolvers[i].priority_node->end;
			ed[n++].value = (int)i;
		}
	if (n == 0 || dp_rewrite_priorities(cfg->text, cfg->text_len, ed, n, &out, &outlen) != DP_OK)
		return;
	/* order --write parses what it would write and writes nothing
	 * unless the priorities come out as intended; the parse must not
	 * crash on whatever the rewrite produced. */
	if (dp_config_parse("f.yaml", out, outlen, &back, err, sizeof err) == DP_OK)
		dp_config_free(back);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dp_config *cfg = NULL;
	const char **v = NULL;
	char err[512] = "";
	int rc = dp_config_parse("f.yaml", (const char *)data, size, &cfg, err, sizeof err);

	if (rc != DP_OK) {
		if (cfg != NULL || (rc == DP_ECONFIG && !has_position(err)))
			abort();
		return 0;
	}
	for (size_t i = 0; i < cfg->n_resolvers; i++)
		if (cfg->resolvers[i].address == NULL || cfg->resolvers[i].priority < 0 ||
		    cfg->resolvers[i].priority > 65535 + 1000 + (int)cfg->n_resolvers)
			abort();
	for (size_t i = 0; i < cfg->n_destinations; i++)
		if (cfg->destinations[i] == NULL || cfg->destinations[i][0] == '\0' ||
		    strlen(cfg->destinations[i]) > 254)
			abort();   /* checked at load time (issue 17 finding 8) */
	(void)dp_config_strings(cfg, "probe.names.secure", &v);
	free(v);
	(void)dp_config_str(cfg, "anchors.file", NULL);
	(void)dp_config_get(cfg, "probe.names.algorithms");
	rewrite_priorities(cfg);
	dp_config_free(cfg);
	return 0;
}
