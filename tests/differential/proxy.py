#!/usr/bin/python3
"""proxy.py - the mutating DNS proxy of the differential test.

Listens on UDP and TCP, asks the lab's non-validating unbound (which passes
DNSSEC records) and hands back the answer after one mutation of the
round's kind (mutate.py).  The mutation is a function of (seed, kind,
qname, qtype) only, and the mutated answer is kept for the whole round, so
the oracle unbound and daneprobe get the same bytes for the same question.

Control (UDP, one line, answered "ok ..." or "error ..."):
    round SEED KIND [P_DATA [P_CHAIN]]  start a round: empty the caches;
        mutate an answer with probability P_DATA (default 0.8), DNSKEY and
        DS answers (the chain of trust) with P_CHAIN (default 0.2)
    notes FILE   write {"qname/qtype": note} of this round's mutations (JSON)
    ping

Run with Debian's python3 (python3-dnspython, python3-cryptography).
"""
import argparse
import json
import socket
import socketserver
import struct
import sys
import threading
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdatatype

import keys as K
import mutate as M


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.upstream = {}           # (qname, qtype) -> wire (honest answers)
        self.round = (0, "none", 0.8, 0.2)
        self.mutated = {}            # (qname, qtype) -> wire with ID 0
        self.notes = {}
        self.keys = K.load(args.keys) if args.keys else {}
        self.pool = M.Pool()


def ask_upstream(st, qname, qtype):
    key = (qname.to_text().lower(), qtype)
    with st.lock:
        if key in st.upstream:
            return st.upstream[key]
    q = dns.message.make_query(qname, qtype, want_dnssec=True, payload=4096)
    q.flags |= dns.flags.CD
    r = None
    for _ in range(3):
        try:
            r = dns.query.udp(q, st.args.upstream, timeout=3)
            if r.flags & dns.flags.TC:
                r = dns.query.tcp(q, st.args.upstream, timeout=5)
            break
        except (dns.exception.Timeout, OSError):
            continue
    if r is None:
        return None
    wire = r.to_wire()
    with st.lock:
        st.upstream.setdefault(key, wire)
        return st.upstream[key]


def answer_for(st, qname, qtype, depth=0):
    """The round's answer for (qname, qtype), with ID 0: (wire, note)."""
    key = (qname.to_text().lower(), qtype)
    with st.lock:
        rnd = st.round
        if key in st.mutated:
            return st.mutated[key]
    wire = ask_upstream(st, qname, qtype)
    if wire is None:
        return None, None
    msg = dns.message.from_wire(wire)
    frozen = compose_cname(st, msg, qname, qtype, depth)
    seed, kind, p_data, p_chain = rnd
    rng = M.rng_for(seed, kind, qname, qtype)
    p = p_chain if qtype in (dns.rdatatype.DNSKEY, dns.rdatatype.DS) else p_data
    note = None
    if kind != "none" and rng.random() < p:
        ctx = M.Ctx(msg, rng, st.pool, st.keys, qname, qtype, int(time.time()), frozen)
        try:
            note = M.mutate(ctx, kind)
        except Exception as e:      # a mutation bug must not hang the clients
            note = f"mutation error {type(e).__name__}: {e}"
            msg = dns.message.from_wire(wire)
            compose_cname(st, msg, qname, qtype, depth)
    msg.id = 0
    out = msg.to_wire()
    with st.lock:
        if st.round != rnd:
            return out, note
        st.mutated.setdefault(key, (out, note))
        if note:
            st.notes[f"{key[0]}/{dns.rdatatype.to_text(qtype)}"] = note
        return st.mutated[key]


def compose_cname(st, msg, qname, qtype, depth):
    """An answer that is a CNAME chain gets, after the CNAME, exactly the
    round's (mutated) answer to the target's own question.  A validator
    that re-asks the target (unbound keeps nothing in its cache here) and
    one that takes the chain as it came (daneprobe) then judge the same
    records.  Returns the target's RRsets, which the mutation of this
    question leaves alone (ids, for mutate.Ctx.frozen)."""
    cname = next((rs for rs in msg.answer if rs.name == qname and
                  rs.rdtype == dns.rdatatype.CNAME), None)
    if cname is None or qtype == dns.rdatatype.CNAME or depth > 8:
        return set()
    out, _ = answer_for(st, next(iter(cname)).target, qtype, depth + 1)
    if out is None:
        return set()
    t = dns.message.from_wire(out)
    msg.answer = [rs for rs in msg.answer if rs.name == qname] + t.answer
    msg.authority, msg.additional = t.authority, []
    msg.set_rcode(t.rcode())
    return {id(rs) for rs in t.answer + t.authority}


