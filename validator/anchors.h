/*
 * anchors.h - trust anchor sets: DS and/or DNSKEY records for "." or any
 * zone, as unbound's trust-anchor-file (zone-file format).
 */
#ifndef DP_ANCHORS_H
#define DP_ANCHORS_H

#include <stddef.h>
#include <ldns/ldns.h>

typedef struct val_anchor {
	ldns_rdf *zone;        /* trust point owner name */
	ldns_rr_list *ds;      /* DS records (may be empty) */
	ldns_rr_list *keys;    /* DNSKEY records (may be empty) */
} val_anchor;

typedef struct val_anchors {
	val_anchor *points;
	size_t n_points;
} val_anchors;

/* Parse zone-file text (DS and DNSKEY lines; comments and blank lines
 * allowed, other types rejected).  On error returns DP_EPARSE and writes
 * "line N: message" into err.  Writes *out only on success. */
int val_anchors_parse(const char *text, val_anchors **out, char *err, size_t errlen);
int val_anchors_load_file(const char *path, val_anchors **out, char *err, size_t errlen);
void val_anchors_free(val_anchors *a);

/* The trust point that is the closest enclosing zone of name, or NULL. */
const val_anchor *val_anchors_find(const val_anchors *a, const ldns_rdf *name);

#endif
