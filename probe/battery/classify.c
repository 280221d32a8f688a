/*
 * classify.c - from battery results to a resolver class.
 *
 * The classes build on RFC 8027 section 4.1, which sorts resolvers by
 * what a validating stub behind them can still do.  What matters to a
 * DANE mail gateway is whether it can validate locally through the
 * resolver, so the decisive tests are the ones local validation needs:
 * EDNS0 with DO, RRSIGs in answers, DNSKEY and DS sets with their
 * signatures.  A resolver that fails any of those is non-dnssec whatever
 * else it does; one that passes them but fails others is partial, with a
 * tag per missing capability.
 *
 *   udp+tcp: no answer at all            -> unreachable
 *   udp+tcp: garbage, REFUSED, FORMERR    -> broken
 *   edns0+do+dnskey: garbage or TC loops  -> broken
 *   edns0 | do | ds | dnskey failed       -> non-dnssec
 *     (unless only message size failed: TC and no TCP is small-edns)
 *   any tag (no-tcp, small-edns, ...)     -> partial
 *   AD on signed data                     -> validating
 *   otherwise                             -> aware
 */
#include <stdio.h>
#include <string.h>
#include <ldns/ldns.h>
#include "probe/battery/classify.h"
#include "validator/dp_err.h"

static const char *const test_names[DP_T_COUNT] = {
	[DP_T_UDP] = "udp", [DP_T_TCP] = "tcp", [DP_T_EDNS0] = "edns0",
	[DP_T_DO] = "do", [DP_T_AD] = "ad", [DP_T_CD] = "cd",
	[DP_T_DNSKEY] = "dnskey", [DP_T_DS] = "ds", [DP_T_NSEC] = "nsec",
	[DP_T_NSEC3] = "nsec3", [DP_T_TLSA] = "tlsa",
	[DP_T_UNKNOWN_TYPE] = "unknown-type", [DP_T_BOGUS] = "bogus",
	[DP_T_EDNS_SIZE] = "edns-size", [DP_T_ALGORITHMS] = "algorithms",
	[DP_T_NSEC3_ITER] = "nsec3-iterations", [DP_T_CHAIN] = "chain",
	[DP_T_CLOCK] = "clock",
};

static const char *const class_names[DP_CLASS_COUNT] = {
	"validating", "aware", "partial", "non-dnssec", "broken", "unreachable",
};

static const char *const tag_names[DP_TAG_COUNT_] = {
	"no-tcp", "small-edns", "no-tlsa", "no-nsec3", "permissive", "no-nsec",
	"no-cd", "no-unknown-types", "no-udp", "chain", "clock",
};

const char *dp_test_name(dp_test_id id)
{
	if ((int)id < 0 || id >= DP_T_COUNT)
		return NULL;
	return test_names[id];
}

int dp_test_from_name(const char *name)
{
	for (int i = 0; i < DP_T_COUNT; i++)
		if (strcmp(test_names[i], name) == 0)
			return i;
	return -1;
}

const char *dp_class_name(dp_class c)
{
	if ((int)c < 0 || c >= DP_CLASS_COUNT)
		return "unknown";
	return class_names[c];
}

const char *dp_result_name(dp_result r)
{
	return r == DP_RES_PASS ? "pass" : r == DP_RES_FAIL ? "fail" : "skip";
}

const char *dp_tags_format(unsigned tags, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < DP_TAG_COUNT_; i++) {
		if (!(tags & (1u << i)))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", tag_names[i]);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';    /* whole tags only */
			break;
		}
		used += (size_t)n;
	}
	return buf;
}

static void detail_prefix(dp_test *t, const char *prefix)
{
	char old[sizeof(t->detail)];
	size_t n;

	memcpy(old, t->detail, sizeof(old));
	n = (size_t)snprintf(t->detail, sizeof(t->detail), "%s", prefix);
	if (old[0] && n + 2 < sizeof(t->detail))
		snprintf(t->detail + n, sizeof(t->detail) - n, ": %.*s", (int)(sizeof(t->detail) - n - 3), old);
}

void dp_bogus_finalize(dp_test tests[DP_T_COUNT])
{
	dp_test *b = &tests[DP_T_BOGUS];
	int validates = tests[DP_T_AD].result == DP_RES_PASS;

	if (b->result != DP_RES_SKIP || b->rcode < 0 || (b->flags & DP_TF_CONFIG))
		return;
	if (b->flags & DP_TF_AD) {
		b->result = DP_RES_FAIL;
		detail_prefix(b, "AD=1 on bogus data");
	} else if (b->flags & DP_TF_SERVFAIL) {
		b->result = DP_RES_PASS;
		detail_prefix(b, "SERVFAIL");
	} else if (b->flags & DP_TF_DATA) {
		if (validates) {
			b->result = DP_RES_FAIL;
			detail_prefix(b, "bogus data returned although the resolver validates (permissive)");
		} else {
			b->result = DP_RES_SKIP;
			detail_prefix(b, "bogus data returned without AD (resolver does not validate)");
		}
	} else {
		b->result = DP_RES_FAIL;
		detail_prefix(b, "unexpected answer");
	}
}

