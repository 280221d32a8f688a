/*
 * rfc5011.c - the RFC 5011 trust anchor state machine (see rfc5011.h for
 * the failure policy).
 *
 * Keys are matched by their key material with the REVOKE bit masked out
 * (flags, protocol, algorithm, public key), because setting the bit changes
 * the key tag (+128) but not the key.  Keys in Start, Revoked and Removed
 * states are kept in the list so that a revoked key is recognised if it
 * shows up again, with or without the bit, and never trusted again.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include "validator/rfc5011.h"
#include "validator/dnssec.h"

static const char *const state_names[] = {
	"start", "addpend", "valid", "missing", "revoked", "removed"
};

const char *rfc5011_state_str(rfc5011_state s)
{
	if ((unsigned)s >= sizeof(state_names) / sizeof(state_names[0]))
		return "unknown";
	return state_names[s];
}

int rfc5011_state_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (strcmp(s, state_names[i]) == 0)
			return (int)i;
	return -1;
}

int rfc5011_tp_new(const ldns_rdf *zone, rfc5011_tp **out)
{
	rfc5011_tp *tp;

	if (zone == NULL || ldns_rdf_get_type(zone) != LDNS_RDF_TYPE_DNAME)
		return DP_EINVAL;
	tp = calloc(1, sizeof(*tp));
	if (tp == NULL)
		return DP_ENOMEM;
	tp->zone = ldns_rdf_clone(zone);
	if (tp->zone == NULL) {
		free(tp);
		return DP_ENOMEM;
	}
	*out = tp;
	return DP_OK;
}

void rfc5011_tp_free(rfc5011_tp *tp)
{
	if (tp == NULL)
		return;
	for (size_t i = 0; i < tp->n_keys; i++) {
		ldns_rr_free(tp->keys[i].dnskey);
		ldns_rr_free(tp->keys[i].ds);
	}
	free(tp->keys);
	ldns_rdf_deep_free(tp->zone);
	free(tp);
}

rfc5011_tp *rfc5011_tp_clone(const rfc5011_tp *tp)
{
	rfc5011_tp *c;

	if (rfc5011_tp_new(tp->zone, &c) != DP_OK)
		return NULL;
	c->last_success = tp->last_success;
	c->last_attempt = tp->last_attempt;
	c->next_probe = tp->next_probe;
	c->high_water = tp->high_water;
	c->ttl = tp->ttl;
	c->sig_expiry = tp->sig_expiry;
	if (tp->n_keys == 0)
		return c;
	c->keys = calloc(tp->n_keys, sizeof(*c->keys));
	if (c->keys == NULL)
		goto fail;
	for (size_t i = 0; i < tp->n_keys; i++) {
		c->keys[i] = tp->keys[i];
		c->keys[i].dnskey = NULL;
		c->keys[i].ds = NULL;
		c->n_keys++;
		if (tp->keys[i].dnskey != NULL &&
		    (c->keys[i].dnskey = ldns_rr_clone(tp->keys[i].dnskey)) == NULL)
			goto fail;
		if (tp->keys[i].ds != NULL &&
		    (c->keys[i].ds = ldns_rr_clone(tp->keys[i].ds)) == NULL)
			goto fail;
	}
	return c;
fail:
	rfc5011_tp_free(c);
	return NULL;
}

/* ---- small helpers on DNSKEY records ---- */

static uint16_t key_flags(const ldns_rr *k)
{
	const ldns_rdf *f = ldns_rr_dnskey_flags(k);

	return f != NULL && ldns_rdf_size(f) == 2 ? ldns_rdf2native_int16(f) : 0;
}

static uint8_t key_alg(const ldns_rr *k)
{
	const ldns_rdf *a = ldns_rr_dnskey_algorithm(k);

	return a != NULL && ldns_rdf_size(a) == 1 ? ldns_rdf2native_int8(a) : 0;
}

static int is_revoked(const ldns_rr *k)
{
	return (key_flags(k) & RFC5011_FLAG_REVOKE) != 0;
}

/* A well-formed DNSKEY of the trust point that RFC 5011 tracks: zone key
 * with the SEP bit (section 2: trust anchors are key-signing keys). */
