/*
 * scenario.c - the scenario file parser and the reply builder of the
 * adversarial replayer (scenario.h; the format is in README.md).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tests/adversarial/scenario.h"

#define SCN_MAX_LINE 65535      /* a KeyTrap DNSKEY set is long, not this long */
#define SCN_MAX_MSGS 4096

typedef struct parser {
	scenario *s;
	scn_msg *cur;           /* the block the section lines go to */
	int line;
	char *err;
	size_t errlen;
} parser;

static int perr(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "line %d: ", p->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

void scenario_free(scenario *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->rule);
	free(s->twin);
	free(s->now);
	free(s->expect);
	free(s->reason);
	ldns_rdf_deep_free(s->qname);
	ldns_rr_list_deep_free(s->anchors);
	for (size_t i = 0; i < s->n_msgs; i++) {
		ldns_rdf_deep_free(s->msgs[i].qname);
		ldns_pkt_free(s->msgs[i].pkt);
	}
	free(s->msgs);
	free(s);
}

/* A single-valued text field, set once. */
static int set_text(parser *p, char **field, const char *key, const char *val)
{
	if (*field)
		return perr(p, "%s given twice", key);
	if (!*val)
		return perr(p, "%s needs a value", key);
	if (!(*field = strdup(val)))
		return perr(p, "out of memory");
	return 0;
}

/* "NAME TYPE": an absolute name and a type mnemonic (or TYPEnnn). */
static int parse_question(parser *p, const char *val, ldns_rdf **name, ldns_rr_type *type)
{
	char nm[LDNS_MAX_DOMAINLEN * 4 + 2], ty[32];

	if (sscanf(val, "%1020s %31s", nm, ty) != 2)
		return perr(p, "expected NAME TYPE");
	size_t l = strlen(nm);
	if (l == 0 || nm[l - 1] != '.')
		return perr(p, "name '%s' must be absolute (end in '.')", nm);
	if (ldns_str2rdf_dname(name, nm) != LDNS_STATUS_OK)
		return perr(p, "bad name '%s'", nm);
	*type = ldns_get_rr_type_by_name(ty);
	if (*type == 0) {
		ldns_rdf_deep_free(*name);
		*name = NULL;
		return perr(p, "unknown type '%s'", ty);
	}
	return 0;
}

/* One resource record in presentation format, absolute names only. */
static int parse_rr(parser *p, const char *val, ldns_rr **rr)
{
	ldns_status st = ldns_rr_new_frm_str(rr, val, 3600, NULL, NULL);

	if (st != LDNS_STATUS_OK)
		return perr(p, "bad record: %s", ldns_get_errorstr_by_id(st));
	/* Only class IN is ever asked; anything else is a typo. */
	if (ldns_rr_get_class(*rr) != LDNS_RR_CLASS_IN) {
		ldns_rr_free(*rr);
		return perr(p, "record not of class IN");
	}
	return 0;
}

static int add_query(parser *p, const char *val)
{
	scenario *s = p->s;
	ldns_rdf *name = NULL;
	ldns_rr_type type;

	if (parse_question(p, val, &name, &type) < 0)
		return -1;
	if (scenario_find(s, name, type)) {
		ldns_rdf_deep_free(name);
		return perr(p, "query %s recorded twice", val);
	}
	if (s->n_msgs >= SCN_MAX_MSGS) {
		ldns_rdf_deep_free(name);
		return perr(p, "more than %d queries", SCN_MAX_MSGS);
	}
	scn_msg *grown = realloc(s->msgs, (s->n_msgs + 1) * sizeof *grown);
	ldns_pkt *pkt = ldns_pkt_new();
	if (!grown || !pkt) {
		if (grown)
			s->msgs = grown;
		ldns_pkt_free(pkt);
		ldns_rdf_deep_free(name);
		return perr(p, "out of memory");
	}
	s->msgs = grown;
	ldns_pkt_set_qr(pkt, 1);
	ldns_pkt_set_rd(pkt, 1);
	ldns_pkt_set_ra(pkt, 1);
	p->cur = &s->msgs[s->n_msgs++];
	p->cur->qname = name;
	p->cur->qtype = type;
	p->cur->pkt = pkt;
	p->cur->line = p->line;
	return 0;
}

static int set_rcode(parser *p, const char *val)
{
	ldns_lookup_table *t = ldns_lookup_by_name(ldns_rcodes, val);

	if (!t)
		return perr(p, "unknown rcode '%s'", val);
	ldns_pkt_set_rcode(p->cur->pkt, (uint8_t)t->id);
	return 0;
}

