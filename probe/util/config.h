/*
 * config.h - daneprobe.yaml (libyaml).  The file is kept as a small tree
 * of nodes that remember where they stand in the text (line, column, byte
 * offsets), so errors name file:line:column and `order --write` can change
 * only the bytes of a priority scalar.
 */
#ifndef DP_CONFIG_H
#define DP_CONFIG_H

#include <stddef.h>
#include "validator/dp_err.h"
#include "probe/util/client.h"

typedef enum { DP_YSCALAR, DP_YSEQ, DP_YMAP } dp_ynode_type;

typedef struct dp_ynode {
	dp_ynode_type type;
	char *key;               /* key in the parent map, or NULL */
	char *value;             /* scalar text, or NULL */
	size_t line, col;        /* 1-based, of the value */
	size_t key_line, key_col; /* 1-based, of the key (map children only) */
	size_t start, end;       /* byte offsets of the value in the file */
	struct dp_ynode **items; /* children (seq items / map values) */
	size_t n_items;
	int is_null;             /* a plain YAML null ("", ~, null): lookups
				  * treat the key as absent */
} dp_ynode;

typedef struct dp_resolver_cfg {
	char *name;              /* may be NULL */
	char *address;           /* as written: "192.0.2.53", "[2001:db8::1]:5353" */
	int priority;
	int has_priority;
	const dp_ynode *priority_node; /* position of the priority scalar, or NULL */
	const dp_ynode *node;          /* the resolver's map */
	int trusted_path;        /* trusted_path: true (AD may be believed over it) */
} dp_resolver_cfg;

typedef struct dp_config {
	char *path;
	char *text;              /* whole file, NUL-terminated */
	size_t text_len;
	dp_ynode *root;
	dp_resolver_cfg *resolvers;
	size_t n_resolvers;
	char *anchors_state_file;    /* anchors.state_file or NULL */
	char *anchors_bootstrap;     /* anchors.bootstrap or NULL ("builtin") */
	int probe_timeout_ms;        /* 0 when unset */
	char **destinations;         /* dane.destinations */
	size_t n_destinations;
	char *webhook;               /* alert.webhook */
	char *prometheus_textfile;   /* alert.prometheus_textfile */
	char *report_html;           /* report.html: check's HTML page, or NULL */
	dp_client client;            /* client: (default local) */
	int has_client;              /* client: was given */
} dp_config;

/* Load and check a config file.  On error returns DP_ECONFIG (or DP_EIO)
 * and writes "FILE:LINE:COL: message" into err; writes *out only on
 * success. */
int dp_config_load(const char *path, dp_config **out, char *err, size_t errlen);
/* Same from a string (path is only used in messages). */
int dp_config_parse(const char *path, const char *text, size_t len,
		    dp_config **out, char *err, size_t errlen);
void dp_config_free(dp_config *cfg);

/* Look up a node by a dotted path from the root ("probe.names.secure"),
 * NULL if absent. */
const dp_ynode *dp_config_get(const dp_config *cfg, const char *dotted);
/* The child of a map node with this key, NULL if absent. */
/* A key whose value is a YAML null counts as absent: a section whose
 * children are all commented out ("alert:" alone) is an empty section. */
const dp_ynode *dp_ynode_child(const dp_ynode *map, const char *key);
/* The scalar at dotted, or def. */
const char *dp_config_str(const dp_config *cfg, const char *dotted, const char *def);
/* The strings at dotted: a scalar gives one, a sequence of scalars gives
 * each.  Returns the count; *out is malloced (the strings are borrowed
 * from cfg), caller frees the array only.  0 and *out=NULL when absent. */
size_t dp_config_strings(const dp_config *cfg, const char *dotted, const char ***out);

#endif
