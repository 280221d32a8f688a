/*
 * test_statefile.c - the RFC 5011 state file: round trip, hostile and
 * truncated text, atomic writes under injected failures (ENOSPC after N
 * bytes, EACCES, a kill before the rename), the lock, and the fall back
 * to the built-in anchors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <glob.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include "validator/statefile.h"
#include "probe/util/builtin.h"

#define T0 ((int64_t)1795003200)
/* The DS records compiled in from configs/root-anchors.ds. */
#define BUILTIN dp_builtin_root_ds

static char dir[64];
static char path[128];

/* KSK-2024's public key (root zone). */
static const char *ksk2024 =
	". 172800 IN DNSKEY 257 3 8 AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/cidltpkyGwCJNnOAlFNKF2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYSjH8e7Vrhbu6irwCzVBApESjbUdpWWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/dL/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwuMoTvoB+ZOT4YeGyxMvHmbrxlFzGOHOijtzN+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBevYtxPvYLw4z9mR7K2vaF18UYH9Z9GNUUeayffKC73PYc=";

static void slurp(const char *p, char *buf, size_t len)
{
	FILE *f = fopen(p, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static rfc5011_tp *sample(void)
{
	ldns_rdf *root = ldns_dname_new_frm_str(".");
	rfc5011_tp *tp = NULL;
	ldns_rr *k = NULL, *ds = NULL;

	assert_int_equal(rfc5011_tp_new(root, &tp), DP_OK);
	ldns_rdf_deep_free(root);
	assert_int_equal(ldns_rr_new_frm_str(&k, ksk2024, 0, NULL, NULL), LDNS_STATUS_OK);
	assert_int_equal(ldns_rr_new_frm_str(&ds,
		". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
		0, NULL, NULL), LDNS_STATUS_OK);
	assert_int_equal(rfc5011_add_dnskey(tp, k, T0 - 100), DP_OK);
	assert_int_equal(rfc5011_add_ds(tp, ds, T0 - 50), DP_OK);
	tp->keys[1].state = RFC5011_MISSING;
	tp->keys[1].seen_count = 7;
	tp->keys[1].missing_count = 2;
	tp->last_success = T0;
	tp->last_attempt = T0 + 10;
	tp->next_probe = T0 + 86400;
	tp->high_water = T0 + 10;
	tp->ttl = 172800;
	tp->sig_expiry = T0 + 20 * 86400;
	ldns_rr_free(k);
	ldns_rr_free(ds);
	return tp;
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/dp-statefile-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/root.anchors", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	chmod(dir, 0700);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_roundtrip(void **state)
{
	rfc5011_tp *tp = sample(), *back = NULL;
	char *t1, *t2, err[256];
	size_t len;

	(void)state;
	assert_int_equal(statefile_format(tp, T0, &t1, &len), DP_OK);
	assert_non_null(strstr(t1, "key 38696 8 valid"));
	assert_non_null(strstr(t1, "key 20326 8 missing"));
	assert_non_null(strstr(t1, "; key 20326 (algorithm 8): missing since"));
	assert_int_equal(statefile_parse(t1, len, &back, err, sizeof(err)), DP_OK);
	assert_int_equal(back->n_keys, 2);
	assert_int_equal(back->keys[1].seen_count, 7);
	assert_int_equal(back->keys[1].missing_count, 2);
	assert_int_equal(back->sig_expiry, T0 + 20 * 86400);
	assert_int_equal(statefile_format(back, T0, &t2, NULL), DP_OK);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	rfc5011_tp_free(back);
	rfc5011_tp_free(tp);
}

static void test_every_truncation_rejected(void **state)
{
	rfc5011_tp *tp = sample(), *back = NULL;
	char *t, err[256];
	size_t len;

	(void)state;
	assert_int_equal(statefile_format(tp, T0, &t, &len), DP_OK);
	/* Every prefix that loses the final "end" line is refused. */
	for (size_t i = 0; i + 1 < len; i++) {
		int rc = statefile_parse(t, i, &back, err, sizeof(err));
		if (rc == DP_OK)
			fail_msg("prefix of %zu/%zu bytes accepted", i, len);
		assert_int_equal(rc, DP_EPARSE);
		assert_non_null(strstr(err, "line "));
	}
	free(t);
	rfc5011_tp_free(tp);
}

static const char *const hdr = "version 1\ntrust-point .\n";
#define KEY_DS "key 20326 8 valid 1 2 3 4 ds 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"

static const struct { const char *body; const char *want; } bad[] = {
	{ "", "no 'end'" },
	{ "end\n", "no key" },
	{ KEY_DS, "truncated" },
	{ KEY_DS "end\nkey", "after 'end'" },
	{ "key 20327 8 valid 1 2 3 4 ds 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\nend\n", "do not match" },
	{ "key 20326 8 sleeping 1 2 3 4 ds 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\nend\n", "unknown key state" },
	{ "key 20326 8 addpend 1 2 3 4 ds 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\nend\n", "only by its DS" },
	{ "key 20326 8 valid -1 2 3 4 ds 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\nend\n", "bad time" },
	{ "key 20326 8 valid 99999999999999999999 2 3 4 ds 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\nend\n", "bad time" },
	{ "key 20326 8 valid 1 2 3 4 ds 20326 8 2 ZZZZ\nend\n", "bad ds record" },
	{ "key 20326 8 valid 1 2 3 4 mx 10 a.example.\nend\n", "expected 'dnskey' or 'ds'" },
	{ "key 20326 8 valid 1 2\nend\n", "key line needs" },
	{ "ttl 5\nttl 6\n" KEY_DS "end\n", "given twice" },
	{ "ttl 5 6\n" KEY_DS "end\n", "takes one value" },
	{ "ttl 4294967296\n" KEY_DS "end\n", "bad ttl" },
	{ "frobnicate 1\n" KEY_DS "end\n", "unknown line" },
	{ "trust-point org.\n" KEY_DS "end\n", "second trust-point" },
};

static void test_bad_files(void **state)
{
	rfc5011_tp *tp = NULL;
	char text[1024], err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", hdr, bad[i].body);
		err[0] = '\0';
		int rc = statefile_parse(text, strlen(text), &tp, err, sizeof(err));
		if (rc != DP_EPARSE || strstr(err, bad[i].want) == NULL)
			fail_msg("row %zu: rc %d err \"%s\", want \"%s\"", i, rc, err, bad[i].want);
	}
	/* Without a header, with another version, NUL bytes, long lines. */
	assert_int_equal(statefile_parse(KEY_DS "end\n", strlen(KEY_DS "end\n"), &tp, err, sizeof(err)), DP_EPARSE);
	assert_non_null(strstr(err, "version 1"));
	assert_int_equal(statefile_parse("version 2\n", 10, &tp, err, sizeof(err)), DP_EPARSE);
	assert_int_equal(statefile_parse("version 1\0\n", 11, &tp, err, sizeof(err)), DP_EPARSE);
	char *big = malloc(20000);
	memset(big, 'x', 19999);
	memcpy(big, "version 1\n", 10);
	big[19999] = '\0';
	assert_int_equal(statefile_parse(big, 19999, &tp, err, sizeof(err)), DP_EPARSE);
	assert_non_null(strstr(err, "longer than"));
	free(big);
	/* Comments, blank lines and CRLF are fine. */
	snprintf(text, sizeof(text), "; hello\r\n\r\nversion 1\r\ntrust-point . ; root\r\nttl 5 ; s\r\n%send\r\n", KEY_DS);
	assert_int_equal(statefile_parse(text, strlen(text), &tp, err, sizeof(err)), DP_OK);
	assert_int_equal(tp->ttl, 5);
	assert_int_equal(tp->keys[0].first_seen, 1);
	rfc5011_tp_free(tp);
}

static void test_save_load(void **state)
{
	rfc5011_tp *tp = sample(), *back = NULL;
	char err[256] = "", msg[512];
	int fb = -1;

	(void)state;
	assert_int_equal(statefile_save(path, tp, T0, NULL, err, sizeof(err)), DP_OK);
	assert_false(exists(strcat(strcpy(msg, path), ".tmp")));
	assert_int_equal(statefile_load(path, BUILTIN, T0, &back, &fb, msg, sizeof(msg)), DP_OK);
	assert_int_equal(fb, 0);
	assert_int_equal(back->n_keys, 2);
	assert_int_equal(back->keys[0].tag, 38696);
	rfc5011_tp_free(back);
	rfc5011_tp_free(tp);
}

/* ---- injected write failures ---- */

typedef struct failer {
	size_t budget;   /* bytes to write before failing */
	int eno;
	int kill;        /* raise SIGKILL instead of failing */
} failer;

static ssize_t failing_write(void *arg, int fd, const void *buf, size_t n)
{
	failer *f = arg;

	if (f->budget == 0) {
		if (f->kill)
			raise(SIGKILL);
		errno = f->eno;
		return -1;
	}
	if (n > f->budget)
		n = f->budget;
	ssize_t w = write(fd, buf, n);
	if (w > 0)
		f->budget -= (size_t)w;
	return w;
}

/* Temporary files of our naming beside the state file. */
static int count_tmp(void)
{
	char pat[200];
	glob_t g;
	int n;

	snprintf(pat, sizeof pat, "%s.tmp*", path);
	if (glob(pat, 0, NULL, &g) != 0)
		return 0;
	n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

static void save_v1(char *old, size_t oldlen)
{
	rfc5011_tp *tp = sample();
	char err[256];

	assert_int_equal(statefile_save(path, tp, T0, NULL, err, sizeof(err)), DP_OK);
	rfc5011_tp_free(tp);
	slurp(path, old, oldlen);
}

static void test_enospc_keeps_old_file(void **state)
{
	static char old[8192], now[8192], tmp[160];
	rfc5011_tp *tp2 = sample();
	char *text2;
	size_t len2;

	(void)state;
	save_v1(old, sizeof(old));
	tp2->keys[0].state = RFC5011_REVOKED;
	tp2->ttl = 99;
	assert_int_equal(statefile_format(tp2, T0, &text2, &len2), DP_OK);
	free(text2);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	size_t budgets[] = { 0, 1, 10, 100, len2 / 2, len2 - 1 };
	for (size_t i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		failer f = { budgets[i], ENOSPC, 0 };
		statefile_io io = { failing_write, &f };
		char err[256] = "";
		assert_int_equal(statefile_save(path, tp2, T0 + 1, &io, err, sizeof(err)), DP_EIO);
		assert_non_null(strstr(err, "No space left on device"));
		assert_non_null(strstr(err, "old state file is kept"));
		slurp(path, now, sizeof(now));
		assert_string_equal(old, now);
		assert_false(exists(tmp));
		/* The state in memory is untouched. */
		assert_int_equal(tp2->ttl, 99);
		assert_int_equal(tp2->keys[0].state, RFC5011_REVOKED);
	}
	/* With room again it is written. */
	char err[256];
	assert_int_equal(statefile_save(path, tp2, T0 + 2, NULL, err, sizeof(err)), DP_OK);
	slurp(path, now, sizeof(now));
	assert_non_null(strstr(now, "ttl 99"));
	rfc5011_tp_free(tp2);
}

static void test_eacces_keeps_old_file(void **state)
{
	static char old[8192], now[8192];
	pid_t pid;
	int st;

	(void)state;
	save_v1(old, sizeof(old));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(chmod(dir, 0555), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* root ignores directory permissions: write as nobody */
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(90);
		rfc5011_tp *tp = sample();
		char err[256] = "";
		int rc = statefile_save(path, tp, T0, NULL, err, sizeof(err));
		_exit(rc == DP_EIO && strstr(err, "Permission denied") != NULL ? 0 : 91);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	slurp(path, now, sizeof(now));
	assert_string_equal(old, now);
}

static void test_kill_before_rename(void **state)
{
	static char old[8192], now[8192];
	rfc5011_tp *back = NULL;
	char msg[512], err[256];
	int st, fb = -1;
	pid_t pid;

	(void)state;
	save_v1(old, sizeof(old));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rfc5011_tp *tp = sample();
		tp->ttl = 1;
		failer f = { 200, 0, 1 };
		statefile_io io = { failing_write, &f };
		statefile_save(path, tp, T0, &io, err, sizeof(err));
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGKILL);
	slurp(path, now, sizeof(now));
	assert_string_equal(old, now);
	/* The half-written temporary file is left behind... */
	assert_int_equal(count_tmp(), 1);
	/* ...but the state file loads as before, and the next save replaces
	 * the leftover. */
	assert_int_equal(statefile_load(path, BUILTIN, T0, &back, &fb, msg, sizeof(msg)), DP_OK);
	assert_int_equal(fb, 0);
	assert_int_equal(back->ttl, 172800);
	back->ttl = 3;
	assert_int_equal(statefile_save(path, back, T0, NULL, err, sizeof(err)), DP_OK);
	assert_int_equal(count_tmp(), 0);
	rfc5011_tp_free(back);
}

/* issue 17 finding 2: the state file was reset to root and 0644 (a 0600
 * file of another user became world-readable).  Root can give files
 * away; as another user the owner part is skipped. */
static void test_owner_and_mode_kept(void **state)
{
	static char old[8192];
	rfc5011_tp *tp = sample();
	char err[256] = "";
	struct stat st;
	int root = geteuid() == 0;

	(void)state;
	save_v1(old, sizeof(old));
	assert_int_equal(chmod(path, 0600), 0);
	if (root)
		assert_int_equal(chown(path, 4321, 4322), 0);
	tp->ttl = 7;
	assert_int_equal(statefile_save(path, tp, T0, NULL, err, sizeof(err)), DP_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	if (root) {
		assert_int_equal(st.st_uid, 4321);
		assert_int_equal(st.st_gid, 4322);
	}
	rfc5011_tp_free(tp);
}

/* issue 17 finding 4: `anchor refresh --state LINK` replaced the link
 * with a regular file and never updated its target; and the lock must
 * be the target's, so a writer through the link and one through the
 * real path exclude each other. */
static void test_symlink_followed(void **state)
{
	static char old[8192], now[8192];
	char link[160], err[256] = "";
	rfc5011_tp *tp = sample();
	struct stat st;
	int fd1 = -1, fd2 = -1;

	(void)state;
	save_v1(old, sizeof(old));
	snprintf(link, sizeof link, "%s/state-link", dir);
	assert_int_equal(symlink("root.anchors", link), 0);   /* relative, as ln -s makes */
	assert_int_equal(statefile_lock(link, &fd1, err, sizeof(err)), DP_OK);
	assert_int_equal(statefile_lock(path, &fd2, err, sizeof(err)), DP_ELOCKED);
	tp->ttl = 5;
	assert_int_equal(statefile_save(link, tp, T0, NULL, err, sizeof(err)), DP_OK);
	statefile_unlock(fd1);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	slurp(path, now, sizeof(now));
	assert_non_null(strstr(now, "ttl 5"));
	rfc5011_tp_free(tp);
}

static void test_lock(void **state)
{
	int fd1 = -1, fd2 = -1;
	char err[256] = "";

	(void)state;
	assert_int_equal(statefile_lock(path, &fd1, err, sizeof(err)), DP_OK);
	/* A second writer (another open file description) is refused. */
	assert_int_equal(statefile_lock(path, &fd2, err, sizeof(err)), DP_ELOCKED);
	assert_non_null(strstr(err, "held by another"));
	pid_t pid = fork();
	if (pid == 0) {
		int fd3;
		_exit(statefile_lock(path, &fd3, err, sizeof(err)) == DP_ELOCKED ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	statefile_unlock(fd1);
	assert_int_equal(statefile_lock(path, &fd2, err, sizeof(err)), DP_OK);
	statefile_unlock(fd2);
	/* A lock file in a directory that does not exist. */
	assert_int_equal(statefile_lock("/nonexistent-dir/x", &fd2, err, sizeof(err)), DP_EIO);
}

static void test_fallback_to_builtin(void **state)
{
	rfc5011_tp *tp = NULL;
	char msg[512];
	int fb = -1;
	FILE *f;

	(void)state;
	/* Missing. */
	assert_int_equal(statefile_load(path, BUILTIN, T0, &tp, &fb, msg, sizeof(msg)), DP_OK);
	assert_int_equal(fb, 1);
	assert_non_null(strstr(msg, "built-in"));
	assert_int_equal(tp->n_keys, 2);
	assert_int_equal(tp->keys[0].tag, 20326);
	assert_int_equal(tp->keys[1].tag, 38696);
	assert_int_equal(tp->keys[0].state, RFC5011_VALID);
	assert_non_null(tp->keys[0].ds);
	rfc5011_tp_free(tp);
	/* Corrupt. */
	f = fopen(path, "w");
	fputs("version 1\ntrust-point .\nkey garbage\nend\n", f);
	fclose(f);
	assert_int_equal(statefile_load(path, BUILTIN, T0, &tp, &fb, msg, sizeof(msg)), DP_OK);
	assert_int_equal(fb, 1);
	assert_non_null(strstr(msg, "line 3"));
	assert_int_equal(tp->n_keys, 2);
	rfc5011_tp_free(tp);
	/* Truncated. */
	f = fopen(path, "w");
	fputs("version 1\ntrust-point .\n" KEY_DS, f);
	fclose(f);
	assert_int_equal(statefile_load(path, BUILTIN, T0, &tp, &fb, msg, sizeof(msg)), DP_OK);
	assert_int_equal(fb, 1);
	assert_non_null(strstr(msg, "truncated"));
	rfc5011_tp_free(tp);
	/* Empty. */
	f = fopen(path, "w");
	fclose(f);
	assert_int_equal(statefile_load(path, BUILTIN, T0, &tp, &fb, msg, sizeof(msg)), DP_OK);
	assert_int_equal(fb, 1);
	rfc5011_tp_free(tp);
	/* Built-in anchors unusable too: an error, never an empty set. */
	tp = NULL;
	assert_int_not_equal(statefile_load(path, "; no records\n", T0, &tp, &fb,
					    msg, sizeof(msg)), DP_OK);
	assert_null(tp);
	assert_non_null(strstr(msg, "built-in anchors hold no DS record"));
}

static void test_all_revoked_file_is_not_replaced(void **state)
{
	rfc5011_tp *tp = sample(), *back = NULL;
	char err[256], msg[512];
	int fb = -1;

	(void)state;
	/* An honest "everything revoked" state is kept (critical), not
	 * silently swapped for the built-in anchors. */
	tp->keys[0].state = RFC5011_REVOKED;
	tp->keys[1].state = RFC5011_MISSING;
	ldns_rr_free(tp->keys[1].ds);
	tp->keys[1].ds = NULL;
	tp->keys[1].dnskey = ldns_rr_clone(tp->keys[0].dnskey);
	tp->keys[1].tag = tp->keys[0].tag;
	tp->keys[1].alg = tp->keys[0].alg;
	tp->keys[1].state = RFC5011_REMOVED;
	assert_int_equal(statefile_save(path, tp, T0, NULL, err, sizeof(err)), DP_OK);
	assert_int_equal(statefile_load(path, BUILTIN, T0, &back, &fb, msg, sizeof(msg)), DP_OK);
	assert_int_equal(fb, 0);
	assert_int_equal(rfc5011_tp_health(back, NULL, 0), RFC5011_HEALTH_CRITICAL);
	rfc5011_tp_free(back);
	rfc5011_tp_free(tp);
}

static void test_builtin(void **state)
{
	rfc5011_tp *tp = NULL;
	char err[256];

	(void)state;
	/* The compiled-in anchors: KSK-2017 and KSK-2024, both Valid. */
	assert_int_equal(statefile_builtin(BUILTIN, T0, &tp, err, sizeof(err)), DP_OK);
	assert_int_equal(tp->n_keys, 2);
	assert_int_equal(tp->keys[0].tag, 20326);
	assert_int_equal(tp->keys[1].tag, 38696);
	assert_int_equal(tp->keys[1].state, RFC5011_VALID);
	rfc5011_tp_free(tp);
	tp = NULL;
	assert_int_equal(statefile_builtin("; no records\n", T0, &tp, err, sizeof(err)), DP_EPARSE);
	assert_null(tp);
	assert_int_equal(statefile_builtin("; the root's KSK-2024, for another zone\n"
		"example. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n",
		T0, &tp, err, sizeof(err)), DP_EPARSE);
	assert_non_null(strstr(err, "line 2"));
	assert_null(tp);
}

static void test_anchors_for_run(void **state)
{
	rfc5011_tp *tp = sample();
	val_anchors *a = NULL;
	char err[256], msg[512];
	int fb = -1;

	(void)state;
	/* Valid and Missing keys are anchors: the DNSKEY of one, the DS of
	 * the one not seen yet. */
	assert_int_equal(statefile_trust_anchors(tp, &a), DP_OK);
	assert_int_equal(a->n_points, 1);
	assert_int_equal(ldns_rr_list_rr_count(a->points[0].keys), 1);
	assert_int_equal(ldns_rr_list_rr_count(a->points[0].ds), 1);
	assert_int_equal(ldns_dname_label_count(a->points[0].zone), 0);
	val_anchors_free(a);
	/* No state file: the built-in DS records. */
	assert_int_equal(statefile_load_anchors(path, BUILTIN, T0, &a, &fb, msg, sizeof(msg)), DP_OK);
	assert_int_equal(fb, 1);
	assert_int_equal(ldns_rr_list_rr_count(a->points[0].ds), 2);
	assert_int_equal(ldns_rr_list_rr_count(a->points[0].keys), 0);
	val_anchors_free(a);
	/* Everything revoked: no anchors at all, an error that says why. */
	tp->keys[0].state = RFC5011_REVOKED;
	ldns_rr_free(tp->keys[1].ds);
	tp->keys[1].ds = NULL;
	tp->keys[1].dnskey = ldns_rr_clone(tp->keys[0].dnskey);
	tp->keys[1].tag = tp->keys[0].tag;
	tp->keys[1].state = RFC5011_REMOVED;
	assert_int_equal(statefile_save(path, tp, T0, NULL, err, sizeof(err)), DP_OK);
	a = NULL;
	assert_int_equal(statefile_load_anchors(path, BUILTIN, T0, &a, &fb, msg, sizeof(msg)), DP_ENOTFOUND);
	assert_null(a);
	assert_non_null(strstr(msg, "anchor bootstrap"));
	rfc5011_tp_free(tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_roundtrip),
		T(test_every_truncation_rejected),
		T(test_bad_files),
		T(test_save_load),
		T(test_enospc_keeps_old_file),
		T(test_eacces_keeps_old_file),
		T(test_kill_before_rename),
		T(test_lock),
		T(test_owner_and_mode_kept),
		T(test_symlink_followed),
		T(test_fallback_to_builtin),
		T(test_all_revoked_file_is_not_replaced),
		T(test_builtin),
		T(test_anchors_for_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