/* "flags qr aa rd ra ad cd tc": the header bits of the reply, all of
 * them (a bit not named is clear). */
static int set_flags(parser *p, const char *val)
{
	static const char *const bits[] = { "qr", "aa", "tc", "rd", "ra", "ad", "cd" };
	ldns_pkt *pkt = p->cur->pkt;
	char w[8];
	int n, seen[7] = { 0 };

	while (sscanf(val, "%7s%n", w, &n) == 1) {
		size_t i;
		for (i = 0; i < 7; i++)
			if (strcasecmp(w, bits[i]) == 0)
				break;
		if (i == 7)
			return perr(p, "unknown flag '%s'", w);
		seen[i] = 1;
		val += n;
	}
	ldns_pkt_set_qr(pkt, 1);        /* a reply is a reply */
	ldns_pkt_set_aa(pkt, seen[1]);
	ldns_pkt_set_tc(pkt, seen[2]);
	ldns_pkt_set_rd(pkt, seen[3]);
	ldns_pkt_set_ra(pkt, seen[4]);
	ldns_pkt_set_ad(pkt, seen[5]);
	ldns_pkt_set_cd(pkt, seen[6]);
	return 0;
}

static int add_section_rr(parser *p, ldns_pkt_section sec, const char *val)
{
	ldns_rr *rr = NULL;

	if (parse_rr(p, val, &rr) < 0)
		return -1;
	if (!ldns_pkt_push_rr(p->cur->pkt, sec, rr)) {
		ldns_rr_free(rr);
		return perr(p, "out of memory");
	}
	return 0;
}

static int add_anchor(parser *p, const char *val)
{
	ldns_rr *rr = NULL;

	if (parse_rr(p, val, &rr) < 0)
		return -1;
	ldns_rr_type t = ldns_rr_get_type(rr);
	if (t != LDNS_RR_TYPE_DS && t != LDNS_RR_TYPE_DNSKEY) {
		ldns_rr_free(rr);
		return perr(p, "an anchor is a DS or DNSKEY record");
	}
	if (!ldns_rr_list_push_rr(p->s->anchors, rr)) {
		ldns_rr_free(rr);
		return perr(p, "out of memory");
	}
	return 0;
}

static int set_expect(parser *p, const char *val)
{
	static const char *const ok[] = { "secure", "insecure", "bogus", "indeterminate" };

	for (size_t i = 0; i < 4; i++)
		if (strcmp(val, ok[i]) == 0)
			return set_text(p, &p->s->expect, "expect", val);
	return perr(p, "expect must be secure, insecure, bogus or indeterminate, not '%s'", val);
}

static int set_unknown(parser *p, const char *val)
{
	if (strcmp(val, "refused") == 0)
		p->s->unknown = SCN_UNKNOWN_REFUSED;
	else if (strcmp(val, "servfail") == 0)
		p->s->unknown = SCN_UNKNOWN_SERVFAIL;
	else if (strcmp(val, "drop") == 0)
		p->s->unknown = SCN_UNKNOWN_DROP;
	else
		return perr(p, "unknown must be refused, servfail or drop");
	return 0;
}

static int set_ede(parser *p, const char *val)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (p->s->ede >= 0)
		return perr(p, "ede given twice");
	if (errno || end == val || *end || v < 0 || v > 65535)
		return perr(p, "ede must be a number 0-65535");
	p->s->ede = (int)v;
	return 0;
}

