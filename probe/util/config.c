/*
 * config.c - load daneprobe.yaml with libyaml.
 *
 * The file is read whole and parsed into a small node tree that keeps each
 * value's line, column and byte offsets: errors can then point at the
 * exact spot, and `order --write` can replace the bytes of one scalar and
 * leave every other byte of the file, comments included, as it was.
 * Anchors, aliases and tags are refused: a configuration file has no need
 * of them, and aliases are how YAML "billion laughs" documents are built.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "probe/util/config.h"
#include "probe/util/addr.h"
#include "probe/util/config_values.h"
#include "probe/util/fileio.h"

#define DP_CONFIG_MAX_BYTES (1 << 20)   /* a config file is small */
#define DP_CONFIG_MAX_DEPTH 32

typedef struct cfg_parser {
	yaml_parser_t yp;
	const char *path;
	char *err;
	size_t errlen;
	int failed;
} cfg_parser;

static void cfg_fail(cfg_parser *p, size_t line, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cfg_fail(cfg_parser *p, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;        /* the first error is the one worth reporting */
	p->failed = 1;
	n = snprintf(p->err, p->errlen, "%s:%zu:%zu: ", p->path, line, col);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void ynode_free(dp_ynode *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n_items; i++)
		ynode_free(n->items[i]);
	free(n->items);
	free(n->key);
	free(n->value);
	free(n);
}

static dp_ynode *ynode_new(dp_ynode_type t, const yaml_mark_t *start, const yaml_mark_t *end)
{
	dp_ynode *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->type = t;
	n->line = start->line + 1;
	n->col = start->column + 1;
	n->start = start->index;
	n->end = end->index;
	return n;
}

static int ynode_append(dp_ynode *parent, dp_ynode *child)
{
	dp_ynode **items = realloc(parent->items, (parent->n_items + 1) * sizeof(*items));

	if (items == NULL)
		return -1;
	parent->items = items;
	parent->items[parent->n_items++] = child;
	return 0;
}

/* Pull the next event; reports libyaml's own syntax errors with position. */
static int cfg_next(cfg_parser *p, yaml_event_t *ev)
{
	if (yaml_parser_parse(&p->yp, ev))
		return 0;
	cfg_fail(p, p->yp.problem_mark.line + 1, p->yp.problem_mark.column + 1,
		 "YAML syntax error: %s%s%s", p->yp.problem ? p->yp.problem : "unknown",
		 p->yp.context ? " " : "", p->yp.context ? p->yp.context : "");
	return -1;
}

/* YAML 1.1/1.2 core schema: a plain scalar that is empty, ~ or null. */
static int yaml_null(const yaml_event_t *ev, const char *v)
{
	return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
		strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0);
}

static dp_ynode *cfg_node(cfg_parser *p, yaml_event_t *ev, int depth);

