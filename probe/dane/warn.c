/*
 * warn.c - warnings about what will break DANE later (see warn.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/util/clock.h"
#include "probe/dane/warn.h"

#define DAY_SECS INT64_C(86400)

void dane_warnings_free(dane_warnings *ws)
{
	if (ws == NULL)
		return;
	free(ws->w);
	ws->w = NULL;
	ws->n = 0;
}

const char *dane_warn_kind_str(dane_warn_kind k)
{
	switch (k) {
	case DW_CERT_EXPIRY: return "cert-expiry";
	case DW_RRSIG_EXPIRY: return "rrsig-expiry";
	default: return "tlsa-single-key";
	}
}

static int64_t dane_warn_secs(int days, int def)
{
	if (days < 0)
		return -1;
	return (int64_t)(days == 0 ? def : days) * DAY_SECS;
}

int64_t dane_warn_cert_secs(const dane_warn_cfg *cfg)
{
	return dane_warn_secs(cfg != NULL ? cfg->cert_days : 0, DANE_WARN_CERT_DAYS);
}

int64_t dane_warn_rrsig_secs(const dane_warn_cfg *cfg)
{
	return dane_warn_secs(cfg != NULL ? cfg->rrsig_days : 0, DANE_WARN_RRSIG_DAYS);
}

/* Add one warning unless the same kind and subject is there already (a
 * dual-stack host presents its certificate twice). */
static int dane_warn_add(dane_warnings *ws, dane_warn_kind kind, const char *subject,
			 int64_t expires, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int dane_warn_add(dane_warnings *ws, dane_warn_kind kind, const char *subject,
			 int64_t expires, const char *fmt, ...)
{
	dane_warning *grown, *w;
	va_list ap;
	size_t i;

	for (i = 0; i < ws->n; i++)
		if (ws->w[i].kind == kind && strcmp(ws->w[i].subject, subject) == 0)
			return DP_OK;
	grown = realloc(ws->w, (ws->n + 1) * sizeof *grown);
	if (grown == NULL)
		return DP_ENOMEM;
	ws->w = grown;
	w = &ws->w[ws->n++];
	memset(w, 0, sizeof *w);
	w->kind = kind;
	w->expires = expires;
	snprintf(w->subject, sizeof w->subject, "%s", subject);
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof w->text, fmt, ap);
	va_end(ap);
	return DP_OK;
}

/* "in 5 days" / "in 7 hours" / "3 days ago": whole days when there are
 * any, so a threshold in days reads the same as the message. */
static void dane_warn_when(int64_t t, int64_t now, char *buf, size_t len)
{
	int64_t d = t - now, a = d < 0 ? -d : d;

	if (a >= DAY_SECS)
		snprintf(buf, len, d < 0 ? "%lld day(s) ago" : "in %lld day(s)",
			 (long long)(a / DAY_SECS));
	else
		snprintf(buf, len, d < 0 ? "%lld hour(s) ago" : "in %lld hour(s)",
			 (long long)(a / 3600));
}

int dane_warn_certs(dane_warnings *ws, const dane_warn_cfg *cfg, const cert_chain *c,
		    const char *where, int64_t now)
{
	int64_t lim = dane_warn_cert_secs(cfg);
	size_t i;

	for (i = 0; lim >= 0 && c != NULL && i < c->n; i++) {
		const cert_info *ci = &c->certs[i];
		char when[40], at[32], subj[320];
		int rc;

		if (ci->not_after == 0 || ci->not_after - now > lim)
			continue;
		dane_warn_when(ci->not_after, now, when, sizeof when);
		dp_time_fmt(ci->not_after, at, sizeof at);
		snprintf(subj, sizeof subj, "%s (sha256 %.16s...)", ci->subject, ci->sha256);
		rc = dane_warn_add(ws, DW_CERT_EXPIRY, subj, ci->not_after,
				   "certificate %s (depth %d) of %s %s %s (%s; warning at %lld days): renew it%s",
				   ci->subject, ci->depth, where,
				   ci->not_after < now ? "expired at" : "expires at", at, when,
				   (long long)(lim / DAY_SECS),
				   ci->depth == 0 ? " and publish the new key's TLSA record first (RFC 7671 8.1)" : "");
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}

int dane_warn_rrsig(dane_warnings *ws, const dane_warn_cfg *cfg, const char *name,
		    const char *type, int64_t expires, int64_t now)
{
	int64_t lim = dane_warn_rrsig_secs(cfg);
	char when[40], at[32], subj[320];

	if (lim < 0 || expires == 0 || expires - now > lim)
		return DP_OK;
	dane_warn_when(expires, now, when, sizeof when);
	dp_time_fmt(expires, at, sizeof at);
	snprintf(subj, sizeof subj, "%s/%s", name, type);
	/* RFC 4035 5.3.1: past its expiration a signature does not
	 * validate, and the RRset turns Bogus: DANE Fail for its domains. */
	return dane_warn_add(ws, DW_RRSIG_EXPIRY, subj, expires,
			     "the RRSIG of %s/%s %s %s (%s; warning at %lld days): re-sign the zone, or it turns bogus",
			     name, type, expires < now ? "expired at" : "expires at", at, when,
			     (long long)(lim / DAY_SECS));
}

int dane_warn_one_key(dane_warnings *ws, const dane_warn_cfg *cfg, const cert_chain *c,
		      const char *tlsa_name)
{
	const cert_info *ci = NULL;
	size_t i;

	if ((cfg != NULL && cfg->single_key < 0) || c == NULL || certinfo_keys_covered(c) != 1)
		return DP_OK;
	for (i = 0; i < c->n && ci == NULL; i++)
		if (c->certs[i].matched_by >= 0)
			ci = &c->certs[i];
	if (ci == NULL)
		return DP_OK;   /* only records for other keys: no match at all */
	return dane_warn_add(ws, DW_TLSA_ONE_KEY, tlsa_name, 0,
			     "the TLSA records at %s match only the current key (%s, depth %d): publish the next key's record beside them before that key changes (RFC 7671 8.1, \"current + next\")",
			     tlsa_name, ci->subject, ci->depth);
}
