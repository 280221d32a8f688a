/*
 * battery.c - the probe battery: the task pool and local validation
 * through each resolver (the direct-query tests are in battery_tests.c,
 * the ground truth and the verdicts in battery_judge.c).
 *
 * Each test is a small function that asks the resolver directly (RD=1)
 * and writes a pass/fail/skip with one line of detail.  The tests that
 * matter most to DANE (chain, algorithms, nsec3-iterations) validate
 * locally through the resolver with the validator's fetch callback, one
 * val_ctx per task, because a val_ctx is not thread-safe.
 *
 * A resolver that answers neither the udp nor the tcp test is marked
 * dead; queued tasks and further fetches for it stop at once, so a
 * silent address costs one timeout, not one per test.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "probe/battery/battery_int.h"
#include "probe/util/builtin.h"
#include "probe/util/clock.h"

/* ---- local validation through the resolver ---- */

typedef struct fetchw {
	query_fetcher f;
	battery_rstate *S;
	int queries;
} fetchw;

static int fetch_cb(void *arg, const ldns_rdf *name, ldns_rr_type type, ldns_pkt **out)
{
	fetchw *w = arg;

	if (atomic_load(&w->S->dead))
		return DP_ETIMEOUT;
	w->queries++;
	return query_fetch(&w->f, name, type, out);
}

static int ctx_open(battery_rstate *S, const battery_run *R, fetchw *w, val_ctx **ctx)
{
	memset(w, 0, sizeof(*w));
	w->S = S;
	w->f.server = &S->srv;
	w->f.opts.flags = QUERY_RD | QUERY_DO | QUERY_CD;
	w->f.opts.timeout_ms = R->o->timeout_ms;
	return val_ctx_new(ctx, R->o->anchors, R->o->now, fetch_cb, w);
}

/* Validate (name, type); res malloced or NULL on an internal error. */
static val_result *validate(val_ctx *ctx, const char *name, ldns_rr_type type)
{
	ldns_rdf *qn = ldns_dname_new_frm_str(name);
	val_result *res = NULL;

	if (qn == NULL)
		return NULL;
	if (val_resolve(ctx, qn, type, &res) != DP_OK)
		res = NULL;
	ldns_rdf_deep_free(qn);
	return res;
}

static void sub_validate(battery_rstate *S, const battery_run *R, const char *qname, ldns_rr_type type, battery_sub *s)
{
	fetchw w;
	val_ctx *ctx = NULL;
	dp_test scratch;
	query_response r;

	memset(&scratch, 0, sizeof(scratch));
	s->local = VAL_INDETERMINATE;
	s->rcode = -1;
	if (ctx_open(S, R, &w, &ctx) == DP_OK) {
		val_result *v = validate(ctx, qname, type);
		if (v != NULL) {
			s->local = v->status;
			snprintf(s->local_reason, sizeof(s->local_reason), "%.199s", v->reason);
			val_result_free(v);
		}
		val_ctx_free(ctx);
	}
	if (s->local == VAL_INDETERMINATE && strstr(s->local_reason, "timed out") != NULL)
		scratch.err = DP_ETIMEOUT, scratch.queries = 1;
	s->err = bat_ask(S, R, &scratch, qname, type, QUERY_DO, 0, &r);
	if (scratch.queries == 1 && s->err == DP_ETIMEOUT)
		scratch.queries = 0;
	if (s->err == DP_OK) {
		s->rcode = scratch.rcode;
		s->ad = ldns_pkt_ad(r.pkt);
	}
	query_response_clear(&r);
	s->queries = w.queries + scratch.queries;
	s->depth = w.queries + scratch.depth;
	s->done = 1;
}

static void task_alg(battery_rstate *S, const battery_run *R, int k)
{
	sub_validate(S, R, R->names->algs[k].name, LDNS_RR_TYPE_SOA, &S->algs[k]);
}

