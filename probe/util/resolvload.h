/*
 * resolvload.h - the resolvers of a host, read from where they are really
 * configured (issue 14): resolv.conf, systemd-resolved's resolved.conf
 * with its drop-ins, unbound's forward-zone ".", dnsmasq's server= lines.
 * Says what the servers mean for the user (127.0.0.53 is only a stub in
 * front of resolved's servers; unbound and dnsmasq do not ask them in the
 * order written) and which file `order --write` may change, or why not.
 */
#ifndef DP_RESOLVLOAD_H
#define DP_RESOLVLOAD_H

#include <stddef.h>

typedef enum dp_rsrc_kind {
	DP_RSRC_RESOLV = 0,   /* resolv.conf(5) nameserver lines */
	DP_RSRC_RESOLVED,     /* systemd-resolved: resolved.conf DNS=/FallbackDNS= */
	DP_RSRC_UNBOUND,      /* unbound.conf forward-zone "." forward-addr */
	DP_RSRC_DNSMASQ       /* dnsmasq.conf server= */
} dp_rsrc_kind;

typedef struct dp_rsrc_server {
	char *address;        /* as dp_addr_parse takes it */
	const char *role;     /* static text: "nameserver", "systemd-resolved stub", ... */
	int orderable;        /* `order` ranks it: its position is a priority */
} dp_rsrc_server;

typedef struct dp_rsrc {
	dp_rsrc_kind kind;
	char *path;           /* the file named (resolv.conf, resolved.conf, ...) */
	dp_rsrc_server *servers;
	size_t n;
	int stub;             /* resolv.conf names systemd-resolved's stub */
	dp_rsrc_kind write_kind;   /* DP_RSRC_RESOLV or DP_RSRC_RESOLVED */
	char *write_path;     /* the file order --write changes; NULL: refuse */
	char *write_text;     /* its bytes as read, for the rewrite and its check */
	size_t write_len;
	char note[1024];      /* what these servers are, for the user ("" none) */
	char refuse[1024];    /* why order --write writes nothing, when write_path is NULL */
} dp_rsrc;

/* "resolv.conf[:FILE]", "resolved[:FILE]", "unbound[:FILE]",
 * "dnsmasq[:FILE]" -> kind and the file (a default when not given:
 * /etc/resolv.conf, /etc/systemd/resolved.conf, /etc/unbound/unbound.conf,
 * /etc/dnsmasq.conf).  -1 with err on anything else. */
int dp_rsrc_spec(const char *spec, dp_rsrc_kind *kind, const char **path, char *err, size_t errlen);

/* Read the servers of a source.  resolv.conf naming 127.0.0.53/54
 * (systemd-resolved's stubs) also gives the servers behind the stub:
 * from resolved.conf (DANEPROBE_RESOLVED_CONF overrides its path) and
 * its drop-ins, else from /run/systemd/resolve/resolv.conf.  A
 * resolved.conf path ending in /etc/systemd/resolved.conf takes its
 * drop-ins under the same prefix (as systemd-analyze --root does).
 * *out malloced (dp_rsrc_free).  DP_OK, DP_EIO (cannot read), DP_ENOTFOUND
 * (no server in it), DP_ENOMEM, with err. */
int dp_rsrc_load(dp_rsrc_kind kind, const char *path, dp_rsrc **out, char *err, size_t errlen);
void dp_rsrc_free(dp_rsrc *r);

#endif
