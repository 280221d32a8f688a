/*
 * dane_verdict.c - what the DANE walk's observations mean: each path
 * (one address of one MX host) judged under both policies, with the
 * step and record that decided it, and the domain's verdict: that of the
 * first path a sending MTA would deliver on (RFC 5321 5.1), or DANE Fail.
 */
#include <stdio.h>
#include <string.h>
#include "probe/dane/dane.h"
#include "probe/dane/dane_int.h"
#include "probe/dane/postfix.h"

/* ---- one path ---- */

void dane_judge(const dane_cfg *cfg, const dane_result *r, dane_host *h, dane_addr *a)
{
	const char *res = cfg->resolver ? cfg->resolver : "the resolver";
	int k;

	a->obs.mx = r->mx_status;
	a->obs.addr = a->status;
	a->obs.tlsa = h->tlsa_looked_up ? h->tlsa_status : POL_NONE;
	a->obs.tlsa_unusable = h->tlsa_status == POL_SECURE && h->tlsa_usable == 0;
	a->obs.cert = a->cert == DANE_CERT_SUCCESS ? POL_CERT_SUCCESS :
		      a->cert == DANE_CERT_FAILED ? POL_CERT_FAILED : POL_CERT_NONE;
	for (k = 0; k < 2; k++) {
		char why[512], step[700] = "";

		a->action[k] = cfg->postfix_rules
			? postfix_decide((pol_kind)k, &a->obs, why, sizeof why)
			: policy_decide((pol_kind)k, &a->obs, why, sizeof why, NULL);
		if (a->action[k] == POL_DANE_SUCCESS) {
			dane_fmt(a->reason[k], sizeof a->reason[k], "%s", why);
			continue;
		}
		/* Name the step and the record that decided it. */
		if (a->obs.mx == POL_BOGUS || a->obs.mx == POL_INSECURE)
			dane_fmt(step, sizeof step, "; MX %s/MX: %s", r->domain, r->mx_reason);
		if (a->status != POL_SECURE)
			dane_fmt(step + strlen(step), sizeof step - strlen(step), "; %s %s/%s: %s",
				 a->address[0] ? a->address : "(no address)", h->name,
				 a->family == 6 ? "AAAA" : "A", a->lookup_reason);
		else if (h->tlsa_status != POL_SECURE || h->tlsa_usable == 0)
			dane_fmt(step + strlen(step), sizeof step - strlen(step), "; TLSA %s: %s",
				 h->tlsa_name, h->tlsa_reason[0] ? h->tlsa_reason : dane_lookup_json(h->tlsa_status));
		/* A session problem is worth saying even when the table
		 * decided on DNS alone (it makes the path undeliverable). */
		if (a->smtp_detail[0])
			dane_fmt(step + strlen(step), sizeof step - strlen(step), "; SMTP %s: %s",
				 a->address, a->smtp_detail);
		dane_fmt(a->reason[k], sizeof a->reason[k], "%s%s (resolver %s)", why, step, res);
	}
}

/* ---- the domain verdict ---- */

void dane_verdict(const dane_cfg *cfg, dane_result *r)
{
	const char *res = cfg->resolver ? cfg->resolver : "the resolver";
	int k;

	r->postfix_rules = cfg->postfix_rules;
	r->client_ad = cfg->ad_server != NULL;
	for (k = 0; k < 2; k++) {
		size_t hi, ai, fails = 0;
		int found = 0;

		r->verdict[k] = POL_DANE_FAIL;
		for (hi = 0; hi < r->n_hosts && !found; hi++)
			for (ai = 0; ai < r->hosts[hi].n_addrs && !found; ai++) {
				const dane_addr *a = &r->hosts[hi].addrs[ai];
				/* A host that cannot be reached delivers nothing:
				 * the MTA tries the next one (RFC 5321 5.1). */
				if (a->action[k] == POL_DANE_FAIL || a->obs.connect_failed) {
					fails++;
					continue;
				}
				found = 1;
				r->verdict[k] = a->action[k];
				dane_fmt(r->reason[k], sizeof r->reason[k], "MX(%s) %s: %s",
					 r->hosts[hi].name, a->address, a->reason[k]);
			}
		if (found)
			continue;
		if (r->mx_status == POL_BOGUS)
			dane_fmt(r->reason[k], sizeof r->reason[k],
				 "the MX record of %s is bogus: %s (resolver %s)", r->domain, r->mx_reason, res);
		else if (r->mx_status == POL_LOOKUP_ERROR)
			dane_fmt(r->reason[k], sizeof r->reason[k],
				 "the MX lookup for %s failed: %s (resolver %s; RFC 7672 2.1.1: not the same as no MX, delivery is deferred)",
				 r->domain, r->mx_reason, res);
		else if (r->nxdomain)
			dane_fmt(r->reason[k], sizeof r->reason[k], "%s does not exist (NXDOMAIN, resolver %s)",
				 r->domain, res);
		else if (r->null_mx)
			dane_fmt(r->reason[k], sizeof r->reason[k], "%s publishes a null MX (RFC 7505): it accepts no mail",
				 r->domain);
		else if (fails == 0)
			dane_fmt(r->reason[k], sizeof r->reason[k], "no MX host of %s has an address (resolver %s)",
				 r->domain, res);
		else {
			/* The first failing path says the most: the MTA would
			 * have tried it first. */
			for (hi = 0; hi < r->n_hosts; hi++)
				if (r->hosts[hi].n_addrs > 0)
					break;
			dane_fmt(r->reason[k], sizeof r->reason[k], "no MX host passed (%zu path%s tried); first: MX(%s) %s: %s",
				 fails, fails == 1 ? "" : "s", r->hosts[hi].name,
				 r->hosts[hi].addrs[0].address, r->hosts[hi].addrs[0].reason[k]);
		}
	}
}
