/*
 * nsec3.c - denial of existence with NSEC3 (RFC 5155 sections 5, 7.2 and
 * 8, RFC 9276): the hash, the records of one chain, the closest encloser
 * proof, and the NXDOMAIN, NODATA, no-DS and wildcard proofs with opt-out.
 * Every hash counts against the lookup's cap (CVE-2023-50868).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "validator/dnssec.h"
#include "validator/dnssec_int.h"
#include "validator/denial_int.h"

#define N3_HASH_LEN 20          /* SHA-1, the only NSEC3 hash (RFC 5155 11) */


static pthread_once_t n3_once = PTHREAD_ONCE_INIT;
static EVP_MD *n3_sha1;

static void n3_init(void)
{
	n3_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
}

/* RFC 5155 section 5: IH(salt, x, 0) = H(x | salt),
 * IH(salt, x, k) = H(IH(salt, x, k-1) | salt), over the lowercase wire
 * form of the name. */
static int n3_hash_raw(const ldns_rdf *name, uint16_t iterations,
		       const uint8_t *salt, size_t salt_len,
		       uint8_t out[N3_HASH_LEN])
{
	uint8_t wire[LDNS_MAX_DOMAINLEN + 1];
	size_t n, i;
	unsigned len;
	EVP_MD_CTX *ctx;
	int ok = 1;

	pthread_once(&n3_once, n3_init);
	if (n3_sha1 == NULL || name == NULL ||
	    (n = ldns_rdf_size(name)) > sizeof(wire))
		return -1;
	memcpy(wire, ldns_rdf_data(name), n);
	for (i = 0; i < n; i++)
		if (wire[i] >= 'A' && wire[i] <= 'Z')
			wire[i] = (uint8_t)(wire[i] + 32);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex2(ctx, n3_sha1, NULL) == 1 &&
	     EVP_DigestUpdate(ctx, wire, n) == 1 &&
	     EVP_DigestUpdate(ctx, salt, salt_len) == 1 &&
	     EVP_DigestFinal_ex(ctx, out, &len) == 1;
	for (i = 0; ok && i < iterations; i++)
		ok = EVP_DigestInit_ex2(ctx, n3_sha1, NULL) == 1 &&
		     EVP_DigestUpdate(ctx, out, N3_HASH_LEN) == 1 &&
		     EVP_DigestUpdate(ctx, salt, salt_len) == 1 &&
		     EVP_DigestFinal_ex(ctx, out, &len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static const char b32hex[] = "0123456789abcdefghijklmnopqrstuv";

static void b32_encode(const uint8_t *in, size_t n, char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32hex[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32hex[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

/* Decode a base32hex label of exactly the hash length; -1 if not one. */
static int b32_decode_hash(const uint8_t *in, size_t n, uint8_t out[N3_HASH_LEN])
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i, o = 0;

	if (n != 32)
		return -1;
	for (i = 0; i < n; i++) {
		int c = in[i], v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'v')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'V')
			v = c - 'A' + 10;
		else
			return -1;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			out[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return o == N3_HASH_LEN ? 0 : -1;
}

char *nsec3_hash_b32(const ldns_rdf *name, uint8_t alg, uint16_t iterations,
		     const uint8_t *salt, size_t salt_len)
{
	uint8_t h[N3_HASH_LEN];
	char *s;

	if (alg != LDNS_SHA1 || (salt == NULL && salt_len > 0) ||
	    n3_hash_raw(name, iterations, salt, salt_len, h) != 0)
		return NULL;
	if ((s = malloc(33)) == NULL)
		return NULL;
	b32_encode(h, N3_HASH_LEN, s);
	return s;
}

/* The usable NSEC3 records of one parameter set, with hashes decoded. */
typedef struct n3_rec {
	const ldns_rr *rr;
	uint8_t owner[N3_HASH_LEN];
	uint8_t next[N3_HASH_LEN];
	int optout;
} n3_rec;

typedef struct n3_view {
	n3_rec *r;
	size_t n;
	uint16_t iterations;
	const uint8_t *salt;
	size_t salt_len;
	const ldns_rdf *zone;
	val_work *work;          /* the lookup's counters, or NULL */
	unsigned max_hashes;     /* cap on work->nsec3_hashes */
} n3_view;

static const ldns_rdf *n3_bitmap(const ldns_rr *rr)
{
	return ldns_rr_rd_count(rr) > 5 ? ldns_rr_rdf(rr, 5) : NULL;
}

/* Hash name with the view's parameters, counted against the lookup's cap
 * (CVE-2023-50868: a closest-encloser proof for a name of many labels in
 * a zone of many iterations).  -1 on failure: n3_fail says which. */
static int n3_hash(const n3_view *v, const ldns_rdf *name, uint8_t h[N3_HASH_LEN])
{
	if (v->work != NULL) {
		if (v->work->nsec3_hashes >= v->max_hashes)
			return -1;
		v->work->nsec3_hashes++;
	}
	return n3_hash_raw(name, v->iterations, v->salt, v->salt_len, h);
}

/* Why n3_hash failed: the lookup's hash cap, or memory/the crypto
 * library.  Either way the proof could not be checked: INDETERMINATE. */
static val_status n3_fail(const n3_view *v, val_why *why)
{
	if (v->work != NULL && v->work->nsec3_hashes >= v->max_hashes)
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
			    "NSEC3 hash cap of %u per lookup reached (%u iterations each; "
			    "CVE-2023-50868)", v->max_hashes, (unsigned)v->iterations);
	else
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
			    "out of memory or crypto library failure in NSEC3 proof");
	return VAL_INDETERMINATE;
}

static const n3_rec *n3_match(const n3_view *v, const uint8_t h[N3_HASH_LEN])
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (memcmp(v->r[i].owner, h, N3_HASH_LEN) == 0)
			return &v->r[i];
	return NULL;
}

/* owner < h < next, or h after the last owner (the chain wraps). */
static const n3_rec *n3_cover(const n3_view *v, const uint8_t h[N3_HASH_LEN])
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		const n3_rec *r = &v->r[i];
		int a = memcmp(r->owner, h, N3_HASH_LEN);
		int b = memcmp(h, r->next, N3_HASH_LEN);
		int wrap = memcmp(r->owner, r->next, N3_HASH_LEN) >= 0;

		if (wrap ? (a < 0 || b < 0) : (a < 0 && b < 0))
			return r;
	}
	return NULL;
}

