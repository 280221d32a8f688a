/*
 * anchors_run.c - which trust anchors a run uses.
 *
 * Order: --anchors FILE, then the config's anchors.file (fixed anchors, for
 * the lab and private DNSSEC trees), then the RFC 5011 state file
 * (dp_anchor_state_path), which itself falls back to the built-in root
 * anchors (compiled in from configs/root-anchors.ds) when it is missing,
 * truncated or corrupt.  Never an empty set: without an anchor every
 * answer would look insecure, and a gateway would deliver without DANE.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "probe/cli/cli.h"
#include "probe/util/clock.h"
#include "probe/anchor/bootstrap.h"
#include "probe/util/builtin.h"
#include "validator/dp_err.h"
#include "validator/statefile.h"

const char *dp_anchor_state_path(const dp_global *g, const char *opt)
{
	if (opt != NULL)
		return opt;
	if (g->cfg != NULL && g->cfg->anchors_state_file != NULL)
		return g->cfg->anchors_state_file;
	return ANCHOR_STATE_DEFAULT;
}

int dp_anchors_for_run(const dp_global *g, val_anchors **out, char *err, size_t errlen)
{
	char why[512];
	const char *path = g->anchors_path, *state;
	int rc, fell_back = 0;

	why[0] = '\0';
	if (path == NULL && g->cfg != NULL)
		path = dp_config_str(g->cfg, "anchors.file", NULL);
	if (path != NULL) {
		rc = val_anchors_load_file(path, out, why, sizeof(why));
		if (rc != DP_OK)
			snprintf(err, errlen, "trust anchors %s: %s", path, why[0] ? why : dp_strerror(rc));
		return rc;
	}
	state = dp_anchor_state_path(g, NULL);
	rc = statefile_load_anchors(state, dp_builtin_root_ds, dp_now(), out, &fell_back, why, sizeof(why));
	if (rc == DP_ENOTFOUND) {
		snprintf(err, errlen, "trust anchors %s: %s", state, why[0] ? why : "every key is revoked");
		return rc;
	}
	if (rc != DP_OK) {
		snprintf(err, errlen, "trust anchors: %s", why[0] ? why : dp_strerror(rc));
		return rc;
	}
	/* A state file that exists but cannot be used is worth a word: the
	 * run goes on with the built-in anchors, which may be out of date. */
	if (fell_back && access(state, F_OK) == 0)
		dp_errorf("warning: %s (using the built-in root anchors)", why);
	return DP_OK;
}
