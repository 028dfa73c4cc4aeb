#!/usr/bin/python3
"""Latency relay for the scale benchmark (bench/run, benchmark 3).

Listens on many loopback addresses in the network namespace it is started in (the bench namespace) and
forwards every TCP connection (and, with --udp-ports, every UDP datagram) to the same port of a lab DC in
another namespace (default: 127.0.0.1 in ls-legacy; with --upstream-netns A,B,C the live addresses are
dealt round-robin to the DCs of those namespaces, so no single DC stands behind every address). Every data segment, FIN and datagram is held --delay
seconds in each direction, so one request/response round trip costs 2 x delay on top of the DC's own time.
The TCP handshake itself is answered at once by the kernel of the bench namespace (userspace cannot hold a
SYN/ACK, and this kernel has no netem). The upstream connect to the DC starts when the client's first bytes
arrive (they reach the DC one delay later, once that connection is up), so a connection costs one round trip
less than on a real 50 ms link. A client that connects and closes without sending anything (a reachability
check) never reaches the DC: as with separate remote hosts, whose kernels answer the handshake, one DC
standing behind every live address does not see a burst of empty connections it would not see in a real
network.

How the namespaces meet: all listening sockets are created first (they stay in the namespace the process
started in); every upstream socket is created after a setns(2) of the process's only thread into the lab
namespace of its DC (a socket stays in the namespace it was created in). No address outside 127.0.0.0/8 is ever used: the script refuses any other.

Bounded: the relay exits after --max-seconds (default 1800) even if nobody stops it, and it writes its pid
file only once every listener is bound ("ready" line on stdout).
"""
import argparse
import asyncio
import collections
import ctypes
import ipaddress
import os
import signal
import socket
import sys

CLONE_NEWNET = 0x40000000


_libc = ctypes.CDLL(None, use_errno=True)


def setns_fd(fd, what):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns({what}): {os.strerror(err)}")


class Upstreams:
    """The lab namespaces (open fds) and a socket factory for each."""

    def __init__(self, names):
        self.names = names or [""]
        self.fds = [os.open(os.path.join("/run/netns", n), os.O_RDONLY) if n else None for n in self.names]

    def socket(self, i, kind):
        fd = self.fds[i % len(self.fds)]
        if fd is not None:
            setns_fd(fd, self.names[i % len(self.names)])
        s = socket.socket(socket.AF_INET, kind)
        s.setblocking(False)
        return s


def loopback_only(addr):
    a = ipaddress.ip_address(addr)
    if not (a in ipaddress.ip_network("127.0.0.0/8") or a == ipaddress.ip_address("::1")):
        raise SystemExit(f"relay: {addr} is not a loopback address; refusing")
    return str(a)


class DelayedWriter:
    """Writes chunks to a transport `delay` seconds after they were queued, in order; None means EOF/close."""

    def __init__(self, loop, delay, on_close):
        self.loop = loop
        self.delay = delay
        self.queue = collections.deque()
        self.transport = None  # set once the destination exists
        self.timer = None
        self.on_close = on_close
        self.closed = False

    def push(self, data):
        if self.closed:
            return
        self.queue.append((self.loop.time() + self.delay, data))
        self._arm()

    def attach(self, transport):
        self.transport = transport
        self._arm()

    def _arm(self):
        if self.timer is None and self.queue and self.transport is not None:
            self.timer = self.loop.call_at(self.queue[0][0], self._flush)

    def _flush(self):
        self.timer = None
        now = self.loop.time()
        while self.queue and self.queue[0][0] <= now:
            _, data = self.queue.popleft()
            if data is None:
                self.closed = True
                self.queue.clear()
                self.on_close(self.transport)
                return
            self.transport.write(data)
        self._arm()


def close_half(transport):
    try:
        if transport.can_write_eof():
            transport.write_eof()
        else:
            transport.close()
    except (OSError, RuntimeError):
        transport.close()


