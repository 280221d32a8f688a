/* test_rewrite.c - byte-preserving priority rewrites, resolv.conf
 * reordering, atomic writes (and their failure), unified diffs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "probe/util/config.h"
#include "probe/util/rewrite.h"
#include "validator/dp_err.h"
#include "probe/util/fileio.h"

/* The byte range of the first occurrence of needle (after from). */
static dp_prio_edit at(const char *text, const char *needle, int value)
{
	const char *p = strstr(text, needle);
	dp_prio_edit e;

	assert_non_null(p);
	e.start = (size_t)(p - text);
	e.end = e.start + strlen(needle);
	e.value = value;
	return e;
}

static void rewrite_is(const char *in, const dp_prio_edit *ed, size_t n, const char *want)
{
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(dp_rewrite_priorities(in, strlen(in), ed, n, &out, &len), DP_OK);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	free(out);
}

static void test_block_style_with_comments(void **state)
{
	const char *in =
		"# resolvers of the gateway\n"
		"resolvers:\n"
		"  - name: primary   # the forwarder\n"
		"    address: 192.0.2.53\n"
		"    priority:    0      # lower = preferred\n"
		"  - name: secondary\n"
		"    address: 198.51.100.53\n"
		"    priority: 10\n";
	const char *want =
		"# resolvers of the gateway\n"
		"resolvers:\n"
		"  - name: primary   # the forwarder\n"
		"    address: 192.0.2.53\n"
		"    priority:    10      # lower = preferred\n"
		"  - name: secondary\n"
		"    address: 198.51.100.53\n"
		"    priority: 0\n";
	dp_prio_edit ed[2];

	(void)state;
	ed[0] = at(in, "0      #", 10);
	ed[0].end = ed[0].start + 1;
	ed[1] = at(in, "10\n", 0);
	ed[1].end = ed[1].start + 2;
	rewrite_is(in, ed, 2, want);
}

static void test_quoted_and_flow(void **state)
{
	const char *in =
		"resolvers: [ {address: 192.0.2.1, priority: \"5\"},\n"
		"             {address: 192.0.2.2, priority: '20'} ]\n";
	const char *want =
		"resolvers: [ {address: 192.0.2.1, priority: \"20\"},\n"
		"             {address: 192.0.2.2, priority: '5'} ]\n";
	dp_prio_edit ed[2];

	(void)state;
	/* Ranges with the quotes, as libyaml reports quoted scalars. */
	ed[0] = at(in, "\"5\"", 20);
	ed[1] = at(in, "'20'", 5);
	rewrite_is(in, ed, 2, want);
}

static void test_through_the_config_parser(void **state)
{
	const char *in =
		"resolvers:\n"
		"  - {name: a, address: 127.0.0.1, priority: 0}   # flow\n"
		"  - name:    b\n"
		"    address: \"127.0.0.2\"\n"
		"    priority: \"10\"   # quoted\n"
		"probe: {timeout_ms: 500}\n";
	const char *want =
		"resolvers:\n"
		"  - {name: a, address: 127.0.0.1, priority: 10}   # flow\n"
		"  - name:    b\n"
		"    address: \"127.0.0.2\"\n"
		"    priority: \"0\"   # quoted\n"
		"probe: {timeout_ms: 500}\n";
	dp_config *cfg = NULL;
	char err[256];
	dp_prio_edit ed[2];

	(void)state;
	if (dp_config_parse("t.yaml", in, strlen(in), &cfg, err, sizeof(err)) != DP_OK)
		fail_msg("config: %s", err);
	assert_int_equal(cfg->n_resolvers, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_non_null(cfg->resolvers[i].priority_node);
		ed[i].start = cfg->resolvers[i].priority_node->start;
		ed[i].end = cfg->resolvers[i].priority_node->end;
		ed[i].value = i == 0 ? 10 : 0;
	}
	rewrite_is(cfg->text, ed, 2, want);
	dp_config_free(cfg);
}

static void test_bad_edits(void **state)
{
	const char *in = "priority: 10 # 5\nname: x\n";
	dp_prio_edit ed[2];
	char *out = NULL;
	size_t len;

	(void)state;
	ed[0] = at(in, "name", 1);          /* no number inside */
	assert_int_equal(dp_rewrite_priorities(in, strlen(in), ed, 1, &out, &len), DP_EINVAL);
	ed[0] = at(in, "10 # 5", 1);        /* two numbers (and a '#') */
	assert_int_equal(dp_rewrite_priorities(in, strlen(in), ed, 1, &out, &len), DP_EINVAL);
	ed[0] = at(in, "10", 1);
	ed[1] = ed[0];                      /* overlapping */
	assert_int_equal(dp_rewrite_priorities(in, strlen(in), ed, 2, &out, &len), DP_EINVAL);
	ed[0].end = 1000;                   /* out of range */
	assert_int_equal(dp_rewrite_priorities(in, strlen(in), ed, 1, &out, &len), DP_EINVAL);
	assert_null(out);
	/* No edits: the same bytes. */
	rewrite_is(in, NULL, 0, in);
}

