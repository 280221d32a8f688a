/*
 * rrsig.c - RRSIG verification (RFC 4035 5.3): the checks that decide
 * whether a signature counts, one RRSIG at a time and for an RRset.  The
 * DNSKEY RRset check against DS records or anchors is in ds.c.
 *
 * The checks are ours; ldns supplies the records and OpenSSL the
 * arithmetic.  We do not call ldns_verify_*: we want our own reasons, our
 * own time handling, and the speed of decoding each key only once
 * (keycache.c).  The signed data is built in canon.c.
 */
#include <stdlib.h>
#include <string.h>

#include "validator/dnssec.h"
#include "validator/dnssec_int.h"
#include "validator/civil.h"

#include "validator/keycache_int.h"

/* ---- RRSIG checks ---- */

/* Names for reasons, formatted only when a reason is written: success,
 * the common case, never pays for ldns_rdf2str. */
typedef struct label {
	const ldns_rr_list *rrset;
	const ldns_rdf *signer;
	char what[340];         /* "www.example.org/A" */
	char signer_s[300];
	int have_what, have_signer;
} label;

static const char *what_of(label *l)
{
	const ldns_rr *rr;
	char name[300], type[32];

	if (!l->have_what) {
		rr = l->rrset ? ldns_rr_list_rr(l->rrset, 0) : NULL;
		val_dname_str(rr ? ldns_rr_owner(rr) : NULL, name, sizeof(name));
		val_rrtype_str(rr ? ldns_rr_get_type(rr) : 0, type, sizeof(type));
		snprintf(l->what, sizeof(l->what), "%s/%s", name, type);
		l->have_what = 1;
	}
	return l->what;
}

static const char *signer_of(label *l)
{
	if (!l->have_signer) {
		val_dname_str(l->signer, l->signer_s, sizeof(l->signer_s));
		l->have_signer = 1;
	}
	return l->signer_s;
}

/* Is every RR of the set of the same owner, type and class? */
static int rrset_consistent(const ldns_rr_list *rrset)
{
	const ldns_rr *a = ldns_rr_list_rr(rrset, 0);
	size_t i;

	for (i = 1; i < ldns_rr_list_rr_count(rrset); i++) {
		const ldns_rr *b = ldns_rr_list_rr(rrset, i);
		if (ldns_rr_get_type(a) != ldns_rr_get_type(b) ||
		    ldns_rr_get_class(a) != ldns_rr_get_class(b) ||
		    !val_name_eq(ldns_rr_owner(a), ldns_rr_owner(b)))
			return 0;
	}
	return 1;
}

/* One RRSIG checked against one DNSKEY: what the steps below share. */
typedef struct sigcheck {
	const ldns_rr_list *rrset;
	const ldns_rr *rrsig, *dnskey;
	int keytag;                     /* the DNSKEY's tag, or -1 */
	int64_t now;
	const val_policy *pol;
	label lb;
	const ldns_rdf *owner, *signer, *sigrdf;
	const alg_info *ai;
	uint8_t keyrd[VAL_DNSKEY_RDATA_MAX];
	size_t keylen;
	unsigned owner_labels, labels;
	uint32_t covered, alg, orig_ttl, expire, incept, tag;
} sigcheck;

/* The RRSIG's fields, and RFC 4035 5.3.1: same owner, class and type
 * covered as the RRset. */
