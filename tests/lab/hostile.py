#!/usr/bin/python3
"""Hostile DNS "servers" for daneprobe's robustness tests (stdlib only).

One process, UDP and TCP port 53 on PREFIX.1 .. PREFIX.6:

  .1  garbage     answers random bytes
  .2  wrong-id    a well-formed answer whose ID is not the query's
  .3  spoof       UDP: a correct answer, but sent from --spoof-from (PREFIX.30);
                  TCP: accepts and closes
  .4  endless-tc  TC=1 over UDP and TC=1 over TCP as well
  .5  silence     reads and never answers (TCP: accepts, never answers)
  .6  malformed   correct ID and question, then a record cut in the middle

Bounded (at most 64 TCP connections per fixture, held at most 60 s); stops on
SIGTERM/SIGINT.
"""
import argparse
import asyncio
import os
import signal
import socket
import struct


def qsection(q):
    i = 12
    try:
        while q[i]:
            if q[i] & 0xC0:
                i += 1
                break
            i += q[i] + 1
        return q[12:i + 1 + 4]
    except IndexError:
        return q[12:]


def answer(q, ident=None, flags=0x8180, rr=True):
    """NOERROR answer with one A 127.0.0.1 record (or none)."""
    ident = struct.unpack("!H", q[:2])[0] if ident is None else ident
    hdr = struct.pack("!HHHHHH", ident, flags | (q[2] << 8 & 0x0100), 1, 1 if rr else 0, 0, 0)
    body = qsection(q)
    if rr:
        body += struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([127, 0, 0, 1])
    return hdr + body


def respond(kind, q, proto):
    if len(q) < 12:
        return None
    ident = struct.unpack("!H", q[:2])[0]
    if kind == "garbage":
        return os.urandom(1 + os.urandom(1)[0] % 64)
    if kind == "wrong-id":
        return answer(q, ident ^ 0x5A5A)
    if kind == "spoof":
        return answer(q)
    if kind == "endless-tc":
        return answer(q, flags=0x8380, rr=False)       # QR RD RA + TC
    if kind == "malformed":
        full = answer(q)
        return full[:-7]                                 # cut inside the RR
    return None                                          # silence


KINDS = {1: "garbage", 2: "wrong-id", 3: "spoof", 4: "endless-tc", 5: "silence",
         6: "malformed"}


class Udp(asyncio.DatagramProtocol):
    def __init__(self, kind, spoof_sock):
        self.kind, self.spoof_sock = kind, spoof_sock

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        r = respond(self.kind, data, "udp")
        if r is None:
            return
        if self.kind == "spoof":
            self.spoof_sock.sendto(r, addr)
        else:
            self.transport.sendto(r, addr)


async def tcp_handler(kind, sem, reader, writer):
    if sem.locked():
        writer.close()
        return
    async with sem:
        try:
            if kind == "spoof":
                return
            while True:
                hdr = await asyncio.wait_for(reader.readexactly(2), 60)
                q = await asyncio.wait_for(reader.readexactly(struct.unpack("!H", hdr)[0]), 10)
                r = respond(kind, q, "tcp")
                if r is None:                           # silence: hold, never answer
                    await asyncio.wait_for(reader.read(65536), 60)
                    return
                writer.write(struct.pack("!H", len(r)) + r)
                await writer.drain()
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prefix", default="127.53.9")
    p.add_argument("--spoof-from", default="127.53.9.30")
    p.add_argument("--port", type=int, default=53)
    a = p.parse_args()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    spoof = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    spoof.bind((a.spoof_from, a.port))
    spoof.setblocking(False)
    closers = []
    for n, kind in KINDS.items():
        addr = f"{a.prefix}.{n}"
        t, _ = await loop.create_datagram_endpoint(
            lambda k=kind: Udp(k, spoof), local_addr=(addr, a.port))
        closers.append(t)
        sem = asyncio.Semaphore(64)
        srv = await asyncio.start_server(
            lambda r, w, k=kind, s=sem: tcp_handler(k, s, r, w), addr, a.port,
            reuse_address=True)
        closers.append(srv)
    await stop.wait()
    for c in closers:
        c.close()
    spoof.close()


if __name__ == "__main__":
    asyncio.run(main())
