/*
 * names.c - names and types as people write them, for reasons, traces and
 * reports: one definition for validator/ and probe/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/names.h"

const char *val_dname_str(const ldns_rdf *name, char *buf, size_t len)
{
	char *s;

	if (!buf || !len)
		return "";
	buf[0] = '\0';
	if (!name)
		return buf;
	s = ldns_rdf2str(name);
	if (!s) {
		snprintf(buf, len, "?");
		return buf;
	}
	size_t n = strlen(s);
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
