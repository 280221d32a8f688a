/*
 * postfix.c - Postfix's DANE rules and posttls-finger's words (postfix.h).
 */
#include <stdio.h>
#include <string.h>
#include "probe/dane/postfix.h"

pol_action postfix_decide(pol_kind kind, const pol_obs *obs, char *reason, size_t reason_len)
{
	char why[512];
	pol_obs as_secure;
	pol_action a;

	if (!(obs->mx == POL_INSECURE && obs->addr == POL_SECURE && obs->tlsa == POL_SECURE
	      && !obs->tlsa_unusable))
		return policy_decide(kind, obs, reason, reason_len, NULL);
	/* RFC 7672 2.2.1: secure TLSA for a host found through an insecure
	 * MX RRset is still used; the path is judged as a secure one. */
	as_secure = *obs;
	as_secure.mx = POL_SECURE;
	a = policy_decide(kind, &as_secure, why, sizeof why, NULL);
	if (reason != NULL && reason_len > 0)
		snprintf(reason, reason_len, "Postfix uses the secure TLSA records of an MX host reached "
			 "through an insecure MX RRset (RFC 7672 2.2.1), so %s: %s",
			 a == POL_DANE_SUCCESS ? "the matching certificate authenticates the server"
					       : "the mail is deferred, not sent without DANE", why);
	return a;
}

/* The first address posttls-finger would hold a session with. */
static const dane_addr *first_session(const dane_result *r, const dane_host **host)
{
	for (size_t i = 0; i < r->n_hosts; i++)
		for (size_t j = 0; j < r->hosts[i].n_addrs; j++)
			if (r->hosts[i].addrs[j].connected) {
				*host = &r->hosts[i];
				return &r->hosts[i].addrs[j];
			}
	return NULL;
}

const char *postfix_tls_class(const dane_result *r)
{
	const dane_host *h = NULL;
	const dane_addr *a;

	if (r->mx_status == POL_BOGUS || r->mx_status == POL_LOOKUP_ERROR || r->nxdomain
	    || (r->null_mx && r->n_hosts == 0))
		return "error";
	a = first_session(r, &h);
	if (a == NULL)
		/* No session: hosts without a secure address get plain
		 * opportunistic TLS; anything else was a lookup failure. */
		return r->verdict[POL_OPPORTUNISTIC] == POL_FALLBACK_TLS ? "untrusted" : "error";
	if (a->obs.no_starttls)
		return "none";
	if (a->obs.tls_failed || a->obs.connect_failed)
		return "error";
	if (a->cert == DANE_CERT_SUCCESS)
		return r->mx_status == POL_SECURE ? "verified" : "trusted";
	return "untrusted";
}
