/*
 * verify_out.c - bulk verify output in input order, the progress bar and
 * the summary (verify_out.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "probe/cli/verify_out.h"
#include "probe/report/textout.h"

/* A slot's buffer: at least this, and given back after a report longer
 * than VERIFY_OUT_KEEP (reports are 0.5 to 3 KB; a trace is longer). */
#define VERIFY_OUT_MIN 2048
#define VERIFY_OUT_KEEP (16 * 1024)

int verify_out_init(verify_out *o, size_t n, size_t window, int progress)
{
	memset(o, 0, sizeof *o);
	o->n = n;
	o->window = window > 0 ? window : 1;
	o->progress = progress;
	o->to = stdout;
	clock_gettime(CLOCK_MONOTONIC, &o->start);
	if (pthread_cond_init(&o->turn, NULL) != 0) {
		o->window = 0;          /* nothing for verify_out_free */
		return -1;
	}
	o->buf = calloc(o->window, sizeof *o->buf);
	o->len = calloc(o->window, sizeof *o->len);
	o->cap = calloc(o->window, sizeof *o->cap);
	o->ready = calloc(o->window, 1);
	if (o->buf == NULL || o->len == NULL || o->cap == NULL || o->ready == NULL) {
		verify_out_free(o);
		return -1;
	}
	return 0;
}

void verify_out_free(verify_out *o)
{
	for (size_t i = 0; o->buf != NULL && i < o->window; i++)
		free(o->buf[i]);
	free(o->buf);
	free(o->len);
	free(o->cap);
	free(o->ready);
	o->buf = NULL;
	o->len = NULL;
	o->cap = NULL;
	o->ready = NULL;
	if (o->window > 0)
		pthread_cond_destroy(&o->turn);
	o->window = 0;
}

size_t verify_out_take(verify_out *o, pthread_mutex_t *mu)
{
	/* Domain handed - W shares its slot: it must be written first. */
	while (o->handed < o->n && o->handed >= o->next + o->window)
		pthread_cond_wait(&o->turn, mu);
	return o->handed < o->n ? o->handed++ : o->n;
}

void verify_out_bar(char *buf, size_t len, size_t done, size_t n, double elapsed, int width)
{
	char tail[128], eta[32] = "ETA -:--";
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	int bar;

	if (rate > 0) {
		long s = (long)((double)(n - done) / rate + 0.5);
		snprintf(eta, sizeof eta, "ETA %ld:%02ld", s / 60, s % 60);
	}
	snprintf(tail, sizeof tail, " %zu/%zu %3d%% %.1f/s %s", done, n,
		 n ? (int)(done * 100 / n) : 100, rate, eta);
	bar = width - 1 - (int)strlen(tail) - 2;     /* a column free: no wrap */
	if (bar > 40)
		bar = 40;
	if (bar < 5) {
		snprintf(buf, len, "%s", tail + 1);
		return;
	}
	{
		int filled = n ? (int)(done * (size_t)bar / n) : bar;
		snprintf(buf, len, "[%.*s%*s]%s", filled,
			 "########################################", bar - filled, "", tail);
	}
}

static void verify_out_draw(verify_out *o)
{
	struct timespec now;
	struct winsize ws;
	char line[256];
	int width = 80;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		width = ws.ws_col;
	clock_gettime(CLOCK_MONOTONIC, &now);
	verify_out_bar(line, sizeof line, o->done, o->n, (double)(now.tv_sec - o->start.tv_sec)
		       + (double)(now.tv_nsec - o->start.tv_nsec) / 1e9, width);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	o->bar_drawn = 1;
}

static void verify_out_clear_bar(verify_out *o)
{
	if (o->bar_drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		o->bar_drawn = 0;
	}
}

/* Report i into its slot.  The slot keeps its buffer from report to
 * report, and the worker's own buffer is freed here, by the thread that
 * allocated it: when the thread writing the reports freed them all,
 * glibc's per-thread caches of freed blocks kept collecting blocks of
 * other threads, and peak RSS grew with the length of the list (issue
 * 16).  With no memory for a larger slot buffer, the slot takes the
 * worker's buffer itself, as it did before: no report is lost. */
static void verify_out_keep(verify_out *o, size_t slot, char *buf, size_t len)
{
	if (buf == NULL)
		len = 0;
	o->len[slot] = len;
	if (len > o->cap[slot]) {
		size_t cap = len < VERIFY_OUT_MIN ? VERIFY_OUT_MIN : len;
		char *nb = realloc(o->buf[slot], cap);

		if (nb == NULL) {
			free(o->buf[slot]);
			o->buf[slot] = buf;
			o->cap[slot] = len;
			return;
		}
		o->buf[slot] = nb;
		o->cap[slot] = cap;
	}
	if (len > 0)
		memcpy(o->buf[slot], buf, len);
	free(buf);
}

void verify_out_put(verify_out *o, size_t i, char *buf, size_t len, rv_outcome oc)
{
	size_t slot = i % o->window;

	if (i >= o->n || i < o->next || i >= o->next + o->window || o->ready[slot]) {
		free(buf);       /* not handed out by verify_out_take */
		return;
	}
	verify_out_keep(o, slot, buf, len);
	o->ready[slot] = 1;
	if (++o->held > o->held_max)
		o->held_max = o->held;
	o->done++;
	o->count[oc < RV_N ? oc : RV_ERROR]++;
	if (o->ready[o->next % o->window])
		verify_out_clear_bar(o);
	while (o->next < o->n && o->ready[slot = o->next % o->window]) {
		if (o->len[slot] > 0)
			fwrite(o->buf[slot], 1, o->len[slot], o->to);
		if (o->cap[slot] > VERIFY_OUT_KEEP) {
			/* a long report (a trace): its buffer does not stay */
			free(o->buf[slot]);
			o->buf[slot] = NULL;
			o->cap[slot] = 0;
		}
		o->ready[slot] = 0;
		o->held--;
		o->next++;
		pthread_cond_broadcast(&o->turn);
	}
	fflush(o->to);
	if (o->progress)
		verify_out_draw(o);
}

void verify_out_finish(verify_out *o, FILE *f, int summary, const char *policy)
{
	char *text = NULL;
	size_t tlen = 0;
	FILE *m;

	verify_out_clear_bar(o);
	if (!summary || (m = open_memstream(&text, &tlen)) == NULL)
		return;
	fprintf(m, "summary: %zu domain%s (%s):", o->n, o->n == 1 ? "" : "s", policy);
	for (int k = 0, first = 1; k < RV_N; k++)
		if (o->count[k] > 0) {
			fprintf(m, "%s %zu %s", first ? "" : ",", o->count[k], report_outcome_name((rv_outcome)k));
			first = 0;
		}
	fclose(m);
	dp_text_wrap(f, 0, 2, text);
	fflush(f);
	free(text);
}
