/*
 * battery_tests.c - the direct-query tests of the probe battery (SPEC
 * section 5): each asks the resolver itself (RD=1) and writes pass, fail
 * or skip with one line of detail naming the record and the cause.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/battery/battery_int.h"
#include "probe/util/clock.h"
#include "validator/names.h"

/* ---- small helpers ---- */

static void bat_detail(dp_test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bat_detail(dp_test *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->detail, sizeof(t->detail), fmt, ap);
	va_end(ap);
}

void bat_verdict(dp_test *t, dp_result r, const char *fmt, ...)
{
	va_list ap;

	t->result = r;
	va_start(ap, fmt);
	vsnprintf(t->detail, sizeof(t->detail), fmt, ap);
	va_end(ap);
}

const char *bat_rcode_name(int rcode)
{
	const ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, rcode);
	return lt ? lt->name : "RCODE?";
}

/* The validator's one definition of both (validator/names.c). */
const char *bat_type_name(ldns_rr_type t, char *buf, size_t len)
{
	return val_rrtype_str(t, buf, len);
}

void bat_rdf_text(const ldns_rdf *r, char *buf, size_t len)
{
	val_dname_str(r, buf, len);
}

/* "NAME [TYPE]" -> name, type (default def); -1 for an unknown type. */
static int bat_name_type(const char *spec, char *name, size_t len, ldns_rr_type def, ldns_rr_type *type)
{
	const char *sp = strchr(spec, ' ');

	*type = def;
	if (sp == NULL) {
		snprintf(name, len, "%s", spec);
		return 0;
	}
	snprintf(name, len, "%.*s", (int)(sp - spec), spec);
	while (*sp == ' ')
		sp++;
	if (*sp) {
		ldns_rr_type t = ldns_get_rr_type_by_name(sp);
		if (t == 0)
			return -1;
		*type = t;
	}
	return 0;
}

/* A fixed label, not a random one: the denial of a random label holds one
 * to three NSEC/NSEC3 records depending on where the label falls, so its
 * size, and whether it fit a 512-byte resolver, changed from run to run
 * (issue 14: "no-nsec3" came and went).  One name gives one answer. */
void bat_nx_name(const char *zone, char *buf, size_t len)
{
	snprintf(buf, len, "dp-nx-probe.%s", strcmp(zone, ".") == 0 ? "" : zone);
}

size_t bat_count_type(const ldns_pkt *p, ldns_pkt_section s, ldns_rr_type t)
{
	ldns_rr_list *l = s == LDNS_SECTION_ANSWER ? ldns_pkt_answer(p) : ldns_pkt_authority(p);
	size_t n = 0;

	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == t)
			n++;
	return n;
}

/* RRSIGs in section covering type (0: any type). */
size_t bat_count_rrsig(const ldns_pkt *p, ldns_pkt_section s, ldns_rr_type covered)
{
	ldns_rr_list *l = s == LDNS_SECTION_ANSWER ? ldns_pkt_answer(p) : ldns_pkt_authority(p);
	size_t n = 0;

	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG)
			continue;
		if (covered == 0 || ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == covered)
			n++;
	}
	return n;
}

/* One direct query.  Updates the test's counters, rtt, rcode, err. */
int bat_ask(battery_rstate *S, const battery_run *R, dp_test *t, const char *name, ldns_rr_type type,
	       unsigned flags, uint16_t edns, query_response *resp)
{
	ldns_rdf *qn;
	query_opts o;
	int rc;

	memset(resp, 0, sizeof(*resp));
	/* After a timeout, the rest of this test would only wait again. */
	if (t->err == DP_ETIMEOUT && t->queries > 0) {
		snprintf(resp->detail, sizeof(resp->detail), "not asked: an earlier query of this test timed out");
		return DP_ETIMEOUT;
	}
	if (atomic_load(&S->dead)) {
		snprintf(resp->detail, sizeof(resp->detail),
			 "not asked: the resolver answered neither UDP nor TCP");
		t->err = DP_ETIMEOUT;
		return DP_ETIMEOUT;
	}
	qn = ldns_dname_new_frm_str(name);
	if (qn == NULL) {
		snprintf(resp->detail, sizeof(resp->detail), "'%s' is not a domain name", name);
		t->err = DP_EINVAL;
		return DP_EINVAL;
	}
	memset(&o, 0, sizeof(o));
	o.flags = flags | QUERY_RD;
	o.edns_size = edns;
	o.timeout_ms = R->o->timeout_ms;
	rc = query_query(&S->srv, qn, type, &o, resp);
	ldns_rdf_deep_free(qn);
	t->queries++;
	t->depth++;
	t->err = rc;
	if (rc == DP_OK && resp->pkt != NULL) {
		t->rtt_ms = resp->rtt_ms;
		t->rcode = (int)ldns_pkt_get_rcode(resp->pkt);
	} else {
		if (rc == DP_OK)
			rc = t->err = DP_EPARSE;
		if (resp->udp_truncated)
			t->flags |= DP_TF_SIZE;
		if (resp->detail[0] == '\0')
			snprintf(resp->detail, sizeof(resp->detail), "%s", dp_strerror(rc));
	}
	return rc;
}