static void test_resolv_conf(void **state)
{
	const char *in =
		"# generated\n"
		"search example.org\n"
		"nameserver 192.0.2.1   # forwarder\n"
		"options edns0\n"
		"nameserver\t2001:db8::53\n"
		"nameserver 192.0.2.3";
	const char *want =
		"# generated\n"
		"search example.org\n"
		"nameserver\t2001:db8::53\n"
		"options edns0\n"
		"nameserver 192.0.2.3\n"
		"nameserver 192.0.2.1   # forwarder";
	const char *order[] = { "[2001:db8::53]", "192.0.2.3:53", "192.0.2.1" };
	char *out = NULL, **addrs = NULL;
	size_t len, n;

	(void)state;
	assert_int_equal(dp_rewrite_resolv_conf(in, strlen(in), order, 3, &out, &len), DP_OK);
	assert_string_equal(out, want);
	free(out);
	n = dp_resolv_conf_parse(in, strlen(in), &addrs);
	assert_int_equal(n, 3);
	assert_string_equal(addrs[0], "192.0.2.1");
	assert_string_equal(addrs[1], "[2001:db8::53]");
	dp_strings_free(addrs, n);
	/* Same order: same bytes. */
	const char *same[] = { "192.0.2.1", "[2001:db8::53]", "192.0.2.3" };
	assert_int_equal(dp_rewrite_resolv_conf(in, strlen(in), same, 3, &out, &len), DP_OK);
	assert_string_equal(out, in);
	free(out);
}

static char tmpdir[256];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dp-test-rewrite-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[512];

	(void)state;
	chmod(tmpdir, 0700);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_atomic_write_and_backup(void **state)
{
	char path[512], bak[600], err[256], *text = NULL;
	size_t len;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/daneprobe.yaml", tmpdir);
	snprintf(bak, sizeof(bak), "%s.bak", path);
	assert_int_equal(dp_atomic_write(path, "old\n", 4, 1, err, sizeof(err)), DP_OK);
	assert_int_equal(stat(bak, &st), -1);    /* nothing to back up yet */
	chmod(path, 0640);
	assert_int_equal(dp_atomic_write(path, "new\n", 4, 1, err, sizeof(err)), DP_OK);
	assert_int_equal(dp_read_file(path, &text, &len, err, sizeof(err)), DP_OK);
	assert_string_equal(text, "new\n");
	free(text);
	assert_int_equal(dp_read_file(bak, &text, &len, err, sizeof(err)), DP_OK);
	assert_string_equal(text, "old\n");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);   /* the mode is kept */

	/* A symlink (resolv.conf often is one) stays a symlink. */
	char link[600];
	snprintf(link, sizeof(link), "%s/resolv.conf", tmpdir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(dp_atomic_write(link, "via link\n", 9, 0, err, sizeof(err)), DP_OK);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(dp_read_file(path, &text, &len, err, sizeof(err)), DP_OK);
	assert_string_equal(text, "via link\n");
	free(text);
}

/* EACCES on the directory: the temporary file cannot be created, and
 * the old file must be left exactly as it was.  Root is not denied by
 * mode bits, so as root the write runs in a child that drops to nobody. */
static void test_atomic_write_failure_keeps_old(void **state)
{
	char path[512], err[256], *text = NULL;
	size_t len;
	int ok;

	(void)state;
	snprintf(path, sizeof(path), "%s/ro.yaml", tmpdir);
	assert_int_equal(dp_atomic_write(path, "keep me\n", 8, 0, err, sizeof(err)), DP_OK);
	chmod(path, 0644);
	chmod(tmpdir, 0555);
	if (geteuid() == 0) {
		pid_t pid = fork();
		int st = 0;
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(2);
			int rc = dp_atomic_write(path, "lost\n", 5, 1, err, sizeof(err));
			_exit(rc == DP_EIO && strstr(err, "Permission denied") != NULL ? 0 : 1);
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	} else {
		ok = dp_atomic_write(path, "lost\n", 5, 1, err, sizeof(err)) == DP_EIO
		     && strstr(err, "Permission denied") != NULL;
	}
	chmod(tmpdir, 0700);
	assert_true(ok);
	assert_int_equal(dp_read_file(path, &text, &len, err, sizeof(err)), DP_OK);
	assert_string_equal(text, "keep me\n");
	free(text);
}

static void diff_is(const char *a, const char *b, const char *want)
{
	char *out = NULL;

	assert_int_equal(dp_unified_diff("a/f", a, strlen(a), "b/f", b, strlen(b), &out), DP_OK);
	assert_string_equal(out, want);
	free(out);
}

static void test_unified_diff(void **state)
{
	(void)state;
	diff_is("x\n", "x\n", "");
	diff_is("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n10\n",
		"--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
	/* Two changes far apart: two hunks. */
	diff_is("a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
		"--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n");
	/* Insertion into an empty file, and a missing final newline. */
	diff_is("", "new\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+new\n");
	diff_is("a\nb", "a\nc",
		"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_style_with_comments),
		cmocka_unit_test(test_quoted_and_flow),
		cmocka_unit_test(test_through_the_config_parser),
		cmocka_unit_test(test_bad_edits),
		cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test_setup_teardown(test_atomic_write_and_backup, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_atomic_write_failure_keeps_old, setup_dir, teardown_dir),
		cmocka_unit_test(test_unified_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
