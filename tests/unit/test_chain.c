/*
 * test_chain.c - the chain walk (validator/chain.c) against a small signed
 * DNS tree made at setup with ldns-keygen and ldns-signzone (another
 * implementation than ours), served by a fake fetch callback that answers
 * like a CD=1 resolver: data with its RRSIGs, CNAMEs followed, NSEC/NSEC3
 * denials and wildcard expansions.
 *
 *   .              NSEC, the test's own trust anchor (DS of its key)
 *   tld.           NSEC
 *   tld.           NSEC, and a wildcard *.tld NS (a wildcard never
 *                  delegates, RFC 4592 4.2: only its NSEC is used here)
 *   good.tld.      NSEC: www A, alias CNAME www.n3.tld., alias2 CNAME
 *                  www.unsigned.tld., *.wild A, x.ent A, loop1/loop2,
 *                  _25._tcp.mx.wild TLSA, *.wc CNAME nope.n3.tld.,
 *                  *.wo CNAME nope.oo.tld., *.dn2 DNAME n3.tld.
 *   n3.tld.        NSEC3 (5 iterations): www A
 *   oo.tld.        NSEC3 with opt-out on every record: www A
 *   good.tld. also has dn DNAME n3.tld.
 *   unsigned.tld.  not signed, no DS in tld. (insecure delegation)
 *   expired.tld.   signatures expired in 2021
 *   bad.tld.       DS in tld. of another key (DS mismatch)
 *
 * A per-row hook tampers with answers: strip RRSIGs, change data, drop
 * DNSKEYs, fail the fetch, or forge a denial from records the zones really
 * signed (the attacks of issue 10).  The rows are a table: name, type,
 * hook, status, EDE and reason (a secure row asserts an empty reason).
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
	char root[128], tld[128], good[128], n3[128], oo[128], exp[128], bad[128], other[128];
	char ds_tld[256], ds_good[256], ds_n3[256], ds_oo[256], ds_exp[256], ds_other[256];
	char ds_root[256];
	char text[4096];

	(void)state;
	snprintf(tdir, sizeof tdir, "/tmp/dp-chain-XXXXXX");
	assert_non_null(mkdtemp(tdir));
	keygen("good.tld.", good, sizeof good);
	keygen("n3.tld.", n3, sizeof n3);
	keygen("oo.tld.", oo, sizeof oo);
	keygen("expired.tld.", exp, sizeof exp);
	keygen("bad.tld.", bad, sizeof bad);
	keygen("bad.tld.", other, sizeof other);
	keygen("tld.", tld, sizeof tld);
	keygen(".", root, sizeof root);
	key2ds(good, ds_good, sizeof ds_good);
	key2ds(n3, ds_n3, sizeof ds_n3);
	key2ds(oo, ds_oo, sizeof ds_oo);
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
		"dn.good.tld. 3600 IN DNAME n3.tld.\n"
		"_25._tcp.mx.wild.good.tld. 3600 IN TLSA 3 1 1 "
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
		"*.wc.good.tld. 3600 IN CNAME nope.n3.tld.\n"
		"*.wo.good.tld. 3600 IN CNAME nope.oo.tld.\n"
		"*.dn2.good.tld. 3600 IN DNAME n3.tld.\n");
	sh("cd %s && " SIGN "-f good.signed good.zone %s", tdir, good);
	write_zone("n3.zone", SOA("n3.tld.") "www.n3.tld. 3600 IN A 192.0.2.3\n");
	sh("cd %s && " SIGN "-n -t 5 -f n3.signed n3.zone %s", tdir, n3);
	write_zone("oo.zone", SOA("oo.tld.") "www.oo.tld. 3600 IN A 192.0.2.9\n");
	sh("cd %s && " SIGN "-n -p -t 5 -f oo.signed oo.zone %s", tdir, oo);
	write_zone("unsigned.zone", SOA("unsigned.tld.") "www.unsigned.tld. 3600 IN A 192.0.2.4\n");
	write_zone("exp.zone", SOA("expired.tld.") "www.expired.tld. 3600 IN A 192.0.2.5\n");
	sh("cd %s && ldns-signzone -i 20200101 -e 20210101 -f exp.signed exp.zone %s", tdir, exp);
	write_zone("bad.zone", SOA("bad.tld.") "www.bad.tld. 3600 IN A 192.0.2.6\n");
	sh("cd %s && " SIGN "-f bad.signed bad.zone %s", tdir, bad);

	snprintf(text, sizeof text, SOA("tld.")
		 "ns.tld. 3600 IN A 127.0.0.1\n"
		 "good.tld. 3600 IN NS ns.tld.\n%s"
		 "n3.tld. 3600 IN NS ns.tld.\n%s"
		 "oo.tld. 3600 IN NS ns.tld.\n%s"
		 "unsigned.tld. 3600 IN NS ns.tld.\n"
		 "expired.tld. 3600 IN NS ns.tld.\n%s"
		 "bad.tld. 3600 IN NS ns.tld.\n%s"
		 "*.tld. 3600 IN NS ns.tld.\n",
		 ds_good, ds_n3, ds_oo, ds_exp, ds_other);
	write_zone("tld.zone", text);
	sh("cd %s && " SIGN "-f tld.signed tld.zone %s", tdir, tld);
	snprintf(text, sizeof text, SOA(".") "tld. 3600 IN NS ns.tld.\n%s", ds_tld);
	write_zone("root.zone", text);
	sh("cd %s && " SIGN "-o . -f root.signed root.zone %s", tdir, root);

	load_zone("root.signed", ".", 0);
	load_zone("tld.signed", "tld.", 0);
	load_zone("good.signed", "good.tld.", 0);
	load_zone("n3.signed", "n3.tld.", 1);
	load_zone("oo.signed", "oo.tld.", 1);
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

/* The target of the CNAME at owner in the answer section, or NULL. */
static ldns_rdf *cname_target(ldns_pkt *p, const ldns_rdf *owner)
{
	ldns_rr_list *ans = ldns_pkt_answer(p);

	for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && eqname(ldns_rr_owner(rr), owner))
			return ldns_rr_rdf(rr, 0);
	}
	return NULL;
}

