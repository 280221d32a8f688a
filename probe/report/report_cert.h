/*
 * report_cert.h - how certificate evidence and warnings are printed
 * (issue 13), for verify and tlsa-check alike: the presented chain with
 * the TLSA record that would match each certificate, the records to
 * publish for a new chain, and the warnings.  Lines stay within 80
 * columns where the data allows (a SHA-256 in hex is 64).
 */
#ifndef DP_REPORT_CERT_H
#define DP_REPORT_CERT_H

#include <stdio.h>
#include <jansson.h>
#include "probe/dane/dane.h"

/* The chain block: a heading naming who presented it, then per
 * certificate subject, issuer, validity, SHA-256 of the certificate and
 * of the SPKI, and its TLSA record marked published or not. */
void report_cert_chain_text(FILE *out, const cert_chain *c, const char *heading);

/* [{"depth","subject","issuer","not_before","not_after","sha256",
 *   "spki_sha256","tlsa","published","matched_by"}]; NULL on ENOMEM. */
json_t *report_cert_chain_json(const cert_chain *c, const tlsa_set *set);

/* "Warning: <sentence>" per warning. */
void report_warnings_text(FILE *out, const dane_warnings *ws);

/* [{"kind","subject","expires","days_left","message"}]; NULL on ENOMEM. */
json_t *report_warnings_json(const dane_warnings *ws, int64_t now);

/* verify: every presented chain of r, then r's warnings. */
void report_cert_verify_text(FILE *out, const dane_result *r);

/*
 * tlsa-check: the records to publish for chain c at tlsa_name ("+" to
 * add, "=" published already), and whether the current set covers the
 * chain (covered: it matched), with the TTL to wait (ttl < 0: unknown).
 */
void report_cert_publish_text(FILE *out, const cert_chain *c, const char *tlsa_name,
			      int covered, long ttl);
/* ["3 1 1 ...", "2 1 1 ..."] */
json_t *report_cert_publish_json(const cert_chain *c);

#endif
