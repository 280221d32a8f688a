/*
 * zone.c - the generator's zones, signer and simulated resolver (gen.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/adversarial/gen/gen.h"

#ifndef GEN_KEYDIR
#define GEN_KEYDIR "tests/adversarial/gen/keys"
#endif

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "gen: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

ldns_rdf *dn(const char *s)
{
	ldns_rdf *r = NULL;
	if (ldns_str2rdf_dname(&r, s) != LDNS_STATUS_OK)
		die("bad name %s", s);
	ldns_dname2canonical(r);
	return r;
}

ldns_rr_type ty(const char *s)
{
	ldns_rr_type t = ldns_get_rr_type_by_name(s);
	if (!t)
		die("bad type %s", s);
	return t;
}

static int eqname(const ldns_rdf *a, const ldns_rdf *b)
{
	return ldns_dname_compare(a, b) == 0;
}

/* a is b or below it */
static int under(const ldns_rdf *a, const ldns_rdf *b)
{
	return eqname(a, b) || ldns_dname_is_subdomain(a, b);
}

static ldns_rr *rr_parse(const char *text, const ldns_rdf *origin)
{
	ldns_rr *rr = NULL;
	ldns_status st = ldns_rr_new_frm_str(&rr, text, 300, origin, NULL);
	if (st != LDNS_STATUS_OK)
		die("bad record '%s': %s", text, ldns_get_errorstr_by_id(st));
	return rr;
}

/* Keys: gen/keys/alg<A>-<slot>.private, one slot per zone of a scenario
 * so that no two zones share a key (a proof judged by the wrong zone's
 * key must not verify by accident). */
static ldns_key *key_load(int alg, int slot)
{
	char path[512];
	ldns_key *k = NULL;
	snprintf(path, sizeof path, "%s/alg%d-%d.private", GEN_KEYDIR, alg, slot);
	FILE *f = fopen(path, "r");
	if (!f || ldns_key_new_frm_fp(&k, f) != LDNS_STATUS_OK)
		die("cannot load key %s", path);
	fclose(f);
	return k;
}

gzone *gz_new(gscn *s, const char *apex, int alg, gzone *parent, int flags)
{
	gzone *z = calloc(1, sizeof *z);
	int slot = 0;

	if (!z || s->nz >= 12)
		die("too many zones");
	for (int i = 0; i < s->nz; i++)
		if (s->zones[i]->alg == alg)
			slot++;
	if (slot > 3)
		die("more than 4 zones with algorithm %d", alg);
	z->apex = dn(apex);
	z->parent = parent;
	z->flags = flags;
	z->alg = alg;
	z->rrs = ldns_rr_list_new();
	z->inception = GEN_INCEPTION;
	z->expiration = GEN_EXPIRATION;
	s->zones[s->nz++] = z;
	gz_add(z, "@ 3600 IN SOA ns1.@ hostmaster.@ 2026120100 3600 900 1209600 300");
	gz_add(z, "@ 3600 IN NS ns1.@");
	gz_add(z, "ns1 3600 IN A 192.0.2.53");
	if (!(flags & GZ_UNSIGNED)) {
		ldns_key *k = key_load(alg, slot);
		ldns_key_set_pubkey_owner(k, ldns_rdf_clone(z->apex));
		ldns_key_set_flags(k, 257);
		ldns_key_set_inception(k, z->inception);
		ldns_key_set_expiration(k, z->expiration);
		z->keys = ldns_key_list_new();
		ldns_key_list_push_key(z->keys, k);
		z->dnskey = ldns_key2rr(k);
		ldns_rr_set_ttl(z->dnskey, 3600);
		/* ldns keeps the tag computed at load time (flags 256) */
		ldns_key_set_keytag(k, ldns_calc_keytag(z->dnskey));
		ldns_rr_list_push_rr(z->rrs, ldns_rr_clone(z->dnskey));
	}
	if (parent) {
		char *a = ldns_rdf2str(z->apex);
		gz_add(parent, "%s 3600 IN NS ns1.%s", a, a);
		if (z->dnskey && !(flags & GZ_NO_DS)) {
			ldns_rr *ds = ldns_key_rr2ds(z->dnskey, LDNS_SHA256);
			ldns_rr_set_ttl(ds, 3600);
			ldns_rr_list_push_rr(parent->rrs, ds);
		}
		free(a);
	}
	return z;
}

void gz_nsec3(gzone *z, unsigned iterations, const char *salt_hex)
{
	z->flags |= GZ_NSEC3;
	z->iterations = (uint16_t)iterations;
	z->salt_len = 0;
	for (const char *p = salt_hex; p && p[0] && p[1] && z->salt_len < 16; p += 2) {
		unsigned b;
		sscanf(p, "%2x", &b);
		z->salt[z->salt_len++] = (uint8_t)b;
	}
}

