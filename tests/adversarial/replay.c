/*
 * replay.c - the adversarial scenario replayer: a DNS server that answers
 * as a resolver would, from the recorded messages of one scenario file.
 *
 *   replay SCENARIO ADDR PORT [READY_FILE]   serve over UDP and TCP
 *   replay --check SCENARIO...                parse only (exit 1 on error)
 *
 * ADDR must be a 127.0.0.0/8 address: the corpus never sends traffic
 * anywhere else.  PORT 0 picks a free port (the same for UDP and TCP);
 * the port is written to READY_FILE once both sockets listen, so a script
 * can wait for it.  Runs until SIGTERM or SIGINT.  One client at a time:
 * the validator asks one question after another.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "tests/adversarial/scenario.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Bind a UDP and a TCP socket on addr:port (port 0: a random free one,
 * tried until both bind).  0 with the fds and the port, or -1. */
static int open_sockets(const char *addr, unsigned port, int *udp, int *tcp, unsigned *bound)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1 || (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "replay: %s is not a 127.0.0.0/8 address\n", addr);
		return -1;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (int attempt = 0; attempt < 200; attempt++) {
		unsigned p = port ? port : 20000 + (unsigned)rand() % 40000;
		sa.sin_port = htons((uint16_t)p);
		*udp = socket(AF_INET, SOCK_DGRAM, 0);
		*tcp = socket(AF_INET, SOCK_STREAM, 0);
		if (*udp < 0 || *tcp < 0) {
			perror("replay: socket");
			return -1;
		}
		setsockopt(*tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(*udp, (struct sockaddr *)&sa, sizeof sa) == 0 &&
		    bind(*tcp, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(*tcp, 16) == 0) {
			*bound = p;
			return 0;
		}
		int e = errno;
		close(*udp);
		close(*tcp);
		if (port) {
			fprintf(stderr, "replay: bind %s:%u: %s\n", addr, port, strerror(e));
			return -1;
		}
	}
	fprintf(stderr, "replay: no free port on %s\n", addr);
	return -1;
}

static void serve_udp(const scenario *s, int fd)
{
	uint8_t buf[65536], *out = NULL;
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;
	size_t outlen;
	ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);

	if (n <= 0)
		return;
	if (scenario_answer(s, buf, (size_t)n, 0, &out, &outlen) == 1)
		(void)sendto(fd, out, outlen, 0, (struct sockaddr *)&from, fl);
	free(out);
}

/* Read exactly len bytes, waiting at most 1 s for each part (a client
 * that keeps an idle connection must not stall the UDP side long). */
static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		if (poll(&pf, 1, 1000) <= 0)
			return -1;
		ssize_t n = read(fd, buf + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Answer the queries of one TCP connection (RFC 7766: several in a row,
 * each with its two-byte length) until the client closes it. */
static void serve_tcp(const scenario *s, int lfd)
{
	int fd = accept(lfd, NULL, NULL);
	uint8_t hdr[2], buf[65535], *out;
	size_t outlen;

	if (fd < 0)
		return;
	while (!stop && read_full(fd, hdr, 2) == 0) {
		size_t len = (size_t)hdr[0] << 8 | hdr[1];
		if (len == 0 || read_full(fd, buf, len) < 0)
			break;
		out = NULL;
		if (scenario_answer(s, buf, len, 1, &out, &outlen) == 1) {
			uint8_t pre[2] = { (uint8_t)(outlen >> 8), (uint8_t)outlen };
			if (write(fd, pre, 2) != 2 || write(fd, out, outlen) != (ssize_t)outlen) {
				free(out);
				break;
			}
		}
		free(out);
	}
	close(fd);
}

static int write_ready(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (!(f = fopen(tmp, "w")) || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		perror("replay: ready file");
		return -1;
	}
	return 0;
}

static int check(int argc, char **argv)
{
	int bad = 0;
	char err[512];

	for (int i = 2; i < argc; i++) {
		scenario *s = NULL;
		if (scenario_load(argv[i], &s, err, sizeof err) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], err);
			bad = 1;
		}
		scenario_free(s);
	}
	return bad;
}

int main(int argc, char **argv)
{
	scenario *s = NULL;
	char err[512], *end;
	int udp, tcp;
	unsigned port, bound;

	if (argc >= 2 && strcmp(argv[1], "--check") == 0)
		return check(argc, argv);
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: replay SCENARIO ADDR PORT [READY_FILE]\n"
				"       replay --check SCENARIO...\n");
		return 2;
	}
	port = (unsigned)strtoul(argv[3], &end, 10);
	if (*end || port > 65535) {
		fprintf(stderr, "replay: bad port '%s'\n", argv[3]);
		return 2;
	}
	if (scenario_load(argv[1], &s, err, sizeof err) < 0) {
		fprintf(stderr, "replay: %s: %s\n", argv[1], err);
		return 1;
	}
	if (open_sockets(argv[2], port, &udp, &tcp, &bound) < 0 ||
	    (argc == 5 && write_ready(argv[4], bound) < 0)) {
		scenario_free(s);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	while (!stop) {
		struct pollfd pf[2] = { { .fd = udp, .events = POLLIN }, { .fd = tcp, .events = POLLIN } };
		if (poll(pf, 2, 500) < 0 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN)
			serve_udp(s, udp);
		if (pf[1].revents & POLLIN)
			serve_tcp(s, tcp);
	}
	close(udp);
	close(tcp);
	scenario_free(s);
	return 0;
}
