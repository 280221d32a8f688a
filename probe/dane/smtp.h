/*
 * smtp.h - a small SMTP client for the DANE path: connect with a deadline,
 * banner, EHLO, STARTTLS, TLS handshake, QUIT.  It never sends mail.
 *
 * Every server is assumed hostile: one deadline covers the whole session
 * (a tarpit that sends one byte a second still ends on time), reply lines
 * and the number of lines in one reply are capped, and anything that is
 * not an RFC 5321 reply ends the session with a reason.
 */
#ifndef DP_SMTP_H
#define DP_SMTP_H

#include <stddef.h>
#include <sys/socket.h>
#include <openssl/ssl.h>
#include "validator/dp_err.h"

/* RFC 5321 4.5.3.1.5 caps a reply line at 512 octets; servers exceed it
 * in practice (long EHLO keywords), so allow twice that and no more. */
#define SMTP_LINE_MAX 1024
/* Lines in one reply: EHLO lists a few dozen extensions at most. */
#define SMTP_LINES_MAX 64
/* Text kept from one reply (lines joined by '\n', truncated). */
#define SMTP_TEXT_MAX 2048

/* EHLO keywords we care about. */
enum smtp_ext {
	SMTP_EXT_STARTTLS = 1 << 0,
	SMTP_EXT_PIPELINING = 1 << 1,
	SMTP_EXT_8BITMIME = 1 << 2,
	SMTP_EXT_SIZE = 1 << 3
};

/* Bytes of an escaped reply text in a message (s->detail). */
#define SMTP_DETAIL_TEXT 300

typedef struct smtp_reply {
	int code;                    /* 3 digits, 200..599 */
	size_t n_lines;
	unsigned ext;                /* smtp_ext bits found in lines 2.. (EHLO) */
	char text[SMTP_TEXT_MAX];    /* the text after "XYZ-"/"XYZ ", lines joined by '\n' */
} smtp_reply;

/*
 * Parse one complete reply from the start of buf[0..len) (RFC 5321 4.2:
 * "XYZ-text" continuation lines, then "XYZ text" or "XYZ"; the same code
 * on every line; CRLF line ends, a bare LF is tolerated).
 * Returns DP_OK with *out filled and *consumed set to the bytes used;
 * DP_ETRUNC when buf holds no complete reply yet; DP_EPARSE for a
 * malformed line or inconsistent codes; DP_ELIMIT when a line or the
 * line count exceeds the caps (even before the reply is complete).
 * detail (may be NULL) gets a sentence on error.
 */
int smtp_reply_parse(const char *buf, size_t len, smtp_reply *out,
		     size_t *consumed, char *detail, size_t detail_len);

/* One session.  Fields are read-only for callers. */
typedef struct smtp_session {
	int fd;
	SSL *ssl;                    /* set by smtp_tls_handshake (borrowed) */
	long long deadline_ms;       /* dp_mono_ms() time when everything stops */
	char peer[64];               /* "192.0.2.25" */
	char local[64];              /* the local address used ("from interface") */
	smtp_reply banner;
	smtp_reply ehlo;
	int starttls_offered;
	int starttls_refused;        /* the reply code when STARTTLS was offered,
				      * then refused (454, RFC 3207 4); else 0 */
	char buf[SMTP_LINE_MAX * 4]; /* bytes read, not yet parsed */
	size_t buf_len;
	char detail[512];            /* what went wrong, for the last error */
} smtp_session;

/* Initialise s (no socket yet). */
void smtp_session_init(smtp_session *s);

/*
 * Connect to addr with a deadline of timeout_ms for the whole session
 * (connect, banner, EHLO, STARTTLS and TLS handshake together).
 * DP_OK; DP_ETIMEOUT; DP_ENET (refused, unreachable) with s->detail.
 */
int smtp_connect(smtp_session *s, const struct sockaddr *addr, socklen_t addrlen,
		 int timeout_ms);

/*
 * Read the banner (must be 220), send EHLO helo_name, read the reply
 * (250; on 5xx fall back to HELO, which offers no STARTTLS).  Sets
 * s->starttls_offered.  DP_OK; DP_ESMTP (the server refused: 554 banner,
 * EHLO and HELO rejected); DP_EPARSE (garbage); DP_ELIMIT (endless
 * lines); DP_ETIMEOUT; DP_ENET (connection closed).
 */
int smtp_greet(smtp_session *s, const char *helo_name);

/*
 * Send STARTTLS and expect 220 (RFC 3207).  Bytes sent by the server
 * after that reply are a protocol violation (command injection, RFC 3207
 * section 5 / CVE-2011-0411 class): DP_EPROTO.  DP_ESMTP if the server
 * refuses.
 */
int smtp_starttls(smtp_session *s);

/*
 * Run the TLS handshake on ssl (already configured by the caller: SNI,
 * DANE) over the session's socket, within the deadline.  DP_OK when
 * the handshake completed (check SSL_get_verify_result afterwards);
 * DP_ETLS with s->detail otherwise (which includes a failed DANE
 * verification when the caller set SSL_VERIFY_PEER), DP_ETIMEOUT.
 */
int smtp_tls_handshake(smtp_session *s, SSL *ssl);

/* Send QUIT (over TLS when up), briefly wait for the reply, close.  Safe
 * on a session that never connected. */
void smtp_close(smtp_session *s);

#endif