void gz_validity(gzone *z, uint32_t inception, uint32_t expiration)
{
	z->inception = inception;
	z->expiration = expiration;
	if (z->keys) {
		ldns_key_set_inception(ldns_key_list_key(z->keys, 0), inception);
		ldns_key_set_expiration(ldns_key_list_key(z->keys, 0), expiration);
	}
}

/* Replace each '@' of fmt's expansion by the apex (without the trailing
 * dot when followed by more text is not needed: "ns1.@" -> ns1.example.). */
void gz_add(gzone *z, const char *fmt, ...)
{
	char buf[8192], out[16384], *a = ldns_rdf2str(z->apex);
	va_list ap;
	size_t o = 0;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p && o + strlen(a) + 2 < sizeof out; p++) {
		if (*p == '@' && o && out[o - 1] == '.' && strcmp(a, ".") == 0) {
			continue;       /* "ns1.@" at the root is "ns1." */
		} else if (*p == '@') {
			strcpy(out + o, a);
			o += strlen(a);
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	free(a);
	ldns_rr *rr = rr_parse(out, z->apex);
	ldns_dname2canonical(ldns_rr_owner(rr));
	if (!under(ldns_rr_owner(rr), z->apex))
		die("%s is outside its zone", out);
	ldns_rr_list_push_rr(z->rrs, rr);
}

/* ---- names, cuts and chains ---- */

static int is_cut(const gzone *z, const ldns_rdf *name)
{
	if (eqname(name, z->apex))
		return 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS && eqname(ldns_rr_owner(rr), name))
			return 1;
	}
	return 0;
}

static int has_type(const gzone *z, const ldns_rdf *name, ldns_rr_type t)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);
		if (ldns_rr_get_type(rr) == t && eqname(ldns_rr_owner(rr), name))
			return 1;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return ldns_dname_compare(*(ldns_rdf *const *)a, *(ldns_rdf *const *)b);
}

/* The names of the zone (owners, and empty non-terminals when ents),
 * sorted canonically; *n their count.  Malloced array of clones. */
static ldns_rdf **zone_names(const gzone *z, int ents, size_t *n)
{
	size_t cap = ldns_rr_list_rr_count(z->rrs) * 8 + 8, k = 0;
	ldns_rdf **v = calloc(cap, sizeof *v);

	for (size_t i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(z->rrs, i));
		for (ldns_rdf *c = ldns_rdf_clone(o); c;) {
			int seen = 0;
			for (size_t j = 0; j < k; j++)
				seen |= eqname(v[j], c);
			if (!seen && k < cap)
				v[k++] = ldns_rdf_clone(c);
			if (!ents || eqname(c, z->apex)) {
				ldns_rdf_deep_free(c);
				break;
			}
			ldns_rdf *up = ldns_dname_left_chop(c);
			ldns_rdf_deep_free(c);
			c = up;
		}
	}
	qsort(v, k, sizeof *v, cmp_names);
	*n = k;
	return v;
}

static void free_names(ldns_rdf **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ldns_rdf_deep_free(v[i]);
	free(v);
}

static int cmp_types(const void *a, const void *b)
{
	return (int)*(const ldns_rr_type *)a - (int)*(const ldns_rr_type *)b;
}

/* The type list of a name for its NSEC/NSEC3 bitmap (RFC 4034 4.1.2,
 * RFC 5155 3.2.1): the types present, RRSIG when something there is
 * signed (always for NSEC, which is itself signed), NSEC for NSEC. */
static void bitmap_text(const gzone *z, const ldns_rdf *name, int nsec, char *buf, size_t len)
{
	ldns_rr_type t[64];
	size_t n = 0;
	int cut = is_cut(z, name), signed_here = nsec;

	for (size_t i = 0; i < ldns_rr_list_rr_count(z->rrs) && n < 60; i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);
		ldns_rr_type rt = ldns_rr_get_type(rr);
		int seen = 0;
		if (!eqname(ldns_rr_owner(rr), name))
			continue;
		for (size_t j = 0; j < n; j++)
			seen |= t[j] == rt;
		if (!seen)
			t[n++] = rt;
		if (!cut || rt == LDNS_RR_TYPE_DS)
			signed_here = 1;
	}
	if (signed_here)
		t[n++] = LDNS_RR_TYPE_RRSIG;
	if (nsec)
		t[n++] = LDNS_RR_TYPE_NSEC;
	qsort(t, n, sizeof t[0], cmp_types);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char *tn = ldns_rr_type2str(t[i]);
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "", tn);
		free(tn);
	}
}

/* name lies strictly below a delegation of z: glue or occluded data */
static int below_cut(const gzone *z, const ldns_rdf *name)
{
	ldns_rdf *c = ldns_dname_left_chop(name);
	int r = 0;

	while (c && !r && ldns_dname_is_subdomain(c, z->apex)) {
		r = is_cut(z, c);
		ldns_rdf *up = ldns_dname_left_chop(c);
		ldns_rdf_deep_free(c);
		c = up;
	}
	ldns_rdf_deep_free(c);
	return r;
}

