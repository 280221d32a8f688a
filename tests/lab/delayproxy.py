#!/usr/bin/python3
"""DNS delay proxy for the daneprobe lab (stdlib only).

Listens on ADDR:53 (UDP and, unless --no-tcp, TCP) and forwards every query to
an upstream resolver after --delay-ms milliseconds.  The kernel here has no
netem, so latency comes from this proxy.

With --udp-max N, UDP responses longer than N bytes are replaced by a
truncated response (TC=1, header + question + an OPT advertising N) -- with
--no-tcp that emulates a resolver behind a broken firewall: small EDNS
buffer, no TCP.

Bounded: at most --max-pending UDP queries in flight and --max-conns TCP
connections; upstream waits time out after --timeout seconds; TCP connections
idle for 10 s are closed.  Stops cleanly on SIGTERM/SIGINT.
"""
import argparse
import asyncio
import signal
import struct


def question_end(msg):
    """Offset just after the first question (uncompressed qname), or None."""
    i = 12
    try:
        while msg[i]:
            if msg[i] & 0xC0:
                return i + 2 + 4
            i += msg[i] + 1
        return i + 1 + 4
    except IndexError:
        return None


def query_do_bit(query):
    """DO bit of the query's OPT record, if it has one right after the question."""
    end = question_end(query)
    if end is None or len(query) < end + 11 or query[end] != 0:
        return None
    rtype, _cls, ttl = struct.unpack("!HHI", query[end + 1:end + 9])
    if rtype != 41:
        return None
    return bool(ttl & 0x8000)


def truncate(resp, query, limit):
    """Build a TC=1 response: header, question, and an OPT with size `limit`."""
    qend = question_end(query)
    if qend is None or len(resp) < 12:
        return resp[:limit]
    ident, flags = struct.unpack("!HH", resp[:4])
    do = query_do_bit(query)
    opt = b""
    if do is not None:
        opt = b"\x00" + struct.pack("!HHIH", 41, limit, 0x8000 if do else 0, 0)
    hdr = struct.pack("!HHHHHH", ident, flags | 0x0200, 1, 0, 0, 1 if opt else 0)
    return hdr + query[12:qend] + opt


class Upstream(asyncio.DatagramProtocol):
    def __init__(self, fut):
        self.fut = fut

    def datagram_received(self, data, addr):
        if not self.fut.done():
            self.fut.set_result(data)

    def error_received(self, exc):
        if not self.fut.done():
            self.fut.set_exception(exc)


class UdpFront(asyncio.DatagramProtocol):
    def __init__(self, args):
        self.args = args
        self.pending = 0

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if self.pending >= self.args.max_pending or len(data) < 12:
            return                      # bounded: drop instead of queueing
        self.pending += 1
        asyncio.ensure_future(self.handle(data, addr))

    async def handle(self, data, addr):
        loop = asyncio.get_running_loop()
        tr = None
        try:
            await asyncio.sleep(self.args.delay_ms / 1000)
            fut = loop.create_future()
            tr, _ = await loop.create_datagram_endpoint(
                lambda: Upstream(fut), remote_addr=(self.args.upstream, self.args.upstream_port))
            tr.sendto(data)
            resp = await asyncio.wait_for(fut, self.args.timeout)
            # too big, or already truncated upstream: our own TC=1 answer,
            # whose OPT advertises the small buffer
            if self.args.udp_max and (len(resp) > self.args.udp_max
                                      or (len(resp) > 2 and resp[2] & 0x02)):
                resp = truncate(resp, data, self.args.udp_max)
            self.transport.sendto(resp, addr)
        except (asyncio.TimeoutError, OSError):
            pass                        # like a lost packet: the client retries
        finally:
            if tr:
                tr.close()
            self.pending -= 1


async def read_msg(reader, timeout):
    hdr = await asyncio.wait_for(reader.readexactly(2), timeout)
    (n,) = struct.unpack("!H", hdr)
    return await asyncio.wait_for(reader.readexactly(n), timeout)


async def tcp_client(args, sem, reader, writer):
    if sem.locked():
        writer.close()
        return
    async with sem:
        up_w = None
        pump = None
        try:
            up_r, up_w = await asyncio.wait_for(
                asyncio.open_connection(args.upstream, args.upstream_port), args.timeout)

            async def upstream_to_client():
                while True:
                    m = await read_msg(up_r, 30)
                    writer.write(struct.pack("!H", len(m)) + m)
                    await writer.drain()

            pump = asyncio.ensure_future(upstream_to_client())
            while True:
                m = await read_msg(reader, 10)          # idle timeout
                await asyncio.sleep(args.delay_ms / 1000)
                up_w.write(struct.pack("!H", len(m)) + m)
                await up_w.drain()
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            if pump:
                # let answers to queries already sent come back, then stop
                try:
                    await asyncio.wait_for(asyncio.shield(pump), 0.5 + args.delay_ms / 1000)
                except BaseException:
                    pass
                pump.cancel()
            for w in (up_w, writer):
                if w:
                    w.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--port", type=int, default=53)
    p.add_argument("--upstream", required=True)
    p.add_argument("--upstream-port", type=int, default=53)
    p.add_argument("--delay-ms", type=float, default=50)
    p.add_argument("--udp-max", type=int, default=0)
    p.add_argument("--no-tcp", action="store_true")
    p.add_argument("--max-pending", type=int, default=1024)
    p.add_argument("--max-conns", type=int, default=128)
    p.add_argument("--timeout", type=float, default=5)
    args = p.parse_args()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    udp, _ = await loop.create_datagram_endpoint(
        lambda: UdpFront(args), local_addr=(args.listen, args.port))
    server = None
    if not args.no_tcp:
        sem = asyncio.Semaphore(args.max_conns)
        server = await asyncio.start_server(
            lambda r, w: tcp_client(args, sem, r, w), args.listen, args.port,
            reuse_address=True)
    await stop.wait()
    udp.close()
    if server:
        server.close()


if __name__ == "__main__":
    asyncio.run(main())
