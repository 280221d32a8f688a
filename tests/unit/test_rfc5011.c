/*
 * test_rfc5011.c - the RFC 5011 state machine with real keys and real
 * signatures (ldns's signer, ECDSA P-256), and an injected clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include "validator/rfc5011.h"
#include "validator/statefile.h"

#define DAY 86400
/* 2026-11-18T12:00:00Z */
#define T0 ((int64_t)1795003200)
#define TTL 172800

typedef struct tkey {
	ldns_key *k;
	ldns_rr *rr;      /* DNSKEY as currently published (revoked or not) */
	uint16_t tag;     /* tag of the unrevoked key */
	/* tag of the revoked key: tag + 128 only while the sum does not wrap
	 * (RFC 4034 appendix B folds the carry back in: 65496 -> 89) */
	uint16_t rtag;
} tkey;

static uint32_t sig_incept = (uint32_t)(T0 - 2 * DAY);
static uint32_t sig_expire = (uint32_t)(T0 + 400 * DAY);

static void tk_publish(tkey *t, uint16_t flags)
{
	ldns_rr_free(t->rr);
	ldns_key_set_flags(t->k, flags);
	t->rr = ldns_key2rr(t->k);
	assert_non_null(t->rr);
	ldns_rr_set_ttl(t->rr, TTL);
	ldns_key_set_keytag(t->k, ldns_calc_keytag(t->rr));
}

static tkey *tk_new(void)
{
	tkey *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->k = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
	assert_non_null(t->k);
	ldns_key_set_pubkey_owner(t->k, ldns_dname_new_frm_str("."));
	tk_publish(t, 257 | RFC5011_FLAG_REVOKE);
	t->rtag = ldns_calc_keytag(t->rr);
	tk_publish(t, 257);
	t->tag = ldns_calc_keytag(t->rr);
	return t;
}

static void tk_revoke(tkey *t, int on)
{
	tk_publish(t, on ? 257 | RFC5011_FLAG_REVOKE : 257);
}

static void tk_free(tkey *t)
{
	if (t == NULL)
		return;
	ldns_key_deep_free(t->k);
	ldns_rr_free(t->rr);
	free(t);
}

/* The DNSKEY set made of the published form of keys in set[], signed by
 * each key of signers[] (with sig_incept..sig_expire), plus a ZSK that the
 * machine must ignore. */
static void observe(tkey **set, size_t n, tkey **signers, size_t m,
		    ldns_rr_list **keys_out, ldns_rr_list **sigs_out)
{
	ldns_rr_list *keys = ldns_rr_list_new();
	ldns_rr_list *sigs = ldns_rr_list_new();
	static tkey *zsk;

	if (zsk == NULL) {
		zsk = tk_new();
		tk_publish(zsk, 256);
	}
	for (size_t i = 0; i < n; i++)
		ldns_rr_list_push_rr(keys, ldns_rr_clone(set[i]->rr));
	ldns_rr_list_push_rr(keys, ldns_rr_clone(zsk->rr));
	for (size_t i = 0; i < m; i++) {
		ldns_key_list *kl = ldns_key_list_new();
		ldns_rr_list *s;
		ldns_key_set_inception(signers[i]->k, sig_incept);
		ldns_key_set_expiration(signers[i]->k, sig_expire);
		ldns_key_list_push_key(kl, signers[i]->k);
		s = ldns_sign_public(keys, kl);
		assert_non_null(s);
		ldns_key_list_set_key_count(kl, 0);
		ldns_key_list_free(kl);
		ldns_rr_list_push_rr_list(sigs, s);
		ldns_rr_list_free(s);
	}
	*keys_out = keys;
	*sigs_out = sigs;
}

/* One step; frees the old state, returns the new one. */
static rfc5011_tp *step(rfc5011_tp *tp, tkey **set, size_t n, tkey **signers, size_t m,
			int64_t now, rfc5011_result *res)
{
	ldns_rr_list *keys, *sigs;
	rfc5011_tp *out = NULL;

	observe(set, n, signers, m, &keys, &sigs);
	assert_int_equal(rfc5011_step(tp, keys, sigs, now, NULL, NULL, &out, res), DP_OK);
	assert_non_null(out);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
	rfc5011_tp_free(tp);
	return out;
}