ldns_rdf *gz_hash(gzone *z, const ldns_rdf *name)
{
	ldns_rdf *h = ldns_nsec3_hash_name((ldns_rdf *)name, 1, z->iterations, z->salt_len, z->salt);
	if (!h || ldns_dname_cat(h, z->apex) != LDNS_STATUS_OK)
		die("nsec3 hash failed");
	ldns_dname2canonical(h);
	return h;
}

static void salt_text(const gzone *z, char *buf)
{
	if (!z->salt_len) {
		strcpy(buf, "-");
		return;
	}
	for (int i = 0; i < z->salt_len; i++)
		sprintf(buf + 2 * i, "%02x", z->salt[i]);
}

static void build_nsec(gzone *z, ldns_rr_list *out)
{
	size_t n;
	ldns_rdf **v = zone_names(z, 0, &n);
	ldns_rdf *keep[1024];
	size_t k = 0;
	char bm[1024], line[4096];

	for (size_t i = 0; i < n && k < 1024; i++)
		if (!below_cut(z, v[i]))
			keep[k++] = v[i];
	for (size_t i = 0; i < k; i++) {
		char *o = ldns_rdf2str(keep[i]), *nx = ldns_rdf2str(keep[(i + 1) % k]);
		bitmap_text(z, keep[i], 1, bm, sizeof bm);
		snprintf(line, sizeof line, "%s 300 IN NSEC %s %s", o, nx, bm);
		ldns_rr_list_push_rr(out, rr_parse(line, NULL));
		free(o);
		free(nx);
	}
	free_names(v, n);
}

typedef struct hname {
	ldns_rdf *name, *hash;
} hname;

static int cmp_hname(const void *a, const void *b)
{
	return ldns_dname_compare(((const hname *)a)->hash, ((const hname *)b)->hash);
}

static void build_nsec3(gzone *z, ldns_rr_list *out)
{
	size_t n, k = 0;
	ldns_rdf **v = zone_names(z, 1, &n);
	hname *h = calloc(n + 1, sizeof *h);
	char bm[1024], line[4096], salt[40];
	int optout = (z->flags & GZ_OPTOUT) != 0;

	salt_text(z, salt);
	for (size_t i = 0; i < n; i++) {
		if (below_cut(z, v[i]))
			continue;
		/* RFC 5155 7.1: with opt-out, unsigned delegations get no NSEC3. */
		if (optout && is_cut(z, v[i]) && !has_type(z, v[i], LDNS_RR_TYPE_DS))
			continue;
		h[k].name = v[i];
		h[k++].hash = gz_hash(z, v[i]);
	}
	qsort(h, k, sizeof *h, cmp_hname);
	for (size_t i = 0; i < k; i++) {
		char *o = ldns_rdf2str(h[i].hash);
		char *nx = ldns_rdf2str(h[(i + 1) % k].hash);
		*strchr(nx, '.') = '\0';           /* the hash label only */
		bitmap_text(z, h[i].name, 0, bm, sizeof bm);
		snprintf(line, sizeof line, "%s 300 IN NSEC3 1 %d %u %s %s %s", o, optout,
			 z->iterations, salt, nx, bm);
		ldns_rr_list_push_rr(out, rr_parse(line, NULL));
		free(o);
		free(nx);
	}
	for (size_t i = 0; i < k; i++)
		ldns_rdf_deep_free(h[i].hash);
	free(h);
	free_names(v, n);
}

/* RRSIGs over (owner, type) of list l, by z's key. */
static ldns_rr_list *sign_set(gzone *z, ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type t)
{
	ldns_rr_list *set = ldns_rr_list_new();
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == t && eqname(ldns_rr_owner(rr), owner))
			ldns_rr_list_push_rr(set, ldns_rr_clone(rr));
	}
	ldns_rr_list *sigs = ldns_sign_public(set, z->keys);
	if (!sigs)
		die("signing failed");
	ldns_rr_list_deep_free(set);
	return sigs;
}

void gz_sign(gzone *z)
{
	if (z->sgn)
		return;
	z->sgn = ldns_rr_list_clone(z->rrs);
	if (z->flags & GZ_UNSIGNED)
		return;
	if (z->flags & GZ_NSEC3)
		build_nsec3(z, z->sgn);
	else
		build_nsec(z, z->sgn);
	ldns_rr_list *all = ldns_rr_list_clone(z->sgn);
	for (size_t i = 0; i < ldns_rr_list_rr_count(all); i++) {
		ldns_rr *rr = ldns_rr_list_rr(all, i);
		const ldns_rdf *o = ldns_rr_owner(rr);
		ldns_rr_type t = ldns_rr_get_type(rr);
		int first = 1;
		for (size_t j = 0; j < i; j++) {
			ldns_rr *p = ldns_rr_list_rr(all, j);
			if (ldns_rr_get_type(p) == t && eqname(ldns_rr_owner(p), o))
				first = 0;
		}
		/* Delegation NS sets and glue are not signed (RFC 4035 2.2). */
		if (!first || below_cut(z, o) || (is_cut(z, o) && t != LDNS_RR_TYPE_DS &&
						  t != LDNS_RR_TYPE_NSEC))
			continue;
		ldns_rr_list *sigs = sign_set(z, all, o, t);
		ldns_rr_list_push_rr_list(z->sgn, sigs);
		ldns_rr_list_free(sigs);
	}
	ldns_rr_list_deep_free(all);
}

