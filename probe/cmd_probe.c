/* cmd_probe.c - `daneprobe probe` (placeholder until its issue lands). */
#include <stdio.h>
#include "cli.h"

int cmd_probe(dp_global *g, int argc, char **argv)
{
	(void)g; (void)argc; (void)argv;
	dp_errorf("'probe' is not available yet in this build");
	return DP_EXIT_UNKNOWN;
}
