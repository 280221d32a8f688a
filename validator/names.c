/*
 * names.c - names and types as people write them, for reasons, traces and
 * reports: one definition for validator/ and probe/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/names.h"

/* One octet of a label as ldns presents it: the five characters that
 * mean something in a zone file behind a backslash, what is not a
 * printable ASCII character as \DDD.  Returns the characters written. */
static size_t label_octet(char *o, uint8_t c)
{
	if (c == '.' || c == ';' || c == '(' || c == ')' || c == '\\') {
		o[0] = '\\';
		o[1] = (char)c;
		return 2;
	}
	if (c <= 0x20 || c >= 0x7f) {
		o[0] = '\\';
		o[1] = (char)('0' + c / 100);
		o[2] = (char)('0' + c / 10 % 10);
		o[3] = (char)('0' + c % 10);
		return 4;
	}
	o[0] = (char)c;
	return 1;
}

/* A well-formed name straight from its wire form, written as ldns_rdf2str
 * writes it (without the final dot); 0 when it is not well formed. */
static int dname_wire_str(const uint8_t *d, size_t n, char *buf, size_t len)
{
	size_t pos = 0, out = 0;
	int cut = 0;

	if (n < 1 || n > LDNS_MAX_DOMAINLEN + 1)
		return 0;
	if (n == 1 && d[0] == 0) {
		snprintf(buf, len, ".");
		return 1;
	}
	while (d[pos] != 0) {
		size_t l = d[pos++];

		if (l > LDNS_MAX_LABELLEN || pos + l >= n)
			return 0;
		if (out > 0 && !cut && !(cut = out + 1 >= len))
			buf[out++] = '.';
		for (; l > 0; l--) {
			char o[4];
			size_t k = label_octet(o, d[pos++]);

			/* a short buffer: cut at a whole octet */
			if (!cut && !(cut = out + k >= len)) {
				memcpy(buf + out, o, k);
				out += k;
			}
		}
	}
	buf[out < len ? out : len - 1] = '\0';
	return pos + 1 == n;
}

/* ldns_rdf2str takes a 64 KB buffer from the heap for every name, and a
 * bulk run formats a few names per lookup: those blocks alone made the
 * heap of a 100,000-domain run creep up (issue 16).  Names are written
 * here from their wire form; what is not a well-formed name goes
 * through ldns, which says what it can. */
const char *val_dname_str(const ldns_rdf *name, char *buf, size_t len)
{
	char *s;
	size_t n;

	if (!buf || !len)
		return "";
	buf[0] = '\0';
	if (!name)
		return buf;
	if (ldns_rdf_get_type(name) == LDNS_RDF_TYPE_DNAME &&
	    dname_wire_str(ldns_rdf_data(name), ldns_rdf_size(name), buf, len))
		return buf;
	s = ldns_rdf2str(name);
	if (!s) {
		snprintf(buf, len, "?");
		return buf;
	}
	n = strlen(s);
	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
	snprintf(buf, len, "%s", s);
	free(s);
	return buf;
}

const char *val_rrtype_str(ldns_rr_type type, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript((uint16_t)type);

	if (d && d->_name)
		snprintf(buf, len, "%s", d->_name);
	else
		snprintf(buf, len, "TYPE%u", (unsigned)type);
	return buf;
}
