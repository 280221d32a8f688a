/*
 * rfc5011_step.c - one step of the RFC 5011 state machine (section 2.4):
 * from a trust point's state and the DNSKEY set seen now (with its
 * RRSIGs), the next state.  The records, timers and helpers it uses are in
 * rfc5011.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/rfc5011.h"
#include "validator/dnssec.h"
#include "validator/rfc5011_int.h"

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
	uint8_t alg = r5_key_alg(d);

	for (size_t i = 0; i < ldns_rr_list_rr_count(c->sigs); i++) {
		const ldns_rr *s = ldns_rr_list_rr(c->sigs, i);
		if (ldns_rdf2native_int16(ldns_rr_rrsig_keytag(s)) != tag ||
		    ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(s)) != alg)
			continue;
		if (c->verify(c->varg, c->keys, s, d, c->now) == DP_OK) {
			*exp = r5_sig_expiration(s, c->now);
			return 1;
		}
	}
	return 0;
}

static rfc5011_key *find_entry(rfc5011_tp *tp, const ldns_rr *d)
{
	for (size_t i = 0; i < tp->n_keys; i++)
		if (r5_entry_matches(&tp->keys[i], d))
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
		if (e == NULL || !r5_is_trusted_state(e->state))
			continue;
		if (r5_is_revoked(d)) {
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

		if (!r5_is_revoked(d) || !c->selfsig[j])
			continue;
		e = find_entry(c->tp, d);
		if (!c->trusted_ok && (e == NULL || !r5_is_trusted_state(e->state)))
			continue;
		if (e == NULL) {
			/* An unknown key revoked: remember it so it is never
			 * trusted later. */
			if (!r5_is_tracked_dnskey(d, c->tp->zone))
				continue;
			if ((rc = r5_tp_append(c->tp, &e)) == DP_ELIMIT)
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
		e->alg = r5_key_alg(d);
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
		if (!r5_entry_matches(e, d))
			continue;
		if (!r5_is_revoked(d))
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
	int64_t hold = r5_max64(RFC5011_ADD_HOLDDOWN, (int64_t)c->tp->ttl);

	if (d != NULL) {
		e->seen_count++;
		/* A DS-only anchor meets its key: keep the key from now on. */
		if (e->dnskey == NULL && !r5_is_revoked(d) &&
		    (e->dnskey = ldns_rr_clone(d)) == NULL)
			return DP_ENOMEM;
	} else {
		e->missing_count++;
	}
	switch (e->state) {
	case RFC5011_START:
		if (d != NULL && !r5_is_revoked(d)) {
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

		if (!r5_is_tracked_dnskey(d, c->tp->zone) || r5_is_revoked(d) ||
		    find_entry(c->tp, d) != NULL)
			continue;
		if ((rc = r5_tp_append(c->tp, &e)) == DP_ELIMIT) {
			reason_add(c->res, "too many keys: new key %u ignored", ldns_calc_keytag(d));
			continue;
		}
		if (rc != DP_OK)
			return rc;
		if ((e->dnskey = ldns_rr_clone(d)) == NULL)
			return DP_ENOMEM;
		e->tag = ldns_calc_keytag(d);
		e->alg = r5_key_alg(d);
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
		c->tp->next_probe = r5_retry_at(c->tp, c->now);
		return DP_OK;
	}
	if ((rc = step_revocations(c)) != DP_OK)
		return rc;
	if (!c->trusted_ok) {
		c->res->verdict = RFC5011_REVOKED_ONLY;
		reason_add(c->res, "only a revoked anchor signed the DNSKEY set: "
			   "nothing else in it is trusted");
		c->tp->next_probe = r5_retry_at(c->tp, c->now);
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
		c.tp->next_probe = r5_retry_at(c.tp, now);
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