static void task_iter(battery_rstate *S, const battery_run *R, int k)
{
	char qname[300];

	bat_nx_name(R->names->iters[k].name, qname, sizeof(qname));
	sub_validate(S, R, qname, LDNS_RR_TYPE_A, &S->iters[k]);
}

static dp_obs *obs_add(dp_obs **v, size_t *n)
{
	dp_obs *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return NULL;
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	return &nv[(*n)++];
}

/* Validate one record, and when it is not secure ask it directly with
 * DO+CD to see what the resolver did to it. */
static val_result *observe(battery_rstate *S, const battery_run *R, val_ctx *ctx, size_t k, const char *name,
			   ldns_rr_type type, int has_expect, val_status expect)
{
	val_result *v = validate(ctx, name, type);
	dp_obs *o = obs_add(&S->cobs[k], &S->ncobs[k]);

	if (o == NULL)
		return v;
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->type = type;
	o->has_expect = has_expect;
	o->expect = expect;
	o->status = v ? v->status : VAL_INDETERMINATE;
	o->fetch_error = v ? v->fetch_error : DP_ENOMEM;
	snprintf(o->reason, sizeof(o->reason), "%s", v ? v->reason : "validator failed");
	if (o->status == VAL_BOGUS || (o->status == VAL_INDETERMINATE && o->fetch_error == DP_OK)) {
		dp_test scratch;
		query_response r;

		memset(&scratch, 0, sizeof(scratch));
		o->diag_done = 1;
		o->diag_rcode = -1;
		o->diag_err = bat_ask(S, R, &scratch, name, type, QUERY_DO | QUERY_CD, 0, &r);
		if (o->diag_err == DP_OK) {
			o->diag_rcode = scratch.rcode;
			o->diag_data = bat_count_type(r.pkt, LDNS_SECTION_ANSWER, type) > 0;
			o->diag_rrsig = bat_count_rrsig(r.pkt, LDNS_SECTION_ANSWER, type) > 0;
		}
		query_response_clear(&r);
		S->cdepth[k]++;
		S->cqueries[k]++;
	}
	return v;
}

static void task_chain(battery_rstate *S, const battery_run *R, size_t k)
{
	const dp_probe_names *N = R->names;
	fetchw w;
	val_ctx *ctx = NULL;

	if (ctx_open(S, R, &w, &ctx) != DP_OK)
		return;
	if (k < N->n_dane) {
		val_result *mx = observe(S, R, ctx, k, N->dane[k], LDNS_RR_TYPE_MX, 1, VAL_SECURE);
		ldns_rr_list *rs = mx ? mx->rrset : NULL;
		size_t hosts = 0;
		for (size_t i = 0; rs && i < ldns_rr_list_rr_count(rs) && hosts < MAX_HOSTS; i++) {
			ldns_rr *rr = ldns_rr_list_rr(rs, i);
			char host[256], tl[300];
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX || ldns_rr_rd_count(rr) < 2)
				continue;
			bat_rdf_text(ldns_rr_rdf(rr, 1), host, sizeof(host));
			if (strcmp(host, ".") == 0)
				continue;
			hosts++;
			val_result_free(observe(S, R, ctx, k, host, LDNS_RR_TYPE_A, 0, VAL_SECURE));
			val_result_free(observe(S, R, ctx, k, host, LDNS_RR_TYPE_AAAA, 0, VAL_SECURE));
			snprintf(tl, sizeof(tl), "_25._tcp.%s", host);
			val_result_free(observe(S, R, ctx, k, tl, LDNS_RR_TYPE_TLSA, 0, VAL_SECURE));
		}
		val_result_free(mx);
	} else if (k < N->n_dane + N->n_secure) {
		val_result_free(observe(S, R, ctx, k, N->secure[k - N->n_dane], LDNS_RR_TYPE_A, 1, VAL_SECURE));
	} else {
		val_result_free(observe(S, R, ctx, k, N->insecure[k - N->n_dane - N->n_secure],
					LDNS_RR_TYPE_A, 1, VAL_INSECURE));
	}
	S->cdepth[k] += w.queries;
	S->cqueries[k] += w.queries;
	val_ctx_free(ctx);
}

