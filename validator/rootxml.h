/*
 * rootxml.h - IANA's root-anchors.xml (RFC 9718, which obsoletes RFC 7958)
 * into DS records, with expat.
 *
 * The document is hostile until proved otherwise: a DOCTYPE (and so any
 * DTD, entity declaration or external entity) makes it refused outright,
 * parameter entities are never enabled, and sizes and depth are bounded.
 * Only KeyDigest elements whose validity window holds now
 * (validFrom <= now < validUntil, RFC 9718 section 2.3) are returned.
 * This module does not check the signature: probe/bootstrap.c does that
 * before it calls rootxml_parse.
 */
#ifndef DP_ROOTXML_H
#define DP_ROOTXML_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>
#include "validator/dp_err.h"

#define ROOTXML_MAX_SIZE (256 * 1024)

typedef struct rootxml_stats {
	unsigned digests;     /* KeyDigest elements seen */
	unsigned used;        /* inside their window: returned */
	unsigned expired;     /* validUntil <= now */
	unsigned not_yet;     /* validFrom > now */
} rootxml_stats;

/*
 * Parse the document (len bytes) and return in *ds_out (malloced,
 * ldns_rr_list_deep_free) the DS records of the KeyDigests valid at now,
 * owned by the document's Zone.  When a KeyDigest carries PublicKey and
 * Flags (RFC 9718 section 2.2), the DS computed from them must equal its
 * Digest.  Errors: DP_EPARSE (malformed, DTD/entity, bad field, with the
 * line in err), DP_ELIMIT (too big or too deep), DP_ENOTFOUND (no
 * KeyDigest valid at now).  stats may be NULL.  Writes *ds_out only on
 * success.
 */
int rootxml_parse(const char *xml, size_t len, int64_t now, ldns_rr_list **ds_out,
		  rootxml_stats *stats, char *err, size_t errlen);

/* An xsd:dateTime ("2017-02-02T00:00:00+00:00", "...Z", fractions allowed,
 * no zone = UTC) as epoch seconds.  0 on success, -1 when malformed. */
int rootxml_time_parse(const char *s, int64_t *out);

#endif
