/*
 * test_chain.c - the chain walk (validator/chain.c) against a small signed
 * DNS tree made at setup with ldns-keygen and ldns-signzone (another
 * implementation than ours), served by a fake fetch callback that answers
 * like a CD=1 resolver: data with its RRSIGs, CNAMEs followed, NSEC/NSEC3
 * denials and wildcard expansions.
 *
 *   .              NSEC, the test's own trust anchor (DS of its key)
 *   tld.           NSEC
 *   good.tld.      NSEC: www A, alias CNAME www.n3.tld., alias2 CNAME
 *                  www.unsigned.tld., *.wild A, x.ent A, loop1/loop2
 *   n3.tld.        NSEC3 (5 iterations): www A
 *   good.tld. also has dn DNAME n3.tld.
 *   unsigned.tld.  not signed, no DS in tld. (insecure delegation)
 *   expired.tld.   signatures expired in 2021
 *   bad.tld.       DS in tld. of another key (DS mismatch)
 *
 * A per-test hook tampers with answers: strip RRSIGs, change data, drop
 * DNSKEYs, or fail the fetch.  Every test checks status and reason text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <ldns/ldns.h>

#include "validator/val.h"
#include "validator/anchors.h"
#include "probe/report/report_lookup.h"

/* 2026-11-18T12:00:00Z; the zones are signed for 2025-2030. */
#define NOW ((int64_t)1795003200)

typedef struct tzone {
	ldns_rdf *apex;
	ldns_rr_list *rrs;
	int nsec3;
} tzone;

static char tdir[256];
static tzone zones[16];
static size_t n_zones;
static val_anchors *anchors;

/* Per-test tampering: may change the answer or fail the fetch. */
typedef int (*hook_fn)(const ldns_rdf *name, ldns_rr_type type, ldns_pkt *p);
static hook_fn hook;
static unsigned long fetch_count;

/* ---- building the tree ---- */

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

/* Generate a key for zone; its base name into base. */
static void keygen(const char *zone, char *base, size_t len)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof cmd, "cd %s && ldns-keygen -a ECDSAP256SHA256 -k %s", tdir, zone);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(base, (int)len, p));
	pclose(p);
	base[strcspn(base, "\n")] = '\0';
}

/* The DS of a key as a zone-file line. */
static void key2ds(const char *base, char *out, size_t len)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof cmd, "cd %s && ldns-key2ds -n -2 %s.key", tdir, base);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, (int)len, p));
	pclose(p);
}

static void write_zone(const char *file, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tdir, file);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void load_zone(const char *file, const char *apex, int nsec3)
{
	char path[512];
	FILE *f;
	ldns_zone *z = NULL;
	int line = 0;

	snprintf(path, sizeof path, "%s/%s", tdir, file);
	f = fopen(path, "r");
	assert_non_null(f);
	ldns_rdf *origin = ldns_dname_new_frm_str(apex);
	ldns_status st = ldns_zone_new_frm_fp_l(&z, f, origin, 3600, LDNS_RR_CLASS_IN, &line);
	fclose(f);
	if (st != LDNS_STATUS_OK)
		fail_msg("%s line %d: %s", path, line, ldns_get_errorstr_by_id(st));
	tzone *t = &zones[n_zones++];
	t->apex = origin;
	t->rrs = ldns_rr_list_clone(ldns_zone_rrs(z));
	ldns_rr_list_push_rr(t->rrs, ldns_rr_clone(ldns_zone_soa(z)));
	t->nsec3 = nsec3;
	ldns_zone_deep_free(z);
}

#define SOA(z) z " 3600 IN SOA ns.tld. host.tld. 1 3600 600 86400 300\n" z " 3600 IN NS ns.tld.\n"
#define SIGN "ldns-signzone -i 20250101 -e 20300101 "