/*
 * Collect the usable NSEC3 records (RFC 5155 8.1, 8.2): hash algorithm 1,
 * flags 0 or 1, owner one label below the zone, the parameters of the
 * first usable record.  Returns 1 if there are some, 0 if there are none,
 * -1 when out of memory.  *unknown_alg is set when records were skipped
 * for their hash algorithm.
 */
static int n3_collect(const ldns_rr_list *l, const ldns_rdf *zone, n3_view *v,
		      int *unknown_alg)
{
	size_t i, cnt = ldns_rr_list_rr_count(l);

	memset(v, 0, sizeof(*v));
	v->zone = zone;
	*unknown_alg = -1;
	if ((v->r = calloc(cnt ? cnt : 1, sizeof(*v->r))) == NULL)
		return -1;
	for (i = 0; i < cnt; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *salt, *next, *owner;
		const uint8_t *od;
		uint32_t alg, flags, iter;
		int ok = 1;
		n3_rec *r;
		ldns_rdf *parent;
		int in_zone;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC3 ||
		    ldns_rr_rd_count(rr) < 5 || ldns_rr_rd_count(rr) > 6)
			continue;
		alg = val_rdf_uint(rr, 0, 1, &ok);
		flags = val_rdf_uint(rr, 1, 1, &ok);
		iter = val_rdf_uint(rr, 2, 2, &ok);
		salt = ldns_rr_rdf(rr, 3);
		next = ldns_rr_rdf(rr, 4);
		owner = ldns_rr_owner(rr);
		if (!ok || salt == NULL || next == NULL || owner == NULL)
			continue;
		if (alg != LDNS_SHA1) {
			*unknown_alg = (int)alg;
			continue;
		}
		if (flags > 1 || ldns_rdf_size(salt) < 1 ||
		    ldns_rdf_data(salt)[0] != ldns_rdf_size(salt) - 1 ||
		    ldns_rdf_size(next) != N3_HASH_LEN + 1 ||
		    ldns_rdf_data(next)[0] != N3_HASH_LEN)
			continue;
		od = ldns_rdf_data(owner);
		if (ldns_rdf_size(owner) < 1 + (size_t)od[0])
			continue;
		/* RFC 5155 7.1 and 8: an NSEC3 owner is one hashed label
		 * directly below its zone; another zone's NSEC3 denies nothing
		 * here. */
		parent = ldns_dname_left_chop(owner);
		in_zone = parent != NULL && val_name_eq(parent, zone);
		ldns_rdf_deep_free(parent);
		if (!in_zone)
			continue;
		/* RFC 5155 8.3 (and 7.2: a server answers from one chain):
		 * one proof hashes every name with one parameter set, that of
		 * the first usable record; records of another salt or
		 * iteration count never complete it. */
		if (v->n > 0 && (iter != v->iterations ||
				 ldns_rdf_size(salt) - 1 != v->salt_len ||
				 memcmp(ldns_rdf_data(salt) + 1, v->salt, v->salt_len) != 0))
			continue;
		r = &v->r[v->n];
		if (b32_decode_hash(od + 1, od[0], r->owner) != 0)
			continue;
		memcpy(r->next, ldns_rdf_data(next) + 1, N3_HASH_LEN);
		r->rr = rr;
		r->optout = flags & 1;
		if (v->n == 0) {
			v->iterations = (uint16_t)iter;
			v->salt = ldns_rdf_data(salt) + 1;
			v->salt_len = ldns_rdf_size(salt) - 1;
		}
		v->n++;
	}
	return v->n > 0;
}

