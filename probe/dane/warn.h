/*
 * warn.h - warnings about what will break DANE later, though it works
 * now (issue 13): a certificate about to expire, an RRSIG of the MX,
 * A, AAAA or TLSA records about to expire, and a TLSA set that matches
 * only the key in use, so that any change of that key breaks delivery
 * (RFC 7671 8.1: publish "current + next").
 *
 * Every comparison is against dp_now(), so --now moves it.  Warnings do
 * not change a verdict: they say what to do before it changes.
 */
#ifndef DP_WARN_H
#define DP_WARN_H

#include <stddef.h>
#include <stdint.h>
#include "probe/dane/certinfo.h"

#define DANE_WARN_CERT_DAYS 21     /* default certificate threshold */
#define DANE_WARN_RRSIG_DAYS 3     /* default RRSIG threshold */

typedef enum dane_warn_kind {
	DW_CERT_EXPIRY = 0,        /* "cert-expiry" */
	DW_RRSIG_EXPIRY,           /* "rrsig-expiry" */
	DW_TLSA_ONE_KEY            /* "tlsa-single-key" */
} dane_warn_kind;

/* Thresholds.  0 = the default; a negative value turns that warning off
 * (the command line's and the config's 0 days). */
typedef struct dane_warn_cfg {
	int cert_days;
	int rrsig_days;
	int single_key;            /* 0 on, negative off */
} dane_warn_cfg;

typedef struct dane_warning {
	dane_warn_kind kind;
	char subject[320];         /* the certificate, "name/TYPE", or the TLSA name */
	int64_t expires;           /* POSIX time, 0 for DW_TLSA_ONE_KEY */
	char text[700];            /* one sentence a person can act on */
} dane_warning;

typedef struct dane_warnings {
	dane_warning *w;           /* malloced */
	size_t n;
} dane_warnings;

void dane_warnings_free(dane_warnings *ws);

/* "cert-expiry", "rrsig-expiry", "tlsa-single-key" (JSON "kind"). */
const char *dane_warn_kind_str(dane_warn_kind k);

/* Threshold in seconds (<0: off) after applying the defaults. */
int64_t dane_warn_cert_secs(const dane_warn_cfg *cfg);
int64_t dane_warn_rrsig_secs(const dane_warn_cfg *cfg);

/* Each certificate of c that expires within the threshold of now (or has
 * expired).  where names the server ("127.25.0.1", or the file).
 * DP_OK or DP_ENOMEM. */
int dane_warn_certs(dane_warnings *ws, const dane_warn_cfg *cfg, const cert_chain *c,
		    const char *where, int64_t now);

/* The RRSIGs of name/type, whose last one expires at expires (0 =
 * unknown: nothing), within the threshold of now.  DP_OK or DP_ENOMEM. */
int dane_warn_rrsig(dane_warnings *ws, const dane_warn_cfg *cfg, const char *name,
		    const char *type, int64_t expires, int64_t now);

/* The TLSA set at tlsa_name covers only one key as seen from chain c
 * (certinfo_keys_covered == 1).  DP_OK or DP_ENOMEM. */
int dane_warn_one_key(dane_warnings *ws, const dane_warn_cfg *cfg, const cert_chain *c,
		      const char *tlsa_name);

#endif