static const rfc5011_key *find(const rfc5011_tp *tp, const tkey *t)
{
	for (size_t i = 0; i < tp->n_keys; i++) {
		const rfc5011_key *k = &tp->keys[i];
		int revoked = k->state == RFC5011_REVOKED || k->state == RFC5011_REMOVED;
		if (k->tag == (revoked ? t->rtag : t->tag) && k->alg == 13)
			return k;
	}
	return NULL;
}

static void assert_state(const rfc5011_tp *tp, const tkey *t, rfc5011_state s)
{
	const rfc5011_key *k = find(tp, t);

	if (k == NULL)
		fail_msg("key %u not in the state (want %s)", t->tag, rfc5011_state_str(s));
	if (k->state != s)
		fail_msg("key %u is %s, want %s", t->tag, rfc5011_state_str(k->state),
			 rfc5011_state_str(s));
}

/* A trust point that trusts the keys in anchors[] through their DS. */
static rfc5011_tp *tp_from_ds(tkey **anchors, size_t n, int64_t now)
{
	ldns_rdf *root = ldns_dname_new_frm_str(".");
	rfc5011_tp *tp = NULL;

	assert_int_equal(rfc5011_tp_new(root, &tp), DP_OK);
	ldns_rdf_deep_free(root);
	for (size_t i = 0; i < n; i++) {
		ldns_rr *ds = ldns_key_rr2ds(anchors[i]->rr, LDNS_SHA256);
		assert_non_null(ds);
		assert_int_equal(rfc5011_add_ds(tp, ds, now), DP_OK);
		ldns_rr_free(ds);
	}
	return tp;
}

static tkey *A, *B, *C;

static int setup(void **state)
{
	(void)state;
	A = tk_new();
	B = tk_new();
	C = tk_new();
	sig_incept = (uint32_t)(T0 - 2 * DAY);
	sig_expire = (uint32_t)(T0 + 400 * DAY);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tk_free(A);
	tk_free(B);
	tk_free(C);
	A = B = C = NULL;
	return 0;
}

#define S(...) (tkey *[]){ __VA_ARGS__ }, sizeof((tkey *[]){ __VA_ARGS__ }) / sizeof(tkey *)

static void test_bootstrap_from_ds(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A, B), T0);
	char why[200];

	(void)state;
	assert_int_equal(tp->keys[0].state, RFC5011_VALID);
	assert_null(tp->keys[0].dnskey);
	/* Only A is published: it is trusted at once (no hold-down for a
	 * configured anchor), B's DS has no key and goes Missing. */
	tp = step(tp, S(A), S(A), T0, &res);
	assert_int_equal(res.verdict, RFC5011_ACCEPTED);
	assert_state(tp, A, RFC5011_VALID);
	assert_non_null(find(tp, A)->dnskey);
	assert_int_equal(tp->last_success, T0);
	assert_int_equal(tp->ttl, TTL);
	assert_int_equal(tp->next_probe, T0 + DAY); /* MIN(15d, TTL/2, ...) */
	assert_int_equal(rfc5011_tp_health(tp, why, sizeof(why)), RFC5011_HEALTH_WARNING);
	assert_non_null(strstr(why, "missing"));
	/* The DS-only anchor B shows up: Valid. */
	tp = step(tp, S(A, B), S(A), T0 + DAY, &res);
	assert_state(tp, B, RFC5011_VALID);
	assert_int_equal(rfc5011_tp_health(tp, NULL, 0), RFC5011_HEALTH_OK);
	rfc5011_tp_free(tp);
}

