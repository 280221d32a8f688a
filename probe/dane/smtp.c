/*
 * smtp.c - SMTP client for the DANE path (see smtp.h).
 *
 * The socket is non-blocking and every wait is a poll() bounded by the
 * session deadline, so no server can hold us longer than the timeout:
 * not a tarpit, not a server that accepts and says nothing, not one that
 * stops in the middle of the TLS handshake.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include "probe/util/clock.h"
#include "probe/util/defaults.h"
#include "probe/dane/smtp.h"
#include "probe/util/escape.h"

/* ---- reply parser ---- */

/* Printable excerpt of a hostile line for a message: the first 40 bytes,
 * escaped by the project's one escaping function. */
static void smtp_excerpt(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t used = dp_escape(dst, dstlen, src, len < 40 ? len : 40, 0);
	size_t o = strlen(dst);

	if (used == (len < 40 ? len : 40) && len > 40 && o + 4 <= dstlen)
		memcpy(dst + o, "...", 4);
}

static void smtp_set(char *detail, size_t len, const char *fmt, const char *line,
		     size_t line_len)
{
	char ex[200];

	if (detail == NULL || len == 0)
		return;
	smtp_excerpt(ex, sizeof ex, line, line_len);
	snprintf(detail, len, fmt, ex);
}

/* EHLO keywords (RFC 5321 4.1.1.1: "250-KEYWORD params"), case-insensitive. */
static unsigned smtp_keyword(const char *text, size_t len)
{
	static const struct { const char *kw; unsigned bit; } kws[] = {
		{ "STARTTLS", SMTP_EXT_STARTTLS }, { "PIPELINING", SMTP_EXT_PIPELINING },
		{ "8BITMIME", SMTP_EXT_8BITMIME }, { "SIZE", SMTP_EXT_SIZE },
	};
	size_t i, kl = 0;

	while (kl < len && text[kl] != ' ')
		kl++;
	for (i = 0; i < sizeof kws / sizeof kws[0]; i++)
		if (strlen(kws[i].kw) == kl && strncasecmp(text, kws[i].kw, kl) == 0)
			return kws[i].bit;
	return 0;
}

/* One reply line without its CRLF: DP_OK or DP_EPARSE with detail. */
static int smtp_line_check(const char *line, size_t ll, char *detail, size_t detail_len)
{
	/* RFC 5321 4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF )
	 *   Reply-code [ SP textstring ] CRLF; the code is 2-5, 0-5, 0-9. */
	if (ll < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' ||
	    line[1] > '5' || line[2] < '0' || line[2] > '9' ||
	    (ll > 3 && line[3] != '-' && line[3] != ' ')) {
		smtp_set(detail, detail_len, "malformed SMTP reply line \"%s\" (RFC 5321 4.2)",
			 line, ll);
		return DP_EPARSE;
	}
	if (memchr(line, '\0', ll) != NULL) {
		smtp_set(detail, detail_len, "NUL byte in SMTP reply line \"%s\"", line, ll);
		return DP_EPARSE;
	}
	return DP_OK;
}

