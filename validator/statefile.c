/*
 * statefile.c - reading and writing the RFC 5011 state file (statefile.h).
 *
 * Format (version 1), one fact per line, ';' starts a comment:
 *
 *   version 1
 *   trust-point .
 *   last-success 1790000000
 *   last-attempt 1790000000
 *   next-probe 1790043200
 *   high-water 1790000000
 *   ttl 172800
 *   sig-expiry 1791000000
 *   key TAG ALG STATE FIRST-SEEN LAST-CHANGE SEEN MISSING dnskey FLAGS PROTO ALG KEY
 *   key TAG ALG STATE FIRST-SEEN LAST-CHANGE SEEN MISSING ds TAG ALG DIGESTTYPE DIGEST
 *   end
 *
 * The parser trusts nothing: every number is range-checked, every key's
 * tag and algorithm must match its record, and the "end" line must be
 * there (a file cut short by a crash or a full disk has none).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include "validator/statefile.h"
#include "validator/atomicfile.h"
#include "validator/readfile.h"

#define SF_MAX_LINE 8192
#define SF_MAX_TIME ((int64_t)1 << 40)

/* ---- parsing ---- */

typedef struct sf_parser {
	rfc5011_tp *tp;
	size_t line;
	int have_version, have_end;
	unsigned have_fields;
	char *err;
	size_t errlen;
} sf_parser;

static int perr(sf_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int perr(sf_parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "line %zu: ", p->line);

	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return DP_EPARSE;
}

/* A decimal number of digits only, at most max. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 20)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int parse_time(sf_parser *p, const char *s, int64_t *out)
{
	uint64_t v;

	if (parse_u64(s, (uint64_t)SF_MAX_TIME, &v) != 0)
		return perr(p, "bad time '%s' (seconds since 1970 expected)", s ? s : "");
	*out = (int64_t)v;
	return DP_OK;
}

/* Split line in place into at most max tokens; the last token keeps the
 * rest of the line when rest is set.  Returns the count. */
static size_t split(char *line, char **tok, size_t max, int rest)
{
	size_t n = 0;
	char *s = line;

	while (n < max) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s == '\0')
			break;
		tok[n++] = s;
		if (rest && n == max)
			break;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
	return n;
}

static int parse_record(sf_parser *p, const char *kind, const char *rdata, ldns_rr **out)
{
	char *zone = ldns_rdf2str(p->tp->zone);
	char *text;
	ldns_rr *rr = NULL;
	ldns_rr_type want = strcmp(kind, "dnskey") == 0 ? LDNS_RR_TYPE_DNSKEY : LDNS_RR_TYPE_DS;
	ldns_status st;
	int n;

	if (zone == NULL)
		return DP_ENOMEM;
	n = asprintf(&text, "%s 0 IN %s %s", zone, want == LDNS_RR_TYPE_DS ? "DS" : "DNSKEY", rdata);
	free(zone);
	if (n < 0)
		return DP_ENOMEM;
	st = ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL);
	free(text);
	if (st != LDNS_STATUS_OK)
		return perr(p, "bad %s record: %s", kind, ldns_get_errorstr_by_id(st));
	if (ldns_rr_get_type(rr) != want || ldns_rr_rd_count(rr) != 4 ||
	    ldns_dname_compare(ldns_rr_owner(rr), p->tp->zone) != 0) {
		ldns_rr_free(rr);
		return perr(p, "bad %s record", kind);
	}
	*out = rr;
	return DP_OK;
}

