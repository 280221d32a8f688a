/*
 * status.c - verdict names, reasons, the default policy, and the small
 * helpers that format records for reasons.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "validator/dnssec.h"
#include "validator/dnssec_int.h"

const char *val_status_str(val_status s)
{
	switch (s) {
	case VAL_SECURE:        return "secure";
	case VAL_INSECURE:      return "insecure";
	case VAL_BOGUS:         return "bogus";
	case VAL_INDETERMINATE: return "indeterminate";
	}
	return "indeterminate";
}

void val_why_set(val_why *why, val_ede ede, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL)
		return;
	why->ede = ede;
	va_start(ap, fmt);
	vsnprintf(why->text, sizeof(why->text), fmt, ap);
	va_end(ap);
}

void val_policy_default(val_policy *p)
{
	if (p == NULL)
		return;
	/* RFC 9276 section 3.2 leaves the limit to the validator; 150 is
	 * what unbound 1.17 and later apply whatever the key size. */
	p->nsec3_max_iterations = 150;
	/* A probe runs on hosts whose clocks drift a little; five minutes
	 * forgives that without hiding a signature that really expired. */
	p->skew_seconds = 300;
	/* KeyTrap (CVE-2023-50387) and CVE-2023-50868 bounds; see dnssec.h
	 * for why each number leaves room for honest zones. */
	p->max_sig_checks_per_rrset = 8;
	p->max_sig_checks = 128;
	p->max_nsec3_hashes = 128;
	p->work = NULL;
}

uint32_t val_rdf_uint(const ldns_rr *rr, size_t idx, size_t size, int *ok)
{
	const ldns_rdf *rdf;
	const uint8_t *d;

	if (rr == NULL || idx >= ldns_rr_rd_count(rr) ||
	    (rdf = ldns_rr_rdf(rr, idx)) == NULL || ldns_rdf_size(rdf) != size) {
		*ok = 0;
		return 0;
	}
	d = ldns_rdf_data(rdf);
	switch (size) {
	case 1: return d[0];
	case 2: return (uint32_t)d[0] << 8 | d[1];
	case 4: return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
		       (uint32_t)d[2] << 8 | d[3];
	}
	*ok = 0;
	return 0;
}

size_t val_dnskey_rdata(const ldns_rr *dnskey, uint8_t *buf, size_t cap)
{
	const ldns_rdf *key;
	int ok = 1;
	uint32_t flags, proto, alg;
	size_t klen;

	if (dnskey == NULL || ldns_rr_rd_count(dnskey) != 4)
		return 0;
	flags = val_rdf_uint(dnskey, 0, 2, &ok);
	proto = val_rdf_uint(dnskey, 1, 1, &ok);
	alg = val_rdf_uint(dnskey, 2, 1, &ok);
	key = ldns_rr_rdf(dnskey, 3);
	if (!ok || key == NULL)
		return 0;
	klen = ldns_rdf_size(key);
	if (klen > cap || cap - klen < 4)
		return 0;
	buf[0] = (uint8_t)(flags >> 8);
	buf[1] = (uint8_t)flags;
	buf[2] = (uint8_t)proto;
	buf[3] = (uint8_t)alg;
	memcpy(buf + 4, ldns_rdf_data(key), klen);
	return klen + 4;
}

uint8_t val_dnskey_alg(const ldns_rr *dnskey)
{
	int ok = 1;
	uint32_t a = val_rdf_uint(dnskey, 2, 1, &ok);

	return ok ? (uint8_t)a : 0;
}

int64_t val_serial_abs(uint32_t ts, int64_t now)
{
	/* RFC 1982: the distance is the signed 32-bit difference.  Near
	 * the ends of int64_t the sum saturates instead of overflowing. */
	int64_t d = (int32_t)(ts - (uint32_t)now);

	if (d > 0 && now > INT64_MAX - d)
		return INT64_MAX;
	if (d < 0 && now < INT64_MIN - d)
		return INT64_MIN;
	return now + d;
}

int64_t val_rrsigs_last_expiration(const ldns_rr_list *sigs, int64_t now)
{
	int64_t last = 0;
	size_t i;

	for (i = 0; sigs != NULL && i < ldns_rr_list_rr_count(sigs); i++) {
		const ldns_rr *sig = ldns_rr_list_rr(sigs, i);
		const ldns_rdf *e;
		int64_t t;

		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG)
			continue;
		e = ldns_rr_rrsig_expiration(sig);
		if (e == NULL || ldns_rdf_size(e) != 4)
			continue;
		t = val_serial_abs(ldns_rdf2native_int32(e), now);
		if (last == 0 || t > last)
			last = t;
	}
	return last;
}

/* Case-insensitive equality of n wire bytes.  Label length octets are at
 * most 63, so folding 'A'..'Z' never touches them. */
static int wire_eq_ci(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t x = a[i], y = b[i];
		if (x != y) {
			if (x >= 'A' && x <= 'Z')
				x = (uint8_t)(x + 32);
			if (y >= 'A' && y <= 'Z')
				y = (uint8_t)(y + 32);
			if (x != y)
				return 0;
		}
	}
	return 1;
}

int val_name_eq(const ldns_rdf *a, const ldns_rdf *b)
{
	if (a == NULL || b == NULL || ldns_rdf_size(a) != ldns_rdf_size(b))
		return 0;
	return wire_eq_ci(ldns_rdf_data(a), ldns_rdf_data(b), ldns_rdf_size(a));
}

/* Walk the labels of name (bounds-checked: rdfs from the wire are
 * trusted no further than their size) and compare the suffix that is as
 * long as zone.  This is the hot path of every RRSIG check, and
 * ldns_dname_is_subdomain allocates for each label. */
int val_name_under(const ldns_rdf *name, const ldns_rdf *zone)
{
	const uint8_t *n, *z;
	size_t nl, zl, off = 0;

	if (name == NULL || zone == NULL)
		return 0;
	n = ldns_rdf_data(name);
	z = ldns_rdf_data(zone);
	nl = ldns_rdf_size(name);
	zl = ldns_rdf_size(zone);
	if (zl > nl || zl == 0)
		return 0;
	while (off < nl) {
		if (nl - off == zl)
			return wire_eq_ci(n + off, z, zl);
		if (n[off] == 0 || n[off] > 63)
			return 0;
		off += (size_t)n[off] + 1;
	}
	return 0;
}
