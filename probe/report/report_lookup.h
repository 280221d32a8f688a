/*
 * report_lookup.h - how `daneprobe lookup` prints a validated lookup:
 * delv-like text for people, the stable JSON object for pipelines
 * (SPEC section 3: name, type, resolver, status, reason, ede, rcode,
 * records).
 */
#ifndef DP_REPORT_LOOKUP_H
#define DP_REPORT_LOOKUP_H

#include <stdio.h>
#include <jansson.h>
#include "validator/val.h"

/* The JSON object for r (new reference; NULL on ENOMEM). */
json_t *report_lookup_json(const val_result *r, const char *resolver);

/* Print r as text: the verdict line ("; fully validated", "; unsigned
 * answer", "; bogus: REASON", "; indeterminate: REASON") and the records. */
void report_lookup_text(FILE *out, const val_result *r, const char *resolver);

#endif
