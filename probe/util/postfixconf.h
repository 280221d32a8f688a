/*
 * postfixconf.h - read what a Postfix installation says about DANE, so
 * the operator does not have to copy it into daneprobe.yaml (issue 14,
 * `--postfix [CONFIG_DIR]`).
 *
 * The parameters come from `postconf -c DIR -x` (the values Postfix
 * itself would use, $names expanded); the lookup tables they name are
 * read from their source files (hash:, btree:, lmdb:, cdb:, dbm:,
 * texthash: PATH) or inline:{...}.  From them:
 *   - the client model: Postfix trusts its resolver's AD bit, and only
 *     with smtp_dns_support_level = dnssec does it look at it at all;
 *   - the DANE destinations of smtp_tls_policy_maps: "dane" is
 *     Opportunistic, "dane-only" Mandatory;
 *   - findings: DANE configured while smtp_dns_support_level is not
 *     dnssec (DANE is off), and a relayhost or transport_maps route to a
 *     [bracketed] next hop for a DANE destination (no MX lookup, so no
 *     DANE for that domain: the source document's "SMTP routes").
 */
#ifndef DP_POSTFIXCONF_H
#define DP_POSTFIXCONF_H

#include <stddef.h>

#define DP_PF_MAX_FINDINGS 16

typedef struct dp_pf_dest {
	char domain[256];
	int mandatory;            /* dane-only (else dane: Opportunistic) */
	char route[320];          /* the bracketed next hop it is sent to, or "" */
} dp_pf_dest;

typedef struct dp_postfix {
	char dir[1024];
	char dns_support_level[32];  /* smtp_dns_support_level ("" = Postfix's default, disabled) */
	char security_level[32];     /* smtp_tls_security_level */
	char relayhost[320];
	int dnssec;                  /* smtp_dns_support_level = dnssec */
	dp_pf_dest *dests;
	size_t n_dests;
	char findings[DP_PF_MAX_FINDINGS][640];
	size_t n_findings;
} dp_postfix;

/* Run postconf for dir ("/etc/postfix" when NULL) and read its maps.
 * *out malloced (dp_postfix_free) on DP_OK; otherwise DP_EIO/DP_ECONFIG
 * with err ("postconf -c DIR: ..."). */
int dp_postfix_load(const char *dir, dp_postfix **out, char *err, size_t errlen);
/* The same from postconf's "name = value" text (tests, and the step
 * after running postconf).  Maps are still read from their files. */
int dp_postfix_parse(const char *dir, const char *postconf_text, dp_postfix **out,
		     char *err, size_t errlen);
void dp_postfix_free(dp_postfix *p);

#endif