int smtp_reply_parse(const char *buf, size_t len, smtp_reply *out,
		     size_t *consumed, char *detail, size_t detail_len)
{
	size_t pos = 0, n_lines = 0, text_len = 0;
	int code = 0;
	unsigned ext = 0;

	out->text[0] = '\0';
	for (;;) {
		const char *line = buf + pos, *nl;
		size_t avail = len - pos, ll;
		int c, last;

		nl = memchr(line, '\n', avail);
		if (nl == NULL) {
			if (avail > SMTP_LINE_MAX) {
				smtp_set(detail, detail_len, "reply line longer than 1024 bytes: \"%s\"",
					 line, avail);
				return DP_ELIMIT;
			}
			return DP_ETRUNC;
		}
		ll = (size_t)(nl - line);
		if (ll + 1 > SMTP_LINE_MAX) {
			smtp_set(detail, detail_len, "reply line longer than 1024 bytes: \"%s\"",
				 line, ll);
			return DP_ELIMIT;
		}
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (smtp_line_check(line, ll, detail, detail_len) != DP_OK)
			return DP_EPARSE;
		c = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
		if (n_lines > 0 && c != code) {
			char d2[200];
			smtp_excerpt(d2, sizeof d2, line, ll);
			if (detail != NULL && detail_len > 0)
				snprintf(detail, detail_len,
					 "reply code changed from %d to %d inside a multiline reply: \"%s\" (RFC 5321 4.2.1)",
					 code, c, d2);
			return DP_EPARSE;
		}
		code = c;
		last = ll == 3 || line[3] == ' ';
		if (++n_lines > SMTP_LINES_MAX) {
			smtp_set(detail, detail_len, "more than 64 lines in one SMTP reply (last: \"%s\")",
				 line, ll);
			return DP_ELIMIT;
		}
		if (n_lines > 1 && ll > 4)
			ext |= smtp_keyword(line + 4, ll - 4);
		if (ll > 4 || n_lines > 1) {
			size_t tl = ll > 4 ? ll - 4 : 0;
			if (n_lines > 1 && text_len + 1 < SMTP_TEXT_MAX)
				out->text[text_len++] = '\n';
			if (tl > SMTP_TEXT_MAX - 1 - text_len)
				tl = SMTP_TEXT_MAX - 1 - text_len;
			memcpy(out->text + text_len, line + 4, tl);
			text_len += tl;
			out->text[text_len] = '\0';
		}
		pos += (size_t)(nl - line) + 1;
		if (last)
			break;
	}
	out->code = code;
	out->n_lines = n_lines;
	out->ext = ext;
	*consumed = pos;
	return DP_OK;
}

/* ---- session ---- */

void smtp_session_init(smtp_session *s)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

static int smtp_remaining(const smtp_session *s)
{
	long long left = s->deadline_ms - (long long)dp_mono_ms();
	return left > 0 ? (int)left : 0;
}

/* Wait until fd is ready for events, within the deadline. */
static int smtp_wait(smtp_session *s, short events, const char *what)
{
	for (;;) {
		struct pollfd p = { s->fd, events, 0 };
		int left = smtp_remaining(s), r;

		if (left == 0) {
			snprintf(s->detail, sizeof s->detail, "timeout %s (session deadline reached)", what);
			return DP_ETIMEOUT;
		}
		r = poll(&p, 1, left);
		if (r > 0)
			return DP_OK;
		if (r == 0) {
			snprintf(s->detail, sizeof s->detail, "timeout %s (session deadline reached)", what);
			return DP_ETIMEOUT;
		}
		if (errno != EINTR) {
			snprintf(s->detail, sizeof s->detail, "poll: %s", strerror(errno));
			return DP_ENET;
		}
	}
}

static void smtp_addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, (socklen_t)len);
	else
		snprintf(buf, len, "?");
}

int smtp_connect(smtp_session *s, const struct sockaddr *addr, socklen_t addrlen,
		 int timeout_ms)
{
	struct sockaddr_storage local;
	socklen_t ll = sizeof local;
	int err = 0, rc, one = 1;
	socklen_t el = sizeof err;

	s->deadline_ms = (long long)dp_mono_ms() + (timeout_ms > 0 ? timeout_ms : DP_SMTP_TIMEOUT_MS);
	smtp_addr_text(addr, s->peer, sizeof s->peer);
	s->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(s->detail, sizeof s->detail, "socket: %s", strerror(errno));
		return DP_ENET;
	}
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(s->fd, addr, addrlen) < 0 && errno != EINPROGRESS) {
		snprintf(s->detail, sizeof s->detail, "connect to %s port 25: %s", s->peer, strerror(errno));
		return DP_ENET;
	}
	rc = smtp_wait(s, POLLOUT, "connecting");
	if (rc != DP_OK)
		return rc;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err != 0) {
		snprintf(s->detail, sizeof s->detail, "connect to %s: %s", s->peer,
			 strerror(err ? err : errno));
		return DP_ENET;
	}
	if (getsockname(s->fd, (struct sockaddr *)&local, &ll) == 0)
		smtp_addr_text((struct sockaddr *)&local, s->local, sizeof s->local);
	return DP_OK;
}

static int smtp_send(smtp_session *s, const char *line)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		ssize_t w = send(s->fd, line + off, len - off, MSG_NOSIGNAL);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			int rc = smtp_wait(s, POLLOUT, "sending a command");
			if (rc != DP_OK)
				return rc;
			continue;
		}
		snprintf(s->detail, sizeof s->detail, "send to %s: %s", s->peer,
			 w < 0 ? strerror(errno) : "connection closed");
		return DP_ENET;
	}
	return DP_OK;
}

