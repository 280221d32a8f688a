/*
 * msg.c - messages from the fetch callback, each asked once while cached,
 * and the records picked out of them.  A resolver that answers SERVFAIL
 * even with CD=1, or a fetch that fails, makes the step INDETERMINATE,
 * never BOGUS.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/chain_int.h"
#include "validator/dnssec_int.h"

/* RFC 4034 3.1.3: the label count of an owner, not counting the root or
 * a leading "*" label. */
unsigned owner_labels(const ldns_rdf *owner)
{
	unsigned n = (unsigned)ldns_dname_label_count(owner);
	const uint8_t *d = ldns_rdf_data(owner);

	if (n > 0 && d[0] == 1 && d[1] == '*')
		n--;
	return n;
}

ldns_rr_type sig_covered(const ldns_rr *sig)
{
	ldns_rdf *t = ldns_rr_rrsig_typecovered(sig);
	return t ? ldns_rdf2rr_type(t) : 0;
}

/*
 * Clones of the RRs of section sec with this owner (NULL: any) and type.
 * For RRSIGs, covered selects the type they cover (0: any).  Malloced.
 */
ldns_rr_list *msg_pick(const ldns_pkt *p, ldns_pkt_section sec, const ldns_rdf *owner,
			  ldns_rr_type type, ldns_rr_type covered)
{
	ldns_rr_list *all = ldns_pkt_get_section_clone(p, sec);
	ldns_rr_list *out = ldns_rr_list_new();

	if (!out) {
		ldns_rr_list_deep_free(all);
		return NULL;
	}
	for (size_t i = 0; all && i < ldns_rr_list_rr_count(all); i++) {
		ldns_rr *rr = ldns_rr_list_rr(all, i);
		int keep = ldns_rr_get_type(rr) == type &&
			   ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
			   (!owner || val_name_eq(ldns_rr_owner(rr), owner)) &&
			   (type != LDNS_RR_TYPE_RRSIG || !covered || sig_covered(rr) == covered);
		if (keep && ldns_rr_list_push_rr(out, rr))
			ldns_rr_list_set_rr(all, NULL, i);
	}
	/* Entries moved to out were replaced by NULL; free the rest. */
	for (size_t i = 0; all && i < ldns_rr_list_rr_count(all); i++)
		ldns_rr_free(ldns_rr_list_rr(all, i));
	ldns_rr_list_free(all);
	return out;
}

/* The signer of the first RRSIG in sigs whose signer encloses owner. */
const ldns_rdf *msg_signer(const ldns_rr_list *sigs, const ldns_rdf *owner)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
		const ldns_rdf *s = ldns_rr_rrsig_signame(ldns_rr_list_rr(sigs, i));
		if (s && val_name_under(owner, s))
			return s;
	}
	return NULL;
}

static const char *rcode_str(ldns_pkt_rcode rc)
{
	ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, (int)rc);
	return lt ? lt->name : "RCODE?";
}

/*
 * The answer to (name, type), fetched once per context.  *pkt is borrowed
 * from the cache.  On failure v is set to indeterminate and the error is
 * returned.  A resolver that answers SERVFAIL (or REFUSED...) even with
 * CD=1 cannot give us the data: also indeterminate.
 */
/* How long a message may be kept: its smallest TTL (RFC 2308 section 5
 * for the denials in the authority section), CACHE_FAIL_TTL for a
 * failure or an rcode other than NOERROR and NXDOMAIN. */
static uint32_t msg_ttl(const msg_entry *m)
{
	ldns_pkt_rcode rc;
	uint32_t a, b;

	if (m->err != DP_OK)
		return CACHE_FAIL_TTL;
	rc = ldns_pkt_get_rcode(m->pkt);
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN)
		return CACHE_FAIL_TTL;
	a = cache_ttl_of(ldns_pkt_answer(m->pkt));
	b = cache_ttl_of(ldns_pkt_authority(m->pkt));
	return a < b ? a : b;
}