const char *bat_first_secure(const battery_run *R)
{
	return R->names->n_secure ? R->names->secure[0] : NULL;
}

dp_rule bat_rule(dp_test *t, dp_test_id id, int rc, const query_response *r, ldns_rr_type type,
		 const char *what)
{
	size_t n = rc == DP_OK && r->pkt ? bat_count_type(r->pkt, LDNS_SECTION_ANSWER, type) : 0;
	dp_shape s = dp_shape_of(rc, t->rcode, n);
	dp_rule rule = dp_shape_rule(id, s);

	t->shape = (int)s;
	if (rule == DP_RULE_CONFIG) {
		t->flags |= DP_TF_CONFIG;
		bat_verdict(t, DP_RES_SKIP, "configuration problem: %s: %s, the probe name lacks what this test asks",
			what, dp_shape_name(s));
	} else if (rule == DP_RULE_COMPARE) {
		t->flags |= DP_TF_COMPARE;
		bat_verdict(t, DP_RES_SKIP, "%s: %s", what, dp_shape_name(s));
	}
	return rule;
}

/* ---- the tests ---- */

/* One A question of a test whose name comes from the configuration:
 * what the udp/tcp, do/ad, cd and bogus tests share. */
typedef struct bat_aq {
	const char *name;          /* in: the name; NULL: the test is skipped */
	const char *list;          /* in: probe.names.LIST, for the skip line */
	const char *prefix, *how;  /* in: what = "<prefix>NAME A <how>" */
	dp_test_id id;             /* in: whose expected shapes judge the answer */
	unsigned flags;            /* in: QUERY_* */
	char what[300];            /* out: the question, for details */
	query_response r;          /* out: clear with query_response_clear */
	int rc;                    /* out: bat_ask's result */
	dp_rule rule;              /* out: bat_rule's */
} bat_aq;

/* Ask q->name for A and judge the answer's shape (bat_rule): 1, or 0
 * when there is no name (the test skipped, nothing asked, r untouched). */
static int bat_ask_a(battery_rstate *S, const battery_run *R, dp_test *t, bat_aq *q)
{
	if (q->name == NULL) {
		bat_verdict(t, DP_RES_SKIP, "no probe.names.%s configured", q->list);
		return 0;
	}
	q->rc = bat_ask(S, R, t, q->name, LDNS_RR_TYPE_A, q->flags, 0, &q->r);
	snprintf(q->what, sizeof(q->what), "%s%s A %s", q->prefix, q->name, q->how);
	q->rule = bat_rule(t, q->id, q->rc, &q->r, LDNS_RR_TYPE_A, q->what);
	return 1;
}

void bat_plain(battery_rstate *S, const battery_run *R, dp_test *t, unsigned flags, const char *how)
{
	char over[32];
	bat_aq q = { .name = bat_first_secure(R), .list = "secure", .prefix = "", .how = over,
		     .id = (flags & QUERY_TCP) ? DP_T_TCP : DP_T_UDP, .flags = flags };

	snprintf(over, sizeof(over), "over %s", how);
	if (!bat_ask_a(S, R, t, &q))
		return;
	if (q.rc != DP_OK)
		bat_verdict(t, DP_RES_FAIL, "%s: %s", q.what, q.r.detail);
	else if (q.rule == DP_RULE_FAIL)
		bat_verdict(t, DP_RES_FAIL, "%s: %s", q.what, bat_rcode_name(t->rcode));
	else if (q.rule == DP_RULE_PASS)
		bat_verdict(t, DP_RES_PASS, "%s A: NOERROR, %zu answer records", q.name,
			ldns_rr_list_rr_count(ldns_pkt_answer(q.r.pkt)));
	query_response_clear(&q.r);
}

