/*
 * addr.c - resolver and server addresses as users write them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/util/addr.h"

static int addr_parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int dp_addr_parse(const char *s, dp_addr *out)
{
	char host[64];
	const char *port_s = NULL;
	uint16_t port = 53;

	if (!s || !out)
		return DP_EINVAL;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (size_t)(close - s - 1) >= sizeof host)
			return DP_EINVAL;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		if (close[1] == ':')
			port_s = close + 2;
		else if (close[1] != '\0')
			return DP_EINVAL;
	} else {
		const char *colon = strchr(s, ':');
		if (strlen(s) >= sizeof host)
			return DP_EINVAL;
		if (colon && !strchr(colon + 1, ':')) {
			/* Exactly one colon: IPv4 with a port. */
			memcpy(host, s, (size_t)(colon - s));
			host[colon - s] = '\0';
			port_s = colon + 1;
		} else {
			strcpy(host, s);  /* IPv4, or a bare IPv6 without port */
		}
	}
	if (port_s && addr_parse_port(port_s, &port) < 0)
		return DP_EINVAL;
	if (s[0] == '[' && strchr(host, ':') == NULL)
		return DP_EINVAL;    /* brackets are for IPv6 only */
	return dp_addr_from_ip(host, port, out);
}

int dp_addr_from_ip(const char *host, uint16_t port, dp_addr *out)
{
	dp_addr srv;

	memset(&srv, 0, sizeof srv);
	struct sockaddr_in *sin = (struct sockaddr_in *)&srv.addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&srv.addr;
	if (!strchr(host, ':') && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		srv.addrlen = sizeof *sin;
		if (port == 53)
			snprintf(srv.text, sizeof srv.text, "%s", host);
		else
			snprintf(srv.text, sizeof srv.text, "%s:%u", host, port);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		char buf[INET6_ADDRSTRLEN];
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		srv.addrlen = sizeof *sin6;
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf);
		if (port == 53)
			snprintf(srv.text, sizeof srv.text, "%s", buf);
		else
			snprintf(srv.text, sizeof srv.text, "[%s]:%u", buf, port);
	} else {
		return DP_EINVAL;
	}
	*out = srv;
	return DP_OK;
}


int dp_addr_is_loopback(const dp_addr *a)
{
	if (a->addr.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)&a->addr;
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->addr.ss_family == AF_INET6) {
		const struct in6_addr *v6 = &((const struct sockaddr_in6 *)&a->addr)->sin6_addr;
		if (IN6_IS_ADDR_LOOPBACK(v6))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(v6) && v6->s6_addr[12] == 127;
	}
	return 0;
}

/* 1 when s reads as a host name (with or without :PORT) rather than a
 * mistyped address. */
static int addr_looks_like_name(const char *s)
{
	size_t n = strcspn(s, ":");

	/* An IPv6 address has several colons and only hex digits; a name
	 * has a letter beyond a-f or a dot between letters. */
	if (s[0] == '[' || strchr(s + n + (s[n] ? 1 : 0), ':'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((s[i] >= 'g' && s[i] <= 'z') || (s[i] >= 'G' && s[i] <= 'Z') || s[i] == '-' || s[i] == '_')
			return 1;
	return 0;
}

/* 1 when s is HOST:PORT or [HOST]:PORT with a good address and a bad
 * port ("192.0.2.53:0", "[::1]:99999"). */
static int addr_host_ok_port_bad(const char *s)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	size_t n;
	dp_addr tmp;

	if (colon == NULL || (s[0] != '[' && strchr(s, ':') != colon))
		return 0;
	if (s[0] == '[') {
		if (colon == s || colon[-1] != ']')
			return 0;
		s++;
		n = (size_t)(colon - 1 - s);
	} else {
		n = (size_t)(colon - s);
	}
	if (n >= sizeof host)
		return 0;
	memcpy(host, s, n);
	host[n] = '\0';
	return dp_addr_from_ip(host, 53, &tmp) == DP_OK;
}

int dp_addr_parse_why(const char *s, dp_addr *out, char *why, size_t whylen)
{
	static const char forms[] = "use 192.0.2.53, 192.0.2.53:5353, 2001:db8::53 or [2001:db8::53]:5353";
	if (dp_addr_parse(s, out) == DP_OK)
		return DP_OK;
	if (s == NULL || *s == '\0')
		snprintf(why, whylen, "an empty resolver address (%s)", forms);
	else if (strstr(s, "://") != NULL)
		snprintf(why, whylen, "'%s' is a URL: daneprobe asks resolvers over plain DNS "
			 "(UDP and TCP) only, not DoT, DoH or DoQ; give the address (%s)", s, forms);
	else if (addr_looks_like_name(s))
		snprintf(why, whylen, "'%s' is a host name, not an address: give the resolver's IP "
			 "address (daneprobe never looks a resolver up through another resolver; %s)",
			 s, forms);
	else if (addr_host_ok_port_bad(s))
		snprintf(why, whylen, "'%s': the port must be a number from 1 to 65535", s);
	else if (s[0] == '[')
		snprintf(why, whylen, "'%s': brackets are for IPv6 addresses only (%s)", s, forms);
	else
		snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address (%s)", s, forms);
	return DP_EINVAL;
}
