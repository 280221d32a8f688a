/*
 * vtrace.c - filling the structured record of the chain of trust
 * (vtrace.h) from the steps of trust.c and answer.c.  Each function here
 * copies what a picture needs out of records the step still owns; none
 * changes a verdict, and with no record lent to the context each returns
 * at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "validator/vtrace_int.h"
#include "validator/dnssec_int.h"

int val_vtrace_new(val_vtrace **out)
{
	val_vtrace *t = calloc(1, sizeof *t);

	if (!t)
		return DP_ENOMEM;
	*out = t;
	return DP_OK;
}

void val_vtrace_free(val_vtrace *t)
{
	free(t);
}

void val_ctx_set_vtrace(struct val_ctx *ctx, val_vtrace *t)
{
	if (ctx)
		ctx->vt = t;
}

const vt_zone *vt_zone_find(const val_vtrace *t, const char *name)
{
	for (size_t i = 0; t && i < t->n_zones; i++)
		if (strcasecmp(t->zones[i].name, name) == 0)
			return &t->zones[i];
	return NULL;
}

const vt_dsstep *vt_ds_find(const val_vtrace *t, const char *name)
{
	for (size_t i = 0; t && i < t->n_dss; i++)
		if (strcasecmp(t->dss[i].name, name) == 0)
			return &t->dss[i];
	return NULL;
}

const char *vt_key_role(uint16_t flags)
{
	if (flags & 0x0080)             /* RFC 5011 section 7: REVOKE */
		return "KSK revoked";
	return (flags & 0x0001) ? "KSK" : "ZSK";   /* RFC 4034 2.1.1: SEP */
}

static void vt_verdict(val_vtrace *t, unsigned *seq, val_status *st, char *reason,
		       const verdict *v)
{
	*seq = ++t->seq;
	*st = v->status;
	snprintf(reason, VT_REASON, "%s", v->status == VAL_SECURE ? "" : v->why.text);
}

static void vt_sigs(vt_sig *out, size_t *n, const ldns_rr_list *sigs)
{
	*n = 0;
	for (size_t i = 0; sigs && i < ldns_rr_list_rr_count(sigs) && *n < VT_MAX_SIGS; i++) {
		const ldns_rr *s = ldns_rr_list_rr(sigs, i);
		int ok = 1;
		/* RFC 4034 3.1: algorithm is rdata field 1, key tag field 6. */
		uint32_t alg = val_rdf_uint(s, 1, 1, &ok), tag = val_rdf_uint(s, 6, 2, &ok);
		if (!ok)
			continue;
		out[*n].alg = (uint8_t)alg;
		out[*n].tag = (uint16_t)tag;
		(*n)++;
	}
}

/* DS records of ds in out, each marked when a key of keys matches it. */
static void vt_ds_list(vt_ds *out, size_t *n, const ldns_rr_list *ds, const ldns_rr_list *keys)
{
	*n = 0;
	for (size_t i = 0; ds && i < ldns_rr_list_rr_count(ds) && *n < VT_MAX_DS; i++) {
		const ldns_rr *d = ldns_rr_list_rr(ds, i);
		int ok = 1;
		uint32_t tag = val_rdf_uint(d, 0, 2, &ok), alg = val_rdf_uint(d, 1, 1, &ok),
			 dig = val_rdf_uint(d, 2, 1, &ok);
		if (!ok)
			continue;
		vt_ds *o = &out[(*n)++];
		o->tag = (uint16_t)tag;
		o->alg = (uint8_t)alg;
		o->digest = (uint8_t)dig;
		o->matched = 0;
		for (size_t k = 0; keys && k < ldns_rr_list_rr_count(keys); k++)
			if (ds_match(d, ldns_rr_list_rr(keys, k)) == DP_OK)
				o->matched = 1;
	}
}

