/* test_alert.c - webhook state logic against a local HTTP server thread
 * on 127.0.0.1, retries, and the Prometheus text format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "probe/net/alert.h"
#include "probe/util/rewrite.h"
#include "validator/dp_err.h"
#include "probe/util/fileio.h"
#include "probe/report/prom.h"

/* ---- a tiny HTTP server: counts requests, answers with `status` ---- */

typedef struct server {
	int fd, port, status;
	int requests;
	char last_body[4096];
	pthread_t th;
	pthread_mutex_t mu;
} server;

static void *serve(void *arg)
{
	server *s = arg;

	for (;;) {
		int c = accept(s->fd, NULL, NULL);
		char buf[8192], resp[128];
		size_t got = 0;
		ssize_t r;

		if (c < 0)
			return NULL;
		/* Read headers, then Content-Length bytes of body. */
		while (got < sizeof(buf) - 1 && (r = read(c, buf + got, sizeof(buf) - 1 - got)) > 0) {
			got += (size_t)r;
			buf[got] = '\0';
			char *end = strstr(buf, "\r\n\r\n"), *cl = strcasestr(buf, "Content-Length:");
			if (end && (!cl || got - (size_t)(end + 4 - buf) >= (size_t)atoi(cl + 15)))
				break;
		}
		buf[got] = '\0';
		pthread_mutex_lock(&s->mu);
		s->requests++;
		char *body = strstr(buf, "\r\n\r\n");
		snprintf(s->last_body, sizeof(s->last_body), "%s", body ? body + 4 : "");
		int status = s->status;
		pthread_mutex_unlock(&s->mu);
		int n = snprintf(resp, sizeof(resp), "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", status);
		if (write(c, resp, (size_t)n) < 0) {
			/* the client may be gone; nothing to do */
		}
		close(c);
	}
}

static server srv;

static int server_start(void **state)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);

	(void)state;
	memset(&srv, 0, sizeof(srv));
	pthread_mutex_init(&srv.mu, NULL);
	srv.status = 200;
	srv.fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (srv.fd < 0 || bind(srv.fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(srv.fd, 8) < 0
	    || getsockname(srv.fd, (struct sockaddr *)&a, &al) < 0)
		return -1;
	srv.port = ntohs(a.sin_port);
	return pthread_create(&srv.th, NULL, serve, &srv) == 0 ? 0 : -1;
}

static int server_stop(void **state)
{
	(void)state;
	shutdown(srv.fd, SHUT_RDWR);
	close(srv.fd);
	pthread_join(srv.th, NULL);
	return 0;
}

static int requests(void)
{
	pthread_mutex_lock(&srv.mu);
	int n = srv.requests;
	pthread_mutex_unlock(&srv.mu);
	return n;
}

/* ---- tests ---- */

static void test_should_post(void **state)
{
	(void)state;
	assert_false(dp_alert_should_post("", "ok"));        /* fresh and healthy */
	assert_true(dp_alert_should_post("", "warning"));    /* fresh with a problem */
	assert_true(dp_alert_should_post(NULL, "critical"));
	assert_false(dp_alert_should_post("warning", "warning"));
	assert_true(dp_alert_should_post("warning", "ok"));  /* recovery is news */
	assert_true(dp_alert_should_post("ok", "critical"));
}

