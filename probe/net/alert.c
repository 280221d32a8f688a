/*
 * alert.c - webhook when the problems change, and the state file that
 * remembers the last status and problems.
 *
 * Failure policy: the state is recorded before anything is posted.  A
 * state that cannot be recorded means no POST at all (every later run
 * would otherwise see "new" problems and post again: an alert storm); the
 * caller reports it in the status instead.  An alert that could not be
 * delivered puts the old state back, so the change is still "new" on the
 * next run and is tried again.  Nothing here blocks longer than
 * (retries + 1) * timeout plus the backoff (at most 5 retries).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "probe/net/curl_dl.h"
#include "probe/net/alert.h"
#include "probe/util/fileio.h"
#include "probe/util/strbuf.h"

#define ALERT_MAX_RETRIES 5
#define ALERT_MAX_BACKOFF_MS 10000

/* ---- the set ---- */

void dp_alert_set_clear(dp_alert_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].id);
		free(s->items[i].reason);
	}
	free(s->items);
	s->items = NULL;
	s->n = 0;
}

static char *flat_dup(const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	for (char *p = d; p != NULL && *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return d;
}

int dp_alert_set_add(dp_alert_set *s, const char *id, const char *reason)
{
	dp_alert_item *n = realloc(s->items, (s->n + 1) * sizeof(*n));

	if (n == NULL)
		return DP_ENOMEM;
	s->items = n;
	n[s->n].id = flat_dup(id);
	n[s->n].reason = flat_dup(reason);
	if (n[s->n].id == NULL || n[s->n].reason == NULL) {
		free(n[s->n].id);
		free(n[s->n].reason);
		return DP_ENOMEM;
	}
	s->n++;
	return DP_OK;
}

int dp_alert_set_has(const dp_alert_set *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->items[i].id, id) == 0)
			return 1;
	return 0;
}

/* ---- state file ---- */

/* "status=WORD": a lower-case word alone on the line. */
static int parse_status(const char *line, char *buf, size_t len)
{
	size_t k = 0;

	if (strncmp(line, "status=", 7) != 0)
		return -1;
	line += 7;
	while (line[k] && islower((unsigned char)line[k]))
		k++;
	if (k == 0 || k >= len || line[k] != '\0')
		return -1;
	memcpy(buf, line, k);
	buf[k] = '\0';
	return 0;
}

/* Lines: comments, one "status=WORD", then "problem=ID<TAB>REASON". */
static int parse_state(char *text, dp_alert_set *out)
{
	char *save = NULL;
	int have_status = 0;

	for (char *l = strtok_r(text, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char *tab;

		if (l[0] == '#')
			continue;
		if (parse_status(l, out->status, sizeof(out->status)) == 0) {
			have_status = 1;
			continue;
		}
		if (strncmp(l, "problem=", 8) != 0 || (tab = strchr(l + 8, '\t')) == NULL)
			return -1;
		*tab = '\0';
		if (dp_alert_set_add(out, l + 8, tab + 1) != DP_OK)
			return DP_ENOMEM;
	}
	return have_status ? 0 : -1;
}

int dp_alert_state_load(const char *state_path, dp_alert_set *out)
{
	char *text = NULL;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (state_path == NULL || dp_read_file(state_path, &text, &n, NULL, 0) != DP_OK)
		return DP_OK;
	rc = parse_state(text, out);
	free(text);
	if (rc == DP_ENOMEM) {
		dp_alert_set_clear(out);
		return DP_ENOMEM;
	}
	if (rc != 0) {
		/* A corrupt state counts as none: the next change alerts. */
		dp_alert_set_clear(out);
		memset(out, 0, sizeof(*out));
		return DP_OK;
	}
	out->present = 1;
	return DP_OK;
}

/* mkdir -p of the directory that holds path. */
static int make_parent_dirs(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		dp_errf(err, errlen, "%s: path too long", path);
		return DP_EIO;
	}
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return DP_OK;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			dp_errf(err, errlen, "cannot create the state directory %s: %s", dir, strerror(errno));
			return DP_EIO;
		}
		*p = c;
		if (c == '\0')
			return DP_OK;
	}
}

int dp_alert_state_save(const char *state_path, const dp_alert_set *s, char *err, size_t errlen)
{
	dp_sbuf b;
	int rc;

	if ((rc = make_parent_dirs(state_path, err, errlen)) != DP_OK)
		return rc;
	memset(&b, 0, sizeof(b));
	dp_sbuf_printf(&b, "# daneprobe check: last status and problems (the webhook fires when they change)\n"
		     "status=%s\n", s->status);
	for (size_t i = 0; i < s->n; i++)
		dp_sbuf_printf(&b, "problem=%s\t%s\n", s->items[i].id, s->items[i].reason);
	if (b.failed) {
		dp_sbuf_clear(&b);
		return DP_ENOMEM;
	}
	rc = dp_atomic_write(state_path, b.p, b.len, 0, err, errlen);
	dp_sbuf_clear(&b);
	return rc == DP_OK ? DP_OK : DP_EIO;
}

