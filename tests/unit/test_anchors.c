/*
 * test_anchors.c - trust-anchor files (validator/anchors.c): DS and DNSKEY
 * lines grouped into trust points, comments, parentheses, and every error
 * naming its line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <ldns/ldns.h>

#include "validator/anchors.h"
#include "validator/dp_err.h"

#define DS_ROOT ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"
#define DS_ROOT2 ". 3600 IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16"
#define KEY_ORG "org. IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="

static void test_root_and_org(void **state)
{
	val_anchors *a = NULL;
	char err[256];
	(void)state;
	const char *text =
		"; the root\n"
		DS_ROOT "\n"
		"\n"
		"   " DS_ROOT2 " ; KSK-2024\n"
		KEY_ORG "\n";
	if (val_anchors_parse(text, &a, err, sizeof err) != DP_OK)
		fail_msg("%s", err);
	assert_int_equal(a->n_points, 2);
	assert_int_equal(ldns_rr_list_rr_count(a->points[0].ds), 2);
	assert_int_equal(ldns_rr_list_rr_count(a->points[0].keys), 0);
	assert_int_equal(ldns_rr_list_rr_count(a->points[1].keys), 1);

	ldns_rdf *n = ldns_dname_new_frm_str("www.ORG.");
	const val_anchor *p = val_anchors_find(a, n);
	assert_non_null(p);
	char *s = ldns_rdf2str(p->zone);
	assert_string_equal(s, "org.");
	free(s);
	ldns_rdf_deep_free(n);
	n = ldns_dname_new_frm_str("example.net.");
	p = val_anchors_find(a, n);
	assert_non_null(p);
	assert_int_equal(ldns_dname_label_count(p->zone), 0);
	ldns_rdf_deep_free(n);
	n = ldns_dname_new_frm_str("org.");
	p = val_anchors_find(a, n);
	assert_int_equal(ldns_dname_label_count(p->zone), 1);
	ldns_rdf_deep_free(n);
	val_anchors_free(a);
}

static void test_parentheses(void **state)
{
	val_anchors *a = NULL;
	char err[256];
	(void)state;
	const char *text =
		"example. 3600 IN DNSKEY 257 3 13 ( ; a multi-line key\n"
		"   mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJx\n"
		"   pVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== )\n"
		"example. IN DS ( 12345 13 2\n"
		"  0000000000000000000000000000000000000000000000000000000000000000 )\n";
	assert_int_equal(val_anchors_parse(text, &a, err, sizeof err), DP_OK);
	assert_int_equal(a->n_points, 1);
	assert_int_equal(ldns_rr_list_rr_count(a->points[0].keys), 1);
	assert_int_equal(ldns_rr_list_rr_count(a->points[0].ds), 1);
	val_anchors_free(a);
}

static void test_no_anchor_above(void **state)
{
	val_anchors *a = NULL;
	char err[256];
	(void)state;
	assert_int_equal(val_anchors_parse(KEY_ORG "\n", &a, err, sizeof err), DP_OK);
	ldns_rdf *n = ldns_dname_new_frm_str("example.net.");
	assert_null(val_anchors_find(a, n));
	ldns_rdf_deep_free(n);
	n = ldns_dname_new_frm_str("notorg.");
	assert_null(val_anchors_find(a, n));
	ldns_rdf_deep_free(n);
	val_anchors_free(a);
}

static void test_errors(void **state)
{
	static const struct { const char *text; const char *err; } t[] = {
		{ DS_ROOT "\nexample. IN A 192.0.2.1\n", "line 2: only DS and DNSKEY" },
		{ "\n\n. IN DS 1 2 3 zz\n", "line 3: bad record" },
		{ "; nothing\n\n", "no DS or DNSKEY record" },
		{ "", "no DS or DNSKEY record" },
		{ DS_ROOT "\n. IN DS ( 1 8 2\n", "line 2: unbalanced '('" },
		{ DS_ROOT " )\n", "line 1: unbalanced ')'" },
		{ "$TTL 3600\n" DS_ROOT "\n", "line 1: directives" },
		{ ". CH DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n",
		  "line 1: " },
	};
	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		val_anchors *a = NULL;
		char err[256] = "";
		int rc = val_anchors_parse(t[i].text, &a, err, sizeof err);
		if (rc != DP_EPARSE || a != NULL || !strstr(err, t[i].err))
			fail_msg("case %zu: rc %d err \"%s\", want \"%s\"", i, rc, err, t[i].err);
	}
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/dp-anchors-XXXXXX", err[512];
	val_anchors *a = NULL;
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, DS_ROOT "\n", strlen(DS_ROOT) + 1), (ssize_t)strlen(DS_ROOT) + 1);
	close(fd);
	assert_int_equal(val_anchors_load_file(path, &a, err, sizeof err), DP_OK);
	assert_int_equal(a->n_points, 1);
	val_anchors_free(a);
	a = NULL;
	unlink(path);
	assert_int_equal(val_anchors_load_file(path, &a, err, sizeof err), DP_EIO);
	assert_null(a);
	assert_non_null(strstr(err, path));
}

static void test_shipped_root_anchors(void **state)
{
	char path[512], err[512];
	val_anchors *a = NULL;
	(void)state;
	snprintf(path, sizeof path, "%s/../configs/root-anchors.ds", DP_TESTDIR);
	if (access(path, R_OK) != 0)
		skip();
	assert_int_equal(val_anchors_load_file(path, &a, err, sizeof err), DP_OK);
	assert_int_equal(a->n_points, 1);
	assert_int_equal(ldns_rr_list_rr_count(a->points[0].ds), 2);
	val_anchors_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_and_org),
		cmocka_unit_test(test_parentheses),
		cmocka_unit_test(test_no_anchor_above),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_shipped_root_anchors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