static void test_state_file(void **state)
{
	char dir[] = "/tmp/dp-test-alert-XXXXXX", path[256], buf[32], err[256];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/check.state", dir);
	dp_alert_state_read(path, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_int_equal(dp_alert_state_write(path, "warning", err, sizeof(err)), DP_OK);
	dp_alert_state_read(path, buf, sizeof(buf));
	assert_string_equal(buf, "warning");
	/* Corrupt state counts as no state. */
	f = fopen(path, "w");
	fputs("status=WARN!ING\n", f);
	fclose(f);
	dp_alert_state_read(path, buf, sizeof(buf));
	assert_string_equal(buf, "");
	unlink(path);
	rmdir(dir);
}

static void test_post_on_change_only(void **state)
{
	char dir[] = "/tmp/dp-test-alert-XXXXXX", path[256], url[64], err[256];
	dp_webhook_opts o = { 2000, 0, 10 };
	int posted;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/check.state", dir);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", srv.port);

	/* First run, healthy: no POST, state recorded. */
	assert_int_equal(dp_alert_run(path, "ok", url, "{\"status\":\"ok\"}", &o, &posted, err, sizeof(err)), DP_OK);
	assert_false(posted);
	assert_int_equal(requests(), 0);
	/* Change: exactly one POST with the body. */
	assert_int_equal(dp_alert_run(path, "warning", url, "{\"status\":\"warning\"}", &o, &posted, err, sizeof(err)), DP_OK);
	assert_true(posted);
	assert_int_equal(requests(), 1);
	assert_string_equal(srv.last_body, "{\"status\":\"warning\"}");
	/* Same status again: no POST. */
	assert_int_equal(dp_alert_run(path, "warning", url, "{}", &o, &posted, err, sizeof(err)), DP_OK);
	assert_false(posted);
	assert_int_equal(requests(), 1);

	/* The webhook fails (HTTP 500, retried): the state stays "warning",
	 * so the next run tries again. */
	srv.status = 500;
	o.retries = 2;
	assert_int_equal(dp_alert_run(path, "critical", url, "{}", &o, &posted, err, sizeof(err)), DP_EPROTO);
	assert_false(posted);
	assert_int_equal(requests(), 1 + 3);
	assert_non_null(strstr(err, "HTTP status 500"));
	char buf[32];
	dp_alert_state_read(path, buf, sizeof(buf));
	assert_string_equal(buf, "warning");
	/* It recovers: the change is delivered now. */
	srv.status = 204;
	assert_int_equal(dp_alert_run(path, "critical", url, "{}", &o, &posted, err, sizeof(err)), DP_OK);
	assert_true(posted);
	dp_alert_state_read(path, buf, sizeof(buf));
	assert_string_equal(buf, "critical");
	/* A 4xx is not retried. */
	srv.status = 404;
	int before = requests();
	assert_int_equal(dp_alert_run(path, "ok", url, "{}", &o, &posted, err, sizeof(err)), DP_EPROTO);
	assert_int_equal(requests(), before + 1);
	srv.status = 200;
	unlink(path);
	rmdir(dir);
}

static void test_post_errors(void **state)
{
	char err[256];
	dp_webhook_opts o = { 500, 1, 10 };

	(void)state;
	/* Nothing listens on port 1 of 127.0.0.1. */
	assert_int_equal(dp_webhook_post("http://127.0.0.1:1/x", "{}", &o, err, sizeof(err)), DP_ENET);
	assert_non_null(strstr(err, "attempt 2 of 2"));
	assert_int_equal(dp_webhook_post("file:///etc/passwd", "{}", &o, err, sizeof(err)), DP_EINVAL);
	assert_int_equal(dp_webhook_post("gopher://x/", "{}", &o, err, sizeof(err)), DP_EINVAL);
}

static void test_prometheus(void **state)
{
	dp_prom *p = NULL;
	const char *l[] = { "resolver", "192.0.2.1", "name", "we\"ird\\na\nme" };
	char dir[] = "/tmp/dp-test-prom-XXXXXX", path[256], err[256], *text;
	size_t len;

	(void)state;
	assert_int_equal(dp_prom_new(&p), DP_OK);
	dp_prom_family(p, "daneprobe_status", "Overall status: 0 ok\nnext");
	dp_prom_sample(p, "daneprobe_status", NULL, 0, 1);
	dp_prom_family(p, "daneprobe_resolver_dane_safe", "DANE-safe");
	dp_prom_sample(p, "daneprobe_resolver_dane_safe", l, 2, 0);
	dp_prom_sample(p, "daneprobe_resolver_dane_safe", l, 1, 0.5);
	assert_string_equal(dp_prom_text(p, NULL),
		"# HELP daneprobe_status Overall status: 0 ok\\nnext\n"
		"# TYPE daneprobe_status gauge\n"
		"daneprobe_status 1\n"
		"# HELP daneprobe_resolver_dane_safe DANE-safe\n"
		"# TYPE daneprobe_resolver_dane_safe gauge\n"
		"daneprobe_resolver_dane_safe{resolver=\"192.0.2.1\",name=\"we\\\"ird\\\\na\\nme\"} 0\n"
		"daneprobe_resolver_dane_safe{resolver=\"192.0.2.1\"} 0.5\n");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/daneprobe.prom", dir);
	assert_int_equal(dp_prom_write(p, path, err, sizeof(err)), DP_OK);
	assert_int_equal(dp_read_file(path, &text, &len, err, sizeof(err)), DP_OK);
	assert_string_equal(text, dp_prom_text(p, NULL));
	free(text);
	unlink(path);
	rmdir(dir);
	dp_prom_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_should_post),
		cmocka_unit_test(test_state_file),
		cmocka_unit_test_setup_teardown(test_post_on_change_only, server_start, server_stop),
		cmocka_unit_test(test_post_errors),
		cmocka_unit_test(test_prometheus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