static int setup(void **state)
{
	char root[128], tld[128], good[128], n3[128], exp[128], bad[128], other[128];
	char ds_tld[256], ds_good[256], ds_n3[256], ds_exp[256], ds_other[256], ds_root[256];
	char text[4096];

	(void)state;
	snprintf(tdir, sizeof tdir, "/tmp/dp-chain-XXXXXX");
	assert_non_null(mkdtemp(tdir));
	keygen("good.tld.", good, sizeof good);
	keygen("n3.tld.", n3, sizeof n3);
	keygen("expired.tld.", exp, sizeof exp);
	keygen("bad.tld.", bad, sizeof bad);
	keygen("bad.tld.", other, sizeof other);
	keygen("tld.", tld, sizeof tld);
	keygen(".", root, sizeof root);
	key2ds(good, ds_good, sizeof ds_good);
	key2ds(n3, ds_n3, sizeof ds_n3);
	key2ds(exp, ds_exp, sizeof ds_exp);
	key2ds(other, ds_other, sizeof ds_other);
	key2ds(tld, ds_tld, sizeof ds_tld);
	key2ds(root, ds_root, sizeof ds_root);

	write_zone("good.zone", SOA("good.tld.")
		"www.good.tld. 3600 IN A 192.0.2.1\n"
		"alias.good.tld. 3600 IN CNAME www.n3.tld.\n"
		"alias2.good.tld. 3600 IN CNAME www.unsigned.tld.\n"
		"loop1.good.tld. 3600 IN CNAME loop2.good.tld.\n"
		"loop2.good.tld. 3600 IN CNAME loop1.good.tld.\n"
		"*.wild.good.tld. 3600 IN A 192.0.2.7\n"
		"x.ent.good.tld. 3600 IN A 192.0.2.8\n"
		"dn.good.tld. 3600 IN DNAME n3.tld.\n");
	sh("cd %s && " SIGN "-f good.signed good.zone %s", tdir, good);
	write_zone("n3.zone", SOA("n3.tld.") "www.n3.tld. 3600 IN A 192.0.2.3\n");
	sh("cd %s && " SIGN "-n -t 5 -f n3.signed n3.zone %s", tdir, n3);
	write_zone("unsigned.zone", SOA("unsigned.tld.") "www.unsigned.tld. 3600 IN A 192.0.2.4\n");
	write_zone("exp.zone", SOA("expired.tld.") "www.expired.tld. 3600 IN A 192.0.2.5\n");
	sh("cd %s && ldns-signzone -i 20200101 -e 20210101 -f exp.signed exp.zone %s", tdir, exp);
	write_zone("bad.zone", SOA("bad.tld.") "www.bad.tld. 3600 IN A 192.0.2.6\n");
	sh("cd %s && " SIGN "-f bad.signed bad.zone %s", tdir, bad);

	snprintf(text, sizeof text, SOA("tld.")
		 "ns.tld. 3600 IN A 127.0.0.1\n"
		 "good.tld. 3600 IN NS ns.tld.\n%s"
		 "n3.tld. 3600 IN NS ns.tld.\n%s"
		 "unsigned.tld. 3600 IN NS ns.tld.\n"
		 "expired.tld. 3600 IN NS ns.tld.\n%s"
		 "bad.tld. 3600 IN NS ns.tld.\n%s",
		 ds_good, ds_n3, ds_exp, ds_other);
	write_zone("tld.zone", text);
	sh("cd %s && " SIGN "-f tld.signed tld.zone %s", tdir, tld);
	snprintf(text, sizeof text, SOA(".") "tld. 3600 IN NS ns.tld.\n%s", ds_tld);
	write_zone("root.zone", text);
	sh("cd %s && " SIGN "-o . -f root.signed root.zone %s", tdir, root);

	load_zone("root.signed", ".", 0);
	load_zone("tld.signed", "tld.", 0);
	load_zone("good.signed", "good.tld.", 0);
	load_zone("n3.signed", "n3.tld.", 1);
	load_zone("unsigned.zone", "unsigned.tld.", 0);
	load_zone("exp.signed", "expired.tld.", 0);
	load_zone("bad.signed", "bad.tld.", 0);

	char err[256];
	if (val_anchors_parse(ds_root, &anchors, err, sizeof err) != DP_OK)
		fail_msg("anchor: %s", err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_zones; i++) {
		ldns_rdf_deep_free(zones[i].apex);
		ldns_rr_list_deep_free(zones[i].rrs);
	}
	val_anchors_free(anchors);
	sh("rm -rf %s", tdir);
	return 0;
}

/* ---- the fake resolver ---- */

static int eqname(const ldns_rdf *a, const ldns_rdf *b)
{
	return ldns_dname_compare(a, b) == 0;
}

/* The zone that answers (name, type): the deepest apex at or above name,
 * except that DS at an apex comes from the parent (RFC 4035 3.1.4.1). */
static tzone *zone_for(const ldns_rdf *name, ldns_rr_type type)
{
	tzone *best = NULL;

	for (size_t i = 0; i < n_zones; i++) {
		tzone *z = &zones[i];
		int at = eqname(name, z->apex);
		if (!at && !ldns_dname_is_subdomain(name, z->apex))
			continue;
		if (at && type == LDNS_RR_TYPE_DS && ldns_dname_label_count(z->apex) > 0)
			continue;
		if (!best || ldns_dname_label_count(z->apex) > ldns_dname_label_count(best->apex))
			best = z;
	}
	return best;
}

static ldns_rr_type covered(const ldns_rr *rr)
{
	return ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
}

