/*
 * verify_out.h - the output of a bulk `verify` run (issue 13): reports
 * are written in input order whatever order the workers finish in (two
 * runs can be diffed; -j 64 gives the bytes -j 1 gives), with a progress
 * bar (rate, ETA) on a terminal's stderr and a final count by outcome.
 *
 * Memory is bounded by a window of W reports, not by the run: a worker
 * is handed domain i only once domain i - W has been written
 * (verify_out_take), so one slow domain holds back at most W - 1 finished
 * reports instead of the whole rest of the list.
 *
 * Not locked: the caller holds its pool's mutex around each call.
 */
#ifndef DP_VERIFY_OUT_H
#define DP_VERIFY_OUT_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include "probe/report/report_verify_words.h"

typedef struct verify_out {
	size_t n;                 /* domains in the run */
	size_t next;              /* the next index to write */
	size_t handed;            /* the next index to hand to a worker */
	size_t window;            /* W: reports in flight or waiting, at most */
	size_t done;
	char **buf;               /* a ring of W slots (index % W): finished */
	size_t *len;              /* reports waiting for their turn */
	size_t *cap;              /* each slot's buffer, kept from report to report */
	unsigned char *ready;
	size_t held, held_max;    /* reports waiting now, and at most */
	FILE *to;                 /* where reports go (stdout) */
	pthread_cond_t turn;      /* signalled when next moves on */
	size_t count[RV_N];       /* outcomes so far */
	int progress;             /* draw the bar on stderr */
	int bar_drawn;
	struct timespec start;
} verify_out;

/* n domains, a window of W reports (at least 1; a few times the number
 * of workers keeps them all busy while one domain is slow).  0, or -1
 * out of memory. */
int verify_out_init(verify_out *o, size_t n, size_t window, int progress);
/* The index of the next domain to check, or n when none is left.  Waits
 * (mu held, as every call here) while it is W or more ahead of the first
 * report not yet written. */
size_t verify_out_take(verify_out *o, pthread_mutex_t *mu);
/* Report i is done (buf malloced or NULL; copied into its slot and freed
 * here, so call it on the thread that allocated buf), with its outcome:
 * write every report that is now next in line, redraw the bar, wake the
 * workers verify_out_take holds back. */
void verify_out_put(verify_out *o, size_t i, char *buf, size_t len, rv_outcome oc);
/* Clear the bar; with summary, "summary: N domains: ..." to f. */
void verify_out_finish(verify_out *o, FILE *f, int summary, const char *policy);
void verify_out_free(verify_out *o);

/* The bar for done of n after elapsed seconds, fitted to width columns
 * (pure, for the unit test): "[####    ] 120/1000 12% 35.2/s ETA 0:25". */
void verify_out_bar(char *buf, size_t len, size_t done, size_t n, double elapsed, int width);

#endif
