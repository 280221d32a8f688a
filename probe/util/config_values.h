/*
 * config_values.h - the value checks of daneprobe.yaml, run at load
 * time so that a bad value is reported as FILE:LINE:COL when the file is
 * read, not later as a failure with no position (issue 17 finding 8).
 */
#ifndef DP_CONFIG_VALUES_H
#define DP_CONFIG_VALUES_H

#include <stddef.h>
#include "probe/util/config.h"

/* Check every value of cfg that config.c's structural checks do not:
 * domain names (dane.destinations, probe.names), paths, URLs, resolver
 * names.  0 when all are good; -1 with *bad the node at fault and why
 * the reason (without the position). */
int dp_config_check_values(const dp_config *cfg, const dp_ynode **bad, char *why, size_t whylen);

/* Why text is not a usable domain name ("" is, among others, refused),
 * or NULL when it is one: 1-253 characters (the root "." too), labels of
 * 1-63 printable non-space ASCII characters (RFC 1035 2.3.4). */
const char *dp_dname_problem(const char *text);

/* A whole number of days from 0 to DP_DAYS_MAX (the warning thresholds
 * of issue 13: command line and config alike).  0 and *out set, or -1. */
#define DP_DAYS_MAX 3650
int dp_days_parse(const char *s, int *out);

/* YAML 1.1's words: true/yes/on 1, false/no/off 0, anything else -1. */
int dp_bool_word(const char *s);

#endif