static int is_tracked_dnskey(const ldns_rr *k, const ldns_rdf *zone)
{
	uint16_t f;

	if (ldns_rr_get_type(k) != LDNS_RR_TYPE_DNSKEY || ldns_rr_rd_count(k) != 4 ||
	    ldns_dname_compare(ldns_rr_owner(k), zone) != 0)
		return 0;
	f = key_flags(k);
	return (f & LDNS_KEY_ZONE_KEY) && (f & LDNS_KEY_SEP_KEY);
}

/* Same key material, ignoring the REVOKE bit. */
static int key_same(const ldns_rr *a, const ldns_rr *b)
{
	if (a == NULL || b == NULL || ldns_rr_rd_count(a) != 4 || ldns_rr_rd_count(b) != 4)
		return 0;
	if ((key_flags(a) | RFC5011_FLAG_REVOKE) != (key_flags(b) | RFC5011_FLAG_REVOKE))
		return 0;
	for (size_t i = 1; i < 4; i++)
		if (ldns_rdf_compare(ldns_rr_rdf(a, i), ldns_rr_rdf(b, i)) != 0)
			return 0;
	return 1;
}

/* A copy of k with the REVOKE bit cleared (malloced), or NULL. */
static ldns_rr *key_unrevoked(const ldns_rr *k)
{
	ldns_rr *c = ldns_rr_clone(k);
	ldns_rdf *f, *old;

	if (c == NULL)
		return NULL;
	f = ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16,
				  key_flags(k) & (uint16_t)~RFC5011_FLAG_REVOKE);
	if (f == NULL) {
		ldns_rr_free(c);
		return NULL;
	}
	old = ldns_rr_set_rdf(c, f, 0);
	ldns_rdf_deep_free(old);
	return c;
}

/* Does ds name key k (ignoring the REVOKE bit, which changes the digest)? */
static int ds_names_key(const ldns_rr *ds, const ldns_rr *k)
{
	ldns_rr *u;
	int r;

	if (ds == NULL || !is_revoked(k))
		return ds != NULL && ldns_rr_compare_ds(ds, k);
	u = key_unrevoked(k);
	if (u == NULL)
		return 0;
	r = ldns_rr_compare_ds(ds, u);
	ldns_rr_free(u);
	return r;
}

static int entry_matches(const rfc5011_key *e, const ldns_rr *k)
{
	if (e->dnskey != NULL)
		return key_same(e->dnskey, k);
	return ds_names_key(e->ds, k);
}

static int is_trusted_state(rfc5011_state s)
{
	return s == RFC5011_VALID || s == RFC5011_MISSING;
}

/* RRSIG expiration as 64-bit time near now (RFC 4034 3.1.5 serial
 * arithmetic). */
static int64_t sig_expiration(const ldns_rr *sig, int64_t now)
{
	const ldns_rdf *e = ldns_rr_rrsig_expiration(sig);
	uint32_t v;

	if (e == NULL || ldns_rdf_size(e) != 4)
		return now;
	v = ldns_rdf2native_int32(e);
	return now + (int32_t)(v - (uint32_t)now);
}

/* ---- adding anchors ---- */

static int tp_append(rfc5011_tp *tp, rfc5011_key **slot)
{
	rfc5011_key *nk;

	if (tp->n_keys >= RFC5011_MAX_KEYS)
		return DP_ELIMIT;
	nk = realloc(tp->keys, (tp->n_keys + 1) * sizeof(*nk));
	if (nk == NULL)
		return DP_ENOMEM;
	tp->keys = nk;
	memset(&nk[tp->n_keys], 0, sizeof(*nk));
	*slot = &nk[tp->n_keys++];
	return DP_OK;
}

int rfc5011_add_ds(rfc5011_tp *tp, const ldns_rr *ds, int64_t now)
{
	rfc5011_key *e;
	int rc;

	if (tp == NULL || ds == NULL || ldns_rr_get_type(ds) != LDNS_RR_TYPE_DS ||
	    ldns_rr_rd_count(ds) != 4 || ldns_dname_compare(ldns_rr_owner(ds), tp->zone) != 0)
		return DP_EINVAL;
	for (size_t i = 0; i < tp->n_keys; i++)
		if (tp->keys[i].ds != NULL && ldns_rr_compare(tp->keys[i].ds, ds) == 0)
			return DP_OK;
	if ((rc = tp_append(tp, &e)) != DP_OK)
		return rc;
	if ((e->ds = ldns_rr_clone(ds)) == NULL) {
		tp->n_keys--;
		return DP_ENOMEM;
	}
	e->tag = ldns_rdf2native_int16(ldns_rr_rdf(ds, 0));
	e->alg = ldns_rdf2native_int8(ldns_rr_rdf(ds, 1));
	e->state = RFC5011_VALID;
	e->first_seen = e->last_change = now;
	return DP_OK;
}

