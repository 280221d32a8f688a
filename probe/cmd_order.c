/* cmd_order.c - `daneprobe order` (placeholder until its issue lands). */
#include <stdio.h>
#include "cli.h"

int cmd_order(dp_global *g, int argc, char **argv)
{
	(void)g; (void)argc; (void)argv;
	dp_errorf("'order' is not available yet in this build");
	return DP_EXIT_UNKNOWN;
}