static int parse_key(sf_parser *p, char *rest)
{
	char *t[10];
	uint64_t tag, alg, seen, miss, rtag, ralg;
	int st, rc;
	rfc5011_key k;
	ldns_rr *rr = NULL;

	memset(&k, 0, sizeof(k));
	if (p->tp->n_keys >= RFC5011_MAX_KEYS)
		return perr(p, "more than %d keys", RFC5011_MAX_KEYS);
	if (split(rest, t, 9, 1) != 9)
		return perr(p, "key line needs: TAG ALG STATE FIRST-SEEN LAST-CHANGE SEEN MISSING dnskey|ds RDATA");
	if (parse_u64(t[0], 65535, &tag) != 0 || parse_u64(t[1], 255, &alg) != 0)
		return perr(p, "bad key tag or algorithm");
	if ((st = rfc5011_state_parse(t[2])) < 0)
		return perr(p, "unknown key state '%s'", t[2]);
	if ((rc = parse_time(p, t[3], &k.first_seen)) != DP_OK ||
	    (rc = parse_time(p, t[4], &k.last_change)) != DP_OK)
		return rc;
	if (parse_u64(t[5], UINT32_MAX, &seen) != 0 || parse_u64(t[6], UINT32_MAX, &miss) != 0)
		return perr(p, "bad seen/missing count");
	if (strcmp(t[7], "dnskey") != 0 && strcmp(t[7], "ds") != 0)
		return perr(p, "expected 'dnskey' or 'ds', not '%s'", t[7]);
	if ((rc = parse_record(p, t[7], t[8], &rr)) != DP_OK)
		return rc;
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY) {
		rtag = ldns_calc_keytag(rr);
		ralg = ldns_rdf2native_int8(ldns_rr_rdf(rr, 2));
		k.dnskey = rr;
	} else {
		rtag = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		ralg = ldns_rdf2native_int8(ldns_rr_rdf(rr, 1));
		k.ds = rr;
	}
	if (rtag != tag || ralg != alg) {
		ldns_rr_free(rr);
		return perr(p, "key tag %llu/algorithm %llu do not match the record (%llu/%llu)",
			    (unsigned long long)tag, (unsigned long long)alg,
			    (unsigned long long)rtag, (unsigned long long)ralg);
	}
	if (k.ds != NULL && st != RFC5011_VALID && st != RFC5011_MISSING) {
		ldns_rr_free(rr);
		return perr(p, "a key known only by its DS must be valid or missing");
	}
	k.tag = (uint16_t)tag;
	k.alg = (uint8_t)alg;
	k.state = (rfc5011_state)st;
	k.seen_count = (uint32_t)seen;
	k.missing_count = (uint32_t)miss;
	rfc5011_key *nk = realloc(p->tp->keys, (p->tp->n_keys + 1) * sizeof(*nk));
	if (nk == NULL) {
		ldns_rr_free(rr);
		return DP_ENOMEM;
	}
	p->tp->keys = nk;
	nk[p->tp->n_keys++] = k;
	return DP_OK;
}

static const char *const sf_fields[] = {
	"last-success", "last-attempt", "next-probe", "high-water", "ttl", "sig-expiry"
};

static int parse_field(sf_parser *p, size_t i, const char *val)
{
	rfc5011_tp *tp = p->tp;
	int64_t *dst[] = { &tp->last_success, &tp->last_attempt, &tp->next_probe,
			   &tp->high_water, NULL, &tp->sig_expiry };
	uint64_t v;

	if (p->have_fields & (1u << i))
		return perr(p, "'%s' given twice", sf_fields[i]);
	p->have_fields |= 1u << i;
	if (dst[i] != NULL)
		return parse_time(p, val, dst[i]);
	if (parse_u64(val, UINT32_MAX, &v) != 0)
		return perr(p, "bad ttl '%s'", val ? val : "");
	tp->ttl = (uint32_t)v;
	return DP_OK;
}

static int parse_trust_point(sf_parser *p, const char *name)
{
	ldns_rdf *zone = NULL;
	int rc;

	if (p->tp != NULL)
		return perr(p, "second trust-point (one per file)");
	if (name == NULL || ldns_str2rdf_dname(&zone, name) != LDNS_STATUS_OK)
		return perr(p, "bad trust-point name");
	rc = rfc5011_tp_new(zone, &p->tp);
	ldns_rdf_deep_free(zone);
	return rc;
}