/* One line, split into its keyword and the rest. */
static int parse_line(parser *p, const char *key, const char *val)
{
	scenario *s = p->s;
	static const struct { const char *k; ldns_pkt_section sec; } secs[] = {
		{ "an", LDNS_SECTION_ANSWER }, { "ns", LDNS_SECTION_AUTHORITY },
		{ "ar", LDNS_SECTION_ADDITIONAL },
	};

	if (strcmp(key, "name") == 0)
		return set_text(p, &s->name, key, val);
	if (strcmp(key, "rule") == 0)
		return set_text(p, &s->rule, key, val);
	if (strcmp(key, "twin") == 0)
		return set_text(p, &s->twin, key, val);
	if (strcmp(key, "now") == 0)
		return set_text(p, &s->now, key, val);
	if (strcmp(key, "reason") == 0)
		return set_text(p, &s->reason, key, val);
	if (strcmp(key, "expect") == 0)
		return set_expect(p, val);
	if (strcmp(key, "ede") == 0)
		return set_ede(p, val);
	if (strcmp(key, "unknown") == 0)
		return set_unknown(p, val);
	if (strcmp(key, "anchor") == 0)
		return add_anchor(p, val);
	if (strcmp(key, "question") == 0) {
		if (s->qname)
			return perr(p, "question given twice");
		return parse_question(p, val, &s->qname, &s->qtype);
	}
	if (strcmp(key, "query") == 0)
		return add_query(p, val);
	if (!p->cur)
		return perr(p, "'%s' outside a query block (or unknown keyword)", key);
	if (strcmp(key, "rcode") == 0)
		return set_rcode(p, val);
	if (strcmp(key, "flags") == 0)
		return set_flags(p, val);
	for (size_t i = 0; i < 3; i++)
		if (strcmp(key, secs[i].k) == 0)
			return add_section_rr(p, secs[i].sec, val);
	return perr(p, "unknown keyword '%s'", key);
}

/* Every header field a run needs is there. */
static int check_complete(parser *p)
{
	scenario *s = p->s;
	const char *missing = !s->name ? "name" : !s->rule ? "rule" : !s->now ? "now"
			    : !s->expect ? "expect" : !s->qname ? "question"
			    : ldns_rr_list_rr_count(s->anchors) == 0 ? "anchor" : NULL;

	if (missing)
		return perr(p, "no '%s' line", missing);
	return 0;
}

/* Split buf (NUL-terminated, modified) into lines and parse each. */
static int parse_lines(parser *p, char *buf)
{
	char *line = buf;

	while (line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		p->line++;
		size_t l = strlen(line);
		while (l && isspace((unsigned char)line[l - 1]))
			line[--l] = '\0';
		char *k = line;
		while (isspace((unsigned char)*k))
			k++;
		if (*k && *k != '#') {
			char *v = k;
			while (*v && !isspace((unsigned char)*v))
				v++;
			if (*v)
				*v++ = '\0';
			while (isspace((unsigned char)*v))
				v++;
			if (strlen(v) > SCN_MAX_LINE)
				return perr(p, "line longer than %d bytes", SCN_MAX_LINE);
			if (parse_line(p, k, v) < 0)
				return -1;
		}
		line = nl ? nl + 1 : NULL;
	}
	return check_complete(p);
}

int scenario_parse(const char *text, size_t len, scenario **out, char *err, size_t errlen)
{
	parser p = { .err = err, .errlen = errlen };
	char *buf;
	int rc = -1;

	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "line 1: the file holds a NUL byte");
		return -1;
	}
	if (!(buf = malloc(len + 1)) || !(p.s = calloc(1, sizeof *p.s)) ||
	    !(p.s->anchors = ldns_rr_list_new())) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	p.s->ede = -1;
	if (parse_lines(&p, buf) == 0) {
		*out = p.s;
		p.s = NULL;
		rc = 0;
	}
out:
	scenario_free(p.s);
	free(buf);
	return rc;
}

int scenario_load(const char *path, scenario **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			char *g = realloc(buf, cap = cap ? cap * 2 : 65536);
			if (!g) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return -1;
			}
			buf = g;
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	rc = ferror(f) ? -1 : 0;
	fclose(f);
	if (rc < 0)
		snprintf(err, errlen, "%s: read error", path);
	else
		rc = scenario_parse(buf, len, out, err, errlen);
	free(buf);
	return rc;
}

const scn_msg *scenario_find(const scenario *s, const ldns_rdf *qname, ldns_rr_type qtype)
{
	for (size_t i = 0; i < s->n_msgs; i++)
		if (s->msgs[i].qtype == qtype && ldns_dname_compare(s->msgs[i].qname, qname) == 0)
			return &s->msgs[i];
	return NULL;
}

/* A copy of the recorded message (or an empty one with rcode) with the
 * query's ID, question, RD, CD and EDNS DO bit. */
