/*
 * killloop.c - kill -9 during rewrites, N times per kind of file daneprobe
 * rewrites, through the same writer functions the commands call
 * (issue 17: "every file complete, old or new, owner/mode preserved, no
 * temporary file left after the next run").
 *
 *   killloop KIND DIR N [SEED]     KIND: config resolv state prom alert
 *   killloop init|once|is KIND DIR K   one write / check (run.sh)
 *
 * Each iteration forks a writer that reads the file (version k) and
 * rewrites it to version k+1, and kills it with SIGKILL after a random
 * delay within the time a write takes.  Then the file must be version k
 * (old) or k+1 (new), byte for byte, with the owner 1234:5678 and mode
 * 0640 it was given (as root; else mode only); the config's .bak must be
 * a complete version too.  After the loop one writer runs to the end and
 * no temporary file may be left.  Prints one line:
 *   KIND kill-window-us W iterations N killed-mid-run K tmp-after-kill H
 *        old A new B torn T meta-kept M tmp-left L
 * and exits 1 when T > 0, M < N or L > 0.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "probe/net/alert.h"
#include "probe/report/prom.h"
#include "probe/util/builtin.h"
#include "probe/util/fileio.h"
#include "probe/util/strbuf.h"
#include "validator/statefile.h"

#define T_NOW 1795428000   /* fixed: the state file text must be reproducible */
#define PAD_LINES 2000     /* ~100 KB: a write takes long enough to be hit */

static const char *kind;
static char file[512];
static rfc5011_tp *state_tp;

/* The full text of version k of this kind of file.  malloced. */
static char *gen(long k, size_t *len)
{
	dp_sbuf b = { 0 };
	char *out = NULL;

	if (strcmp(kind, "state") == 0) {
		state_tp->ttl = (uint32_t)k;
		statefile_format(state_tp, T_NOW, &out, len);
		return out;
	}
	if (strcmp(kind, "alert") == 0) {
		/* dp_alert_state_save's text (no problems), the status a word of letters */
		dp_sbuf_printf(&b, "# daneprobe check: last status and problems (the webhook fires when they change)\nstatus=");
		for (long v = k; ; v /= 26) {
			dp_sbuf_printf(&b, "%c", (char)('a' + v % 26));
			if (v < 26)
				break;
		}
		dp_sbuf_printf(&b, "\n");
	} else if (strcmp(kind, "prom") == 0) {
		dp_prom *p = NULL;
		const char *txt;
		if (dp_prom_new(&p) != DP_OK)
			return NULL;
		dp_prom_family(p, "dp_kill_version", "version of the file");
		for (int i = 0; i < PAD_LINES; i++) {
			char line[16];
			const char *labels[] = { "line", line };
			snprintf(line, sizeof line, "%d", i);
			dp_prom_sample(p, "dp_kill_version", labels, 1, (double)k);
		}
		txt = dp_prom_text(p, len);
		out = txt ? strndup(txt, *len) : NULL;
		dp_prom_free(p);
		return out;
	} else {
		dp_sbuf_printf(&b, "# v %ld\n", k);
		if (strcmp(kind, "resolv") == 0)
			dp_sbuf_printf(&b, "nameserver 192.0.2.%ld\n", 1 + k % 250);
		else
			dp_sbuf_printf(&b, "resolvers:\n  - address: 192.0.2.1\n    priority: %ld\n", k % 65536);
		for (int i = 0; i < PAD_LINES; i++)
			dp_sbuf_printf(&b, "# padding line %d of version %ld ..........................\n", i, k);
	}
	dp_sbuf_finish(&b, &out, len);
	return out;
}

static char *slurp(const char *p, size_t *len)
{
	char *t = NULL, err[256];

	return dp_read_file(p, &t, len, err, sizeof err) == DP_OK ? t : NULL;
}

static int is_version(const char *p, long k)
{
	size_t a, b;
	char *want = gen(k, &a), *have = slurp(p, &b);
	int same = want && have && a == b && memcmp(want, have, a) == 0;

	free(want);
	free(have);
	return same;
}

/* One rewrite from version k to k+1, as the command does it. */
static int write_version(long k)
{
	char err[512], real[4096];
	size_t oldlen, newlen;
	char *old = gen(k, &oldlen), *text = gen(k + 1, &newlen);
	int rc;

	if (strcmp(kind, "state") == 0) {
		int fd = -1;
		rc = statefile_lock(file, &fd, err, sizeof err);
		if (rc == DP_OK)
			rc = statefile_save(file, state_tp, T_NOW, NULL, err, sizeof err);
		statefile_unlock(fd);
	} else if (strcmp(kind, "alert") == 0) {
		char *st = strstr(text, "status=") + 7;
		dp_alert_set set;
		st[strlen(st) - 1] = '\0';
		memset(&set, 0, sizeof(set));
		snprintf(set.status, sizeof(set.status), "%s", st);
		rc = dp_alert_state_save(file, &set, err, sizeof err);
	} else if (strcmp(kind, "prom") == 0) {
		dp_prom *p = NULL;
		rc = dp_prom_new(&p);
		if (rc == DP_OK) {
			dp_prom_family(p, "dp_kill_version", "version of the file");
			for (int i = 0; i < PAD_LINES; i++) {
				char line[16];
				const char *labels[] = { "line", line };
				snprintf(line, sizeof line, "%d", i);
				dp_prom_sample(p, "dp_kill_version", labels, 1, (double)(k + 1));
			}
			rc = dp_prom_write(p, file, err, sizeof err);
		}
		dp_prom_free(p);
	} else {
		rc = dp_atomic_rewrite(file, old, oldlen, text, newlen, 1, real, err, sizeof err);
	}
	if (rc != DP_OK)
		fprintf(stderr, "killloop: %s: %s\n", kind, err);
	free(old);
	free(text);
	return rc;
}