static ldns_rr_type covered(const ldns_rr *sig)
{
	return ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig));
}

static ldns_rr_list *get_set(gzone *z, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr_list *out = ldns_rr_list_new();

	gz_sign(z);
	for (size_t i = 0; i < ldns_rr_list_rr_count(z->sgn); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->sgn, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (!eqname(ldns_rr_owner(rr), owner))
			continue;
		if (t == type || (t == LDNS_RR_TYPE_RRSIG && covered(rr) == type))
			ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
	return out;
}

ldns_rr_list *gz_get(gzone *z, const char *owner, ldns_rr_type type)
{
	ldns_rdf *o = dn(owner);
	ldns_rr_list *l = get_set(z, o, type);
	ldns_rdf_deep_free(o);
	return l;
}

ldns_rr_list *gz_nsec_cover(gzone *z, const ldns_rdf *name)
{
	gz_sign(z);
	for (size_t i = 0; i < ldns_rr_list_rr_count(z->sgn); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->sgn, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC)
			continue;
		const ldns_rdf *o = ldns_rr_owner(rr), *nx = ldns_rr_rdf(rr, 0);
		int after = ldns_dname_compare(name, o) >= 0;
		int before = ldns_dname_compare(name, nx) < 0;
		int last = ldns_dname_compare(nx, o) <= 0;
		if ((after && before) || (last && after))
			return get_set(z, o, LDNS_RR_TYPE_NSEC);
	}
	return ldns_rr_list_new();
}

ldns_rr_list *gz_nsec3_for(gzone *z, const ldns_rdf *name, int *match)
{
	ldns_rdf *h = gz_hash(z, name);
	ldns_rr_list *res = NULL;

	gz_sign(z);
	for (size_t i = 0; i < ldns_rr_list_rr_count(z->sgn) && !res; i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->sgn, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC3)
			continue;
		const ldns_rdf *o = ldns_rr_owner(rr);
		char *t = ldns_rdf2str(ldns_rr_rdf(rr, 4)), *a = ldns_rdf2str(z->apex), nb[512];
		snprintf(nb, sizeof nb, "%s.%s", t, a);
		ldns_rdf *nx = dn(nb);
		int m = eqname(h, o);
		int after = ldns_dname_compare(h, o) > 0, before = ldns_dname_compare(h, nx) < 0;
		int last = ldns_dname_compare(nx, o) <= 0;
		if (m || (after && before) || (last && (after || before))) {
			if (match)
				*match = m;
			res = get_set(z, o, LDNS_RR_TYPE_NSEC3);
		}
		free(t);
		free(a);
		ldns_rdf_deep_free(nx);
	}
	ldns_rdf_deep_free(h);
	return res ? res : ldns_rr_list_new();
}

ldns_rr_list *gz_sign_text(gzone *z, uint32_t inception, uint32_t expiration,
			   const char *fmt, ...)
{
	char buf[16384];
	va_list ap;
	ldns_rr_list *l = ldns_rr_list_new();

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* several records, one per line */
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		ldns_rr_list_push_rr(l, rr_parse(line, NULL));
	ldns_key *k = ldns_key_list_key(z->keys, 0);
	if (inception || expiration) {
		ldns_key_set_inception(k, inception);
		ldns_key_set_expiration(k, expiration);
	}
	ldns_rr_list *sigs = ldns_sign_public(l, z->keys);
	ldns_key_set_inception(k, z->inception);
	ldns_key_set_expiration(k, z->expiration);
	if (!sigs)
		die("signing '%s' failed", buf);
	ldns_rr_list_push_rr_list(l, sigs);
	ldns_rr_list_free(sigs);
	return l;
}

/* ---- the simulated resolver ---- */

static int rr_in(const ldns_rr_list *l, const ldns_rr *rr)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_compare(ldns_rr_list_rr(l, i), rr) == 0 &&
		    eqname(ldns_rr_owner(ldns_rr_list_rr(l, i)), ldns_rr_owner(rr)))
			return 1;
	return 0;
}

