/*
 * test_rootxml.c - RFC 9718 root-anchors.xml: validity windows, the key
 * check, and hostile documents (DTDs, entities, tampering, limits).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include "validator/rootxml.h"

/* 2026-11-23T00:00:00Z */
#define NOW ((int64_t)1795392000)
/* 2024-07-18T00:00:00Z, 2019-01-11T00:00:00Z */
#define FROM_2024 ((int64_t)1721260800)
#define UNTIL_2010 ((int64_t)1547164800)

#define KEY2024 "AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/cidltpkyGwCJNnOAlFNKF2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYSjH8e7Vrhbu6irwCzVBApESjbUdpWWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/dL/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwuMoTvoB+ZOT4YeGyxMvHmbrxlFzGOHOijtzN+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBevYtxPvYLw4z9mR7K2vaF18UYH9Z9GNUUeayffKC73PYc="
#define DIG2024 "683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16"

static const char *doc =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<TrustAnchor id=\"0DC7FAA5-5F35-4A79-AD7D-3A0A9D5CB6BE\" source=\"https://data.iana.org/root-anchors/root-anchors.xml\">\n"
	"<Zone>.</Zone>\n"
	"<KeyDigest id=\"Kjqmt7v\" validFrom=\"2010-07-15T00:00:00+00:00\" validUntil=\"2019-01-11T00:00:00+00:00\">\n"
	"<KeyTag>19036</KeyTag>\n<Algorithm>8</Algorithm>\n<DigestType>2</DigestType>\n"
	"<Digest>49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5</Digest>\n"
	"</KeyDigest>\n"
	"<KeyDigest id=\"Klajeyz\" validFrom=\"2017-02-02T00:00:00+00:00\">\n"
	"<KeyTag>20326</KeyTag>\n<Algorithm>8</Algorithm>\n<DigestType>2</DigestType>\n"
	"<Digest>E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D</Digest>\n"
	"</KeyDigest>\n"
	"<KeyDigest id=\"Kmyv6jo\" validFrom=\"2024-07-18T00:00:00+00:00\">\n"
	"<KeyTag>38696</KeyTag>\n<Algorithm>8</Algorithm>\n<DigestType>2</DigestType>\n"
	"<Digest>" DIG2024 "</Digest>\n"
	"<PublicKey>" KEY2024 "</PublicKey>\n<Flags>257</Flags>\n"
	"</KeyDigest>\n"
	"</TrustAnchor>\n";

static int parse(const char *xml, int64_t now, ldns_rr_list **ds, rootxml_stats *st,
		 char *err, size_t errlen)
{
	*ds = NULL;
	return rootxml_parse(xml, strlen(xml), now, ds, st, err, errlen);
}

static uint16_t ds_tag(const ldns_rr_list *l, size_t i)
{
	return ldns_rdf2native_int16(ldns_rr_rdf(ldns_rr_list_rr(l, i), 0));
}

static void test_real_document(void **state)
{
	ldns_rr_list *ds;
	rootxml_stats st;
	char err[256];
	char *s;

	(void)state;
	assert_int_equal(parse(doc, NOW, &ds, &st, err, sizeof(err)), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(ds), 2);
	assert_int_equal(ds_tag(ds, 0), 20326);
	assert_int_equal(ds_tag(ds, 1), 38696);
	assert_int_equal(st.digests, 3);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.not_yet, 0);
	s = ldns_rr2str(ldns_rr_list_rr(ds, 0));
	assert_non_null(strstr(s, "DS\t20326 8 2 e06d44b80b8f"));
	assert_int_equal(s[0], '.');
	free(s);
	ldns_rr_list_deep_free(ds);
}

static void test_windows(void **state)
{
	ldns_rr_list *ds;
	rootxml_stats st;
	char err[256];

	(void)state;
	/* One second before KSK-2024's validFrom: only KSK-2017. */
	assert_int_equal(parse(doc, FROM_2024 - 1, &ds, &st, err, sizeof(err)), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(ds), 1);
	assert_int_equal(ds_tag(ds, 0), 20326);
	assert_int_equal(st.not_yet, 1);
	ldns_rr_list_deep_free(ds);
	/* At validFrom exactly: valid. */
	assert_int_equal(parse(doc, FROM_2024, &ds, &st, err, sizeof(err)), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(ds), 2);
	ldns_rr_list_deep_free(ds);
	/* validUntil is exclusive. */
	assert_int_equal(parse(doc, UNTIL_2010 - 1, &ds, &st, err, sizeof(err)), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(ds), 2);
	assert_int_equal(ds_tag(ds, 0), 19036);
	ldns_rr_list_deep_free(ds);
	assert_int_equal(parse(doc, UNTIL_2010, &ds, &st, err, sizeof(err)), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(ds), 1);
	assert_int_equal(st.expired, 1);
	ldns_rr_list_deep_free(ds);
	/* Before anything was valid: nothing to use. */
	assert_int_equal(parse(doc, 1000000000, &ds, &st, err, sizeof(err)), DP_ENOTFOUND);
	assert_null(ds);
	assert_non_null(strstr(err, "no KeyDigest"));
}