static void push_unique(ldns_rr_list *l, const ldns_rr *rr, const ldns_rdf *owner)
{
	ldns_rr *c = ldns_rr_clone(rr);

	if (owner) {
		ldns_rdf_deep_free(ldns_rr_owner(c));
		ldns_rr_set_owner(c, ldns_rdf_clone(owner));
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_compare(ldns_rr_list_rr(l, i), c) == 0) {
			ldns_rr_free(c);
			return;
		}
	ldns_rr_list_push_rr(l, c);
}

/* Copy the (owner, type) RRset and its RRSIGs into l, renamed to as_name
 * when not NULL (wildcard expansion).  Returns the number of data RRs. */
static size_t copy_set(tzone *z, const ldns_rdf *owner, ldns_rr_type type,
		       ldns_rr_list *l, const ldns_rdf *as_name)
{
	size_t n = 0;

	for (size_t i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);
		if (!eqname(ldns_rr_owner(rr), owner))
			continue;
		if (ldns_rr_get_type(rr) == type) {
			push_unique(l, rr, as_name);
			n++;
		} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG && covered(rr) == type) {
			push_unique(l, rr, as_name);
		}
	}
	return n;
}

static int exists(tzone *z, const ldns_rdf *name)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t == LDNS_RR_TYPE_NSEC3 || (t == LDNS_RR_TYPE_RRSIG && covered(rr) == LDNS_RR_TYPE_NSEC3))
			continue;
		if (eqname(ldns_rr_owner(rr), name) || ldns_dname_is_subdomain(ldns_rr_owner(rr), name))
			return 1;
	}
	return 0;
}

/* The NSEC/NSEC3 that matches (match=1) or covers name, with its RRSIG. */
static void add_denial(tzone *z, const ldns_rdf *name, int match, ldns_rr_list *auth)
{
	ldns_rr_type t = z->nsec3 ? LDNS_RR_TYPE_NSEC3 : LDNS_RR_TYPE_NSEC;

	for (size_t i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);
		if (ldns_rr_get_type(rr) != t)
			continue;
		ldns_rdf *target = ldns_rdf_clone(name);
		if (z->nsec3) {
			ldns_rdf *h = ldns_nsec3_hash_name_frm_nsec3(rr, name);
			ldns_rdf_deep_free(target);
			target = h;
			ldns_dname_cat(target, z->apex);
		}
		int hit = match ? eqname(ldns_rr_owner(rr), target)
				: (!eqname(ldns_rr_owner(rr), target) && ldns_nsec_covers_name(rr, target));
		ldns_rdf_deep_free(target);
		if (hit)
			copy_set(z, ldns_rr_owner(rr), t, auth, NULL);
	}
}

static void answer_into(ldns_pkt *p, const ldns_rdf *name, ldns_rr_type type, int depth);

static void negative(tzone *z, ldns_pkt *p, const ldns_rdf *name, ldns_rr_type type)
{
	ldns_rr_list *auth = ldns_pkt_authority(p);

	copy_set(z, z->apex, LDNS_RR_TYPE_SOA, auth, NULL);
	if (exists(z, name)) {
		ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
		if (z->nsec3)
			add_denial(z, name, 1, auth);
		else {
			add_denial(z, name, 1, auth);
			add_denial(z, name, 0, auth);   /* empty non-terminal */
		}
		return;
	}
	/* The closest encloser, then a wildcard there (RFC 4592). */
	ldns_rdf *ce = ldns_dname_left_chop(name);
	while (!exists(z, ce)) {
		ldns_rdf *up = ldns_dname_left_chop(ce);
		ldns_rdf_deep_free(ce);
		ce = up;
	}
	ldns_rdf *star = ldns_dname_new_frm_str("*");
	ldns_dname_cat(star, ce);
	ldns_rr_list *ans = ldns_pkt_answer(p);
	size_t nc = ldns_dname_label_count(name) - ldns_dname_label_count(ce);
	ldns_rdf *next_closer = ldns_dname_clone_from(name, (uint16_t)(nc - 1));
	if (copy_set(z, star, type, ans, name) > 0) {
		ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
		ldns_rr_list_deep_free(ldns_pkt_authority(p));
		ldns_pkt_set_authority(p, auth = ldns_rr_list_new());
		if (z->nsec3)
			add_denial(z, next_closer, 0, auth);
		else
			add_denial(z, name, 0, auth);
	} else {
		ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
		if (z->nsec3) {
			add_denial(z, ce, 1, auth);
			add_denial(z, next_closer, 0, auth);
			add_denial(z, star, 0, auth);
		} else {
			add_denial(z, name, 0, auth);
			add_denial(z, star, 0, auth);
		}
	}
	ldns_rdf_deep_free(next_closer);
	ldns_rdf_deep_free(star);
	ldns_rdf_deep_free(ce);
}

