/*
 * civil.h - calendar arithmetic without the C library's time zone state,
 * shared by --now parsing (probe/util/clock.c), xsd:dateTime in
 * root-anchors.xml (validator/rootxml.c), and every ISO 8601 time that
 * daneprobe writes (one definition: dp_time_fmt).  No clock is read here:
 * times come in as arguments.
 */
#ifndef DP_CIVIL_H
#define DP_CIVIL_H

#include <stdint.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, m 1-12, d 1-31);
 * negative before 1970.  timegm() is not standard C and mktime() reads TZ. */
int64_t dp_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Whether y-mo-d h:mi:s is a real UTC instant from 1970 on: month
 * lengths, February 29 only in leap years, and s up to 60 (a leap
 * second, which ISO 8601 and xsd:dateTime allow).  1 or 0. */
int dp_civil_valid(int y, int mo, int d, int h, int mi, int s);

/* Format t as "2026-11-23T10:00:00Z" into buf (at least 21 bytes; "@t"
 * when the year does not fit).  Returns buf. */
const char *dp_time_fmt(int64_t t, char *buf, unsigned long len);

#endif
