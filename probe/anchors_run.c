/*
 * anchors_run.c - which trust anchors a run uses.
 *
 * Order: --anchors FILE, then the config's anchors.file, then the built-in
 * root anchors shipped in configs/root-anchors.ds.  A file that cannot be
 * read is an error, never a silent fall back to "no anchors": without an
 * anchor every answer would look insecure.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "../validator/dp_err.h"

int dp_anchors_for_run(const dp_global *g, val_anchors **out, char *err, size_t errlen)
{
	char builtin[4096];
	const char *path = g->anchors_path;
	char why[512];
	int rc;

	if (path == NULL && g->cfg != NULL)
		path = dp_config_str(g->cfg, "anchors.file", NULL);
	if (path == NULL) {
		snprintf(builtin, sizeof(builtin), "%s/root-anchors.ds", g->datadir);
		path = builtin;
	}
	rc = val_anchors_load_file(path, out, why, sizeof(why));
	if (rc != DP_OK) {
		snprintf(err, errlen, "trust anchors %s: %s", path, why[0] ? why : dp_strerror(rc));
		return rc;
	}
	return DP_OK;
}
