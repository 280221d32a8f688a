/*
 * canon.c - the data an RRSIG signs (RFC 4034 3.1.8.1): the RRSIG rdata
 * without the signature, then every RR of the set in canonical form
 * (RFC 4034 6.2 as amended by RFC 6840 5.1) and canonical order (6.3),
 * with the original TTL and the wildcard owner restored (RFC 4035 5.3.2).
 * Built by hand into the key cache's reusable buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "validator/dnssec.h"
#include "validator/dnssec_int.h"
#include "validator/keycache_int.h"

/* ---- growable byte buffer with a sticky error ---- */

static int vbuf_reserve(vbuf *b, size_t n)
{
	size_t want;
	uint8_t *np;

	if (b->err)
		return -1;
	if (b->cap - b->len >= n)
		return 0;
	want = b->cap ? b->cap : 1024;
	while (want - b->len < n)
		want *= 2;
	if ((np = realloc(b->p, want)) == NULL) {
		b->err = 1;
		return -1;
	}
	b->p = np;
	b->cap = want;
	return 0;
}

static void vbuf_put(vbuf *b, const void *d, size_t n)
{
	if (n == 0 || vbuf_reserve(b, n) != 0)
		return;
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void vbuf_u16(vbuf *b, uint32_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	vbuf_put(b, x, 2);
}

static void vbuf_u32(vbuf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };
	vbuf_put(b, x, 4);
}

/* Append a wire-format name in lowercase.  Label length octets are at
 * most 63, so they never fall in 'A'..'Z'. */
static void vbuf_name_lc(vbuf *b, const uint8_t *d, size_t n)
{
	size_t i;

	if (vbuf_reserve(b, n) != 0)
		return;
	for (i = 0; i < n; i++) {
		uint8_t c = d[i];
		b->p[b->len + i] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
	}
	b->len += n;
}

/* ---- canonical form and signed data ---- */

/* RFC 4034 6.2 item 3, without NSEC (RFC 6840 5.1): the types whose
 * embedded domain names are lowercased. */
static int type_lowercases_rdata(ldns_rr_type t)
{
	switch (t) {
	case LDNS_RR_TYPE_NS: case LDNS_RR_TYPE_MD: case LDNS_RR_TYPE_MF:
	case LDNS_RR_TYPE_CNAME: case LDNS_RR_TYPE_SOA: case LDNS_RR_TYPE_MB:
	case LDNS_RR_TYPE_MG: case LDNS_RR_TYPE_MR: case LDNS_RR_TYPE_PTR:
	case LDNS_RR_TYPE_HINFO: case LDNS_RR_TYPE_MINFO: case LDNS_RR_TYPE_MX:
	case LDNS_RR_TYPE_RP: case LDNS_RR_TYPE_AFSDB: case LDNS_RR_TYPE_RT:
	case LDNS_RR_TYPE_SIG: case LDNS_RR_TYPE_PX: case LDNS_RR_TYPE_NXT:
	case LDNS_RR_TYPE_NAPTR: case LDNS_RR_TYPE_KX: case LDNS_RR_TYPE_SRV:
	case LDNS_RR_TYPE_DNAME: case LDNS_RR_TYPE_A6: case LDNS_RR_TYPE_RRSIG:
		return 1;
	default:
		return 0;
	}
}

static int span_cmp(const void *a, const void *b, void *arg)
{
	const rdspan *x = a, *y = b;
	const uint8_t *base = arg;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(base + x->off, base + y->off, n);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* Canonical owner for the signed data: lowercase, and "*." plus the
 * rightmost `labels` labels when the RRSIG labels field shows that the
 * answer was synthesised from a wildcard (RFC 4035 5.3.2). */
static void put_owner(vbuf *b, const ldns_rdf *owner, unsigned owner_labels,
		      unsigned labels)
{
	const uint8_t *d = ldns_rdf_data(owner);
	size_t n = ldns_rdf_size(owner), off = 0;
	unsigned skip;

	if (labels < owner_labels) {
		for (skip = owner_labels - labels; skip > 0 && off < n; skip--)
			off += (size_t)d[off] + 1;
		if (off > n)
			off = n;
		vbuf_put(b, "\001*", 2);
	}
	vbuf_name_lc(b, d + off, n - off);
}

/* Signed data into kc->data; 0 on success, -1 on a malformed set or no
 * memory (why says which). */
int canon_signed_data(val_keycache *kc, const ldns_rr_list *rrset, const ldns_rr *rrsig,
		      unsigned owner_labels, unsigned labels, uint32_t orig_ttl)
{
	size_t n = ldns_rr_list_rr_count(rrset), i, j, k, nspans = 0;
	const ldns_rr *first = ldns_rr_list_rr(rrset, 0);
	const ldns_rdf *signer = ldns_rr_rdf(rrsig, 7);
	ldns_rr_type type = ldns_rr_get_type(first);
	int lc = type_lowercases_rdata(type);
	vbuf *d = &kc->data, *rd = &kc->rd;
	size_t owner_off, owner_len;

	d->len = 0;
	d->err = 0;
	rd->len = 0;
	rd->err = 0;
	/* RRSIG rdata up to the signer name (RFC 4034 3.1.8.1). */
	for (i = 0; i < 7; i++) {
		const ldns_rdf *f = ldns_rr_rdf(rrsig, i);
		vbuf_put(d, ldns_rdf_data(f), ldns_rdf_size(f));
	}
	vbuf_name_lc(d, ldns_rdf_data(signer), ldns_rdf_size(signer));

	if (n > kc->spans_cap) {
		rdspan *ns = realloc(kc->spans, n * sizeof(*ns));
		if (ns == NULL)
			return -1;
		kc->spans = ns;
		kc->spans_cap = n;
	}
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(rrset, i);
		size_t start = rd->len;

		for (j = 0; j < ldns_rr_rd_count(rr); j++) {
			const ldns_rdf *f = ldns_rr_rdf(rr, j);
			if (f == NULL)
				continue;
			if (lc && ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME)
				vbuf_name_lc(rd, ldns_rdf_data(f), ldns_rdf_size(f));
			else
				vbuf_put(rd, ldns_rdf_data(f), ldns_rdf_size(f));
		}
		if (rd->len - start > 65535)
			return -1;
		kc->spans[nspans].off = start;
		kc->spans[nspans].len = rd->len - start;
		nspans++;
	}
	if (rd->err)
		return -1;
	if (nspans > 1)
		qsort_r(kc->spans, nspans, sizeof(rdspan), span_cmp, rd->p);

	/* The owner is the same for every RR: write it once, copy it after. */
	owner_off = d->len;
	put_owner(d, ldns_rr_owner(first), owner_labels, labels);
	owner_len = d->len - owner_off;
	for (k = 0; k < nspans; k++) {
		/* RFC 4034 6.3: duplicate RRs are removed. */
		if (k > 0 && span_cmp(&kc->spans[k - 1], &kc->spans[k], rd->p) == 0)
			continue;
		if (k > 0) {
			if (vbuf_reserve(d, owner_len) != 0)
				return -1;
			memcpy(d->p + d->len, d->p + owner_off, owner_len);
			d->len += owner_len;
		}
		vbuf_u16(d, type);
		vbuf_u16(d, ldns_rr_get_class(first));
		vbuf_u32(d, orig_ttl);
		vbuf_u16(d, (uint32_t)kc->spans[k].len);
		vbuf_put(d, rd->p + kc->spans[k].off, kc->spans[k].len);
	}
	return d->err ? -1 : 0;
}
