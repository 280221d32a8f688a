/*
 * cmd_check_config.c - `daneprobe check-config [-c FILE]`: load the
 * configuration as every command would and say whether it is usable,
 * before a deploy (as `postfix check` and `unbound-checkconf` do).
 *
 * Output: "FILE: ok" on stdout and exit 0, or "FILE:LINE:COL: message" on
 * stderr and exit 3.  Unlike the other commands, a missing default file is
 * an error here: asking to check a file that is not there is a mistake.
 * main.c leaves the loading to this command for that reason.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "probe/cli/cli.h"
#include "probe/util/builtin.h"
#include "validator/anchors.h"

static void check_config_usage(FILE *f)
{
	fprintf(f,
		"usage: daneprobe check-config [-c FILE]\n"
		"\n"
		"Load the configuration (default " DP_DEFAULT_CONFIG ") as every\n"
		"command would, and the fixed trust anchors it names (anchors.file).\n"
		"Prints \"FILE: ok\", or \"FILE:LINE:COL: message\" for the first error.\n"
		"\n"
		"  -h, --help   this help\n"
		"\n"
		"Exit status: 0 the configuration is usable, 3 it is not (or bad usage).\n");
}

/* anchors.file must load too: a run would stop on it.  The error is put
 * at the position of the anchors.file value. */
static int check_anchors_file(const dp_config *cfg, char *err, size_t errlen)
{
	const dp_ynode *n = dp_config_get(cfg, "anchors.file");
	val_anchors *a = NULL;
	char why[512] = "";

	if (n == NULL || n->type != DP_YSCALAR)
		return DP_OK;
	if (val_anchors_load_file(n->value, &a, why, sizeof(why)) != DP_OK) {
		snprintf(err, errlen, "%s:%zu:%zu: anchors.file: %s", cfg->path, n->line, n->col,
			 why[0] ? why : "cannot load the trust anchors");
		return DP_ECONFIG;
	}
	val_anchors_free(a);
	return DP_OK;
}

int cmd_check_config(dp_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = g->config_path != NULL ? g->config_path : DP_DEFAULT_CONFIG;
	dp_config *cfg = NULL;
	char err[1024] = "";
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			check_config_usage(stdout);
			return DP_EXIT_OK;
		}
		check_config_usage(stderr);
		return DP_EXIT_UNKNOWN;
	}
	if (optind != argc) {
		check_config_usage(stderr);
		return DP_EXIT_UNKNOWN;
	}
	rc = dp_config_load(path, &cfg, err, sizeof(err));
	if (rc == DP_OK)
		rc = check_anchors_file(cfg, err, sizeof(err));
	dp_config_free(cfg);
	if (rc != DP_OK) {
		fprintf(stderr, "%s\n", err[0] ? err : path);
		return DP_EXIT_UNKNOWN;
	}
	printf("%s: ok\n", path);
	return DP_EXIT_OK;
}
