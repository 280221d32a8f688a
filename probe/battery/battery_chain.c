/*
 * battery_chain.c - the battery tests of the chain of trust (SPEC section
 * 5): DNSKEY and DS of the probe names' zones, and the NSEC/NSEC3
 * denials.  Split from battery_tests.c (700 lines, issue 9); the helpers
 * they share are in battery_int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/battery/battery_int.h"
#include "validator/names.h"

/* The zone a name is in: the name if it has a DNSKEY set, else the owner
 * of the SOA in the authority section.  zone gets "" when unknown. */
static void zone_of(battery_rstate *S, const battery_run *R, dp_test *t, const char *name, char *zone, size_t len)
{
	query_response r;
	ldns_rr_list *auth;

	zone[0] = '\0';
	if (bat_ask(S, R, t, name, LDNS_RR_TYPE_DNSKEY, QUERY_DO | QUERY_CD, 0, &r) != DP_OK)
		return;
	if (bat_count_type(r.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_DNSKEY) > 0) {
		snprintf(zone, len, "%s", name);
	} else if ((auth = ldns_pkt_authority(r.pkt)) != NULL) {
		for (size_t i = 0; i < ldns_rr_list_rr_count(auth); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(auth, i)) == LDNS_RR_TYPE_SOA) {
				bat_rdf_text(ldns_rr_owner(ldns_rr_list_rr(auth, i)), zone, len);
				break;
			}
	}
	query_response_clear(&r);
}

/* One DNSKEY set with its RRSIG; 0 on success, else detail written. */
static int dnskey_ok(battery_rstate *S, const battery_run *R, dp_test *t, const char *zone, const char *what,
		     char *note, size_t notelen)
{
	query_response r;
	int ok = -1;

	char q[300];
	int rc = bat_ask(S, R, t, zone, LDNS_RR_TYPE_DNSKEY, QUERY_DO | QUERY_CD, 0, &r);

	snprintf(q, sizeof(q), "%s DNSKEY %s", what, zone);
	dp_rule rule = bat_rule(t, DP_T_DNSKEY, rc, &r, LDNS_RR_TYPE_DNSKEY, q);
	if (rule == DP_RULE_CONFIG || rule == DP_RULE_COMPARE)
		;       /* written by bat_rule */
	else if (rc != DP_OK)
		bat_verdict(t, DP_RES_FAIL, "%s DNSKEY %s: %s%s", what, zone, r.detail,
			r.udp_truncated ? " (TC over UDP and TCP failed)" : "");
	else if (bat_count_type(r.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_DNSKEY) == 0)
		bat_verdict(t, DP_RES_FAIL, "%s DNSKEY %s: %s, no DNSKEY records", what, zone, bat_rcode_name(t->rcode));
	else if (bat_count_rrsig(r.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_DNSKEY) == 0) {
		t->flags |= DP_TF_STRIPPED;
		bat_verdict(t, DP_RES_FAIL, "RRSIG missing for %s/DNSKEY: resolver strips DNSSEC records", zone);
	} else {
		snprintf(note, notelen, "%s %zu keys%s", what,
			 bat_count_type(r.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_DNSKEY),
			 r.via_tcp ? (r.udp_truncated ? " (TCP after TC)" : " (TCP)") : "");
		ok = 0;
	}
	query_response_clear(&r);
	return ok;
}

void bat_dnskey(battery_rstate *S, const battery_run *R, dp_test *t)
{
	char zone[256], n1[96] = "", n2[96] = "", n3[96] = "";
	const char *name = bat_first_secure(R);

	if (dnskey_ok(S, R, t, ".", "root", n1, sizeof(n1)) < 0)
		return;
	if (name != NULL) {
		zone_of(S, R, t, name, zone, sizeof(zone));
		if (zone[0] && strcmp(zone, ".") != 0 && dnskey_ok(S, R, t, zone, "zone", n2, sizeof(n2)) < 0)
			return;
	}
	if (R->names->large_dnskey != NULL) {
		int before = t->flags;
		if (dnskey_ok(S, R, t, R->names->large_dnskey, "large", n3, sizeof(n3)) < 0) {
			/* A large set lost to size alone is small-edns, not stripping. */
			if ((t->flags & DP_TF_SIZE) || t->err == DP_ETIMEOUT || t->err == DP_ETRUNC)
				t->flags = (unsigned)before | DP_TF_SIZE;
			return;
		}
	}
	bat_verdict(t, DP_RES_PASS, "%s%s%s%s%s", n1, n2[0] ? ", " : "", n2, n3[0] ? ", " : "", n3);
}

