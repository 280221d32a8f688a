/*
 * policy.c - the two decision tables of the source document (SPEC section
 * 7), as data, and the RFC 7672 rules for the cases they do not cover.
 *
 * Matching: a row's "-" (POL_NONE / POL_CERT_NONE) matches anything, since
 * it means "this step is not reached" or "does not matter" in that row.
 * Every other column must be equal.  The rows of each table never overlap
 * under this rule (tests/unit/test_policy.c checks every combination), so
 * the first match is the only match.
 */
#include <stdio.h>
#include <string.h>
#include "probe/dane/policy.h"

#define S POL_SECURE
#define I POL_INSECURE
#define B POL_BOGUS
#define NX POL_NXDOMAIN
#define NO POL_NONE
#define OK POL_CERT_SUCCESS
#define KO POL_CERT_FAILED
#define NC POL_CERT_NONE

/* DANE Mandatory: anything short of a secure MX, secure address, secure
 * TLSA and a matching certificate is not delivered. */
static const pol_row policy_mandatory[] = {
	{ S, S, S, OK, POL_DANE_SUCCESS, "MX, address and TLSA records are secure and the certificate matches a TLSA record" },
	{ S, S, S, KO, POL_DANE_FAIL, "the certificate does not match the secure TLSA records" },
	{ S, S, I, NC, POL_DANE_FAIL, "the TLSA record is insecure (not signed): Mandatory requires a secure TLSA record" },
	{ S, S, NX, NC, POL_DANE_FAIL, "there is no TLSA record: Mandatory requires a secure TLSA record" },
	{ S, S, B, NC, POL_DANE_FAIL, "the TLSA record is bogus" },
	{ S, I, NO, NC, POL_DANE_FAIL, "the address record is insecure: Mandatory requires a secure address" },
	{ S, B, NO, NC, POL_DANE_FAIL, "the address record is bogus" },
	{ I, S, S, OK, POL_DANE_FAIL, "the MX record is insecure: Mandatory requires a secure MX record even though the certificate matches" },
	{ I, S, S, KO, POL_DANE_FAIL, "the MX record is insecure and the certificate does not match the TLSA records" },
	{ I, S, I, NC, POL_DANE_FAIL, "the MX record and the TLSA record are insecure" },
	{ I, S, NX, NC, POL_DANE_FAIL, "the MX record is insecure and there is no TLSA record" },
	{ I, S, B, NC, POL_DANE_FAIL, "the MX record is insecure and the TLSA record is bogus" },
	{ I, I, NO, NC, POL_DANE_FAIL, "the MX record and the address record are insecure" },
	{ I, B, NO, NC, POL_DANE_FAIL, "the MX record is insecure and the address record is bogus" },
	{ B, NO, NO, NC, POL_DANE_FAIL, "the MX record is bogus" },
};

/* DANE Opportunistic: not "TLS preferred": the DANE Fail rows are not
 * delivered either (the mail stays queued until it bounces). */
static const pol_row policy_opportunistic[] = {
	{ S, S, S, OK, POL_DANE_SUCCESS, "MX, address and TLSA records are secure and the certificate matches a TLSA record" },
	{ S, S, S, KO, POL_DANE_FAIL, "the certificate does not match the secure TLSA records" },
	{ S, S, I, NC, POL_FALLBACK_TLS, "the TLSA record is insecure (not signed): opportunistic TLS without DANE" },
	{ S, S, NX, NC, POL_FALLBACK_TLS, "there is no TLSA record: opportunistic TLS without DANE" },
	{ S, S, B, NC, POL_DANE_FAIL, "the TLSA record is bogus" },
	{ S, I, NO, NC, POL_FALLBACK_TLS, "the address record is insecure: opportunistic TLS without DANE" },
	{ S, B, NO, NC, POL_DANE_FAIL, "the address record is bogus" },
	{ I, S, S, NC, POL_FALLBACK_TLS, "the MX record is insecure: opportunistic TLS without DANE (the TLSA record is not used)" },
	{ I, S, I, NC, POL_FALLBACK_TLS, "the MX record and the TLSA record are insecure: opportunistic TLS without DANE" },
	{ I, S, NX, NC, POL_FALLBACK_TLS, "the MX record is insecure and there is no TLSA record: opportunistic TLS without DANE" },
	{ I, S, B, NC, POL_DANE_FAIL, "the TLSA record is bogus" },
	{ I, I, NO, NC, POL_FALLBACK_TLS, "the MX record and the address record are insecure: opportunistic TLS without DANE" },
	{ I, B, NO, NC, POL_DANE_FAIL, "the address record is bogus" },
	{ B, NO, NO, NC, POL_DANE_FAIL, "the MX record is bogus" },
};

#undef S
#undef I
#undef B
#undef NX
#undef NO
#undef OK
#undef KO
#undef NC

const pol_row *policy_table(pol_kind kind, size_t *n_rows)
{
	if (kind == POL_MANDATORY) {
		*n_rows = sizeof policy_mandatory / sizeof policy_mandatory[0];
		return policy_mandatory;
	}
	*n_rows = sizeof policy_opportunistic / sizeof policy_opportunistic[0];
	return policy_opportunistic;
}

static int policy_col_match(pol_lookup row, pol_lookup seen)
{
	return row == POL_NONE || row == seen;
}

static int policy_row_match(const pol_row *r, const pol_obs *o)
{
	return policy_col_match(r->mx, o->mx) && policy_col_match(r->addr, o->addr) &&
	       policy_col_match(r->tlsa, o->tlsa) &&
	       (r->cert == POL_CERT_NONE || r->cert == o->cert);
}

static pol_action policy_rfc(char *reason, size_t len, int *row_out,
			     const char *text)
{
	if (reason != NULL && len > 0)
		snprintf(reason, len, "%s", text);
	if (row_out != NULL)
		*row_out = -1;
	return POL_DANE_FAIL;
}

