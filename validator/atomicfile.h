/*
 * atomicfile.h - replace a file so that a reader, a crash or a full disk
 * never sees anything but the old file or the whole new one, and so that
 * concurrent daneprobes and the file's owner are respected.  Every file
 * daneprobe writes goes through here (RFC 5011 state, config and
 * resolv.conf rewrites, Prometheus text, alert state, reports).
 *
 * Failure policy, in the words of unbound-anchor: on any failure the file
 * is left untouched.  In full (issue 17):
 *  - a symlink is followed to the real file, which is replaced; the link
 *    stays (resolv.conf is often a link);
 *  - the writer holds flock(2) on "<real>.lock" beside the file, so two
 *    daneprobes never interleave, and a .bak is always the true previous
 *    version; the lock file exists only while it is held (the holder
 *    removes it; one a killed writer left is taken over and removed);
 *  - with a check, the file must still hold the bytes the caller read at
 *    start, or nothing is written (DP_ECHANGED): an edit made meanwhile
 *    is never overwritten;
 *  - the new file gets the owner, group, mode, POSIX ACL and SELinux
 *    label of the file it replaces (a 0600 file of another user stays
 *    one), and so does the .bak;
 *  - temporary files are "<real>.tmp.XXXXXX" in the same directory
 *    (write, fsync, rename, directory fsync); those a killed writer left
 *    are removed by the next writer, under the lock.
 */
#ifndef DP_ATOMICFILE_H
#define DP_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

/* How the bytes are written: write(2) unless a test injects failures
 * (ENOSPC after N bytes, a kill before the rename). */
typedef ssize_t (*dp_write_fn)(void *arg, int fd, const void *buf, size_t n);

/* How long a writer waits for another daneprobe's lock by default. */
#define DP_LOCK_WAIT_MS 10000

typedef struct dp_replace_opts {
	mode_t mode;            /* permissions of a new file (an existing
				 * file keeps its own) */
	const char *what;       /* for messages: "state file", "configuration" */
	dp_write_fn write;      /* NULL: write(2) */
	void *write_arg;
	int backup;             /* first save the replaced bytes as "<real>.bak" */
	int check;              /* refuse unless the file holds exactly
				 * expect[0..expect_len) (expect NULL: unless
				 * the file does not exist) */
	const char *expect;
	size_t expect_len;
	int locked;             /* the caller holds dp_file_lock on this path */
	int lock_wait_ms;       /* 0: DP_LOCK_WAIT_MS; < 0: do not wait */
	char *real_out;         /* if not NULL, gets the real path written
				 * (PATH_MAX bytes), for messages */
} dp_replace_opts;

/*
 * Replace path with data as described above.  DP_OK once the new file is
 * in place (a failed directory fsync after the rename is then only noted
 * in err); DP_ECHANGED (check failed), DP_ELOCKED (another daneprobe
 * holds the lock past the wait), DP_EIO or DP_ENOMEM with err saying
 * which step failed, and then the old file is untouched and the
 * temporary file removed.
 */
int dp_file_replace(const char *path, const void *data, size_t len,
		    const dp_replace_opts *opts, char *err, size_t errlen);

/* The file a path names: symlinks followed (a dangling link gives the
 * path it points to), else path itself.  *real malloced. */
int dp_file_real(const char *path, char **real, char *err, size_t errlen);

/* Take the writers' lock of real (a path from dp_file_real): flock(2)
 * LOCK_EX on "<real>.lock", created 0600 if needed, waiting up to wait_ms
 * (0: no wait).  DP_ELOCKED when it stays held, DP_EIO when the lock file
 * cannot be opened.  *fd_out for dp_file_unlock, which removes the lock
 * file before it lets go (at most 16 locks held at once per process). */
int dp_file_lock(const char *real, int wait_ms, int *fd_out, char *err, size_t errlen);
void dp_file_unlock(int fd);

/* Remove the temporary files of our own naming that a killed writer of
 * real left ("<base>.tmp.XXXXXX", "<base>.bak.tmp.XXXXXX").  Only call
 * with the lock held.  Returns how many were removed. */
int dp_file_clean_stale(const char *real);

#endif