/* Build the children of a sequence or mapping whose start event was seen. */
static int cfg_children(cfg_parser *p, dp_ynode *n, int depth)
{
	yaml_event_type_t end = n->type == DP_YSEQ ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;

	for (;;) {
		yaml_event_t ev;
		char *key = NULL;
		dp_ynode *child;
		size_t kline = 0, kcol = 0;

		if (cfg_next(p, &ev) < 0)
			return -1;
		if (ev.type == end) {
			n->end = ev.end_mark.index;
			yaml_event_delete(&ev);
			return 0;
		}
		if (n->type == DP_YMAP) {
			if (ev.type != YAML_SCALAR_EVENT) {
				cfg_fail(p, ev.start_mark.line + 1, ev.start_mark.column + 1,
					 "a mapping key must be a plain string");
				yaml_event_delete(&ev);
				return -1;
			}
			key = strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			kline = ev.start_mark.line + 1;
			kcol = ev.start_mark.column + 1;
			for (size_t i = 0; key != NULL && i < n->n_items; i++) {
				if (strcmp(n->items[i]->key, key) == 0) {
					cfg_fail(p, ev.start_mark.line + 1, ev.start_mark.column + 1,
						 "duplicate key '%s'", key);
					free(key);
					yaml_event_delete(&ev);
					return -1;
				}
			}
			yaml_event_delete(&ev);
			if (key == NULL || cfg_next(p, &ev) < 0) {
				free(key);
				return -1;
			}
		}
		child = cfg_node(p, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (child == NULL) {
			free(key);
			return -1;
		}
		child->key = key;
		child->key_line = kline;
		child->key_col = kcol;
		if (ynode_append(n, child) < 0) {
			ynode_free(child);
			return -1;
		}
	}
}

static dp_ynode *cfg_node(cfg_parser *p, yaml_event_t *ev, int depth)
{
	dp_ynode *n = NULL;
	size_t line = ev->start_mark.line + 1, col = ev->start_mark.column + 1;

	if (depth > DP_CONFIG_MAX_DEPTH) {
		cfg_fail(p, line, col, "nesting deeper than %d levels", DP_CONFIG_MAX_DEPTH);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor || ev->data.scalar.tag) {
			cfg_fail(p, line, col, "YAML anchors and tags are not allowed here");
			return NULL;
		}
		n = ynode_new(DP_YSCALAR, &ev->start_mark, &ev->end_mark);
		if (n != NULL) {
			n->value = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
			if (n->value == NULL) {
				ynode_free(n);
				n = NULL;
			} else {
				n->is_null = yaml_null(ev, n->value);
			}
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if ((ev->type == YAML_SEQUENCE_START_EVENT && (ev->data.sequence_start.anchor || ev->data.sequence_start.tag))
		    || (ev->type == YAML_MAPPING_START_EVENT && (ev->data.mapping_start.anchor || ev->data.mapping_start.tag))) {
			cfg_fail(p, line, col, "YAML anchors and tags are not allowed here");
			return NULL;
		}
		n = ynode_new(ev->type == YAML_SEQUENCE_START_EVENT ? DP_YSEQ : DP_YMAP,
			      &ev->start_mark, &ev->end_mark);
		if (n != NULL && cfg_children(p, n, depth) < 0) {
			ynode_free(n);
			return NULL;
		}
		break;
	case YAML_ALIAS_EVENT:
		cfg_fail(p, line, col, "YAML aliases are not allowed in the configuration");
		return NULL;
	default:
		cfg_fail(p, line, col, "unexpected YAML structure");
		return NULL;
	}
	if (n == NULL)
		cfg_fail(p, line, col, "out of memory");
	return n;
}

/* Parse the whole stream: empty, or one document whose root is a map. */
static dp_ynode *cfg_tree(cfg_parser *p)
{
	yaml_event_t ev;
	dp_ynode *root = NULL;

	for (;;) {
		if (cfg_next(p, &ev) < 0)
			goto fail;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			if (root != NULL) {
				cfg_fail(p, ev.start_mark.line + 1, ev.start_mark.column + 1,
					 "only one YAML document is allowed");
				yaml_event_delete(&ev);
				goto fail;
			}
			yaml_event_delete(&ev);
			continue;
		}
		if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 && root == NULL) {
			yaml_event_delete(&ev);   /* "---" followed by nothing */
			continue;
		}
		if (ev.type != YAML_MAPPING_START_EVENT || root != NULL) {
			cfg_fail(p, ev.start_mark.line + 1, ev.start_mark.column + 1,
				 "the configuration must be a mapping (key: value)");
			yaml_event_delete(&ev);
			goto fail;
		}
		root = cfg_node(p, &ev, 0);
		yaml_event_delete(&ev);
		if (root == NULL)
			goto fail;
	}
	if (root == NULL) {
		yaml_mark_t m = { 0, 0, 0 };
		root = ynode_new(DP_YMAP, &m, &m);
		if (root == NULL)
			cfg_fail(p, 1, 1, "out of memory");
	}
	return root;
fail:
	ynode_free(root);
	return NULL;
}

const dp_ynode *dp_ynode_child(const dp_ynode *map, const char *key)
{
	if (map == NULL || map->type != DP_YMAP)
		return NULL;
	for (size_t i = 0; i < map->n_items; i++)
		if (strcmp(map->items[i]->key, key) == 0)
			return map->items[i]->is_null ? NULL : map->items[i];
	return NULL;
}

const dp_ynode *dp_config_get(const dp_config *cfg, const char *dotted)
{
	const dp_ynode *n = cfg ? cfg->root : NULL;
	char part[128];

	while (n != NULL && dotted != NULL && *dotted != '\0') {
		const char *dot = strchr(dotted, '.');
		size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);

		if (len >= sizeof(part))
			return NULL;
		memcpy(part, dotted, len);
		part[len] = '\0';
		n = dp_ynode_child(n, part);
		dotted = dot ? dot + 1 : NULL;
	}
	return n;
}

