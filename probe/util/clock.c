/*
 * clock.c - the single wall-clock source (see clock.h).
 *
 * The override is written once by main() before any thread starts, so
 * plain variables are enough.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "probe/util/clock.h"
#include "validator/civil.h"

static int dp_clock_fixed;
static int64_t dp_clock_value;

int64_t dp_now(void)
{
	struct timespec ts;

	if (dp_clock_fixed)
		return dp_clock_value;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

void dp_clock_set(int64_t t)
{
	dp_clock_value = t;
	dp_clock_fixed = 1;
}

int64_t dp_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int dp_time_parse(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	char sep;

	if (s == NULL || *s == '\0')
		return -1;
	if (s[0] == '@') {
		char *end;
		long long v;

		/* The same range as the calendar forms (1970 to 9999): a
		 * larger number would be clamped by strtoll to INT64_MAX and
		 * then overflow the RFC 1982 serial arithmetic downstream. */
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno != 0 || end == s + 1 || *end != '\0' || s[1] == '-' || s[1] == '+' ||
		    s[1] == ' ' || v < 0 || v > DP_TIME_MAX)
			return -1;
		*out = (int64_t)v;
		return 0;
	}
	if (strlen(s) == 14 && strspn(s, "0123456789") == 14) {
		if (sscanf(s, "%4d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
			return -1;
	} else if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && s[n] == '\0') {
		/* date only: midnight UTC */
	} else if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &sec, &n) == 7
		   && (sep == 'T' || sep == ' ')
		   && (s[n] == '\0' || (s[n] == 'Z' && s[n + 1] == '\0'))) {
		/* full timestamp, UTC */
	} else {
		return -1;
	}
	if (y > 9999 || !dp_civil_valid(y, mo, d, h, mi, sec))
		return -1;
	*out = dp_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}
