/*
 * gen.h - the scenario generator's zone model (gen/zone.c), its resolver
 * simulation and the helpers the scenario definitions (gen/scenarios*.c)
 * use to forge answers.
 *
 * A scenario owns a few zones.  Each zone is signed here with a fixed key
 * from gen/keys/ (one CSK, flags 257) at a fixed validity period, with an
 * NSEC or NSEC3 chain built the way a signer builds it.  The simulated
 * resolver then answers every question the validator may ask, as an
 * honest recursive resolver with CD=1 would; an attack replaces one of
 * those answers with records that carry valid signatures from the zone's
 * own key, replayed where they do not belong.
 */
#ifndef DP_GEN_H
#define DP_GEN_H

#include <ldns/ldns.h>

#define GEN_NOW        "2026-12-01T00:00:00Z"
#define GEN_INCEPTION  1793491200u  /* 2026-11-01T00:00:00Z */
#define GEN_EXPIRATION 1798761600u  /* 2027-01-01T00:00:00Z */

enum {
	GZ_NSEC3 = 1,           /* NSEC3 chain (default: NSEC) */
	GZ_OPTOUT = 2,          /* NSEC3 opt-out: unsigned delegations left out */
	GZ_UNSIGNED = 4,        /* no keys, no chain, no DS in the parent */
	GZ_NO_DS = 8,           /* signed, but the parent has no DS for it */
	GZ_DETACHED = 16        /* an attacker's key material only: never asked,
				 * never answers (e.g. a key at a non-apex name) */
};

typedef struct gzone {
	ldns_rdf *apex;
	struct gzone *parent;
	int flags;
	int alg;
	ldns_key_list *keys;    /* one key, or none when unsigned */
	ldns_rr *dnskey;
	ldns_rr_list *rrs;      /* the unsigned zone data */
	ldns_rr_list *sgn;      /* after gz_sign: data, NSEC/NSEC3 and RRSIGs */
	uint16_t iterations;
	uint8_t salt_len, salt[16];
	uint32_t inception, expiration;
} gzone;

typedef struct grec {
	ldns_rdf *qname;
	ldns_rr_type qtype;
	ldns_pkt *pkt;
} grec;

typedef struct gscn {
	char name[96];
	const char *rule, *twin, *expect, *reason;
	int ede;
	const char *unknown;
	ldns_rdf *qname;
	ldns_rr_type qtype;
	gzone *zones[12];
	int nz;
	grec recs[128];
	int nrec;
	ldns_rr_list *anchors;  /* default: DS of zones[0] */
} gscn;

/* ---- zones (gen/zone.c) ---- */
gzone *gz_new(gscn *s, const char *apex, int alg, gzone *parent, int flags);
void gz_nsec3(gzone *z, unsigned iterations, const char *salt_hex);
void gz_validity(gzone *z, uint32_t inception, uint32_t expiration);
/* Add a record, owner relative to the apex ("@" is the apex). */
void gz_add(gzone *z, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gz_sign(gzone *z);

/* Clones from the signed zone: the RRset (owner, type) and its RRSIGs. */
ldns_rr_list *gz_get(gzone *z, const char *owner, ldns_rr_type type);
/* The NSEC (or NSEC3 of the hashed name) at/covering name, with RRSIG. */
ldns_rr_list *gz_nsec_cover(gzone *z, const ldns_rdf *name);
ldns_rr_list *gz_nsec3_for(gzone *z, const ldns_rdf *name, int *match);
/* Sign records (parsed from text) with z's key, labels as ldns counts
 * them: the forged-but-validly-signed material of an attack.  With
 * expiration/inception 0: the zone's period. */
ldns_rr_list *gz_sign_text(gzone *z, uint32_t inception, uint32_t expiration,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
ldns_rdf *gz_hash(gzone *z, const ldns_rdf *name);

/* ---- scenarios (gen/zone.c) ---- */
gscn *scn_new(const char *name, const char *rule, const char *twin);
void scn_ask(gscn *s, const char *qname, const char *qtype, const char *expect,
	     const char *reason, int ede);
/* Sign every zone and record the honest answer to every question the
 * validator may ask: each zone's DNSKEY, DS at each ancestor of the
 * question below the anchor, the question and each CNAME/DNAME hop. */
void scn_record(gscn *s);
/* The recorded message for (qname, qtype), added (empty, NOERROR) if
 * missing: attacks edit it. */
ldns_pkt *scn_msg(gscn *s, const char *qname, const char *qtype);
/* Simulate one question into a new message (honest resolver). */
ldns_pkt *scn_resolve(gscn *s, const ldns_rdf *qname, ldns_rr_type qtype);
void scn_write(gscn *s, const char *dir);
void scn_free(gscn *s);
/* Anchor the scenario at a DNSKEY instead of the default DS of zones[0]. */
void scn_anchor_dnskey(gscn *s, gzone *z);

/* ---- message and record-list edits ---- */
void pk_clear(ldns_pkt *p, ldns_pkt_section sec);
void pk_add(ldns_pkt *p, ldns_pkt_section sec, ldns_rr_list *l);  /* takes l */
/* Remove from sec every record of type (RRSIGs: those covering it, when
 * covered != 0) at owner (NULL: any owner). */
void pk_drop(ldns_pkt *p, ldns_pkt_section sec, const char *owner, ldns_rr_type type,
	     ldns_rr_type covered);
void rl_rename(ldns_rr_list *l, const char *owner);  /* every record's owner */
ldns_rdf *dn(const char *s);                      /* aborts on a bad name */
ldns_rr_type ty(const char *s);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