static int failed(const dp_test tests[DP_T_COUNT], dp_test_id id)
{
	return tests[id].result == DP_RES_FAIL;
}

/* A failure of a test local validation needs, other than one caused by
 * message size alone (TC and no TCP: that is small-edns, not stripping). */
static int essential_failed(const dp_test tests[DP_T_COUNT], dp_test_id id)
{
	return failed(tests, id) && !(tests[id].flags & DP_TF_SIZE);
}

/* Garbage, a protocol violation, or an rcode that says "not a resolver
 * for you" is broken; silence and ICMP errors are unreachable. */
static int looks_broken(const dp_test *t)
{
	if (t->err == DP_EPARSE || t->err == DP_EPROTO || t->err == DP_ETRUNC)
		return 1;
	return t->rcode == LDNS_RCODE_REFUSED || t->rcode == LDNS_RCODE_NOTIMPL
	       || t->rcode == LDNS_RCODE_FORMERR || t->rcode == LDNS_RCODE_SERVFAIL;
}

static int protocol_failed(const dp_test *t)
{
	return t->result == DP_RES_FAIL && (t->err == DP_EPARSE || t->err == DP_EPROTO);
}

/* A capability tag names what the resolver does to the records; a test
 * lost to message size alone (TC and no TCP) is small-edns, not that. */
static int capability_failed(const dp_test tests[DP_T_COUNT], dp_test_id id)
{
	return failed(tests, id) && !(tests[id].flags & DP_TF_SIZE);
}

static unsigned tags_of(const dp_test tests[DP_T_COUNT], int dane_safe)
{
	unsigned tags = 0;

	if (failed(tests, DP_T_TCP))
		tags |= DP_TAG_NO_TCP;
	if (failed(tests, DP_T_UDP))
		tags |= DP_TAG_NO_UDP;
	if (failed(tests, DP_T_EDNS_SIZE))
		tags |= DP_TAG_SMALL_EDNS;
	for (int i = 0; i < DP_T_COUNT; i++)
		if (failed(tests, (dp_test_id)i) && (tests[i].flags & DP_TF_SIZE))
			tags |= DP_TAG_SMALL_EDNS;
	if (capability_failed(tests, DP_T_TLSA))
		tags |= DP_TAG_NO_TLSA;
	if (capability_failed(tests, DP_T_NSEC3))
		tags |= DP_TAG_NO_NSEC3;
	if (capability_failed(tests, DP_T_NSEC))
		tags |= DP_TAG_NO_NSEC;
	if (capability_failed(tests, DP_T_CD))
		tags |= DP_TAG_NO_CD;
	if (capability_failed(tests, DP_T_UNKNOWN_TYPE))
		tags |= DP_TAG_NO_UNKNOWN;
	/* Permissive is bogus data handed back, not a bogus query that timed
	 * out or was refused. */
	if (failed(tests, DP_T_BOGUS) && (tests[DP_T_BOGUS].flags & (DP_TF_AD | DP_TF_DATA)))
		tags |= DP_TAG_PERMISSIVE;
	if (failed(tests, DP_T_CHAIN) || !dane_safe)
		tags |= DP_TAG_CHAIN;
	if (failed(tests, DP_T_CLOCK))
		tags |= DP_TAG_CLOCK;
	return tags;
}

void dp_classify(const dp_test tests[DP_T_COUNT], int dane_safe,
		 dp_class *cls, unsigned *tags)
{
	const dp_test *udp = &tests[DP_T_UDP], *tcp = &tests[DP_T_TCP];
	int answered = 0;

	*tags = 0;
	for (int i = 0; i < DP_T_COUNT; i++)
		if (tests[i].rcode >= 0)
			answered = 1;
	if (failed(tests, DP_T_UDP) && failed(tests, DP_T_TCP)) {
		*cls = (looks_broken(udp) || looks_broken(tcp) || answered)
			? DP_CLASS_BROKEN : DP_CLASS_UNREACHABLE;
		return;
	}
	/* Answers to plain queries but garbage, TC loops or mismatches to
	 * every DNSSEC one (a middlebox, a fixture): not a resolver. */
	if (protocol_failed(&tests[DP_T_EDNS0]) && protocol_failed(&tests[DP_T_DO])
	    && protocol_failed(&tests[DP_T_DNSKEY])) {
		*cls = DP_CLASS_BROKEN;
		return;
	}
	*tags = tags_of(tests, dane_safe);
	if (essential_failed(tests, DP_T_EDNS0) || essential_failed(tests, DP_T_DO)
	    || essential_failed(tests, DP_T_DS) || essential_failed(tests, DP_T_DNSKEY)) {
		*cls = DP_CLASS_NON_DNSSEC;
		return;
	}
	if (*tags != 0)
		*cls = DP_CLASS_PARTIAL;
	else if (tests[DP_T_AD].result == DP_RES_PASS)
		*cls = DP_CLASS_VALIDATING;
	else
		*cls = DP_CLASS_AWARE;
}

int dp_failures(const dp_test tests[DP_T_COUNT])
{
	int n = 0;

	for (int i = 0; i < DP_T_COUNT; i++)
		if (tests[i].result == DP_RES_FAIL)
			n++;
	return n;
}
