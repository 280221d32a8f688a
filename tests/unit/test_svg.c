/* test_svg.c - SVG from DOT through Graphviz's library (probe/report/svg.c).
 * The graphs here have no clusters: Graphviz 2.42's dot layout leaks the
 * virtual nodes it makes for clusters (tests/sanitize/lsan-graphviz.supp),
 * and frees everything else.  So under make SANITIZE=1, with no
 * suppression in force for unit tests, LeakSanitizer fails this program
 * when svg.c leaves anything of its own behind: a graph not closed, a
 * layout or rendered data not freed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "probe/report/graph.h"
#include "validator/dp_err.h"

static void test_svg_renders(void **state)
{
	const char *dot = "digraph t { a [label=\"A &lt;b&gt;\" class=\"secure\"];"
			  " a -> b [class=\"bogus failing\" id=\"failing\"]; }";
	char err[320] = "";

	(void)state;
	/* Several pictures in one run, as check --html draws them. */
	for (int i = 0; i < 3; i++) {
		char *svg = NULL;
		size_t len = 0;
		int rc = graph_svg(dot, NULL, &svg, &len, err, sizeof err);
		if (rc != DP_OK)
			fail_msg("graph_svg: %d %s", rc, err);
		assert_int_equal(strlen(svg), len);
		assert_non_null(strstr(svg, "<svg "));
		assert_non_null(strstr(svg, "A &lt;b&gt;"));
		assert_non_null(strstr(svg, "<g id=\"failing\" class=\"edge bogus failing\""));
		free(svg);
	}
}

/* Pictures that share a page: every id under the picture's prefix. */
static void test_svg_id_prefix(void **state)
{
	const char *dot = "digraph t { a -> b [id=\"failing\" tooltip=\"why\"]; b -> c; }";
	char *svg = NULL, err[320] = "";
	size_t len = 0;

	(void)state;
	assert_int_equal(graph_svg(dot, "pic7", &svg, &len, err, sizeof err), DP_OK);
	assert_non_null(strstr(svg, "<g id=\"pic7\" class=\"graph\""));
	assert_non_null(strstr(svg, "<g id=\"pic7_node1\" class=\"node\""));
	assert_non_null(strstr(svg, "<g id=\"pic7_failing\" class=\"edge\""));
	assert_non_null(strstr(svg, "<g id=\"a_pic7_failing\">"));
	/* No id left without the prefix. */
	for (const char *p = svg; (p = strstr(p, " id=\"")); p += 5)
		if (strncmp(p + 5, "pic7", 4) != 0 && strncmp(p + 5, "a_pic7_", 7) != 0)
			fail_msg("an id without the prefix: %.30s", p);
	free(svg);
}

static void test_svg_bad_dot(void **state)
{
	char *svg = NULL, err[320] = "";
	size_t len = 0;

	(void)state;
	assert_int_equal(graph_svg("digraph { a -> ", NULL, &svg, &len, err, sizeof err), DP_EINVAL);
	assert_null(svg);
	assert_string_equal(err, "Graphviz could not read the graph");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg_renders),
		cmocka_unit_test(test_svg_id_prefix),
		cmocka_unit_test(test_svg_bad_dot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