void bat_edns0(battery_rstate *S, const battery_run *R, dp_test *t)
{
	const char *name = bat_first_secure(R);
	query_response r;

	if (name == NULL) {
		bat_verdict(t, DP_RES_SKIP, "no probe.names.secure configured");
		return;
	}
	int rc = bat_ask(S, R, t, name, LDNS_RR_TYPE_A, 0, 0, &r);

	bat_rule(t, DP_T_EDNS0, rc, &r, LDNS_RR_TYPE_A, name);
	if (rc != DP_OK)
		bat_verdict(t, DP_RES_FAIL, "query with OPT: %s", r.detail);
	else if (t->rcode == LDNS_RCODE_FORMERR)
		bat_verdict(t, DP_RES_FAIL, "FORMERR to a query with OPT: no EDNS0");
	else if (!ldns_pkt_edns(r.pkt))
		bat_verdict(t, DP_RES_FAIL, "no OPT record in the answer: EDNS0 stripped");
	else if (ldns_pkt_edns_version(r.pkt) != 0)
		bat_verdict(t, DP_RES_FAIL, "OPT version %u back", ldns_pkt_edns_version(r.pkt));
	else
		bat_verdict(t, DP_RES_PASS, "OPT version 0, UDP size %u", ldns_pkt_edns_udp_size(r.pkt));
	query_response_clear(&r);
}

void bat_do_ad(battery_rstate *S, const battery_run *R, dp_test *t, int want_ad)
{
	bat_aq q = { .name = bat_first_secure(R), .list = "secure", .prefix = "", .how = "with DO",
		     .id = want_ad ? DP_T_AD : DP_T_DO, .flags = QUERY_DO };

	if (!bat_ask_a(S, R, t, &q))
		return;
	if (q.rule == DP_RULE_CONFIG || q.rule == DP_RULE_COMPARE) {
		/* written by bat_rule */
	} else if (q.rc != DP_OK) {
		bat_verdict(t, DP_RES_FAIL, "%s A with DO: %s", q.name, q.r.detail);
	} else if (q.rule == DP_RULE_FAIL) {
		bat_verdict(t, DP_RES_FAIL, "%s A with DO: %s", q.name, bat_rcode_name(t->rcode));
	} else if (want_ad) {
		if (ldns_pkt_ad(q.r.pkt))
			bat_verdict(t, DP_RES_PASS, "AD=1 for %s A", q.name);
		else
			bat_verdict(t, DP_RES_FAIL, "AD=0 for the signed %s A: resolver does not validate (or clears AD)", q.name);
	} else if (bat_count_rrsig(q.r.pkt, LDNS_SECTION_ANSWER, 0) + bat_count_rrsig(q.r.pkt, LDNS_SECTION_AUTHORITY, 0) == 0) {
		t->flags |= DP_TF_STRIPPED;
		bat_verdict(t, DP_RES_FAIL, "RRSIG missing for %s/A with DO=1: resolver strips DNSSEC records", q.name);
	} else {
		bat_verdict(t, DP_RES_PASS, "%zu RRSIG with %s A", bat_count_rrsig(q.r.pkt, LDNS_SECTION_ANSWER, 0), q.name);
	}
	query_response_clear(&q.r);
}

/* The first probe.names.bogus name, or NULL. */
static const char *bat_first_bogus(const battery_run *R)
{
	return R->names->n_bogus ? R->names->bogus[0] : NULL;
}

