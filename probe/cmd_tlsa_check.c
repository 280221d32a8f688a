/* cmd_tlsa_check.c - `daneprobe tlsa-check` (placeholder until its issue lands). */
#include <stdio.h>
#include "cli.h"

int cmd_tlsa_check(dp_global *g, int argc, char **argv)
{
	(void)g; (void)argc; (void)argv;
	dp_errorf("'tlsa-check' is not available yet in this build");
	return DP_EXIT_UNKNOWN;
}