class Upstream(asyncio.Protocol):
    def __init__(self, pair):
        self.pair = pair

    def connection_made(self, transport):
        self.pair.up = transport
        self.pair.to_up.attach(transport)

    def data_received(self, data):
        self.pair.to_client.push(data)

    def eof_received(self):
        self.pair.to_client.push(None)
        return True

    def connection_lost(self, exc):
        self.pair.up_lost()


class Pair:
    total = 0     # client connections accepted
    upstream = 0  # connections opened to the DC (the client sent something)

    def __init__(self, loop, delay):
        self.loop = loop
        self.client = None
        self.up = None
        self.to_up = DelayedWriter(loop, delay, close_half)
        self.to_client = DelayedWriter(loop, delay, self._close_client)
        Pair.total += 1

    def _close_client(self, transport):
        close_half(transport)

    def up_lost(self):
        # The DC closed or reset: the client sees the close after the delay (already queued by eof_received;
        # queue it again in case of a reset, the writer ignores a second None).
        self.to_client.push(None)
        self.loop.call_later(self.to_client.delay + 0.05, self._finish)

    def _finish(self):
        if self.client is not None:
            self.client.close()
        if self.up is not None:
            self.up.close()


class Client(asyncio.Protocol):
    def __init__(self, loop, delay, upstream, port, ups, dc):
        self.loop, self.delay, self.upstream, self.port = loop, delay, upstream, port
        self.ups, self.dc = ups, dc  # Upstreams, index of this address's DC

    def connection_made(self, transport):
        self.pair = Pair(self.loop, self.delay)
        self.pair.client = transport
        self.pair.to_client.attach(transport)
        self.started = False

    def _start(self):
        # The first bytes open the upstream connection; they are held `delay` in the writer meanwhile.
        if not self.started:
            self.started = True
            Pair.upstream += 1
            self.loop.create_task(self._connect())

    async def _connect(self):
        try:
            sock = self.ups.socket(self.dc, socket.SOCK_STREAM)
            try:
                await self.loop.sock_connect(sock, (self.upstream, self.port))
            except OSError:
                sock.close()
                raise
            await self.loop.create_connection(lambda: Upstream(self.pair), sock=sock)
        except OSError:
            # DC not there: reset the client after the delay.
            def rst():
                sock = self.pair.client.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.pair.client.close()
            self.loop.call_later(self.delay, rst)

    def data_received(self, data):
        self._start()
        self.pair.to_up.push(data)

    def eof_received(self):
        if not self.started:
            return False  # nothing was sent: close, the DC never hears of it
        self.pair.to_up.push(None)
        return True

    def connection_lost(self, exc):
        # Client gone (closed or reset): forward the close after the delay.
        if self.started:
            self.pair.to_up.push(None)
        else:
            self.pair.client.close()


