/*
 * resolvsrc.h - where a host's resolvers are really configured (issue
 * 14): resolv.conf is often written by another program, and 127.0.0.53
 * is only systemd-resolved's stub in front of the servers named in
 * resolved.conf.  The text parsers here follow each program's own
 * syntax; resolvload.h reads the files and puts them together.
 */
#ifndef DP_RESOLVSRC_H
#define DP_RESOLVSRC_H

#include <stddef.h>

/* 1 when the resolv.conf at path (text, len: its contents) is managed by
 * another program: a symlink into systemd-resolved's runtime directory,
 * a systemd-resolved, NetworkManager or resolvconf header.  why gets
 * which program and the file to change instead; 0 otherwise. */
int dp_resolv_conf_managed(const char *path, const char *text, size_t len, char *why, size_t whylen);

/* The syntaxes: systemd-resolved's resolved.conf (and drop-ins), unbound.conf,
 * dnsmasq.conf. */
typedef enum dp_rsyntax { DP_RSYN_RESOLVED, DP_RSYN_UNBOUND, DP_RSYN_DNSMASQ } dp_rsyntax;

/* One server entry of a file: where it is written and the address as
 * dp_addr_parse takes it ("ADDR", "ADDR:PORT", "[V6]:PORT"). */
typedef struct dp_rsrc_entry {
	size_t start, end;   /* bytes of the entry as written */
	char addr[80];
	int fallback;        /* resolved.conf FallbackDNS= */
} dp_rsrc_entry;

/* What else a file says that changes what its servers mean. */
typedef struct dp_rsrc_flags {
	int strict_order;    /* dnsmasq strict-order */
	int no_resolv;       /* dnsmasq no-resolv */
	int tls_upstream;    /* unbound forward-tls-upstream: yes in zone "." */
	int skipped;         /* entries left out: names (forward-host), includes */
	int resets;          /* resolved.conf: an empty DNS= reset the list */
} dp_rsrc_flags;

/* Scan text in syntax syn: the server entries in file order (at most
 * max; resolved.conf: [Resolve] DNS= and FallbackDNS= with systemd's
 * rules, "DNS=" alone resets what came before; unbound: forward-addr of
 * the forward-zone named "."; dnsmasq: server= without a /domain/).
 * Words that are not addresses are ignored, as those programs do.
 * flags may be NULL.  Returns the count. */
size_t dp_rsrc_scan(dp_rsyntax syn, const char *text, size_t len, dp_rsrc_entry *e, size_t max,
		    dp_rsrc_flags *flags);

/* The servers of a resolved.conf: DNS= then FallbackDNS=.  *out as
 * dp_resolv_conf_parse; returns the count. */
size_t dp_resolved_conf_parse(const char *text, size_t len, char ***out);
/* unbound.conf forward-zone "." forward-addr values ("ADDR@PORT" ->
 * "ADDR:PORT"; "#tls-name" dropped). */
size_t dp_unbound_forwards_parse(const char *text, size_t len, char ***out);
/* dnsmasq "server=" values without a /domain/ part ("ADDR#PORT" ->
 * "ADDR:PORT", "@source" dropped). */
size_t dp_dnsmasq_servers_parse(const char *text, size_t len, char ***out);

/* Reorder the addresses of resolved.conf's DNS= assignments: the k-th
 * address slot gets order[k]'s entry as written (with its %iface or
 * #name); every other byte stays.  Addresses not in order keep their
 * slots after the ordered ones.  *out malloced.  DP_OK, DP_ENOMEM,
 * DP_EINVAL (no DNS= line). */
int dp_rewrite_resolved_dns(const char *text, size_t len, const char *const *order, size_t n,
			    char **out, size_t *outlen);

/* The largest number of entries read from one file. */
#define DP_RSRC_MAX 64

#endif