int dp_alert_should_post(const dp_alert_set *prev, const dp_alert_set *cur)
{
	if (prev == NULL || !prev->present)
		return strcmp(cur->status, "ok") != 0;
	if (strcmp(prev->status, cur->status) != 0 || prev->n != cur->n)
		return 1;
	for (size_t i = 0; i < cur->n; i++)
		if (!dp_alert_set_has(prev, cur->items[i].id))
			return 1;
	return 0;
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

/* One attempt: DP_OK on a 2xx; *http gets the status (0: no answer). */
static int post_once(const char *url, const char *body, struct curl_slist *hdr, int timeout,
		     long *http, CURLcode *cc)
{
	CURL *c = curl_easy_init();

	*http = 0;
	if (c == NULL)
		return DP_ENOMEM;
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
	*cc = curl_easy_perform(c);
	if (*cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, http);
	curl_easy_cleanup(c);
	if (*cc != CURLE_OK)
		return *cc == CURLE_OPERATION_TIMEDOUT ? DP_ETIMEOUT : DP_ENET;
	return *http >= 200 && *http < 300 ? DP_OK : DP_EPROTO;
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
	retries = retries > ALERT_MAX_RETRIES ? ALERT_MAX_RETRIES : retries;
	pthread_once(&curl_once, curl_init_once);
	hdr = curl_slist_append(NULL, "Content-Type: application/json");
	if (hdr != NULL && o != NULL && o->header != NULL)
		hdr = curl_slist_append(hdr, o->header);
	for (int attempt = 0; attempt <= retries; attempt++) {
		long http;
		CURLcode cc = CURLE_OK;

		if (attempt > 0) {
			long wait = (long)backoff << (attempt - 1);
			sleep_ms(wait > ALERT_MAX_BACKOFF_MS ? ALERT_MAX_BACKOFF_MS : (int)wait);
		}
		rc = post_once(url, body, hdr, timeout, &http, &cc);
		if (rc == DP_OK || rc == DP_ENOMEM)
			break;
		if (rc != DP_EPROTO) {
			dp_errf(err, errlen, "webhook %s: %s (attempt %d of %d)", url,
				curl_easy_strerror(cc), attempt + 1, retries + 1);
			continue;
		}
		dp_errf(err, errlen, "webhook %s: HTTP status %ld (attempt %d of %d)", url,
			http, attempt + 1, retries + 1);
		/* A 4xx will not get better by asking again. */
		if (http < 500)
			break;
	}
	curl_slist_free_all(hdr);
	return rc;
}

int dp_webhook_header_load(const char *path, char *buf, size_t len, char *err, size_t errlen)
{
	char *text = NULL, *colon;
	size_t n;

	if (dp_read_file(path, &text, &n, err, errlen) != DP_OK)
		return DP_EIO;
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	/* RFC 9110 5.1/5.5: a token, a colon, a value without CR, LF or NUL.
	 * Anything else could smuggle a second header or request. */
	colon = strchr(text, ':');
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\t')
			colon = NULL;
	if (colon == NULL || colon == text || n >= len || strlen(text) != n) {
		dp_errf(err, errlen, "%s: want one line 'Name: value' (e.g. 'Authorization: Bearer TOKEN')", path);
		free(text);
		return DP_EINVAL;
	}
	for (const char *p = text; p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
			dp_errf(err, errlen, "%s: '%.*s' is not a header name", path, (int)(colon - text), text);
			free(text);
			return DP_EINVAL;
		}
	memcpy(buf, text, n + 1);
	free(text);
	return DP_OK;
}

/* Put the previous state back after a failed POST (none: no file). */
static void state_restore(const char *state_path, const dp_alert_set *prev)
{
	char err[256];

	if (prev != NULL && prev->present)
		dp_alert_state_save(state_path, prev, err, sizeof(err));
	else
		unlink(state_path);
}

int dp_alert_run(const char *state_path, const dp_alert_set *prev, const dp_alert_set *cur,
		 const char *url, const char *body, const dp_webhook_opts *o,
		 dp_alert_outcome *out, char *err, size_t errlen)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (state_path != NULL && (rc = dp_alert_state_save(state_path, cur, err, errlen)) != DP_OK) {
		out->state_failed = 1;
		return rc;
	}
	if (url == NULL || !dp_alert_should_post(prev, cur))
		return DP_OK;
	rc = dp_webhook_post(url, body, o, err, errlen);
	if (rc != DP_OK) {
		out->post_failed = 1;
		if (state_path != NULL)
			state_restore(state_path, prev);
		return rc;
	}
	out->posted = 1;
	return DP_OK;
}