void bat_cd(battery_rstate *S, const battery_run *R, dp_test *t)
{
	bat_aq q = { .name = bat_first_bogus(R), .list = "bogus", .prefix = "bogus ",
		     .how = "with CD=1", .id = DP_T_CD, .flags = QUERY_DO | QUERY_CD };

	if (!bat_ask_a(S, R, t, &q))
		return;
	if (q.rc != DP_OK) {
		bat_verdict(t, DP_RES_FAIL, "%s: %s", q.what, q.r.detail);
	} else if (q.rule == DP_RULE_PASS && t->shape == DP_SHAPE_DATA) {
		bat_verdict(t, DP_RES_PASS, "bogus %s A comes back with CD=1", q.name);
	} else if (q.rule == DP_RULE_PASS) {
		/* A resolver that ignored CD would have answered SERVFAIL. */
		t->flags |= DP_TF_CONFIG;
		bat_verdict(t, DP_RES_PASS, "%s: NOERROR/NODATA: CD honoured (configuration problem: "
			"%s has no A record, probe.names.bogus should name one)", q.what, q.name);
	} else if (q.rule == DP_RULE_FAIL) {
		bat_verdict(t, DP_RES_FAIL, "%s: %s, no data%s", q.what, bat_rcode_name(t->rcode),
			t->rcode == LDNS_RCODE_SERVFAIL ? ": resolver ignores CD" : "");
	}
	query_response_clear(&q.r);
}

/* The lowest-preference MX host of domain, or "" */
static void first_mx(const ldns_pkt *p, char *host, size_t len)
{
	ldns_rr_list *a = ldns_pkt_answer(p);
	long best = 70000;

	host[0] = '\0';
	for (size_t i = 0; a && i < ldns_rr_list_rr_count(a); i++) {
		ldns_rr *rr = ldns_rr_list_rr(a, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX || ldns_rr_rd_count(rr) < 2)
			continue;
		long pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		if (pref < best) {
			best = pref;
			bat_rdf_text(ldns_rr_rdf(rr, 1), host, len);
		}
	}
}

void bat_tlsa(battery_rstate *S, const battery_run *R, dp_test *t)
{
	const char *dom = R->names->n_dane ? R->names->dane[0] : NULL;
	char host[256], qname[300];
	query_response r;

	if (dom == NULL) {
		bat_verdict(t, DP_RES_SKIP, "no probe.names.dane configured");
		return;
	}
	if (bat_ask(S, R, t, dom, LDNS_RR_TYPE_MX, QUERY_DO | QUERY_CD, 0, &r) != DP_OK) {
		bat_verdict(t, DP_RES_FAIL, "MX %s (to find the TLSA name): %s", dom, r.detail);
		return;
	}
	first_mx(r.pkt, host, sizeof(host));
	query_response_clear(&r);
	if (host[0] == '\0') {
		bat_verdict(t, DP_RES_FAIL, "no MX for %s (%s): cannot ask its TLSA", dom, bat_rcode_name(t->rcode));
		return;
	}
	snprintf(qname, sizeof(qname), "_25._tcp.%s", host);
	if (bat_ask(S, R, t, qname, LDNS_RR_TYPE_TLSA, QUERY_DO | QUERY_CD, 0, &r) != DP_OK) {
		t->flags |= DP_TF_FILTERED;
		bat_verdict(t, DP_RES_FAIL, "TLSA %s refused/dropped (%s): resolver filters type 52", qname, r.detail);
		return;
	}
	size_t n = bat_count_type(r.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_TLSA);
	size_t sig = bat_count_rrsig(r.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_TLSA);
	char what[400];
	snprintf(what, sizeof(what), "TLSA %s with CD=1 (a resolver that filters type 52 answers so)", qname);
	dp_rule rule = bat_rule(t, DP_T_TLSA, DP_OK, &r, LDNS_RR_TYPE_TLSA, what);
	if (rule == DP_RULE_COMPARE || rule == DP_RULE_CONFIG) {
		t->flags |= DP_TF_FILTERED;
	} else if (t->rcode == LDNS_RCODE_REFUSED || t->rcode == LDNS_RCODE_NOTIMPL || t->rcode == LDNS_RCODE_FORMERR) {
		t->flags |= DP_TF_FILTERED;
		bat_verdict(t, DP_RES_FAIL, "TLSA %s refused (%s): resolver filters type 52", qname, bat_rcode_name(t->rcode));
	} else if (n == 0) {
		t->flags |= DP_TF_FILTERED;
		bat_verdict(t, DP_RES_FAIL, "TLSA %s: %s with no TLSA record: resolver filters type 52 (or %s has none)",
			qname, bat_rcode_name(t->rcode), host);
	} else if (sig == 0) {
		t->flags |= DP_TF_STRIPPED;
		bat_verdict(t, DP_RES_FAIL, "RRSIG missing for %s/TLSA: resolver strips DNSSEC records", qname);
	} else {
		bat_verdict(t, DP_RES_PASS, "%zu TLSA + RRSIG at %s", n, qname);
	}
	query_response_clear(&r);
}