static void test_expired_only(void **state)
{
	const char *x =
		"<TrustAnchor id=\"x\" source=\"y\"><Zone>.</Zone>"
		"<KeyDigest id=\"a\" validFrom=\"2010-07-15T00:00:00Z\" validUntil=\"2019-01-11T00:00:00Z\">"
		"<KeyTag>19036</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>"
		"<Digest>49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5</Digest>"
		"</KeyDigest></TrustAnchor>";
	ldns_rr_list *ds;
	rootxml_stats st;
	char err[256];

	(void)state;
	assert_int_equal(parse(x, NOW, &ds, &st, err, sizeof(err)), DP_ENOTFOUND);
	assert_non_null(strstr(err, "1 expired"));
	assert_null(ds);
}

/* Replace the first occurrence of from by to in doc (malloced). */
static char *edit(const char *from, const char *to)
{
	const char *p = strstr(doc, from);
	char *out;

	assert_non_null(p);
	out = malloc(strlen(doc) + strlen(to) + 1);
	memcpy(out, doc, (size_t)(p - doc));
	strcpy(out + (p - doc), to);
	strcat(out, p + strlen(from));
	return out;
}

static const struct { const char *from, *to, *want; int rc; } tampered[] = {
	/* the digest beside the public key changed */
	{ "683D2D0ACB", "683D2D0ACC", "does not match", DP_EPARSE },
	/* the key tag beside the public key changed */
	{ "<KeyTag>38696", "<KeyTag>38697", "does not match", DP_EPARSE },
	{ "<Flags>257", "<Flags>256", "does not match", DP_EPARSE },
	{ "<Flags>257</Flags>", "", "<Flags>", DP_EPARSE },
	{ "<PublicKey>" KEY2024 "</PublicKey>", "", "go together", DP_EPARSE },
	{ "E06D44B80B8F", "X06D44B80B8F", "bad <Digest>", DP_EPARSE },
	{ "E06D44B80B8F", "E06D44B80B8", "hex digits", DP_EPARSE },
	{ "<KeyTag>20326", "<KeyTag>70000", "out of range", DP_EPARSE },
	{ "<KeyTag>20326", "<KeyTag>-1", "bad <KeyTag>", DP_EPARSE },
	{ "<Algorithm>8</Algorithm>", "", "bad <Algorithm>", DP_EPARSE },
	{ "<Algorithm>8", "<Algorithm>8</Algorithm><Algorithm>8", "second <Algorithm>", DP_EPARSE },
	{ "validFrom=\"2017-02-02T00:00:00+00:00\"", "", "validFrom", DP_EPARSE },
	{ "2017-02-02T00:00:00+00:00", "2017-02-30T00:00:00+00:00", "validFrom", DP_EPARSE },
	{ "2019-01-11T00:00:00+00:00", "tomorrow", "validUntil", DP_EPARSE },
	{ "<Zone>.</Zone>", "", "before <Zone>", DP_EPARSE },
	{ "<Zone>.</Zone>", "<Zone>.</Zone><Zone>.</Zone>", "second <Zone>", DP_EPARSE },
	{ "<Zone>.</Zone>", "<Zone>a..b</Zone>", "bad <Zone>", DP_EPARSE },
	{ "</TrustAnchor>", "", "line", DP_EPARSE },
	{ "<TrustAnchor", "<Trust", "not <TrustAnchor>", DP_EPARSE },
	{ "<KeyTag>20326", "<KeyTag>&bogus;20326", "entity", DP_EPARSE },
};

static void test_tampered(void **state)
{
	ldns_rr_list *ds;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(tampered) / sizeof(tampered[0]); i++) {
		char *x = edit(tampered[i].from, tampered[i].to);
		err[0] = '\0';
		int rc = parse(x, NOW, &ds, NULL, err, sizeof(err));
		if (rc != tampered[i].rc || strstr(err, tampered[i].want) == NULL)
			fail_msg("row %zu: rc %d \"%s\", want %d \"%s\"", i, rc, err,
				 tampered[i].rc, tampered[i].want);
		assert_null(ds);
		free(x);
	}
}

