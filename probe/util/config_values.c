/* config_values.c - see config_values.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "probe/util/config_values.h"
#include "probe/util/escape.h"

#define CFG_MAX_PATH 4096
#define CFG_MAX_RESOLVER_NAME 127   /* dp_resolver_result.name is 128 bytes */

typedef struct vcheck {
	const dp_ynode *bad;
	char *why;
	size_t whylen;
} vcheck;

static int vfail(vcheck *v, const dp_ynode *n, const char *what, const char *problem)
{
	char ex[96];

	v->bad = n;
	snprintf(v->why, v->whylen, "%s \"%s\": %s", what,
		 dp_esc(ex, sizeof ex, n->value ? n->value : ""), problem);
	return -1;
}

const char *dp_dname_problem(const char *text)
{
	size_t len = text ? strlen(text) : 0, label = 0;
	ldns_rdf *dn = NULL;

	if (len == 0)
		return "empty: not a domain name";
	if (strcmp(text, ".") == 0)
		return NULL;
	if (len > 254 || (len == 254 && text[253] != '.'))
		return "longer than 253 characters: not a domain name (RFC 1035 2.3.4)";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c <= 0x20 || c >= 0x7f)
			return "a space, control or non-ASCII character: not a domain name";
		if (c == '.') {
			if (label == 0)
				return "an empty label (\"..\" or a leading dot)";
			label = 0;
		} else if (++label > 63) {
			return "a label longer than 63 characters (RFC 1035 2.3.4)";
		}
	}
	/* The same parser the queries use must take it, escapes included. */
	if (ldns_str2rdf_dname(&dn, text) != LDNS_STATUS_OK)
		return "not a domain name";
	ldns_rdf_deep_free(dn);
	return NULL;
}

/* A scalar, or a list of scalars, each a domain name. */
static int check_names(vcheck *v, const dp_ynode *n, const char *what)
{
	const char *p;

	if (n == NULL)
		return 0;
	if (n->type == DP_YSEQ) {
		for (size_t i = 0; i < n->n_items; i++)
			if (check_names(v, n->items[i], what) < 0)
				return -1;
		return 0;
	}
	if (n->type != DP_YSCALAR) {
		v->bad = n;
		snprintf(v->why, v->whylen, "'%s' must be a domain name or a list of them", what);
		return -1;
	}
	/* A null item ("- ~", "[null]") is no name either. */
	if ((p = dp_dname_problem(n->is_null ? "" : n->value)) != NULL)
		return vfail(v, n, what, p);
	return 0;
}

/* "NAME" or "NAME TYPE" (probe.names.big_answer, unknown_type). */
static int check_name_type(vcheck *v, const dp_ynode *n, const char *what)
{
	char name[300];
	const char *sp, *p;

	if (n == NULL)
		return 0;
	if (n->type != DP_YSCALAR)
		return check_names(v, n, what);
	sp = strchr(n->value, ' ');
	if (sp == NULL)
		return check_names(v, n, what);
	if ((size_t)(sp - n->value) >= sizeof name)
		return vfail(v, n, what, "longer than 253 characters: not a domain name");
	memcpy(name, n->value, (size_t)(sp - n->value));
	name[sp - n->value] = '\0';
	if ((p = dp_dname_problem(name)) != NULL)
		return vfail(v, n, what, p);
	if (ldns_get_rr_type_by_name(sp + 1) == 0)
		return vfail(v, n, what, "unknown record type after the name (use e.g. \"example.org TXT\")");
	return 0;
}

/* probe.names.algorithms / nsec3_iterations: NUMBER: NAME. */
static int check_number_map(vcheck *v, const dp_ynode *m, const char *what, long max)
{
	if (m == NULL)
		return 0;
	if (m->type != DP_YMAP) {
		v->bad = m;
		snprintf(v->why, v->whylen, "'%s' must be a mapping of numbers to domain names", what);
		return -1;
	}
	for (size_t i = 0; i < m->n_items; i++) {
		const dp_ynode *it = m->items[i];
		char *end;
		long k = strtol(it->key, &end, 10);

		if (*it->key == '\0' || *end != '\0' || k < 0 || k > max) {
			v->bad = it;
			snprintf(v->why, v->whylen, "'%s' keys must be numbers from 0 to %ld", what, max);
			return -1;
		}
		if (check_names(v, it, what) < 0)
			return -1;
	}
	return 0;
}