class UdpListener(asyncio.DatagramProtocol):
    """One per live address and UDP port: forwards each client's datagrams over a client-specific upstream
    socket (created in the lab namespace) and sends the replies back from the listening address."""

    def __init__(self, loop, delay, upstream, port, ups, dc):
        self.loop, self.delay, self.upstream, self.port = loop, delay, upstream, port
        self.ups, self.dc = ups, dc
        self.flows = {}

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.loop.call_later(self.delay, self._forward, data, addr)

    def _forward(self, data, addr):
        flow = self.flows.get(addr)
        if flow is None:
            listener = self

            class Back(asyncio.DatagramProtocol):
                def datagram_received(self, reply, _src):
                    listener.loop.call_later(listener.delay, listener.transport.sendto, reply, addr)

            flow = self.flows[addr] = {"pending": [data], "transport": None}

            async def open_flow():
                sock = self.ups.socket(self.dc, socket.SOCK_DGRAM)
                sock.connect((self.upstream, self.port))
                t, _ = await self.loop.create_datagram_endpoint(Back, sock=sock)
                flow["transport"] = t
                for d in flow["pending"]:
                    t.sendto(d)
                flow["pending"] = None
                self.loop.call_later(30, t.close)  # bounded: flows live 30 s at most
                self.loop.call_later(30, self.flows.pop, addr, None)

            self.loop.create_task(open_flow())
        elif flow["transport"] is None:
            flow["pending"].append(data)
        else:
            flow["transport"].sendto(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--addresses", required=True, help="file: one loopback address per line to listen on")
    ap.add_argument("--tcp-ports", default="445,139")
    ap.add_argument("--udp-ports", default="")
    ap.add_argument("--upstream", default="127.0.0.1")
    ap.add_argument("--upstream-netns", default="ls-legacy",
                    help="name under /run/netns ('' = stay here); a comma list deals the addresses round-robin")
    ap.add_argument("--delay", type=float, default=0.025, help="seconds each way (default 0.025)")
    ap.add_argument("--max-seconds", type=float, default=1800)
    ap.add_argument("--pidfile")
    ap.add_argument("--count-file", help="written on SIGUSR1: TCP connections relayed so far")
    args = ap.parse_args()

    upstream = loopback_only(args.upstream)
    with open(args.addresses) as f:
        addrs = [loopback_only(line.strip()) for line in f if line.strip() and not line.startswith("#")]
    tcp_ports = [int(p) for p in args.tcp_ports.split(",") if p]
    udp_ports = [int(p) for p in args.udp_ports.split(",") if p]

    try:
        import uvloop  # optional (Debian: python3-uvloop); plain asyncio otherwise
        uvloop.install()
    except ImportError:
        pass
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    # 1. Listeners, in the namespace we were started in.
    tcp_socks, udp_socks = [], []
    for dc, a in enumerate(addrs):
        for p in tcp_ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((a, p))
            s.listen(512)
            s.setblocking(False)
            tcp_socks.append((s, p, dc))
        for p in udp_ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((a, p))
            s.setblocking(False)
            udp_socks.append((s, p, dc))
    # 2. Upstream sockets are created in the lab namespaces (Upstreams.socket).
    ups = Upstreams([n for n in args.upstream_netns.split(",") if n])

    async def serve():
        servers = []
        for s, p, dc in tcp_socks:
            servers.append(await loop.create_server(lambda p=p, dc=dc: Client(loop, args.delay, upstream, p, ups, dc),
                                                    sock=s))
        for s, p, dc in udp_socks:
            await loop.create_datagram_endpoint(lambda p=p, dc=dc: UdpListener(loop, args.delay, upstream, p, ups, dc),
                                                sock=s)
        if args.pidfile:
            with open(args.pidfile, "w") as f:
                f.write(f"{os.getpid()}\n")
        print(f"relay: ready: {len(addrs)} addresses, tcp {tcp_ports}, udp {udp_ports}, "
              f"delay {args.delay * 1000:.0f} ms each way, upstream {upstream} in {args.upstream_netns or 'this netns'}",
              flush=True)
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        # SIGUSR1: write the number of TCP connections relayed to the DC so far to --count-file (bench/run
        # reads it before and after each scan: DC connections per live host).
        def count():
            if args.count_file:
                with open(args.count_file + ".tmp", "w") as f:
                    f.write(f"{Pair.upstream}\n")
                os.replace(args.count_file + ".tmp", args.count_file)
        loop.add_signal_handler(signal.SIGUSR1, count)
        try:
            await asyncio.wait_for(stop.wait(), args.max_seconds)
        except asyncio.TimeoutError:
            print("relay: --max-seconds reached, exiting", file=sys.stderr, flush=True)
        print(f"relay: {Pair.total} TCP connections accepted, {Pair.upstream} relayed to the DC", flush=True)
        for srv in servers:
            srv.close()

    loop.run_until_complete(serve())


if __name__ == "__main__":
    main()
