/*
 * adview.c - judge each DANE record by the resolver's AD bit (adview.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/dane/adview.h"
#include "probe/net/query.h"

val_status adview_status(int err, int rcode, int ad)
{
	if (err != DP_OK)
		return VAL_INDETERMINATE;
	if (rcode == LDNS_RCODE_SERVFAIL)
		return VAL_BOGUS;
	if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN)
		return VAL_INDETERMINATE;
	return ad ? VAL_SECURE : VAL_INSECURE;
}

void adview_explain(val_status ad, val_status local, char *buf, size_t len)
{
	if (ad == local)
		snprintf(buf, len, "%s", "");
	else if (ad == VAL_INSECURE && local == VAL_BOGUS)
		snprintf(buf, len, "downgrade: bogus data handed over without AD, so the MTA takes it for "
			 "insecure and skips DANE where it must refuse (RFC 7672 2.2)");
	else if (ad == VAL_INSECURE && local == VAL_SECURE)
		snprintf(buf, len, "DANE off: signed data without AD, so the MTA treats it as unsigned "
			 "(Opportunistic mail without DANE, Mandatory mail deferred)");
	else if (ad == VAL_SECURE && local == VAL_BOGUS)
		snprintf(buf, len, "AD=1 on data local validation calls bogus: the MTA trusts forged or broken records");
	else if (ad == VAL_SECURE && local == VAL_INSECURE)
		snprintf(buf, len, "AD=1 on data local validation proves unsigned: the resolver's trust anchors "
			 "or policy differ from the local ones");
	else if (ad == VAL_BOGUS)
		snprintf(buf, len, "SERVFAIL through the resolver while local validation says %s: the MTA "
			 "defers mail that a local validator would deliver", val_status_str(local));
	else
		snprintf(buf, len, "the resolver's answer (%s) and local validation (%s) differ",
			 val_status_str(ad), val_status_str(local));
}

static int diff_add(dane_result *res, const char *name, ldns_rr_type type, val_status ad,
		    val_status local)
{
	dane_adiff *grown = realloc(res->ad_diffs, (res->n_ad_diffs + 1) * sizeof *grown);
	dane_adiff *d;

	if (grown == NULL)
		return DP_ENOMEM;
	res->ad_diffs = grown;
	d = &grown[res->n_ad_diffs++];
	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	d->type = type;
	d->ad = ad;
	d->local = local;
	adview_explain(ad, local, d->what, sizeof d->what);
	return DP_OK;
}

/* The records of type in the answer section of p, as a new list (NULL
 * when there are none). */
static ldns_rr_list *answer_rrs(const ldns_pkt *p, ldns_rr_type type)
{
	ldns_rr_list *a = ldns_pkt_answer(p), *out = NULL;

	for (size_t i = 0; a && i < ldns_rr_list_rr_count(a); i++) {
		ldns_rr *rr = ldns_rr_list_rr(a, i);
		if (ldns_rr_get_type(rr) != type)
			continue;
		if (out == NULL && (out = ldns_rr_list_new()) == NULL)
			return NULL;
		ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
	return out;
}

static const char *rcode_name(int err, int rcode)
{
	const ldns_lookup_table *lt;

	if (err != DP_OK)
		return dp_strerror(err);
	lt = ldns_lookup_by_id(ldns_rcodes, rcode);
	return lt ? lt->name : "RCODE?";
}

int adview_apply(const dane_cfg *cfg, dane_result *res, const char *name, ldns_rr_type type,
		 val_result *v)
{
	query_opts o;
	query_response r;
	ldns_rdf *qn;
	val_status ad;
	char local_reason[sizeof v->reason];
	int rc, rcode = -1, adbit = 0;

	if (cfg->ad_server == NULL || v == NULL)
		return DP_OK;
	res->client_ad = 1;
	if ((qn = ldns_dname_new_frm_str(name)) == NULL)
		return DP_OK;
	memset(&o, 0, sizeof o);
	o.flags = QUERY_RD | QUERY_DO;         /* CD=0: the resolver validates */
	o.timeout_ms = cfg->ad_timeout_ms;
	rc = query_query(cfg->ad_server, qn, type, &o, &r);
	ldns_rdf_deep_free(qn);
	if (rc == DP_OK) {
		rcode = (int)ldns_pkt_get_rcode(r.pkt);
		adbit = ldns_pkt_ad(r.pkt);
	}
	ad = adview_status(rc, rcode, adbit);
	if (ad != v->status) {
		char tn[24];
		if (diff_add(res, name, type, ad, v->status) != DP_OK) {
			query_response_clear(&r);
			return DP_ENOMEM;
		}
		snprintf(local_reason, sizeof local_reason, "%s%.200s", v->reason[0] ? ": " : "", v->reason);
		snprintf(v->reason, sizeof v->reason, "%s/%s through %s's AD bit: %s (%s%s); local validation: %s%s",
			 name, val_rrtype_str(type, tn, sizeof tn), cfg->ad_server->text, val_status_str(ad),
			 rcode_name(rc, rcode), rc == DP_OK ? (adbit ? ", AD=1" : ", AD=0") : "",
			 val_status_str(v->status), local_reason);
		v->status = ad;
		if (rc == DP_OK && (v->rrset == NULL || ldns_rr_list_rr_count(v->rrset) == 0)
		    && (ad == VAL_SECURE || ad == VAL_INSECURE)) {
			ldns_rr_list *got = answer_rrs(r.pkt, type);
			if (got != NULL) {
				ldns_rr_list_deep_free(v->rrset);
				v->rrset = got;
			}
		}
		if (rc == DP_OK) {
			v->nxdomain = rcode == LDNS_RCODE_NXDOMAIN;
			v->rcode = (ldns_pkt_rcode)rcode;
		}
	}
	query_response_clear(&r);
	return DP_OK;
}