void bat_ds(battery_rstate *S, const battery_run *R, dp_test *t)
{
	const char *name = bat_first_secure(R), *child = R->names->insecure_child;
	char zone[256], part[600] = "";
	query_response r;

	if (name != NULL) {
		zone_of(S, R, t, name, zone, sizeof(zone));
		if (zone[0] && strcmp(zone, ".") != 0) {
			if (bat_ask(S, R, t, zone, LDNS_RR_TYPE_DS, QUERY_DO | QUERY_CD, 0, &r) != DP_OK) {
				bat_verdict(t, DP_RES_FAIL, "DS %s: %s", zone, r.detail);
				return;
			}
			size_t ds = bat_count_type(r.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_DS);
			size_t sig = bat_count_rrsig(r.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_DS);
			query_response_clear(&r);
			if (ds == 0) {
				bat_verdict(t, DP_RES_FAIL, "DS %s: %s, no DS records", zone, bat_rcode_name(t->rcode));
				return;
			}
			if (sig == 0) {
				t->flags |= DP_TF_STRIPPED;
				bat_verdict(t, DP_RES_FAIL, "RRSIG missing for %s/DS: resolver strips DNSSEC records", zone);
				return;
			}
			snprintf(part, sizeof(part), "DS %s with RRSIG", zone);
		}
	}
	if (child != NULL) {
		if (bat_ask(S, R, t, child, LDNS_RR_TYPE_DS, QUERY_DO | QUERY_CD, 0, &r) != DP_OK) {
			bat_verdict(t, DP_RES_FAIL, "DS %s (no-DS proof): %s", child, r.detail);
			return;
		}
		size_t denial = bat_count_type(r.pkt, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NSEC)
				+ bat_count_type(r.pkt, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NSEC3);
		size_t sig = bat_count_rrsig(r.pkt, LDNS_SECTION_AUTHORITY, 0);
		size_t ds = bat_count_type(r.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_DS);
		query_response_clear(&r);
		if (ds > 0) {
			bat_verdict(t, DP_RES_FAIL, "%s has a DS record: probe.names.insecure_child must be an unsigned delegation", child);
			return;
		}
		if (denial == 0 || sig == 0) {
			t->flags |= DP_TF_STRIPPED;
			bat_verdict(t, DP_RES_FAIL, "no-DS proof for %s without %s: resolver strips DNSSEC records",
				child, denial == 0 ? "NSEC/NSEC3" : "RRSIG");
			return;
		}
		snprintf(part + strlen(part), sizeof(part) - strlen(part), "%sno-DS proof for %s",
			 part[0] ? ", " : "", child);
	}
	if (part[0] == '\0')
		bat_verdict(t, DP_RES_SKIP, "no signed child or probe.names.insecure_child configured");
	else
		bat_verdict(t, DP_RES_PASS, "%s", part);
}

void bat_denial(battery_rstate *S, const battery_run *R, dp_test *t, const char *zone, ldns_rr_type dtype)
{
	char qname[300], tn[16];
	query_response r;

	if (zone == NULL) {
		bat_verdict(t, DP_RES_SKIP, "no probe.names.%s configured", dtype == LDNS_RR_TYPE_NSEC ? "nsec" : "nsec3");
		return;
	}
	bat_type_name(dtype, tn, sizeof(tn));
	bat_nx_name(zone, qname, sizeof(qname));
	int rc = bat_ask(S, R, t, qname, LDNS_RR_TYPE_A, QUERY_DO | QUERY_CD, 0, &r);
	dp_rule rule = bat_rule(t, dtype == LDNS_RR_TYPE_NSEC ? DP_T_NSEC : DP_T_NSEC3, rc, &r,
				LDNS_RR_TYPE_A, qname);
	if (rc != DP_OK) {
		bat_verdict(t, DP_RES_FAIL, "%s A: %s", qname, r.detail);
		return;
	}
	size_t denial = bat_count_type(r.pkt, LDNS_SECTION_AUTHORITY, dtype);
	size_t sig = bat_count_rrsig(r.pkt, LDNS_SECTION_AUTHORITY, dtype);
	if (rule == DP_RULE_CONFIG)
		;       /* the name exists: written by bat_rule */
	else if (rule != DP_RULE_CHECK)
		bat_verdict(t, DP_RES_FAIL, "%s A: %s, expected NXDOMAIN", qname, bat_rcode_name(t->rcode));
	else if (denial == 0)
		bat_verdict(t, DP_RES_FAIL, "NXDOMAIN for %s without %s records: resolver strips denial proofs", qname, tn);
	else if (sig == 0) {
		t->flags |= DP_TF_STRIPPED;
		bat_verdict(t, DP_RES_FAIL, "RRSIG missing for the %s records of %s: resolver strips DNSSEC records", tn, zone);
	} else
		bat_verdict(t, DP_RES_PASS, "NXDOMAIN with %zu %s + RRSIG", denial, tn);
	query_response_clear(&r);
}