static int sc_parse(sigcheck *c, val_why *why)
{
	const ldns_rr *first = ldns_rr_list_rr(c->rrset, 0), *sig = c->rrsig;
	int ok = 1;

	c->owner = ldns_rr_owner(first);
	if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(sig) != 9 ||
	    (c->signer = ldns_rr_rdf(sig, 7)) == NULL ||
	    ldns_rdf_get_type(c->signer) != LDNS_RDF_TYPE_DNAME ||
	    (c->sigrdf = ldns_rr_rdf(sig, 8)) == NULL) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "malformed RRSIG for %s", what_of(&c->lb));
		return DP_EVERIFY;
	}
	c->covered = val_rdf_uint(sig, 0, 2, &ok);
	c->alg = val_rdf_uint(sig, 1, 1, &ok);
	c->labels = val_rdf_uint(sig, 2, 1, &ok);
	c->orig_ttl = val_rdf_uint(sig, 3, 4, &ok);
	c->expire = val_rdf_uint(sig, 4, 4, &ok);
	c->incept = val_rdf_uint(sig, 5, 4, &ok);
	c->tag = val_rdf_uint(sig, 6, 2, &ok);
	if (!ok) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "malformed RRSIG for %s", what_of(&c->lb));
		return DP_EVERIFY;
	}
	c->lb.signer = c->signer;
	if (!rrset_consistent(c->rrset)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "RRset %s mixes owners, types or classes", what_of(&c->lb));
		return DP_EVERIFY;
	}
	if (c->covered != ldns_rr_get_type(first) ||
	    ldns_rr_get_class(sig) != ldns_rr_get_class(first) ||
	    !val_name_eq(ldns_rr_owner(sig), c->owner)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "RRSIG (key %u, alg %u) does not cover %s",
			    c->tag, c->alg, what_of(&c->lb));
		return DP_EVERIFY;
	}
	return DP_OK;
}

/* The algorithm, and RFC 4035 5.3.1: the signer is the zone that holds
 * the RRset, so the owner is at or below it.  (That the signer is a zone
 * apex is proved by the chain: its DNSKEY set must validate from the
 * parent's DS, chain.c.) */
static int sc_alg_signer(sigcheck *c, val_why *why)
{
	if ((c->ai = val_alg_find((uint8_t)c->alg)) == NULL || !val_alg_supported((uint8_t)c->alg)) {
		val_why_set(why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG,
			    "RRSIG for %s uses algorithm %u, not supported here (key %u)",
			    what_of(&c->lb), c->alg, c->tag);
		return DP_EUNSUPPORTED;
	}
	if (!val_name_under(c->owner, c->signer)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "RRSIG for %s has signer %s, which is not an enclosing zone (key %u, alg %u)",
			    what_of(&c->lb), signer_of(&c->lb), c->tag, c->alg);
		return DP_EVERIFY;
	}
	return DP_OK;
}

/* RFC 4035 5.3.1: the DNSKEY's owner is the signer, same algorithm and
 * tag, protocol 3, and the zone key bit (RFC 4034 2.1.1); RFC 5011 2.1: a
 * revoked key signs nothing but its own DNSKEY set (which is how the
 * revocation itself is proved). */
static int sc_key(sigcheck *c, val_why *why)
{
	const uint8_t *k = c->keyrd;
	unsigned flags;

	c->keylen = val_dnskey_rdata(c->dnskey, c->keyrd, sizeof(c->keyrd));
	if (c->keylen == 0 || !val_name_eq(ldns_rr_owner(c->dnskey), c->signer) ||
	    k[3] != c->alg || k[2] != 3 ||
	    (c->keytag >= 0 ? (uint32_t)c->keytag : dnskey_tag(c->dnskey)) != c->tag) {
		val_why_set(why, VAL_EDE_DNSKEY_MISSING,
			    "DNSKEY given for RRSIG %s is not key %u alg %u of %s",
			    what_of(&c->lb), c->tag, c->alg, signer_of(&c->lb));
		return DP_EVERIFY;
	}
	flags = (unsigned)k[0] << 8 | k[1];
	if (!(flags & VAL_DNSKEY_ZONE)) {
		val_why_set(why, VAL_EDE_NO_ZONE_KEY_BIT,
			    "DNSKEY %u alg %u of %s has no zone key bit (RRSIG for %s)",
			    c->tag, c->alg, signer_of(&c->lb), what_of(&c->lb));
		return DP_EVERIFY;
	}
	if ((flags & VAL_DNSKEY_REVOKE) && c->covered != LDNS_RR_TYPE_DNSKEY) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "DNSKEY %u alg %u of %s is revoked (RFC 5011) and cannot sign %s",
			    c->tag, c->alg, signer_of(&c->lb), what_of(&c->lb));
		return DP_EVERIFY;
	}
	return DP_OK;
}