/* ---- tasks ---- */

static void basic_done(battery_rstate *S, int bit)
{
	dp_test *u = &S->res->tests[DP_T_UDP], *t = &S->res->tests[DP_T_TCP];

	pthread_mutex_lock(&S->mu);
	S->basic_done |= bit;
	if (S->basic_done == 3 && u->result == DP_RES_FAIL && t->result == DP_RES_FAIL
	    && u->rcode < 0 && t->rcode < 0)
		atomic_store(&S->dead, 1);
	pthread_mutex_unlock(&S->mu);
}

static void run_task(battery_run *R, const battery_task *tk)
{
	battery_rstate *S = &R->rs[tk->r];
	dp_test *t = tk->test >= 0 ? &S->res->tests[tk->test] : NULL;

	if (!S->res->parse_ok)
		return;
	switch (tk->test) {
	case DP_T_UDP: bat_plain(S, R, t, QUERY_NOEDNS | QUERY_NO_TCP_FALLBACK, "UDP"); basic_done(S, 1); break;
	case DP_T_TCP: bat_plain(S, R, t, QUERY_NOEDNS | QUERY_TCP, "TCP"); basic_done(S, 2); break;
	case DP_T_EDNS0: bat_edns0(S, R, t); break;
	case DP_T_DO: bat_do_ad(S, R, t, 0); break;
	case DP_T_AD: bat_do_ad(S, R, t, 1); break;
	case DP_T_CD: bat_cd(S, R, t); break;
	case DP_T_DNSKEY: bat_dnskey(S, R, t); break;
	case DP_T_DS: bat_ds(S, R, t); break;
	case DP_T_NSEC: bat_denial(S, R, t, R->names->nsec, LDNS_RR_TYPE_NSEC); break;
	case DP_T_NSEC3: bat_denial(S, R, t, R->names->nsec3, LDNS_RR_TYPE_NSEC3); break;
	case DP_T_TLSA: bat_tlsa(S, R, t); break;
	case DP_T_UNKNOWN_TYPE: bat_unknown(S, R, t); break;
	case DP_T_BOGUS: bat_bogus(S, R, t); break;
	case DP_T_EDNS_SIZE: bat_edns_size(S, R, t); break;
	case DP_T_ALGORITHMS: task_alg(S, R, tk->sub); break;
	case DP_T_NSEC3_ITER: task_iter(S, R, tk->sub); break;
	case DP_T_CHAIN: task_chain(S, R, (size_t)tk->sub); break;
	case DP_T_CLOCK: bat_clock(S, R, t); break;
	default: break;
	}
}

static void *worker(void *arg)
{
	battery_run *R = arg;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&R->mu);
		i = R->next++;
		pthread_mutex_unlock(&R->mu);
		if (i >= R->ntasks)
			break;
		run_task(R, &R->tasks[i]);
	}
	return NULL;
}

/* Longest tasks first, so a limited pool finishes sooner. */
static int build_tasks(battery_run *R)
{
	const dp_probe_names *N = R->names;
	size_t per = R->n_chain + N->n_algs + N->n_iters + DP_T_COUNT;
	size_t k = 0;

	R->tasks = calloc(R->n * per + 1, sizeof(*R->tasks));
	if (R->tasks == NULL)
		return -1;
	for (size_t r = 0; r < R->n; r++)
		for (size_t c = 0; c < R->n_chain; c++)
			R->tasks[k++] = (battery_task){ r, DP_T_CHAIN, (int)c };
	for (size_t r = 0; r < R->n; r++) {
		for (size_t a = 0; a < N->n_algs; a++)
			R->tasks[k++] = (battery_task){ r, DP_T_ALGORITHMS, (int)a };
		for (size_t a = 0; a < N->n_iters; a++)
			R->tasks[k++] = (battery_task){ r, DP_T_NSEC3_ITER, (int)a };
	}
	for (int t = 0; t < DP_T_COUNT; t++)
		for (size_t r = 0; r < R->n; r++)
			if (t != DP_T_CHAIN && t != DP_T_ALGORITHMS && t != DP_T_NSEC3_ITER)
				R->tasks[k++] = (battery_task){ r, t, 0 };
	R->ntasks = k;
	return 0;
}

