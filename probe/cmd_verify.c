/* cmd_verify.c - `daneprobe verify` (placeholder until its issue lands). */
#include <stdio.h>
#include "cli.h"

int cmd_verify(dp_global *g, int argc, char **argv)
{
	(void)g; (void)argc; (void)argv;
	dp_errorf("'verify' is not available yet in this build");
	return DP_EXIT_UNKNOWN;
}