const char *dp_config_str(const dp_config *cfg, const char *dotted, const char *def)
{
	const dp_ynode *n = dp_config_get(cfg, dotted);

	return n != NULL && n->type == DP_YSCALAR ? n->value : def;
}

size_t dp_config_strings(const dp_config *cfg, const char *dotted, const char ***out)
{
	const dp_ynode *n = dp_config_get(cfg, dotted);
	const char **v;
	size_t count = 0;

	*out = NULL;
	if (n == NULL || n->type == DP_YMAP)
		return 0;
	if (n->type == DP_YSCALAR) {
		if (n->value[0] == '\0' || (v = malloc(sizeof(*v))) == NULL)
			return 0;
		v[0] = n->value;
		*out = v;
		return 1;
	}
	if (n->n_items == 0 || (v = calloc(n->n_items, sizeof(*v))) == NULL)
		return 0;
	for (size_t i = 0; i < n->n_items; i++)
		if (n->items[i]->type == DP_YSCALAR)
			v[count++] = n->items[i]->value;
	*out = v;
	return count;
}

/* ---- checking the known sections ---- */

static int key_known(const char *key, const char *const *known)
{
	for (; *known != NULL; known++)
		if (strcmp(key, *known) == 0)
			return 1;
	return 0;
}

/* Unknown keys are errors: a misspelt "resolver:" silently ignored would
 * leave a gateway probed with the wrong resolvers. */
static int check_keys(cfg_parser *p, const dp_ynode *map, const char *where,
		      const char *const *known)
{
	if (map == NULL)
		return 0;
	if (map->type != DP_YMAP) {
		cfg_fail(p, map->line, map->col, "'%s' must be a mapping", where);
		return -1;
	}
	for (size_t i = 0; i < map->n_items; i++) {
		if (!key_known(map->items[i]->key, known)) {
			cfg_fail(p, map->items[i]->key_line, map->items[i]->key_col,
				 "unknown key '%s' in %s", map->items[i]->key, where);
			return -1;
		}
	}
	return 0;
}

static int scalar_dup(cfg_parser *p, const dp_ynode *n, const char *what, char **out)
{
	if (n == NULL)
		return 0;
	if (n->type != DP_YSCALAR) {
		cfg_fail(p, n->line, n->col, "'%s' must be a single value", what);
		return -1;
	}
	*out = strdup(n->value);
	if (*out == NULL) {
		cfg_fail(p, n->line, n->col, "out of memory");
		return -1;
	}
	return 0;
}

