/*
 * policy.h - the DANE policy decision: what the appliance's two tables
 * (SPEC section 7, "DANE Mandatory" and "DANE Opportunistic") say for one
 * path (MX status, address status, TLSA status, certificate outcome), plus
 * the cases where RFC 7672 says more than the tables.
 *
 * Pure: no network, no clock, no printing.  The tables are data
 * (policy_table) so tests can walk every row.
 */
#ifndef DP_POLICY_H
#define DP_POLICY_H

#include <stddef.h>

/* The status of one lookup as the tables name it.  POL_NONE is the
 * tables' "-": that step was not reached (or does not matter). */
typedef enum pol_lookup {
	POL_NONE = 0,
	POL_SECURE,
	POL_INSECURE,
	POL_BOGUS,
	POL_NXDOMAIN,      /* TLSA only: no record (NXDOMAIN or NODATA) */
	POL_LOOKUP_ERROR   /* not in the tables: SERVFAIL/timeout (indeterminate) */
} pol_lookup;

typedef enum pol_cert {
	POL_CERT_NONE = 0, /* "-": not checked */
	POL_CERT_SUCCESS,
	POL_CERT_FAILED
} pol_cert;

typedef enum pol_action {
	POL_DANE_SUCCESS = 0,
	POL_DANE_FAIL,
	POL_FALLBACK_TLS
} pol_action;

typedef enum pol_kind {
	POL_OPPORTUNISTIC = 0,
	POL_MANDATORY
} pol_kind;

/* What the engine saw on one path (one address of one MX host).  The
 * extra facts are RFC 7672 refinements the tables do not have. */
typedef struct pol_obs {
	pol_lookup mx, addr, tlsa;
	pol_cert cert;
	int tlsa_unusable;   /* secure TLSA RRset, but no usable record (RFC 7672 3.1) */
	int no_starttls;     /* the server did not offer STARTTLS (or refused it) */
	int connect_failed;  /* no SMTP session could be set up with this address */
	int tls_failed;      /* the TLS handshake itself failed (not the verification) */
	int starttls_refused; /* with no_starttls: it offered STARTTLS, then refused it (454) */
} pol_obs;

/* One row of a table.  Columns left POL_NONE/POL_CERT_NONE are "-". */
typedef struct pol_row {
	pol_lookup mx, addr, tlsa;
	pol_cert cert;
	pol_action action;
	const char *reason;  /* why, in words, for this row */
} pol_row;

/* The rows of one table, in the source document's order. */
const pol_row *policy_table(pol_kind kind, size_t *n_rows);

/*
 * Decide the action for one path under one policy.  Follows the table
 * exactly where it applies; otherwise RFC 7672 (the reason says which
 * section).  reason (may be NULL) gets one sentence.  *row_out (may be
 * NULL) gets the table row index used, or -1 when an RFC 7672 rule
 * decided instead.
 */
pol_action policy_decide(pol_kind kind, const pol_obs *obs, char *reason,
			 size_t reason_len, int *row_out);

/* "dane-success", "dane-fail", "fallback-tls" (the JSON values). */
const char *policy_action_str(pol_action a);
/* "DANE Success", "DANE Fail", "Fallback to opportunistic TLS" (table words). */
const char *policy_action_words(pol_action a);
/* "opportunistic", "mandatory". */
const char *policy_kind_str(pol_kind k);
/* "Secure", "Insecure", "Bogus", "NXDOMAIN", "lookup error", "-". */
const char *policy_lookup_str(pol_lookup l);

#endif