void pk_add(ldns_pkt *p, ldns_pkt_section sec, ldns_rr_list *l)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		ldns_rr_list *cur = sec == LDNS_SECTION_ANSWER ? ldns_pkt_answer(p)
				  : sec == LDNS_SECTION_AUTHORITY ? ldns_pkt_authority(p)
				  : ldns_pkt_additional(p);
		if (rr_in(cur, rr))
			ldns_rr_free(rr);
		else
			ldns_pkt_push_rr(p, sec, rr);
	}
	ldns_rr_list_free(l);
}

static int zone_has_name(gzone *z, const ldns_rdf *name)
{
	size_t n;
	ldns_rdf **v = zone_names(z, 1, &n);
	int r = 0;
	for (size_t i = 0; i < n; i++)
		r |= eqname(v[i], name);
	free_names(v, n);
	return r && !below_cut(z, name);
}

static ldns_rdf *closest_encloser(gzone *z, const ldns_rdf *name)
{
	ldns_rdf *c = ldns_dname_left_chop(name);
	while (c && !zone_has_name(z, c)) {
		ldns_rdf *up = ldns_dname_left_chop(c);
		ldns_rdf_deep_free(c);
		c = up;
	}
	if (!c)
		die("no closest encloser");
	return c;
}

/* The ancestor of name one label below ce. */
static ldns_rdf *next_closer(const ldns_rdf *name, const ldns_rdf *ce)
{
	size_t drop = ldns_dname_label_count(name) - ldns_dname_label_count(ce) - 1;
	return ldns_dname_clone_from(name, (uint16_t)drop);
}

static ldns_rdf *wild(const ldns_rdf *ce)
{
	ldns_rdf *w = dn("*");
	ldns_dname_cat(w, ce);
	return w;
}

static void add_soa(gzone *z, ldns_pkt *p)
{
	pk_add(p, LDNS_SECTION_AUTHORITY, get_set(z, z->apex, LDNS_RR_TYPE_SOA));
}

/* RFC 5155 7.2.1: closest encloser (match) and next closer (cover). */
static void ce_proof(gzone *z, ldns_pkt *p, const ldns_rdf *name, const ldns_rdf *ce)
{
	ldns_rdf *nc = next_closer(name, ce);
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec3_for(z, ce, NULL));
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec3_for(z, nc, NULL));
	ldns_rdf_deep_free(nc);
}

static void nodata(gzone *z, ldns_pkt *p, const ldns_rdf *name)
{
	add_soa(z, p);
	if (z->flags & GZ_UNSIGNED)
		return;
	if (!(z->flags & GZ_NSEC3)) {
		pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, name));
		return;
	}
	int m = 0;
	ldns_rr_list *l = gz_nsec3_for(z, name, &m);
	if (m) {
		pk_add(p, LDNS_SECTION_AUTHORITY, l);
		return;
	}
	/* RFC 5155 7.2.4: a DS query at an opt-out delegation. */
	ldns_rr_list_deep_free(l);
	ldns_rdf *ce = closest_encloser(z, name);
	ce_proof(z, p, name, ce);
	ldns_rdf_deep_free(ce);
}

static ldns_rdf *cname_target(ldns_rr_list *l)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == LDNS_RR_TYPE_CNAME)
			return ldns_rdf_clone(ldns_rr_rdf(ldns_rr_list_rr(l, i), 0));
	return NULL;
}

static void rename_rdf(ldns_rr_list *l, const ldns_rdf *owner)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		ldns_rdf_deep_free(ldns_rr_owner(rr));
		ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
	}
}

/* RFC 4592: the answer from the wildcard at ce. */
static void wildcard(gzone *z, ldns_pkt *p, const ldns_rdf *name, ldns_rr_type qt,
		     const ldns_rdf *ce, const ldns_rdf *w, ldns_rdf **next)
{
	ldns_rr_type t = has_type(z, w, qt) ? qt : has_type(z, w, LDNS_RR_TYPE_CNAME)
			 ? LDNS_RR_TYPE_CNAME : 0;
	int nsec3 = (z->flags & GZ_NSEC3) != 0;

	if (t) {
		ldns_rr_list *l = get_set(z, w, t);
		rename_rdf(l, name);
		if (t == LDNS_RR_TYPE_CNAME)
			*next = cname_target(l);
		pk_add(p, LDNS_SECTION_ANSWER, l);
		if (z->flags & GZ_UNSIGNED)
			return;
		if (nsec3) {
			ldns_rdf *nc = next_closer(name, ce);
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec3_for(z, nc, NULL));
			ldns_rdf_deep_free(nc);
		} else {
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, name));
		}
		return;
	}
	add_soa(z, p);
	if (z->flags & GZ_UNSIGNED)
		return;
	if (nsec3) {
		ce_proof(z, p, name, ce);
		pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec3_for(z, w, NULL));
	} else {
		pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, name));
		pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, w));
	}
}