/* Read one whole reply, within the deadline and the caps. */
static int smtp_read_reply(smtp_session *s, smtp_reply *r, const char *what)
{
	for (;;) {
		size_t used = 0;
		char d[400];
		int rc = smtp_reply_parse(s->buf, s->buf_len, r, &used, d, sizeof d);
		ssize_t n;

		if (rc == DP_OK) {
			memmove(s->buf, s->buf + used, s->buf_len - used);
			s->buf_len -= used;
			return DP_OK;
		}
		if (rc != DP_ETRUNC) {
			snprintf(s->detail, sizeof s->detail, "%s: %s", what, d);
			return rc;
		}
		if (s->buf_len == sizeof s->buf) {
			/* Only reachable with many short continuation
			 * lines: the line cap stops the rest. */
			snprintf(s->detail, sizeof s->detail, "%s: reply larger than %zu bytes",
				 what, sizeof s->buf);
			return DP_ELIMIT;
		}
		rc = smtp_wait(s, POLLIN, what);
		if (rc != DP_OK)
			return rc;
		n = recv(s->fd, s->buf + s->buf_len, sizeof s->buf - s->buf_len, 0);
		if (n > 0) {
			s->buf_len += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		snprintf(s->detail, sizeof s->detail, "%s: connection closed by %s%s%s", what,
			 s->peer, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
		return DP_ENET;
	}
}

int smtp_greet(smtp_session *s, const char *helo_name)
{
	char cmd[300], text[SMTP_DETAIL_TEXT];
	int rc;

	/* The name goes on the wire inside a command: a CR/LF in it would
	 * end EHLO and send a second command (RFC 5321 4.1.1.1). */
	if (helo_name == NULL)
		helo_name = DP_HELO_NAME;
	if (!dp_helo_valid(helo_name)) {
		snprintf(s->detail, sizeof s->detail,
			 "HELO name \"%s\" is not a domain name or an address literal (RFC 5321 4.1.1.1)",
			 dp_esc(text, sizeof text, helo_name));
		return DP_EINVAL;
	}

	/* RFC 5321 4.3.1: 220 is the only greeting that lets us go on;
	 * 554 means "no SMTP service here". */
	rc = smtp_read_reply(s, &s->banner, "reading the banner");
	if (rc != DP_OK)
		return rc;
	if (s->banner.code != 220) {
		snprintf(s->detail, sizeof s->detail, "server refused the session: banner %d %s",
			 s->banner.code, dp_esc(text, sizeof text, s->banner.text));
		return DP_ESMTP;
	}
	snprintf(cmd, sizeof cmd, "EHLO %s\r\n", helo_name);
	if ((rc = smtp_send(s, cmd)) != DP_OK)
		return rc;
	rc = smtp_read_reply(s, &s->ehlo, "reading the EHLO reply");
	if (rc != DP_OK)
		return rc;
	if (s->ehlo.code == 250) {
		s->starttls_offered = (s->ehlo.ext & SMTP_EXT_STARTTLS) != 0;
		return DP_OK;
	}
	/* RFC 5321 4.1.4: a server that does not know EHLO gets HELO; such
	 * a server offers no extensions, hence no STARTTLS. */
	snprintf(cmd, sizeof cmd, "HELO %s\r\n", helo_name);
	if ((rc = smtp_send(s, cmd)) != DP_OK)
		return rc;
	rc = smtp_read_reply(s, &s->ehlo, "reading the HELO reply");
	if (rc != DP_OK)
		return rc;
	if (s->ehlo.code != 250) {
		snprintf(s->detail, sizeof s->detail, "server rejected EHLO and HELO: %d %s",
			 s->ehlo.code, dp_esc(text, sizeof text, s->ehlo.text));
		return DP_ESMTP;
	}
	s->ehlo.ext = 0;
	s->starttls_offered = 0;
	return DP_OK;
}

int smtp_starttls(smtp_session *s)
{
	char text[SMTP_DETAIL_TEXT];
	smtp_reply r;
	int rc;

	if ((rc = smtp_send(s, "STARTTLS\r\n")) != DP_OK)
		return rc;
	rc = smtp_read_reply(s, &r, "reading the STARTTLS reply");
	if (rc != DP_OK)
		return rc;
	if (r.code != 220) {
		/* RFC 3207 4: 454 "TLS not available due to temporary reason";
		 * the server did offer STARTTLS, so say that it refused. */
		snprintf(s->detail, sizeof s->detail,
			 "server offered STARTTLS, then refused it: %d %s%s", r.code,
			 dp_esc(text, sizeof text, r.text),
			 r.code == 454 ? " (RFC 3207 4: TLS not available for a temporary reason)" : "");
		s->starttls_refused = r.code;
		return DP_ESMTP;
	}
	/* RFC 3207 5: nothing the server sent in the clear may be taken
	 * into the TLS session; bytes after the 220 mean injection. */
	if (s->buf_len > 0) {
		snprintf(s->detail, sizeof s->detail,
			 "server sent %zu bytes after its STARTTLS reply (plaintext injection, RFC 3207 5)",
			 s->buf_len);
		return DP_EPROTO;
	}
	return DP_OK;
}

static void smtp_tls_reason(smtp_session *s, SSL *ssl, int ret, int e)
{
	unsigned long ol = ERR_peek_last_error();
	char ebuf[256] = "";
	long vr = SSL_get_verify_result(ssl);

	if (ol != 0)
		ERR_error_string_n(ol, ebuf, sizeof ebuf);
	if (vr != X509_V_OK && ol != 0 &&
	    ERR_GET_REASON(ol) == SSL_R_CERTIFICATE_VERIFY_FAILED)
		snprintf(s->detail, sizeof s->detail, "TLS handshake with %s: certificate verification failed: %s",
			 s->peer, X509_verify_cert_error_string(vr));
	else if ((e == SSL_ERROR_SYSCALL && ol == 0) ||
		 (ol != 0 && ERR_GET_REASON(ol) == SSL_R_UNEXPECTED_EOF_WHILE_READING))
		snprintf(s->detail, sizeof s->detail, "TLS handshake with %s aborted: %s", s->peer,
			 ret == 0 || ol != 0 || errno == 0 ? "connection closed by the server" : strerror(errno));
	else if (e == SSL_ERROR_ZERO_RETURN)
		snprintf(s->detail, sizeof s->detail, "TLS handshake with %s: connection closed by the server",
			 s->peer);
	else
		snprintf(s->detail, sizeof s->detail, "TLS handshake with %s failed: %s", s->peer,
			 ebuf[0] ? ebuf : "unknown error");
	ERR_clear_error();
}

int smtp_tls_handshake(smtp_session *s, SSL *ssl)
{
	ERR_clear_error();
	if (SSL_set_fd(ssl, s->fd) != 1) {
		snprintf(s->detail, sizeof s->detail, "SSL_set_fd failed");
		return DP_ETLS;
	}
	s->ssl = ssl;
	for (;;) {
		int ret = SSL_connect(ssl), e, rc;

		if (ret == 1)
			return DP_OK;
		e = SSL_get_error(ssl, ret);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			rc = smtp_wait(s, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
				       "in the TLS handshake");
			if (rc != DP_OK)
				return rc;
			continue;
		}
		smtp_tls_reason(s, ssl, ret, e);
		return DP_ETLS;
	}
}

void smtp_close(smtp_session *s)
{
	char keep[sizeof s->detail];

	if (s->fd < 0)
		return;
	/* The reason of the session's failure must survive the goodbye. */
	memcpy(keep, s->detail, sizeof keep);
	/* Politeness with a short budget: QUIT, and one look for the 221.
	 * The remaining deadline still bounds it. */
	if (s->deadline_ms - (long long)dp_mono_ms() > 200)
		s->deadline_ms = (long long)dp_mono_ms() + 200;
	if (s->ssl != NULL) {
		if (SSL_is_init_finished(s->ssl)) {
			(void)SSL_write(s->ssl, "QUIT\r\n", 6);
			(void)SSL_shutdown(s->ssl);
		}
		ERR_clear_error();
	} else if (smtp_send(s, "QUIT\r\n") == DP_OK) {
		smtp_reply r;
		s->buf_len = 0;
		(void)smtp_read_reply(s, &r, "reading the QUIT reply");
	}
	close(s->fd);
	s->fd = -1;
	s->ssl = NULL;
	memcpy(s->detail, keep, sizeof keep);
}