static void test_add_holddown(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0);

	(void)state;
	tp = step(tp, S(A, B), S(A), T0, &res);
	assert_state(tp, A, RFC5011_VALID);
	assert_state(tp, B, RFC5011_ADDPEND);
	assert_int_equal(find(tp, B)->first_seen, T0);
	assert_int_equal(rfc5011_tp_health(tp, NULL, 0), RFC5011_HEALTH_WARNING);
	tp = step(tp, S(A, B), S(A), T0 + 15 * DAY, &res);
	assert_state(tp, B, RFC5011_ADDPEND);
	/* Not one second early. */
	tp = step(tp, S(A, B), S(A), T0 + 30 * DAY - 1, &res);
	assert_state(tp, B, RFC5011_ADDPEND);
	tp = step(tp, S(A, B), S(A), T0 + 30 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_ACCEPTED);
	assert_true(res.changed);
	assert_state(tp, B, RFC5011_VALID);
	assert_int_equal(find(tp, B)->last_change, T0 + 30 * DAY);
	/* The ZSK is never tracked. */
	assert_int_equal(tp->n_keys, 2);
	/* B alone now validates the set. */
	tp = step(tp, S(B), S(B), T0 + 31 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_ACCEPTED);
	assert_state(tp, A, RFC5011_MISSING);
	rfc5011_tp_free(tp);
}

static void test_addpend_disappears(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0);

	(void)state;
	tp = step(tp, S(A, B), S(A), T0, &res);
	assert_state(tp, B, RFC5011_ADDPEND);
	tp = step(tp, S(A), S(A), T0 + 10 * DAY, &res);
	assert_state(tp, B, RFC5011_START);
	/* It comes back: the hold-down starts again from here. */
	tp = step(tp, S(A, B), S(A), T0 + 20 * DAY, &res);
	assert_state(tp, B, RFC5011_ADDPEND);
	assert_int_equal(find(tp, B)->first_seen, T0 + 20 * DAY);
	tp = step(tp, S(A, B), S(A), T0 + 31 * DAY, &res);
	assert_state(tp, B, RFC5011_ADDPEND);
	tp = step(tp, S(A, B), S(A), T0 + 50 * DAY, &res);
	assert_state(tp, B, RFC5011_VALID);
	rfc5011_tp_free(tp);
}

static void test_pending_signer_refused(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0), *before;
	char *t1, *t2;

	(void)state;
	tp = step(tp, S(A, B), S(A), T0, &res);
	assert_state(tp, B, RFC5011_ADDPEND);
	before = rfc5011_tp_clone(tp);
	/* Signed only by the pending key B: C must not be learnt, A must not
	 * go Missing, and no timer may move but the retry. */
	tp = step(tp, S(B, C), S(B), T0 + 31 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_REFUSED);
	assert_false(res.changed);
	assert_non_null(strstr(res.reason, "not signed by a current trust anchor"));
	assert_state(tp, A, RFC5011_VALID);
	assert_state(tp, B, RFC5011_ADDPEND);
	assert_null(find(tp, C));
	assert_int_equal(tp->last_success, T0);
	assert_int_equal(tp->next_probe, T0 + 31 * DAY + TTL / 10);
	/* A stranger's signature and no signature at all: refused too. */
	tp = step(tp, S(A, C), S(C), T0 + 32 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_REFUSED);
	tp = step(tp, S(A, B), S(), T0 + 33 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_REFUSED);
	assert_state(tp, B, RFC5011_ADDPEND);
	/* Nothing but the attempt time and the retry moved. */
	before->last_attempt = tp->last_attempt;
	before->next_probe = tp->next_probe;
	before->high_water = tp->high_water;
	assert_int_equal(statefile_format(before, 0, &t1, NULL), DP_OK);
	assert_int_equal(statefile_format(tp, 0, &t2, NULL), DP_OK);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	rfc5011_tp_free(before);
	rfc5011_tp_free(tp);
}

static void test_spliced_key_refused(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0), *out = NULL;
	ldns_rr_list *keys, *sigs;

	(void)state;
	/* A's real signature over {A}, with C slipped into the answer: the
	 * signature no longer covers the set. */
	observe(S(A), S(A), &keys, &sigs);
	ldns_rr_list_push_rr(keys, ldns_rr_clone(C->rr));
	assert_int_equal(rfc5011_step(tp, keys, sigs, T0, NULL, NULL, &out, &res), DP_OK);
	assert_int_equal(res.verdict, RFC5011_REFUSED);
	assert_null(find(out, C));
	rfc5011_tp_free(out);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
	rfc5011_tp_free(tp);
}

