/*
 * report_prom.h - the Prometheus metrics of `probe` (dp_probe_prom in
 * report_probe.h), `anchor` and `check`.
 */
#ifndef DP_REPORT_PROM_H
#define DP_REPORT_PROM_H

#include <stdint.h>
#include <jansson.h>
#include "probe/battery/battery.h"
#include "probe/report/prom.h"

/* daneprobe_anchor_status (from the status word), one
 * daneprobe_anchor_key_state series per key of trust_points (an array
 * of {"trust_point","keys":[{"tag","algorithm","state"}]}) and
 * daneprobe_anchor_keys_valid. */
void dp_anchor_prom(dp_prom *p, const char *status, const json_t *trust_points);

typedef struct dp_check_prom_in {
	int status;                     /* the exit code */
	size_t problems[4];             /* by severity (index 1..3) */
	int64_t now, elapsed_ms;
	const json_t *anchors;          /* {"status","trust_points":[...]} */
	const dp_resolver_result *res;
	size_t n;
	int has_order, order_changed;
	const json_t *verify;           /* array of `verify` objects */
} dp_check_prom_in;

/* Everything `check` exports. */
void dp_check_prom(dp_prom *p, const dp_check_prom_in *in);

#endif
