/*
 * statefile.h - the RFC 5011 state of one trust point in a text file.
 *
 * The file is meant to be read by people (and diffed): one line per fact,
 * times as 64-bit epoch seconds with the date in a comment, one line per
 * key with its DNSKEY (or, for an anchor not seen yet, its DS), and an
 * "end" line so that a truncated file is never taken for a complete one.
 *
 * Failure policy: a write error leaves the old file (and, since the state
 * is passed read-only, the state in memory) untouched and says why; a
 * missing, truncated or corrupt file makes the loader fall back to the
 * built-in anchors, never to an empty set, and say so.
 */
#ifndef DP_STATEFILE_H
#define DP_STATEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "validator/rfc5011.h"
#include "validator/anchors.h"

/* A state file larger than this is corrupt. */
#define STATEFILE_MAX_SIZE (1024 * 1024)

/* The text of tp (malloced, NUL-terminated, caller frees); now is only
 * written in a comment.  Writes *out only on success. */
int statefile_format(const rfc5011_tp *tp, int64_t now, char **out, size_t *len);

/* Parse the text of a state file.  DP_EPARSE with "line N: message" in err
 * for anything malformed, truncated (no "end" line) or inconsistent (a key
 * tag that does not match its key), and for a file without any key.
 * Writes *out only on success. */
int statefile_parse(const char *text, size_t len, rfc5011_tp **out,
		    char *err, size_t errlen);

/* Write hook for tests that inject failures: like write(2). */
typedef ssize_t (*statefile_write_fn)(void *arg, int fd, const void *buf, size_t n);
typedef struct statefile_io {
	statefile_write_fn write;   /* NULL: write(2) */
	void *arg;
} statefile_io;

/*
 * Write tp to path atomically with dp_file_replace (atomicfile.h): a
 * symlink is followed, the file keeps its owner, group and mode, a
 * temporary file a killed save left is removed.  The caller holds the
 * lock (statefile_lock).  io may be NULL.  On failure path is untouched
 * and err says which step failed and why (DP_EIO, DP_ENOMEM).
 */
int statefile_save(const char *path, const rfc5011_tp *tp, int64_t now,
		   const statefile_io *io, char *err, size_t errlen);

/* Take the writer's lock: flock(LOCK_EX|LOCK_NB) on "<real>.lock" beside
 * the file a symlink names (created, and removed by statefile_unlock; see
 * dp_file_lock).  DP_ELOCKED when another process (or another open of the
 * lock) holds it, DP_EIO when the lock file cannot be opened.  *fd_out
 * gets the descriptor to give to statefile_unlock. */
int statefile_lock(const char *path, int *fd_out, char *err, size_t errlen);
void statefile_unlock(int fd);

/* The built-in anchors: ds_text holds DS records of "." in zone-file
 * format (the program's are compiled in from configs/root-anchors.ds), all
 * put in Valid state.  DP_EPARSE when the text holds anything else or no
 * DS of the root; the validator reads no file for them. */
int statefile_builtin(const char *ds_text, int64_t now, rfc5011_tp **out,
		      char *err, size_t errlen);

/*
 * Load the state file, or fall back to the built-in anchors in ds_text
 * (as for statefile_builtin) when it is missing, unreadable, truncated or corrupt.  *fell_back is set
 * to 1 in that case and msg says why (msg also carries a note on success).
 * Fails (DP_EPARSE/DP_EIO) only when the built-in anchors cannot be read
 * either; never returns an empty set.
 */
int statefile_load(const char *path, const char *ds_text, int64_t now,
		   rfc5011_tp **out, int *fell_back, char *msg, size_t msglen);

/* The keys tp trusts (Valid and Missing: their DNSKEYs, or the DS of an
 * anchor not seen yet) as a trust anchor set for the validator (malloced,
 * val_anchors_free).  DP_ENOTFOUND when no key is trusted (all revoked):
 * the caller must then stop and ask for a bootstrap, never validate
 * without an anchor.  Writes *out only on success. */
int statefile_trust_anchors(const rfc5011_tp *tp, val_anchors **out);

/* statefile_load then statefile_trust_anchors: the anchors for a run.
 * *fell_back and msg as for statefile_load; on DP_ENOTFOUND msg says that
 * every key is revoked and a bootstrap is needed. */
int statefile_load_anchors(const char *path, const char *ds_text, int64_t now,
			   val_anchors **out, int *fell_back, char *msg, size_t msglen);

#endif
