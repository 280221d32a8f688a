/*
 * civil.h - calendar arithmetic without the C library's time zone state,
 * shared by --now parsing (probe/clock.c) and xsd:dateTime in
 * root-anchors.xml (validator/rootxml.c).
 */
#ifndef DP_CIVIL_H
#define DP_CIVIL_H

#include <stdint.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, m 1-12, d 1-31);
 * negative before 1970.  timegm() is not standard C and mktime() reads TZ. */
int64_t dp_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