/* RFC 4035 5.3.1 and RFC 4034 3.1.3: the labels field is at most the
 * owner's label count, not counting a leading "*" (fewer: a wildcard
 * expansion, which canon.c undoes and chain.c must prove). */
static int sc_labels(sigcheck *c, val_why *why)
{
	const uint8_t *od = ldns_rdf_data(c->owner);
	unsigned eff;

	c->owner_labels = ldns_dname_label_count(c->owner);
	eff = c->owner_labels;
	if (ldns_rdf_size(c->owner) >= 2 && od[0] == 1 && od[1] == '*')
		eff--;
	if (c->labels > eff) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "RRSIG for %s has labels %u, more than the owner's %u (key %u, alg %u)",
			    what_of(&c->lb), c->labels, eff, c->tag, c->alg);
		return DP_EVERIFY;
	}
	return DP_OK;
}

/* RFC 4035 5.3.1 and RFC 4034 3.1.5: inception <= now <= expiration in
 * serial number arithmetic, with the policy's skew. */
static int sc_window(sigcheck *c, val_why *why)
{
	int64_t skew = c->pol ? c->pol->skew_seconds : 0;
	int64_t t_exp = val_serial_abs(c->expire, c->now);
	int64_t t_inc = val_serial_abs(c->incept, c->now);
	char ts[40];

	if ((int32_t)(c->expire - c->incept) < 0) {
		dp_time_fmt(t_inc, ts, sizeof(ts));
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "RRSIG for %s expires before its inception %s (key %u, alg %u)",
			    what_of(&c->lb), ts, c->tag, c->alg);
		return DP_EVERIFY;
	}
	if (t_exp + skew < c->now) {
		dp_time_fmt(t_exp, ts, sizeof(ts));
		val_why_set(why, VAL_EDE_SIGNATURE_EXPIRED, "RRSIG for %s expired at %s (key %u, alg %u)",
			    what_of(&c->lb), ts, c->tag, c->alg);
		return DP_EVERIFY;
	}
	if (t_inc - skew > c->now) {
		dp_time_fmt(t_inc, ts, sizeof(ts));
		val_why_set(why, VAL_EDE_SIGNATURE_NOT_YET_VALID,
			    "RRSIG for %s is not valid until %s (key %u, alg %u)",
			    what_of(&c->lb), ts, c->tag, c->alg);
		return DP_EVERIFY;
	}
	return DP_OK;
}

/* The signature itself, through the key cache.  Out of memory and crypto
 * library failures come back as DP_ENOMEM / DP_ECRYPTO: they say nothing
 * about the signature (issue 10, finding 5). */
static int sc_crypto(sigcheck *c, val_keycache *kc, val_why *why)
{
	kc_entry *e = kc_get(kc, c->ai, c->keyrd, c->keylen);
	int r;

	if (e == NULL || e->err == DP_ENOMEM) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE, "out of memory verifying %s",
			    what_of(&c->lb));
		return DP_ENOMEM;
	}
	if (e->err == DP_EUNSUPPORTED) {
		val_why_set(why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG,
			    "RRSIG for %s uses algorithm %u, refused by the platform's crypto policy (key %u)",
			    what_of(&c->lb), c->alg, c->tag);
		return DP_EUNSUPPORTED;
	}
	if (e->err != DP_OK) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "DNSKEY %u alg %u of %s cannot be decoded (RRSIG for %s)",
			    c->tag, c->alg, signer_of(&c->lb), what_of(&c->lb));
		return DP_EVERIFY;
	}
	if (canon_signed_data(kc, c->rrset, c->rrsig, c->owner_labels, c->labels,
			      c->orig_ttl) != 0) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
			    "out of memory verifying %s (building its signed data)", what_of(&c->lb));
		return DP_ENOMEM;
	}
	r = kc_sig_check(kc, e, c->ai, ldns_rdf_data(c->sigrdf), ldns_rdf_size(c->sigrdf),
			 kc->data.p, kc->data.len);
	if (r == DP_EVERIFY)
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "RRSIG for %s does not verify with key %u alg %u of %s",
			    what_of(&c->lb), c->tag, c->alg, signer_of(&c->lb));
	else if (r != DP_OK)
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
			    "crypto library error verifying %s (key %u, alg %u)",
			    what_of(&c->lb), c->tag, c->alg);
	return r;
}