int rfc5011_ds_revoked(const rfc5011_tp *tp, const ldns_rr *ds)
{
	for (size_t i = 0; tp != NULL && ds != NULL && i < tp->n_keys; i++) {
		const rfc5011_key *e = &tp->keys[i];
		if (e->state != RFC5011_REVOKED && e->state != RFC5011_REMOVED)
			continue;
		if ((e->dnskey != NULL && ds_names_key(ds, e->dnskey)) ||
		    (e->ds != NULL && ldns_rr_compare(e->ds, ds) == 0))
			return 1;
	}
	return 0;
}

int rfc5011_add_dnskey(rfc5011_tp *tp, const ldns_rr *dnskey, int64_t now)
{
	rfc5011_key *e;
	int rc;

	if (tp == NULL || dnskey == NULL || ldns_rr_get_type(dnskey) != LDNS_RR_TYPE_DNSKEY ||
	    ldns_rr_rd_count(dnskey) != 4 ||
	    ldns_dname_compare(ldns_rr_owner(dnskey), tp->zone) != 0 || is_revoked(dnskey))
		return DP_EINVAL;
	for (size_t i = 0; i < tp->n_keys; i++)
		if (key_same(tp->keys[i].dnskey, dnskey))
			return DP_OK;
	if ((rc = tp_append(tp, &e)) != DP_OK)
		return rc;
	if ((e->dnskey = ldns_rr_clone(dnskey)) == NULL) {
		tp->n_keys--;
		return DP_ENOMEM;
	}
	e->tag = ldns_calc_keytag(dnskey);
	e->alg = key_alg(dnskey);
	e->state = RFC5011_VALID;
	e->first_seen = e->last_change = now;
	return DP_OK;
}

/* ---- timers (RFC 5011 section 2.3) ---- */

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

int64_t rfc5011_query_interval(uint32_t ttl, int64_t sig_left)
{
	/* MAX(1 hr, MIN(15 days, 1/2 * OrigTTL, 1/2 * RRSigExpirationInterval)) */
	int64_t v = min64(15 * 86400, min64((int64_t)ttl / 2, sig_left / 2));

	return max64(3600, v);
}

int64_t rfc5011_retry_interval(uint32_t ttl, int64_t sig_left)
{
	/* MAX(1 hour, MIN(1 day, .1 * OrigTTL, .1 * RRSigExpirationInterval)) */
	int64_t v = min64(86400, min64((int64_t)ttl / 10, sig_left / 10));

	return max64(3600, v);
}

static int64_t retry_at(const rfc5011_tp *tp, int64_t now)
{
	if (tp->ttl == 0 || tp->sig_expiry == 0)
		return now + 3600;
	return now + rfc5011_retry_interval(tp->ttl, tp->sig_expiry - now);
}

/* ---- health and trusted keys ---- */

rfc5011_health rfc5011_tp_health(const rfc5011_tp *tp, char *why, size_t whylen)
{
	size_t trusted = 0, pending = 0, missing = 0, revoked = 0;
	char tmp[8];

	if (why == NULL) {
		why = tmp;
		whylen = sizeof(tmp);
	}
	for (size_t i = 0; tp != NULL && i < tp->n_keys; i++) {
		switch (tp->keys[i].state) {
		case RFC5011_VALID: trusted++; break;
		case RFC5011_MISSING: trusted++; missing++; break;
		case RFC5011_ADDPEND: pending++; break;
		case RFC5011_REVOKED: case RFC5011_REMOVED: revoked++; break;
		default: break;
		}
	}
	if (trusted == 0) {
		snprintf(why, whylen, revoked > 0
			 ? "all trust anchors are revoked: bootstrap again (daneprobe anchor bootstrap)"
			 : "no trust anchor: bootstrap again (daneprobe anchor bootstrap)");
		return RFC5011_HEALTH_CRITICAL;
	}
	if (missing > 0) {
		snprintf(why, whylen, "%zu trusted key(s) missing from the DNSKEY set (kept as trust anchors)",
			 missing);
		return RFC5011_HEALTH_WARNING;
	}
	if (pending > 0) {
		snprintf(why, whylen, "%zu new key(s) in add hold-down", pending);
		return RFC5011_HEALTH_WARNING;
	}
	snprintf(why, whylen, "%zu trust anchor(s) valid", trusted);
	return RFC5011_HEALTH_OK;
}