static int n3_bitmap_nodata(const n3_rec *m, ldns_rr_type qtype,
			    const ldns_rdf *name, val_why *why)
{
	return denial_bitmap_nodata(n3_bitmap(m->rr), "NSEC3", qtype, name, why);
}

/*
 * Closest encloser proof (RFC 5155 8.3): walk up from name to the zone;
 * the first ancestor with a matching NSEC3 is the closest encloser, and
 * the name one label below it (the next closer) must be covered.
 * Returns VAL_SECURE with *ce (malloced) and *nc_optout, VAL_BOGUS with
 * why; *exists is set when name itself matches (then no proof is made).
 */
static val_status n3_ce_proof(const n3_view *v, const ldns_rdf *name,
			      ldns_rdf **ce, int *nc_optout, int *exists,
			      val_why *why)
{
	ldns_rdf *sname = ldns_rdf_clone(name), *up;
	const n3_rec *prev_cover = NULL, *m;
	uint8_t h[N3_HASH_LEN];
	int first = 1;

	*ce = NULL;
	*exists = 0;
	*nc_optout = 0;
	while (sname != NULL && val_name_under(sname, v->zone)) {
		if (n3_hash(v, sname, h) != 0) {
			ldns_rdf_deep_free(sname);
			return n3_fail(v, why);
		}
		if ((m = n3_match(v, h)) != NULL) {
			const ldns_rdf *bm = n3_bitmap(m->rr);
			if (first) {
				*exists = 1;
				ldns_rdf_deep_free(sname);
				return VAL_SECURE;
			}
			if (prev_cover == NULL) {
				denial_why_name(why, VAL_EDE_NSEC_MISSING,
					 "no NSEC3 covers the next closer name below %s", sname);
				ldns_rdf_deep_free(sname);
				return VAL_BOGUS;
			}
			/* RFC 5155 8.3: an encloser that is a delegation or a
			 * DNAME does not enclose anything in this zone. */
			if ((denial_bitmap_has(bm, LDNS_RR_TYPE_NS) && !denial_bitmap_has(bm, LDNS_RR_TYPE_SOA)) ||
			    denial_bitmap_has(bm, LDNS_RR_TYPE_DNAME)) {
				denial_why_name(why, VAL_EDE_DNSSEC_BOGUS,
					 "NSEC3 closest encloser %s is a delegation or DNAME", sname);
				ldns_rdf_deep_free(sname);
				return VAL_BOGUS;
			}
			*ce = sname;
			*nc_optout = prev_cover->optout;
			return VAL_SECURE;
		}
		prev_cover = n3_cover(v, h);
		first = 0;
		if (ldns_dname_label_count(sname) == 0)
			break;
		up = ldns_dname_left_chop(sname);
		ldns_rdf_deep_free(sname);
		sname = up;
	}
	ldns_rdf_deep_free(sname);
	denial_why_name(why, VAL_EDE_NSEC_MISSING, "no NSEC3 closest encloser proof for %s", name);
	return VAL_BOGUS;
}