static void negative(tzone *z, ldns_pkt *p, const ldns_rdf *name, ldns_rr_type type, int depth)
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
	int wild = copy_set(z, star, type, ans, name) > 0;
	int wild_cname = !wild && type != LDNS_RR_TYPE_CNAME &&
			 copy_set(z, star, LDNS_RR_TYPE_CNAME, ans, name) > 0;
	if (wild || wild_cname) {
		ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
		ldns_rr_list_deep_free(ldns_pkt_authority(p));
		ldns_pkt_set_authority(p, auth = ldns_rr_list_new());
		if (z->nsec3)
			add_denial(z, next_closer, 0, auth);
		else
			add_denial(z, name, 0, auth);
		/* A resolver follows a wildcard CNAME too: the target's data
		 * or denial joins the same message, signed by its own zone. */
		if (wild_cname && depth < 10) {
			ldns_rdf *target = ldns_rdf_clone(cname_target(p, name));
			answer_into(p, target, type, depth + 1);
			ldns_rdf_deep_free(target);
		}
	} else if (exists(z, star)) {
		/* Wildcard NODATA (RFC 4035 3.1.3.4): name does not exist, the
		 * wildcard does, without the type. */
		ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
		if (z->nsec3) {
			add_denial(z, ce, 1, auth);
			add_denial(z, next_closer, 0, auth);
		} else {
			add_denial(z, name, 0, auth);
		}
		add_denial(z, star, 1, auth);
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
	negative(z, p, name, type, depth);
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

/* ---- forged answers (issue 10): records the zones signed, re-homed ---- */

static tzone *zone_named(const char *apex)
{
	ldns_rdf *a = ldns_dname_new_frm_str(apex);
	tzone *z = NULL;

	for (size_t i = 0; i < n_zones && !z; i++)
		if (eqname(zones[i].apex, a))
			z = &zones[i];
	ldns_rdf_deep_free(a);
	assert_non_null(z);
	return z;
}

static int is_query(const ldns_rdf *n, ldns_rr_type t, const char *want, ldns_rr_type wt)
{
	ldns_rdf *w = ldns_dname_new_frm_str(want);
	int hit = t == wt && eqname(n, w);

	ldns_rdf_deep_free(w);
	return hit;
}

/* Empty the answer and authority sections and set the rcode. */
static void clear_sections(ldns_pkt *p, ldns_pkt_rcode rc)
{
	ldns_rr_list_deep_free(ldns_pkt_answer(p));
	ldns_rr_list_deep_free(ldns_pkt_authority(p));
	ldns_pkt_set_answer(p, ldns_rr_list_new());
	ldns_pkt_set_authority(p, ldns_rr_list_new());
	ldns_pkt_set_rcode(p, rc);
}

/* Copy the signed (owner, type) set of zone apex into l, renamed to
 * as_name: what a resolver does when it expands a wildcard. */
static void copy_as(const char *apex, const char *owner, ldns_rr_type type,
		    ldns_rr_list *l, const char *as_name)
{
	ldns_rdf *o = ldns_dname_new_frm_str(owner);
	ldns_rdf *as = as_name ? ldns_dname_new_frm_str(as_name) : NULL;

	assert_true(copy_set(zone_named(apex), o, type, l, as) > 0);
	ldns_rdf_deep_free(o);
	ldns_rdf_deep_free(as);
}

/* Finding 1, NXDOMAIN form: the NSEC of *.wild (RRSIG labels 3), expanded
 * to "!.wild", sorts before *.wild and a.wild and so "covers" both. */
static int hook_wild_nsec_nxdomain(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	if (!is_query(n, t, "a.wild.good.tld.", LDNS_RR_TYPE_TXT))
		return DP_OK;
	clear_sections(p, LDNS_RCODE_NXDOMAIN);
	copy_as("good.tld.", "good.tld.", LDNS_RR_TYPE_SOA, ldns_pkt_authority(p), NULL);
	copy_as("good.tld.", "*.wild.good.tld.", LDNS_RR_TYPE_NSEC, ldns_pkt_authority(p),
		"!.wild.good.tld.");
	return DP_OK;
}

/* Finding 1, NODATA form: the same NSEC expanded to the TLSA name, whose
 * bitmap (A RRSIG NSEC) lacks TLSA: a DANE downgrade. */
static int hook_wild_nsec_nodata(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	if (!is_query(n, t, "_25._tcp.mx.wild.good.tld.", LDNS_RR_TYPE_TLSA))
		return DP_OK;
	clear_sections(p, LDNS_RCODE_NOERROR);
	copy_as("good.tld.", "good.tld.", LDNS_RR_TYPE_SOA, ldns_pkt_authority(p), NULL);
	copy_as("good.tld.", "*.wild.good.tld.", LDNS_RR_TYPE_NSEC, ldns_pkt_authority(p),
		"_25._tcp.mx.wild.good.tld.");
	return DP_OK;
}

/* Finding 1, no-DS form: the NSEC of the wildcard *.tld (NS, no DS)
 * expanded to good.tld, offered as the proof of an insecure delegation. */
static int hook_wild_nsec_no_ds(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	if (!is_query(n, t, "good.tld.", LDNS_RR_TYPE_DS))
		return DP_OK;
	clear_sections(p, LDNS_RCODE_NOERROR);
	copy_as("tld.", "tld.", LDNS_RR_TYPE_SOA, ldns_pkt_authority(p), NULL);
	copy_as("tld.", "*.tld.", LDNS_RR_TYPE_NSEC, ldns_pkt_authority(p), "good.tld.");
	return DP_OK;
}

/* Finding 4: the DNAME *.dn2 expanded to x.dn2, with the NSEC that does
 * cover x.dn2 (so only the wildcard DNAME rule can refuse it). */
static int hook_wild_dname(const ldns_rdf *n, ldns_rr_type t, ldns_pkt *p)
{
	ldns_rdf *x = ldns_dname_new_frm_str("x.dn2.good.tld.");
	ldns_rdf *target = ldns_dname_new_frm_str("www.n3.tld.");

	if (is_query(n, t, "www.x.dn2.good.tld.", LDNS_RR_TYPE_A)) {
		clear_sections(p, LDNS_RCODE_NOERROR);
		copy_as("good.tld.", "*.dn2.good.tld.", LDNS_RR_TYPE_DNAME, ldns_pkt_answer(p),
			"x.dn2.good.tld.");
		ldns_rr *cn = NULL;
		assert_int_equal(ldns_rr_new_frm_str(&cn, "www.x.dn2.good.tld. 3600 IN CNAME www.n3.tld.",
						     3600, NULL, NULL), LDNS_STATUS_OK);
		ldns_rr_list_push_rr(ldns_pkt_answer(p), cn);
		add_denial(zone_named("good.tld."), x, 0, ldns_pkt_authority(p));
		answer_into(p, target, LDNS_RR_TYPE_A, 1);
	}
	ldns_rdf_deep_free(x);
	ldns_rdf_deep_free(target);
	return DP_OK;
}

/* ---- running a lookup ---- */

typedef struct lookup {
	val_result *r;
	val_stats st;
	char trace[16384];
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

/* ---- the table ---- */

enum { NEG_NONE, NEG_NX, NEG_NODATA };

typedef struct row {
	const char *what;       /* the rule the row checks */
	const char *qname;
	ldns_rr_type type;
	hook_fn hook;
	val_status status;
	val_ede ede;            /* VAL_EDE_NONE for secure and insecure */
	const char *reason;     /* substring; "" means the reason must be empty */
	int neg;                /* NEG_NX / NEG_NODATA: the flag the result sets */
	int records;            /* answer RRs expected, -1: not checked */
	const char *final;      /* final name after CNAME/DNAME, or NULL */
	const char *trace;      /* a trace line that must appear, or NULL */
} row;

#define A LDNS_RR_TYPE_A
#define NONE VAL_EDE_NONE

static const row rows[] = {
	{ "secure answer, DS from the parent", "www.good.tld.", A, NULL,
	  VAL_SECURE, NONE, "", NEG_NONE, 1, NULL, "DNSKEY good.tld secure (DS " },
	{ "secure answer in an NSEC3 zone", "www.n3.tld.", A, NULL,
	  VAL_SECURE, NONE, "", NEG_NONE, 1, NULL, "from tld)" },
	{ "insecure delegation (no DS, proved)", "www.unsigned.tld.", A, NULL,
	  VAL_INSECURE, NONE, "insecure delegation: no DS for unsigned.tld, proved by tld",
	  NEG_NONE, 1, NULL, NULL },
	{ "tampered data", "www.good.tld.", A, hook_tamper_a,
	  VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "www.good.tld/A: RRSIG for www.good.tld/A does not verify with key", NEG_NONE, -1, NULL, NULL },
	{ "expired DNSKEY signatures", "www.expired.tld.", A, NULL,
	  VAL_BOGUS, VAL_EDE_SIGNATURE_EXPIRED,
	  "DNSKEY set of expired.tld: RRSIG for expired.tld/DNSKEY expired at 2021-01-01",
	  NEG_NONE, -1, NULL, NULL },
	{ "DS matches no DNSKEY", "www.bad.tld.", A, NULL,
	  VAL_BOGUS, VAL_EDE_DNSKEY_MISSING, "DNSKEY set of bad.tld: DS ", NEG_NONE, -1, NULL, NULL },
	{ "DNSKEY set missing", "www.good.tld.", A, hook_drop_dnskey,
	  VAL_BOGUS, VAL_EDE_DNSKEY_MISSING, "DNSKEY missing for good.tld (empty answer)",
	  NEG_NONE, -1, NULL, NULL },
	{ "answer RRSIG missing", "www.good.tld.", A, hook_strip_answer_rrsig,
	  VAL_BOGUS, VAL_EDE_RRSIGS_MISSING, "RRSIG missing for www.good.tld/A", NEG_NONE, -1, NULL, NULL },
	{ "resolver strips every RRSIG", "www.good.tld.", A, hook_strip_all_rrsigs,
	  VAL_BOGUS, VAL_EDE_RRSIGS_MISSING, "RRSIG missing for www.good.tld/A; RRSIG missing for ./DNSKEY",
	  NEG_NONE, -1, NULL, NULL },
	{ "NXDOMAIN, NSEC", "nope.good.tld.", A, NULL,
	  VAL_SECURE, NONE, "", NEG_NX, 0, NULL, "NXDOMAIN for nope.good.tld/A secure" },
	{ "NXDOMAIN, NSEC3", "nope.n3.tld.", A, NULL,
	  VAL_SECURE, NONE, "", NEG_NX, 0, NULL, "NXDOMAIN for nope.n3.tld/A secure" },
	{ "NODATA, NSEC", "www.good.tld.", LDNS_RR_TYPE_MX, NULL,
	  VAL_SECURE, NONE, "", NEG_NODATA, 0, NULL, NULL },
	{ "NODATA, NSEC3", "www.n3.tld.", LDNS_RR_TYPE_TXT, NULL,
	  VAL_SECURE, NONE, "", NEG_NODATA, 0, NULL, NULL },
	{ "NXDOMAIN without its NSEC records", "nope.good.tld.", A, hook_drop_nsec,
	  VAL_BOGUS, VAL_EDE_NSEC_MISSING, "NXDOMAIN for nope.good.tld/A: NSEC/NSEC3 proof missing",
	  NEG_NX, 0, NULL, NULL },
	{ "NXDOMAIN under an insecure delegation", "nope.unsigned.tld.", A, NULL,
	  VAL_INSECURE, NONE, "unsigned NXDOMAIN: insecure delegation: no DS for unsigned.tld",
	  NEG_NX, 0, NULL, NULL },
	{ "wildcard answer", "foo.wild.good.tld.", A, NULL,
	  VAL_SECURE, NONE, "", NEG_NONE, 1, NULL, "wildcard expansion" },
	{ "CNAME into another signed zone", "alias.good.tld.", A, NULL,
	  VAL_SECURE, NONE, "", NEG_NONE, 1, "www.n3.tld", NULL },
	{ "CNAME into an insecure zone", "alias2.good.tld.", A, NULL,
	  VAL_INSECURE, NONE, "unsigned: insecure delegation: no DS for unsigned.tld",
	  NEG_NONE, 1, "www.unsigned.tld", NULL },
	{ "CNAME loop", "loop1.good.tld.", A, NULL,
	  VAL_BOGUS, VAL_EDE_OTHER, "more than 8 CNAME/DNAME links from loop1.good.tld",
	  NEG_NONE, -1, NULL, NULL },
	{ "DNAME", "www.dn.good.tld.", A, NULL,
	  VAL_SECURE, NONE, "", NEG_NONE, 1, "www.n3.tld", "dn.good.tld/DNAME secure" },
	{ "fetch timeout", "www.good.tld.", A, hook_timeout_tld_dnskey,
	  VAL_INDETERMINATE, VAL_EDE_NO_REACHABLE_AUTHORITY, "query for tld/DNSKEY failed: timed out",
	  NEG_NONE, -1, NULL, NULL },
	{ "SERVFAIL even with CD=1", "www.good.tld.", A, hook_servfail,
	  VAL_INDETERMINATE, VAL_EDE_NO_REACHABLE_AUTHORITY,
	  "resolver answered SERVFAIL for www.good.tld/A (with CD=1)", NEG_NONE, -1, NULL, NULL },

	/* Issue 10, finding 1 (RFC 4035 5.3.2, RFC 4592 4.2): an NSEC
	 * expanded from a wildcard denies nothing at its expanded owner. */
	{ "wildcard-expanded NSEC as NXDOMAIN proof", "a.wild.good.tld.", LDNS_RR_TYPE_TXT,
	  hook_wild_nsec_nxdomain, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "expanded from the wildcard *.wild.good.tld", NEG_NX, 0, NULL, NULL },
	{ "wildcard-expanded NSEC as TLSA NODATA proof", "_25._tcp.mx.wild.good.tld.",
	  LDNS_RR_TYPE_TLSA, hook_wild_nsec_nodata, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
	  "expanded from the wildcard *.wild.good.tld", NEG_NODATA, 0, NULL, NULL },
	{ "wildcard-expanded NSEC as no-DS proof", "www.good.tld.", A, hook_wild_nsec_no_ds,
	  VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "expanded from the wildcard *.tld", NEG_NONE, -1, NULL, NULL },
	{ "the honest TLSA answer stays secure", "_25._tcp.mx.wild.good.tld.", LDNS_RR_TYPE_TLSA,
	  NULL, VAL_SECURE, NONE, "", NEG_NONE, 1, NULL, NULL },
	{ "the honest wildcard NODATA stays secure", "a.wild.good.tld.", LDNS_RR_TYPE_TXT, NULL,
	  VAL_SECURE, NONE, "", NEG_NODATA, 0, NULL, NULL },
	/* Finding 3 (RFC 4035 5.3.4, RFC 5155 8): each proof with its own
	 * zone's keys, only the proofs a step needs. */
	{ "wildcard CNAME to an NXDOMAIN in an NSEC3 zone", "x.wc.good.tld.", A, NULL,
	  VAL_SECURE, NONE, "", NEG_NX, 0, "nope.n3.tld", "NXDOMAIN for nope.n3.tld/A secure" },
	{ "wildcard CNAME to an opt-out NXDOMAIN", "x.wo.good.tld.", A, NULL,
	  VAL_INSECURE, NONE, "holds only through an NSEC3 opt-out span", NEG_NX, 0,
	  "nope.oo.tld", NULL },
	/* Finding 4 (RFC 4592 4.4, RFC 6672 5.3). */
	{ "DNAME synthesised from a wildcard", "www.x.dn2.good.tld.", A, hook_wild_dname,
	  VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS, "DNAME x.dn2.good.tld was synthesised from a wildcard",
	  NEG_NONE, -1, NULL, NULL },
	/* The root has no parent: its apex NSEC proves that it has no DS
	 * (RFC 4035 3.1.4.1 asks for the parent, and there is none). */
	{ "no DS at the root", ".", LDNS_RR_TYPE_DS, NULL,
	  VAL_SECURE, NONE, "", NEG_NODATA, 0, NULL, NULL },
};

/* 1 when the lookup matches the row; otherwise prints what differs. */
static int check_row(const row *w, lookup *l)
{
	const val_result *r = l->r;
	char fb[LDNS_MAX_DOMAINLEN + 1];
	int ok = r->status == w->status && r->ede == w->ede;

	/* A table row that expects a failure must name its reason. */
	if (w->status != VAL_SECURE && w->reason[0] == '\0')
		fail_msg("row \"%s\": a %s row must give a reason", w->what, val_status_str(w->status));
	ok = ok && (w->reason[0] == '\0' ? r->reason[0] == '\0' : strstr(r->reason, w->reason) != NULL);
	ok = ok && r->nxdomain == (w->neg == NEG_NX) && r->nodata == (w->neg == NEG_NODATA);
	ok = ok && (w->records < 0 || (int)ldns_rr_list_rr_count(r->rrset) == w->records);
	ok = ok && (!w->final || strcmp(val_dname_str(r->final_name, fb, sizeof fb), w->final) == 0);
	ok = ok && (!w->trace || strstr(l->trace, w->trace) != NULL);
	if (!ok || getenv("DP_TEST_VERBOSE"))
		printf("row \"%s\" (%s %d): %s ede %d nx %d nodata %d records %zu \"%s\"\n%s",
		       w->what, w->qname, (int)w->type, val_status_str(r->status), (int)r->ede,
		       r->nxdomain, r->nodata, ldns_rr_list_rr_count(r->rrset), r->reason, l->trace);
	if (!ok)
		printf("  FAILED row \"%s\": want %s ede %d \"%s\" neg %d records %d final %s trace %s\n",
		       w->what, val_status_str(w->status), (int)w->ede, w->reason, w->neg,
		       w->records, w->final ? w->final : "-", w->trace ? w->trace : "-");
	return ok;
}

/* Every row runs, so that one failure does not hide the next. */
static void test_rows(void **state)
{
	size_t bad = 0, n = sizeof rows / sizeof rows[0];

	(void)state;
	for (size_t i = 0; i < n; i++) {
		lookup l;
		hook = rows[i].hook;
		run(&l, rows[i].qname, rows[i].type);
		bad += !check_row(&rows[i], &l);
		done(&l);
	}
	if (bad)
		fail_msg("%zu of %zu rows failed", bad, n);
}

/* ---- tests outside the table ---- */

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

/* Lookups in one context; returns the fetches they made. */
static unsigned long resolve_n(val_ctx *ctx, const char *name, ldns_rr_type type,
			       val_status want)
{
	ldns_rdf *qn = ldns_dname_new_frm_str(name);
	val_result *r = NULL;
	unsigned long before = fetch_count;

	assert_int_equal(val_resolve(ctx, qn, type, &r), DP_OK);
	assert_int_equal(r->status, want);
	val_result_free(r);
	ldns_rdf_deep_free(qn);
	return fetch_count - before;
}

/* The caches are bounded (issue 16: they only grew): above the cap the
 * least recently used entries go, and a later lookup fetches again and
 * still validates. */
static void test_cache_bounded(void **state)
{
	val_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(val_ctx_new(&ctx, anchors, NOW, fake_fetch, NULL), DP_OK);
	assert_int_equal(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE), 6);
	assert_int_equal(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE), 0);
	val_ctx_set_cache(ctx, 1, 1, 0);
	/* www.n3.tld needs the root and tld keys again, and its own */
	assert_true(resolve_n(ctx, "www.n3.tld.", A, VAL_SECURE) >= 3);
	assert_true(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE) >= 3);
	/* a byte cap alone: a 1-byte budget keeps no message between lookups */
	val_ctx_set_cache(ctx, 1000, 1000, 0);
	resolve_n(ctx, "www.good.tld.", A, VAL_SECURE);
	assert_int_equal(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE), 0);
	val_ctx_set_cache(ctx, 1000, 1000, 1);
	assert_true(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE) >= 1);
	val_ctx_free(ctx);
}