/* rrsig_verify, with the DNSKEY's key tag already known (or -1): the
 * cheap checks first, the signature last. */
static int rrsig_verify_tag(const ldns_rr_list *rrset, const ldns_rr *rrsig,
			    const ldns_rr *dnskey, int keytag, int64_t now,
			    const val_policy *pol, val_keycache *kc, val_why *why)
{
	sigcheck c;
	val_keycache *own = NULL;
	int r;

	if (rrset == NULL || rrsig == NULL || dnskey == NULL ||
	    ldns_rr_list_rr_count(rrset) == 0) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "nothing to verify");
		return DP_EVERIFY;
	}
	memset(&c, 0, sizeof(c));
	c.rrset = rrset;
	c.rrsig = rrsig;
	c.dnskey = dnskey;
	c.keytag = keytag;
	c.now = now;
	c.pol = pol;
	c.lb.rrset = rrset;
	if ((r = sc_parse(&c, why)) != DP_OK || (r = sc_alg_signer(&c, why)) != DP_OK ||
	    (r = sc_key(&c, why)) != DP_OK || (r = sc_labels(&c, why)) != DP_OK ||
	    (r = sc_window(&c, why)) != DP_OK)
		return r;
	if (kc == NULL && val_keycache_new(&own) != DP_OK) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE, "out of memory verifying %s",
			    what_of(&c.lb));
		return DP_ENOMEM;
	}
	r = sc_crypto(&c, kc ? kc : own, why);
	val_keycache_free(own);
	if (r == DP_OK)
		val_why_set(why, VAL_EDE_NONE, "%s", "");
	return r;
}

int rrsig_verify(const ldns_rr_list *rrset, const ldns_rr *rrsig,
		 const ldns_rr *dnskey, int64_t now, const val_policy *pol,
		 val_keycache *kc, val_why *why)
{
	return rrsig_verify_tag(rrset, rrsig, dnskey, -1, now, pol, kc, why);
}

/* ---- RRset and DNSKEY RRset ---- */

/* How telling a failure is: the reason we report is the most telling one
 * (a signature that failed beats a key we could not find). */
static int why_rank(val_ede ede)
{
	switch (ede) {
	case VAL_EDE_DNSKEY_MISSING:
		return 1;
	case VAL_EDE_NO_ZONE_KEY_BIT:
		return 2;
	case VAL_EDE_UNSUPPORTED_DNSKEY_ALG:
		return 0;
	default:
		return 3;
	}
}

/*
 * Count one RRSIG x DNSKEY try against the caps (KeyTrap, CVE-2023-50387):
 * VAL_SECURE to go on; VAL_BOGUS when this RRset alone asks for more than
 * max_sig_checks_per_rrset (no honest zone does); VAL_INDETERMINATE when
 * the lookup's budget in pol->work is spent.  why names the cap.
 */
