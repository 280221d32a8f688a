/* test_clock.c - --now parsing and the single time source. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "probe/util/clock.h"
#include "validator/dnssec_int.h"

static const struct { const char *in; int64_t want; } good[] = {
	{ "@0", 0 },
	{ "@1790000000", 1790000000 },
	{ "1970-01-01", 0 },
	{ "2026-10-11", 1791676800 },
	{ "2026-11-23T10:00:00Z", 1795428000 },
	{ "2026-11-23 10:00:00", 1795428000 },
	{ "20261123100000", 1795428000 },
	{ "2024-02-29T23:59:59Z", 1709251199 },
	{ "2100-03-01", 4107542400 },
	{ "@253402300799", DP_TIME_MAX },
	{ "9999-12-31T23:59:59Z", DP_TIME_MAX },
};
static const char *const bad[] = {
	"", "now", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-23T25:00:00Z",
	"2026-11-23T10:00:00+01:00", "@-5", "@12x", "1969-12-31", "2026-11-23T10:00",
	/* issue 17 finding 5: taken as INT64_MAX (strtoll clamps) before */
	"@99999999999999999999", "@9223372036854775807", "@253402300800", "@", "@ 5", "@+5",
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t t = -1;
		if (dp_time_parse(good[i].in, &t) != 0 || t != good[i].want)
			fail_msg("'%s' -> %lld, wanted %lld", good[i].in, (long long)t, (long long)good[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t t;
		if (dp_time_parse(bad[i], &t) == 0)
			fail_msg("'%s' accepted as %lld", bad[i], (long long)t);
	}
}

static void test_override_and_format(void **state)
{
	char buf[32];

	(void)state;
	assert_true(dp_now() > 1700000000);
	dp_clock_set(1795428000);
	assert_int_equal(dp_now(), 1795428000);
	assert_string_equal(dp_time_fmt(dp_now(), buf, sizeof(buf)), "2026-11-23T10:00:00Z");
}

/* RFC 1982 serial arithmetic at the ends of int64_t saturates: it
 * overflowed (UBSan: signed overflow) for now near INT64_MAX before. */
static void test_serial_saturates(void **state)
{
	(void)state;
	assert_int_equal(val_serial_abs(1795428000u, 1795428000), 1795428000);
	assert_int_equal(val_serial_abs(5u, INT64_C(4294967296) + 1), INT64_C(4294967296) + 5);
	assert_true(val_serial_abs(4u, INT64_MAX) == INT64_MAX);
	assert_true(val_serial_abs(0xfffffffbu, INT64_MIN) == INT64_MIN);
	assert_true(val_serial_abs(0u, INT64_MAX - 5) == INT64_MAX);
}

/* The one calendar check and ISO formatter (validator/civil.c) that
 * --now, root-anchors.xml, the state file and RRSIG reasons share. */
static void test_civil(void **state)
{
	char buf[32];

	(void)state;
	assert_true(dp_civil_valid(2024, 2, 29, 23, 59, 60));
	assert_true(dp_civil_valid(2000, 2, 29, 0, 0, 0));
	assert_false(dp_civil_valid(1900 + 200, 2, 29, 0, 0, 0));   /* 2100: not leap */
	assert_false(dp_civil_valid(2025, 2, 29, 0, 0, 0));
	assert_false(dp_civil_valid(2026, 4, 31, 0, 0, 0));
	assert_false(dp_civil_valid(1969, 12, 31, 23, 59, 59));
	assert_false(dp_civil_valid(2026, 0, 1, 0, 0, 0));
	assert_false(dp_civil_valid(2026, 13, 1, 0, 0, 0));
	assert_false(dp_civil_valid(2026, 1, 0, 0, 0, 0));
	assert_false(dp_civil_valid(2026, 1, 1, 24, 0, 0));
	assert_false(dp_civil_valid(2026, 1, 1, 0, 60, 0));
	assert_false(dp_civil_valid(2026, 1, 1, 0, 0, 61));
	assert_false(dp_civil_valid(2026, 1, 1, -1, 0, 0));
	assert_string_equal(dp_time_fmt(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
	assert_string_equal(dp_time_fmt(1709251199, buf, sizeof(buf)), "2024-02-29T23:59:59Z");
	assert_string_equal(dp_time_fmt(DP_TIME_MAX, buf, sizeof(buf)), "9999-12-31T23:59:59Z");
	/* a year gmtime cannot hold: the number, marked */
	assert_string_equal(dp_time_fmt(INT64_MAX, buf, sizeof(buf)), "@9223372036854775807");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_override_and_format),
		cmocka_unit_test(test_serial_saturates),
		cmocka_unit_test(test_civil),
	};
	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