void bat_unknown(battery_rstate *S, const battery_run *R, dp_test *t)
{
	const char *spec = R->names->unknown_type ? R->names->unknown_type : bat_first_secure(R);
	char name[256], tn[24];
	ldns_rr_type type;
	query_response r;

	if (spec == NULL) {
		bat_verdict(t, DP_RES_SKIP, "no probe.names.unknown_type configured");
		return;
	}
	if (bat_name_type(spec, name, sizeof(name), (ldns_rr_type)65000, &type) < 0) {
		bat_verdict(t, DP_RES_SKIP, "probe.names.unknown_type '%s': unknown type", spec);
		return;
	}
	bat_type_name(type, tn, sizeof(tn));
	char what[300];
	int rc = bat_ask(S, R, t, name, type, QUERY_DO, 0, &r);
	snprintf(what, sizeof(what), "%s %s", name, tn);
	dp_rule rule = bat_rule(t, DP_T_UNKNOWN_TYPE, rc, &r, type, what);
	if (rule == DP_RULE_CONFIG || rule == DP_RULE_COMPARE)
		;       /* written by bat_rule */
	else if (rc != DP_OK)
		bat_verdict(t, DP_RES_FAIL, "%s %s: %s", name, tn, r.detail);
	else if (rule == DP_RULE_PASS)
		bat_verdict(t, DP_RES_PASS, "%s %s: %s", name, tn, bat_rcode_name(t->rcode));
	else
		bat_verdict(t, DP_RES_FAIL, "%s %s: %s (unknown types not passed through)", name, tn,
			bat_rcode_name(t->rcode));
	query_response_clear(&r);
}

void bat_bogus(battery_rstate *S, const battery_run *R, dp_test *t)
{
	bat_aq q = { .name = bat_first_bogus(R), .list = "bogus", .prefix = "bogus ",
		     .how = "with CD=0", .id = DP_T_BOGUS, .flags = QUERY_DO };

	if (!bat_ask_a(S, R, t, &q))
		return;
	if (q.rule == DP_RULE_CONFIG) {
		query_response_clear(&q.r);
		return;
	}
	if (q.rc != DP_OK) {
		bat_verdict(t, DP_RES_FAIL, "bogus %s A: %s", q.name, q.r.detail);
		query_response_clear(&q.r);
		return;
	}
	/* The verdict waits for the ad test (dp_bogus_finalize), and for a
	 * denial (COMPARE) on whether a validator finds the name bogus
	 * (dp_shape_settle): then the denial is bogus data passed on. */
	t->result = DP_RES_SKIP;
	if (t->rcode == LDNS_RCODE_SERVFAIL)
		t->flags |= DP_TF_SERVFAIL;
	else if (ldns_pkt_ad(q.r.pkt))
		t->flags |= DP_TF_AD;
	else if (q.rule == DP_RULE_COMPARE ||
		 (t->rcode == LDNS_RCODE_NOERROR && ldns_rr_list_rr_count(ldns_pkt_answer(q.r.pkt)) > 0))
		t->flags |= DP_TF_DATA;
	bat_detail(t, "%s A with CD=0: %s%s%s", q.name, bat_rcode_name(t->rcode),
		   q.rule == DP_RULE_COMPARE ? (t->rcode == LDNS_RCODE_NXDOMAIN ? "" : "/NODATA") : "",
		   ldns_pkt_ad(q.r.pkt) ? ", AD=1" : "");
	query_response_clear(&q.r);
}