/* Entries live for their TTL (3600 s in these zones) at the time the
 * caller gives; a failed fetch for CACHE_FAIL_TTL (5 s) only. */
static void test_cache_ttl(void **state)
{
	val_ctx *ctx = NULL;
	(void)state;
	assert_int_equal(val_ctx_new(&ctx, anchors, NOW, fake_fetch, NULL), DP_OK);
	assert_int_equal(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE), 6);
	val_ctx_set_now(ctx, NOW + 3599);
	assert_int_equal(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE), 0);
	val_ctx_set_now(ctx, NOW + 3600);
	assert_int_equal(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE), 6);
	val_ctx_free(ctx);

	assert_int_equal(val_ctx_new(&ctx, anchors, NOW, fake_fetch, NULL), DP_OK);
	hook = hook_timeout_tld_dnskey;
	assert_true(resolve_n(ctx, "www.good.tld.", A, VAL_INDETERMINATE) > 0);
	/* the same second: the failure is remembered, nothing is asked */
	assert_int_equal(resolve_n(ctx, "www.good.tld.", A, VAL_INDETERMINATE), 0);
	hook = NULL;
	val_ctx_set_now(ctx, NOW + 4);
	assert_int_equal(resolve_n(ctx, "www.good.tld.", A, VAL_INDETERMINATE), 0);
	/* five seconds on, the resolver is asked again and now answers */
	val_ctx_set_now(ctx, NOW + 5);
	assert_true(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE) > 0);
	val_ctx_free(ctx);
}