/* ---- merging sub-tasks ---- */

static void catf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void catf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Algorithms 5, 7 and 10 (RSASHA1, RSASHA1-NSEC3-SHA1, RSASHA512) are
 * reported apart: RFC 8624 deprecates or downgrades them, and crypto
 * policies may refuse them, so their outcome is information, not a fault
 * of the resolver. */
static int alg_apart(int alg)
{
	return alg == 5 || alg == 7 || alg == 10;
}

static void merge_subs(battery_rstate *S, const battery_run *R, int is_alg)
{
	dp_test *t = &S->res->tests[is_alg ? DP_T_ALGORITHMS : DP_T_NSEC3_ITER];
	size_t n = is_alg ? R->names->n_algs : R->names->n_iters;
	int validates = S->res->tests[DP_T_AD].result == DP_RES_PASS, bad = 0, any = 0;
	char line[256] = "";

	if (n == 0) {
		bat_verdict(t, DP_RES_SKIP, "no probe.names.%s configured", is_alg ? "algorithms" : "nsec3_iterations");
		return;
	}
	for (size_t k = 0; k < n; k++) {
		const battery_sub *s = is_alg ? &S->algs[k] : &S->iters[k];
		int key = is_alg ? R->names->algs[k].alg : R->names->iters[k].iterations;
		const char *zone = is_alg ? R->names->algs[k].name : R->names->iters[k].name;
		val_status want = VAL_SECURE;

		if (!s->done)
			continue;
		any = 1;
		if (s->depth > t->depth)
			t->depth = s->depth;
		t->queries += s->queries;
		if (s->rcode >= 0) {
			t->rcode = s->rcode;
			t->err = DP_OK;
		} else if (t->rcode < 0) {
			t->err = s->err;
		}
		catf(line, sizeof(line), "%s%d:%s%s%s", line[0] ? " " : "", key, val_status_str(s->local),
		     s->ad ? "/AD" : "", s->rcode == LDNS_RCODE_SERVFAIL ? "/SERVFAIL" : "");
		if (is_alg) {
			want = val_alg_supported((uint8_t)key) ? VAL_SECURE : VAL_INSECURE;
			if (!alg_apart(key) && s->local != want) {
				bad++;
				bat_add_reason(S->res, 0, "algorithm %d zone %s is %s through this resolver (expected %s): %s",
					   key, zone, val_status_str(s->local), val_status_str(want), s->local_reason);
			}
		} else if (s->local == VAL_BOGUS || s->local == VAL_INDETERMINATE) {
			bad++;
			bat_add_reason(S->res, 0, "NSEC3 zone %s (%d iterations) is %s through this resolver: %s",
				   zone, key, val_status_str(s->local), s->local_reason);
		}
		/* Policy differences between the resolver and the local
		 * validator are worth knowing but are not faults. */
		if (validates && s->local == VAL_SECURE && !s->ad && s->rcode >= 0)
			bat_add_reason(S->res, 0, "note: the resolver does not validate %s %d (%s): no AD where local validation is secure",
				   is_alg ? "algorithm" : "NSEC3 with iterations", key, zone);
		if (s->rcode == LDNS_RCODE_SERVFAIL && s->local != VAL_BOGUS)
			bat_add_reason(S->res, 0, "note: the resolver answers SERVFAIL for %s %d (%s), local validation says %s",
				   is_alg ? "algorithm" : "NSEC3 with iterations", key, zone, val_status_str(s->local));
	}
	if (!any)
		bat_verdict(t, DP_RES_SKIP, "not run");
	else
		bat_verdict(t, bad ? DP_RES_FAIL : DP_RES_PASS, "%s%s", line,
			is_alg ? " (local status/resolver AD; 5,7,10 informational)" : " (local status/resolver AD)");
}

