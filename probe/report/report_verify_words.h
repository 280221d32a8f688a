/*
 * report_verify_words.h - what happens to the mail, in plain words, for
 * `verify`: the policy summary under the appliance's lines, the outcome
 * a bulk run counts, and the CSV rows for spreadsheets (issue 13).
 *
 * The verdict (JSON "verdict", the decision tables of SPEC section 7) is
 * not changed here: a null MX or an NXDOMAIN destination is "dane-fail"
 * in the tables' vocabulary, but it is not a DANE failure a mail team can
 * fix: the domain takes no mail.  A lookup that timed out is a temporary
 * failure: RFC 7672 2.1.1 and 2.2 defer the mail, and the next try may
 * deliver it.  The outcome names those apart.
 */
#ifndef DP_REPORT_VERIFY_WORDS_H
#define DP_REPORT_VERIFY_WORDS_H

#include <stdio.h>
#include "probe/dane/dane.h"

typedef enum rv_outcome {
	RV_SUCCESS = 0,   /* delivered over TLS authenticated by DANE */
	RV_FALLBACK,      /* delivered over TLS without DANE */
	RV_FAIL,          /* not delivered: queued until it bounces */
	RV_NO_MAIL,       /* the domain takes no mail (NXDOMAIN, null MX) */
	RV_DEFERRED,      /* a temporary failure: queued and retried */
	RV_ERROR,         /* daneprobe could not check it */
	RV_N
} rv_outcome;

/* The outcome of r under policy k. */
rv_outcome report_verify_outcome(const dane_result *r, pol_kind k);
/* "dane-success", "fallback-tls", "dane-fail", "no-mail", "deferred",
 * "error": the CSV and summary vocabulary. */
const char *report_outcome_name(rv_outcome o);

/* The lines under "DANE verification completed.": per policy what
 * happens to the mail, then each reason once, wrapped to the width
 * (report/textout.h); -v adds the resolver's time. */
void report_verify_policy_text(FILE *out, const dane_result *r, int verbose);

/* --quiet: one status line for the domain. */
void report_verify_status_line(FILE *out, const dane_result *r);

/* CSV (RFC 4180): the header, one row per domain, and the row of a
 * domain that could not be checked (why: its reason). */
void report_verify_csv_header(FILE *out);
void report_verify_csv(FILE *out, const dane_result *r, pol_kind k);
void report_verify_csv_error(FILE *out, const char *domain, const char *why);

#endif