static int scalar_int(cfg_parser *p, const dp_ynode *n, const char *what,
		      long min, long max, int *out)
{
	char *end;
	long v;

	if (n->type != DP_YSCALAR) {
		cfg_fail(p, n->line, n->col, "'%s' must be a number", what);
		return -1;
	}
	errno = 0;
	v = strtol(n->value, &end, 10);
	if (errno != 0 || end == n->value || *end != '\0' || v < min || v > max) {
		cfg_fail(p, n->line, n->col, "'%s' must be a whole number from %ld to %ld, not '%s'",
			 what, min, max, n->value);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* true/yes/on or false/no/off (YAML 1.1 words); an absent node is false. */
static int scalar_bool(cfg_parser *p, const dp_ynode *n, const char *what, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", NULL }, *const no[] = { "false", "no", "off", NULL };

	*out = 0;
	if (n == NULL)
		return 0;
	if (n->type == DP_YSCALAR && key_known(n->value, yes)) {
		*out = 1;
		return 0;
	}
	if (n->type == DP_YSCALAR && key_known(n->value, no))
		return 0;
	cfg_fail(p, n->line, n->col, "'%s' must be true or false", what);
	return -1;
}

/* client: local | ad | esa | postfix | exim (SPEC section 5). */
static int check_client(cfg_parser *p, dp_config *cfg)
{
	const dp_ynode *n = dp_config_get(cfg, "client");

	if (n == NULL)
		return 0;
	if (n->type != DP_YSCALAR || dp_client_parse(n->value, &cfg->client) < 0) {
		cfg_fail(p, n->line, n->col, "'client' must be local, ad, esa, postfix or exim");
		return -1;
	}
	cfg->has_client = 1;
	return 0;
}

static int check_resolvers(cfg_parser *p, dp_config *cfg, const dp_ynode *seq)
{
	static const char *const known[] = { "name", "address", "priority", "trusted_path", NULL };

	if (seq == NULL)
		return 0;
	if (seq->type != DP_YSEQ) {
		cfg_fail(p, seq->line, seq->col, "'resolvers' must be a list");
		return -1;
	}
	cfg->resolvers = calloc(seq->n_items ? seq->n_items : 1, sizeof(*cfg->resolvers));
	if (cfg->resolvers == NULL)
		return -1;
	for (size_t i = 0; i < seq->n_items; i++) {
		const dp_ynode *r = seq->items[i], *addr, *prio;
		dp_resolver_cfg *rc = &cfg->resolvers[cfg->n_resolvers++];
		dp_addr srv;
		char why[512];

		rc->node = r;
		if (r->type != DP_YMAP) {
			cfg_fail(p, r->line, r->col, "each resolver must be a mapping with 'address'");
			return -1;
		}
		if (check_keys(p, r, "a resolver", known) < 0)
			return -1;
		addr = dp_ynode_child(r, "address");
		if (addr == NULL) {
			cfg_fail(p, r->line, r->col, "resolver %zu has no 'address'", i + 1);
			return -1;
		}
		if (scalar_dup(p, addr, "address", &rc->address) < 0
		    || scalar_dup(p, dp_ynode_child(r, "name"), "name", &rc->name) < 0)
			return -1;
		if (dp_addr_parse_why(rc->address, &srv, why, sizeof why) != DP_OK) {
			cfg_fail(p, addr->line, addr->col, "%s", why);
			return -1;
		}
		if (scalar_bool(p, dp_ynode_child(r, "trusted_path"), "trusted_path", &rc->trusted_path) < 0)
			return -1;
		prio = dp_ynode_child(r, "priority");
		if (prio != NULL) {
			if (scalar_int(p, prio, "priority", 0, 65535, &rc->priority) < 0)
				return -1;
			rc->has_priority = 1;
			rc->priority_node = prio;
		} else {
			/* The appliance's rule: lower is preferred; unnumbered
			 * resolvers keep their order after numbered ones. */
			rc->priority = (int)(1000 + i);
		}
	}
	return 0;
}

/* Every value, at load time, so that the error names FILE:LINE:COL. */
static int check_values(cfg_parser *p, const dp_config *cfg)
{
	const dp_ynode *bad = NULL;
	char why[512];

	if (dp_config_check_values(cfg, &bad, why, sizeof why) == 0)
		return 0;
	cfg_fail(p, bad ? bad->line : 1, bad ? bad->col : 1, "%s", why);
	return -1;
}

static int check_config(cfg_parser *p, dp_config *cfg)
{
	static const char *const top[] = { "resolvers", "anchors", "probe", "dane", "alert", "client",
					   "report", NULL };
	static const char *const anchors[] = { "state_file", "bootstrap", "file", NULL };
	static const char *const probe[] = { "timeout_ms", "names", NULL };
	static const char *const dane[] = { "destinations", "cert_warn_days", "rrsig_warn_days",
					    "warn_single_key", NULL };
	static const char *const alert[] = { "webhook", "webhook_header_file", "prometheus_textfile", "state_dir", NULL };
	static const char *const report[] = { "html", NULL };
	const dp_ynode *n;

	if (check_keys(p, cfg->root, "the configuration", top) < 0
	    || check_client(p, cfg) < 0
	    || check_keys(p, dp_config_get(cfg, "anchors"), "anchors", anchors) < 0
	    || check_keys(p, dp_config_get(cfg, "probe"), "probe", probe) < 0
	    || check_keys(p, dp_config_get(cfg, "dane"), "dane", dane) < 0
	    || check_keys(p, dp_config_get(cfg, "alert"), "alert", alert) < 0
	    || check_keys(p, dp_config_get(cfg, "report"), "report", report) < 0)
		return -1;
	if (check_resolvers(p, cfg, dp_config_get(cfg, "resolvers")) < 0)
		return -1;
	if (scalar_dup(p, dp_config_get(cfg, "anchors.state_file"), "anchors.state_file", &cfg->anchors_state_file) < 0
	    || scalar_dup(p, dp_config_get(cfg, "anchors.bootstrap"), "anchors.bootstrap", &cfg->anchors_bootstrap) < 0
	    || scalar_dup(p, dp_config_get(cfg, "alert.webhook"), "alert.webhook", &cfg->webhook) < 0
	    || scalar_dup(p, dp_config_get(cfg, "alert.prometheus_textfile"), "alert.prometheus_textfile", &cfg->prometheus_textfile) < 0
	    || scalar_dup(p, dp_config_get(cfg, "report.html"), "report.html", &cfg->report_html) < 0)
		return -1;
	n = dp_config_get(cfg, "probe.timeout_ms");
	if (n != NULL && scalar_int(p, n, "probe.timeout_ms", 10, 600000, &cfg->probe_timeout_ms) < 0)
		return -1;
	n = dp_config_get(cfg, "probe.names");
	if (n != NULL && n->type != DP_YMAP) {
		cfg_fail(p, n->line, n->col, "'probe.names' must be a mapping");
		return -1;
	}
	n = dp_config_get(cfg, "dane.destinations");
	if (n != NULL) {
		const char **v;
		if (n->type == DP_YMAP) {
			cfg_fail(p, n->line, n->col, "'dane.destinations' must be a list of domains");
			return -1;
		}
		cfg->n_destinations = dp_config_strings(cfg, "dane.destinations", &v);
		cfg->destinations = calloc(cfg->n_destinations ? cfg->n_destinations : 1, sizeof(char *));
		if (cfg->destinations == NULL) {
			free(v);
			return -1;
		}
		for (size_t i = 0; i < cfg->n_destinations; i++)
			if ((cfg->destinations[i] = strdup(v[i])) == NULL) {
				free(v);
				return -1;
			}
		free(v);
	}
	return check_values(p, cfg);
}

int dp_config_parse(const char *path, const char *text, size_t len,
		    dp_config **out, char *err, size_t errlen)
{
	cfg_parser p;
	dp_config *cfg;

	memset(&p, 0, sizeof(p));
	p.path = path ? path : "<config>";
	p.err = err;
	p.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	if (len > DP_CONFIG_MAX_BYTES) {
		cfg_fail(&p, 1, 1, "file is larger than %d bytes", DP_CONFIG_MAX_BYTES);
		return DP_ECONFIG;
	}
	if (memchr(text, '\0', len) != NULL) {
		cfg_fail(&p, 1, 1, "file contains a NUL byte: not a YAML text file");
		return DP_ECONFIG;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL)
		return DP_ENOMEM;
	cfg->path = strdup(p.path);
	cfg->text = malloc(len + 1);
	if (cfg->path == NULL || cfg->text == NULL) {
		dp_config_free(cfg);
		return DP_ENOMEM;
	}
	memcpy(cfg->text, text, len);
	cfg->text[len] = '\0';
	cfg->text_len = len;
	if (!yaml_parser_initialize(&p.yp)) {
		dp_config_free(cfg);
		return DP_ENOMEM;
	}
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)cfg->text, len);
	cfg->root = cfg_tree(&p);
	yaml_parser_delete(&p.yp);
	if (cfg->root == NULL || check_config(&p, cfg) < 0) {
		if (!p.failed)
			cfg_fail(&p, 1, 1, "out of memory");
		dp_config_free(cfg);
		return DP_ECONFIG;
	}
	*out = cfg;
	return DP_OK;
}

