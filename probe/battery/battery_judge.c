/*
 * battery_judge.c - what the battery's results mean: the ground truth
 * built from every resolver's local validation, each resolver's verdict
 * against it, its class and the reasons people read (split from
 * battery.c, which runs the tasks).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "probe/battery/battery_int.h"

void bat_add_reason(dp_resolver_result *res, int front, const char *fmt, ...)
{
	char buf[768], *s, **nv;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < res->n_reasons; i++)
		if (strcmp(res->reasons[i], buf) == 0)
			return;
	if ((s = strdup(buf)) == NULL || (nv = realloc(res->reasons, (res->n_reasons + 1) * sizeof(*nv))) == NULL) {
		free(s);
		return;
	}
	res->reasons = nv;
	if (front) {
		memmove(nv + 1, nv, res->n_reasons * sizeof(*nv));
		nv[0] = s;
	} else {
		nv[res->n_reasons] = s;
	}
	res->n_reasons++;
}

/* ---- ground truth and verdicts ---- */

static val_status truth_of(const dp_resolver_result *r, size_t n, const dp_obs *o, int *has)
{
	int insecure = 0;

	for (size_t j = 0; j < n; j++)
		for (size_t i = 0; i < r[j].n_obs; i++) {
			const dp_obs *p = &r[j].obs[i];
			if (p->type != o->type || strcasecmp(p->name, o->name) != 0)
				continue;
			/* Local validation is sound: one SECURE (or proved
			 * INSECURE) path is proof, whatever the others say. */
			if (p->status == VAL_SECURE) {
				*has = 1;
				return VAL_SECURE;
			}
			if (p->status == VAL_INSECURE)
				insecure = 1;
		}
	if (insecure) {
		*has = 1;
		return VAL_INSECURE;
	}
	*has = o->has_expect;
	return o->expect;
}

static void upper(const char *in, char *out, size_t len)
{
	size_t i = 0;

	for (; in[i] && i + 1 < len; i++)
		out[i] = (char)(in[i] >= 'a' && in[i] <= 'z' ? in[i] - 32 : in[i]);
	out[i] = '\0';
}

/* What the resolver did to a record that did not validate as expected. */
static void cause_of(const dp_obs *o, char *buf, size_t len)
{
	char tn[24];
	int filt = o->type == LDNS_RR_TYPE_TLSA;

	bat_type_name(o->type, tn, sizeof(tn));
	if (o->fetch_error != DP_OK)
		snprintf(buf, len, "%s %s refused/dropped (%s)%s", tn, o->name, dp_strerror(o->fetch_error),
			 filt ? ": resolver filters type 52" : "");
	else if (o->diag_done && o->diag_err != DP_OK)
		snprintf(buf, len, "%s %s refused/dropped (%s)%s", tn, o->name, dp_strerror(o->diag_err),
			 filt ? ": resolver filters type 52" : "");
	else if (o->diag_done && (o->diag_rcode == LDNS_RCODE_REFUSED || o->diag_rcode == LDNS_RCODE_NOTIMPL
				  || o->diag_rcode == LDNS_RCODE_FORMERR))
		snprintf(buf, len, "%s %s refused (%s): resolver filters type %u", tn, o->name,
			 bat_rcode_name(o->diag_rcode), (unsigned)o->type);
	else if (o->diag_done && o->diag_data && !o->diag_rrsig)
		snprintf(buf, len, "RRSIG missing for %s/%s: resolver strips DNSSEC records", o->name, tn);
	else if (o->diag_done && !o->diag_data && o->diag_rcode == LDNS_RCODE_NOERROR && filt)
		snprintf(buf, len, "TLSA %s answered empty: resolver filters type 52 (%.200s)", o->name, o->reason);
	else if (o->diag_done && o->diag_rcode == LDNS_RCODE_SERVFAIL)
		snprintf(buf, len, "%s/%s: SERVFAIL even with CD=1 (%.200s)", o->name, tn, o->reason);
	else
		snprintf(buf, len, "%s", o->reason[0] ? o->reason : "no reason given");
}

static void judge_one(dp_resolver_result *all, size_t n, dp_resolver_result *res)
{
	dp_test *chain = &res->tests[DP_T_CHAIN];
	size_t mism = 0, secure = 0, insecure = 0, compared = 0;
	char first[1024] = "";

	for (size_t i = 0; i < res->n_obs; i++) {
		const dp_obs *o = &res->obs[i];
		int has;
		val_status want = truth_of(all, n, o, &has);
		char tn[24], st[24], cause[600];

		if (!has)
			continue;
		compared++;
		if (o->status == want) {
			secure += want == VAL_SECURE;
			insecure += want == VAL_INSECURE;
			continue;
		}
		bat_type_name(o->type, tn, sizeof(tn));
		upper(val_status_str(o->status), st, sizeof(st));
		cause_of(o, cause, sizeof(cause));
		if (mism == 0)
			snprintf(first, sizeof(first), "%s %s/%s (expected %s): %s", st, o->name, tn,
				 val_status_str(want), cause);
		if (mism < 8)
			bat_add_reason(res, 0, "%s %s record for %s (expected %s): %s", st, tn, o->name,
				   val_status_str(want), cause);
		mism++;
	}
	res->dane_safe = compared > 0 && mism == 0;
	if (compared == 0 && res->tests[DP_T_CHAIN].queries == 0 && res->n_obs == 0)
		bat_verdict(chain, DP_RES_SKIP, "no probe.names.dane/secure/insecure configured");
	else if (compared == 0)
		bat_verdict(chain, DP_RES_FAIL, "nothing to compare: no ground truth for the DANE probe names");
	else if (mism == 0)
		bat_verdict(chain, DP_RES_PASS, "%zu records as the ground truth says (%zu secure, %zu insecure)",
			compared, secure, insecure);
	else
		bat_verdict(chain, DP_RES_FAIL, "%zu of %zu records differ; %s", mism, compared, first);
	if (!res->dane_safe && res->n_reasons == 0)
		bat_add_reason(res, 0, "local validation of the DANE probe names through this resolver could not be compared with a ground truth");
}

