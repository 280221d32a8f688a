/*
 * alert.h - alerting for `check`: a webhook POST when the set of problems
 * changes (never on every run), and a small state file that remembers the
 * last status and problems.
 */
#ifndef DP_ALERT_H
#define DP_ALERT_H

#include <stddef.h>
#include "validator/dp_err.h"

/* One problem as the alert sees it: a stable identity ("resolver
 * 127.53.1.4 not-dane-safe") and the reason a person reads. */
typedef struct dp_alert_item {
	char *id;                 /* malloced; no tab or newline */
	char *reason;             /* malloced; no tab or newline */
} dp_alert_item;

/* The status and problems of one run. */
typedef struct dp_alert_set {
	char status[16];          /* "ok", "warning", "critical", "unknown" */
	dp_alert_item *items;     /* malloced */
	size_t n;
	int present;              /* loaded from a state file that exists */
} dp_alert_set;

void dp_alert_set_clear(dp_alert_set *s);
/* Add a copy of id and reason (tabs and newlines become spaces).  DP_OK
 * or DP_ENOMEM. */
int dp_alert_set_add(dp_alert_set *s, const char *id, const char *reason);
/* Whether set s has an item with this id. */
int dp_alert_set_has(const dp_alert_set *s, const char *id);

/* The set recorded in state_path; no file, an unreadable or a corrupt
 * one gives an empty set with present = 0 (the next change alerts).
 * DP_OK or DP_ENOMEM. */
int dp_alert_state_load(const char *state_path, dp_alert_set *out);
/* Record s in state_path atomically, creating its directory (and
 * parents) when missing.  DP_OK, or DP_EIO with err. */
int dp_alert_state_save(const char *state_path, const dp_alert_set *s, char *err, size_t errlen);

/* Whether to alert: the status or the set of problem ids differs from
 * the last one recorded; with no state yet, only a status other than
 * "ok" alerts (a fresh install that is healthy is not news). */
int dp_alert_should_post(const dp_alert_set *prev, const dp_alert_set *cur);

typedef struct dp_webhook_opts {
	int timeout_ms;     /* per attempt; 0 = 5000 */
	int retries;        /* extra attempts after the first; <0 = 2; at most 5 */
	int backoff_ms;     /* wait before retry k is backoff_ms * 2^(k-1), at most 10 s; 0 = 500 */
	const char *header; /* one extra "Name: value" header (a bearer token), or NULL */
} dp_webhook_opts;

/* POST body (JSON) to url with libcurl: http and https only, no
 * redirects, a 2xx status is success; network errors and 5xx are
 * retried.  DP_OK, or DP_ENET / DP_ETIMEOUT / DP_EPROTO / DP_EINVAL
 * with err (which never contains the header: it may hold a secret). */
int dp_webhook_post(const char *url, const char *body, const dp_webhook_opts *o,
		    char *err, size_t errlen);

/* Read the one header line of path ("Authorization: Bearer ...") into
 * buf: a single "Name: value" line, no control characters.  DP_OK, or
 * DP_EIO / DP_EINVAL with err. */
int dp_webhook_header_load(const char *path, char *buf, size_t len, char *err, size_t errlen);

typedef struct dp_alert_outcome {
	int posted;         /* a POST was delivered */
	int state_failed;   /* the state could not be recorded: nothing was posted */
	int post_failed;    /* the POST failed: the old state was put back */
} dp_alert_outcome;

/* The whole step: record cur first; when that fails, post nothing (with
 * no memory of this run every later run would post again: an alert
 * storm).  Then POST body when should_post(prev, cur); when the POST
 * fails, put prev back so the next run tries again.  url may be NULL
 * (state only).  DP_OK, or an error with err and *out saying which. */
int dp_alert_run(const char *state_path, const dp_alert_set *prev, const dp_alert_set *cur,
		 const char *url, const char *body, const dp_webhook_opts *o,
		 dp_alert_outcome *out, char *err, size_t errlen);

#endif
