/*
 * names.h - names and types as people write them (validator/names.c), the
 * one definition validator/ and probe/ share.
 */
#ifndef DP_NAMES_H
#define DP_NAMES_H

#include <stddef.h>
#include <ldns/ldns.h>

/* The name without its trailing dot ("." for the root), as given (case
 * kept); "" for NULL, "?" when ldns cannot print it.  Returns buf. */
const char *val_dname_str(const ldns_rdf *name, char *buf, size_t len);

/* The type mnemonic ("TLSA") or "TYPE65000" for one ldns does not know.
 * Returns buf. */
const char *val_rrtype_str(ldns_rr_type type, char *buf, size_t len);

#endif
