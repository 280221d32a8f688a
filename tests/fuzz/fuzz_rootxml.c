/*
 * fuzz_rootxml.c - libFuzzer target for the root-anchors.xml parser
 * (validator/rootxml.c, expat).  The time is taken from the input's first
 * byte so that the validity-window paths are reached too.
 */
#include <stdint.h>
#include <stdlib.h>
#include "validator/rootxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ldns_rr_list *ds = NULL;
	rootxml_stats st;
	char err[256];
	int64_t now = 1795392000;   /* 2026-11-23 */

	if (size > 0) {
		now += ((int64_t)data[0] - 128) * 86400 * 60;
		data++;
		size--;
	}
	if (rootxml_parse((const char *)data, size, now, &ds, &st, err, sizeof(err)) == DP_OK) {
		if (ldns_rr_list_rr_count(ds) == 0 || st.used != ldns_rr_list_rr_count(ds))
			abort();
		ldns_rr_list_deep_free(ds);
	}
	return 0;
}