int rfc5011_tp_trusted(const rfc5011_tp *tp, ldns_rr_list **ds_out, ldns_rr_list **keys_out)
{
	ldns_rr_list *ds = ldns_rr_list_new(), *keys = ldns_rr_list_new();
	int rc = DP_OK;

	if (ds == NULL || keys == NULL) {
		rc = DP_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < tp->n_keys; i++) {
		const rfc5011_key *e = &tp->keys[i];
		const ldns_rr *src = e->dnskey != NULL ? e->dnskey : e->ds;
		ldns_rr *c;

		if (!is_trusted_state(e->state) || src == NULL)
			continue;
		if ((c = ldns_rr_clone(src)) == NULL ||
		    !ldns_rr_list_push_rr(e->dnskey != NULL ? keys : ds, c)) {
			ldns_rr_free(c);
			rc = DP_ENOMEM;
			goto out;
		}
	}
	if (ldns_rr_list_rr_count(ds) + ldns_rr_list_rr_count(keys) == 0)
		rc = DP_ENOTFOUND;
out:
	if (rc != DP_OK) {
		ldns_rr_list_deep_free(ds);
		ldns_rr_list_deep_free(keys);
		return rc;
	}
	*ds_out = ds;
	*keys_out = keys;
	return DP_OK;
}

int rfc5011_verify_default(void *arg, const ldns_rr_list *rrset,
			   const ldns_rr *rrsig, const ldns_rr *dnskey, int64_t now)
{
	val_policy pol;
	val_why why;

	(void)arg;
	val_policy_default(&pol);
	return rrsig_verify(rrset, rrsig, dnskey, now, &pol, NULL, &why);
}

/* ---- the step ---- */

typedef struct step_ctx {
	rfc5011_tp *tp;          /* the new state being built */
	ldns_rr_list *keys;      /* the trust point's DNSKEYs (borrowed rrs) */
	ldns_rr_list *sigs;      /* RRSIGs by the trust point over DNSKEY (borrowed) */
	unsigned char *selfsig;  /* per DNSKEY: its own RRSIG verified */
	unsigned char *touched;  /* per entry: changed by a revocation this step */
	int64_t now, stamp;
	int backwards;
	rfc5011_verify_fn verify;
	void *varg;
	int trusted_ok;          /* an unrevoked trusted key signed the set */
	int revoked_trusted;     /* a trusted key revoked itself */
	int64_t min_exp;         /* earliest expiration of a trusted signature */
	rfc5011_result *res;
} step_ctx;