static void nxdomain(gzone *z, ldns_pkt *p, const ldns_rdf *name, const ldns_rdf *ce,
		     const ldns_rdf *w)
{
	ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
	add_soa(z, p);
	if (z->flags & GZ_UNSIGNED)
		return;
	if (z->flags & GZ_NSEC3) {
		ce_proof(z, p, name, ce);
		pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec3_for(z, w, NULL));
	} else {
		pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, name));
		pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, w));
	}
}

/* A DNAME at a proper ancestor of name inside z (RFC 6672 2.3). */
static ldns_rr_list *dname_above(gzone *z, const ldns_rdf *name, ldns_rdf **next)
{
	for (ldns_rdf *c = ldns_dname_left_chop(name); c && under(c, z->apex);) {
		if (has_type(z, c, LDNS_RR_TYPE_DNAME)) {
			ldns_rr_list *l = get_set(z, c, LDNS_RR_TYPE_DNAME);
			ldns_rr *d = NULL;
			for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
				if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == LDNS_RR_TYPE_DNAME)
					d = ldns_rr_list_rr(l, i);
			size_t keep = ldns_dname_label_count(name) - ldns_dname_label_count(c);
			ldns_rdf *pre = ldns_dname_clone_from(name, 0);
			/* the labels of name above c, then the target */
			ldns_rdf *t = ldns_rdf_clone(ldns_rr_rdf(d, 0));
			for (size_t i = keep; i-- > 0;) {
				ldns_rdf *lab = ldns_dname_label(name, (uint8_t)i);
				ldns_rdf *nt = ldns_dname_cat_clone(lab, t);
				ldns_rdf_deep_free(lab);
				ldns_rdf_deep_free(t);
				t = nt;
			}
			ldns_rdf_deep_free(pre);
			ldns_rr *cn = ldns_rr_new();
			ldns_rr_set_type(cn, LDNS_RR_TYPE_CNAME);
			ldns_rr_set_class(cn, LDNS_RR_CLASS_IN);
			ldns_rr_set_ttl(cn, ldns_rr_ttl(d));
			ldns_rr_set_owner(cn, ldns_rdf_clone(name));
			ldns_rr_push_rdf(cn, ldns_rdf_clone(t));
			ldns_rr_list_push_rr(l, cn);
			*next = t;
			ldns_rdf_deep_free(c);
			return l;
		}
		ldns_rdf *up = ldns_dname_left_chop(c);
		ldns_rdf_deep_free(c);
		c = up;
	}
	return NULL;
}

/* One authoritative step for (name, qt) in z into p; *next is the name to
 * go on with (CNAME or DNAME target), or NULL. */
static void respond(gzone *z, ldns_pkt *p, const ldns_rdf *name, ldns_rr_type qt,
		    ldns_rdf **next)
{
	ldns_rr_list *l;

	*next = NULL;
	ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
	if ((l = dname_above(z, name, next))) {
		pk_add(p, LDNS_SECTION_ANSWER, l);
		return;
	}
	if (zone_has_name(z, name)) {
		if (has_type(z, name, qt)) {
			pk_add(p, LDNS_SECTION_ANSWER, get_set(z, name, qt));
		} else if (has_type(z, name, LDNS_RR_TYPE_CNAME) && qt != LDNS_RR_TYPE_CNAME) {
			l = get_set(z, name, LDNS_RR_TYPE_CNAME);
			*next = cname_target(l);
			pk_add(p, LDNS_SECTION_ANSWER, l);
		} else {
			nodata(z, p, name);
		}
		return;
	}
	ldns_rdf *ce = closest_encloser(z, name), *w = wild(ce);
	if (zone_has_name(z, w))
		wildcard(z, p, name, qt, ce, w, next);
	else
		nxdomain(z, p, name, ce, w);
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(w);
}

/* The zone a resolver would ask: the deepest one holding name, but the
 * parent for DS at a zone's apex (RFC 4035 3.1.4.1). */
static gzone *zone_for(gscn *s, const ldns_rdf *name, ldns_rr_type qt)
{
	gzone *best = NULL;
	for (int i = 0; i < s->nz; i++) {
		gzone *z = s->zones[i];
		if (z->flags & GZ_DETACHED)
			continue;
		if (qt == LDNS_RR_TYPE_DS && eqname(name, z->apex) && z->parent)
			continue;
		if (under(name, z->apex) &&
		    (!best || ldns_dname_label_count(z->apex) > ldns_dname_label_count(best->apex)))
			best = z;
	}
	return best;
}

ldns_pkt *scn_resolve(gscn *s, const ldns_rdf *qname, ldns_rr_type qt)
{
	ldns_pkt *p = ldns_pkt_new();
	ldns_rdf *cur = ldns_rdf_clone(qname);

	ldns_pkt_set_qr(p, 1);
	ldns_pkt_set_rd(p, 1);
	ldns_pkt_set_ra(p, 1);
	for (int hop = 0; cur && hop < 9; hop++) {
		gzone *z = zone_for(s, cur, qt);
		ldns_rdf *next = NULL;
		if (!z)
			break;
		respond(z, p, cur, qt, &next);
		ldns_rdf_deep_free(cur);
		cur = next;
	}
	ldns_rdf_deep_free(cur);
	return p;
}