static int count_tmp(void)
{
	const char *base = strrchr(file, '/') + 1;
	char dir[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof dir, "%.*s", (int)(base - file - 1), file);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, base, strlen(base)) == 0 && strstr(de->d_name, ".tmp") != NULL)
			n++;
	closedir(d);
	return n;
}

/* 1 when the writers' lock file is still there (it must exist only while
 * a writer holds it; one a killed writer left goes with the next run). */
static int lock_left(void)
{
	char lp[600];

	snprintf(lp, sizeof lp, "%s.lock", file);
	return access(lp, F_OK) == 0;
}

static int meta_ok(const char *p)
{
	struct stat st;

	if (stat(p, &st) != 0 || (st.st_mode & 07777) != 0640)
		return 0;
	return geteuid() != 0 || (st.st_uid == 1234 && st.st_gid == 5678);
}

static int bak_complete(long k)
{
	char bak[600];

	if (strcmp(kind, "config") != 0 && strcmp(kind, "resolv") != 0)
		return 1;
	snprintf(bak, sizeof bak, "%s.bak", file);
	if (access(bak, F_OK) != 0)
		return k == 0;
	for (long j = k; j >= 0 && j + 2 > k; j--)
		if (is_version(bak, j))
			return meta_ok(bak);
	return 0;
}

/* Fork a writer, kill it after delay_us; 1 if it was killed. */
static int one_kill(long k, long delay_us)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (strcmp(kind, "state") == 0)
			state_tp->ttl = (uint32_t)(k + 1);
		_exit(write_version(k) == DP_OK ? 0 : 1);
	}
	usleep((useconds_t)delay_us);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return WIFSIGNALED(st);
}

static int load_anchors(void)
{
	char msg[512];
	int fb;

	if (statefile_load("/nonexistent/state", dp_builtin_root_ds, T_NOW, &state_tp, &fb,
			   msg, sizeof msg) != DP_OK) {
		fprintf(stderr, "killloop: no built-in anchors: %s\n", msg);
		return -1;
	}
	return 0;
}

/* killloop init|once|is KIND DIR K: write version K afresh, rewrite
 * version K to K+1 once (the exit code is the writer's error code), or
 * exit 0 when the file is version K (for the full and read-only file
 * system tests of run.sh). */
static int single(const char *op, long k)
{
	char err[512];
	size_t len;
	char *t;
	int rc;

	if (strcmp(op, "is") == 0)
		return is_version(file, k) ? 0 : 1;
	if (strcmp(op, "once") == 0)
		return write_version(k);
	t = gen(k, &len);
	rc = t != NULL ? dp_atomic_write(file, t, len, 0, err, sizeof err) : DP_ENOMEM;
	if (rc != DP_OK)
		fprintf(stderr, "killloop: %s\n", err);
	free(t);
	return rc;
}

static int kill_loop(long n)
{
	long k = 0, old = 0, new_ = 0, torn = 0, meta = 0, killed = 0, span_us, hit = 0, locks = 0;
	struct timespec a, b;
	int tmp_left, lock_after;

	if (single("init", 0) != DP_OK || (geteuid() == 0 && chown(file, 1234, 5678) != 0)
	    || chmod(file, 0640) != 0)
		return 2;
	/* Calibrate: kill within 2.5 times what a whole write takes. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 3; i++, k++)
		if (write_version(k) != DP_OK)
			return 2;
	clock_gettime(CLOCK_MONOTONIC, &b);
	span_us = ((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000) * 5 / 6;
	if (span_us < 200)
		span_us = 200;
	for (long i = 0; i < n; i++) {
		killed += one_kill(k, rand() % span_us);
		hit += count_tmp() > 0;   /* killed with a temporary file open */
		locks += lock_left();     /* killed holding the lock */
		if (is_version(file, k)) {
			old++;
		} else if (is_version(file, k + 1)) {
			new_++;
			k++;
		} else {
			torn++;
			fprintf(stderr, "killloop: %s: torn file after iteration %ld\n", kind, i);
			break;
		}
		if (meta_ok(file) && bak_complete(k))
			meta++;
	}
	/* The next run, to its end: it cleans up what the kills left. */
	if (write_version(k) == DP_OK && is_version(file, k + 1))
		k++;
	tmp_left = count_tmp();
	lock_after = lock_left();
	printf("%s kill-window-us %ld iterations %ld killed-mid-run %ld tmp-after-kill %ld lock-after-kill %ld old %ld new %ld torn %ld meta-kept %ld tmp-left %d lock-left %d\n",
	       kind, span_us, n, killed, hit, locks, old, new_, torn, meta, tmp_left, lock_after);
	return torn > 0 || meta < n || tmp_left != 0 || lock_after ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *op = "loop";
	int rc;

	if (argc > 1 && (strcmp(argv[1], "init") == 0 || strcmp(argv[1], "once") == 0 ||
			 strcmp(argv[1], "is") == 0)) {
		op = argv[1];
		argv++;
		argc--;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: killloop [init|once|is] config|resolv|state|prom|alert DIR N|K [SEED]\n");
		return 2;
	}
	kind = argv[1];
	srand(argc > 4 ? (unsigned)atol(argv[4]) : (unsigned)time(NULL));
	snprintf(file, sizeof file, "%s/killloop.%s", argv[2], kind);
	if (load_anchors() < 0)
		return 2;
	rc = strcmp(op, "loop") == 0 ? kill_loop(atol(argv[3])) : single(op, atol(argv[3]));
	rfc5011_tp_free(state_tp);
	return rc;
}