static void reason_add(rfc5011_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reason_add(rfc5011_result *res, const char *fmt, ...)
{
	size_t len = strlen(res->reason);
	va_list ap;

	if (len + 1 >= sizeof(res->reason))
		return;
	if (len > 0 && len + 3 < sizeof(res->reason)) {
		memcpy(res->reason + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(res->reason + len, sizeof(res->reason) - len, fmt, ap);
	va_end(ap);
}

/* Pick the trust point's DNSKEYs and the RRSIGs over them from the answer. */
static int step_filter(step_ctx *c, const ldns_rr_list *dnskeys, const ldns_rr_list *rrsigs)
{
	const ldns_rdf *zone = c->tp->zone;

	c->keys = ldns_rr_list_new();
	c->sigs = ldns_rr_list_new();
	if (c->keys == NULL || c->sigs == NULL)
		return DP_ENOMEM;
	for (size_t i = 0; i < ldns_rr_list_rr_count(dnskeys); i++) {
		ldns_rr *rr = ldns_rr_list_rr(dnskeys, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY && ldns_rr_rd_count(rr) == 4 &&
		    ldns_dname_compare(ldns_rr_owner(rr), zone) == 0 &&
		    !ldns_rr_list_push_rr(c->keys, rr))
			return DP_ENOMEM;
	}
	for (size_t i = 0; rrsigs != NULL && i < ldns_rr_list_rr_count(rrsigs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(rrsigs, i);
		const ldns_rdf *tc;
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(rr) != 9)
			continue;
		tc = ldns_rr_rrsig_typecovered(rr);
		if (tc == NULL || ldns_rdf2rr_type(tc) != LDNS_RR_TYPE_DNSKEY ||
		    ldns_dname_compare(ldns_rr_owner(rr), zone) != 0 ||
		    ldns_dname_compare(ldns_rr_rrsig_signame(rr), zone) != 0)
			continue;
		if (!ldns_rr_list_push_rr(c->sigs, rr))
			return DP_ENOMEM;
	}
	return DP_OK;
}

/* Did key d sign the DNSKEY RRset?  Records the signature's expiration in
 * *exp. */
static int step_signed_by(step_ctx *c, const ldns_rr *d, int64_t *exp)
{
	uint16_t tag = ldns_calc_keytag(d);
	uint8_t alg = key_alg(d);

	for (size_t i = 0; i < ldns_rr_list_rr_count(c->sigs); i++) {
		const ldns_rr *s = ldns_rr_list_rr(c->sigs, i);
		if (ldns_rdf2native_int16(ldns_rr_rrsig_keytag(s)) != tag ||
		    ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(s)) != alg)
			continue;
		if (c->verify(c->varg, c->keys, s, d, c->now) == DP_OK) {
			*exp = sig_expiration(s, c->now);
			return 1;
		}
	}
	return 0;
}

static rfc5011_key *find_entry(rfc5011_tp *tp, const ldns_rr *d)
{
	for (size_t i = 0; i < tp->n_keys; i++)
		if (entry_matches(&tp->keys[i], d))
			return &tp->keys[i];
	return NULL;
}

/* Which keys signed the set, and is one of them a current trust anchor? */
static void step_signers(step_ctx *c)
{
	size_t n = ldns_rr_list_rr_count(c->keys);

	for (size_t j = 0; j < n; j++) {
		const ldns_rr *d = ldns_rr_list_rr(c->keys, j);
		rfc5011_key *e;
		int64_t exp = 0;

		if (!step_signed_by(c, d, &exp))
			continue;
		c->selfsig[j] = 1;
		e = find_entry(c->tp, d);
		if (e == NULL || !is_trusted_state(e->state))
			continue;
		if (is_revoked(d)) {
			c->revoked_trusted = 1;
			continue;
		}
		if (!c->trusted_ok || exp < c->min_exp)
			c->min_exp = exp;
		c->trusted_ok = 1;
		reason_add(c->res, "DNSKEY set signed by trust anchor %u", ldns_calc_keytag(d));
	}
}

/* RFC 5011 section 2.1: a key with the REVOKE bit that signed the DNSKEY
 * set itself is revoked for good.  Without that signature the bit is
 * ignored.  When no unrevoked anchor signed the set, only the revocation
 * of a current anchor is taken (its own signature proves it). */
static int step_revocations(step_ctx *c)
{
	for (size_t j = 0; j < ldns_rr_list_rr_count(c->keys); j++) {
		const ldns_rr *d = ldns_rr_list_rr(c->keys, j);
		rfc5011_key *e;
		int rc;

		if (!is_revoked(d) || !c->selfsig[j])
			continue;
		e = find_entry(c->tp, d);
		if (!c->trusted_ok && (e == NULL || !is_trusted_state(e->state)))
			continue;
		if (e == NULL) {
			/* An unknown key revoked: remember it so it is never
			 * trusted later. */
			if (!is_tracked_dnskey(d, c->tp->zone))
				continue;
			if ((rc = tp_append(c->tp, &e)) == DP_ELIMIT)
				continue;
			if (rc != DP_OK)
				return rc;
			e->first_seen = c->stamp;
			e->state = RFC5011_START;
		}
		if (e->state == RFC5011_REVOKED || e->state == RFC5011_REMOVED)
			continue;
		ldns_rr_free(e->dnskey);
		if ((e->dnskey = ldns_rr_clone(d)) == NULL)
			return DP_ENOMEM;
		reason_add(c->res, "key %u revoked (now %u, %s -> revoked)", e->tag,
			   ldns_calc_keytag(d), rfc5011_state_str(e->state));
		e->tag = ldns_calc_keytag(d);
		e->alg = key_alg(d);
		e->state = RFC5011_REVOKED;
		e->last_change = c->stamp;
		e->seen_count++;
		c->touched[e - c->tp->keys] = 1;
		c->res->changed = 1;
	}
	return DP_OK;
}

/* The DNSKEY of the set that is this entry's key, preferring one without
 * the REVOKE bit, or NULL. */
static const ldns_rr *step_present(const step_ctx *c, const rfc5011_key *e)
{
	const ldns_rr *found = NULL;

	for (size_t j = 0; j < ldns_rr_list_rr_count(c->keys); j++) {
		const ldns_rr *d = ldns_rr_list_rr(c->keys, j);
		if (!entry_matches(e, d))
			continue;
		if (!is_revoked(d))
			return d;
		found = d;
	}
	return found;
}

static void set_state(step_ctx *c, rfc5011_key *e, rfc5011_state s)
{
	reason_add(c->res, "key %u %s -> %s", e->tag, rfc5011_state_str(e->state),
		   rfc5011_state_str(s));
	e->state = s;
	e->last_change = c->stamp;
	c->res->changed = 1;
}

/* RFC 5011 section 4.2 for one known key, from its presence in the set. */
static int step_entry(step_ctx *c, rfc5011_key *e, const ldns_rr *d)
{
	int64_t hold = max64(RFC5011_ADD_HOLDDOWN, (int64_t)c->tp->ttl);

	if (d != NULL) {
		e->seen_count++;
		/* A DS-only anchor meets its key: keep the key from now on. */
		if (e->dnskey == NULL && !is_revoked(d) &&
		    (e->dnskey = ldns_rr_clone(d)) == NULL)
			return DP_ENOMEM;
	} else {
		e->missing_count++;
	}
	switch (e->state) {
	case RFC5011_START:
		if (d != NULL && !is_revoked(d)) {
			set_state(c, e, RFC5011_ADDPEND);
			e->first_seen = c->stamp;
		}
		break;
	case RFC5011_ADDPEND:
		if (d == NULL)
			set_state(c, e, RFC5011_START);
		else if (!c->backwards && c->now - e->first_seen >= hold)
			set_state(c, e, RFC5011_VALID);
		break;
	case RFC5011_VALID:
		if (d == NULL)
			set_state(c, e, RFC5011_MISSING);
		break;
	case RFC5011_MISSING:
		if (d != NULL)
			set_state(c, e, RFC5011_VALID);
		break;
	case RFC5011_REVOKED:
		if (d == NULL && !c->backwards && c->now - e->last_change >= RFC5011_REM_HOLDDOWN)
			set_state(c, e, RFC5011_REMOVED);
		break;
	case RFC5011_REMOVED:
		break;
	}
	return DP_OK;
}

/* Keys of the set that nobody knows yet enter AddPend (event NewKey). */
static int step_new_keys(step_ctx *c)
{
	for (size_t j = 0; j < ldns_rr_list_rr_count(c->keys); j++) {
		const ldns_rr *d = ldns_rr_list_rr(c->keys, j);
		rfc5011_key *e;
		int rc;

		if (!is_tracked_dnskey(d, c->tp->zone) || is_revoked(d) ||
		    find_entry(c->tp, d) != NULL)
			continue;
		if ((rc = tp_append(c->tp, &e)) == DP_ELIMIT) {
			reason_add(c->res, "too many keys: new key %u ignored", ldns_calc_keytag(d));
			continue;
		}
		if (rc != DP_OK)
			return rc;
		if ((e->dnskey = ldns_rr_clone(d)) == NULL)
			return DP_ENOMEM;
		e->tag = ldns_calc_keytag(d);
		e->alg = key_alg(d);
		e->state = RFC5011_ADDPEND;
		e->first_seen = e->last_change = c->stamp;
		e->seen_count = 1;
		c->res->changed = 1;
		reason_add(c->res, "new key %u -> addpend", e->tag);
	}
	return DP_OK;
}

static uint32_t set_ttl(const ldns_rr_list *keys)
{
	uint32_t ttl = 0;

	for (size_t j = 0; j < ldns_rr_list_rr_count(keys); j++) {
		uint32_t t = ldns_rr_ttl(ldns_rr_list_rr(keys, j));
		if (j == 0 || t < ttl)
			ttl = t;
	}
	return ttl;
}

static int step_accepted(step_ctx *c)
{
	size_t n_old = c->tp->n_keys;
	int rc;

	c->tp->ttl = set_ttl(c->keys);
	c->tp->sig_expiry = c->min_exp;
	for (size_t i = 0; i < n_old; i++) {
		rfc5011_key *e = &c->tp->keys[i];
		if (c->touched[i])
			continue;
		if ((rc = step_entry(c, e, step_present(c, e))) != DP_OK)
			return rc;
	}
	if ((rc = step_new_keys(c)) != DP_OK)
		return rc;
	c->tp->last_success = c->now;
	c->tp->next_probe = c->now + rfc5011_query_interval(c->tp->ttl, c->min_exp - c->now);
	return DP_OK;
}

static int step_run(step_ctx *c, const ldns_rr_list *dnskeys, const ldns_rr_list *rrsigs)
{
	size_t n;
	int rc;

	if ((rc = step_filter(c, dnskeys, rrsigs)) != DP_OK)
		return rc;
	n = ldns_rr_list_rr_count(c->keys);
	c->selfsig = calloc(n + 1, 1);
	c->touched = calloc(c->tp->n_keys + RFC5011_MAX_KEYS + 1, 1);
	if (c->selfsig == NULL || c->touched == NULL)
		return DP_ENOMEM;
	step_signers(c);
	if (!c->trusted_ok && !c->revoked_trusted) {
		c->res->verdict = RFC5011_REFUSED;
		reason_add(c->res, "DNSKEY set for the trust point is not signed by a current trust "
			   "anchor (%zu keys, %zu signatures): refused", n,
			   ldns_rr_list_rr_count(c->sigs));
		c->tp->next_probe = retry_at(c->tp, c->now);
		return DP_OK;
	}
	if ((rc = step_revocations(c)) != DP_OK)
		return rc;
	if (!c->trusted_ok) {
		c->res->verdict = RFC5011_REVOKED_ONLY;
		reason_add(c->res, "only a revoked anchor signed the DNSKEY set: "
			   "nothing else in it is trusted");
		c->tp->next_probe = retry_at(c->tp, c->now);
		return DP_OK;
	}
	c->res->verdict = RFC5011_ACCEPTED;
	return step_accepted(c);
}

int rfc5011_step(const rfc5011_tp *old, const ldns_rr_list *dnskeys,
		 const ldns_rr_list *rrsigs, int64_t now,
		 rfc5011_verify_fn verify, void *verify_arg,
		 rfc5011_tp **out, rfc5011_result *res)
{
	step_ctx c;
	int rc;

	if (old == NULL || out == NULL || res == NULL)
		return DP_EINVAL;
	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.res = res;
	c.now = now;
	c.verify = verify != NULL ? verify : rfc5011_verify_default;
	c.varg = verify_arg;
	if ((c.tp = rfc5011_tp_clone(old)) == NULL)
		return DP_ENOMEM;
	/* A clock that went backwards must not shorten a hold-down: stamps
	 * use the latest time seen, and no timer expires until the clock has
	 * caught up with it again. */
	c.backwards = now < old->high_water;
	c.stamp = c.backwards ? old->high_water : now;
	if (c.backwards) {
		res->clock_backwards = 1;
		reason_add(res, "clock is %lld s behind the last observation: hold-down timers not advanced",
			   (long long)(old->high_water - now));
	} else {
		c.tp->high_water = now;
	}
	c.tp->last_attempt = now;
	if (dnskeys == NULL) {
		res->verdict = RFC5011_NO_ANSWER;
		reason_add(res, "no DNSKEY answer: retry later");
		c.tp->next_probe = retry_at(c.tp, now);
		rc = DP_OK;
	} else {
		rc = step_run(&c, dnskeys, rrsigs);
	}
	ldns_rr_list_free(c.keys);
	ldns_rr_list_free(c.sigs);
	free(c.selfsig);
	free(c.touched);
	if (rc != DP_OK) {
		rfc5011_tp_free(c.tp);
		return rc;
	}
	*out = c.tp;
	return DP_OK;
}