static void why_optout(val_why *why, const char *what, const ldns_rdf *name)
{
	char n[300];

	val_dname_str(name, n, sizeof(n));
	val_why_set(why, VAL_EDE_NONE,
		    "%s for %s holds only through an NSEC3 opt-out span (RFC 5155 9.2)",
		    what, n);
}

static val_status n3_nxdomain(const n3_view *v, const ldns_rdf *qname,
			      ldns_rdf **ce_out, val_why *why)
{
	ldns_rdf *ce = NULL, *wc;
	uint8_t h[N3_HASH_LEN];
	int optout, exists;
	val_status st;

	st = n3_ce_proof(v, qname, &ce, &optout, &exists, why);
	if (st != VAL_SECURE)
		return st;
	if (exists) {
		denial_why_name(why, VAL_EDE_DNSSEC_BOGUS,
			 "NSEC3 shows that %s exists (NXDOMAIN claimed)", qname);
		return VAL_BOGUS;
	}
	/* RFC 5155 8.4: and no wildcard at the closest encloser -- the one
	 * this same proof established, so wildcard and encloser are proved
	 * together and cannot come from two different proofs. */
	if ((wc = denial_name_wild(ce)) == NULL || n3_hash(v, wc, h) != 0) {
		ldns_rdf_deep_free(wc);
		ldns_rdf_deep_free(ce);
		return n3_fail(v, why);
	}
	if (n3_match(v, h) != NULL || n3_cover(v, h) == NULL) {
		denial_why_name(why, VAL_EDE_NSEC_MISSING,
			 "no NSEC3 proves that the wildcard %s does not exist", wc);
		ldns_rdf_deep_free(wc);
		ldns_rdf_deep_free(ce);
		return VAL_BOGUS;
	}
	ldns_rdf_deep_free(wc);
	if (ce_out != NULL)
		*ce_out = ce;
	else
		ldns_rdf_deep_free(ce);
	if (optout) {
		why_optout(why, "NXDOMAIN", qname);
		return VAL_INSECURE;
	}
	return VAL_SECURE;
}

static val_status n3_nodata(const n3_view *v, const ldns_rdf *qname,
			    ldns_rr_type qtype, val_why *why)
{
	ldns_rdf *ce = NULL, *wc;
	uint8_t h[N3_HASH_LEN];
	const n3_rec *m;
	int optout, exists, ok;
	val_status st;

	/* RFC 5155 8.5 (and an empty non-terminal, which has an NSEC3 with
	 * an empty bitmap). */
	if (n3_hash(v, qname, h) != 0)
		goto nomem;
	if ((m = n3_match(v, h)) != NULL)
		return n3_bitmap_nodata(m, qtype, qname, why) ? VAL_SECURE : VAL_BOGUS;
	st = n3_ce_proof(v, qname, &ce, &optout, &exists, why);
	if (st != VAL_SECURE)
		return st;
	if (qtype == LDNS_RR_TYPE_DS) {
		/* RFC 5155 8.6: no matching NSEC3 is fine for DS when the next
		 * closer is in an opt-out span: an unsigned delegation. */
		ldns_rdf_deep_free(ce);
		if (optout) {
			why_optout(why, "DS NODATA", qname);
			return VAL_INSECURE;
		}
		denial_why_name(why, VAL_EDE_NSEC_MISSING,
			 "NSEC3 proves that %s does not exist, not that it has no DS", qname);
		return VAL_BOGUS;
	}
	/* RFC 5155 8.7: wildcard NODATA. */
	wc = denial_name_wild(ce);
	ldns_rdf_deep_free(ce);
	if (wc == NULL || n3_hash(v, wc, h) != 0) {
		ldns_rdf_deep_free(wc);
		goto nomem;
	}
	if ((m = n3_match(v, h)) != NULL) {
		ok = n3_bitmap_nodata(m, qtype, wc, why);
		ldns_rdf_deep_free(wc);
		if (!ok)
			return VAL_BOGUS;
		if (optout) {
			why_optout(why, "wildcard NODATA", qname);
			return VAL_INSECURE;
		}
		return VAL_SECURE;
	}
	ldns_rdf_deep_free(wc);
	return denial_no_proof("NSEC3", qname, qtype, why);
nomem:
	return n3_fail(v, why);
}

