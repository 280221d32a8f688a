/*
 * postfix.h - where Postfix's DANE client differs from the appliance's
 * tables (issue 14, `--client postfix`).
 *
 * The appliance never authenticates an MX host reached through an
 * insecure MX RRset.  RFC 7672 2.2.1 lets a client use DANE there when
 * the host's address and TLSA records are secure, and Postfix does: the
 * certificate must then match, under "dane" as under "dane-only", and a
 * mismatch defers the mail instead of falling back to unauthenticated TLS.
 */
#ifndef DP_POSTFIX_H
#define DP_POSTFIX_H

#include <stddef.h>
#include "probe/dane/dane.h"
#include "probe/dane/policy.h"

/* policy_decide with Postfix's rules; reason as there (names the rule
 * when it differs from the table). */
pol_action postfix_decide(pol_kind kind, const pol_obs *obs, char *reason, size_t reason_len);

/* What `posttls-finger -l dane` reports for the domain, from the walk's
 * result: "verified" (DANE match, secure MX), "trusted" (DANE match,
 * insecure MX), "untrusted" (TLS without a DANE match), "none" (no
 * STARTTLS), "error" (a lookup failed or nothing could be reached).
 * Like posttls-finger it describes the first SMTP session. */
const char *postfix_tls_class(const dane_result *r);

#endif