static void merge_chain(battery_rstate *S, const battery_run *R)
{
	dp_resolver_result *res = S->res;
	dp_test *t = &res->tests[DP_T_CHAIN];

	for (size_t k = 0; k < R->n_chain; k++) {
		if (S->cdepth[k] > t->depth)
			t->depth = S->cdepth[k];
		t->queries += S->cqueries[k];
		for (size_t i = 0; i < S->ncobs[k]; i++) {
			dp_obs *o = obs_add(&res->obs, &res->n_obs);
			if (o != NULL)
				*o = S->cobs[k][i];
		}
	}
}

/* ---- the run ---- */

static void rstate_free(battery_rstate *S, size_t n_chain)
{
	for (size_t k = 0; S->cobs && k < n_chain; k++)
		free(S->cobs[k]);
	free(S->cobs);
	free(S->ncobs);
	free(S->cdepth);
	free(S->cqueries);
	pthread_mutex_destroy(&S->mu);
}

/* One resolver's state and the result it fills; -1 when out of memory
 * (what was allocated is freed by rstate_free). */
static int rstate_init(battery_rstate *S, dp_resolver_result *res, const dp_probe_target *target,
		       size_t n_chain)
{
	size_t nc = n_chain ? n_chain : 1;

	pthread_mutex_init(&S->mu, NULL);
	S->res = res;
	snprintf(res->address, sizeof(res->address), "%s", target->address);
	snprintf(res->name, sizeof(res->name), "%s", target->name ? target->name : "");
	res->priority = target->priority;
	res->trusted_path = target->trusted_path;
	res->parse_ok = dp_addr_parse(target->address, &S->srv) == DP_OK;
	for (int t = 0; t < DP_T_COUNT; t++) {
		res->tests[t].rtt_ms = -1;
		res->tests[t].rcode = -1;
	}
	S->cobs = calloc(nc, sizeof(*S->cobs));
	S->ncobs = calloc(nc, sizeof(*S->ncobs));
	S->cdepth = calloc(nc, sizeof(*S->cdepth));
	S->cqueries = calloc(nc, sizeof(*S->cqueries));
	return S->cobs && S->ncobs && S->cdepth && S->cqueries ? 0 : -1;
}

/* Run every task on up to o->jobs threads (at most 512, never more than
 * there are tasks); in this thread when one is enough or none starts.
 * -1 when out of memory. */
static int run_workers(battery_run *R)
{
	pthread_t *th;
	pthread_attr_t attr;
	size_t nth, started = 0;

	nth = R->o->jobs > 0 ? (size_t)R->o->jobs : R->ntasks;
	if (nth > R->ntasks)
		nth = R->ntasks;
	if (nth > 512)
		nth = 512;
	if (nth <= 1) {
		worker(R);
		return 0;
	}
	th = calloc(nth, sizeof(*th));
	if (th == NULL)
		return -1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	for (; started < nth; started++)
		if (pthread_create(&th[started], &attr, worker, R) != 0)
			break;
	pthread_attr_destroy(&attr);
	if (started == 0)
		worker(R);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	return 0;
}