static const char *const hostile[] = {
	/* billion laughs */
	"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n"
	"<TrustAnchor><Zone>&lol2;</Zone></TrustAnchor>",
	/* external entity */
	"<?xml version=\"1.0\"?>\n<!DOCTYPE TrustAnchor [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
	"<TrustAnchor><Zone>&xxe;</Zone></TrustAnchor>",
	/* external DTD */
	"<!DOCTYPE TrustAnchor SYSTEM \"http://127.0.0.1/x.dtd\"><TrustAnchor/>",
	/* parameter entity */
	"<!DOCTYPE x [<!ENTITY % p SYSTEM \"http://127.0.0.1/p\"> %p;]><TrustAnchor/>",
	/* empty DOCTYPE is refused too */
	"<!DOCTYPE TrustAnchor><TrustAnchor/>",
};

static void test_dtd_and_entities(void **state)
{
	ldns_rr_list *ds;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(hostile[i], NOW, &ds, NULL, err, sizeof(err)), DP_EPARSE);
		if (strstr(err, "DOCTYPE") == NULL)
			fail_msg("row %zu: \"%s\"", i, err);
		assert_null(ds);
	}
}

static void test_limits(void **state)
{
	ldns_rr_list *ds;
	char err[256];
	char *x;
	size_t n;

	(void)state;
	/* Too deep. */
	x = malloc(4096);
	strcpy(x, "<TrustAnchor><Zone>.</Zone>");
	for (int i = 0; i < 40; i++)
		strcat(x, "<a>");
	assert_int_equal(parse(x, NOW, &ds, NULL, err, sizeof(err)), DP_ELIMIT);
	free(x);
	/* Too big. */
	n = ROOTXML_MAX_SIZE + 10;
	x = malloc(n + 1);
	memset(x, ' ', n);
	x[n] = '\0';
	assert_int_equal(parse(x, NOW, &ds, NULL, err, sizeof(err)), DP_ELIMIT);
	free(x);
	/* Long text. */
	x = malloc(20000);
	strcpy(x, "<TrustAnchor><Zone>");
	memset(x + strlen(x), 'a', 10000);
	strcpy(x + 19 + 10000, "</Zone></TrustAnchor>");
	assert_int_equal(parse(x, NOW, &ds, NULL, err, sizeof(err)), DP_ELIMIT);
	free(x);
	/* Not XML, empty. */
	assert_int_equal(parse("hello", NOW, &ds, NULL, err, sizeof(err)), DP_EPARSE);
	assert_int_equal(parse("", NOW, &ds, NULL, err, sizeof(err)), DP_EPARSE);
	assert_int_equal(parse("<TrustAnchor/>", NOW, &ds, NULL, err, sizeof(err)), DP_EPARSE);
	assert_non_null(strstr(err, "no <Zone>"));
	/* Unknown elements are skipped. */
	x = edit("<Zone>.</Zone>", "<Zone>.</Zone><Comment>hi <b>there</b></Comment>");
	assert_int_equal(parse(x, NOW, &ds, NULL, err, sizeof(err)), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(ds), 2);
	ldns_rr_list_deep_free(ds);
	free(x);
}

static void test_time_parse(void **state)
{
	static const struct { const char *s; int64_t want; } good[] = {
		{ "2017-02-02T00:00:00+00:00", 1485993600 },
		{ "2017-02-02T00:00:00Z", 1485993600 },
		{ "2017-02-02T00:00:00", 1485993600 },
		{ "2017-02-02T00:00:00.123Z", 1485993600 },
		{ "2017-02-02T02:00:00+02:00", 1485993600 },
		{ "2017-02-01T22:30:00-01:30", 1485993600 },
		{ "2024-02-29T00:00:00Z", 1709164800 },
	};
	static const char *const badt[] = {
		"", "2017-02-02", "2017-02-02 00:00:00", "2017-13-02T00:00:00Z",
		"2023-02-29T00:00:00Z", "2017-02-02T24:00:00Z", "2017-02-02T00:00:00+0000",
		"2017-02-02T00:00:00.Z", "2017-02-02T00:00:00Zjunk", "1960-01-01T00:00:00Z",
		"20x7-02-02T00:00:00Z",
	};
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(rootxml_time_parse(good[i].s, &t), 0);
		assert_int_equal(t, good[i].want);
	}
	for (size_t i = 0; i < sizeof(badt) / sizeof(badt[0]); i++)
		if (rootxml_time_parse(badt[i], &t) == 0)
			fail_msg("accepted \"%s\"", badt[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_document),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_expired_only),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_dtd_and_entities),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_time_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