/*
 * What a cached message costs in heap, for the byte cap.  ldns keeps each
 * record as an ldns_rr, an array of rdf pointers and one ldns_rdf per
 * field (the owner included), each with its data, all malloced apart: a
 * message parsed costs about ten times its size on the wire.  Fitted to
 * mallinfo2() around ldns_wire2pkt (ldns 1.8.3; tests/unit/test_msgcost.c
 * keeps it within 25%): 500 bytes, 240 a record, 6 per byte on the wire
 * (RRSIG signatures and keys weigh most).  A 229-byte MX answer with its
 * RRSIG is 2.8 KB parsed, a 670-byte NXDOMAIN with its SOA, two NSEC and
 * their RRSIGs 7.6 KB.  The size on the wire alone (what this counted
 * before) let an NXDOMAIN-heavy list keep far more heap than a positive
 * one under the same cap: verify's peak RSS was 7 MB higher at 10,000
 * entries than at 1,000 (issue 16, heaptrack).  A message the caller
 * built itself has no size on the wire: 64 bytes a record.
 */
#define MSG_COST_PKT  500
#define MSG_COST_RR   240
#define MSG_COST_BYTE 6

size_t msg_cost(const ldns_pkt *p)
{
	size_t rrs, wire;

	if (!p)
		return 0;
	rrs = (size_t)ldns_pkt_qdcount(p) + ldns_pkt_ancount(p) + ldns_pkt_nscount(p) +
	      ldns_pkt_arcount(p);
	wire = ldns_pkt_size(p) > 0 ? ldns_pkt_size(p) : LDNS_HEADER_SIZE + 64 * rrs;
	return MSG_COST_PKT + MSG_COST_RR * rrs + MSG_COST_BYTE * wire;
}

int msg_fetch(val_ctx *ctx, const ldns_rdf *name, ldns_rr_type type,
	      const ldns_pkt **pkt, verdict *v)
{
	msg_entry *m = NULL;
	nbuf nb;
	char tb[32];

	m = (msg_entry *)cache_get(ctx, &ctx->msgs, name, type);
	if (m) {
		ctx->stats.cache_hits++;
	} else {
		m = (msg_entry *)cache_add(ctx, &ctx->msgs, sizeof *m, name, type);
		if (!m) {
			vset(v, VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
			v->fetch_error = DP_ENOMEM;
			return DP_ENOMEM;
		}
		ctx->stats.fetches++;
		m->err = ctx->fetch(ctx->fetch_arg, name, type, &m->pkt);
		if (m->err == DP_OK && !m->pkt)
			m->err = DP_EPROTO;
		if (m->err != DP_OK)
			m->pkt = NULL;
		cache_keep(ctx, &m->h, msg_ttl(m));
		/* Denials carry NSEC/NSEC3 and their signatures: a message
		 * count alone let the cache grow 2.4x on NXDOMAIN-heavy lists
		 * (massif); the byte cap counts the parsed form. */
		cache_cost(&ctx->msgs, &m->h, msg_cost(m->pkt));
	}
	if (m->err != DP_OK) {
		vset(v, VAL_INDETERMINATE, VAL_EDE_NO_REACHABLE_AUTHORITY,
		     "query for %s/%s failed: %s", NAME(name, nb),
		     val_rrtype_str(type, tb, sizeof tb), dp_strerror(m->err));
		v->fetch_error = m->err;
		return m->err;
	}
	/* The message is handed out even when its rcode is an error, so that
	 * the caller can report that rcode. */
	*pkt = m->pkt;
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(m->pkt);
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN) {
		vset(v, VAL_INDETERMINATE, VAL_EDE_NO_REACHABLE_AUTHORITY,
		     "resolver answered %s for %s/%s (with CD=1)", rcode_str(rc),
		     NAME(name, nb), val_rrtype_str(type, tb, sizeof tb));
		v->fetch_error = DP_ENET;
		return DP_ENET;
	}
	*pkt = m->pkt;
	return DP_OK;
}

val_status verify_set(val_ctx *ctx, const ldns_rr_list *rrset,
			     const ldns_rr_list *sigs, const ldns_rr_list *keys,
			     val_why *why)
{
	ctx->stats.sig_verifications++;
	return rrset_verify(rrset, sigs, keys, ctx->now, &ctx->pol, ctx->kc, NULL, why);
}
