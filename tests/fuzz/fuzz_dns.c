/*
 * fuzz_dns.c - libFuzzer target for the DNSSEC primitives: a DNS message
 * in, every RRset verified against the DNSKEYs of the same message at a
 * fixed time, the DNSKEY set against its DS records, and the denial
 * proofs run on its NSEC/NSEC3 records.  Nothing is expected to verify;
 * what we look for is a crash, a leak or undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "validator/dnssec.h"

/* The validity windows of the seed responses contain this instant
 * (2026-11-18T12:00:00Z), so mutations of them reach the crypto. */
#define FUZZ_NOW ((int64_t)1795003200)

/* Bounds that keep one input fast: grouping is quadratic. */
#define MAX_RRS 96

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static val_keycache *kc;

static void push_section(ldns_rr_list *all, const ldns_rr_list *sec)
{
	size_t i;

	for (i = 0; sec != NULL && i < ldns_rr_list_rr_count(sec) &&
		    ldns_rr_list_rr_count(all) < MAX_RRS; i++)
		ldns_rr_list_push_rr(all, ldns_rr_list_rr(sec, i));
}

static ldns_rr_list *of_type(const ldns_rr_list *all, ldns_rr_type t)
{
	ldns_rr_list *l = ldns_rr_list_new();
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(all); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(all, i)) == t)
			ldns_rr_list_push_rr(l, ldns_rr_list_rr(all, i));
	return l;
}

static void verify_rrsets(const ldns_rr_list *all, const ldns_rr_list *sigs,
			  const ldns_rr_list *keys, const val_policy *pol)
{
	size_t n = ldns_rr_list_rr_count(all), i, j;
	char *done = calloc(n ? n : 1, 1);

	if (done == NULL)
		return;
	for (i = 0; i < n; i++) {
		const ldns_rr *a = ldns_rr_list_rr(all, i);
		ldns_rr_list *set;
		const ldns_rdf *signer = NULL;
		val_why why;

		if (done[i] || ldns_rr_get_type(a) == LDNS_RR_TYPE_RRSIG)
			continue;
		set = ldns_rr_list_new();
		for (j = i; j < n; j++) {
			ldns_rr *b = ldns_rr_list_rr(all, j);
			if (!done[j] && ldns_rr_get_type(a) == ldns_rr_get_type(b) &&
			    ldns_rr_get_class(a) == ldns_rr_get_class(b) &&
			    ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) == 0) {
				done[j] = 1;
				ldns_rr_list_push_rr(set, b);
			}
		}
		(void)rrset_verify(set, sigs, keys, FUZZ_NOW, pol, kc, &signer, &why);
		(void)rrset_verify(set, sigs, keys, FUZZ_NOW, pol, NULL, NULL, NULL);
		if (ldns_rr_list_rr_count(sigs) > 0 && ldns_rr_list_rr_count(keys) > 0)
			(void)rrsig_verify(set, ldns_rr_list_rr(sigs, 0),
					   ldns_rr_list_rr(keys, 0), FUZZ_NOW, pol, kc, &why);
		ldns_rr_list_free(set);
	}
	free(done);
}

