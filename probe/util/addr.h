/*
 * addr.h - resolver and server addresses as users write them.
 */
#ifndef DP_ADDR_H
#define DP_ADDR_H

#include <stdint.h>
#include <sys/socket.h>
#include "validator/dp_err.h"

typedef struct dp_addr {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char text[80];            /* "127.0.0.1", "[::1]:5353", as printed */
} dp_addr;

/* Parse "ADDR", "ADDR:PORT", "[V6]", "[V6]:PORT" (port default 53).
 * DP_EINVAL on anything else.  Names are not resolved. */
int dp_addr_parse(const char *s, dp_addr *out);
/* dp_addr_parse, and on DP_EINVAL a reason a person can act on in why
 * (whylen bytes): a host name ("dns.google") or a URL ("tls://1.1.1.1")
 * is refused by name, since daneprobe asks each resolver directly over
 * plain DNS (UDP and TCP, port 53 unless given) and never looks up the
 * address of a resolver through another resolver.  The one parser for
 * --resolver, probe's arguments and the config's resolvers. */
int dp_addr_parse_why(const char *s, dp_addr *out, char *why, size_t whylen);
/* A bare IPv4 or IPv6 address (no brackets, no port: "192.0.2.1",
 * "2001:db8::25", as DNS records give them) with port.  DP_EINVAL when
 * host is not an address. */
int dp_addr_from_ip(const char *host, uint16_t port, dp_addr *out);
/* 1 for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104: a path that never
 * leaves the host (RFC 7672 2.2: AD is only as good as that path). */
int dp_addr_is_loopback(const dp_addr *a);

#endif
