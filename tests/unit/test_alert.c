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
	char last_head[4096];
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
		snprintf(s->last_head, sizeof(s->last_head), "%.*s", body ? (int)(body - buf) : 0, buf);
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

/* A set with status st and the ids given (reason "why ID"). */
static void set_of(dp_alert_set *s, const char *st, const char *const *ids)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->status, sizeof(s->status), "%s", st);
	s->present = 1;
	for (; ids != NULL && *ids != NULL; ids++) {
		char why[128];
		snprintf(why, sizeof(why), "why %s", *ids);
		assert_int_equal(dp_alert_set_add(s, *ids, why), DP_OK);
	}
}

static void test_should_post(void **state)
{
	static const char *const a[] = { "dane-fail x.example", NULL };
	static const char *const ab[] = { "dane-fail x.example", "dane-fail y.example", NULL };
	static const char *const b[] = { "dane-fail y.example", NULL };
	dp_alert_set none, ok, w, c1, c2, c3;

	(void)state;
	memset(&none, 0, sizeof(none));            /* no state file yet */
	set_of(&ok, "ok", NULL);
	set_of(&w, "warning", a);
	set_of(&c1, "critical", a);
	set_of(&c2, "critical", ab);
	set_of(&c3, "critical", b);
	assert_false(dp_alert_should_post(&none, &ok));   /* fresh and healthy */
	assert_true(dp_alert_should_post(&none, &w));     /* fresh with a problem */
	assert_true(dp_alert_should_post(NULL, &c1));
	assert_false(dp_alert_should_post(&w, &w));       /* nothing changed */
	assert_true(dp_alert_should_post(&w, &ok));       /* recovery is news */
	assert_true(dp_alert_should_post(&ok, &c1));
	/* Same status word, different problems: news (issue 12). */
	assert_true(dp_alert_should_post(&c1, &c2));
	assert_true(dp_alert_should_post(&c2, &c1));
	assert_true(dp_alert_should_post(&c1, &c3));
	assert_false(dp_alert_should_post(&c2, &c2));
	dp_alert_set_clear(&w);
	dp_alert_set_clear(&c1);
	dp_alert_set_clear(&c2);
	dp_alert_set_clear(&c3);
}