static void test_expired_signature_refused(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0);

	(void)state;
	sig_expire = (uint32_t)(T0 + 5 * DAY);
	tp = step(tp, S(A, B), S(A), T0 + 6 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_REFUSED);
	assert_null(find(tp, B));
	rfc5011_tp_free(tp);
}

static rfc5011_tp *two_valid(void)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A, B), T0);

	tp = step(tp, S(A, B), S(A), T0, &res);
	assert_state(tp, A, RFC5011_VALID);
	assert_state(tp, B, RFC5011_VALID);
	return tp;
}

static void test_self_signed_revocation(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = two_valid();
	ldns_rr_list *ds, *keys;

	(void)state;
	tk_revoke(A, 1);
	tp = step(tp, S(A, B), S(A, B), T0 + DAY, &res);
	assert_int_equal(res.verdict, RFC5011_ACCEPTED);
	assert_state(tp, A, RFC5011_REVOKED);
	assert_int_equal(find(tp, A)->tag, A->rtag);
	assert_int_equal(find(tp, A)->last_change, T0 + DAY);
	/* Still published revoked: stays Revoked. */
	tp = step(tp, S(A, B), S(A, B), T0 + 40 * DAY, &res);
	assert_state(tp, A, RFC5011_REVOKED);
	/* Gone, but the remove hold-down counts from the revocation. */
	tk_revoke(A, 0);
	tp = step(tp, S(B), S(B), T0 + 31 * DAY - 1 + 10 * DAY, &res);
	assert_state(tp, A, RFC5011_REMOVED);
	assert_int_equal(rfc5011_tp_health(tp, NULL, 0), RFC5011_HEALTH_OK);
	/* Only B is a trust anchor now. */
	assert_int_equal(rfc5011_tp_trusted(tp, &ds, &keys), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(keys), 1);
	assert_int_equal(ldns_calc_keytag(ldns_rr_list_rr(keys, 0)), B->tag);
	assert_int_equal(ldns_rr_list_rr_count(ds), 0);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(keys);
	rfc5011_tp_free(tp);
}

static void test_remove_holddown(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = two_valid();

	(void)state;
	tk_revoke(A, 1);
	tp = step(tp, S(A, B), S(A, B), T0 + DAY, &res);
	tk_revoke(A, 0);
	tp = step(tp, S(B), S(B), T0 + 31 * DAY - 1, &res);
	assert_state(tp, A, RFC5011_REVOKED);
	tp = step(tp, S(B), S(B), T0 + 31 * DAY, &res);
	assert_state(tp, A, RFC5011_REMOVED);
	rfc5011_tp_free(tp);
}

static void test_revoke_bit_without_own_signature(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = two_valid();

	(void)state;
	tk_revoke(A, 1);
	/* Published with the REVOKE bit, but signed only by B. */
	tp = step(tp, S(A, B), S(B), T0 + DAY, &res);
	tk_revoke(A, 0);
	assert_int_equal(res.verdict, RFC5011_ACCEPTED);
	assert_state(tp, A, RFC5011_VALID);
	assert_int_equal(find(tp, A)->tag, A->tag);
	rfc5011_tp_free(tp);
}

static void test_revoked_never_comes_back(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = two_valid();

	(void)state;
	tk_revoke(A, 1);
	tp = step(tp, S(A, B), S(A, B), T0 + DAY, &res);
	assert_state(tp, A, RFC5011_REVOKED);
	tk_revoke(A, 0);
	/* Back without the bit, signed by itself and B: still revoked. */
	tp = step(tp, S(A, B), S(A, B), T0 + 2 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_ACCEPTED);
	assert_state(tp, A, RFC5011_REVOKED);
	/* Signed by A alone: A is not an anchor any more. */
	tp = step(tp, S(A, B), S(A), T0 + 3 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_REFUSED);
	/* Removed, then back: never AddPend again. */
	tp = step(tp, S(B), S(B), T0 + 40 * DAY, &res);
	assert_state(tp, A, RFC5011_REMOVED);
	tp = step(tp, S(A, B), S(B), T0 + 41 * DAY, &res);
	assert_state(tp, A, RFC5011_REMOVED);
	tp = step(tp, S(A, B), S(B), T0 + 90 * DAY, &res);
	assert_state(tp, A, RFC5011_REMOVED);
	rfc5011_tp_free(tp);
}

