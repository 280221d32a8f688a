/*
 * verify_out.h - the output of a bulk `verify` run (issue 13): reports
 * are written in input order whatever order the workers finish in (two
 * runs can be diffed; -j 64 gives the bytes -j 1 gives), with a progress
 * bar (rate, ETA) on a terminal's stderr and a final count by outcome.
 * Not locked: the caller holds its pool's mutex around each call.
 */
#ifndef DP_VERIFY_OUT_H
#define DP_VERIFY_OUT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include "probe/report/report_verify_words.h"

typedef struct verify_out {
	size_t n;                 /* domains in the run */
	size_t next;              /* the next index to write */
	size_t done;
	char **buf;               /* finished reports waiting for their turn */
	size_t *len;
	unsigned char *ready;
	size_t count[RV_N];       /* outcomes so far */
	int progress;             /* draw the bar on stderr */
	int bar_drawn;
	struct timespec start;
} verify_out;

/* 0, or -1 out of memory. */
int verify_out_init(verify_out *o, size_t n, int progress);
/* Report i is done (buf malloced or NULL; taken over), with its outcome:
 * write every report that is now next in line, redraw the bar. */
void verify_out_put(verify_out *o, size_t i, char *buf, size_t len, rv_outcome oc);
/* Clear the bar; with summary, "summary: N domains: ..." to f. */
void verify_out_finish(verify_out *o, FILE *f, int summary, const char *policy);
void verify_out_free(verify_out *o);

/* The bar for done of n after elapsed seconds, fitted to width columns
 * (pure, for the unit test): "[####    ] 120/1000 12% 35.2/s ETA 0:25". */
void verify_out_bar(char *buf, size_t len, size_t done, size_t n, double elapsed, int width);

#endif
