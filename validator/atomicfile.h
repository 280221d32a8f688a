/*
 * atomicfile.h - replace a file so that a reader, a crash or a full disk
 * never sees anything but the old file or the whole new one: temporary
 * file in the same directory, write, fsync, rename over the target, fsync
 * of the directory.  Every file daneprobe writes goes through here (RFC
 * 5011 state, config and resolv.conf rewrites, Prometheus text, alert
 * state).
 */
#ifndef DP_ATOMICFILE_H
#define DP_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

/* How the bytes are written: write(2) unless a test injects failures
 * (ENOSPC after N bytes, a kill before the rename). */
typedef ssize_t (*dp_write_fn)(void *arg, int fd, const void *buf, size_t n);

typedef struct dp_replace_opts {
	const char *tmp_path;   /* fixed temporary name (the caller holds a lock),
				 * or NULL for a unique "<path>.tmp.XXXXXX" */
	mode_t mode;            /* permissions of the new file */
	const char *what;       /* for messages: "state file", "configuration" */
	dp_write_fn write;      /* NULL: write(2) */
	void *write_arg;
} dp_replace_opts;

/*
 * Replace path with data.  DP_OK once the new file is in place (a failed
 * directory fsync after the rename is then only noted in err); DP_EIO or
 * DP_ENOMEM with err saying which step failed, and then the old file is
 * untouched and the temporary file removed.
 */
int dp_file_replace(const char *path, const void *data, size_t len,
		    const dp_replace_opts *opts, char *err, size_t errlen);

#endif
