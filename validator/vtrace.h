/*
 * vtrace.h - a structured record of what the chain of trust checked, for
 * pictures (issue 15): the zones with their DNSKEYs and the RRSIGs over
 * them, the DS sets (or no-DS proofs) from each parent and which key each
 * DS matches, and every answer (an RRset, a CNAME/DNAME link or a denial)
 * with its signatures or NSEC/NSEC3 proof, each with its status and
 * reason.  probe/report/ draws it; --trace's text lines stay as they are.
 *
 * The caller owns the record (val_vtrace_new/free) and lends it to a
 * context (val_ctx_set_vtrace); the validator only fills it.  It is
 * bounded: at most VT_MAX_* entries of each kind, the rest counted in
 * `dropped`, so a hostile chain cannot make it grow.  Zones and DS steps
 * are kept per name for the context's life (the context checks each once),
 * so one record serves every lookup made through the context.  Names are
 * presentation format (ldns: non-printable bytes as \DDD, but '<', '"'
 * and friends as they are): escape them for the output format.
 */
#ifndef DP_VTRACE_H
#define DP_VTRACE_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>
#include "validator/dnssec.h"

#define VT_NAME (LDNS_MAX_DOMAINLEN * 4 + 2)   /* "\DDD" per byte at worst */
#define VT_REASON 512
#define VT_MAX_ZONES 48
#define VT_MAX_DSSTEPS 48
#define VT_MAX_ANSWERS 64
#define VT_MAX_KEYS 12
#define VT_MAX_DS 8
#define VT_MAX_SIGS 6
#define VT_MAX_RRS 8
#define VT_RR_TEXT 200

typedef struct vt_key {
	uint16_t tag, flags;    /* flags: 257 KSK (SEP), 256 ZSK, +128 revoked */
	uint8_t alg;
} vt_key;

/* One RRSIG: the key it names (tag, algorithm) and the zone that signed. */
typedef struct vt_sig {
	uint16_t tag;
	uint8_t alg;
} vt_sig;

typedef struct vt_ds {
	uint16_t tag;
	uint8_t alg, digest;
	int matched;            /* 1: the DNSKEY of that tag in the child
				 * zone hashes to this digest */
} vt_ds;

/* seq (in every entry): when its verdict was recorded, counting from 1.
 * Steps finish deepest first, so of the entries that failed with a
 * lookup's reason, the one with the lowest seq is the cause. */
typedef struct vt_zone {
	unsigned seq;
	char name[VT_NAME];
	val_status status;      /* of its DNSKEY set */
	char reason[VT_REASON];
	int anchored;           /* a trust point: checked against the anchor */
	int keys_seen;          /* the DNSKEY answer was examined */
	vt_key keys[VT_MAX_KEYS];
	size_t n_keys;
	vt_sig sigs[VT_MAX_SIGS];   /* RRSIGs over the DNSKEY set */
	size_t n_sigs;
	vt_ds anchor_ds[VT_MAX_DS]; /* the anchor's DS, for a trust point */
	size_t n_anchor_ds;
} vt_zone;

typedef enum vt_ds_kind {
	VT_DS_SIGNED,           /* a DS set validated by the parent's keys */
	VT_DS_INSECURE,         /* no DS, proved: an insecure delegation */
	VT_DS_NOT_CUT,          /* proved: no delegation at this name */
	VT_DS_FAIL              /* unsigned, bogus or indeterminate */
} vt_ds_kind;

/* The answer to a DS query at name, signed (or denied) by parent. */
typedef struct vt_dsstep {
	unsigned seq;
	char name[VT_NAME];
	char parent[VT_NAME];   /* "" when no signer was found */
	vt_ds_kind kind;
	val_status status;
	char reason[VT_REASON];
	vt_ds ds[VT_MAX_DS];
	size_t n_ds;
	vt_sig sigs[VT_MAX_SIGS];
	size_t n_sigs;
	char proof[VT_MAX_RRS][VT_RR_TEXT];  /* NSEC/NSEC3 of a no-DS proof */
	size_t n_proof;
} vt_dsstep;

typedef enum vt_ans_kind { VT_ANS_RRSET, VT_ANS_NODATA, VT_ANS_NXDOMAIN } vt_ans_kind;

typedef struct vt_answer {
	unsigned seq;
	char owner[VT_NAME];
	uint16_t type;
	vt_ans_kind kind;
	char zone[VT_NAME];     /* the signer, "" when unsigned */
	val_status status;
	char reason[VT_REASON];
	vt_sig sigs[VT_MAX_SIGS];
	size_t n_sigs;
	char rrs[VT_MAX_RRS][VT_RR_TEXT];    /* rdata, or the NSEC/NSEC3 proof */
	size_t n_rrs;
} vt_answer;

typedef struct val_vtrace {
	vt_zone zones[VT_MAX_ZONES];
	size_t n_zones;
	vt_dsstep dss[VT_MAX_DSSTEPS];
	size_t n_dss;
	vt_answer answers[VT_MAX_ANSWERS];
	size_t n_answers;
	size_t dropped;         /* entries not kept because a table was full */
	unsigned seq;           /* the last seq given */
} val_vtrace;

/* A new, empty record (malloced; about 0.6 MB, so only for pictures).
 * Writes *out only on success: DP_OK or DP_ENOMEM. */
int val_vtrace_new(val_vtrace **out);
void val_vtrace_free(val_vtrace *t);

/* Lend t to ctx (NULL stops recording); t must outlive the lookups. */
struct val_ctx;
void val_ctx_set_vtrace(struct val_ctx *ctx, val_vtrace *t);

/* Lookups by name (presentation format, as stored; case-insensitive).
 * NULL when absent.  Borrowed from t. */
const vt_zone *vt_zone_find(const val_vtrace *t, const char *name);
const vt_dsstep *vt_ds_find(const val_vtrace *t, const char *name);

/* "KSK", "ZSK" or "KSK revoked" for a DNSKEY's flags. */
const char *vt_key_role(uint16_t flags);

#endif
