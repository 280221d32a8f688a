/*
 * rootxml.c - RFC 9718 root-anchors.xml with expat (see rootxml.h).
 *
 *   <TrustAnchor id="..." source="...">
 *     <Zone>.</Zone>
 *     <KeyDigest id="..." validFrom="..." [validUntil="..."]>
 *       <KeyTag>20326</KeyTag> <Algorithm>8</Algorithm>
 *       <DigestType>2</DigestType> <Digest>E06D...</Digest>
 *       [<PublicKey>AwEA...</PublicKey> <Flags>257</Flags>]
 *     </KeyDigest> ...
 *   </TrustAnchor>
 *
 * Unknown elements are skipped (the format may grow), unknown content in
 * a known element is an error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <expat.h>
#include "validator/rootxml.h"
#include "validator/civil.h"

#define RX_MAX_DEPTH 16
#define RX_MAX_TEXT 4096

enum rx_field { F_NONE = -1, F_KEYTAG, F_ALG, F_DIGESTTYPE, F_DIGEST, F_PUBKEY, F_FLAGS, F_N };
static const char *const rx_field_names[F_N] = {
	"KeyTag", "Algorithm", "DigestType", "Digest", "PublicKey", "Flags"
};

typedef struct rx {
	XML_Parser p;
	int64_t now;
	int depth;
	int failed;
	int rc;
	int in_ta;              /* inside TrustAnchor (depth 1) */
	int in_kd;              /* inside KeyDigest (depth 2) */
	int in_zone;
	enum rx_field field;    /* known element at depth 3 */
	char text[RX_MAX_TEXT];
	size_t tlen;
	char zone[256];
	int have_zone;
	char *kd[F_N];          /* the KeyDigest's fields (malloced) */
	int64_t from, until;
	int has_until;
	char kd_id[64];
	ldns_rr_list *ds;
	rootxml_stats st;
	char *err;
	size_t errlen;
} rx;