static void explain_class(dp_resolver_result *res)
{
	static const struct { unsigned tag; dp_test_id test; } why[] = {
		{ DP_TAG_NO_TCP, DP_T_TCP }, { DP_TAG_NO_UDP, DP_T_UDP },
		{ DP_TAG_SMALL_EDNS, DP_T_EDNS_SIZE }, { DP_TAG_NO_TLSA, DP_T_TLSA },
		{ DP_TAG_NO_NSEC3, DP_T_NSEC3 }, { DP_TAG_NO_NSEC, DP_T_NSEC },
		{ DP_TAG_NO_CD, DP_T_CD }, { DP_TAG_NO_UNKNOWN, DP_T_UNKNOWN_TYPE },
		{ DP_TAG_PERMISSIVE, DP_T_BOGUS }, { DP_TAG_CLOCK, DP_T_CLOCK },
	};
	char tags[160];

	switch (res->cls) {
	case DP_CLASS_UNREACHABLE:
		bat_add_reason(res, 1, "unreachable: udp: %s; tcp: %s", res->tests[DP_T_UDP].detail,
			   res->tests[DP_T_TCP].detail);
		return;
	case DP_CLASS_BROKEN:
		bat_add_reason(res, 1, "broken: udp: %s; tcp: %s", res->tests[DP_T_UDP].detail, res->tests[DP_T_TCP].detail);
		return;
	case DP_CLASS_NON_DNSSEC:
		for (int t = DP_T_EDNS0; t <= DP_T_DS; t++)
			if (res->tests[t].result == DP_RES_FAIL && (t == DP_T_EDNS0 || t == DP_T_DO || t == DP_T_DNSKEY || t == DP_T_DS)) {
				bat_add_reason(res, 0, "non-dnssec: %s: %s", dp_test_name((dp_test_id)t), res->tests[t].detail);
				break;
			}
		break;
	default:
		break;
	}
	dp_tags_format(res->tags, tags, sizeof(tags));
	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		dp_test *t = &res->tests[why[i].test];
		if ((res->tags & why[i].tag) && t->result == DP_RES_FAIL) {
			char one[40];
			dp_tags_format(why[i].tag, one, sizeof(one));
			bat_add_reason(res, 0, "%s: %s", one, t->detail);
		}
	}
}

static int rtt_of(const dp_resolver_result *res)
{
	int best = -1;

	if (res->tests[DP_T_UDP].result == DP_RES_PASS)
		return res->tests[DP_T_UDP].rtt_ms;
	for (int i = 0; i < DP_T_COUNT; i++)
		if (res->tests[i].rtt_ms >= 0 && (best < 0 || res->tests[i].rtt_ms < best))
			best = res->tests[i].rtt_ms;
	return best;
}

void dp_probe_judge(dp_resolver_result *r, size_t n)
{
	dp_shape_settle(r, n);
	for (size_t i = 0; i < n; i++) {
		dp_resolver_result *res = &r[i];
		char **notes = res->reasons;
		size_t n_notes = res->n_reasons;

		/* Reasons read best with the DANE verdict first, then the
		 * class, then the policy notes gathered while merging. */
		res->reasons = NULL;
		res->n_reasons = 0;
		if (!res->parse_ok) {
			res->cls = DP_CLASS_BROKEN;
			res->dane_safe = 0;
			bat_add_reason(res, 0, "'%s' is not an IP address", res->address);
		} else {
			judge_one(r, n, res);
			dp_bogus_finalize(res->tests);
			dp_classify(res->tests, res->dane_safe, &res->cls, &res->tags);
			if (res->cls == DP_CLASS_NON_DNSSEC) {
				/* The algorithm and NSEC3 zones fail for the same
				 * reason as everything else: say it once. */
				for (size_t k = 0; k < n_notes; k++)
					free(notes[k]);
				n_notes = 0;
			}
			if (res->cls == DP_CLASS_UNREACHABLE || res->cls == DP_CLASS_BROKEN) {
				/* Every record failing the same way says nothing more. */
				for (size_t k = 0; k < res->n_reasons; k++)
					free(res->reasons[k]);
				res->n_reasons = 0;
				for (size_t k = 0; k < n_notes; k++)
					free(notes[k]);
				n_notes = 0;
				bat_add_reason(res, 0, "DANE probe names cannot be validated through it");
			}
			explain_class(res);
		}
		for (size_t k = 0; k < n_notes; k++) {
			bat_add_reason(res, 0, "%s", notes[k]);
			free(notes[k]);
		}
		free(notes);
		res->rtt_ms = rtt_of(res);
	}
}

int dp_probe_critical_depth(const dp_resolver_result *r, size_t n)
{
	int d = 0;

	for (size_t i = 0; i < n; i++)
		for (int t = 0; t < DP_T_COUNT; t++)
			if (r[i].tests[t].depth > d)
				d = r[i].tests[t].depth;
	return d;
}
