/*
 * dnssec_int.h - helpers shared by the DNSSEC primitive modules
 * (keytag.c, ds.c, rrsig.c, denial.c, status.c).  Private to validator/:
 * nothing outside these files should include it.
 */
#ifndef DP_DNSSEC_INT_H
#define DP_DNSSEC_INT_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>
#include "validator/dnssec.h"
#include "validator/names.h"

/* Largest DNSKEY rdata we accept: flags, protocol, algorithm and a
 * public key of an RSA-4096 key with a generous exponent (RFC 3110). */
#define VAL_DNSKEY_RDATA_MAX 1100

/* DNSKEY flag bits (RFC 4034 2.1.1, RFC 5011 section 7). */
#define VAL_DNSKEY_ZONE   0x0100
#define VAL_DNSKEY_REVOKE 0x0080
#define VAL_DNSKEY_SEP    0x0001

/* Write the wire-form rdata of a DNSKEY (or CDNSKEY) into buf.  Returns
 * its length, or 0 when the record is malformed or bigger than cap. */
size_t val_dnskey_rdata(const ldns_rr *dnskey, uint8_t *buf, size_t cap);

/* DNSKEY algorithm, or 0 when the record is malformed. */
uint8_t val_dnskey_alg(const ldns_rr *dnskey);

/* The value of a fixed-size integer rdf (1, 2 or 4 bytes, network order);
 * ok is cleared (never set) when the rdf is missing or has another size. */
uint32_t val_rdf_uint(const ldns_rr *rr, size_t idx, size_t size, int *ok);

/* Fault injection for tests: every later key lookup of kc fails as if out
 * of memory (DP_ENOMEM), or every signature check as if OpenSSL failed
 * (DP_ECRYPTO); DP_OK turns it off.  Memory pressure and a broken crypto
 * provider cannot be produced on demand otherwise. */
void val_keycache_inject(val_keycache *kc, int err);

/* ISO 8601 UTC of a POSIX time: dp_time_fmt (validator/civil.h). */

/* The POSIX time nearest to now whose low 32 bits are ts: RRSIG times are
 * serial numbers (RFC 4034 3.1.5, RFC 1982), so they wrap in 2106. */
int64_t val_serial_abs(uint32_t ts, int64_t now);

/* 1 if name equals zone or is below it (case-insensitive). */
int val_name_under(const ldns_rdf *name, const ldns_rdf *zone);

/* 1 if the two names are equal (case-insensitive), without allocating. */
int val_name_eq(const ldns_rdf *a, const ldns_rdf *b);

#endif
