#!/usr/bin/python3
"""Hostile SMTP servers for manual and lab tests of daneprobe's SMTP client.

    tests/lab/smtp-hostile.py [ADDR] [BASEPORT]     (default 127.0.0.1 2525)

Each scenario listens on BASEPORT + n (printed at start); point
`daneprobe verify --smtp-port PORT` (or a lab MX address) at one of them.
The unit tests (tests/unit/test_smtp.c) run the same scenarios as threads
in C, so they need no Python; this script is for trying a build by hand
and for the lab.  Stdlib only.

Scenarios (port offset: behaviour):
  0 no-starttls     banner, EHLO without STARTTLS
  1 tarpit          the banner one byte every 0.5 s
  2 silent          accepts, says nothing
  3 endless-line    "220 " then 'A' forever, no line end
  4 endless-lines   banner, then "250-X" lines forever after EHLO
  5 garbage         an SSH banner instead of SMTP
  6 code-mismatch   EHLO reply whose codes change inside the reply
  7 refuse          554 banner
  8 abort-tls       offers STARTTLS, says 220, reads the ClientHello, hangs up
  9 stall-tls       offers STARTTLS, says 220, then silence
 10 injection       STARTTLS reply followed by a pipelined plaintext reply
 11 starttls-454    offers STARTTLS, then refuses it with 454 (RFC 3207 4)
 12 escape-banner   554 banner whose text sets the terminal title and
                    clears the screen, over two lines (escape injection)
 13 log-commands    a normal EHLO session that prints every line it hears
                    ("heard: ...") on stdout, for the HELO injection test
"""
import socket
import sys
import threading
import time

EHLO_TLS = b"250-hostile.lab\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n"


def readline(c):
    buf = b""
    c.settimeout(30)
    try:
        while not buf.endswith(b"\n") and len(buf) < 4096:
            b = c.recv(1)
            if not b:
                break
            buf += b
    except OSError:
        pass
    return buf


def hold(c, seconds=60):
    c.settimeout(seconds)
    try:
        while c.recv(4096):
            pass
    except OSError:
        pass


def no_starttls(c):
    c.sendall(b"220 hostile.lab ESMTP\r\n")
    readline(c)
    c.sendall(b"250-hostile.lab\r\n250 PIPELINING\r\n")
    hold(c)


def tarpit(c):
    for b in b"220 hostile.lab ESMTP slowly\r\n":
        c.sendall(bytes([b]))
        time.sleep(0.5)
    hold(c)


def silent(c):
    hold(c)


def endless_line(c):
    c.sendall(b"220 ")
    while True:
        c.sendall(b"A" * 4096)


def endless_lines(c):
    c.sendall(b"220 hostile.lab\r\n")
    readline(c)
    while True:
        c.sendall(b"250-X\r\n" * 512)


def garbage(c):
    c.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
    hold(c)


def code_mismatch(c):
    c.sendall(b"220 hostile.lab\r\n")
    readline(c)
    c.sendall(b"250-hostile.lab\r\n250-STARTTLS\r\n220 oops\r\n")
    hold(c)


def refuse(c):
    c.sendall(b"554 5.7.1 no service for you\r\n")
    hold(c, 5)


def starttls_then(c, after):
    c.sendall(b"220 hostile.lab\r\n")
    readline(c)
    c.sendall(EHLO_TLS)
    readline(c)
    after(c)


def abort_tls(c):
    def go(c):
        c.sendall(b"220 2.0.0 go ahead\r\n")
        c.settimeout(10)
        try:
            c.recv(4096)
        except OSError:
            pass
    starttls_then(c, go)


def stall_tls(c):
    def go(c):
        c.sendall(b"220 2.0.0 go ahead\r\n")
        hold(c)
    starttls_then(c, go)


def injection(c):
    def go(c):
        c.sendall(b"220 2.0.0 go ahead\r\n250 injected\r\n")
        hold(c)
    starttls_then(c, go)


def starttls_454(c):
    def go(c):
        c.sendall(b"454 4.7.0 TLS not available due to local problem\r\n")
        hold(c, 10)
    starttls_then(c, go)


def escape_banner(c):
    c.sendall(b"554-\x1b]0;pwned\x07\x1b[2J\r\n554 DANE SUCCESS for bank.example\r\n")
    hold(c, 5)


def log_commands(c):
    c.sendall(b"220 hostile.lab ESMTP\r\n")
    while True:
        line = readline(c)
        if not line:
            return
        print("heard: %r" % line, flush=True)
        if line.upper().startswith((b"EHLO", b"HELO")):
            c.sendall(b"250-hostile.lab\r\n250 PIPELINING\r\n")
        elif line.upper().startswith(b"QUIT"):
            c.sendall(b"221 bye\r\n")
            return
        else:
            c.sendall(b"250 ok\r\n")


SCENARIOS = [no_starttls, tarpit, silent, endless_line, endless_lines, garbage,
             code_mismatch, refuse, abort_tls, stall_tls, injection,
             starttls_454, escape_banner, log_commands]


def listen(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    return s


def serve(s, fn):
    while True:
        c, _ = s.accept()

        def run(c=c):
            try:
                fn(c)
            except OSError:
                pass
            finally:
                c.close()
        threading.Thread(target=run, daemon=True).start()


def main():
    addr = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    base = int(sys.argv[2]) if len(sys.argv) > 2 else 2525
    for i, fn in enumerate(SCENARIOS):
        s = listen(addr, base + i)   # bound before we say so
        print("%s port %d: %s" % (addr, base + i, fn.__name__.replace("_", "-")), flush=True)
        threading.Thread(target=serve, args=(s, fn), daemon=True).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
