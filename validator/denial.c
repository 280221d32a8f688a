/*
 * denial.c - authenticated denial of existence: NSEC (RFC 4035 5.4,
 * RFC 4034 section 4, RFC 6840 4.1 and 4.4) and NSEC3 (RFC 5155 section 8,
 * RFC 9276).
 *
 * The caller has verified the signatures of the records it passes; we
 * check that they say what the caller claims.  Records that are not
 * NSEC/NSEC3, not in the zone, or (NSEC3) that use an unknown hash
 * algorithm or flags are ignored, as RFC 5155 8.1 and 8.2 ask.
 *
 * When NSEC3 records are present we use only them: a zone is signed with
 * one or the other, and mixing would let an attacker pick the weaker.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "validator/dnssec.h"
#include "validator/dnssec_int.h"

#define N3_HASH_LEN 20          /* SHA-1, the only NSEC3 hash (RFC 5155 11) */

/* ---- small name helpers ---- */

static int name_eq(const ldns_rdf *a, const ldns_rdf *b)
{
	return val_name_eq(a, b);
}

/* Strictly below. */
static int name_below(const ldns_rdf *name, const ldns_rdf *anc)
{
	return val_name_under(name, anc) && !val_name_eq(name, anc);
}

/* The ancestor of name with n labels (n <= label count), malloced. */
static ldns_rdf *name_suffix(const ldns_rdf *name, unsigned n)
{
	unsigned have = ldns_dname_label_count(name);

	if (n > have)
		return NULL;
	return ldns_dname_clone_from(name, (uint16_t)(have - n));
}

/* The deepest common ancestor of a and b, malloced. */
static ldns_rdf *name_common(const ldns_rdf *a, const ldns_rdf *b)
{
	unsigned na = ldns_dname_label_count(a), nb = ldns_dname_label_count(b);
	unsigned k = na < nb ? na : nb;

	for (;; k--) {
		ldns_rdf *x = name_suffix(a, k), *y = name_suffix(b, k);
		int eq = x != NULL && y != NULL && name_eq(x, y);
		ldns_rdf_deep_free(y);
		if (eq || k == 0)
			return x;
		ldns_rdf_deep_free(x);
	}
}

/* "*." + name, malloced. */
static ldns_rdf *name_wild(const ldns_rdf *name)
{
	ldns_rdf *star = ldns_dname_new_frm_str("*"), *w;

	if (star == NULL)
		return NULL;
	w = ldns_dname_cat_clone(star, name);
	ldns_rdf_deep_free(star);
	return w;
}

/* ---- type bitmaps (RFC 4034 4.1.2) ---- */

static int bitmap_has(const ldns_rdf *bm, ldns_rr_type t)
{
	const uint8_t *d;
	size_t n, off = 0;
	unsigned win = (unsigned)t >> 8, bit = (unsigned)t & 0xFF;

	if (bm == NULL)
		return 0;
	d = ldns_rdf_data(bm);
	n = ldns_rdf_size(bm);
	while (off + 2 <= n) {
		unsigned w = d[off], len = d[off + 1];
		if (len == 0 || len > 32 || off + 2 + len > n)
			return 0;
		if (w == win)
			return bit / 8 < len && (d[off + 2 + bit / 8] & (0x80 >> (bit % 8)));
		off += 2 + len;
	}
	return 0;
}

/* ---- reasons ---- */

static void why_name(val_why *why, val_ede ede, const char *fmt,
		     const ldns_rdf *name)
{
	char s[300];

	val_name_str(name, s, sizeof(s));
	val_why_set(why, ede, fmt, s);
}

/* ======================== NSEC ======================== */

typedef struct nsec_view {
	const ldns_rr **rr;
	size_t n;
	const ldns_rdf *zone;
} nsec_view;

static const ldns_rdf *nsec_next(const ldns_rr *rr)
{
	return ldns_rr_rdf(rr, 0);
}

/* The type bitmap, or NULL when it is empty (ldns then omits the rdf). */
static const ldns_rdf *nsec_bitmap(const ldns_rr *rr)
{
	return ldns_rr_rd_count(rr) > 1 ? ldns_rr_rdf(rr, 1) : NULL;
}

/* owner < name < next in canonical order.  RFC 4034 4.1.1: the next
 * owner name is in the zone, and only the last NSEC of the chain wraps,
 * to the apex: it covers every name after its owner.  A next name outside
 * the zone, or one that goes backwards to anything but the apex, is not a
 * chain an honest signer makes, and covers nothing (issue 10, finding 2). */