static val_status sig_budget(const val_policy *pol, unsigned *tries, label *lb,
			     val_why *why)
{
	unsigned per_set = pol ? pol->max_sig_checks_per_rrset : 8;

	if (*tries >= per_set) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s needs more than %u RRSIG/DNSKEY checks (the per-RRset cap: "
			    "colliding key tags or too many RRSIGs, KeyTrap CVE-2023-50387)",
			    what_of(lb), per_set);
		return VAL_BOGUS;
	}
	if (pol && pol->work && pol->work->sig_checks >= pol->max_sig_checks) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE,
			    "signature check cap of %u per lookup reached at %s "
			    "(KeyTrap CVE-2023-50387)", pol->max_sig_checks, what_of(lb));
		return VAL_INDETERMINATE;
	}
	(*tries)++;
	if (pol && pol->work)
		pol->work->sig_checks++;
	return VAL_SECURE;
}

/* One rrset_verify call: its arguments and what the RRSIGs tried so far
 * found. */
typedef struct setcheck {
	const ldns_rr_list *rrset, *dnskeys;
	int64_t now;
	const val_policy *pol;
	val_keycache *kc;
	const ldns_rdf **signer_out;
	label lb;
	const int *tags;                /* key tag of each DNSKEY, -1: not one */
	size_t nkeys, n_cover, n_supported;
	unsigned tries;
	int best_rank, unsup_alg, op_err;
	val_why best, op;
} setcheck;

/*
 * Try one RRSIG with every key of its tag, algorithm and signer (RFC 6840
 * 5.4: any one valid signature suffices; 5.5: a key tag does not name one
 * key, so each colliding key is tried, up to the caps).  1 when the set
 * is decided (*done: VAL_SECURE, or a cap's verdict), 0 to go on.
 */
static int try_sig(setcheck *s, const ldns_rr *sig, val_status *done, val_why *why)
{
	const ldns_rdf *signer = ldns_rr_rdf(sig, 7);
	int ok = 1, found = 0;
	uint32_t alg = val_rdf_uint(sig, 1, 1, &ok), tag = val_rdf_uint(sig, 6, 2, &ok);
	val_why tmp;

	if (!ok || signer == NULL)
		return 0;
	if (!val_alg_supported((uint8_t)alg)) {
		s->unsup_alg = (int)alg;
		return 0;
	}
	s->n_supported++;
	for (size_t j = 0; j < s->nkeys; j++) {
		const ldns_rr *k = ldns_rr_list_rr(s->dnskeys, j);
		int r;

		if (s->tags[j] != (int)tag || val_dnskey_alg(k) != alg ||
		    !val_name_eq(ldns_rr_owner(k), signer))
			continue;
		found = 1;
		if ((*done = sig_budget(s->pol, &s->tries, &s->lb, why)) != VAL_SECURE)
			return 1;
		r = rrsig_verify_tag(s->rrset, sig, k, s->tags[j], s->now, s->pol, s->kc, &tmp);
		if (r == DP_OK) {
			if (s->signer_out != NULL)
				*s->signer_out = signer;
			val_why_set(why, VAL_EDE_NONE, "%s", "");
			*done = VAL_SECURE;
			return 1;
		}
		/* Could not check (memory, crypto library): kept apart,
		 * never ranked among the findings. */
		if (r == DP_ENOMEM || r == DP_ECRYPTO) {
			if (!s->op_err)
				s->op = tmp;
			s->op_err = 1;
		} else if (why_rank(tmp.ede) > s->best_rank) {
			s->best = tmp;
			s->best_rank = why_rank(tmp.ede);
		}
	}
	if (!found && s->best_rank < 1) {
		s->lb.signer = signer;
		s->lb.have_signer = 0;
		val_why_set(&s->best, VAL_EDE_DNSKEY_MISSING,
			    "no DNSKEY with tag %u alg %u for %s (RRSIG for %s)",
			    tag, alg, signer_of(&s->lb), what_of(&s->lb));
		s->best_rank = 1;
	}
	return 0;
}

