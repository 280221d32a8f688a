/* cmd_check.c - `daneprobe check` (placeholder until its issue lands). */
#include <stdio.h>
#include "cli.h"

int cmd_check(dp_global *g, int argc, char **argv)
{
	(void)g; (void)argc; (void)argv;
	dp_errorf("'check' is not available yet in this build");
	return DP_EXIT_UNKNOWN;
}
