/*
 * resolvsrc.h - where a host's resolvers are really configured (issue
 * 14): resolv.conf is often written by another program, and 127.0.0.53
 * is only systemd-resolved's stub in front of the servers named in
 * resolved.conf.  Pure text functions plus one file check; no network.
 */
#ifndef DP_RESOLVSRC_H
#define DP_RESOLVSRC_H

#include <stddef.h>

/* 1 when the resolv.conf at path (text, len: its contents) is managed by
 * another program: a symlink into systemd-resolved's runtime directory,
 * a systemd-resolved, NetworkManager or resolvconf header.  why gets
 * which program and the file to change instead; 0 otherwise. */
int dp_resolv_conf_managed(const char *path, const char *text, size_t len, char *why, size_t whylen);

/* The servers of a resolved.conf: DNS= then FallbackDNS= of [Resolve]
 * (an empty assignment resets the list, as systemd does), addresses as
 * dp_addr_parse takes them ("%iface" and "#name" dropped, IPv6 in
 * brackets).  *out as dp_resolv_conf_parse; returns the count. */
size_t dp_resolved_conf_parse(const char *text, size_t len, char ***out);
/* unbound.conf forward-zone "forward-addr:" values ("ADDR@PORT" ->
 * "ADDR:PORT"; "#tls-name" dropped). */
size_t dp_unbound_forwards_parse(const char *text, size_t len, char ***out);
/* dnsmasq "server=" values without a /domain/ part ("ADDR#PORT" ->
 * "ADDR:PORT"). */
size_t dp_dnsmasq_servers_parse(const char *text, size_t len, char ***out);

/* Reorder the addresses of resolved.conf's DNS= assignments: the k-th
 * address slot gets order[k]'s entry as written (with its %iface or
 * #name); every other byte stays.  Addresses not in order keep their
 * slots after the ordered ones.  *out malloced.  DP_OK, DP_ENOMEM,
 * DP_EINVAL (no DNS= line). */
int dp_rewrite_resolved_dns(const char *text, size_t len, const char *const *order, size_t n,
			    char **out, size_t *outlen);

#endif