/* The verdict when no RRSIG verified. */
static val_status set_failed(setcheck *s, val_why *why)
{
	if (s->n_cover == 0) {
		val_why_set(why, VAL_EDE_RRSIGS_MISSING, "no RRSIG for %s", what_of(&s->lb));
		return VAL_BOGUS;
	}
	if (s->op_err) {
		/* A signature we could not check might have verified: the
		 * answer is "could not check", not "bogus". */
		if (why != NULL)
			*why = s->op;
		return VAL_INDETERMINATE;
	}
	if (s->n_supported == 0) {
		/* RFC 4035 5.2, RFC 6840 5.2: only algorithms we cannot check. */
		val_why_set(why, VAL_EDE_UNSUPPORTED_DNSKEY_ALG,
			    "RRSIGs for %s use only unsupported algorithms (alg %d)",
			    what_of(&s->lb), s->unsup_alg);
		return VAL_INSECURE;
	}
	if (s->best_rank >= 0 && why != NULL)
		*why = s->best;
	else if (s->best_rank < 0)
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "no usable RRSIG for %s", what_of(&s->lb));
	return VAL_BOGUS;
}

/* The RRSIGs of rrsigs that cover the set (others are ignored), tried in
 * turn. */
static val_status try_sigs(setcheck *s, const ldns_rr_list *rrsigs, val_why *why)
{
	const ldns_rr *first = ldns_rr_list_rr(s->rrset, 0);

	for (size_t i = 0; rrsigs != NULL && i < ldns_rr_list_rr_count(rrsigs); i++) {
		const ldns_rr *sig = ldns_rr_list_rr(rrsigs, i);
		int ok = 1;
		val_status done;

		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(sig) != 9 ||
		    val_rdf_uint(sig, 0, 2, &ok) != ldns_rr_get_type(first) || !ok ||
		    !val_name_eq(ldns_rr_owner(sig), ldns_rr_owner(first)))
			continue;
		s->n_cover++;
		if (try_sig(s, sig, &done, why))
			return done;
	}
	return set_failed(s, why);
}

val_status rrset_verify(const ldns_rr_list *rrset, const ldns_rr_list *rrsigs,
			const ldns_rr_list *dnskeys, int64_t now,
			const val_policy *pol, val_keycache *kc,
			const ldns_rdf **signer_out, val_why *why)
{
	setcheck s;
	val_keycache *own = NULL;
	int tags_local[16], *tags_heap = NULL, *tags;
	val_status st = VAL_INDETERMINATE;

	if (signer_out != NULL)
		*signer_out = NULL;
	if (rrset == NULL || ldns_rr_list_rr_count(rrset) == 0) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS, "empty RRset");
		return VAL_BOGUS;
	}
	memset(&s, 0, sizeof(s));
	s.rrset = rrset;
	s.dnskeys = dnskeys;
	s.now = now;
	s.pol = pol;
	s.signer_out = signer_out;
	s.lb.rrset = rrset;
	s.best_rank = -1;
	s.unsup_alg = -1;
	/* Key tags once per call, not once per RRSIG and key. */
	s.nkeys = dnskeys != NULL ? ldns_rr_list_rr_count(dnskeys) : 0;
	if (s.nkeys > sizeof(tags_local) / sizeof(tags_local[0]))
		tags_heap = malloc(s.nkeys * sizeof(*tags_heap));
	tags = tags_heap ? tags_heap : tags_local;
	if ((kc == NULL && val_keycache_new(&own) != DP_OK) ||
	    (s.nkeys > sizeof(tags_local) / sizeof(tags_local[0]) && tags_heap == NULL)) {
		val_why_set(why, VAL_EDE_DNSSEC_INDETERMINATE, "out of memory verifying %s",
			    what_of(&s.lb));
		goto out;
	}
	s.kc = kc ? kc : own;
	for (size_t j = 0; j < s.nkeys; j++) {
		const ldns_rr *k = ldns_rr_list_rr(dnskeys, j);
		tags[j] = ldns_rr_get_type(k) == LDNS_RR_TYPE_DNSKEY ? (int)dnskey_tag(k) : -1;
	}
	s.tags = tags;
	st = try_sigs(&s, rrsigs, why);
out:
	free(tags_heap);
	val_keycache_free(own);
	return st;
}
