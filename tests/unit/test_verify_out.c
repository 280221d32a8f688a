/* test_verify_out.c - bulk verify's output (probe/cli/verify_out.c,
 * issue 13): reports in input order whatever order the workers finish
 * in, and memory bounded by the window when one domain is slow: no
 * worker is handed domain i + W while domain i is not written. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "probe/cli/verify_out.h"

#define N_DOMAINS 40
#define WINDOW 4
#define WORKERS 3

typedef struct pool {
	verify_out out;
	pthread_mutex_t mu;
	pthread_cond_t go;
	int release;              /* domain 0 may finish */
} pool;

static char *report_for(size_t i, size_t *len)
{
	char *s = malloc(32);

	if (s != NULL)
		*len = (size_t)snprintf(s, 32, "report %zu\n", i);
	return s;
}

/* Put report i (made first: the order in which a call's arguments are
 * evaluated is unspecified, so len must be set before the call). */
static void put_report(verify_out *o, size_t i, rv_outcome oc)
{
	size_t len = 0;
	char *r = report_for(i, &len);

	verify_out_put(o, i, r, len, oc);
}

/* A worker as cmd_verify's: take, check (domain 0 is the slow one: it
 * waits for the test to release it), put. */
static void *worker(void *arg)
{
	pool *p = arg;

	for (;;) {
		size_t i, len = 0;
		char *r;

		pthread_mutex_lock(&p->mu);
		i = verify_out_take(&p->out, &p->mu);
		while (i == 0 && !p->release)
			pthread_cond_wait(&p->go, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (i >= N_DOMAINS)
			return NULL;
		r = report_for(i, &len);
		pthread_mutex_lock(&p->mu);
		verify_out_put(&p->out, i, r, len, RV_SUCCESS);
		pthread_mutex_unlock(&p->mu);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Domain 0 stalls: the others finish W - 1 domains, then wait; nothing
 * past the window is handed out or held.  Released, every report comes
 * out in input order. */
static void test_slow_domain_bounded(void **state)
{
	pool p;
	pthread_t t[WORKERS];
	char *text = NULL, want[N_DOMAINS * 16] = "";
	size_t tlen = 0, handed = 0, done = 0;
	FILE *mem = open_memstream(&text, &tlen);

	(void)state;
	assert_non_null(mem);
	memset(&p, 0, sizeof p);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.go, NULL);
	assert_int_equal(verify_out_init(&p.out, N_DOMAINS, WINDOW, 0), 0);
	p.out.to = mem;
	for (int k = 0; k < WORKERS; k++)
		assert_int_equal(pthread_create(&t[k], NULL, worker, &p), 0);
	/* Up to 5 s for the others to run into the window. */
	for (int tries = 0; tries < 500 && done < WINDOW - 1; tries++) {
		sleep_ms(10);
		pthread_mutex_lock(&p.mu);
		done = p.out.done;
		pthread_mutex_unlock(&p.mu);
	}
	sleep_ms(100);    /* time enough to run further, were they let */
	pthread_mutex_lock(&p.mu);
	handed = p.out.handed;
	done = p.out.done;
	assert_int_equal(p.out.next, 0);
	assert_int_equal(p.out.held, WINDOW - 1);
	p.release = 1;
	pthread_cond_broadcast(&p.go);
	pthread_mutex_unlock(&p.mu);
	assert_int_equal(handed, WINDOW);
	assert_int_equal(done, WINDOW - 1);
	for (int k = 0; k < WORKERS; k++)
		pthread_join(t[k], NULL);
	assert_int_equal(p.out.done, N_DOMAINS);
	assert_int_equal(p.out.next, N_DOMAINS);
	assert_true(p.out.held_max <= WINDOW);
	fclose(mem);
	for (size_t i = 0; i < N_DOMAINS; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want), "report %zu\n", i);
	assert_string_equal(text, want);
	free(text);
	verify_out_free(&p.out);
	pthread_cond_destroy(&p.go);
	pthread_mutex_destroy(&p.mu);
}

/* A report for an index not handed out (or handed twice) is dropped,
 * not written over another's slot. */
static void test_put_outside_window(void **state)
{
	verify_out o;
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	char *text = NULL;
	size_t tlen = 0;
	FILE *mem = open_memstream(&text, &tlen);

	(void)state;
	assert_int_equal(verify_out_init(&o, 10, 2, 0), 0);
	o.to = mem;
	pthread_mutex_lock(&mu);
	assert_int_equal(verify_out_take(&o, &mu), 0);
	assert_int_equal(verify_out_take(&o, &mu), 1);
	put_report(&o, 3, RV_SUCCESS);     /* beyond the window */
	put_report(&o, 1, RV_SUCCESS);
	put_report(&o, 1, RV_SUCCESS);     /* twice */
	assert_int_equal(o.done, 1);
	put_report(&o, 0, RV_SUCCESS);
	for (size_t i = 2; i < 10; i++) {
		assert_int_equal(verify_out_take(&o, &mu), i);
		put_report(&o, i, RV_FAIL);
	}
	assert_int_equal(verify_out_take(&o, &mu), 10);   /* none left */
	pthread_mutex_unlock(&mu);
	fflush(mem);
	assert_string_equal(text, "report 0\nreport 1\nreport 2\nreport 3\nreport 4\n"
			    "report 5\nreport 6\nreport 7\nreport 8\nreport 9\n");
	assert_int_equal(o.count[RV_SUCCESS], 2);
	assert_int_equal(o.count[RV_FAIL], 8);
	fclose(mem);
	free(text);
	verify_out_free(&o);
}

/* Each slot keeps one buffer from report to report (the worker's own is
 * freed by verify_out_put, on the worker's thread), except after a long
 * report such as a trace, whose buffer goes; a NULL report writes
 * nothing. */
static void test_slot_buffers(void **state)
{
	verify_out o;
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	char *text = NULL, *big;
	size_t tlen = 0, i;
	FILE *mem = open_memstream(&text, &tlen);

	(void)state;
	assert_int_equal(verify_out_init(&o, 4, 1, 0), 0);
	o.to = mem;
	pthread_mutex_lock(&mu);
	assert_int_equal(verify_out_take(&o, &mu), 0);
	put_report(&o, 0, RV_SUCCESS);
	assert_non_null(o.buf[0]);                  /* kept for the next */
	char *kept = o.buf[0];
	assert_int_equal(verify_out_take(&o, &mu), 1);
	put_report(&o, 1, RV_SUCCESS);
	assert_ptr_equal(o.buf[0], kept);           /* the same buffer */
	assert_int_equal(verify_out_take(&o, &mu), 2);
	big = malloc(40000);
	assert_non_null(big);
	memset(big, 'x', 39999);
	big[39999] = '\n';
	verify_out_put(&o, 2, big, 40000, RV_SUCCESS);
	assert_null(o.buf[0]);                      /* a long report's goes */
	assert_int_equal(o.cap[0], 0);
	assert_int_equal(verify_out_take(&o, &mu), 3);
	verify_out_put(&o, 3, NULL, 0, RV_ERROR);
	pthread_mutex_unlock(&mu);
	fflush(mem);
	assert_int_equal(tlen, strlen("report 0\nreport 1\n") + 40000);
	assert_memory_equal(text, "report 0\nreport 1\nxxx", 21);
	for (i = 18; i < 18 + 39999; i++)
		if (text[i] != 'x')
			fail_msg("byte %zu of the long report", i);
	assert_int_equal(o.count[RV_ERROR], 1);
	fclose(mem);
	free(text);
	verify_out_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slow_domain_bounded),
		cmocka_unit_test(test_put_outside_window),
		cmocka_unit_test(test_slot_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