/* ---- scenarios ---- */

gscn *scn_new(const char *name, const char *rule, const char *twin)
{
	gscn *s = calloc(1, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->rule = rule;
	s->twin = twin;
	s->ede = -1;
	s->unknown = "refused";
	return s;
}

void scn_ask(gscn *s, const char *qname, const char *qtype, const char *expect,
	     const char *reason, int ede)
{
	s->qname = dn(qname);
	s->qtype = ty(qtype);
	s->expect = expect;
	s->reason = reason;
	s->ede = ede;
}

static grec *find_rec(gscn *s, const ldns_rdf *q, ldns_rr_type t)
{
	for (int i = 0; i < s->nrec; i++)
		if (s->recs[i].qtype == t && eqname(s->recs[i].qname, q))
			return &s->recs[i];
	return NULL;
}

static void record(gscn *s, const ldns_rdf *q, ldns_rr_type t)
{
	if (find_rec(s, q, t) || !zone_for(s, q, t))
		return;
	if (s->nrec >= 128)
		die("%s: too many queries", s->name);
	grec *r = &s->recs[s->nrec++];
	r->qname = ldns_rdf_clone(q);
	r->qtype = t;
	r->pkt = scn_resolve(s, q, t);
}

/* DS at every name from just below the anchor down to name. */
static void record_ds_path(gscn *s, const ldns_rdf *name)
{
	const ldns_rdf *top = s->zones[0]->apex;
	for (ldns_rdf *c = ldns_rdf_clone(name); c && ldns_dname_is_subdomain(c, top);) {
		record(s, c, LDNS_RR_TYPE_DS);
		ldns_rdf *up = ldns_dname_left_chop(c);
		ldns_rdf_deep_free(c);
		c = up;
	}
}

void scn_record(gscn *s)
{
	for (int i = 0; i < s->nz; i++) {
		gz_sign(s->zones[i]);
		if (s->zones[i]->flags & GZ_DETACHED)
			continue;
		record(s, s->zones[i]->apex, LDNS_RR_TYPE_DNSKEY);
		if (s->zones[i]->parent)
			record(s, s->zones[i]->apex, LDNS_RR_TYPE_DS);
	}
	/* the question, then each name of its CNAME/DNAME chain */
	ldns_rdf *cur = ldns_rdf_clone(s->qname);
	for (int hop = 0; cur && hop < 9; hop++) {
		gzone *z = zone_for(s, cur, s->qtype);
		ldns_rdf *next = NULL;
		record(s, cur, s->qtype);
		record_ds_path(s, cur);
		if (!z)
			break;
		ldns_pkt *tmp = ldns_pkt_new();
		respond(z, tmp, cur, s->qtype, &next);
		ldns_pkt_free(tmp);
		ldns_rdf_deep_free(cur);
		cur = next;
	}
	ldns_rdf_deep_free(cur);
}

ldns_pkt *scn_msg(gscn *s, const char *qname, const char *qtype)
{
	ldns_rdf *q = dn(qname);
	ldns_rr_type t = ty(qtype);
	grec *r = find_rec(s, q, t);
	if (!r) {
		if (s->nrec >= 128)
			die("too many queries");
		r = &s->recs[s->nrec++];
		r->qname = ldns_rdf_clone(q);
		r->qtype = t;
		r->pkt = ldns_pkt_new();
		ldns_pkt_set_qr(r->pkt, 1);
		ldns_pkt_set_rd(r->pkt, 1);
		ldns_pkt_set_ra(r->pkt, 1);
	}
	ldns_rdf_deep_free(q);
	return r->pkt;
}

/* ---- edits ---- */

static ldns_rr_list **section(ldns_pkt *p, ldns_pkt_section sec)
{
	static ldns_rr_list *tmp;
	tmp = sec == LDNS_SECTION_ANSWER ? ldns_pkt_answer(p)
	    : sec == LDNS_SECTION_AUTHORITY ? ldns_pkt_authority(p) : ldns_pkt_additional(p);
	return &tmp;
}

static void set_section(ldns_pkt *p, ldns_pkt_section sec, ldns_rr_list *l)
{
	uint16_t n = (uint16_t)ldns_rr_list_rr_count(l);
	if (sec == LDNS_SECTION_ANSWER) {
		ldns_pkt_set_answer(p, l);
		ldns_pkt_set_ancount(p, n);
	} else if (sec == LDNS_SECTION_AUTHORITY) {
		ldns_pkt_set_authority(p, l);
		ldns_pkt_set_nscount(p, n);
	} else {
		ldns_pkt_set_additional(p, l);
		ldns_pkt_set_arcount(p, n);
	}
}

void pk_clear(ldns_pkt *p, ldns_pkt_section sec)
{
	ldns_rr_list_deep_free(*section(p, sec));
	set_section(p, sec, ldns_rr_list_new());
}

void pk_drop(ldns_pkt *p, ldns_pkt_section sec, const char *owner, ldns_rr_type type,
	     ldns_rr_type cov)
{
	ldns_rr_list *old = *section(p, sec), *keep = ldns_rr_list_new();
	ldns_rdf *o = owner ? dn(owner) : NULL;

	for (size_t i = 0; i < ldns_rr_list_rr_count(old); i++) {
		ldns_rr *rr = ldns_rr_list_rr(old, i);
		int hit = ldns_rr_get_type(rr) == type && (!o || eqname(ldns_rr_owner(rr), o)) &&
			  (!cov || covered(rr) == cov);
		if (hit)
			ldns_rr_free(rr);
		else
			ldns_rr_list_push_rr(keep, rr);
	}
	ldns_rr_list_free(old);
	set_section(p, sec, keep);
	ldns_rdf_deep_free(o);
}

void rl_rename(ldns_rr_list *l, const char *owner)
{
	ldns_rdf *o = dn(owner);
	rename_rdf(l, o);
	ldns_rdf_deep_free(o);
}

/* ---- output ---- */

static void put_rr(FILE *f, const char *key, const ldns_rr *rr)
{
	char *t = ldns_rr2str_fmt(ldns_output_format_nocomments, rr);
	size_t l = strlen(t);
	while (l && (t[l - 1] == '\n' || t[l - 1] == ' '))
		t[--l] = '\0';
	for (char *c = t; *c; c++)
		if (*c == '\t')
			*c = ' ';
	fprintf(f, "%s %s\n", key, t);
	free(t);
}

static void put_list(FILE *f, const char *key, const ldns_rr_list *l)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		put_rr(f, key, ldns_rr_list_rr(l, i));
}