static void test_unknown_key_revoked_then_unrevoked(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0);

	(void)state;
	tk_revoke(C, 1);
	tp = step(tp, S(A, C), S(A, C), T0, &res);
	assert_state(tp, C, RFC5011_REVOKED);
	tk_revoke(C, 0);
	tp = step(tp, S(A, C), S(A), T0 + DAY, &res);
	assert_state(tp, C, RFC5011_REVOKED);
	rfc5011_tp_free(tp);
}

static void test_missing_and_back(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = two_valid();
	ldns_rr_list *ds, *keys;

	(void)state;
	tp = step(tp, S(B), S(B), T0 + DAY, &res);
	assert_state(tp, A, RFC5011_MISSING);
	assert_int_equal(find(tp, A)->missing_count, 1);
	/* Keep-missing: A is still a trust anchor... */
	assert_int_equal(rfc5011_tp_trusted(tp, &ds, &keys), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(keys), 2);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(keys);
	/* ...and may validate the set alone. */
	tp = step(tp, S(A), S(A), T0 + 2 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_ACCEPTED);
	assert_state(tp, A, RFC5011_VALID);
	assert_state(tp, B, RFC5011_MISSING);
	tp = step(tp, S(A, B), S(A), T0 + 3 * DAY, &res);
	assert_state(tp, B, RFC5011_VALID);
	rfc5011_tp_free(tp);
}

static void test_all_revoked(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0);
	ldns_rr_list *ds = NULL, *keys = NULL;
	char why[200];

	(void)state;
	tp = step(tp, S(A, B), S(A), T0, &res);
	tk_revoke(A, 1);
	/* The only anchor revokes itself; B (pending) and C come with it. */
	tp = step(tp, S(A, B, C), S(A, C), T0 + DAY, &res);
	tk_revoke(A, 0);
	assert_int_equal(res.verdict, RFC5011_REVOKED_ONLY);
	assert_state(tp, A, RFC5011_REVOKED);
	assert_state(tp, B, RFC5011_ADDPEND);
	assert_null(find(tp, C));
	assert_int_equal(rfc5011_tp_health(tp, why, sizeof(why)), RFC5011_HEALTH_CRITICAL);
	assert_non_null(strstr(why, "bootstrap"));
	assert_int_equal(rfc5011_tp_trusted(tp, &ds, &keys), DP_ENOTFOUND);
	assert_null(ds);
	/* From then on nothing moves: B never becomes Valid. */
	tp = step(tp, S(B), S(B), T0 + 60 * DAY, &res);
	assert_int_equal(res.verdict, RFC5011_REFUSED);
	assert_state(tp, B, RFC5011_ADDPEND);
	assert_int_equal(rfc5011_tp_health(tp, NULL, 0), RFC5011_HEALTH_CRITICAL);
	rfc5011_tp_free(tp);
}

