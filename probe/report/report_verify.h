/*
 * report_verify.h - how `daneprobe verify` prints one domain: the
 * appliance's daneverify lines (SPEC section 7) followed by what daneprobe
 * adds (the outcome under Opportunistic and Mandatory, and for each
 * failure which record, which resolver, which step), or one JSON line
 * (SPEC section 3, "verify").
 */
#ifndef DP_REPORT_VERIFY_H
#define DP_REPORT_VERIFY_H

#include <stdio.h>
#include <jansson.h>
#include "probe/dane/dane.h"

/* The text report of r. */
void report_verify_text(FILE *out, const dane_result *r);

/* The JSON object of r (new reference; NULL on ENOMEM). */
json_t *report_verify_json(const dane_result *r);

#endif
