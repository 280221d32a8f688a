/*
 * addr.h - resolver and server addresses as users write them.
 */
#ifndef DP_ADDR_H
#define DP_ADDR_H

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

#endif
