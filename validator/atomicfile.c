/* atomicfile.c - see atomicfile.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include "validator/atomicfile.h"
#include "validator/dp_err.h"

#define AF_MAX_OLD (64u * 1024 * 1024)   /* bytes of a file we back up or compare */

/* What a replaced file had, to give the new one (and the .bak). */
typedef struct af_meta {
	int exists;
	struct stat st;
	char *old;           /* its bytes, when needed for .bak or the check */
	size_t old_len;
	int fd;              /* open on it, for its extended attributes */
} af_meta;

static void af_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b, int e)
{
	if (err == NULL || errlen == 0)
		return;
	snprintf(err, errlen, fmt, a, b, strerror(e));
}

static int write_all(const dp_replace_opts *o, int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = o->write != NULL ? o->write(o->write_arg, fd, p, n) : write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The directory part of path ("." for a bare name), malloced. */
static char *dir_of(const char *path)
{
	char *dir = strdup(path), *slash;

	if (dir == NULL)
		return NULL;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return dir;
}

/* fsync the directory that holds path, so that the rename is durable. */
static int sync_dir(const char *path)
{
	char *dir = dir_of(path);
	int fd, rc;

	if (dir == NULL)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* ---- following symlinks ---- */

int dp_file_real(const char *path, char **real, char *err, size_t errlen)
{
	char cur[PATH_MAX], target[PATH_MAX];
	struct stat st;
	int hops;

	if (snprintf(cur, sizeof cur, "%s", path) >= (int)sizeof cur)
		return af_err(err, errlen, "%s%s: %s", path, "", ENAMETOOLONG), DP_EIO;
	/* Follow by hand so that a dangling link (resolv.conf before the
	 * resolver starts) still names the file to create. */
	for (hops = 0; lstat(cur, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
		ssize_t n = hops < 40 ? readlink(cur, target, sizeof target - 1) : -1;
		if (n < 0) {
			af_err(err, errlen, "cannot follow the symlink %s%s: %s", cur, "",
			       hops < 40 ? errno : ELOOP);
			return DP_EIO;
		}
		target[n] = '\0';
		if (target[0] != '/') {
			char *dir = dir_of(cur);
			int w = dir ? snprintf(cur, sizeof cur, "%s/%s", dir, target) : -1;
			free(dir);
			if (w < 0 || w >= (int)sizeof cur)
				return af_err(err, errlen, "%s%s: %s", path, "", ENAMETOOLONG), DP_EIO;
		} else {
			memcpy(cur, target, (size_t)n + 1);
		}
	}
	*real = strdup(cur);
	return *real != NULL ? DP_OK : DP_ENOMEM;
}

/* ---- the writers' lock ----
 *
 * flock(2) on "<real>.lock", a file that exists only while a writer holds
 * it: the holder unlinks it before it lets go, so nothing is left beside
 * the file (issue 17).  The race that makes this safe to do: a second
 * writer may have opened the lock file before the unlink and be waiting
 * in flock on that inode; once it gets the lock it checks that the name
 * still leads to the inode it holds (fstat against stat) and, if not,
 * opens the name afresh.  So at most one writer holds the inode that the
 * name leads to, which is the lock.  A writer killed with -9 leaves the
 * file; the next writer takes it over (its flock died with the process)
 * and removes it when done. */

/* Which lock file each held descriptor is, so that dp_file_unlock (which
 * gets only the descriptor) can remove it. */
#define AF_MAX_HELD 16
static struct { int fd; char *path; } af_held[AF_MAX_HELD];
static pthread_mutex_t af_held_mu = PTHREAD_MUTEX_INITIALIZER;

static int held_add(int fd, const char *path)
{
	int rc = -1;

	pthread_mutex_lock(&af_held_mu);
	for (size_t i = 0; i < AF_MAX_HELD && rc != 0; i++)
		if (af_held[i].path == NULL && (af_held[i].path = strdup(path)) != NULL) {
			af_held[i].fd = fd;
			rc = 0;
		}
	pthread_mutex_unlock(&af_held_mu);
	return rc;
}

static char *held_take(int fd)
{
	char *path = NULL;

	pthread_mutex_lock(&af_held_mu);
	for (size_t i = 0; i < AF_MAX_HELD && path == NULL; i++)
		if (af_held[i].path != NULL && af_held[i].fd == fd) {
			path = af_held[i].path;
			af_held[i].path = NULL;
		}
	pthread_mutex_unlock(&af_held_mu);
	return path;
}

/* 1 when the name lp still leads to the inode fd holds. */
static int lock_current(int fd, const char *lp)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && a.st_nlink > 0 && lstat(lp, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int dp_file_lock(const char *real, int wait_ms, int *fd_out, char *err, size_t errlen)
{
	char lp[PATH_MAX];
	struct timespec pause = { 0, 20 * 1000000L };
	int fd = -1, waited = 0;

	if (snprintf(lp, sizeof lp, "%s.lock", real) >= (int)sizeof lp)
		return DP_EINVAL;
	for (;;) {
		if (fd < 0 && (fd = open(lp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
			af_err(err, errlen, "cannot open the lock file %s%s: %s", lp, "", errno);
			return DP_EIO;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (lock_current(fd, lp))
				break;
			/* The holder removed it as we waited: take the new one. */
			close(fd);
			fd = -1;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			af_err(err, errlen, "cannot lock %s%s: %s", lp, "", errno);
			close(fd);
			return DP_EIO;
		}
		if (waited >= wait_ms) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "%s is held by another daneprobe (waited %d ms): try again later",
					 lp, wait_ms);
			close(fd);
			return DP_ELOCKED;
		}
		nanosleep(&pause, NULL);
		waited += 20;
	}
	if (held_add(fd, lp) != 0) {
		/* Cannot remember it: give it up rather than leave it behind. */
		unlink(lp);
		close(fd);
		return DP_ENOMEM;
	}
	*fd_out = fd;
	return DP_OK;
}

void dp_file_unlock(int fd)
{
	char *lp;

	if (fd < 0)
		return;
	/* Remove the name while still holding the lock (see above). */
	if ((lp = held_take(fd)) != NULL && lock_current(fd, lp))
		unlink(lp);
	free(lp);
	flock(fd, LOCK_UN);
	close(fd);
}

/* ---- leftovers of killed writers ---- */

/* name is prefix + ".tmp." + 6 characters of mkstemp's alphabet. */
static int is_our_tmp(const char *name, const char *prefix, size_t plen)
{
	const char *x = name + plen;

	if (strncmp(name, prefix, plen) != 0 || strncmp(x, ".tmp.", 5) != 0)
		return 0;
	x += 5;
	if (strlen(x) != 6)
		return 0;
	for (; *x; x++)
		if (!((*x >= 'a' && *x <= 'z') || (*x >= 'A' && *x <= 'Z') || (*x >= '0' && *x <= '9')))
			return 0;
	return 1;
}

int dp_file_clean_stale(const char *real)
{
	char *dir = dir_of(real), bak[NAME_MAX + 8];
	const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	struct dirent *de;
	DIR *d;
	int n = 0, dfd;

	if (dir == NULL || (d = opendir(dir)) == NULL) {
		free(dir);
		return 0;
	}
	dfd = dirfd(d);
	snprintf(bak, sizeof bak, "%s.bak", base);
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (!is_our_tmp(de->d_name, base, strlen(base)) && !is_our_tmp(de->d_name, bak, strlen(bak)))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    unlinkat(dfd, de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	free(dir);
	return n;
}

/* ---- the file being replaced ---- */

static int read_old(af_meta *m, const char *real, char *err, size_t errlen)
{
	size_t cap = (size_t)m->st.st_size + 1;

	if ((size_t)m->st.st_size > AF_MAX_OLD) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s is larger than %u bytes: not replaced", real, AF_MAX_OLD);
		return DP_ELIMIT;
	}
	if ((m->old = malloc(cap + 1)) == NULL)
		return DP_ENOMEM;
	for (;;) {
		ssize_t r = pread(m->fd, m->old + m->old_len, cap - m->old_len, (off_t)m->old_len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			af_err(err, errlen, "cannot read %s%s: %s", real, "", errno);
			return DP_EIO;
		}
		if (r == 0)
			break;
		m->old_len += (size_t)r;
		if (m->old_len == cap) {   /* it grew since fstat */
			char *g = cap * 2 <= AF_MAX_OLD ? realloc(m->old, cap * 2 + 1) : NULL;
			if (g == NULL)
				return DP_ELIMIT;
			m->old = g;
			cap *= 2;
		}
	}
	m->old[m->old_len] = '\0';
	return DP_OK;
}

static int meta_load(af_meta *m, const char *real, int want_bytes, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	m->fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (m->fd < 0) {
		if (errno == ENOENT)
			return DP_OK;
		af_err(err, errlen, "cannot open %s%s: %s", real, "", errno);
		return DP_EIO;
	}
	if (fstat(m->fd, &m->st) != 0) {
		af_err(err, errlen, "cannot stat %s%s: %s", real, "", errno);
		return DP_EIO;
	}
	if (!S_ISREG(m->st.st_mode)) {
		af_err(err, errlen, "%s%s is not a regular file: %s", real, "", EINVAL);
		return DP_EIO;
	}
	m->exists = 1;
	return want_bytes ? read_old(m, real, err, errlen) : DP_OK;
}

static void meta_free(af_meta *m)
{
	if (m->fd >= 0)
		close(m->fd);
	free(m->old);
	m->old = NULL;
}

/* Give the temporary file the replaced file's owner, group, mode, ACL
 * and SELinux label.  Owner first: chown clears set-id bits. */
static int meta_apply(const af_meta *m, int fd, mode_t new_mode)
{
	static const char *const names[] = { "system.posix_acl_access", "security.selinux" };
	char val[4096];

	if (!m->exists)
		return fchmod(fd, new_mode);
	if ((m->st.st_uid != geteuid() || m->st.st_gid != getegid()) &&
	    fchown(fd, m->st.st_uid, m->st.st_gid) != 0)
		return -1;
	if (fchmod(fd, m->st.st_mode & 07777) != 0)
		return -1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		ssize_t n = fgetxattr(m->fd, names[i], val, sizeof val);
		if (n < 0 && (errno == ENODATA || errno == ENOTSUP))
			continue;
		if (n < 0 || fsetxattr(fd, names[i], val, (size_t)n, 0) != 0)
			return -1;
	}
	return 0;
}

/* ---- writing ---- */

static int step_failed(const dp_replace_opts *o, char *err, size_t errlen,
		       const char *step, const char *file, int e)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "cannot %s %s: %s (the old %s is kept)", step, file,
			 strerror(e), o->what ? o->what : "file");
	return DP_EIO;
}

/* Write data to target through a fresh "<target>.tmp.XXXXXX" that gets
 * m's owner, group, mode and labels, then rename it over target. */
static int replace_one(const char *target, const void *data, size_t len, const af_meta *m,
		       const dp_replace_opts *o, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, rc, e;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", target) >= (int)sizeof tmp)
		return step_failed(o, err, errlen, "create a temporary file for", target, ENAMETOOLONG);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return step_failed(o, err, errlen, "create", tmp, errno);
	if (meta_apply(m, fd, o->mode) != 0) {
		rc = step_failed(o, err, errlen, "give the owner, group, mode and ACL of the old file to", tmp, errno);
		goto fail;
	}
	if (write_all(o, fd, data, len) != 0) {
		rc = step_failed(o, err, errlen, "write", tmp, errno);
		goto fail;
	}
	if (fsync(fd) != 0) {
		rc = step_failed(o, err, errlen, "fsync", tmp, errno);
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = step_failed(o, err, errlen, "close", tmp, errno);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, target) != 0) {
		rc = step_failed(o, err, errlen, "rename to", target, errno);
		goto fail;
	}
	/* The new file is in place; a failed directory fsync only means the
	 * rename might not survive a power loss. */
	if (sync_dir(target) != 0 && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s written, but the directory fsync failed: %s",
			 target, strerror(errno));
	return DP_OK;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return rc;
}