static int nsec_covers(const nsec_view *v, const ldns_rr *rr, const ldns_rdf *name)
{
	const ldns_rdf *owner = ldns_rr_owner(rr), *next = nsec_next(rr);

	if (!val_name_under(next, v->zone))
		return 0;
	if (ldns_dname_compare(owner, name) >= 0)
		return 0;
	if (ldns_dname_compare(owner, next) >= 0)
		return name_eq(next, v->zone);
	return ldns_dname_compare(name, next) < 0;
}

/* A delegation (NS without SOA) or a DNAME at the owner hides every name
 * below it: an NSEC there cannot deny them (RFC 6840 4.1). */
static int nsec_cuts(const ldns_rr *rr, const ldns_rdf *name)
{
	const ldns_rdf *bm = nsec_bitmap(rr);

	if (!name_below(name, ldns_rr_owner(rr)))
		return 0;
	return (bitmap_has(bm, LDNS_RR_TYPE_NS) && !bitmap_has(bm, LDNS_RR_TYPE_SOA)) ||
	       bitmap_has(bm, LDNS_RR_TYPE_DNAME);
}

/* The NSEC proves that name does not exist at all: it covers the name,
 * the name is not an empty non-terminal (the next name is not below it),
 * and it is not under a cut. */
static int nsec_denies(const nsec_view *v, const ldns_rr *rr, const ldns_rdf *name)
{
	return nsec_covers(v, rr, name) && !name_below(nsec_next(rr), name) &&
	       !nsec_cuts(rr, name);
}

/* The NSEC proves that name is an empty non-terminal. */
static int nsec_ent(const nsec_view *v, const ldns_rr *rr, const ldns_rdf *name)
{
	return nsec_covers(v, rr, name) && name_below(nsec_next(rr), name) &&
	       !nsec_cuts(rr, name);
}

static const ldns_rr *nsec_find_match(const nsec_view *v, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (name_eq(ldns_rr_owner(v->rr[i]), name))
			return v->rr[i];
	return NULL;
}

static const ldns_rr *nsec_find_denial(const nsec_view *v, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (nsec_denies(v, v->rr[i], name))
			return v->rr[i];
	return NULL;
}

/* The closest encloser that a denying NSEC implies: the deeper of the
 * common ancestors of name with the owner and with the next name
 * (RFC 4035 5.4), kept inside the zone. */
static ldns_rdf *nsec_closest_encloser(const ldns_rr *rr, const ldns_rdf *name,
				       const ldns_rdf *zone)
{
	ldns_rdf *a = name_common(name, ldns_rr_owner(rr));
	ldns_rdf *b = name_common(name, nsec_next(rr));
	ldns_rdf *ce;

	if (a == NULL || b == NULL) {
		ldns_rdf_deep_free(a);
		ldns_rdf_deep_free(b);
		return NULL;
	}
	if (ldns_dname_label_count(a) >= ldns_dname_label_count(b)) {
		ce = a;
		ldns_rdf_deep_free(b);
	} else {
		ce = b;
		ldns_rdf_deep_free(a);
	}
	if (!val_name_under(ce, zone)) {
		ldns_rdf_deep_free(ce);
		ce = ldns_rdf_clone(zone);
	}
	return ce;
}

static val_status nsec_nxdomain(const nsec_view *v, const ldns_rdf *qname,
				const ldns_rdf *zone, ldns_rdf **ce_out, val_why *why)
{
	const ldns_rr *d, *wd;
	ldns_rdf *ce, *wc;

	if (nsec_find_match(v, qname) != NULL) {
		why_name(why, VAL_EDE_DNSSEC_BOGUS,
			 "NSEC shows that %s exists (NXDOMAIN claimed)", qname);
		return VAL_BOGUS;
	}
	if ((d = nsec_find_denial(v, qname)) == NULL) {
		why_name(why, VAL_EDE_NSEC_MISSING,
			 "no NSEC proves that %s does not exist", qname);
		return VAL_BOGUS;
	}
	if ((ce = nsec_closest_encloser(d, qname, zone)) == NULL ||
	    (wc = name_wild(ce)) == NULL) {
		ldns_rdf_deep_free(ce);
		val_why_set(why, VAL_EDE_OTHER, "out of memory in NSEC proof");
		return VAL_INDETERMINATE;
	}
	/* RFC 4035 5.4: no wildcard could have answered instead. */
	wd = nsec_find_denial(v, wc);
	if (wd == NULL || nsec_find_match(v, wc) != NULL) {
		why_name(why, VAL_EDE_NSEC_MISSING,
			 "no NSEC proves that the wildcard %s does not exist", wc);
		ldns_rdf_deep_free(wc);
		ldns_rdf_deep_free(ce);
		return VAL_BOGUS;
	}
	ldns_rdf_deep_free(wc);
	if (ce_out != NULL)
		*ce_out = ce;
	else
		ldns_rdf_deep_free(ce);
	return VAL_SECURE;
}

