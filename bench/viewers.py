"""Many Socket.IO viewers in one process: raw websocket with the engine.io/socket.io framing.

A python-socketio client costs a thread or two per connection; here one asyncio loop holds
hundreds of connections, so the load generator stays cheaper than the server it measures.
Each viewer records, for every `view` or `fleet` frame, the driver position's timestamp (the
bench sends whole seconds, so `at` names the fix exactly) and the time it was received.

"Received" is the kernel's receive timestamp of the socket read that completed the frame
(SO_TIMESTAMPNS), not the moment this process got round to parsing it: on a small machine the
generator competes with the server for the cores, and a frame parsed late is not the server's
latency. The read's timestamp is that of the newest packet it returned, so it is never early.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache


@dataclass
class ViewerLog:
    kind: str  # "customer" or "dashboard"
    key: str  # tracking token or seller key
    route: str | None = None  # a customer's route, to count what it should have received
    connect_s: float | None = None  # connect to snapshot
    error: str | None = None
    got: list[tuple[str, int, float]] = field(default_factory=list)  # (route, at, received)
    frames: int = 0


@lru_cache(maxsize=4096)
def _epoch(at: str | None) -> int | None:
    # Cached: every row of a tick names the same few seconds, and the generator must stay
    # cheaper than the server it measures (a late read is counted as the server's latency).
    return None if at is None else int(datetime.fromisoformat(at).timestamp())


class TimedSocket:
    """A non-blocking socket with a read buffer and the kernel's time of the latest read."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buf, self.stamp = sock, bytearray(), 0.0
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)

    async def _fill(self) -> None:
        while True:
            try:
                data, ancillary, _, _ = self.sock.recvmsg(1 << 18, 64)
                break
            except BlockingIOError:
                await _readable(self.sock)
        if not data:
            raise asyncio.IncompleteReadError(bytes(self.buf), None)
        for level, kind, raw in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", raw[:16])
                self.stamp = sec + nsec / 1e9
        self.buf += data

    async def readexactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            await self._fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    async def readuntil(self, mark: bytes) -> bytes:
        while (end := self.buf.find(mark)) < 0:
            await self._fill()
        return await self.readexactly(end + len(mark))

    def write(self, data: bytes) -> None:
        sent = self.sock.send(data)  # pongs and the auth packet: a few bytes, the buffer has room
        if sent < len(data):
            asyncio.get_running_loop().create_task(
                asyncio.get_running_loop().sock_sendall(self.sock, data[sent:]))

    def close(self) -> None:
        self.sock.close()


SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux


async def _readable(sock: socket.socket) -> None:
    loop, fd = asyncio.get_running_loop(), sock.fileno()
    ready = loop.create_future()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
    try:
        await ready
    finally:
        loop.remove_reader(fd)


async def _read_frame(reader: TimedSocket) -> tuple[int, bytes]:
    head = await reader.readexactly(2)
    opcode, n = head[0] & 0x0F, head[1] & 0x7F
    if n == 126:
        n = struct.unpack("!H", await reader.readexactly(2))[0]
    elif n == 127:
        n = struct.unpack("!Q", await reader.readexactly(8))[0]
    return opcode, await reader.readexactly(n)


def _frame(text: str) -> bytes:
    """A masked client text frame (RFC 6455 requires clients to mask)."""
    data, mask = text.encode(), os.urandom(4)
    n = len(data)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                            bytes([0x80 | 126]) + struct.pack("!H", n))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


async def _open(host: str, port: int) -> TimedSocket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
    except BaseException:
        sock.close()
        raise
    conn = TimedSocket(sock)
    key = base64.b64encode(os.urandom(16)).decode()
    conn.write((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    status = await conn.readuntil(b"\r\n\r\n")
    if b" 101 " not in status.split(b"\r\n", 1)[0]:
        conn.close()
        raise ConnectionError(status.split(b"\r\n", 1)[0].decode())
    return conn


def _record(log: ViewerLog, event: str, data: dict, route_of: dict[str, str], now: float) -> None:
    if event == "view":
        pos = data["driver"]["position"]
        if pos:
            log.got.append((route_of.get(data["tracking_id"], "?"), _epoch(pos["at"]), now))
    elif event == "fleet":
        for r in data["routes"]:
            if r["position"]:
                log.got.append((r["route_id"], _epoch(r["position"]["at"]), now))


async def viewer(host: str, port: int, log: ViewerLog, route_of: dict[str, str],
                 stop: asyncio.Event, stuck: bool = False) -> None:
    """One connection: connect with auth, answer pings, record every frame until `stop`."""
    started = time.time()
    auth = {"token": log.key} if log.kind == "customer" else {"seller_key": log.key}
    try:
        conn = await asyncio.wait_for(_open(host, port), 30)
    except Exception as exc:  # noqa: BLE001 (the bench reports every failure the same way)
        log.error = f"{type(exc).__name__}: {exc}"
        return
    try:
        while not stop.is_set():
            # No read timeout: cancelling a read half-way through a frame would desynchronise
            # the stream. run_viewers cancels the task when the run is over.
            opcode, payload = await _read_frame(conn)
            if opcode == 8:
                log.error = log.error or "closed by server"
                return
            text = payload.decode()
            if text[0] == "0":  # engine.io open: connect the default namespace with auth
                conn.write(_frame("40" + json.dumps(auth)))
            elif text == "2":  # engine.io ping
                conn.write(_frame("3"))
            elif text.startswith("44"):
                log.error = "connect_error " + text[2:]
                return
            elif text.startswith("42"):
                now = conn.stamp or time.time()
                event, data = json.loads(text[2:])
                log.frames += 1
                if event == "snapshot":
                    log.connect_s = now - started
                    if stuck:  # a viewer that stops reading: its socket buffers fill up
                        log.kind = "stuck"  # not counted in losses or latency
                        await stop.wait()
                        return
                else:
                    _record(log, event, data, route_of, now)
    except (asyncio.IncompleteReadError, ConnectionError) as exc:
        log.error = log.error or f"{type(exc).__name__}"
    finally:
        conn.close()


async def run_viewers(host: str, port: int, logs: list[ViewerLog], route_of: dict[str, str],
                      rate: float, until: float, stuck: int = 0) -> None:
    stop = asyncio.Event()
    tasks = []
    for i, log in enumerate(logs):
        tasks.append(asyncio.create_task(viewer(host, port, log, route_of, stop, i < stuck)))
        if rate:
            await asyncio.sleep(1.0 / rate)
    await asyncio.sleep(max(0.0, until - time.time()))
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def worker(host: str, port: int, specs: list[tuple[str, str, str | None]], route_of: dict[str, str],
           rate: float, until: float, stuck: int, out) -> None:
    """Process entry point: run the viewers, then send their logs back through `out`."""
    logs = [ViewerLog(kind, key, route) for kind, key, route in specs]
    asyncio.run(run_viewers(host, port, logs, route_of, rate, until, stuck))
    out.send([(lg.kind, lg.route, lg.connect_s, lg.error, lg.got, lg.frames) for lg in logs])
    out.close()
