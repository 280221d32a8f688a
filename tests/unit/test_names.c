/* test_names.c - val_dname_str writes every name as ldns_rdf2str does
 * (without the final dot), from the wire form and without the heap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include "validator/names.h"

/* ldns's text of the name, without its final dot (the root stays "."). */
static void ldns_text(const ldns_rdf *name, char *out, size_t len)
{
	char *s = ldns_rdf2str(name);
	size_t n;

	assert_non_null(s);
	n = strlen(s);
	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
	snprintf(out, len, "%s", s);
	free(s);
}

/* A name of random labels (1 to 4 of 1 to 63 octets, any octet value,
 * at most 255 octets in all), as the wire carries it. */
static ldns_rdf *random_name(unsigned *seed)
{
	uint8_t w[LDNS_MAX_DOMAINLEN + 1];
	size_t pos = 0;
	int labels = 1 + rand_r(seed) % 4;

	for (int i = 0; i < labels; i++) {
		size_t l = 1 + (size_t)rand_r(seed) % 63;

		if (pos + 1 + l + 1 > sizeof w)
			break;
		w[pos++] = (uint8_t)l;
		for (size_t k = 0; k < l; k++)
			w[pos++] = (uint8_t)(rand_r(seed) % 256);
	}
	w[pos++] = 0;
	return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, pos, w);
}

/* Every octet value, in thousands of random names: the same text as ldns. */
static void test_same_as_ldns(void **state)
{
	unsigned seed = 16;
	char want[1100], got[1100];

	(void)state;
	for (int i = 0; i < 5000; i++) {
		ldns_rdf *n = random_name(&seed);

		assert_non_null(n);
		ldns_text(n, want, sizeof want);
		assert_string_equal(val_dname_str(n, got, sizeof got), want);
		ldns_rdf_deep_free(n);
	}
}

static void test_plain_names(void **state)
{
	static const char *const t[][2] = {
		{ ".", "." },
		{ "example.", "example" },
		{ "_25._tcp.Mail.Example.ORG.", "_25._tcp.Mail.Example.ORG" },
		{ "*.wild.example.", "*.wild.example" },
		{ "a\\.b.example.", "a\\.b.example" },
		{ "sp\\032ace.example.", "sp\\032ace.example" },
	};
	char buf[300];

	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		ldns_rdf *n = NULL;

		assert_int_equal(ldns_str2rdf_dname(&n, t[i][0]), LDNS_STATUS_OK);
		assert_string_equal(val_dname_str(n, buf, sizeof buf), t[i][1]);
		ldns_rdf_deep_free(n);
	}
	assert_string_equal(val_dname_str(NULL, buf, sizeof buf), "");
}

/* A short buffer: cut at a whole octet (never half an escape), and
 * always terminated. */
static void test_cut(void **state)
{
	ldns_rdf *n = NULL;
	char buf[8];

	(void)state;
	assert_int_equal(ldns_str2rdf_dname(&n, "ab\\001cdef.example."), LDNS_STATUS_OK);
	memset(buf, 'x', sizeof buf);
	assert_string_equal(val_dname_str(n, buf, 6), "ab");
	assert_string_equal(val_dname_str(n, buf, 7), "ab\\001");
	assert_string_equal(val_dname_str(n, buf, 1), "");
	ldns_rdf_deep_free(n);
}

/* What is not a well-formed wire name still gets a text (ldns's). */
static void test_not_a_name(void **state)
{
	static const uint8_t bad[] = { 5, 'a', 'b' };   /* label runs past the end */
	ldns_rdf *n = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, sizeof bad, bad);
	char buf[64];

	(void)state;
	assert_non_null(n);
	val_dname_str(n, buf, sizeof buf);
	assert_true(strlen(buf) < sizeof buf);
	ldns_rdf_deep_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_ldns),
		cmocka_unit_test(test_plain_names),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_not_a_name),
	};
	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
