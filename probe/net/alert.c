/*
 * alert.c - webhook on status change, and the state file that remembers
 * the last status.
 *
 * Failure policy: an alert that could not be delivered leaves the state
 * file as it was, so the change is still "new" on the next run and the
 * alert is tried again; nothing here ever blocks longer than
 * (retries + 1) * timeout plus the backoff.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <strings.h>
#include <curl/curl.h>
#include "probe/net/alert.h"
#include "probe/util/fileio.h"
#include "probe/util/strbuf.h"

/* ---- state ---- */

void dp_alert_state_read(const char *state_path, char *buf, size_t len)
{
	char *text = NULL, *p;
	size_t n;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (state_path == NULL || dp_read_file(state_path, &text, &n, NULL, 0) != DP_OK)
		return;
	/* One line "status=WORD"; anything else is treated as no state. */
	p = strstr(text, "status=");
	if (p != NULL && (p == text || p[-1] == '\n')) {
		p += 7;
		size_t k = 0;
		while (p[k] && islower((unsigned char)p[k]) && k + 1 < len)
			k++;
		if (k > 0 && (p[k] == '\n' || p[k] == '\0')) {
			memcpy(buf, p, k);
			buf[k] = '\0';
		}
	}
	free(text);
}

int dp_alert_state_write(const char *state_path, const char *status, char *err, size_t errlen)
{
	char text[128];
	int n = snprintf(text, sizeof(text),
			 "# daneprobe check: last status (alerts fire when it changes)\nstatus=%s\n", status);

	return dp_atomic_write(state_path, text, (size_t)n, 0, err, errlen);
}

int dp_alert_should_post(const char *previous, const char *current)
{
	if (previous == NULL || previous[0] == '\0')
		return strcmp(current, "ok") != 0;
	return strcmp(previous, current) != 0;
}

/* ---- webhook ---- */

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int dp_webhook_post(const char *url, const char *body, const dp_webhook_opts *o,
		    char *err, size_t errlen)
{
	int timeout = o && o->timeout_ms > 0 ? o->timeout_ms : 5000;
	int retries = o && o->retries >= 0 ? o->retries : 2;
	int backoff = o && o->backoff_ms > 0 ? o->backoff_ms : 500;
	struct curl_slist *hdr = NULL;
	int rc = DP_ENET;

	if (url == NULL || body == NULL)
		return DP_EINVAL;
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) {
		dp_errf(err, errlen, "webhook %s: only http:// and https:// URLs are allowed", url);
		return DP_EINVAL;
	}
	pthread_once(&curl_once, curl_init_once);
	hdr = curl_slist_append(NULL, "Content-Type: application/json");
	for (int attempt = 0; attempt <= retries; attempt++) {
		CURL *c = curl_easy_init();
		long status = 0;
		CURLcode cc;

		if (c == NULL) {
			rc = DP_ENOMEM;
			break;
		}
		if (attempt > 0)
			sleep_ms(backoff * attempt);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		curl_easy_setopt(c, CURLOPT_USERAGENT, "daneprobe");
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
		cc = curl_easy_perform(c);
		if (cc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(c);
		if (cc == CURLE_OK && status >= 200 && status < 300) {
			rc = DP_OK;
			break;
		}
		if (cc != CURLE_OK) {
			rc = cc == CURLE_OPERATION_TIMEDOUT ? DP_ETIMEOUT : DP_ENET;
			dp_errf(err, errlen, "webhook %s: %s (attempt %d of %d)", url,
			     curl_easy_strerror(cc), attempt + 1, retries + 1);
		} else {
			rc = DP_EPROTO;
			dp_errf(err, errlen, "webhook %s: HTTP status %ld (attempt %d of %d)", url,
			     status, attempt + 1, retries + 1);
			/* A 4xx will not get better by asking again. */
			if (status < 500)
				break;
		}
	}
	curl_slist_free_all(hdr);
	return rc;
}

int dp_alert_run(const char *state_path, const char *status, const char *url,
		 const char *body, const dp_webhook_opts *o, int *posted,
		 char *err, size_t errlen)
{
	char prev[32];
	int rc;

	if (posted != NULL)
		*posted = 0;
	dp_alert_state_read(state_path, prev, sizeof(prev));
	if (strcmp(prev, status) == 0)
		return DP_OK;
	if (url != NULL && dp_alert_should_post(prev, status)) {
		rc = dp_webhook_post(url, body, o, err, errlen);
		if (rc != DP_OK)
			return rc;
		if (posted != NULL)
			*posted = 1;
	}
	if (state_path == NULL)
		return DP_OK;
	return dp_alert_state_write(state_path, status, err, errlen);
}