static void run_denial(const ldns_pkt *pkt, const ldns_rr_list *all,
		       const val_policy *pol)
{
	ldns_rr_list *nsecs = of_type(all, LDNS_RR_TYPE_NSEC);
	ldns_rr_list *n3 = of_type(all, LDNS_RR_TYPE_NSEC3);
	ldns_rr_list *soa = of_type(all, LDNS_RR_TYPE_SOA);
	const ldns_rr_list *q = ldns_pkt_question(pkt);
	const ldns_rr *qrr = q ? ldns_rr_list_rr(q, 0) : NULL;
	const ldns_rdf *qname = qrr ? ldns_rr_owner(qrr) : NULL;
	ldns_rr_type qtype = qrr ? ldns_rr_get_type(qrr) : LDNS_RR_TYPE_A;
	ldns_rdf *zone = NULL, *ce = NULL, *parent = NULL;
	size_t i;
	val_why why;
	int deleg;

	for (i = 0; i < ldns_rr_list_rr_count(n3); i++)
		ldns_rr_list_push_rr(nsecs, ldns_rr_list_rr(n3, i));
	/* The zone: the SOA owner if there is one, else the question's parent. */
	if (ldns_rr_list_rr_count(soa) > 0)
		zone = ldns_rdf_clone(ldns_rr_owner(ldns_rr_list_rr(soa, 0)));
	else if (qname != NULL && ldns_dname_label_count(qname) > 0)
		zone = ldns_dname_left_chop(qname);
	if (qname != NULL && zone != NULL) {
		(void)denial_prove_nxdomain(qname, nsecs, zone, pol, &ce, &why);
		ldns_rdf_deep_free(ce);
		(void)denial_prove_nodata(qname, qtype, nsecs, zone, pol, &why);
		(void)denial_prove_no_ds(qname, nsecs, zone, pol, &deleg, &why);
		if (ldns_dname_label_count(qname) > 0 &&
		    (parent = ldns_dname_left_chop(qname)) != NULL) {
			(void)denial_prove_wildcard(qname, parent, nsecs, zone, pol, &why);
			ldns_rdf_deep_free(parent);
		}
		/* Also with only the NSEC3 records, and with the apex as zone. */
		(void)denial_prove_nxdomain(qname, n3, zone, pol, NULL, NULL);
	}
	/* NSEC3 hashes of the question with each record's parameters. */
	for (i = 0; qname != NULL && i < ldns_rr_list_rr_count(n3) && i < 4; i++) {
		const ldns_rr *r = ldns_rr_list_rr(n3, i);
		const ldns_rdf *salt = ldns_rr_rd_count(r) > 3 ? ldns_rr_rdf(r, 3) : NULL;
		const ldns_rdf *it = ldns_rr_rd_count(r) > 2 ? ldns_rr_rdf(r, 2) : NULL;
		uint16_t iter;
		char *h;

		if (salt == NULL || it == NULL || ldns_rdf_size(it) != 2 ||
		    ldns_rdf_size(salt) < 1)
			continue;
		iter = (uint16_t)(ldns_rdf_data(it)[0] << 8 | ldns_rdf_data(it)[1]);
		if (iter > pol->nsec3_max_iterations)
			continue;
		h = nsec3_hash_b32(qname, 1, iter, ldns_rdf_data(salt) + 1,
				   ldns_rdf_size(salt) - 1);
		free(h);
	}
	ldns_rdf_deep_free(zone);
	ldns_rr_list_free(nsecs);
	ldns_rr_list_free(n3);
	ldns_rr_list_free(soa);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ldns_pkt *pkt = NULL;
	ldns_rr_list *all, *sigs, *keys, *ds;
	val_policy pol;
	val_why why;
	size_t i;

	if (kc == NULL && val_keycache_new(&kc) != DP_OK)
		return 0;
	if (ldns_wire2pkt(&pkt, data, size) != LDNS_STATUS_OK)
		return 0;
	val_policy_default(&pol);
	all = ldns_rr_list_new();
	push_section(all, ldns_pkt_answer(pkt));
	push_section(all, ldns_pkt_authority(pkt));
	push_section(all, ldns_pkt_additional(pkt));
	sigs = of_type(all, LDNS_RR_TYPE_RRSIG);
	keys = of_type(all, LDNS_RR_TYPE_DNSKEY);
	ds = of_type(all, LDNS_RR_TYPE_DS);

	verify_rrsets(all, sigs, keys, &pol);
	if (ldns_rr_list_rr_count(keys) > 0) {
		(void)dnskey_verify(keys, sigs, ds, NULL, FUZZ_NOW, &pol, kc, &why);
		(void)dnskey_verify(keys, sigs, NULL, keys, FUZZ_NOW, &pol, kc, &why);
	}
	for (i = 0; i < ldns_rr_list_rr_count(ds) && i < 8; i++) {
		size_t j;
		for (j = 0; j < ldns_rr_list_rr_count(keys) && j < 8; j++)
			(void)ds_match(ldns_rr_list_rr(ds, i), ldns_rr_list_rr(keys, j));
	}
	for (i = 0; i < ldns_rr_list_rr_count(keys); i++)
		(void)dnskey_tag(ldns_rr_list_rr(keys, i));
	run_denial(pkt, all, &pol);

	ldns_rr_list_free(sigs);
	ldns_rr_list_free(keys);
	ldns_rr_list_free(ds);
	ldns_rr_list_free(all);
	ldns_pkt_free(pkt);
	return 0;
}