static void test_state_file(void **state)
{
	static const char *const ids[] = { "not-dane-safe 192.0.2.1", "dane-fail x.example", NULL };
	char dir[] = "/tmp/dp-test-alert-XXXXXX", path[256], sub[256], err[256];
	dp_alert_set s, back;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* A state directory that does not exist yet is created. */
	snprintf(path, sizeof(path), "%s/a/b/check.state", dir);
	assert_int_equal(dp_alert_state_load(path, &back), DP_OK);
	assert_false(back.present);
	set_of(&s, "warning", ids);
	assert_int_equal(dp_alert_state_save(path, &s, err, sizeof(err)), DP_OK);
	assert_int_equal(dp_alert_state_load(path, &back), DP_OK);
	assert_true(back.present);
	assert_string_equal(back.status, "warning");
	assert_int_equal(back.n, 2);
	assert_string_equal(back.items[1].id, "dane-fail x.example");
	assert_string_equal(back.items[1].reason, "why dane-fail x.example");
	dp_alert_set_clear(&back);
	/* Corrupt state counts as no state. */
	f = fopen(path, "w");
	fputs("status=WARN!ING\n", f);
	fclose(f);
	assert_int_equal(dp_alert_state_load(path, &back), DP_OK);
	assert_false(back.present);
	/* Under a regular file no directory can be made: DP_EIO. */
	snprintf(sub, sizeof(sub), "%s/check.state/x/check.state", dir);
	snprintf(path, sizeof(path), "%s/check.state", dir);
	f = fopen(path, "w");
	fclose(f);
	assert_int_equal(dp_alert_state_save(sub, &s, err, sizeof(err)), DP_EIO);
	assert_non_null(strstr(err, "cannot create the state directory"));
	dp_alert_set_clear(&s);
	unlink(path);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

static void test_post_on_change_only(void **state)
{
	static const char *const a[] = { "dane-fail x.example", NULL };
	static const char *const b[] = { "dane-fail y.example", NULL };
	char dir[] = "/tmp/dp-test-alert-XXXXXX", path[256], bad[300], url[64], err[256];
	dp_webhook_opts o = { 2000, 0, 10, "Authorization: Bearer s3cret" };
	dp_alert_set prev, ok, w, c1, c2;
	dp_alert_outcome out;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/check.state", dir);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", srv.port);
	set_of(&ok, "ok", NULL);
	set_of(&w, "warning", a);
	set_of(&c1, "critical", a);
	set_of(&c2, "critical", b);

	/* First run, healthy: no POST, state recorded. */
	dp_alert_state_load(path, &prev);
	assert_int_equal(dp_alert_run(path, &prev, &ok, url, "{\"status\":\"ok\"}", &o, &out, err, sizeof(err)), DP_OK);
	assert_false(out.posted);
	assert_int_equal(requests(), 0);
	/* Change: exactly one POST with the body and the header. */
	dp_alert_state_load(path, &prev);
	assert_int_equal(dp_alert_run(path, &prev, &w, url, "{\"status\":\"warning\"}", &o, &out, err, sizeof(err)), DP_OK);
	assert_true(out.posted);
	assert_int_equal(requests(), 1);
	assert_string_equal(srv.last_body, "{\"status\":\"warning\"}");
	assert_non_null(strstr(srv.last_head, "\r\nAuthorization: Bearer s3cret"));
	/* Same status, same problems again: no POST. */
	dp_alert_state_load(path, &prev);
	assert_int_equal(dp_alert_run(path, &prev, &w, url, "{}", &o, &out, err, sizeof(err)), DP_OK);
	assert_false(out.posted);
	assert_int_equal(requests(), 1);
	dp_alert_set_clear(&prev);

	/* The webhook fails (HTTP 500, retried): the state stays "warning",
	 * so the next run tries again. */
	srv.status = 500;
	o.retries = 2;
	dp_alert_state_load(path, &prev);
	assert_int_equal(dp_alert_run(path, &prev, &c1, url, "{}", &o, &out, err, sizeof(err)), DP_EPROTO);
	assert_false(out.posted);
	assert_true(out.post_failed);
	assert_int_equal(requests(), 1 + 3);
	assert_non_null(strstr(err, "HTTP status 500"));
	assert_null(strstr(err, "s3cret"));
	dp_alert_set_clear(&prev);
	dp_alert_state_load(path, &prev);
	assert_string_equal(prev.status, "warning");
	/* It recovers: the change is delivered now. */
	srv.status = 204;
	assert_int_equal(dp_alert_run(path, &prev, &c1, url, "{}", &o, &out, err, sizeof(err)), DP_OK);
	assert_true(out.posted);
	dp_alert_set_clear(&prev);
	/* Same status word, another failing destination: a POST. */
	dp_alert_state_load(path, &prev);
	assert_string_equal(prev.status, "critical");
	assert_int_equal(dp_alert_run(path, &prev, &c2, url, "{}", &o, &out, err, sizeof(err)), DP_OK);
	assert_true(out.posted);
	assert_int_equal(requests(), 6);
	dp_alert_set_clear(&prev);

	/* An unwritable state: nothing posted, however often it runs. */
	snprintf(bad, sizeof(bad), "%s/check.state/sub/check.state", dir);
	for (int run = 0; run < 3; run++) {
		dp_alert_state_load(bad, &prev);
		assert_int_equal(dp_alert_run(bad, &prev, &c1, url, "{}", &o, &out, err, sizeof(err)), DP_EIO);
		assert_true(out.state_failed);
		assert_false(out.posted);
		dp_alert_set_clear(&prev);
	}
	assert_int_equal(requests(), 6);

	/* A 4xx is not retried. */
	srv.status = 404;
	int before = requests();
	dp_alert_state_load(path, &prev);
	assert_int_equal(dp_alert_run(path, &prev, &ok, url, "{}", &o, &out, err, sizeof(err)), DP_EPROTO);
	assert_int_equal(requests(), before + 1);
	srv.status = 200;
	dp_alert_set_clear(&prev);
	dp_alert_set_clear(&w);
	dp_alert_set_clear(&c1);
	dp_alert_set_clear(&c2);
	unlink(path);
	rmdir(dir);
}

static void test_header_file(void **state)
{
	char dir[] = "/tmp/dp-test-alert-XXXXXX", path[256], buf[256], err[256];
	static const struct { const char *text; int rc; } rows[] = {
		{ "Authorization: Bearer abc\n", DP_OK },
		{ "X-Token: 1\r\n", DP_OK },
		{ "no colon here\n", DP_EINVAL },
		{ ": empty name\n", DP_EINVAL },
		{ "Bad Name: x\n", DP_EINVAL },
		{ "A: b\nX-Smuggled: c\n", DP_EINVAL },
	};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/h", dir);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		FILE *f = fopen(path, "w");
		fputs(rows[i].text, f);
		fclose(f);
		assert_int_equal(dp_webhook_header_load(path, buf, sizeof(buf), err, sizeof(err)), rows[i].rc);
	}
	unlink(path);
	assert_int_equal(dp_webhook_header_load(path, buf, sizeof(buf), err, sizeof(err)), DP_EIO);
	rmdir(dir);
}

static void test_post_errors(void **state)
{
	char err[256];
	dp_webhook_opts o = { 500, 1, 10, NULL };

	(void)state;
	/* Nothing listens on port 1 of 127.0.0.1. */
	assert_int_equal(dp_webhook_post("http://127.0.0.1:1/x", "{}", &o, err, sizeof(err)), DP_ENET);
	assert_non_null(strstr(err, "attempt 2 of 2"));
	assert_int_equal(dp_webhook_post("file:///etc/passwd", "{}", &o, err, sizeof(err)), DP_EINVAL);
	assert_int_equal(dp_webhook_post("gopher://x/", "{}", &o, err, sizeof(err)), DP_EINVAL);
	/* Retries are bounded: 50 asked, 5 done (6 attempts). */
	o.retries = 50;
	o.backoff_ms = 1;
	assert_int_equal(dp_webhook_post("http://127.0.0.1:1/x", "{}", &o, err, sizeof(err)), DP_ENET);
	assert_non_null(strstr(err, "attempt 6 of 6"));
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
		cmocka_unit_test(test_header_file),
		cmocka_unit_test(test_post_errors),
		cmocka_unit_test(test_prometheus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