/* A matching NSEC or NSEC3 (kind says which, for the reason) at name
 * whose type bitmap bm shows no qtype (and no CNAME) proves NODATA,
 * unless it is the parent side of a delegation and the type is not DS
 * (RFC 4035 5.4, RFC 6840 4.4, RFC 5155 8.5), or the child side (SOA
 * bit) and the type is DS. */
static int bitmap_proves_nodata(const ldns_rdf *bm, const char *kind, ldns_rr_type qtype,
				const ldns_rdf *name, val_why *why)
{
	char n[300], t[32];

	val_name_str(name, n, sizeof(n));
	val_type_str(qtype, t, sizeof(t));
	if (bitmap_has(bm, qtype)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s for %s shows that type %s exists (NODATA claimed)", kind, n, t);
		return 0;
	}
	if (bitmap_has(bm, LDNS_RR_TYPE_CNAME)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s for %s shows a CNAME (NODATA for %s claimed)", kind, n, t);
		return 0;
	}
	if (qtype != LDNS_RR_TYPE_DS && bitmap_has(bm, LDNS_RR_TYPE_NS) &&
	    !bitmap_has(bm, LDNS_RR_TYPE_SOA)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s for %s is from the parent side of a delegation and cannot deny %s",
			    kind, n, t);
		return 0;
	}
	/* RFC 4035 3.1.4.1: DS lives in the parent, so the child's apex
	 * record (SOA bit) cannot deny it -- except at the root, which has
	 * no parent: its own apex NSEC is the proof that it has no DS. */
	if (qtype == LDNS_RR_TYPE_DS && bitmap_has(bm, LDNS_RR_TYPE_SOA) &&
	    ldns_dname_label_count(name) > 0) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s for %s is from the child zone (SOA bit) and cannot deny DS", kind, n);
		return 0;
	}
	return 1;
}

/* The end of a NODATA proof that found nothing: kind is NSEC or NSEC3. */
static val_status no_nodata_proof(const char *kind, const ldns_rdf *qname, ldns_rr_type qtype,
				  val_why *why)
{
	char n[300], t[32];

	val_name_str(qname, n, sizeof(n));
	val_type_str(qtype, t, sizeof(t));
	val_why_set(why, VAL_EDE_NSEC_MISSING, "no %s proves that %s/%s does not exist", kind, n, t);
	return VAL_BOGUS;
}

static int nsec_bitmap_nodata(const ldns_rr *rr, ldns_rr_type qtype,
			      const ldns_rdf *name, val_why *why)
{
	return bitmap_proves_nodata(nsec_bitmap(rr), "NSEC", qtype, name, why);
}

static val_status nsec_nodata(const nsec_view *v, const ldns_rdf *qname,
			      ldns_rr_type qtype, const ldns_rdf *zone, val_why *why)
{
	const ldns_rr *m, *d, *wm;
	ldns_rdf *ce, *wc;
	size_t i;

	if ((m = nsec_find_match(v, qname)) != NULL)
		return nsec_bitmap_nodata(m, qtype, qname, why) ? VAL_SECURE : VAL_BOGUS;
	/* An empty non-terminal exists with no type at all. */
	for (i = 0; i < v->n; i++)
		if (nsec_ent(v, v->rr[i], qname))
			return VAL_SECURE;
	/* Wildcard NODATA (RFC 4035 3.1.3.4): qname does not exist, and the
	 * wildcard at the closest encloser exists without the type. */
	if ((d = nsec_find_denial(v, qname)) != NULL) {
		if ((ce = nsec_closest_encloser(d, qname, zone)) == NULL)
			goto nomem;
		wc = name_wild(ce);
		ldns_rdf_deep_free(ce);
		if (wc == NULL)
			goto nomem;
		wm = nsec_find_match(v, wc);
		if (wm != NULL) {
			int ok = nsec_bitmap_nodata(wm, qtype, wc, why);
			ldns_rdf_deep_free(wc);
			return ok ? VAL_SECURE : VAL_BOGUS;
		}
		ldns_rdf_deep_free(wc);
	}
	return no_nodata_proof("NSEC", qname, qtype, why);
nomem:
	val_why_set(why, VAL_EDE_OTHER, "out of memory in NSEC proof");
	return VAL_INDETERMINATE;
}

