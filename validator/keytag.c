/*
 * keytag.c - the key tag of a DNSKEY (RFC 4034 appendix B).
 */
#include "validator/dnssec.h"
#include "validator/dnssec_int.h"

uint16_t dnskey_tag(const ldns_rr *dnskey)
{
	uint8_t rd[VAL_DNSKEY_RDATA_MAX];
	size_t len = val_dnskey_rdata(dnskey, rd, sizeof(rd));
	uint32_t ac = 0;
	size_t i;

	if (len == 0)
		return 0;
	/* Appendix B.1: algorithm 1 (RSA/MD5) uses the most significant 16
	 * of the least significant 24 bits of the modulus instead. */
	if (rd[3] == LDNS_RSAMD5) {
		if (len < 4 + 3)
			return 0;
		return (uint16_t)(rd[len - 3] << 8 | rd[len - 2]);
	}
	for (i = 0; i < len; i++)
		ac += (i & 1) ? rd[i] : (uint32_t)rd[i] << 8;
	ac += (ac >> 16) & 0xFFFF;
	return (uint16_t)(ac & 0xFFFF);
}