static ldns_pkt *reply_for(const scenario *s, const ldns_pkt *q, const ldns_rr *qrr)
{
	const scn_msg *m = scenario_find(s, ldns_rr_owner(qrr), ldns_rr_get_type(qrr));
	ldns_pkt *r;

	if (m) {
		r = ldns_pkt_clone(m->pkt);
	} else {
		if (s->unknown == SCN_UNKNOWN_DROP || !(r = ldns_pkt_new()))
			return NULL;
		ldns_pkt_set_qr(r, 1);
		ldns_pkt_set_ra(r, 1);
		ldns_pkt_set_rcode(r, s->unknown == SCN_UNKNOWN_SERVFAIL ? LDNS_RCODE_SERVFAIL
									  : LDNS_RCODE_REFUSED);
	}
	if (!r)
		return NULL;
	ldns_rr *qc = ldns_rr_clone(qrr);
	ldns_rr_list_deep_free(ldns_pkt_question(r));
	ldns_pkt_set_question(r, ldns_rr_list_new());
	ldns_pkt_set_qdcount(r, 0);
	if (!qc || !ldns_pkt_question(r) || !ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, qc)) {
		ldns_rr_free(qc);
		ldns_pkt_free(r);
		return NULL;
	}
	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_rd(r, ldns_pkt_rd(q));
	ldns_pkt_set_cd(r, ldns_pkt_cd(q));
	if (ldns_pkt_edns(q)) {
		ldns_pkt_set_edns_udp_size(r, 1232);
		ldns_pkt_set_edns_do(r, ldns_pkt_edns_do(q));
		ldns_pkt_set_edns_data(r, NULL);
		/* ldns writes an OPT record only when some EDNS field is set;
		 * the UDP size is one. */
	}
	return r;
}

/* The reply cut down to header and question, with TC=1. */
static ldns_pkt *truncated(ldns_pkt *r)
{
	static const ldns_pkt_section secs[] = { LDNS_SECTION_ANSWER, LDNS_SECTION_AUTHORITY,
						 LDNS_SECTION_ADDITIONAL };
	for (size_t i = 0; i < 3; i++) {
		ldns_rr_list *l = ldns_rr_list_new();
		if (!l)
			return NULL;
		if (secs[i] == LDNS_SECTION_ANSWER) {
			ldns_rr_list_deep_free(ldns_pkt_answer(r));
			ldns_pkt_set_answer(r, l);
		} else if (secs[i] == LDNS_SECTION_AUTHORITY) {
			ldns_rr_list_deep_free(ldns_pkt_authority(r));
			ldns_pkt_set_authority(r, l);
		} else {
			ldns_rr_list_deep_free(ldns_pkt_additional(r));
			ldns_pkt_set_additional(r, l);
		}
	}
	ldns_pkt_set_ancount(r, 0);
	ldns_pkt_set_nscount(r, 0);
	ldns_pkt_set_arcount(r, 0);
	ldns_pkt_set_tc(r, 1);
	return r;
}

int scenario_answer(const scenario *s, const uint8_t *q, size_t qlen, int tcp,
		    uint8_t **out, size_t *outlen)
{
	ldns_pkt *qp = NULL, *r = NULL;
	uint8_t *wire = NULL;
	size_t wlen = 0;
	int rc = 0;

	if (ldns_wire2pkt(&qp, q, qlen) != LDNS_STATUS_OK)
		return 0;
	/* Only a standard query with one question gets a reply. */
	if (ldns_pkt_qr(qp) || ldns_pkt_get_opcode(qp) != LDNS_PACKET_QUERY ||
	    ldns_rr_list_rr_count(ldns_pkt_question(qp)) != 1)
		goto done;
	r = reply_for(s, qp, ldns_rr_list_rr(ldns_pkt_question(qp), 0));
	if (!r) {
		rc = s->unknown == SCN_UNKNOWN_DROP &&
		     !scenario_find(s, ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(qp), 0)),
				    ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(qp), 0)))
			? 0 : -1;
		goto done;
	}
	size_t max = tcp ? 65535 : ldns_pkt_edns(qp) && ldns_pkt_edns_udp_size(qp) > 512
				   ? ldns_pkt_edns_udp_size(qp) : 512;
	if (ldns_pkt2wire(&wire, r, &wlen) != LDNS_STATUS_OK) {
		rc = -1;
		goto done;
	}
	if (wlen > max) {
		free(wire);
		wire = NULL;
		if (!truncated(r) || ldns_pkt2wire(&wire, r, &wlen) != LDNS_STATUS_OK) {
			rc = -1;
			goto done;
		}
	}
	if (wlen > 65535) {
		free(wire);
		goto done;
	}
	*out = wire;
	*outlen = wlen;
	rc = 1;
done:
	ldns_pkt_free(qp);
	ldns_pkt_free(r);
	return rc;
}
