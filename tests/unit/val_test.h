/*
 * val_test.h - helpers for the validator unit tests: keys and signatures
 * made with ldns's signer (an implementation other than ours, so the
 * tests check our verifier against it), records from text, and asserts
 * on a verdict together with its reason.
 */
#ifndef DP_VAL_TEST_H
#define DP_VAL_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>

#include "validator/dnssec.h"

/* A fixed "now" for generated signatures: 2026-11-18T12:00:00Z. */
#define T_NOW ((int64_t)1795003200)
#define T_INCEPT ((uint32_t)(T_NOW - 86400))
#define T_EXPIRE ((uint32_t)(T_NOW + 30 * 86400))

static inline ldns_rr *t_rr(const char *text)
{
	ldns_rr *rr = NULL;
	ldns_status s = ldns_rr_new_frm_str(&rr, text, 3600, NULL, NULL);

	if (s != LDNS_STATUS_OK)
		fail_msg("cannot parse \"%s\": %s", text, ldns_get_errorstr_by_id(s));
	return rr;
}

/* An RR list from records separated by '\n'. */
static inline ldns_rr_list *t_list(const char *text)
{
	ldns_rr_list *l = ldns_rr_list_new();
	char *copy = strdup(text), *save = NULL, *line;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '\0' || line[0] == ';')
			continue;
		ldns_rr_list_push_rr(l, t_rr(line));
	}
	free(copy);
	return l;
}

static inline ldns_rdf *t_name(const char *s)
{
	ldns_rdf *d = ldns_dname_new_frm_str(s);
	assert_non_null(d);
	return d;
}

/* A key of algorithm alg for owner, with flags, signing between the
 * given times.  Returns the ldns key; *rr gets its DNSKEY. */
static inline ldns_key *t_key(ldns_signing_algorithm alg, const char *owner,
			      uint16_t flags, uint32_t incept, uint32_t expire,
			      ldns_rr **rr)
{
	uint16_t bits = 0;
	ldns_key *k;

	switch ((int)alg) {
	case LDNS_SIGN_RSASHA1: case LDNS_SIGN_RSASHA1_NSEC3:
	case LDNS_SIGN_RSASHA256: case LDNS_SIGN_RSASHA512:
		bits = 1024;
		break;
	case LDNS_SIGN_ECDSAP256SHA256: bits = 256; break;
	case LDNS_SIGN_ECDSAP384SHA384: bits = 384; break;
	default: bits = 0; break;
	}
	k = ldns_key_new_frm_algorithm(alg, bits);
	assert_non_null(k);
	ldns_key_set_pubkey_owner(k, t_name(owner));
	ldns_key_set_flags(k, flags);
	ldns_key_set_inception(k, incept);
	ldns_key_set_expiration(k, expire);
	*rr = ldns_key2rr(k);
	assert_non_null(*rr);
	ldns_key_set_keytag(k, ldns_calc_keytag(*rr));
	return k;
}

/* RRSIGs over rrset by key. */
static inline ldns_rr_list *t_sign(ldns_rr_list *rrset, ldns_key *key)
{
	ldns_key_list *kl = ldns_key_list_new();
	ldns_rr_list *sigs;

	ldns_key_list_push_key(kl, key);
	sigs = ldns_sign_public(rrset, kl);
	assert_non_null(sigs);
	/* The list only borrows the key. */
	ldns_key_list_set_key_count(kl, 0);
	ldns_key_list_free(kl);
	return sigs;
}

/* Assert a verdict and that the reason has the EDE and contains text. */
#define assert_why(st, want_st, why, want_ede, want_text) do { \
	const char *want_t_ = (want_text); \
	if ((st) != (want_st) || (why).ede != (want_ede) || \
	    (want_t_ != NULL && strstr((why).text, want_t_) == NULL)) \
		fail_msg("got %s ede %d \"%s\"; want %s ede %d \"%s\"", \
			 val_status_str(st), (int)(why).ede, (why).text, \
			 val_status_str(want_st), (int)(want_ede), \
			 want_t_ ? want_t_ : "(any)"); \
} while (0)

#endif