static int check_probe_names(vcheck *v, const dp_config *cfg)
{
	static const char *const lists[] = { "secure", "insecure", "bogus", "dane", "nsec", "nsec3",
					     "large_dnskey", "insecure_child", NULL };
	static const char *const known[] = { "secure", "insecure", "bogus", "dane", "nsec", "nsec3",
					     "large_dnskey", "insecure_child", "big_answer", "unknown_type",
					     "algorithms", "nsec3_iterations", NULL };
	const dp_ynode *m = dp_config_get(cfg, "probe.names");
	char what[64];

	if (m == NULL || m->type != DP_YMAP)
		return 0;   /* config.c reports a non-mapping */
	for (size_t i = 0; i < m->n_items; i++) {
		size_t k;
		for (k = 0; known[k] != NULL && strcmp(known[k], m->items[i]->key) != 0; k++)
			;
		if (known[k] == NULL) {
			v->bad = m->items[i];
			snprintf(v->why, v->whylen, "unknown key '%s' in probe.names", m->items[i]->key);
			return -1;
		}
	}
	for (size_t k = 0; lists[k] != NULL; k++) {
		snprintf(what, sizeof what, "probe.names.%s", lists[k]);
		if (check_names(v, dp_ynode_child(m, lists[k]), what) < 0)
			return -1;
	}
	return check_name_type(v, dp_ynode_child(m, "big_answer"), "probe.names.big_answer") < 0
	       || check_name_type(v, dp_ynode_child(m, "unknown_type"), "probe.names.unknown_type") < 0
	       || check_number_map(v, dp_ynode_child(m, "algorithms"), "probe.names.algorithms", 255) < 0
	       || check_number_map(v, dp_ynode_child(m, "nsec3_iterations"), "probe.names.nsec3_iterations", 65535) < 0
		? -1 : 0;
}

/* Printable, not empty, not too long: a path or a URL. */
static int check_text(vcheck *v, const dp_ynode *n, const char *what, size_t max)
{
	size_t len;

	if (n == NULL || n->type != DP_YSCALAR)
		return 0;   /* config.c reports a non-scalar */
	len = strlen(n->value);
	if (len == 0)
		return vfail(v, n, what, "empty");
	if (len > max) {
		v->bad = n;
		snprintf(v->why, v->whylen, "'%s' is longer than %zu characters", what, max);
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)n->value[i] < 0x20 || (unsigned char)n->value[i] == 0x7f)
			return vfail(v, n, what, "a control character");
	return 0;
}

static int check_url(vcheck *v, const dp_ynode *n, const char *what, int builtin_ok)
{
	if (n == NULL || n->type != DP_YSCALAR)
		return 0;
	if (check_text(v, n, what, CFG_MAX_PATH) < 0)
		return -1;
	if (builtin_ok && strcmp(n->value, "builtin") == 0)
		return 0;
	if (strncmp(n->value, "https://", 8) != 0 && strncmp(n->value, "http://", 7) != 0)
		return vfail(v, n, what, builtin_ok ? "must be 'builtin' or an http(s):// URL"
						    : "must be an http(s):// URL");
	if (strchr(n->value, ' ') != NULL)
		return vfail(v, n, what, "a space in a URL");
	return 0;
}

int dp_days_parse(const char *s, int *out)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > DP_DAYS_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

int dp_bool_word(const char *s)
{
	static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };

	for (size_t i = 0; s != NULL && i < 3; i++) {
		if (strcmp(s, yes[i]) == 0)
			return 1;
		if (strcmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* The warning settings of issue 13 (dane.cert_warn_days, ...). */
static int check_dane_warn(vcheck *v, const dp_config *cfg)
{
	static const char *const days[] = { "dane.cert_warn_days", "dane.rrsig_warn_days", NULL };
	const dp_ynode *n;
	int d;

	for (size_t i = 0; days[i] != NULL; i++) {
		n = dp_config_get(cfg, days[i]);
		if (n != NULL && (n->type != DP_YSCALAR || dp_days_parse(n->value, &d) < 0))
			return vfail(v, n, days[i], "must be a whole number of days from 0 (no warning) to 3650");
	}
	n = dp_config_get(cfg, "dane.warn_single_key");
	if (n != NULL && (n->type != DP_YSCALAR || dp_bool_word(n->value) < 0))
		return vfail(v, n, "dane.warn_single_key", "must be true or false");
	return 0;
}

int dp_config_check_values(const dp_config *cfg, const dp_ynode **bad, char *why, size_t whylen)
{
	vcheck v = { NULL, why, whylen };
	static const char *const paths[] = { "anchors.state_file", "anchors.file",
					     "alert.prometheus_textfile", "alert.state_dir", "report.html",
					     NULL };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < cfg->n_resolvers; i++) {
		const dp_ynode *n = dp_ynode_child(cfg->resolvers[i].node, "name");
		rc = check_text(&v, n, "resolver name", CFG_MAX_RESOLVER_NAME);
		if (rc == 0 && n != NULL && n->type == DP_YSCALAR && strchr(n->value, '\\') != NULL)
			rc = vfail(&v, n, "resolver name", "a backslash");
	}
	for (size_t i = 0; rc == 0 && paths[i] != NULL; i++)
		rc = check_text(&v, dp_config_get(cfg, paths[i]), paths[i], CFG_MAX_PATH);
	if (rc == 0)
		rc = check_url(&v, dp_config_get(cfg, "anchors.bootstrap"), "anchors.bootstrap", 1);
	if (rc == 0)
		rc = check_url(&v, dp_config_get(cfg, "alert.webhook"), "alert.webhook", 0);
	if (rc == 0)   /* "destinations:" alone is YAML null: absent here */
		rc = check_names(&v, dp_config_get(cfg, "dane.destinations"), "dane.destinations");
	if (rc == 0)
		rc = check_probe_names(&v, cfg);
	if (rc == 0)
		rc = check_dane_warn(&v, cfg);
	if (rc != 0 && bad != NULL)
		*bad = v.bad;
	return rc;
}