static int check_unchanged(const af_meta *m, const dp_replace_opts *o, const char *real,
			   char *err, size_t errlen)
{
	int same = o->expect == NULL ? !m->exists
		   : m->exists && m->old_len == o->expect_len && memcmp(m->old, o->expect, o->expect_len) == 0;

	if (same)
		return DP_OK;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s changed since daneprobe read it (edited meanwhile?): "
			 "nothing written, so that edit is kept; run again", real);
	return DP_ECHANGED;
}

int dp_file_replace(const char *path, const void *data, size_t len,
		    const dp_replace_opts *opts, char *err, size_t errlen)
{
	dp_replace_opts o = { .mode = 0644 };
	af_meta m = { .fd = -1 };
	char *real = NULL, bak[PATH_MAX];
	int lock = -1, rc;

	if (opts != NULL)
		o = *opts;
	if ((rc = dp_file_real(path, &real, err, errlen)) != DP_OK)
		return rc;
	if (!o.locked)
		rc = dp_file_lock(real, o.lock_wait_ms == 0 ? DP_LOCK_WAIT_MS : o.lock_wait_ms < 0 ? 0
				  : o.lock_wait_ms, &lock, err, errlen);
	if (rc == DP_OK) {
		dp_file_clean_stale(real);
		rc = meta_load(&m, real, o.backup || (o.check && o.expect != NULL), err, errlen);
	}
	if (rc == DP_OK && o.check)
		rc = check_unchanged(&m, &o, real, err, errlen);
	if (rc == DP_OK && o.backup && m.exists) {
		dp_replace_opts bo = o;
		bo.what = "backup";
		if (snprintf(bak, sizeof bak, "%s.bak", real) >= (int)sizeof bak)
			rc = step_failed(&o, err, errlen, "name the backup of", real, ENAMETOOLONG);
		else
			rc = replace_one(bak, m.old, m.old_len, &m, &bo, err, errlen);
	}
	if (rc == DP_OK)
		rc = replace_one(real, data, len, &m, &o, err, errlen);
	if (o.real_out != NULL)
		snprintf(o.real_out, PATH_MAX, "%s", real);
	meta_free(&m);
	dp_file_unlock(lock);
	free(real);
	return rc;
}
