/*
 * dane_evidence.c - what the DANE walk keeps beyond the verdict (issue
 * 13): the chain each server presented, described against the host's
 * TLSA records (certinfo.c), and the warnings about what will break
 * later: certificates and RRSIGs near their expiry, and TLSA records
 * that cover only the key in use.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include "probe/util/clock.h"
#include "probe/dane/dane.h"
#include "probe/dane/dane_int.h"

int64_t dane_sig_expiry(const val_result *v)
{
	if (v == NULL || v->status != VAL_SECURE)
		return 0;
	return val_rrsigs_last_expiration(v->rrsigs, dp_now());
}

void dane_chain_collect(dane_addr *a, const dane_host *h, SSL *ssl)
{
	/* On the client side the peer chain includes the leaf (SSL_get_peer_
	 * cert_chain(3)); it is what the server sent, not a built path. */
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);

	if (certinfo_collect(chain, h->tlsa_usable > 0 ? &h->tlsa : NULL, &a->chain) != DP_OK)
		memset(&a->chain, 0, sizeof a->chain);
	ERR_clear_error();
}

/* The RRSIG warnings of one host's secure lookups. */
static int dane_warn_host_sigs(const dane_cfg *cfg, dane_warnings *ws, const dane_host *h,
			       int64_t now)
{
	int rc = dane_warn_rrsig(ws, &cfg->warn, h->name, "AAAA", h->aaaa_sig_expire, now);

	if (rc == DP_OK)
		rc = dane_warn_rrsig(ws, &cfg->warn, h->name, "A", h->a_sig_expire, now);
	if (rc == DP_OK && h->tlsa_looked_up)
		rc = dane_warn_rrsig(ws, &cfg->warn, h->tlsa_name, "TLSA", h->tlsa_sig_expire, now);
	return rc;
}

/* The certificate and one-key warnings of one address's chain.  The
 * one-key warning needs a secure TLSA set that the chain matched: then
 * the set is in use, and a change of that key is what breaks it. */
static int dane_warn_addr(const dane_cfg *cfg, dane_warnings *ws, const dane_host *h,
			  const dane_addr *a, int64_t now)
{
	int rc = dane_warn_certs(ws, &cfg->warn, &a->chain, a->address, now);

	if (rc == DP_OK && a->cert == DANE_CERT_SUCCESS)
		rc = dane_warn_one_key(ws, &cfg->warn, &a->chain, h->tlsa_name);
	return rc;
}

int dane_warnings_collect(const dane_cfg *cfg, dane_result *r)
{
	int64_t now = dp_now();
	size_t i, j;
	int rc;

	rc = dane_warn_rrsig(&r->warnings, &cfg->warn, r->domain, "MX", r->mx_sig_expire, now);
	for (i = 0; rc == DP_OK && i < r->n_hosts; i++) {
		const dane_host *h = &r->hosts[i];

		rc = dane_warn_host_sigs(cfg, &r->warnings, h, now);
		for (j = 0; rc == DP_OK && j < h->n_addrs; j++)
			rc = dane_warn_addr(cfg, &r->warnings, h, &h->addrs[j], now);
	}
	return rc;
}