static int parse_line(sf_parser *p, char *line)
{
	char *t[3];
	size_t n;
	char *semi = strchr(line, ';');

	if (semi != NULL)
		*semi = '\0';
	n = split(line, t, 2, 1);
	if (n == 0)
		return DP_OK;
	if (n == 2) {
		/* the rest of the line keeps its trailing blanks */
		char *e = t[1] + strlen(t[1]);
		while (e > t[1] && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
	}
	if (p->have_end)
		return perr(p, "text after 'end'");
	if (!p->have_version) {
		if (strcmp(t[0], "version") != 0 || n != 2)
			return perr(p, "the file must start with 'version 1'");
		if (strcmp(t[1], "1") != 0)
			return perr(p, "unsupported state file version '%s'", t[1]);
		p->have_version = 1;
		return DP_OK;
	}
	if (p->tp == NULL && strcmp(t[0], "trust-point") != 0)
		return perr(p, "'trust-point' must follow 'version'");
	if (strcmp(t[0], "trust-point") == 0)
		return n == 2 ? parse_trust_point(p, t[1]) : perr(p, "trust-point needs a name");
	if (strcmp(t[0], "end") == 0 && n == 1) {
		p->have_end = 1;
		return DP_OK;
	}
	if (strcmp(t[0], "key") == 0 && n == 2)
		return parse_key(p, t[1]);
	for (size_t i = 0; i < sizeof(sf_fields) / sizeof(sf_fields[0]); i++) {
		if (strcmp(t[0], sf_fields[i]) != 0)
			continue;
		if (n != 2 || strpbrk(t[1], " \t") != NULL)
			return perr(p, "'%s' takes one value", sf_fields[i]);
		return parse_field(p, i, t[1]);
	}
	return perr(p, "unknown line '%.40s'", t[0]);
}

int statefile_parse(const char *text, size_t len, rfc5011_tp **out, char *err, size_t errlen)
{
	sf_parser p;
	char *buf, *line, *next;
	int rc = DP_OK;
	char dummy[8];

	memset(&p, 0, sizeof(p));
	p.err = err != NULL && errlen > 0 ? err : dummy;
	p.errlen = err != NULL && errlen > 0 ? errlen : sizeof(dummy);
	p.err[0] = '\0';
	if (text == NULL || out == NULL)
		return DP_EINVAL;
	if (len > STATEFILE_MAX_SIZE)
		return perr(&p, "state file larger than %d bytes", STATEFILE_MAX_SIZE);
	if (memchr(text, '\0', len) != NULL)
		return perr(&p, "NUL byte in the state file");
	if ((buf = malloc(len + 1)) == NULL)
		return DP_ENOMEM;
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (line = buf; rc == DP_OK && line != NULL && *line != '\0'; line = next) {
		p.line++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strlen(line) > SF_MAX_LINE)
			rc = perr(&p, "line longer than %d bytes", SF_MAX_LINE);
		else
			rc = parse_line(&p, line);
	}
	free(buf);
	if (rc == DP_OK && !p.have_end) {
		p.line++;
		rc = perr(&p, "no 'end' line: the file is truncated");
	}
	if (rc == DP_OK && p.tp->n_keys == 0)
		rc = perr(&p, "no key in the state file");
	if (rc != DP_OK) {
		rfc5011_tp_free(p.tp);
		return rc;
	}
	*out = p.tp;
	return DP_OK;
}

/* ---- writing ---- */

int statefile_save(const char *path, const rfc5011_tp *tp, int64_t now,
		   const statefile_io *io, char *err, size_t errlen)
{
	/* The caller holds statefile_lock, the lock dp_file_replace takes
	 * otherwise; the file keeps its owner, group and mode (issue 17). */
	dp_replace_opts o = { .mode = 0644, .what = "state file", .locked = 1 };
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (path == NULL || tp == NULL)
		return DP_EINVAL;
	if ((rc = statefile_format(tp, now, &text, &len)) != DP_OK)
		return rc;
	if (io != NULL) {
		o.write = io->write;
		o.write_arg = io->arg;
	}
	rc = dp_file_replace(path, text, len, &o, err, errlen);
	free(text);
	return rc;
}

int statefile_lock(const char *path, int *fd_out, char *err, size_t errlen)
{
	char *real = NULL;
	int rc;

	if (path == NULL || fd_out == NULL)
		return DP_EINVAL;
	/* The lock of the real file, beside it, as every writer takes it. */
	if ((rc = dp_file_real(path, &real, err, errlen)) != DP_OK)
		return rc;
	rc = dp_file_lock(real, 0, fd_out, err, errlen);
	free(real);
	return rc;
}

void statefile_unlock(int fd)
{
	/* dp_file_unlock also removes the lock file (atomicfile.c). */
	dp_file_unlock(fd);
}

/* ---- reading ---- */