static void answer_into(ldns_pkt *p, const ldns_rdf *name, ldns_rr_type type, int depth)
{
	tzone *z = zone_for(name, type);
	ldns_rr_list *ans = ldns_pkt_answer(p);

	if (!z) {
		ldns_pkt_set_rcode(p, LDNS_RCODE_REFUSED);
		return;
	}
	if (copy_set(z, name, type, ans, NULL) > 0)
		return;
	if (type != LDNS_RR_TYPE_CNAME && copy_set(z, name, LDNS_RR_TYPE_CNAME, ans, NULL) > 0) {
		if (depth < 10) {
			for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
				ldns_rr *rr = ldns_rr_list_rr(ans, i);
				if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && eqname(ldns_rr_owner(rr), name)) {
					ldns_rdf *target = ldns_rdf_clone(ldns_rr_rdf(rr, 0));
					answer_into(p, target, type, depth + 1);
					ldns_rdf_deep_free(target);
					break;
				}
			}
		}
		return;
	}
	/* RFC 6672: a DNAME above name, with the unsigned synthesised CNAME. */
	ldns_rdf *anc = ldns_dname_left_chop(name);
	while (anc && ldns_dname_is_subdomain(anc, z->apex)) {
		size_t before = ldns_rr_list_rr_count(ans);
		if (copy_set(z, anc, LDNS_RR_TYPE_DNAME, ans, NULL) > 0) {
			ldns_rr *dn = NULL;
			for (size_t i = before; i < ldns_rr_list_rr_count(ans); i++)
				if (ldns_rr_get_type(ldns_rr_list_rr(ans, i)) == LDNS_RR_TYPE_DNAME)
					dn = ldns_rr_list_rr(ans, i);
			size_t keep = ldns_dname_label_count(name) - ldns_dname_label_count(anc);
			char *ns = ldns_rdf2str(name), *ts = ldns_rdf2str(ldns_rr_rdf(dn, 0));
			char *cut = ns;
			for (size_t k = 0; k < keep; k++)
				cut = strchr(cut, '.') + 1;
			char text[600];
			snprintf(text, sizeof text, "%s 3600 IN CNAME %.*s%s", ns, (int)(cut - ns), ns, ts);
			ldns_rr *cn = NULL;
			assert_int_equal(ldns_rr_new_frm_str(&cn, text, 3600, NULL, NULL), LDNS_STATUS_OK);
			ldns_rr_list_push_rr(ans, cn);
			ldns_rdf *target = ldns_rdf_clone(ldns_rr_rdf(cn, 0));
			free(ns);
			free(ts);
			ldns_rdf_deep_free(anc);
			if (depth < 10)
				answer_into(p, target, type, depth + 1);
			ldns_rdf_deep_free(target);
			return;
		}
		ldns_rdf *up = ldns_dname_left_chop(anc);
		ldns_rdf_deep_free(anc);
		anc = up;
	}
	ldns_rdf_deep_free(anc);
	negative(z, p, name, type);
}

static void fix_counts(ldns_pkt *p)
{
	ldns_pkt_set_ancount(p, (uint16_t)ldns_rr_list_rr_count(ldns_pkt_answer(p)));
	ldns_pkt_set_nscount(p, (uint16_t)ldns_rr_list_rr_count(ldns_pkt_authority(p)));
}

static int fake_fetch(void *arg, const ldns_rdf *name, ldns_rr_type type, ldns_pkt **out)
{
	ldns_pkt *p = ldns_pkt_new();

	(void)arg;
	fetch_count++;
	ldns_pkt_set_qr(p, 1);
	ldns_pkt_set_cd(p, 1);
	ldns_rr *q = ldns_rr_new();
	ldns_rr_set_owner(q, ldns_rdf_clone(name));
	ldns_rr_set_type(q, type);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	ldns_rr_set_question(q, true);
	ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q);
	answer_into(p, name, type, 0);
	fix_counts(p);
	if (hook) {
		int rc = hook(name, type, p);
		if (rc != DP_OK) {
			ldns_pkt_free(p);
			return rc;
		}
		fix_counts(p);
	}
	*out = p;
	return DP_OK;
}

/* ---- tampering ---- */

static void strip(ldns_rr_list *l, ldns_rr_type t, const char *owner)
{
	ldns_rdf *o = owner ? ldns_dname_new_frm_str(owner) : NULL;
	size_t k = 0;

	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == t && (!o || eqname(ldns_rr_owner(rr), o)))
			ldns_rr_free(rr);
		else
			ldns_rr_list_set_rr(l, rr, k++);
	}
	ldns_rr_list_set_rr_count(l, k);
	ldns_rdf_deep_free(o);
}