/* Why the certificate step was not reached, for the RFC 7672 2.2 rule. */
static const char *policy_tls_missing(const pol_obs *o)
{
	if (o->connect_failed)
		return "secure TLSA records require an authenticated TLS session, but no SMTP session could be set up with this address (RFC 7672 2.2: try the next address)";
	if (o->no_starttls && o->starttls_refused)
		return "secure TLSA records require STARTTLS; the server offered it, then refused it (RFC 3207 4; RFC 7672 2.2: MUST NOT deliver in the clear, try again later)";
	if (o->no_starttls)
		return "secure TLSA records require STARTTLS, but the server did not offer it (RFC 7672 2.2: MUST NOT deliver in the clear)";
	return "secure TLSA records require an authenticated TLS session, but the TLS handshake failed (RFC 7672 2.2: MUST NOT deliver)";
}

pol_action policy_decide(pol_kind kind, const pol_obs *obs, char *reason,
			 size_t reason_len, int *row_out)
{
	pol_obs o = *obs;
	size_t n, i;
	const pol_row *rows = policy_table(kind, &n);

	/* RFC 7672 2.1.1: a lookup that fails (SERVFAIL, timeout: the
	 * validator's "indeterminate") is not "no records": the client must
	 * defer, never carry on as if the records were absent.  The tables
	 * have no such row, so these are DANE Fail under both policies. */
	if (o.mx == POL_LOOKUP_ERROR || o.mx == POL_NONE || o.mx == POL_NXDOMAIN)
		return policy_rfc(reason, reason_len, row_out,
			"the MX lookup failed (SERVFAIL or timeout, not a DNSSEC verdict): RFC 7672 2.1.1 defers delivery");
	if (o.mx == POL_BOGUS) {
		o.addr = POL_NONE;
		o.tlsa = POL_NONE;
		o.cert = POL_CERT_NONE;
	} else if (o.addr == POL_LOOKUP_ERROR || o.addr == POL_NONE || o.addr == POL_NXDOMAIN) {
		return policy_rfc(reason, reason_len, row_out,
			"the address lookup failed or gave no address: RFC 7672 2.1.1/2.2.1 make this host unusable (try the next one)");
	} else if (o.addr != POL_SECURE) {
		o.tlsa = POL_NONE;
		o.cert = POL_CERT_NONE;
	} else if (o.tlsa == POL_LOOKUP_ERROR || o.tlsa == POL_NONE) {
		/* RFC 7672 2.2: a TLSA lookup that fails (neither records
		 * nor a proved NXDOMAIN/NODATA) makes the server unusable:
		 * do not fall back to unauthenticated TLS. */
		return policy_rfc(reason, reason_len, row_out,
			"the TLSA lookup failed (SERVFAIL or timeout, not NXDOMAIN): RFC 7672 2.2 makes this host unusable, delivery is deferred");
	} else if (o.tlsa == POL_SECURE && o.tlsa_unusable) {
		/* RFC 7672 2.2 and 3.1.3: a secure RRset where no record is
		 * usable (only usages 0/1, unknown selectors or matching
		 * types) is treated as no TLSA records at all. */
		o.tlsa = POL_NXDOMAIN;
		o.cert = POL_CERT_NONE;
	} else if (o.tlsa != POL_SECURE) {
		o.cert = POL_CERT_NONE;
	}

	for (i = 0; i < n; i++) {
		if (!policy_row_match(&rows[i], &o))
			continue;
		/* A row that needs the certificate outcome, with no
		 * outcome: the TLS step was never completed. */
		if (rows[i].cert != POL_CERT_NONE && o.cert == POL_CERT_NONE)
			break;
		if (reason != NULL && reason_len > 0) {
			if (obs->tlsa == POL_SECURE && obs->tlsa_unusable && o.tlsa == POL_NXDOMAIN)
				snprintf(reason, reason_len,
					 "the secure TLSA RRset has no usable record (usages 0/1 do not apply to SMTP, RFC 7672 3.1.3), so it counts as no TLSA record (RFC 7672 2.2): %s",
					 rows[i].reason);
			else
				snprintf(reason, reason_len, "%s", rows[i].reason);
		}
		if (row_out != NULL)
			*row_out = (int)i;
		return rows[i].action;
	}

	/* Secure TLSA with the certificate step not reached: no STARTTLS,
	 * handshake failure, connection failure (RFC 7672 2.2). */
	if (o.tlsa == POL_SECURE && o.cert == POL_CERT_NONE)
		return policy_rfc(reason, reason_len, row_out, policy_tls_missing(&o));
	return policy_rfc(reason, reason_len, row_out,
		"no table row applies to this combination: not delivered");
}

const char *policy_action_str(pol_action a)
{
	switch (a) {
	case POL_DANE_SUCCESS: return "dane-success";
	case POL_FALLBACK_TLS: return "fallback-tls";
	default: return "dane-fail";
	}
}

const char *policy_action_words(pol_action a)
{
	switch (a) {
	case POL_DANE_SUCCESS: return "DANE Success";
	case POL_FALLBACK_TLS: return "Fallback to opportunistic TLS";
	default: return "DANE Fail";
	}
}

const char *policy_kind_str(pol_kind k)
{
	return k == POL_MANDATORY ? "mandatory" : "opportunistic";
}

const char *policy_lookup_str(pol_lookup l)
{
	switch (l) {
	case POL_SECURE: return "Secure";
	case POL_INSECURE: return "Insecure";
	case POL_BOGUS: return "Bogus";
	case POL_NXDOMAIN: return "NXDOMAIN";
	case POL_LOOKUP_ERROR: return "lookup error";
	default: return "-";
	}
}