int dp_config_load(const char *path, dp_config **out, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	rc = dp_read_file_max(path, DP_CONFIG_MAX_BYTES, &buf, &len, err, errlen);
	if (rc == DP_ELIMIT) {
		/* the parser's own wording for a file too large */
		snprintf(err, errlen, "%s:1:1: file is larger than %d bytes", path, DP_CONFIG_MAX_BYTES);
		return DP_ECONFIG;
	}
	if (rc == DP_EIO) {
		int eno = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(eno));
		return eno == ENOENT ? DP_ENOTFOUND : DP_EIO;
	}
	if (rc != DP_OK)
		return rc;
	rc = dp_config_parse(path, buf, len, out, err, errlen);
	free(buf);
	return rc;
}

void dp_config_free(dp_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n_resolvers; i++) {
		free(cfg->resolvers[i].name);
		free(cfg->resolvers[i].address);
	}
	free(cfg->resolvers);
	for (size_t i = 0; i < cfg->n_destinations; i++)
		free(cfg->destinations[i]);
	free(cfg->destinations);
	free(cfg->anchors_state_file);
	free(cfg->anchors_bootstrap);
	free(cfg->webhook);
	free(cfg->prometheus_textfile);
	free(cfg->report_html);
	ynode_free(cfg->root);
	free(cfg->text);
	free(cfg->path);
	free(cfg);
}