def respond(st, wire, max_size):
    try:
        q = dns.message.from_wire(wire)
    except Exception:
        return None
    if len(q.question) != 1:
        return None
    qs = q.question[0]
    out, _ = answer_for(st, qs.name, qs.rdtype)
    if out is None:
        r = dns.message.make_response(q)
        r.set_rcode(2)
        return r.to_wire()
    # The client's ID and its spelling of the question (same length).
    qlen = len(qs.name.to_wire()) + 4
    out = wire[:2] + out[2:12] + wire[12:12 + qlen] + out[12 + qlen:]
    if q.edns < 0:
        # A query without EDNS (a resolver's fallback after timeouts) gets
        # no OPT back (RFC 6891 7).
        r = dns.message.from_wire(out)
        r.use_edns(False)
        out = r.to_wire()
    if max_size and len(out) > max_size:
        r = dns.message.make_response(q)
        r.flags |= dns.flags.TC
        return r.to_wire()
    return out


class UDPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        try:
            q = dns.message.from_wire(data)
            size = q.payload if q.edns >= 0 else 512
        except Exception:
            return
        out = respond(self.server.st, data, max(size, 512))
        if out:
            sock.sendto(out, self.client_address)


class TCPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        s.settimeout(10)
        try:
            while True:
                hdr = s.recv(2, socket.MSG_WAITALL)
                if len(hdr) < 2:
                    return
                (n,) = struct.unpack("!H", hdr)
                data = s.recv(n, socket.MSG_WAITALL)
                out = respond(self.server.st, data, 0)
                if not out:
                    return
                s.sendall(struct.pack("!H", len(out)) + out)
        except OSError:
            return


class ControlHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        st = self.server.st
        words = data.decode(errors="replace").split()
        reply = "error usage"
        if words[:1] == ["ping"]:
            reply = "ok pong"
        elif words[:1] == ["round"] and len(words) >= 3 and words[2] in M.KINDS:
            p_data = float(words[3]) if len(words) > 3 else 0.8
            p_chain = float(words[4]) if len(words) > 4 else 0.2
            with st.lock:
                st.round = (int(words[1]), words[2], p_data, p_chain)
                st.mutated, st.notes = {}, {}
            reply = f"ok round {words[1]} {words[2]}"
        elif words[:1] == ["notes"] and len(words) == 2:
            with st.lock:
                notes = dict(st.notes)
            with open(words[1], "w") as f:
                json.dump(notes, f, indent=0, sort_keys=True)
            reply = f"ok {len(notes)}"
        sock.sendto(reply.encode(), self.client_address)


class UDPServer(socketserver.ThreadingUDPServer):
    daemon_threads = True
    allow_reuse_address = True


class TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def build_pool(st, path):
    """Ask every "name type" line of PATH once; keep the records (mutate.Pool)."""
    for line in open(path):
        f = line.split()
        if len(f) < 2 or f[0].startswith("#"):
            continue
        wire = ask_upstream(st, dns.name.from_text(f[0]), dns.rdatatype.from_text(f[1]))
        if wire is not None:
            st.pool.add(dns.message.from_wire(wire))
    st.pool.freeze()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", required=True)
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--control-port", type=int, default=5300)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--keys", help="directory of the lab's K*.private files")
    ap.add_argument("--pool", required=True, help='"name type" lines to collect records from')
    args = ap.parse_args()
    st = State(args)
    build_pool(st, args.pool)
    servers = [UDPServer((args.listen, args.port), UDPHandler),
               TCPServer((args.listen, args.port), TCPHandler),
               UDPServer((args.listen, args.control_port), ControlHandler)]
    for s in servers:
        s.st = st
        threading.Thread(target=s.serve_forever, daemon=True).start()
    nkeys = sum(len(v) for v in st.keys.values())
    print(f"proxy: {args.listen}:{args.port} -> {args.upstream}, {len(st.pool.sig_list)} RRSIGs "
          f"and {sum(len(v) for v in st.pool.proof_lists.values())} proofs in the pool, "
          f"{nkeys} keys of {len(st.keys)} zones", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