void scn_write(gscn *s, const char *dir)
{
	char path[1024], *q = ldns_rdf2str(s->qname), *qt = ldns_rr_type2str(s->qtype);
	snprintf(path, sizeof path, "%s/%s.scn", dir, s->name);
	FILE *f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	fprintf(f, "# Generated by tests/adversarial/gen (see ../README.md); do not edit by hand.\n");
	fprintf(f, "name %s\nrule %s\n", s->name, s->rule);
	if (s->twin)
		fprintf(f, "twin %s\n", s->twin);
	fprintf(f, "question %s %s\nnow %s\nexpect %s\n", q, qt, GEN_NOW, s->expect);
	if (s->reason)
		fprintf(f, "reason %s\n", s->reason);
	if (s->ede >= 0)
		fprintf(f, "ede %d\n", s->ede);
	fprintf(f, "unknown %s\n", s->unknown);
	if (s->anchors) {
		put_list(f, "anchor", s->anchors);
	} else {
		ldns_rr *ds = ldns_key_rr2ds(s->zones[0]->dnskey, LDNS_SHA256);
		ldns_rr_set_ttl(ds, 3600);
		put_rr(f, "anchor", ds);
		ldns_rr_free(ds);
	}
	for (int i = 0; i < s->nrec; i++) {
		char *n = ldns_rdf2str(s->recs[i].qname), *t = ldns_rr_type2str(s->recs[i].qtype);
		ldns_lookup_table *rc = ldns_lookup_by_id(ldns_rcodes,
							  ldns_pkt_get_rcode(s->recs[i].pkt));
		fprintf(f, "\nquery %s %s\nrcode %s\nflags qr rd ra\n", n, t,
			rc ? rc->name : "NOERROR");
		put_list(f, "an", ldns_pkt_answer(s->recs[i].pkt));
		put_list(f, "ns", ldns_pkt_authority(s->recs[i].pkt));
		put_list(f, "ar", ldns_pkt_additional(s->recs[i].pkt));
		free(n);
		free(t);
	}
	fclose(f);
	free(q);
	free(qt);
}

void scn_free(gscn *s)
{
	for (int i = 0; i < s->nz; i++) {
		gzone *z = s->zones[i];
		ldns_rdf_deep_free(z->apex);
		if (z->keys)
			ldns_key_list_free(z->keys);
		ldns_rr_free(z->dnskey);
		ldns_rr_list_deep_free(z->rrs);
		ldns_rr_list_deep_free(z->sgn);
		free(z);
	}
	for (int i = 0; i < s->nrec; i++) {
		ldns_rdf_deep_free(s->recs[i].qname);
		ldns_pkt_free(s->recs[i].pkt);
	}
	ldns_rdf_deep_free(s->qname);
	ldns_rr_list_deep_free(s->anchors);
	free(s);
}

void scn_anchor_dnskey(gscn *s, gzone *z)
{
	if (!s->anchors)
		s->anchors = ldns_rr_list_new();
	ldns_rr_list_push_rr(s->anchors, ldns_rr_clone(z->dnskey));
}