static void test_timers(void **state)
{
	(void)state;
	/* MAX(1h, MIN(15d, TTL/2, sig/2)) */
	assert_int_equal(rfc5011_query_interval(172800, 30 * DAY), DAY);
	assert_int_equal(rfc5011_query_interval(0, 30 * DAY), 3600);
	assert_int_equal(rfc5011_query_interval(7200, 30 * DAY), 3600);
	assert_int_equal(rfc5011_query_interval(7202, 30 * DAY), 3601);
	assert_int_equal(rfc5011_query_interval(7199, 30 * DAY), 3600);
	assert_int_equal(rfc5011_query_interval(UINT32_MAX, 100 * DAY), 15 * DAY);
	assert_int_equal(rfc5011_query_interval(30 * DAY, 30 * DAY), 15 * DAY);
	assert_int_equal(rfc5011_query_interval(30 * DAY + 2, 30 * DAY + 2), 15 * DAY);
	assert_int_equal(rfc5011_query_interval(172800, 10 * 3600), 5 * 3600);
	assert_int_equal(rfc5011_query_interval(172800, 0), 3600);
	assert_int_equal(rfc5011_query_interval(172800, -5 * DAY), 3600);
	/* MAX(1h, MIN(1d, TTL/10, sig/10)) */
	assert_int_equal(rfc5011_retry_interval(172800, 30 * DAY), 17280);
	assert_int_equal(rfc5011_retry_interval(10 * DAY, 10 * DAY), DAY);
	assert_int_equal(rfc5011_retry_interval(10 * DAY + 10, 10 * DAY + 10), DAY);
	assert_int_equal(rfc5011_retry_interval(36000, 30 * DAY), 3600);
	assert_int_equal(rfc5011_retry_interval(36010, 30 * DAY), 3601);
	assert_int_equal(rfc5011_retry_interval(100, 30 * DAY), 3600);
	assert_int_equal(rfc5011_retry_interval(172800, 50000), 5000 > 3600 ? 5000 : 3600);
	assert_int_equal(rfc5011_retry_interval(172800, -1), 3600);
}

static void test_next_probe_from_signature(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0);

	(void)state;
	/* The signature expires in 10 hours: look again in 5. */
	sig_expire = (uint32_t)(T0 + 10 * 3600);
	tp = step(tp, S(A), S(A), T0, &res);
	assert_int_equal(res.verdict, RFC5011_ACCEPTED);
	assert_int_equal(tp->sig_expiry, T0 + 10 * 3600);
	assert_int_equal(tp->next_probe, T0 + 5 * 3600);
	/* A failed probe retries after MAX(1h, MIN(1d, TTL/10, left/10)). */
	rfc5011_tp *out = NULL;
	assert_int_equal(rfc5011_step(tp, NULL, NULL, T0 + 3600, NULL, NULL, &out, &res), DP_OK);
	assert_int_equal(res.verdict, RFC5011_NO_ANSWER);
	assert_int_equal(out->next_probe, T0 + 2 * 3600);
	assert_int_equal(out->last_success, T0);
	assert_int_equal(out->last_attempt, T0 + 3600);
	rfc5011_tp_free(out);
	rfc5011_tp_free(tp);
}

static void test_clock_backwards(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0);

	(void)state;
	tp = step(tp, S(A, B), S(A), T0, &res);
	assert_state(tp, B, RFC5011_ADDPEND);
	tp = step(tp, S(A, B), S(A), T0 + 35 * DAY, &res);
	assert_state(tp, B, RFC5011_VALID);
	/* C is first seen at T0+35d; then the clock goes back 10 days. */
	tp = step(tp, S(A, B, C), S(A), T0 + 35 * DAY, &res);
	assert_state(tp, C, RFC5011_ADDPEND);
	tp = step(tp, S(A, B, C), S(A), T0 + 25 * DAY, &res);
	assert_true(res.clock_backwards);
	assert_int_equal(tp->high_water, T0 + 35 * DAY);
	assert_state(tp, C, RFC5011_ADDPEND);
	/* A key first seen while the clock is behind is stamped with the
	 * latest time seen, not the earlier one. */
	tkey *D = tk_new();
	tp = step(tp, S(A, B, C, D), S(A), T0 + 20 * DAY, &res);
	assert_int_equal(find(tp, D)->first_seen, T0 + 35 * DAY);
	/* A revoked key's remove hold-down does not run backwards either. */
	tk_revoke(B, 1);
	tp = step(tp, S(A, B, C, D), S(A, B), T0 + 36 * DAY, &res);
	tk_revoke(B, 0);
	assert_state(tp, B, RFC5011_REVOKED);
	/* D was first seen "at" T0+35d, the high water mark, although the
	 * clock said T0+20d: 30 days from the mark, not from the clock. */
	tp = step(tp, S(A, C, D), S(A), T0 + 50 * DAY, &res);
	assert_false(res.clock_backwards);
	assert_state(tp, D, RFC5011_ADDPEND);
	tp = step(tp, S(A, C, D), S(A), T0 + 65 * DAY - 1, &res);
	assert_state(tp, D, RFC5011_ADDPEND);
	assert_state(tp, B, RFC5011_REVOKED);
	/* The clock jumps back again, past every expiry: nothing moves. */
	tp = step(tp, S(A, C, D), S(A), T0 + 10 * DAY, &res);
	assert_true(res.clock_backwards);
	assert_state(tp, D, RFC5011_ADDPEND);
	assert_state(tp, B, RFC5011_REVOKED);
	tp = step(tp, S(A, C, D), S(A), T0 + 66 * DAY, &res);
	assert_false(res.clock_backwards);
	assert_state(tp, B, RFC5011_REMOVED);
	assert_state(tp, D, RFC5011_VALID);
	tk_free(D);
	rfc5011_tp_free(tp);
}