int statefile_builtin(const char *ds_text, int64_t now, rfc5011_tp **out, char *err, size_t errlen)
{
	char *text = strdup(ds_text != NULL ? ds_text : ""), *line, *next;
	size_t lineno = 0;
	rfc5011_tp *tp = NULL;
	ldns_rdf *root = NULL;
	int rc = DP_OK;

	if (text == NULL || (root = ldns_dname_new_frm_str(".")) == NULL ||
	    rfc5011_tp_new(root, &tp) != DP_OK) {
		rc = DP_ENOMEM;
		goto out;
	}
	for (line = text; line != NULL && *line != '\0'; line = next) {
		ldns_rr *rr = NULL;
		size_t skip;

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		skip = strspn(line, " \t\r");
		if (line[skip] == '\0' || line[skip] == ';' || line[skip] == '#')
			continue;
		if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) != LDNS_STATUS_OK ||
		    ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS || rfc5011_add_ds(tp, rr, now) != DP_OK) {
			ldns_rr_free(rr);
			snprintf(err, errlen, "built-in anchors line %zu: not a DS record of the root",
				 lineno);
			rc = DP_EPARSE;
			goto out;
		}
		ldns_rr_free(rr);
	}
	if (tp->n_keys == 0) {
		snprintf(err, errlen, "the built-in anchors hold no DS record");
		rc = DP_EPARSE;
	}
out:
	free(text);
	ldns_rdf_deep_free(root);
	if (rc != DP_OK) {
		rfc5011_tp_free(tp);
		return rc;
	}
	*out = tp;
	return DP_OK;
}

int statefile_load(const char *path, const char *ds_text, int64_t now,
		   rfc5011_tp **out, int *fell_back, char *msg, size_t msglen)
{
	char *text = NULL;
	char why[256] = "";
	char berr[256] = "";
	size_t len = 0;
	int rc, eno = 0;

	*fell_back = 0;
	rc = dp_read_file_max(path, STATEFILE_MAX_SIZE, &text, &len, NULL, 0);
	eno = errno;
	if (rc == DP_OK) {
		rc = statefile_parse(text, len, out, why, sizeof(why));
		free(text);
		if (rc == DP_OK) {
			snprintf(msg, msglen, "state file %s loaded", path);
			return DP_OK;
		}
		if (rc == DP_ENOMEM)
			return rc;
	} else if (rc == DP_ENOMEM) {
		return rc;
	} else {   /* DP_EIO or DP_ELIMIT: errno says which (EFBIG) */
		snprintf(why, sizeof(why), "%s", strerror(eno));
	}
	rc = statefile_builtin(ds_text, now, out, berr, sizeof(berr));
	if (rc != DP_OK) {
		snprintf(msg, msglen, "state file %s unusable (%s) and %s", path, why, berr);
		return rc;
	}
	*fell_back = 1;
	snprintf(msg, msglen, "state file %s unusable (%s): using the built-in anchors", path, why);
	return DP_OK;
}

/* ---- the anchors for a run ---- */

int statefile_trust_anchors(const rfc5011_tp *tp, val_anchors **out)
{
	val_anchors *a;
	ldns_rr_list *ds = NULL, *keys = NULL;
	int rc;

	if (tp == NULL || out == NULL)
		return DP_EINVAL;
	if ((rc = rfc5011_tp_trusted(tp, &ds, &keys)) != DP_OK)
		return rc;
	a = calloc(1, sizeof(*a));
	if (a == NULL || (a->points = calloc(1, sizeof(*a->points))) == NULL ||
	    (a->points[0].zone = ldns_rdf_clone(tp->zone)) == NULL) {
		if (a != NULL)
			free(a->points);
		free(a);
		ldns_rr_list_deep_free(ds);
		ldns_rr_list_deep_free(keys);
		return DP_ENOMEM;
	}
	a->n_points = 1;
	a->points[0].ds = ds;
	a->points[0].keys = keys;
	*out = a;
	return DP_OK;
}

int statefile_load_anchors(const char *path, const char *ds_text, int64_t now,
			   val_anchors **out, int *fell_back, char *msg, size_t msglen)
{
	rfc5011_tp *tp = NULL;
	int rc = statefile_load(path, ds_text, now, &tp, fell_back, msg, msglen);

	if (rc != DP_OK)
		return rc;
	rc = statefile_trust_anchors(tp, out);
	if (rc == DP_ENOTFOUND)
		snprintf(msg, msglen, "state file %s: every root key is revoked or removed: "
			 "run `daneprobe anchor bootstrap`", path);
	rfc5011_tp_free(tp);
	return rc;
}
