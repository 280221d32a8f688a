/*
 * clock.h - the one place daneprobe reads the time.  --now TIME makes
 * every part of the program see that time instead (offline analysis,
 * tests), so nothing else may call time() or clock_gettime() for the wall
 * clock.  (Monotonic time for timeouts is dp_mono_ms.)
 */
#ifndef DP_CLOCK_H
#define DP_CLOCK_H

#include <stdint.h>
#include "validator/civil.h"

/* Seconds since the epoch: the --now override, or the system clock. */
int64_t dp_now(void);
/* Fix the time seen by dp_now (from --now). */
void dp_clock_set(int64_t t);
/* The last second dp_time_parse accepts: 9999-12-31T23:59:59Z. */
#define DP_TIME_MAX INT64_C(253402300799)

/* Parse "2026-11-23T10:00:00Z", "2026-11-23 10:00:00", "20261123100000",
 * "2026-11-23" or "@1790000000" (UTC), from 1970 to DP_TIME_MAX.  0 on success, -1 on
 * error (out of range included). */
int dp_time_parse(const char *s, int64_t *out);
/* dp_time_fmt, "2026-11-23T10:00:00Z", is validator/civil.h's. */
/* Monotonic milliseconds, for timeouts and round-trip times only. */
int64_t dp_mono_ms(void);

#endif