int dp_probe_run(const dp_probe_target *targets, size_t n, const dp_probe_names *names,
		 const dp_probe_opts *o, dp_resolver_result **out)
{
	battery_run R;
	dp_resolver_result *res;
	int rc = DP_ENOMEM;

	if (n == 0 || names == NULL || o == NULL)
		return DP_EINVAL;
	memset(&R, 0, sizeof(R));
	R.names = names;
	R.o = o;
	R.n = n;
	R.n_chain = names->n_dane + names->n_secure + names->n_insecure;
	pthread_mutex_init(&R.mu, NULL);
	res = calloc(n, sizeof(*res));
	R.rs = calloc(n, sizeof(*R.rs));
	if (res == NULL || R.rs == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (rstate_init(&R.rs[i], &res[i], &targets[i], R.n_chain) < 0)
			goto fail;
	if (build_tasks(&R) < 0 || run_workers(&R) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		merge_subs(&R.rs[i], &R, 1);
		merge_subs(&R.rs[i], &R, 0);
		merge_chain(&R.rs[i], &R);
	}
	dp_probe_judge(res, n);
	dp_client_judge(res, n, o->client);
	*out = res;
	res = NULL;
	rc = DP_OK;
fail:
	for (size_t i = 0; R.rs && i < n; i++)
		rstate_free(&R.rs[i], R.n_chain ? R.n_chain : 1);
	free(R.rs);
	free(R.tasks);
	pthread_mutex_destroy(&R.mu);
	if (res != NULL)
		dp_probe_results_free(res, n);
	return rc;
}

void dp_probe_results_free(dp_resolver_result *r, size_t n)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < r[i].n_reasons; k++)
			free(r[i].reasons[k]);
		free(r[i].reasons);
		free(r[i].obs);
	}
	free(r);
}

/* ---- names ---- */

static void names_map(const dp_config *c, const char *path, int is_alg, dp_probe_names *out)
{
	const dp_ynode *m = dp_config_get(c, path);

	if (m == NULL || m->type != DP_YMAP)
		return;
	for (size_t i = 0; i < m->n_items; i++) {
		const dp_ynode *v = m->items[i];
		char *end;
		long key;

		if (v->type != DP_YSCALAR || v->key == NULL)
			continue;
		key = strtol(v->key, &end, 10);
		if (*end != '\0' || key < 0 || key > 65535)
			continue;
		if (is_alg && out->n_algs < DP_NAMES_MAX_MAP) {
			out->algs[out->n_algs].alg = (int)key;
			out->algs[out->n_algs++].name = v->value;
		} else if (!is_alg && out->n_iters < DP_NAMES_MAX_MAP) {
			out->iters[out->n_iters].iterations = (int)key;
			out->iters[out->n_iters++].name = v->value;
		}
	}
}

int dp_probe_names_load(const dp_config *cfg, const char *defaults_yaml,
			dp_probe_names *out, char *err, size_t errlen)
{
	const dp_config *c = cfg;

	memset(out, 0, sizeof(*out));
	/* A config with its own probe.names uses only those: mixing in the
	 * Internet defaults would send a lab's probes to the public DNS. */
	if (c == NULL || dp_config_get(c, "probe.names") == NULL) {
		int rc = dp_config_parse(DP_BUILTIN_PROBE_NAMES_NAME, defaults_yaml, strlen(defaults_yaml),
					 &out->owned, err, errlen);
		if (rc != DP_OK)
			return rc;
		c = out->owned;
	}
	out->n_secure = dp_config_strings(c, "probe.names.secure", &out->secure);
	out->n_insecure = dp_config_strings(c, "probe.names.insecure", &out->insecure);
	out->n_bogus = dp_config_strings(c, "probe.names.bogus", &out->bogus);
	out->n_dane = dp_config_strings(c, "probe.names.dane", &out->dane);
	out->nsec = dp_config_str(c, "probe.names.nsec", NULL);
	out->nsec3 = dp_config_str(c, "probe.names.nsec3", NULL);
	out->large_dnskey = dp_config_str(c, "probe.names.large_dnskey", NULL);
	out->big_answer = dp_config_str(c, "probe.names.big_answer", NULL);
	out->unknown_type = dp_config_str(c, "probe.names.unknown_type", NULL);
	out->insecure_child = dp_config_str(c, "probe.names.insecure_child", NULL);
	names_map(c, "probe.names.algorithms", 1, out);
	names_map(c, "probe.names.nsec3_iterations", 0, out);
	return DP_OK;
}

void dp_probe_names_free(dp_probe_names *n)
{
	if (n == NULL)
		return;
	free(n->secure);
	free(n->insecure);
	free(n->bogus);
	free(n->dane);
	dp_config_free(n->owned);
	memset(n, 0, sizeof(*n));
}
