/*
 * rewrite.h - byte-preserving configuration rewrites and unified diffs (SPEC section 6, section 10).
 *
 * `order --write` must change only the priority numbers: every other
 * byte of the file, comments and odd spacing included, stays as it was.
 * So the rewrite is a list of byte-range edits on the original text, not
 * a re-serialisation of the parsed YAML.
 */
#ifndef DP_REWRITE_H
#define DP_REWRITE_H

#include <stddef.h>
#include "validator/dp_err.h"

/* Replace the number inside text[start, end) by value.  The range is a
 * YAML scalar as the parser reports it; quotes, if the range includes
 * them, are kept, and only the digits (with an optional sign) change. */
typedef struct dp_prio_edit {
	size_t start, end;
	int value;
} dp_prio_edit;

/* Apply n non-overlapping edits to text.  *out malloced (NUL-terminated,
 * *outlen bytes without the NUL); written only on success.  DP_EINVAL
 * when a range is out of the text, overlaps another or holds no single
 * number. */
int dp_rewrite_priorities(const char *text, size_t len, const dp_prio_edit *edits,
			  size_t n, char **out, size_t *outlen);

/* Reorder the "nameserver" lines of a resolv.conf: the k-th nameserver
 * line becomes the line of order[k] (addresses as dp_resolvers_effective
 * gives them: bare IPv4, [IPv6], optional :53).  Every other line stays
 * where it is.  Nameserver lines whose address is not in order keep
 * their slots after the ordered ones.  *out as above. */
int dp_rewrite_resolv_conf(const char *text, size_t len, const char *const *order,
			   size_t n, char **out, size_t *outlen);

/* The nameserver addresses of a resolv.conf text, in order, as
 * dp_resolvers_effective gives them (IPv6 in brackets).  *out is a
 * malloced array of malloced strings (dp_strings_free).  Returns the
 * count, or (size_t)-1 when out of memory. */
size_t dp_resolv_conf_parse(const char *text, size_t len, char ***out);
void dp_strings_free(char **v, size_t n);

/* Unified diff (3 lines of context) from a to b, with "--- a_label" and
 * "+++ b_label" headers.  *out malloced; "" when the texts are equal. */
int dp_unified_diff(const char *a_label, const char *a, size_t alen,
		    const char *b_label, const char *b, size_t blen, char **out);

#endif
