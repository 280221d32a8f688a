/*
 * verify_src.h - the domains of a `verify` run, in order: each
 * --from-file FILE, then the command line's domains (or, with none,
 * Postfix's).  A file is read through once when the options are parsed
 * (every line checked, the run refused on a bad one, as before) and read
 * again while the workers run, one domain at a time: memory stays flat
 * in the length of the list (issue 16: 100,000 names held 4 MB).  Stdin
 * cannot be read twice: it is kept in memory, as the command line is.
 * Not locked: the caller holds its pool's mutex around verify_src_next.
 */
#ifndef DP_VERIFY_SRC_H
#define DP_VERIFY_SRC_H

#include <stddef.h>
#include "probe/util/lines.h"

typedef struct verify_src_item {
	char *path;               /* a file read again at run time; NULL: in memory */
	size_t n;                 /* its domains */
	size_t mem_off;           /* in memory: the first in mem[] */
} verify_src_item;

typedef struct verify_src {
	verify_src_item *items;
	size_t n_items;
	char **mem;               /* the domains kept in memory, in order */
	size_t n_mem, cap_mem;
	size_t total;             /* every item's domains */
	/* reading */
	size_t cur, pos;          /* item, and domains given from it */
	FILE *f;
	dp_lines_stream s;
} verify_src;

/* Add the domains of path ("-": stdin).  keep: into memory (the pictures
 * need the whole list at once).  0, or -1 with the reason in err. */
int verify_src_file(verify_src *v, const char *path, int keep, char *err, size_t errlen);
/* Add one domain, in memory.  0, or -1 out of memory. */
int verify_src_add(verify_src *v, const char *domain);
/* The domains in memory from index `from` on become an item (after
 * something appended them to v->mem directly: Postfix's list). */
int verify_src_adopt(verify_src *v, size_t from);
/* The next domain (malloced: the caller frees), NULL after the last
 * one; NULL with *changed set when a file no longer reads as it did when
 * it was counted, or out of memory (err says which). */
char *verify_src_next(verify_src *v, int *changed, char *err, size_t errlen);
void verify_src_free(verify_src *v);

#endif