static void test_clock_backwards_blocks_holddown(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0);

	(void)state;
	/* B first seen at T0; an observation claimed T0+40d (clock ahead),
	 * before the holddown we go back to T0+31d: even though 31 days
	 * have passed since B was first seen, a clock behind the high
	 * water mark is not trusted to expire a timer. */
	tp = step(tp, S(A, B), S(A), T0, &res);
	tp = step(tp, S(A), S(A), T0 + 40 * DAY, &res);  /* B -> Start */
	tp = step(tp, S(A, B), S(A), T0 + 41 * DAY, &res); /* B -> AddPend */
	tp = step(tp, S(A, B), S(A), T0 + 31 * DAY, &res);
	assert_true(res.clock_backwards);
	assert_state(tp, B, RFC5011_ADDPEND);
	tp = step(tp, S(A, B), S(A), T0 + 71 * DAY - 1, &res);
	assert_state(tp, B, RFC5011_ADDPEND);
	tp = step(tp, S(A, B), S(A), T0 + 71 * DAY, &res);
	assert_state(tp, B, RFC5011_VALID);
	rfc5011_tp_free(tp);
}

static void test_pure(void **state)
{
	rfc5011_result res;
	rfc5011_tp *tp = tp_from_ds(S(A), T0), *out = NULL;
	ldns_rr_list *keys, *sigs;
	char *before, *after;

	(void)state;
	observe(S(A, B), S(A), &keys, &sigs);
	assert_int_equal(statefile_format(tp, 0, &before, NULL), DP_OK);
	assert_int_equal(rfc5011_step(tp, keys, sigs, T0, NULL, NULL, &out, &res), DP_OK);
	assert_int_equal(statefile_format(tp, 0, &after, NULL), DP_OK);
	assert_string_equal(before, after);
	assert_int_equal(out->n_keys, 2);
	assert_int_equal(tp->n_keys, 1);
	free(before);
	free(after);
	rfc5011_tp_free(out);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
	rfc5011_tp_free(tp);
}

static void test_state_names(void **state)
{
	(void)state;
	for (int s = RFC5011_START; s <= RFC5011_REMOVED; s++)
		assert_int_equal(rfc5011_state_parse(rfc5011_state_str((rfc5011_state)s)), s);
	assert_int_equal(rfc5011_state_parse("bogus"), -1);
	assert_string_equal(rfc5011_state_str(RFC5011_ADDPEND), "addpend");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_bootstrap_from_ds),
		T(test_add_holddown),
		T(test_addpend_disappears),
		T(test_pending_signer_refused),
		T(test_spliced_key_refused),
		T(test_expired_signature_refused),
		T(test_self_signed_revocation),
		T(test_remove_holddown),
		T(test_revoke_bit_without_own_signature),
		T(test_revoked_never_comes_back),
		T(test_unknown_key_revoked_then_unrevoked),
		T(test_missing_and_back),
		T(test_all_revoked),
		T(test_timers),
		T(test_next_probe_from_signature),
		T(test_clock_backwards),
		T(test_clock_backwards_blocks_holddown),
		T(test_pure),
		T(test_state_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