void bat_edns_size(battery_rstate *S, const battery_run *R, dp_test *t)
{
	const char *spec = R->names->big_answer;
	char name[256], tn[24];
	ldns_rr_type type;
	query_response r, r2;

	if (spec == NULL && R->names->large_dnskey != NULL) {
		snprintf(name, sizeof(name), "%s", R->names->large_dnskey);
		type = LDNS_RR_TYPE_DNSKEY;
	} else if (spec == NULL || bat_name_type(spec, name, sizeof(name), LDNS_RR_TYPE_TXT, &type) < 0) {
		bat_verdict(t, DP_RES_SKIP, "no probe.names.big_answer configured");
		return;
	}
	bat_type_name(type, tn, sizeof(tn));
	int rc = bat_ask(S, R, t, name, type, QUERY_DO | QUERY_CD | QUERY_NO_TCP_FALLBACK, 4096, &r);
	if (rc == DP_OK && !ldns_pkt_tc(r.pkt) && !r.udp_truncated) {
		if (r.wire_len > 1232)
			bat_verdict(t, DP_RES_PASS, "%s %s: %zu bytes over UDP", name, tn, r.wire_len);
		else
			bat_verdict(t, DP_RES_SKIP, "%s %s is only %zu bytes: probe.names.big_answer must exceed 1232",
				name, tn, r.wire_len);
		query_response_clear(&r);
		return;
	}
	int tc = rc == DP_OK;
	query_response_clear(&r);
	t->err = DP_OK;     /* a lost large UDP answer is what TCP is for */
	if (bat_ask(S, R, t, name, type, QUERY_DO | QUERY_CD | QUERY_TCP, 0, &r2) == DP_OK && r2.wire_len > 0) {
		bat_verdict(t, DP_RES_PASS, "%s %s: %s, then %zu bytes over TCP", name, tn,
			tc ? "TC over UDP" : "lost over UDP", r2.wire_len);
	} else {
		t->flags |= DP_TF_SIZE;
		bat_verdict(t, DP_RES_FAIL, "%s %s: %s, and TCP failed (%s)", name, tn,
			tc ? "TC over UDP" : "a large answer never arrived over UDP", r2.detail);
	}
	query_response_clear(&r2);
}

void bat_clock(battery_rstate *S, const battery_run *R, dp_test *t)
{
	const char *name = bat_first_secure(R);
	int64_t now = R->o->now, skew;
	char a[32], b[32];
	query_response r;
	val_policy pol;

	/* The skew the validator forgives is the one the clock test allows. */
	val_policy_default(&pol);
	skew = pol.skew_seconds;
	if (name == NULL) {
		bat_verdict(t, DP_RES_SKIP, "no probe.names.secure configured");
		return;
	}
	if (bat_ask(S, R, t, name, LDNS_RR_TYPE_A, QUERY_DO | QUERY_CD, 0, &r) != DP_OK) {
		bat_verdict(t, DP_RES_FAIL, "%s A: %s", name, r.detail);
		return;
	}
	ldns_rr_list *l = ldns_pkt_answer(r.pkt);
	int seen = 0;
	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(rr) < 9)
			continue;
		/* RFC 4034 3.1.5: serial-number arithmetic around now. */
		uint32_t inc = ldns_rdf2native_int32(ldns_rr_rrsig_inception(rr));
		uint32_t exp = ldns_rdf2native_int32(ldns_rr_rrsig_expiration(rr));
		int64_t inc_t = now + (int32_t)(inc - (uint32_t)now);
		int64_t exp_t = now + (int32_t)(exp - (uint32_t)now);
		seen = 1;
		dp_time_fmt(inc_t, a, sizeof(a));
		dp_time_fmt(exp_t, b, sizeof(b));
		if (inc_t > now + skew || exp_t < now - skew) {
			bat_verdict(t, DP_RES_FAIL, "RRSIG of %s valid %s..%s, local clock outside (check the clock or the resolver's cache)",
				name, a, b);
			query_response_clear(&r);
			return;
		}
	}
	if (seen)
		bat_verdict(t, DP_RES_PASS, "RRSIG of %s valid %s..%s, local clock inside", name, a, b);
	else
		bat_verdict(t, DP_RES_SKIP, "no RRSIG with %s A to compare the clock with", name);
	query_response_clear(&r);
}
