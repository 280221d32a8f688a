#!/usr/bin/python3
"""TCP stream delay proxy for the daneprobe latency lab (stdlib only).

Listens on --listen ADDR:PORT and relays each connection to --upstream
ADDR:PORT.  Every chunk the upstream server sends reaches the client
--delay-ms milliseconds later, in order; the client's bytes go up at once.
So each request/response round trip of a protocol (an SMTP reply, a TLS
flight) costs one delay, as on a path with that round-trip time, whatever
is said in it: the proxy never reads the stream (STARTTLS passes through).

Bounded: at most --max-conns connections at once (more wait in the listen
backlog); a connection whose server stays silent for --idle seconds is
closed.  Stops cleanly on SIGTERM/SIGINT.

  tcpdelay.py --listen 127.25.2.1:25 --upstream 127.25.1.1:25 --delay-ms 50
"""
import argparse
import asyncio
import signal
import time


def hostport(s):
    host, _, port = s.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected ADDR:PORT, got {s!r}")
    return host.strip("[]"), int(port)


async def client_to_upstream(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except OSError:
        pass


async def upstream_to_client(reader, writer, delay, idle):
    """Read as fast as the server sends; deliver each chunk `delay` later."""
    q = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await q.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    out = asyncio.create_task(deliver())
    try:
        while True:
            data = await asyncio.wait_for(reader.read(65536), idle)
            q.put_nowait((time.monotonic() + delay, data))
            if not data:
                break
        await out
    finally:
        out.cancel()


async def relay(args, sem, creader, cwriter):
    async with sem:
        try:
            ureader, uwriter = await asyncio.wait_for(
                asyncio.open_connection(*args.upstream), 5)
        except (OSError, asyncio.TimeoutError):
            cwriter.close()
            return
        up = asyncio.create_task(client_to_upstream(creader, uwriter))
        try:
            # the connection ends when the server's side has been delivered
            # (or fails, or stays silent for --idle s); the client's
            # half-close alone does not end it
            await upstream_to_client(ureader, cwriter, args.delay_ms / 1000, args.idle)
        except (OSError, asyncio.TimeoutError):
            pass
        finally:
            up.cancel()
            for w in (uwriter, cwriter):
                try:
                    w.close()
                except Exception:
                    pass


async def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--listen", type=hostport, required=True)
    p.add_argument("--upstream", type=hostport, required=True)
    p.add_argument("--delay-ms", type=float, default=50)
    p.add_argument("--max-conns", type=int, default=256)
    p.add_argument("--idle", type=float, default=30)
    args = p.parse_args()
    sem = asyncio.Semaphore(args.max_conns)
    server = await asyncio.start_server(
        lambda r, w: relay(args, sem, r, w), *args.listen, backlog=512, reuse_address=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
