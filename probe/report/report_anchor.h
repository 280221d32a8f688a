/*
 * report_anchor.h - `anchor status|refresh|bootstrap` output, and the
 * anchors object embedded in `check`.
 */
#ifndef DP_REPORT_ANCHOR_H
#define DP_REPORT_ANCHOR_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "validator/rfc5011.h"

typedef struct anchor_report {
	const rfc5011_tp *tp;
	int64_t now;
	rfc5011_health health;    /* from rfc5011_tp_health */
	int exit_code;            /* the command's exit code: "status" in every format */
	const char *why;          /* its sentence */
	const char *state_file;   /* the file used */
	int fell_back;            /* the built-in anchors were used instead */
	const char *source_note;  /* why (statefile_load's message) */
	const char *action;       /* "status", "refresh", "bootstrap" */
	const char *result;       /* refresh: "accepted", "refused", "no-answer",
				   * "revoked-only"; bootstrap: "bootstrapped";
				   * NULL for status */
	const char *detail;       /* what happened, or NULL */
	const char *resolver;     /* refresh: the resolver that answered, or NULL */
} anchor_report;

/* `anchor status|refresh|bootstrap` output in format fmt (a dp_format of
 * cli.h: 0 text for people, 1 JSON with the contract of SPEC section 3
 * plus status/reason/action keys, 2 Prometheus text exposition).  Every
 * format says the status word of r->exit_code, so what it says and how
 * the command exits agree.
 * Returns 0, or -1 when out of memory. */
int report_anchor(FILE *f, int fmt, const anchor_report *r);
/* The same JSON object, for embedding (`check`'s "anchors"); a new
 * reference, or NULL when out of memory. */
json_t *report_anchor_json(const anchor_report *r);

#endif