static void rx_fail(rx *x, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void rx_fail(rx *x, int rc, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (x->failed)
		return;
	x->failed = 1;
	x->rc = rc;
	n = snprintf(x->err, x->errlen, "root-anchors.xml line %lu: ",
		     (unsigned long)XML_GetCurrentLineNumber(x->p));
	if (n >= 0 && (size_t)n < x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	XML_StopParser(x->p, XML_FALSE);
}

/* ---- xsd:dateTime ---- */

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int rootxml_time_parse(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p;

	if (s == NULL || strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &sec))
		return -1;
	if (!dp_civil_valid(y, mo, d, h, mi, sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (strlen(p) != 6 || p[3] != ':' || digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) ||
		    oh > 14 || om > 59)
			return -1;
		p += 6;
	}
	if (*p != '\0')
		return -1;
	*out = dp_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec
	       - sign * (oh * 3600 + om * 60);
	return 0;
}

/* ---- handlers ---- */

/* DTDs are refused: they are where entity expansion attacks (billion
 * laughs, external entities) live, and RFC 9718 documents have none. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	(void)name; (void)sysid; (void)pubid; (void)has_internal_subset;
	rx_fail(ud, DP_EPARSE, "DOCTYPE/DTD not allowed");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
			      const XML_Char *value, int value_len, const XML_Char *base,
			      const XML_Char *sysid, const XML_Char *pubid,
			      const XML_Char *notation)
{
	(void)name; (void)is_param; (void)value; (void)value_len; (void)base;
	(void)sysid; (void)pubid; (void)notation;
	rx_fail(ud, DP_EPARSE, "entity declaration not allowed");
}

static int on_kd_start(rx *x, const XML_Char **attr)
{
	const char *from = NULL, *until = NULL, *id = "";

	for (size_t i = 0; attr[i] != NULL; i += 2) {
		if (strcmp(attr[i], "validFrom") == 0)
			from = attr[i + 1];
		else if (strcmp(attr[i], "validUntil") == 0)
			until = attr[i + 1];
		else if (strcmp(attr[i], "id") == 0)
			id = attr[i + 1];
	}
	snprintf(x->kd_id, sizeof(x->kd_id), "%s", id);
	if (from == NULL || rootxml_time_parse(from, &x->from) != 0) {
		rx_fail(x, DP_EPARSE, "KeyDigest %s: missing or bad validFrom", x->kd_id);
		return -1;
	}
	x->has_until = until != NULL;
	if (until != NULL && rootxml_time_parse(until, &x->until) != 0) {
		rx_fail(x, DP_EPARSE, "KeyDigest %s: bad validUntil", x->kd_id);
		return -1;
	}
	return 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attr)
{
	rx *x = ud;

	if (x->failed)
		return;
	if (++x->depth > RX_MAX_DEPTH) {
		rx_fail(x, DP_ELIMIT, "elements nested deeper than %d", RX_MAX_DEPTH);
		return;
	}
	x->tlen = 0;
	if (x->depth == 1) {
		if (strcmp(name, "TrustAnchor") != 0)
			rx_fail(x, DP_EPARSE, "root element is <%s>, not <TrustAnchor>", name);
		x->in_ta = 1;
	} else if (x->depth == 2 && strcmp(name, "Zone") == 0) {
		if (x->have_zone)
			rx_fail(x, DP_EPARSE, "second <Zone>");
		x->in_zone = 1;
	} else if (x->depth == 2 && strcmp(name, "KeyDigest") == 0) {
		if (!x->have_zone) {
			rx_fail(x, DP_EPARSE, "<KeyDigest> before <Zone>");
			return;
		}
		x->in_kd = 1;
		x->st.digests++;
		on_kd_start(x, attr);
	} else if (x->depth == 3 && x->in_kd) {
		for (int f = 0; f < F_N; f++)
			if (strcmp(name, rx_field_names[f]) == 0)
				x->field = (enum rx_field)f;
		if (x->field != F_NONE && x->kd[x->field] != NULL)
			rx_fail(x, DP_EPARSE, "KeyDigest %s: second <%s>", x->kd_id, name);
	}
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	rx *x = ud;

	if (x->failed || len <= 0 || !(x->in_zone || x->field != F_NONE))
		return;
	if (x->tlen + (size_t)len >= sizeof(x->text)) {
		rx_fail(x, DP_ELIMIT, "element text longer than %d bytes", RX_MAX_TEXT);
		return;
	}
	memcpy(x->text + x->tlen, s, (size_t)len);
	x->tlen += (size_t)len;
}

/* The element's text without surrounding blanks. */
static char *rx_text(rx *x)
{
	char *s = x->text, *e;

	x->text[x->tlen] = '\0';
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int all_of(const char *s, const char *set)
{
	return *s != '\0' && strspn(s, set) == strlen(s);
}

static void kd_clear(rx *x)
{
	for (int f = 0; f < F_N; f++) {
		free(x->kd[f]);
		x->kd[f] = NULL;
	}
	x->has_until = 0;
}

/* A number field within [0, max]. */
static int kd_num(rx *x, enum rx_field f, unsigned long max, unsigned long *out)
{
	const char *s = x->kd[f];
	char *end;

	if (s == NULL || !all_of(s, "0123456789") || strlen(s) > 5) {
		rx_fail(x, DP_EPARSE, "KeyDigest %s: missing or bad <%s>", x->kd_id, rx_field_names[f]);
		return -1;
	}
	*out = strtoul(s, &end, 10);
	if (*out > max) {
		rx_fail(x, DP_EPARSE, "KeyDigest %s: <%s> out of range", x->kd_id, rx_field_names[f]);
		return -1;
	}
	return 0;
}

/* RFC 9718 section 2.2: when the key itself is given, its DS must be the
 * digest given beside it. */
static int kd_check_key(rx *x, const ldns_rr *ds, unsigned long alg, unsigned long dt)
{
	unsigned long flags;
	ldns_rr *key = NULL, *kds = NULL;
	char *text = NULL;
	int ok;

	if (x->kd[F_PUBKEY] == NULL && x->kd[F_FLAGS] == NULL)
		return 0;
	if (x->kd[F_PUBKEY] == NULL || kd_num(x, F_FLAGS, 65535, &flags) != 0 ||
	    !all_of(x->kd[F_PUBKEY], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")) {
		rx_fail(x, DP_EPARSE, "KeyDigest %s: <PublicKey> and <Flags> go together", x->kd_id);
		return -1;
	}
	if (dt != LDNS_SHA1 && dt != LDNS_SHA256 && dt != LDNS_SHA384)
		return 0;   /* cannot recompute: the signature still vouches for it */
	if (asprintf(&text, "%s 0 IN DNSKEY %lu 3 %lu %s", x->zone, flags, alg, x->kd[F_PUBKEY]) < 0) {
		rx_fail(x, DP_ENOMEM, "out of memory");
		return -1;
	}
	ok = ldns_rr_new_frm_str(&key, text, 0, NULL, NULL) == LDNS_STATUS_OK &&
	     (kds = ldns_key_rr2ds(key, (ldns_hash)dt)) != NULL &&
	     ldns_rdf_compare(ldns_rr_rdf(kds, 3), ldns_rr_rdf(ds, 3)) == 0 &&
	     ldns_rdf_compare(ldns_rr_rdf(kds, 0), ldns_rr_rdf(ds, 0)) == 0;
	free(text);
	ldns_rr_free(key);
	ldns_rr_free(kds);
	if (!ok) {
		rx_fail(x, DP_EPARSE, "KeyDigest %s: <PublicKey> does not match <Digest>/<KeyTag>",
			x->kd_id);
		return -1;
	}
	return 0;
}

static void kd_end(rx *x)
{
	unsigned long tag, alg, dt;
	size_t hexlen, want;
	ldns_rr *ds = NULL;
	char *text = NULL;

	if (kd_num(x, F_KEYTAG, 65535, &tag) || kd_num(x, F_ALG, 255, &alg) ||
	    kd_num(x, F_DIGESTTYPE, 255, &dt))
		return;
	if (x->kd[F_DIGEST] == NULL || !all_of(x->kd[F_DIGEST], "0123456789abcdefABCDEF")) {
		rx_fail(x, DP_EPARSE, "KeyDigest %s: missing or bad <Digest>", x->kd_id);
		return;
	}
	hexlen = strlen(x->kd[F_DIGEST]);
	want = dt == 1 ? 40 : dt == 2 ? 64 : dt == 4 ? 96 : 0;
	if (hexlen % 2 != 0 || (want != 0 && hexlen != want)) {
		rx_fail(x, DP_EPARSE, "KeyDigest %s: <Digest> has %zu hex digits for digest type %lu",
			x->kd_id, hexlen, dt);
		return;
	}
	if (asprintf(&text, "%s 0 IN DS %lu %lu %lu %s", x->zone, tag, alg, dt, x->kd[F_DIGEST]) < 0) {
		rx_fail(x, DP_ENOMEM, "out of memory");
		return;
	}
	if (ldns_rr_new_frm_str(&ds, text, 0, NULL, NULL) != LDNS_STATUS_OK) {
		free(text);
		rx_fail(x, DP_EPARSE, "KeyDigest %s: not a valid DS record", x->kd_id);
		return;
	}
	free(text);
	if (kd_check_key(x, ds, alg, dt) != 0) {
		ldns_rr_free(ds);
		return;
	}
	/* RFC 9718 section 2.3: validFrom <= now < validUntil. */
	if (x->from > x->now) {
		x->st.not_yet++;
	} else if (x->has_until && x->until <= x->now) {
		x->st.expired++;
	} else if (ldns_rr_list_push_rr(x->ds, ds)) {
		x->st.used++;
		return;
	} else {
		rx_fail(x, DP_ENOMEM, "out of memory");
	}
	ldns_rr_free(ds);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	rx *x = ud;
	ldns_rdf *zone = NULL;

	(void)name;
	if (x->failed)
		return;
	if (x->depth == 3 && x->field != F_NONE) {
		if ((x->kd[x->field] = strdup(rx_text(x))) == NULL)
			rx_fail(x, DP_ENOMEM, "out of memory");
		x->field = F_NONE;
	} else if (x->depth == 2 && x->in_zone) {
		const char *z = rx_text(x);
		if (strlen(z) >= sizeof(x->zone) || ldns_str2rdf_dname(&zone, z) != LDNS_STATUS_OK) {
			rx_fail(x, DP_EPARSE, "bad <Zone>");
		} else {
			snprintf(x->zone, sizeof(x->zone), "%s", z);
			x->have_zone = 1;
		}
		ldns_rdf_deep_free(zone);
		x->in_zone = 0;
	} else if (x->depth == 2 && x->in_kd) {
		kd_end(x);
		kd_clear(x);
		x->in_kd = 0;
	}
	x->tlen = 0;
	x->depth--;
}

int rootxml_parse(const char *xml, size_t len, int64_t now, ldns_rr_list **ds_out,
		  rootxml_stats *stats, char *err, size_t errlen)
{
	rx x;
	char dummy[8];
	char when[32];

	memset(&x, 0, sizeof(x));
	x.err = err != NULL && errlen > 0 ? err : dummy;
	x.errlen = err != NULL && errlen > 0 ? errlen : sizeof(dummy);
	x.err[0] = '\0';
	x.now = now;
	x.field = F_NONE;
	if (xml == NULL || ds_out == NULL)
		return DP_EINVAL;
	if (len > ROOTXML_MAX_SIZE) {
		snprintf(x.err, x.errlen, "root-anchors.xml is larger than %d bytes", ROOTXML_MAX_SIZE);
		return DP_ELIMIT;
	}
	if ((x.ds = ldns_rr_list_new()) == NULL || (x.p = XML_ParserCreate(NULL)) == NULL) {
		ldns_rr_list_free(x.ds);
		return DP_ENOMEM;
	}
	XML_SetUserData(x.p, &x);
	XML_SetStartDoctypeDeclHandler(x.p, on_doctype);
	XML_SetEntityDeclHandler(x.p, on_entity);
	XML_SetElementHandler(x.p, on_start, on_end);
	XML_SetCharacterDataHandler(x.p, on_text);
	if (XML_Parse(x.p, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR && !x.failed)
		rx_fail(&x, DP_EPARSE, "%s", XML_ErrorString(XML_GetErrorCode(x.p)));
	if (!x.failed && !x.have_zone)
		rx_fail(&x, DP_EPARSE, "no <Zone>");
	if (!x.failed && x.st.used == 0) {
		dp_time_fmt(now, when, sizeof(when));
		snprintf(x.err, x.errlen,
			 "no KeyDigest of root-anchors.xml is valid at %s (%u seen, %u expired, %u not yet valid)",
			 when, x.st.digests, x.st.expired, x.st.not_yet);
		x.failed = 1;
		x.rc = DP_ENOTFOUND;
	}
	kd_clear(&x);
	XML_ParserFree(x.p);
	if (stats != NULL)
		*stats = x.st;
	if (x.failed) {
		ldns_rr_list_deep_free(x.ds);
		return x.rc;
	}
	*ds_out = x.ds;
	return DP_OK;
}
