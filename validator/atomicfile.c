/* atomicfile.c - see atomicfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "validator/atomicfile.h"
#include "validator/dp_err.h"

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

/* fsync the directory that holds path, so that the rename is durable. */
static int sync_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd, rc;

	if (dir == NULL)
		return -1;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int step_failed(const dp_replace_opts *o, char *err, size_t errlen,
		       const char *step, const char *file, int e)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "cannot %s %s: %s (the old %s is kept)", step, file,
			 strerror(e), o->what ? o->what : "file");
	return DP_EIO;
}

int dp_file_replace(const char *path, const void *data, size_t len,
		    const dp_replace_opts *opts, char *err, size_t errlen)
{
	dp_replace_opts o = { NULL, 0644, NULL, NULL, NULL };
	char *tmp = NULL;
	int fd, rc, e;

	if (opts != NULL)
		o = *opts;
	if (o.tmp_path != NULL) {
		tmp = strdup(o.tmp_path);
		if (tmp == NULL)
			return DP_ENOMEM;
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, o.mode);
	} else {
		if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
			return DP_ENOMEM;
		fd = mkstemp(tmp);
	}
	if (fd < 0) {
		rc = step_failed(&o, err, errlen, "create", tmp, errno);
		free(tmp);
		return rc;
	}
	/* mkstemp makes 0600; the new file keeps the mode it is given. */
	if ((o.tmp_path == NULL && fchmod(fd, o.mode) != 0) || write_all(&o, fd, data, len) != 0) {
		rc = step_failed(&o, err, errlen, "write", tmp, errno);
		goto fail;
	}
	if (fsync(fd) != 0) {
		rc = step_failed(&o, err, errlen, "fsync", tmp, errno);
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = step_failed(&o, err, errlen, "close", tmp, errno);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		rc = step_failed(&o, err, errlen, "rename to", path, errno);
		goto fail;
	}
	free(tmp);
	/* The new file is in place; a failed directory fsync only means the
	 * rename might not survive a power loss. */
	if (sync_dir(path) != 0 && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s written, but the directory fsync failed: %s",
			 path, strerror(errno));
	return DP_OK;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = e;
	return rc;
}
