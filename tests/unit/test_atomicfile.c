/* test_atomicfile.c - the rewrite guarantees of dp_file_replace /
 * dp_atomic_write / dp_atomic_rewrite (issue 17 findings 1-4 and 10):
 * a concurrent edit is never overwritten, owner/group/mode/ACL are kept,
 * the .bak is the true previous version under concurrent writers,
 * symlinks are followed, leftovers of killed writers are removed. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <cmocka.h>
#include "probe/util/fileio.h"
#include "validator/atomicfile.h"

static char dir[64], path[128], bak[160];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/dp-fileio-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/daneprobe.yaml", dir);
	snprintf(bak, sizeof bak, "%s.bak", path);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void is(const char *p, const char *want)
{
	char *text = NULL, err[256];
	size_t len;

	assert_int_equal(dp_read_file(p, &text, &len, err, sizeof err), DP_OK);
	assert_string_equal(text, want);
	free(text);
}

static int count(const char *suffix)
{
	char pat[200];
	glob_t g;
	int n;

	snprintf(pat, sizeof pat, "%s/%s", dir, suffix);
	if (glob(pat, 0, NULL, &g) != 0)
		return 0;
	n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

/* Finding 1: `order --write` wrote text built from the file as read at
 * start, over an edit made meanwhile. */
static void test_concurrent_edit_kept(void **state)
{
	char err[512] = "", real[PATH_MAX];

	(void)state;
	put(path, "priority: 1\n");
	put(path, "priority: 1\n# edited by the admin meanwhile\n");
	assert_int_equal(dp_atomic_rewrite(path, "priority: 1\n", 12, "priority: 0\n", 12, 1, real,
					   err, sizeof err), DP_ECHANGED);
	assert_non_null(strstr(err, "changed since daneprobe read it"));
	is(path, "priority: 1\n# edited by the admin meanwhile\n");
	assert_int_equal(access(bak, F_OK), -1);
	/* Unchanged: written, with the .bak. */
	put(path, "priority: 1\n");
	assert_int_equal(dp_atomic_rewrite(path, "priority: 1\n", 12, "priority: 0\n", 12, 1, real,
					   err, sizeof err), DP_OK);
	is(path, "priority: 0\n");
	is(bak, "priority: 1\n");
	/* Expecting no file: refused when one appeared. */
	assert_int_equal(dp_atomic_rewrite(path, NULL, 0, "x\n", 2, 0, NULL, err, sizeof err), DP_ECHANGED);
}

/* Finding 2: owner and group were reset to the writer (root); mode was
 * kept.  The .bak gets them too (a 0640 secret stays one). */