static val_status nsec_no_ds(const nsec_view *v, const ldns_rdf *child,
			     int *insecure, val_why *why)
{
	const ldns_rr *m;
	const ldns_rdf *bm;
	size_t i;

	if ((m = nsec_find_match(v, child)) != NULL) {
		if (!nsec_bitmap_nodata(m, LDNS_RR_TYPE_DS, child, why))
			return VAL_BOGUS;
		bm = nsec_bitmap(m);
		/* NS without SOA is a delegation; the apex NS (the root's
		 * own NSEC) delegates nothing. */
		*insecure = bitmap_has(bm, LDNS_RR_TYPE_NS) && !bitmap_has(bm, LDNS_RR_TYPE_SOA);
		return VAL_SECURE;
	}
	/* No delegation there at all: an empty non-terminal or no name. */
	for (i = 0; i < v->n; i++)
		if (nsec_ent(v, v->rr[i], child) || nsec_denies(v, v->rr[i], child))
			return VAL_SECURE;
	why_name(why, VAL_EDE_NSEC_MISSING, "no NSEC proves that %s/DS does not exist", child);
	return VAL_BOGUS;
}

static val_status nsec_wildcard(const nsec_view *v, const ldns_rdf *qname,
				const ldns_rdf *nc, val_why *why)
{
	if (nsec_find_match(v, qname) == NULL && nsec_find_denial(v, nc) != NULL)
		return VAL_SECURE;
	why_name(why, VAL_EDE_NSEC_MISSING,
		 "no NSEC proves that %s does not exist (wildcard answer)", qname);
	return VAL_BOGUS;
}

/* ======================== NSEC3 ======================== */

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
		parent = ldns_dname_left_chop(owner);
		in_zone = parent != NULL && name_eq(parent, zone);
		ldns_rdf_deep_free(parent);
		if (!in_zone)
			continue;
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
	return bitmap_proves_nodata(n3_bitmap(m->rr), "NSEC3", qtype, name, why);
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
				why_name(why, VAL_EDE_NSEC_MISSING,
					 "no NSEC3 covers the next closer name below %s", sname);
				ldns_rdf_deep_free(sname);
				return VAL_BOGUS;
			}
			/* RFC 5155 8.3: an encloser that is a delegation or a
			 * DNAME does not enclose anything in this zone. */
			if ((bitmap_has(bm, LDNS_RR_TYPE_NS) && !bitmap_has(bm, LDNS_RR_TYPE_SOA)) ||
			    bitmap_has(bm, LDNS_RR_TYPE_DNAME)) {
				why_name(why, VAL_EDE_DNSSEC_BOGUS,
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
	why_name(why, VAL_EDE_NSEC_MISSING, "no NSEC3 closest encloser proof for %s", name);
	return VAL_BOGUS;
}

static void why_optout(val_why *why, const char *what, const ldns_rdf *name)
{
	char n[300];

	val_name_str(name, n, sizeof(n));
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
		why_name(why, VAL_EDE_DNSSEC_BOGUS,
			 "NSEC3 shows that %s exists (NXDOMAIN claimed)", qname);
		return VAL_BOGUS;
	}
	/* RFC 5155 8.4: and no wildcard at the closest encloser. */
	if ((wc = name_wild(ce)) == NULL || n3_hash(v, wc, h) != 0) {
		ldns_rdf_deep_free(wc);
		ldns_rdf_deep_free(ce);
		return n3_fail(v, why);
	}
	if (n3_match(v, h) != NULL || n3_cover(v, h) == NULL) {
		why_name(why, VAL_EDE_NSEC_MISSING,
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
		why_name(why, VAL_EDE_NSEC_MISSING,
			 "NSEC3 proves that %s does not exist, not that it has no DS", qname);
		return VAL_BOGUS;
	}
	/* RFC 5155 8.7: wildcard NODATA. */
	wc = name_wild(ce);
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
	return no_nodata_proof("NSEC3", qname, qtype, why);
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
		*insecure = bitmap_has(n3_bitmap(m->rr), LDNS_RR_TYPE_NS) &&
			    !bitmap_has(n3_bitmap(m->rr), LDNS_RR_TYPE_SOA);
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
		why_name(why, VAL_EDE_NSEC_MISSING,
			 "no NSEC3 proves that %s does not exist (wildcard answer)", qname);
		return VAL_BOGUS;
	}
	return VAL_SECURE;
}

