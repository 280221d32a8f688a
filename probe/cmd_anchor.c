/* cmd_anchor.c - `daneprobe anchor` (placeholder until its issue lands). */
#include <stdio.h>
#include "cli.h"

int cmd_anchor(dp_global *g, int argc, char **argv)
{
	(void)g; (void)argc; (void)argv;
	dp_errorf("'anchor' is not available yet in this build");
	return DP_EXIT_UNKNOWN;
}
