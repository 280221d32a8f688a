/*
 * client.c - DANE safety under the client model (issue 14, SPEC section
 * 5 "Client models").
 *
 * dp_probe_judge answers the local model's question: can a client that
 * validates itself get every DANE record through this resolver?  A client
 * that trusts the AD bit (Postfix with smtp_dns_support_level = dnssec,
 * Exim) asks another one: does this resolver validate, refuse bogus data,
 * and reach me over a path nobody can tamper with?  The battery already
 * has the facts (the ad and bogus tests, the address); this file only
 * judges them, so both verdicts come from one run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/battery/battery.h"
#include "probe/util/addr.h"

/* Put text first among the reasons: the verdict's reason leads. */
static void reason_first(dp_resolver_result *res, const char *text)
{
	char *s = strdup(text), **nv;

	if (s == NULL)
		return;
	nv = realloc(res->reasons, (res->n_reasons + 1) * sizeof(*nv));
	if (nv == NULL) {
		free(s);
		return;
	}
	memmove(nv + 1, nv, res->n_reasons * sizeof(*nv));
	nv[0] = s;
	res->reasons = nv;
	res->n_reasons++;
}

static int on_loopback(const dp_resolver_result *res)
{
	dp_addr a;

	return dp_addr_parse(res->address, &a) == DP_OK && dp_addr_is_loopback(&a);
}

/* The verdict for an AD-trusting client: 1 safe, 0 not (why and sev). */
static int ad_verdict(const dp_resolver_result *res, char *why, size_t len, int *sev)
{
	const dp_test *ad = &res->tests[DP_T_AD], *bogus = &res->tests[DP_T_BOGUS];

	*sev = DP_SEV_BY_POSITION;
	if (res->cls == DP_CLASS_UNREACHABLE || res->cls == DP_CLASS_BROKEN || !res->parse_ok) {
		snprintf(why, len, "client ad: no usable answers from this resolver, so no AD either: "
			 "DANE lookups through it fail and mail is deferred");
		return 0;
	}
	if (bogus->result == DP_RES_FAIL && (bogus->flags & (DP_TF_AD | DP_TF_DATA))) {
		*sev = DP_SEV_CRITICAL;
		snprintf(why, len, "client ad: %s: bogus data comes back %s, so an AD-trusting client takes a "
			 "Bogus TLSA for insecure and delivers without DANE: the downgrade an attacker needs "
			 "(RFC 7672 2.2) (%s)",
			 (bogus->flags & DP_TF_AD) ? "AD=1 on bogus data" : "permissive validator",
			 (bogus->flags & DP_TF_AD) ? "with AD" : "without AD instead of SERVFAIL", bogus->detail);
		return 0;
	}
	if (ad->result != DP_RES_PASS) {
		snprintf(why, len, "client ad: DANE is off through this %s resolver: it sets no AD (%s), so an "
			 "AD-trusting client sees every MX and TLSA record as insecure: Opportunistic (dane) "
			 "mail goes out without DANE, on unauthenticated TLS, and Mandatory (dane-only) mail "
			 "is deferred", dp_class_name(res->cls), ad->detail);
		return 0;
	}
	if (res->tags & DP_TAG_NO_TLSA) {
		snprintf(why, len, "client ad: TLSA records do not come through (%s): DANE is off for "
			 "Opportunistic mail and Mandatory mail is deferred", res->tests[DP_T_TLSA].detail);
		return 0;
	}
	if (!on_loopback(res) && !res->trusted_path) {
		*sev = DP_SEV_WARNING;
		snprintf(why, len, "client ad: %s validates, but its AD bit crosses a network path and can be "
			 "forged or stripped on the way (RFC 4035 4.9.3, RFC 6698 4.1, RFC 7672 2.2): use a "
			 "validator on loopback, or set trusted_path: true for this resolver if the path is "
			 "protected (same host, IPsec, a link you control)", res->address);
		return 0;
	}
	return 1;
}

void dp_client_judge(dp_resolver_result *r, size_t n, dp_client_model m)
{
	for (size_t i = 0; i < n; i++) {
		dp_resolver_result *res = &r[i];
		char why[1024];
		int sev;

		res->client = m;
		res->local_safe = res->dane_safe;
		res->severity = DP_SEV_BY_POSITION;
		if (m != DP_CLIENT_AD)
			continue;
		res->dane_safe = ad_verdict(res, why, sizeof(why), &sev);
		if (!res->dane_safe) {
			res->severity = sev;
			reason_first(res, why);
		} else if (!res->local_safe) {
			reason_first(res, "client ad: safe for a client that trusts its AD bit (validating, "
				     "refuses bogus data, on loopback or a trusted path); a client that "
				     "validates itself could not use it, see below");
		}
	}
}