static int hook_strip_all_rrsigs(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	(void)n; (void)t;
	strip(ldns_pkt_answer(p), LDNS_RR_TYPE_RRSIG, NULL);
	strip(ldns_pkt_authority(p), LDNS_RR_TYPE_RRSIG, NULL);
	return DP_OK;
}

static int hook_strip_answer_rrsig(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	(void)n;
	if (t == LDNS_RR_TYPE_A)
		strip(ldns_pkt_answer(p), LDNS_RR_TYPE_RRSIG, "www.good.tld.");
	return DP_OK;
}

static int hook_tamper_a(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	ldns_rr_list *ans = ldns_pkt_answer(p);
	(void)n; (void)t;
	for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A) {
			ldns_rdf *a = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "192.0.2.99");
			ldns_rdf_deep_free(ldns_rr_set_rdf(rr, a, 0));
		}
	}
	return DP_OK;
}

static int hook_drop_dnskey(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	(void)n;
	if (t == LDNS_RR_TYPE_DNSKEY)
		strip(ldns_pkt_answer(p), LDNS_RR_TYPE_DNSKEY, "good.tld.");
	return DP_OK;
}

static int hook_timeout_tld_dnskey(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	ldns_rdf *tld = ldns_dname_new_frm_str("tld.");
	int hit = t == LDNS_RR_TYPE_DNSKEY && eqname(n, tld);
	(void)p;
	ldns_rdf_deep_free(tld);
	return hit ? DP_ETIMEOUT : DP_OK;
}

static int hook_servfail(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	(void)n; (void)t;
	ldns_pkt_set_rcode(p, LDNS_RCODE_SERVFAIL);
	return DP_OK;
}

/* Drop the NSEC records of a negative answer (and so the proof). */
static int hook_drop_nsec(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	(void)n; (void)t;
	strip(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC, NULL);
	return DP_OK;
}

/* ---- running a lookup ---- */

typedef struct lookup {
	val_result *r;
	val_stats st;
	char trace[8192];
} lookup;

static void trace_cb(void *arg, const char *line)
{
	lookup *l = arg;
	size_t n = strlen(l->trace);
	snprintf(l->trace + n, sizeof l->trace - n, "%s\n", line);
}

static void run(lookup *l, const char *name, ldns_rr_type type)
{
	val_ctx *ctx = NULL;
	ldns_rdf *qn = ldns_dname_new_frm_str(name);

	memset(l, 0, sizeof *l);
	assert_int_equal(val_ctx_new(&ctx, anchors, NOW, fake_fetch, NULL), DP_OK);
	val_ctx_set_trace(ctx, trace_cb, l);
	assert_int_equal(val_resolve(ctx, qn, type, &l->r), DP_OK);
	val_ctx_stats(ctx, &l->st);
	val_ctx_free(ctx);
	ldns_rdf_deep_free(qn);
}

static void done(lookup *l)
{
	val_result_free(l->r);
	hook = NULL;
}

#define expect(l, want, text) do { \
	const char *t_ = (text); \
	if (getenv("DP_TEST_VERBOSE")) \
		printf("  %s: %s ede %d\n%s", val_status_str((l)->r->status), \
		       (l)->r->reason, (int)(l)->r->ede, (l)->trace); \
	if ((l)->r->status != (want) || (t_ && !strstr((l)->r->reason, t_))) \
		fail_msg("got %s \"%s\", want %s \"%s\"\ntrace:\n%s", \
			 val_status_str((l)->r->status), (l)->r->reason, \
			 val_status_str(want), t_ ? t_ : "", (l)->trace); \
} while (0)

/* ---- tests ---- */

