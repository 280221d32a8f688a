/*
 * prom.h - Prometheus text exposition format (0.0.4).
 */
#ifndef DP_PROM_H
#define DP_PROM_H

#include <stddef.h>
#include "validator/dp_err.h"

typedef struct dp_prom dp_prom;
int dp_prom_new(dp_prom **out);
void dp_prom_free(dp_prom *p);
/* Declare a metric family (# HELP / # TYPE gauge) once, before samples. */
void dp_prom_family(dp_prom *p, const char *name, const char *help);
/* One sample: labels as alternating key, value strings (n_pairs pairs);
 * values are escaped (backslash, double quote, newline). */
void dp_prom_sample(dp_prom *p, const char *name, const char *const *labels,
		    size_t n_pairs, double value);
/* The text so far (borrowed); NULL after an allocation failure. */
const char *dp_prom_text(const dp_prom *p, size_t *len);
/* Write the text atomically to path (for node_exporter's textfile
 * collector, which must never read a half-written file). */
int dp_prom_write(const dp_prom *p, const char *path, char *err, size_t errlen);

#endif