static void test_owner_group_mode_kept(void **state)
{
	char err[256];
	struct stat st;
	int root = geteuid() == 0;

	(void)state;
	put(path, "old\n");
	assert_int_equal(chmod(path, 0640), 0);
	if (root)
		assert_int_equal(chown(path, 1234, 5678), 0);
	assert_int_equal(dp_atomic_write(path, "new\n", 4, 1, err, sizeof err), DP_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(stat(i ? bak : path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0640);
		if (root) {
			assert_int_equal(st.st_uid, 1234);
			assert_int_equal(st.st_gid, 5678);
		}
	}
	/* A new file gets the default mode. */
	snprintf(bak, sizeof bak, "%s/new.prom", dir);
	assert_int_equal(dp_atomic_write(bak, "x\n", 2, 0, err, sizeof err), DP_OK);
	assert_int_equal(stat(bak, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	snprintf(bak, sizeof bak, "%s.bak", path);
}

/* An access ACL (where the file system has them) travels with the file.
 * The xattr is built by hand (acl(5) wire form: version 2, then
 * tag/perm/id entries in order) so the test needs no setfacl. */
static void test_acl_kept(void **state)
{
	static const struct { uint16_t tag, perm; uint32_t id; } ent[] = {
		{ 0x01, 6, UINT32_MAX },   /* ACL_USER_OBJ rw- */
		{ 0x02, 6, 4242 },         /* ACL_USER 4242 rw- */
		{ 0x04, 4, UINT32_MAX },   /* ACL_GROUP_OBJ r-- */
		{ 0x10, 6, UINT32_MAX },   /* ACL_MASK rw- */
		{ 0x20, 0, UINT32_MAX },   /* ACL_OTHER --- */
	};
	unsigned char blob[4 + sizeof ent / sizeof ent[0] * 8], after[512];
	char err[256];
	ssize_t n;
	size_t o = 4;

	(void)state;
	put(path, "old\n");
	blob[0] = 2, blob[1] = blob[2] = blob[3] = 0;
	for (size_t i = 0; i < sizeof ent / sizeof ent[0]; i++, o += 8) {
		blob[o] = (unsigned char)ent[i].tag, blob[o + 1] = (unsigned char)(ent[i].tag >> 8);
		blob[o + 2] = (unsigned char)ent[i].perm, blob[o + 3] = 0;
		for (int b = 0; b < 4; b++)
			blob[o + 4 + b] = (unsigned char)(ent[i].id >> (8 * b));
	}
	if (setxattr(path, "system.posix_acl_access", blob, sizeof blob, 0) != 0)
		skip();   /* no ACLs on this file system */
	assert_int_equal(dp_atomic_write(path, "new\n", 4, 1, err, sizeof err), DP_OK);
	n = getxattr(path, "system.posix_acl_access", after, sizeof after);
	assert_int_equal(n, (ssize_t)sizeof blob);
	assert_memory_equal(blob, after, sizeof blob);
	n = getxattr(bak, "system.posix_acl_access", after, sizeof after);
	assert_int_equal(n, (ssize_t)sizeof blob);
	assert_memory_equal(blob, after, sizeof blob);
}

/* Finding 3: two concurrent `order --write` both said "old version in
 * .bak", and .bak mostly held the new version: the original was lost.
 * Now one wins, the others see the change, and .bak is the original. */
static void test_concurrent_writers_keep_original(void **state)
{
	const int rounds = 10, writers = 4;

	(void)state;
	for (int r = 0; r < rounds; r++) {
		int go[2], won = 0, changed = 0;

		put(path, "original\n");
		unlink(bak);
		assert_int_equal(pipe(go), 0);
		for (int w = 0; w < writers; w++) {
			if (fork() == 0) {
				char text[32], err[512], c;
				close(go[1]);
				(void)read(go[0], &c, 1);   /* all start together */
				snprintf(text, sizeof text, "writer %d\n", w);
				_exit(dp_atomic_rewrite(path, "original\n", 9, text, strlen(text), 1, NULL,
							err, sizeof err));
			}
		}
		close(go[0]);
		close(go[1]);
		for (int w = 0; w < writers; w++) {
			int st;
			assert_true(wait(&st) > 0);
			assert_true(WIFEXITED(st));
			won += WEXITSTATUS(st) == DP_OK;
			changed += WEXITSTATUS(st) == DP_ECHANGED;
		}
		assert_int_equal(won, 1);
		assert_int_equal(changed, writers - 1);
		is(bak, "original\n");
	}
}

/* Finding 4: with a symlinked config the message named "<link>.bak",
 * which does not exist: the backup is beside the real file. */
static void test_symlink_bak_path(void **state)
{
	char link[160], real[PATH_MAX] = "", err[256];
	struct stat st;

	(void)state;
	put(path, "old\n");
	snprintf(link, sizeof link, "%s/link.yaml", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(dp_atomic_rewrite(link, "old\n", 4, "new\n", 4, 1, real, err, sizeof err), DP_OK);
	assert_string_equal(real, path);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	is(path, "new\n");
	is(bak, "old\n");
	assert_int_equal(count("link.yaml.bak"), 0);
	/* A dangling link names the file to create. */
	unlink(path);
	assert_int_equal(dp_atomic_write(link, "fresh\n", 6, 0, err, sizeof err), DP_OK);
	is(path, "fresh\n");
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
}

static ssize_t kill_after_some(void *arg, int fd, const void *buf, size_t n)
{
	(void)arg;
	if (write(fd, buf, n > 3 ? 3 : n) < 0)
		return -1;
	raise(SIGKILL);
	return -1;
}

/* Finding 10: kill -9 during a rewrite left "*.tmp.XXXXXX" files that
 * nothing removed.  The next writer removes those of our own naming,
 * and nothing else. */
static void test_stale_tmp_removed(void **state)
{
	char p[200], err[256];
	int st;
	pid_t pid;

	(void)state;
	put(path, "old\n");
	pid = fork();
	if (pid == 0) {
		dp_replace_opts o = { .mode = 0644, .backup = 1, .write = kill_after_some };
		dp_file_replace(path, "new text\n", 9, &o, err, sizeof err);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	is(path, "old\n");
	assert_int_equal(count("daneprobe.yaml.bak.tmp.??????"), 1);
	snprintf(p, sizeof p, "%s.tmp.Ab12Cd", path);
	put(p, "x");
	snprintf(p, sizeof p, "%s/other.yaml.tmp.Ab12Cd", dir);   /* not ours */
	put(p, "x");
	snprintf(p, sizeof p, "%s.tmp.toolong7", path);            /* not our naming */
	put(p, "x");
	assert_int_equal(dp_atomic_write(path, "new\n", 4, 1, err, sizeof err), DP_OK);
	assert_int_equal(count("daneprobe.yaml.tmp.??????"), 0);
	assert_int_equal(count("daneprobe.yaml.bak.tmp.*"), 0);
	assert_int_equal(count("other.yaml.tmp.Ab12Cd"), 1);
	assert_int_equal(count("daneprobe.yaml.tmp.toolong7"), 1);
	is(path, "new\n");
	is(bak, "old\n");
}

/* Writers respect each other's lock: refused at once without a wait,
 * served once the holder is done with one. */
static void test_lock_respected(void **state)
{
	char real[PATH_MAX], err[256];
	int fd = -1, st;
	pid_t pid;

	(void)state;
	put(path, "old\n");
	snprintf(real, sizeof real, "%s", path);
	assert_int_equal(dp_file_lock(real, 0, &fd, err, sizeof err), DP_OK);
	pid = fork();
	if (pid == 0) {
		dp_replace_opts o = { .mode = 0644, .lock_wait_ms = -1 };
		int rc = dp_file_replace(path, "x\n", 2, &o, err, sizeof err);
		if (rc != DP_ELOCKED || strstr(err, "held by another daneprobe") == NULL)
			_exit(1);
		o.lock_wait_ms = 5000;
		_exit(dp_file_replace(path, "after\n", 6, &o, err, sizeof err) == DP_OK ? 0 : 2);
	}
	usleep(300000);
	is(path, "old\n");
	dp_file_unlock(fd);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	is(path, "after\n");
}

/* Issue 17 leftover: the writers' lock "<file>.lock" stayed beside every
 * rewritten file.  Now it exists only while a writer holds it, also
 * after concurrent writers; a lock file a killed writer left (no one
 * holds it) is taken over and removed by the next writer. */
static void test_no_lock_left(void **state)
{
	char err[256], lp[200];

	(void)state;
	put(path, "old\n");
	assert_int_equal(dp_atomic_write(path, "new\n", 4, 1, err, sizeof err), DP_OK);
	assert_int_equal(count("daneprobe.yaml.lock"), 0);
	assert_int_equal(count("daneprobe.yaml.bak.lock"), 0);
	snprintf(lp, sizeof lp, "%s.lock", path);
	put(lp, "");   /* as a writer killed with -9 leaves it */
	assert_int_equal(dp_atomic_rewrite(path, "new\n", 4, "newer\n", 6, 1, NULL, err, sizeof err), DP_OK);
	assert_int_equal(count("daneprobe.yaml.lock"), 0);
	is(path, "newer\n");
	dp_atomic_tidy(path);
	assert_int_equal(count("daneprobe.yaml.lock"), 0);
}

/* The lock file is removed while held, so a writer that opened it before
 * the removal must not think it holds the lock (it would run beside the
 * next writer, who creates a new lock file).  Read-increment-write of a
 * counter by several processes under the lock: a lost update (a final
 * count below the total) means two writers held "the" lock at once. */
static void test_lock_excludes_across_removal(void **state)
{
	const int procs = 6, rounds = 40;
	char err[256], *text = NULL;
	size_t len;

	(void)state;
	put(path, "0\n");
	for (int p = 0; p < procs; p++) {
		if (fork() != 0)
			continue;
		for (int r = 0; r < rounds; r++) {
			dp_replace_opts o = { .mode = 0644, .locked = 1 };
			char *t = NULL, buf[32];
			size_t l;
			int fd = -1;

			if (dp_file_lock(path, 20000, &fd, err, sizeof err) != DP_OK ||
			    dp_read_file(path, &t, &l, err, sizeof err) != DP_OK)
				_exit(1);
			snprintf(buf, sizeof buf, "%ld\n", strtol(t, NULL, 10) + 1);
			free(t);
			if (dp_file_replace(path, buf, strlen(buf), &o, err, sizeof err) != DP_OK)
				_exit(2);
			dp_file_unlock(fd);
		}
		_exit(0);
	}
	for (int p = 0; p < procs; p++) {
		int st;
		assert_true(wait(&st) > 0);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_int_equal(dp_read_file(path, &text, &len, err, sizeof err), DP_OK);
	assert_int_equal(strtol(text, NULL, 10), procs * rounds);
	free(text);
	assert_int_equal(count("daneprobe.yaml.lock"), 0);
}

/* The SELinux label of the replaced file is given to the new file and to
 * the .bak (a config relabelled etc_t must not become tmp_t).  Without an
 * SELinux kernel the label is a plain "security.selinux" attribute, which
 * root can set on ext4 and tmpfs: that checks the copy, not a policy. */
static void test_selinux_label_kept(void **state)
{
	static const char label[] = "system_u:object_r:daneprobe_conf_t:s0";
	char err[256], after[256];
	ssize_t n;

	(void)state;
	put(path, "old\n");
	if (setxattr(path, "security.selinux", label, sizeof label, 0) != 0)
		skip();   /* not root, or the file system has no security.* attributes */
	assert_int_equal(dp_atomic_write(path, "new\n", 4, 1, err, sizeof err), DP_OK);
	n = getxattr(path, "security.selinux", after, sizeof after);
	assert_int_equal(n, (ssize_t)sizeof label);
	assert_memory_equal(label, after, sizeof label);
	n = getxattr(bak, "security.selinux", after, sizeof after);
	assert_int_equal(n, (ssize_t)sizeof label);
	assert_memory_equal(label, after, sizeof label);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_concurrent_edit_kept),
		T(test_owner_group_mode_kept),
		T(test_acl_kept),
		T(test_concurrent_writers_keep_original),
		T(test_symlink_bak_path),
		T(test_stale_tmp_removed),
		T(test_lock_respected),
		T(test_no_lock_left),
		T(test_lock_excludes_across_removal),
		T(test_selinux_label_kept),
	};
	return cmocka_run_group_tests_name("atomicfile", tests, NULL, NULL);
}