/* ======================== dispatch ======================== */

enum { PROOF_NXDOMAIN, PROOF_NODATA, PROOF_NO_DS, PROOF_WILDCARD };

typedef struct proof_args {
	int kind;
	const ldns_rdf *qname;
	ldns_rr_type qtype;
	const ldns_rdf *aux;     /* closest encloser for PROOF_WILDCARD */
	ldns_rdf **ce_out;
	int *insecure;
} proof_args;

static val_status prove(const proof_args *a, const ldns_rr_list *nsecs,
			const ldns_rdf *zone, const val_policy *pol, val_why *why)
{
	val_policy defpol;
	n3_view v3;
	nsec_view v;
	ldns_rdf *nc = NULL;
	int unknown_alg, have3;
	size_t i, cnt;
	val_status st;

	if (a->qname == NULL || zone == NULL) {
		val_why_set(why, VAL_EDE_OTHER, "denial proof without a name or zone");
		return VAL_BOGUS;
	}
	if (pol == NULL) {
		val_policy_default(&defpol);
		pol = &defpol;
	}
	if (!val_name_under(a->qname, zone)) {
		char q[300], z[300];
		val_name_str(a->qname, q, sizeof(q));
		val_name_str(zone, z, sizeof(z));
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s is not in zone %s: its records cannot deny it", q, z);
		return VAL_BOGUS;
	}
	if (a->kind == PROOF_WILDCARD) {
		/* The next closer: one label below the closest encloser on
		 * the way to qname (RFC 5155 section 1.3). */
		if (a->aux == NULL || !name_below(a->qname, a->aux) ||
		    !val_name_under(a->aux, zone)) {
			why_name(why, VAL_EDE_DNSSEC_BOGUS,
				 "wildcard answer for %s without a valid closest encloser", a->qname);
			return VAL_BOGUS;
		}
		nc = name_suffix(a->qname, ldns_dname_label_count(a->aux) + 1u);
		if (nc == NULL) {
			val_why_set(why, VAL_EDE_OTHER, "out of memory in denial proof");
			return VAL_INDETERMINATE;
		}
	}
	cnt = nsecs ? ldns_rr_list_rr_count(nsecs) : 0;
	have3 = n3_collect(nsecs ? nsecs : NULL, zone, &v3, &unknown_alg);
	if (have3 < 0) {
		ldns_rdf_deep_free(nc);
		val_why_set(why, VAL_EDE_OTHER, "out of memory in denial proof");
		return VAL_INDETERMINATE;
	}
	if (have3 > 0) {
		/* RFC 9276 3.2: too many iterations is insecure, not bogus,
		 * and we stop before doing the work. */
		if (v3.iterations > pol->nsec3_max_iterations) {
			char z[300];
			val_name_str(zone, z, sizeof(z));
			val_why_set(why, VAL_EDE_UNSUPPORTED_NSEC3_ITERATIONS,
				    "NSEC3 for %s uses %u iterations, more than the limit of %u (RFC 9276)",
				    z, v3.iterations, pol->nsec3_max_iterations);
			st = VAL_INSECURE;
		} else {
			v3.work = pol->work;
			v3.max_hashes = pol->max_nsec3_hashes;
			switch (a->kind) {
			case PROOF_NXDOMAIN: st = n3_nxdomain(&v3, a->qname, a->ce_out, why); break;
			case PROOF_NODATA: st = n3_nodata(&v3, a->qname, a->qtype, why); break;
			case PROOF_NO_DS: st = n3_no_ds(&v3, a->qname, a->insecure, why); break;
			default: st = n3_wildcard(&v3, a->qname, nc, why); break;
			}
		}
		free(v3.r);
		ldns_rdf_deep_free(nc);
		return st;
	}
	free(v3.r);

	/* NSEC. */
	memset(&v, 0, sizeof(v));
	v.zone = zone;
	if ((v.rr = calloc(cnt ? cnt : 1, sizeof(*v.rr))) == NULL) {
		ldns_rdf_deep_free(nc);
		val_why_set(why, VAL_EDE_OTHER, "out of memory in denial proof");
		return VAL_INDETERMINATE;
	}
	for (i = 0; i < cnt; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(nsecs, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC &&
		    ldns_rr_rd_count(rr) >= 1 && ldns_rr_rd_count(rr) <= 2 &&
		    ldns_rr_rdf(rr, 0) != NULL &&
		    ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) == LDNS_RDF_TYPE_DNAME &&
		    val_name_under(ldns_rr_owner(rr), zone))
			v.rr[v.n++] = rr;
	}
	if (v.n == 0) {
		if (unknown_alg >= 0) {
			/* RFC 5155 8.1: only unknown hash algorithms: the
			 * zone is treated as insecure. */
			char z[300];
			val_name_str(zone, z, sizeof(z));
			val_why_set(why, VAL_EDE_OTHER,
				    "NSEC3 for %s uses only unknown hash algorithm %d",
				    z, unknown_alg);
			st = VAL_INSECURE;
		} else {
			char q[300], z[300];
			val_name_str(a->qname, q, sizeof(q));
			val_name_str(zone, z, sizeof(z));
			val_why_set(why, VAL_EDE_NSEC_MISSING,
				    "no NSEC or NSEC3 records from %s to prove the denial for %s",
				    z, q);
			st = VAL_BOGUS;
		}
	} else {
		switch (a->kind) {
		case PROOF_NXDOMAIN: st = nsec_nxdomain(&v, a->qname, zone, a->ce_out, why); break;
		case PROOF_NODATA: st = nsec_nodata(&v, a->qname, a->qtype, zone, why); break;
		case PROOF_NO_DS: st = nsec_no_ds(&v, a->qname, a->insecure, why); break;
		default: st = nsec_wildcard(&v, a->qname, nc, why); break;
		}
	}
	free(v.rr);
	ldns_rdf_deep_free(nc);
	return st;
}