/* The presentation text of rr (its rdata only when rdata_only) in out. */
static void vt_rr_text(char *out, const ldns_rr *rr, int rdata_only)
{
	char *s = NULL;

	if (rdata_only) {
		ldns_buffer *b = ldns_buffer_new(256);
		for (size_t k = 0; b && k < ldns_rr_rd_count(rr); k++) {
			if (k)
				ldns_buffer_printf(b, " ");
			ldns_rdf2buffer_str(b, ldns_rr_rdf(rr, k));
		}
		s = b ? ldns_buffer_export2str(b) : NULL;
		ldns_buffer_free(b);
	} else {
		s = ldns_rr2str(rr);
	}
	size_t len = s ? strlen(s) : 0;
	while (len && (s[len - 1] == '\n' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\t')
			s[i] = ' ';     /* ldns separates fields with tabs */
	snprintf(out, VT_RR_TEXT, "%s", s ? s : "?");
	free(s);
}

/* The NSEC/NSEC3 records of p's authority section, as text. */
static void vt_proof(char (*out)[VT_RR_TEXT], size_t *n, const ldns_pkt *p)
{
	ldns_rr_list *auth = p ? ldns_pkt_authority(p) : NULL;

	*n = 0;
	for (size_t i = 0; auth && i < ldns_rr_list_rr_count(auth) && *n < VT_MAX_RRS; i++) {
		ldns_rr *rr = ldns_rr_list_rr(auth, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3)
			vt_rr_text(out[(*n)++], rr, 0);
	}
}

static vt_zone *vt_zone_get(val_ctx *ctx, const ldns_rdf *zone)
{
	val_vtrace *t = ctx->vt;
	char name[VT_NAME];

	val_dname_str(zone, name, sizeof name);
	vt_zone *z = (vt_zone *)vt_zone_find(t, name);
	if (z)
		return z;
	if (t->n_zones == VT_MAX_ZONES) {
		t->dropped++;
		return NULL;
	}
	z = &t->zones[t->n_zones++];
	snprintf(z->name, sizeof z->name, "%s", name);
	z->status = VAL_INDETERMINATE;
	return z;
}

void vt_rec_keys(val_ctx *ctx, const ldns_rdf *zone, const ldns_rr_list *keys,
		 const ldns_rr_list *sigs, const ldns_rr_list *ds)
{
	vt_zone *z;
	char name[VT_NAME];

	if (!ctx->vt || !(z = vt_zone_get(ctx, zone)))
		return;
	const val_anchor *a = val_anchors_find(ctx->anchors, zone);
	int anchored = a && val_name_eq(a->zone, zone);
	z->keys_seen = 1;
	z->anchored = anchored;
	z->n_keys = 0;
	for (size_t i = 0; keys && i < ldns_rr_list_rr_count(keys) && z->n_keys < VT_MAX_KEYS; i++) {
		const ldns_rr *k = ldns_rr_list_rr(keys, i);
		int ok = 1;
		uint32_t flags = val_rdf_uint(k, 0, 2, &ok);
		if (!ok)
			continue;
		z->keys[z->n_keys].flags = (uint16_t)flags;
		z->keys[z->n_keys].alg = val_dnskey_alg(k);
		z->keys[z->n_keys].tag = dnskey_tag(k);
		z->n_keys++;
	}
	vt_sigs(z->sigs, &z->n_sigs, sigs);
	if (anchored) {
		vt_ds_list(z->anchor_ds, &z->n_anchor_ds, ds, keys);
		return;
	}
	/* Which of the parent's DS records hash to one of these keys. */
	vt_dsstep *d = (vt_dsstep *)vt_ds_find(ctx->vt, val_dname_str(zone, name, sizeof name));
	if (d)
		vt_ds_list(d->ds, &d->n_ds, ds, keys);
}

void vt_rec_zone(val_ctx *ctx, const ldns_rdf *zone, const verdict *v)
{
	vt_zone *z;

	if (ctx->vt && (z = vt_zone_get(ctx, zone)))
		vt_verdict(ctx->vt, &z->seq, &z->status, z->reason, v);
}

void vt_rec_ds(val_ctx *ctx, const ldns_rdf *name, const ldns_rdf *parent, vt_ds_kind kind,
	       const verdict *v, const ldns_rr_list *ds, const ldns_rr_list *sigs,
	       const ldns_pkt *p)
{
	val_vtrace *t = ctx->vt;
	char nm[VT_NAME];
	vt_dsstep *d;

	if (!t)
		return;
	val_dname_str(name, nm, sizeof nm);
	if (!(d = (vt_dsstep *)vt_ds_find(t, nm))) {
		if (t->n_dss == VT_MAX_DSSTEPS) {
			t->dropped++;
			return;
		}
		d = &t->dss[t->n_dss++];
		snprintf(d->name, sizeof d->name, "%s", nm);
	}
	val_dname_str(parent, d->parent, sizeof d->parent);
	d->kind = kind;
	vt_verdict(t, &d->seq, &d->status, d->reason, v);
	vt_ds_list(d->ds, &d->n_ds, ds, NULL);
	vt_sigs(d->sigs, &d->n_sigs, sigs);
	if (ldns_rr_list_rr_count(ds) == 0)
		vt_proof(d->proof, &d->n_proof, p);
}

static vt_answer *vt_answer_get(val_ctx *ctx, const ldns_rdf *owner, ldns_rr_type type)
{
	val_vtrace *t = ctx->vt;
	char nm[VT_NAME];
	vt_answer *a;

	val_dname_str(owner, nm, sizeof nm);
	for (size_t i = 0; i < t->n_answers; i++)
		if (t->answers[i].type == type && strcasecmp(t->answers[i].owner, nm) == 0)
			return &t->answers[i];
	if (t->n_answers == VT_MAX_ANSWERS) {
		t->dropped++;
		return NULL;
	}
	a = &t->answers[t->n_answers++];
	snprintf(a->owner, sizeof a->owner, "%s", nm);
	a->type = (uint16_t)type;
	return a;
}

void vt_rec_answer(val_ctx *ctx, const ldns_rdf *owner, ldns_rr_type type,
		   const ldns_rr_list *set, const ldns_rr_list *sigs, const ldns_rdf *signer,
		   const verdict *v)
{
	vt_answer *a;

	if (!ctx->vt || !(a = vt_answer_get(ctx, owner, type)))
		return;
	a->kind = VT_ANS_RRSET;
	val_dname_str(signer, a->zone, sizeof a->zone);
	vt_verdict(ctx->vt, &a->seq, &a->status, a->reason, v);
	vt_sigs(a->sigs, &a->n_sigs, sigs);
	a->n_rrs = 0;
	for (size_t i = 0; set && i < ldns_rr_list_rr_count(set) && a->n_rrs < VT_MAX_RRS; i++)
		vt_rr_text(a->rrs[a->n_rrs++], ldns_rr_list_rr(set, i), 1);
}

void vt_rec_denial(val_ctx *ctx, const ldns_rdf *name, ldns_rr_type type, int nx,
		   const ldns_pkt *p, const ldns_rdf *zone, const verdict *v)
{
	vt_answer *a;

	if (!ctx->vt || !(a = vt_answer_get(ctx, name, type)))
		return;
	a->kind = nx ? VT_ANS_NXDOMAIN : VT_ANS_NODATA;
	val_dname_str(zone, a->zone, sizeof a->zone);
	vt_verdict(ctx->vt, &a->seq, &a->status, a->reason, v);
	a->n_sigs = 0;
	vt_proof(a->rrs, &a->n_rrs, p);
}
