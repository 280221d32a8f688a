/* cmd_lookup.c - `daneprobe lookup` (placeholder until its issue lands). */
#include <stdio.h>
#include "cli.h"

int cmd_lookup(dp_global *g, int argc, char **argv)
{
	(void)g; (void)argc; (void)argv;
	dp_errorf("'lookup' is not available yet in this build");
	return DP_EXIT_UNKNOWN;
}