/* Hints (val_ctx_set_ahead, issue 16): the log of hints and fetches of
 * one lookup, "+name/TYPE" for a hint, "name/TYPE" for a fetch. */
static char ahead_log[64][80];
static size_t ahead_n;

static void ahead_note(char mark, const ldns_rdf *name, ldns_rr_type type)
{
	char nb[64], tb[16];

	if (ahead_n < 64)
		snprintf(ahead_log[ahead_n++], sizeof ahead_log[0], "%s%s/%s", mark ? "+" : "",
			 val_dname_str(name, nb, sizeof nb), val_rrtype_str(type, tb, sizeof tb));
}

static void ahead_record(void *arg, const ldns_rdf *name, ldns_rr_type type)
{
	(void)arg;
	ahead_note('+', name, type);
}

static int ahead_fetch(void *arg, const ldns_rdf *name, ldns_rr_type type, ldns_pkt **out)
{
	ahead_note(0, name, type);
	return fake_fetch(arg, name, type, out);
}

/* Where entry want is in the log; -1 when it is not. */
static int ahead_at(const char *want)
{
	for (size_t i = 0; i < ahead_n; i++)
		if (strcmp(ahead_log[i], want) == 0)
			return (int)i;
	return -1;
}

/* Before the validator asks for the first DS of the chain, it has hinted
 * every DNSKEY and DS set it will walk up through, so that a fetcher can
 * send them together instead of one round trip after the other; each
 * hint is fetched afterwards, and nothing cached is hinted again. */
