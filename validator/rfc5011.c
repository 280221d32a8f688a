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
#include "validator/rfc5011_int.h"

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

uint8_t r5_key_alg(const ldns_rr *k)
{
	const ldns_rdf *a = ldns_rr_dnskey_algorithm(k);

	return a != NULL && ldns_rdf_size(a) == 1 ? ldns_rdf2native_int8(a) : 0;
}

int r5_is_revoked(const ldns_rr *k)
{
	return (key_flags(k) & RFC5011_FLAG_REVOKE) != 0;
}

/* A well-formed DNSKEY of the trust point that RFC 5011 tracks: zone key
 * with the SEP bit (section 2: trust anchors are key-signing keys). */
int r5_is_tracked_dnskey(const ldns_rr *k, const ldns_rdf *zone)
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

	if (ds == NULL || !r5_is_revoked(k))
		return ds != NULL && ldns_rr_compare_ds(ds, k);
	u = key_unrevoked(k);
	if (u == NULL)
		return 0;
	r = ldns_rr_compare_ds(ds, u);
	ldns_rr_free(u);
	return r;
}

int r5_entry_matches(const rfc5011_key *e, const ldns_rr *k)
{
	if (e->dnskey != NULL)
		return key_same(e->dnskey, k);
	return ds_names_key(e->ds, k);
}

int r5_is_trusted_state(rfc5011_state s)
{
	return s == RFC5011_VALID || s == RFC5011_MISSING;
}

/* RRSIG expiration as 64-bit time near now (RFC 4034 3.1.5 serial
 * arithmetic). */
int64_t r5_sig_expiration(const ldns_rr *sig, int64_t now)
{
	const ldns_rdf *e = ldns_rr_rrsig_expiration(sig);
	uint32_t v;

	if (e == NULL || ldns_rdf_size(e) != 4)
		return now;
	v = ldns_rdf2native_int32(e);
	return now + (int32_t)(v - (uint32_t)now);
}

/* ---- adding anchors ---- */

int r5_tp_append(rfc5011_tp *tp, rfc5011_key **slot)
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
	if ((rc = r5_tp_append(tp, &e)) != DP_OK)
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
	    ldns_dname_compare(ldns_rr_owner(dnskey), tp->zone) != 0 || r5_is_revoked(dnskey))
		return DP_EINVAL;
	for (size_t i = 0; i < tp->n_keys; i++)
		if (key_same(tp->keys[i].dnskey, dnskey))
			return DP_OK;
	if ((rc = r5_tp_append(tp, &e)) != DP_OK)
		return rc;
	if ((e->dnskey = ldns_rr_clone(dnskey)) == NULL) {
		tp->n_keys--;
		return DP_ENOMEM;
	}
	e->tag = ldns_calc_keytag(dnskey);
	e->alg = r5_key_alg(dnskey);
	e->state = RFC5011_VALID;
	e->first_seen = e->last_change = now;
	return DP_OK;
}

/* ---- timers (RFC 5011 section 2.3) ---- */

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
int64_t r5_max64(int64_t a, int64_t b) { return a > b ? a : b; }

int64_t rfc5011_query_interval(uint32_t ttl, int64_t sig_left)
{
	/* MAX(1 hr, MIN(15 days, 1/2 * OrigTTL, 1/2 * RRSigExpirationInterval)) */
	int64_t v = min64(15 * 86400, min64((int64_t)ttl / 2, sig_left / 2));

	return r5_max64(3600, v);
}

int64_t rfc5011_retry_interval(uint32_t ttl, int64_t sig_left)
{
	/* MAX(1 hour, MIN(1 day, .1 * OrigTTL, .1 * RRSigExpirationInterval)) */
	int64_t v = min64(86400, min64((int64_t)ttl / 10, sig_left / 10));

	return r5_max64(3600, v);
}

int64_t r5_retry_at(const rfc5011_tp *tp, int64_t now)
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

		if (!r5_is_trusted_state(e->state) || src == NULL)
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