/* prove(), with why emptied when the proof holds. */
static val_status prove_clean(const proof_args *a, const ldns_rr_list *nsecs,
			      const ldns_rdf *zone, const val_policy *pol,
			      val_why *why)
{
	val_status st = prove(a, nsecs, zone, pol, why);

	if (st == VAL_SECURE)
		val_why_set(why, VAL_EDE_NONE, "%s", "");
	return st;
}

val_status denial_prove_nxdomain(const ldns_rdf *qname, const ldns_rr_list *nsecs,
				 const ldns_rdf *zone, const val_policy *pol,
				 ldns_rdf **ce_out, val_why *why)
{
	proof_args a = { PROOF_NXDOMAIN, qname, 0, NULL, NULL, NULL };
	ldns_rdf *ce = NULL;
	val_status st;

	if (ce_out != NULL)
		*ce_out = NULL;
	a.ce_out = &ce;
	st = prove_clean(&a, nsecs, zone, pol, why);
	if (st != VAL_BOGUS && st != VAL_INDETERMINATE && ce_out != NULL)
		*ce_out = ce;
	else
		ldns_rdf_deep_free(ce);
	return st;
}

val_status denial_prove_nodata(const ldns_rdf *qname, ldns_rr_type qtype,
			       const ldns_rr_list *nsecs, const ldns_rdf *zone,
			       const val_policy *pol, val_why *why)
{
	proof_args a = { PROOF_NODATA, qname, qtype, NULL, NULL, NULL };

	return prove_clean(&a, nsecs, zone, pol, why);
}

val_status denial_prove_no_ds(const ldns_rdf *child, const ldns_rr_list *nsecs,
			      const ldns_rdf *zone, const val_policy *pol,
			      int *insecure_delegation, val_why *why)
{
	int insecure = 0;
	proof_args a = { PROOF_NO_DS, child, LDNS_RR_TYPE_DS, NULL, NULL, &insecure };
	val_status st = prove_clean(&a, nsecs, zone, pol, why);

	if (insecure_delegation != NULL)
		*insecure_delegation = st == VAL_SECURE ? insecure : 0;
	return st;
}

val_status denial_prove_wildcard(const ldns_rdf *qname,
				 const ldns_rdf *closest_encloser,
				 const ldns_rr_list *nsecs, const ldns_rdf *zone,
				 const val_policy *pol, val_why *why)
{
	proof_args a = { PROOF_WILDCARD, qname, 0, closest_encloser, NULL, NULL };

	return prove_clean(&a, nsecs, zone, pol, why);
}