static void test_secure(void **state)
{
	lookup l;
	(void)state;
	run(&l, "www.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_SECURE, "");
	assert_int_equal(ldns_rr_list_rr_count(l.r->rrset), 1);
	assert_int_equal(l.r->ede, VAL_EDE_NONE);
	assert_int_equal(l.r->rcode, LDNS_RCODE_NOERROR);
	assert_non_null(strstr(l.trace, "DNSKEY good.tld secure (DS "));
	assert_non_null(strstr(l.trace, "from tld)"));
	char zb[64];
	assert_string_equal(val_dname_str(l.r->zone, zb, sizeof zb), "good.tld");
	done(&l);
}

static void test_secure_nsec3_zone(void **state)
{
	lookup l;
	(void)state;
	run(&l, "www.n3.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_SECURE, "");
	done(&l);
}

static void test_cache_each_set_once(void **state)
{
	val_ctx *ctx = NULL;
	val_result *a = NULL, *b = NULL;
	ldns_rdf *n1 = ldns_dname_new_frm_str("www.good.tld."), *n2 = ldns_dname_new_frm_str("good.tld.");
	val_stats st;
	(void)state;
	assert_int_equal(val_ctx_new(&ctx, anchors, NOW, fake_fetch, NULL), DP_OK);
	fetch_count = 0;
	assert_int_equal(val_resolve(ctx, n1, LDNS_RR_TYPE_A, &a), DP_OK);
	unsigned long first = fetch_count;
	/* www A, DNSKEY ., DS tld, DNSKEY tld, DS good.tld, DNSKEY good.tld */
	assert_int_equal(first, 6);
	assert_int_equal(val_resolve(ctx, n2, LDNS_RR_TYPE_SOA, &b), DP_OK);
	assert_int_equal(b->status, VAL_SECURE);
	assert_int_equal(fetch_count, first + 1);   /* only the SOA itself */
	val_ctx_stats(ctx, &st);
	assert_int_equal(st.fetches, 7);
	val_result_free(a);
	val_result_free(b);
	val_ctx_free(ctx);
	ldns_rdf_deep_free(n1);
	ldns_rdf_deep_free(n2);
}

static void test_insecure_delegation(void **state)
{
	lookup l;
	(void)state;
	run(&l, "www.unsigned.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_INSECURE, "no DS for unsigned.tld");
	assert_int_equal(ldns_rr_list_rr_count(l.r->rrset), 1);
	done(&l);
}

static void test_bogus_tampered(void **state)
{
	lookup l;
	(void)state;
	hook = hook_tamper_a;
	run(&l, "www.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_BOGUS, "www.good.tld/A");
	assert_int_equal(l.r->ede, VAL_EDE_DNSSEC_BOGUS);
	done(&l);
}

static void test_bogus_expired(void **state)
{
	lookup l;
	(void)state;
	run(&l, "www.expired.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_BOGUS, "DNSKEY set of expired.tld");
	if (!strstr(l.r->reason, "expired"))
		fail_msg("reason does not say expired: %s", l.r->reason);
	assert_int_equal(l.r->ede, VAL_EDE_SIGNATURE_EXPIRED);
	done(&l);
}

static void test_bogus_ds_mismatch(void **state)
{
	lookup l;
	(void)state;
	run(&l, "www.bad.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_BOGUS, "DNSKEY set of bad.tld");
	assert_true(l.r->ede == VAL_EDE_DNSKEY_MISSING || l.r->ede == VAL_EDE_DNSSEC_BOGUS);
	done(&l);
}

static void test_bogus_missing_dnskey(void **state)
{
	lookup l;
	(void)state;
	hook = hook_drop_dnskey;
	run(&l, "www.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_BOGUS, "DNSKEY missing for good.tld");
	assert_int_equal(l.r->ede, VAL_EDE_DNSKEY_MISSING);
	done(&l);
}

static void test_bogus_missing_rrsig(void **state)
{
	lookup l;
	(void)state;
	hook = hook_strip_answer_rrsig;
	run(&l, "www.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_BOGUS, "RRSIG missing for www.good.tld/A");
	assert_int_equal(l.r->ede, VAL_EDE_RRSIGS_MISSING);
	done(&l);
}

static void test_bogus_stripping_resolver(void **state)
{
	lookup l;
	(void)state;
	hook = hook_strip_all_rrsigs;
	run(&l, "www.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_BOGUS, "RRSIG missing for www.good.tld/A");
	done(&l);
}

static void test_nxdomain_nsec(void **state)
{
	lookup l;
	(void)state;
	run(&l, "nope.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_SECURE, "");
	assert_true(l.r->nxdomain);
	assert_int_equal(l.r->rcode, LDNS_RCODE_NXDOMAIN);
	done(&l);
}

static void test_nxdomain_nsec3(void **state)
{
	lookup l;
	(void)state;
	run(&l, "nope.n3.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_SECURE, "");
	assert_true(l.r->nxdomain);
	done(&l);
}

static void test_nodata_nsec(void **state)
{
	lookup l;
	(void)state;
	run(&l, "www.good.tld.", LDNS_RR_TYPE_MX);
	expect(&l, VAL_SECURE, "");
	assert_true(l.r->nodata);
	assert_int_equal(ldns_rr_list_rr_count(l.r->rrset), 0);
	done(&l);
}

static void test_nodata_nsec3(void **state)
{
	lookup l;
	(void)state;
	run(&l, "www.n3.tld.", LDNS_RR_TYPE_TXT);
	expect(&l, VAL_SECURE, "");
	assert_true(l.r->nodata);
	done(&l);
}

static void test_nxdomain_without_proof(void **state)
{
	lookup l;
	(void)state;
	hook = hook_drop_nsec;
	run(&l, "nope.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_BOGUS, "NXDOMAIN for nope.good.tld/A");
	done(&l);
}

static void test_nxdomain_insecure(void **state)
{
	lookup l;
	(void)state;
	run(&l, "nope.unsigned.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_INSECURE, "unsigned.tld");
	assert_true(l.r->nxdomain);
	done(&l);
}

static void test_wildcard(void **state)
{
	lookup l;
	(void)state;
	run(&l, "foo.wild.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_SECURE, "");
	assert_non_null(strstr(l.trace, "wildcard expansion"));
	done(&l);
}

static void test_cname_chain(void **state)
{
	lookup l;
	char fb[64];
	(void)state;
	run(&l, "alias.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_SECURE, "");
	assert_int_equal(ldns_rr_list_rr_count(l.r->chain), 1);
	assert_string_equal(val_dname_str(l.r->final_name, fb, sizeof fb), "www.n3.tld");
	assert_int_equal(ldns_rr_list_rr_count(l.r->rrset), 1);
	done(&l);
}

static void test_cname_into_insecure(void **state)
{
	lookup l;
	(void)state;
	run(&l, "alias2.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_INSECURE, "unsigned.tld");
	assert_int_equal(ldns_rr_list_rr_count(l.r->chain), 1);
	done(&l);
}

static void test_dname(void **state)
{
	lookup l;
	char fb[64];
	(void)state;
	run(&l, "www.dn.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_SECURE, "");
	assert_string_equal(val_dname_str(l.r->final_name, fb, sizeof fb), "www.n3.tld");
	assert_int_equal(ldns_rr_list_rr_count(l.r->rrset), 1);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(l.r->chain, 0)), LDNS_RR_TYPE_DNAME);
	assert_non_null(strstr(l.trace, "dn.good.tld/DNAME secure"));
	done(&l);
}

static void test_nsec3_iteration_policy(void **state)
{
	val_ctx *ctx = NULL;
	val_result *r = NULL;
	val_policy pol;
	ldns_rdf *qn = ldns_dname_new_frm_str("nope.n3.tld.");
	(void)state;
	val_policy_default(&pol);
	pol.nsec3_max_iterations = 2;   /* the zone uses 5 */
	assert_int_equal(val_ctx_new(&ctx, anchors, NOW, fake_fetch, NULL), DP_OK);
	val_ctx_set_policy(ctx, &pol);
	assert_int_equal(val_resolve(ctx, qn, LDNS_RR_TYPE_A, &r), DP_OK);
	if (r->status != VAL_INSECURE || r->ede != VAL_EDE_UNSUPPORTED_NSEC3_ITERATIONS)
		fail_msg("got %s ede %d: %s", val_status_str(r->status), (int)r->ede, r->reason);
	assert_non_null(strstr(r->reason, "NXDOMAIN for nope.n3.tld/A"));
	assert_true(r->nxdomain);
	val_result_free(r);
	val_ctx_free(ctx);
	ldns_rdf_deep_free(qn);
}

static void test_cname_loop(void **state)
{
	lookup l;
	(void)state;
	run(&l, "loop1.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_BOGUS, "CNAME/DNAME links");
	done(&l);
}

static void test_fetch_error(void **state)
{
	lookup l;
	(void)state;
	hook = hook_timeout_tld_dnskey;
	run(&l, "www.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_INDETERMINATE, "query for tld/DNSKEY failed: timed out");
	assert_int_equal(l.r->fetch_error, DP_ETIMEOUT);
	done(&l);
}

static void test_servfail(void **state)
{
	lookup l;
	(void)state;
	hook = hook_servfail;
	run(&l, "www.good.tld.", LDNS_RR_TYPE_A);
	expect(&l, VAL_INDETERMINATE, "SERVFAIL");
	assert_true(l.r->answered);
	assert_int_equal(l.r->rcode, LDNS_RCODE_SERVFAIL);
	done(&l);
}

static void test_no_anchor(void **state)
{
	val_anchors *other = NULL;
	val_ctx *ctx = NULL;
	val_result *r = NULL;
	char err[128];
	ldns_rdf *qn = ldns_dname_new_frm_str("www.good.tld.");
	(void)state;
	assert_int_equal(val_anchors_parse("example. IN DS 1 13 2 "
		"0000000000000000000000000000000000000000000000000000000000000000\n",
		&other, err, sizeof err), DP_OK);
	assert_int_equal(val_ctx_new(&ctx, other, NOW, fake_fetch, NULL), DP_OK);
	assert_int_equal(val_resolve(ctx, qn, LDNS_RR_TYPE_A, &r), DP_OK);
	assert_int_equal(r->status, VAL_INDETERMINATE);
	assert_non_null(strstr(r->reason, "no trust anchor covers good.tld"));
	val_result_free(r);
	val_ctx_free(ctx);
	val_anchors_free(other);
	ldns_rdf_deep_free(qn);
}

static void test_wrong_anchor(void **state)
{
	val_anchors *other = NULL;
	val_ctx *ctx = NULL;
	val_result *r = NULL;
	char err[128];
	ldns_rdf *qn = ldns_dname_new_frm_str("www.good.tld.");
	(void)state;
	assert_int_equal(val_anchors_parse(". IN DS 1 13 2 "
		"0000000000000000000000000000000000000000000000000000000000000000\n",
		&other, err, sizeof err), DP_OK);
	assert_int_equal(val_ctx_new(&ctx, other, NOW, fake_fetch, NULL), DP_OK);
	assert_int_equal(val_resolve(ctx, qn, LDNS_RR_TYPE_A, &r), DP_OK);
	assert_int_equal(r->status, VAL_BOGUS);
	assert_non_null(strstr(r->reason, "DNSKEY set of ."));
	val_result_free(r);
	val_ctx_free(ctx);
	val_anchors_free(other);
	ldns_rdf_deep_free(qn);
}

static void test_presentation(void **state)
{
	char b[64];
	ldns_rdf *root = ldns_dname_new_frm_str(".");
	(void)state;
	assert_string_equal(val_dname_str(root, b, sizeof b), ".");
	assert_string_equal(val_rrtype_str(LDNS_RR_TYPE_TLSA, b, sizeof b), "TLSA");
	assert_string_equal(val_rrtype_str((ldns_rr_type)65000, b, sizeof b), "TYPE65000");
	ldns_rdf_deep_free(root);
}

/* The lookup JSON contract (SPEC section 3). */
static void test_report_json(void **state)
{
	lookup l;
	(void)state;
	run(&l, "www.good.tld.", LDNS_RR_TYPE_A);
	json_t *o = report_lookup_json(l.r, "127.0.0.1");
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "www.good.tld");
	assert_string_equal(json_string_value(json_object_get(o, "type")), "A");
	assert_string_equal(json_string_value(json_object_get(o, "resolver")), "127.0.0.1");
	assert_string_equal(json_string_value(json_object_get(o, "status")), "secure");
	assert_string_equal(json_string_value(json_object_get(o, "reason")), "");
	assert_true(json_is_null(json_object_get(o, "ede")));
	assert_string_equal(json_string_value(json_object_get(o, "rcode")), "NOERROR");
	json_t *recs = json_object_get(o, "records");
	assert_int_equal(json_array_size(recs), 1);
	assert_string_equal(json_string_value(json_array_get(recs, 0)),
			    "www.good.tld. 3600 IN A 192.0.2.1");
	json_decref(o);
	done(&l);

	hook = hook_timeout_tld_dnskey;
	run(&l, "nope.good.tld.", LDNS_RR_TYPE_A);
	o = report_lookup_json(l.r, "127.0.0.1");
	assert_string_equal(json_string_value(json_object_get(o, "status")), "indeterminate");
	assert_int_equal(json_integer_value(json_object_get(o, "ede")), 22);
	assert_string_equal(json_string_value(json_object_get(o, "rcode")), "NXDOMAIN");
	assert_string_equal(json_string_value(json_object_get(o, "fetch_error")), "timed out");
	json_decref(o);
	done(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presentation),
		cmocka_unit_test(test_secure),
		cmocka_unit_test(test_secure_nsec3_zone),
		cmocka_unit_test(test_cache_each_set_once),
		cmocka_unit_test(test_insecure_delegation),
		cmocka_unit_test(test_bogus_tampered),
		cmocka_unit_test(test_bogus_expired),
		cmocka_unit_test(test_bogus_ds_mismatch),
		cmocka_unit_test(test_bogus_missing_dnskey),
		cmocka_unit_test(test_bogus_missing_rrsig),
		cmocka_unit_test(test_bogus_stripping_resolver),
		cmocka_unit_test(test_nxdomain_nsec),
		cmocka_unit_test(test_nxdomain_nsec3),
		cmocka_unit_test(test_nodata_nsec),
		cmocka_unit_test(test_nodata_nsec3),
		cmocka_unit_test(test_nxdomain_without_proof),
		cmocka_unit_test(test_nxdomain_insecure),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_cname_into_insecure),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_dname),
		cmocka_unit_test(test_nsec3_iteration_policy),
		cmocka_unit_test(test_fetch_error),
		cmocka_unit_test(test_servfail),
		cmocka_unit_test(test_no_anchor),
		cmocka_unit_test(test_wrong_anchor),
		cmocka_unit_test(test_report_json),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