static void test_ahead_hints_chain(void **state)
{
	val_ctx *ctx = NULL;
	static const char *const chain[] = { "+good.tld/DNSKEY", "+good.tld/DS", "+tld/DNSKEY",
					     "+tld/DS", "+./DNSKEY" };
	(void)state;
	assert_int_equal(val_ctx_new(&ctx, anchors, NOW, ahead_fetch, NULL), DP_OK);
	val_ctx_set_ahead(ctx, ahead_record);
	ahead_n = 0;
	fetch_count = 0;
	assert_int_equal(resolve_n(ctx, "www.good.tld.", A, VAL_SECURE), 6);
	int first_ds = ahead_at("good.tld/DS");
	assert_true(first_ds > 0);
	for (size_t i = 0; i < sizeof chain / sizeof *chain; i++) {
		int hint = ahead_at(chain[i]);
		assert_true(hint >= 0 && hint < first_ds);
		assert_true(ahead_at(chain[i] + 1) > hint);   /* fetched after */
	}
	/* the same zone again: its chain is cached, nothing is hinted */
	ahead_n = 0;
	assert_int_equal(resolve_n(ctx, "mail.good.tld.", A, VAL_SECURE), 1);
	for (size_t i = 0; i < ahead_n; i++)
		assert_true(ahead_log[i][0] != '+');
	/* the caller's own hints: passed on unless the answer is cached */
	ahead_n = 0;
	ldns_rdf *www = ldns_dname_new_frm_str("www.good.tld."), *tx = ldns_dname_new_frm_str("tx.good.tld.");
	val_ahead(ctx, www, A);
	val_ahead(ctx, tx, LDNS_RR_TYPE_TXT);
	assert_int_equal(ahead_n, 1);
	assert_string_equal(ahead_log[0], "+tx.good.tld/TXT");
	ldns_rdf_deep_free(www);
	ldns_rdf_deep_free(tx);
	val_ctx_free(ctx);
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
	/* One definition for validator/ and probe/ (issue 9): NULL is the
	 * empty string, the trailing dot goes, case stays. */
	assert_string_equal(val_dname_str(NULL, b, sizeof b), "");
	ldns_rdf *mixed = ldns_dname_new_frm_str("Mail.Example.");
	assert_string_equal(val_dname_str(mixed, b, sizeof b), "Mail.Example");
	ldns_rdf_deep_free(mixed);
	assert_string_equal(val_rrtype_str(LDNS_RR_TYPE_A, b, sizeof b), "A");
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
	assert_string_equal(json_string_value(json_object_get(o, "dnssec")), "secure");
	assert_string_equal(json_string_value(json_object_get(o, "reason")), "");
	assert_true(json_is_null(json_object_get(o, "ede")));
	assert_string_equal(json_string_value(json_object_get(o, "rcode")), "NOERROR");
	char zb[64];
	assert_string_equal(val_dname_str(l.r->zone, zb, sizeof zb), "good.tld");
	json_t *recs = json_object_get(o, "records");
	assert_int_equal(json_array_size(recs), 1);
	assert_string_equal(json_string_value(json_array_get(recs, 0)),
			    "www.good.tld. 3600 IN A 192.0.2.1");
	json_decref(o);
	done(&l);

	hook = hook_timeout_tld_dnskey;
	run(&l, "nope.good.tld.", LDNS_RR_TYPE_A);
	o = report_lookup_json(l.r, "127.0.0.1");
	assert_string_equal(json_string_value(json_object_get(o, "dnssec")), "indeterminate");
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
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_cache_each_set_once),
		cmocka_unit_test(test_cache_bounded),
		cmocka_unit_test(test_cache_ttl),
		cmocka_unit_test(test_ahead_hints_chain),
		cmocka_unit_test(test_nsec3_iteration_policy),
		cmocka_unit_test(test_no_anchor),
		cmocka_unit_test(test_wrong_anchor),
		cmocka_unit_test(test_report_json),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
