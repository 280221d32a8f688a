/*
 * alert.h - alerting for `check`: a webhook POST when the status changes
 * (never on every run), a small state file that remembers the last
 * status.
 */
#ifndef DP_ALERT_H
#define DP_ALERT_H

#include <stddef.h>
#include "validator/dp_err.h"

/* The last status recorded in state_path into buf ("ok", "warning",
 * ...); "" when there is no state yet or it is unreadable (a corrupt
 * state file counts as "no state": the next change alerts). */
void dp_alert_state_read(const char *state_path, char *buf, size_t len);
/* Record status in state_path (atomically).  DP_OK or DP_EIO with err. */
int dp_alert_state_write(const char *state_path, const char *status, char *err, size_t errlen);

/* Whether to alert: the status differs from the last one recorded; with
 * no state yet, only a status other than "ok" alerts (a fresh install
 * that is healthy is not news). */
int dp_alert_should_post(const char *previous, const char *current);

typedef struct dp_webhook_opts {
	int timeout_ms;     /* per attempt; 0 = 5000 */
	int retries;        /* extra attempts after the first; <0 = 2 */
	int backoff_ms;     /* wait before retry k is k*backoff_ms; 0 = 500 */
} dp_webhook_opts;

/* POST body (JSON) to url with libcurl: http and https only, no
 * redirects, a 2xx status is success; network errors and 5xx are
 * retried.  DP_OK, or DP_ENET / DP_ETIMEOUT / DP_EPROTO with err. */
int dp_webhook_post(const char *url, const char *body, const dp_webhook_opts *o,
		    char *err, size_t errlen);

/* The whole step: read the state, POST when should_post, and record the
 * new status only when nothing needed posting or the POST succeeded (so
 * a failed alert is retried on the next run).  url may be NULL (state
 * only).  *posted (may be NULL) says whether a POST was delivered. */
int dp_alert_run(const char *state_path, const char *status, const char *url,
		 const char *body, const dp_webhook_opts *o, int *posted,
		 char *err, size_t errlen);

#endif
