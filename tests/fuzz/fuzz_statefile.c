/*
 * fuzz_statefile.c - libFuzzer target for the RFC 5011 state file parser
 * (validator/statefile.c).  Anything it accepts must format again and
 * parse back to the same text (the parser and the writer agree).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "validator/statefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rfc5011_tp *tp = NULL, *back = NULL;
	char err[256], *t1 = NULL, *t2 = NULL;
	size_t l1 = 0, l2 = 0;

	if (statefile_parse((const char *)data, size, &tp, err, sizeof(err)) != DP_OK)
		return 0;
	if (statefile_format(tp, 0, &t1, &l1) == DP_OK &&
	    statefile_parse(t1, l1, &back, err, sizeof(err)) == DP_OK &&
	    statefile_format(back, 0, &t2, &l2) == DP_OK &&
	    (l1 != l2 || memcmp(t1, t2, l1) != 0))
		abort();
	(void)rfc5011_tp_health(tp, err, sizeof(err));
	free(t1);
	free(t2);
	rfc5011_tp_free(back);
	rfc5011_tp_free(tp);
	return 0;
}
