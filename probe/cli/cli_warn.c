/*
 * cli_warn.c - the warning thresholds of a run (issue 13): the config's
 * dane.cert_warn_days, dane.rrsig_warn_days and dane.warn_single_key,
 * overridden by the command line's --cert-warn-days and --rrsig-warn-days
 * (verify, tlsa-check).  The values were checked when the config was
 * loaded (config_values.c), so a bad one never reaches here.
 */
#include <string.h>
#include "probe/cli/cli.h"
#include "probe/dane/warn.h"
#include "probe/util/config_values.h"

/* Days as dane_warn_cfg wants them: 0 days turns the warning off (-1),
 * since 0 there means "the default". */
static int cli_warn_days(int d)
{
	return d == 0 ? -1 : d;
}

int dp_warn_days_opt(const char *cmd, const char *opt, const char *arg, int *out)
{
	int d;

	if (dp_days_parse(arg, &d) < 0) {
		dp_errorf("%s: %s wants a whole number of days from 0 (no warning) to %d, not '%s'",
			  cmd, opt, DP_DAYS_MAX, arg);
		return -1;
	}
	*out = cli_warn_days(d);
	return 0;
}

void dp_warn_cfg(const dp_global *g, const struct dane_warn_cfg *given, struct dane_warn_cfg *out)
{
	const char *s;
	int d;

	memset(out, 0, sizeof *out);
	if (g->cfg != NULL) {
		s = dp_config_str(g->cfg, "dane.cert_warn_days", NULL);
		if (s != NULL && dp_days_parse(s, &d) == 0)
			out->cert_days = cli_warn_days(d);
		s = dp_config_str(g->cfg, "dane.rrsig_warn_days", NULL);
		if (s != NULL && dp_days_parse(s, &d) == 0)
			out->rrsig_days = cli_warn_days(d);
		s = dp_config_str(g->cfg, "dane.warn_single_key", NULL);
		if (s != NULL && dp_bool_word(s) == 0)
			out->single_key = -1;
	}
	if (given != NULL && given->cert_days != 0)
		out->cert_days = given->cert_days;
	if (given != NULL && given->rrsig_days != 0)
		out->rrsig_days = given->rrsig_days;
}