static val_status n3_no_ds(const n3_view *v, const ldns_rdf *child,
			   int *insecure, val_why *why)
{
	uint8_t h[N3_HASH_LEN];
	const n3_rec *m;
	ldns_rdf *ce = NULL;
	int optout, exists;
	val_status st;

	if (n3_hash(v, child, h) != 0)
		return n3_fail(v, why);
	if ((m = n3_match(v, h)) != NULL) {
		if (!n3_bitmap_nodata(m, LDNS_RR_TYPE_DS, child, why))
			return VAL_BOGUS;
		*insecure = denial_bitmap_has(n3_bitmap(m->rr), LDNS_RR_TYPE_NS) &&
			    !denial_bitmap_has(n3_bitmap(m->rr), LDNS_RR_TYPE_SOA);
		return VAL_SECURE;
	}
	st = n3_ce_proof(v, child, &ce, &optout, &exists, why);
	ldns_rdf_deep_free(ce);
	if (st != VAL_SECURE)
		return st;
	/* RFC 5155 8.6: an opt-out span may hold an unsigned delegation;
	 * without opt-out the name does not exist, so it delegates nothing. */
	*insecure = optout;
	return VAL_SECURE;
}

static val_status n3_wildcard(const n3_view *v, const ldns_rdf *qname,
			      const ldns_rdf *nc, val_why *why)
{
	uint8_t h[N3_HASH_LEN];

	if (n3_hash(v, nc, h) != 0)
		return n3_fail(v, why);
	/* RFC 5155 8.8: the next closer name is covered.  An opt-out span
	 * there is accepted, as unbound does: it could only hide an unsigned
	 * delegation, and a signed wildcard answer still came from the zone. */
	if (n3_match(v, h) != NULL || n3_cover(v, h) == NULL) {
		denial_why_name(why, VAL_EDE_NSEC_MISSING,
			 "no NSEC3 proves that %s does not exist (wildcard answer)", qname);
		return VAL_BOGUS;
	}
	return VAL_SECURE;
}

/* RFC 9276 3.2: too many iterations is insecure, not bogus, and we stop
 * before doing the work (EDE 27). */
static val_status n3_too_many(const n3_view *v, const ldns_rdf *zone, const val_policy *pol,
			      val_why *why)
{
	char z[300];

	val_dname_str(zone, z, sizeof(z));
	val_why_set(why, VAL_EDE_UNSUPPORTED_NSEC3_ITERATIONS,
		    "NSEC3 for %s uses %u iterations, more than the limit of %u (RFC 9276)",
		    z, v->iterations, pol->nsec3_max_iterations);
	return VAL_INSECURE;
}

val_status nsec3_prove(const proof_args *a, const ldns_rr_list *nsecs,
		       const ldns_rdf *zone, const val_policy *pol, int *used,
		       int *unknown_alg, val_why *why)
{
	n3_view v3;
	int have3 = n3_collect(nsecs, zone, &v3, unknown_alg);
	val_status st = VAL_BOGUS;

	*used = have3 != 0;
	if (have3 < 0) {
		val_why_set(why, VAL_EDE_OTHER, "out of memory in denial proof");
		st = VAL_INDETERMINATE;
	} else if (have3 > 0 && v3.iterations > pol->nsec3_max_iterations) {
		st = n3_too_many(&v3, zone, pol, why);
	} else if (have3 > 0) {
		v3.work = pol->work;
		v3.max_hashes = pol->max_nsec3_hashes;
		switch (a->kind) {
		case PROOF_NXDOMAIN: st = n3_nxdomain(&v3, a->qname, a->ce_out, why); break;
		case PROOF_NODATA: st = n3_nodata(&v3, a->qname, a->qtype, why); break;
		case PROOF_NO_DS: st = n3_no_ds(&v3, a->qname, a->insecure, why); break;
		default: st = n3_wildcard(&v3, a->qname, a->nc, why); break;
		}
	}
	free(v3.r);
	return st;
}
