"""One encoded frame to every member of a room: JSON once, websocket framing once.

python-socketio already encodes a room emit once, but each websocket connection then frames the
text again in wsproto (and compresses it when the browser negotiated permessage-deflate). Here
the broadcaster's frame is encoded once as a Socket.IO packet and once as a websocket frame
(server frames are not masked, so the bytes are the same for everyone); each viewer's engine.io
writer only copies the bytes to its socket. An uncompressed message is valid on a deflate
connection too (RFC 7692: RSV1 unset). Polling clients get the ordinary engine.io packet.

A viewer whose socket is backed up (MAX_PENDING frames queued) is skipped for this frame, not
queued without bound: the next frame carries the latest state anyway.

Under gevent, a frame for a viewer with nothing queued and nothing being written goes straight
to the socket from the broadcaster (one non-blocking send), instead of through the engine.io
queue and the viewer's writer greenlet: that hand-over (queue, timer, two switches) cost more
than the write. What the socket does not take at once is queued as the next thing to write, so
the bytes on the wire stay in order; a full socket takes the ordinary path.
"""

from __future__ import annotations

import struct

from app.jsontext import dumps
from app.ops import metrics
from app.realtime import engineio

NAMESPACE = "/"
MAX_PENDING = 8


class Frame(bytes):
    """A complete websocket text frame, written to the socket as it is."""


def packet(event: str, data) -> str:
    """The Socket.IO EVENT packet for the default namespace: 2["event",data]."""
    return "2" + dumps([event, data])


def websocket_frame(sio_text: str) -> Frame:
    payload = ("4" + sio_text).encode()  # engine.io MESSAGE
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x81, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x81, 126, n)
    else:
        head = struct.pack("!BBQ", 0x81, 127, n)
    return Frame(head + payload)


class FramedPacket(engineio.Packet):
    def __init__(self, sio_text: str) -> None:
        super().__init__(engineio.MESSAGE, sio_text)
        self.frame = websocket_frame(sio_text)

    def encode(self, b64=False):
        return self.frame


class _Rest:
    """The unwritten end of a frame written straight to the socket: the writer sends it next."""

    packet_type, data = engineio.MESSAGE, "<rest of a frame>"

    def __init__(self, rest: bytes) -> None:
        self.rest = Frame(rest)

    def encode(self, b64=False):
        return self.rest


def write_now(raw, frame: Frame, queue) -> bool:
    """Send `frame` on the non-blocking socket `raw` without waiting; False if nothing went.

    Call only when nothing is queued or being written for this socket. A partial write queues
    the rest (nothing can come between: no switch happens here).
    """
    try:
        n = raw.send(frame)
    except OSError:  # full (EAGAIN) or gone: the ordinary path waits, or finds out
        return False
    if n < len(frame):
        queue.put(_Rest(frame[n:]))
    return True


def _framed_websocket(base):
    """engine.io's simple-websocket wrapper, writing pre-built frames straight to the socket."""

    class FramedWebSocket(base):
        framed = True
        busy = False  # the writer greenlet is in a write (it may be waiting for room)

        def __init__(self, handler, server, **kwargs):
            super().__init__(handler, server, **kwargs)
            eio_socket = engineio.engine_socket(handler)
            if eio_socket is not None:
                engineio.attach_driver(eio_socket, self)

        def send(self, message):
            self.busy = True
            try:
                if type(message) is not Frame:
                    return super().send(message)
                ws = engineio.driver_websocket(self)
                if not engineio.websocket_open(ws):
                    raise OSError("websocket closed")
                engineio.websocket_write(ws, message)
            finally:
                self.busy = False

        def raw_socket(self):
            """The OS socket, when gevent's non-blocking one is underneath; else None."""
            ws = engineio.driver_websocket(self)
            if ws is None or self.busy or not engineio.websocket_open(ws):
                return None
            return engineio.os_socket(ws)

    return FramedWebSocket


class Fanout:
    def __init__(self, server, max_pending: int = MAX_PENDING) -> None:
        self.server = server  # a python-socketio Server
        self.max_pending = max_pending
        self.framed = self._install()

    def _install(self) -> bool:
        eio = self.server.eio
        base = engineio.websocket_driver(eio)
        if not (isinstance(base, type) and issubclass(base, engineio.simple_websocket_driver())):
            return False  # gevent-websocket or another driver: ordinary packets
        if getattr(base, "framed", False):
            return True  # installed by another Fanout of this server (the queue's)
        engineio.set_websocket_driver(eio, _framed_websocket(base))
        if getattr(eio, "async_mode", None) == "gevent":
            engineio.timer_pings(eio)
        return True

    def members(self, room: str) -> int:
        return len(engineio.room_members(self.server, NAMESPACE, room))

    def close(self, room: str) -> int:
        """Disconnect this process's members of a room (a link that expired while they
        watched); answer how many."""
        sids = list(engineio.room_members(self.server, NAMESPACE, room))
        for sid in sids:
            engineio.disconnect_here(self.server, NAMESPACE, sid)
        return len(sids)

    def viewers(self) -> int:
        return len(engineio.engine_sockets(self.server))

    def send(self, room: str, sio_text: str) -> int:
        """Queue the packet for every member of the room in this process; answer how many."""
        members = engineio.room_members(self.server, NAMESPACE, room)
        if not members:
            return 0
        plain = engineio.Packet(engineio.MESSAGE, sio_text)
        framed = FramedPacket(sio_text) if self.framed else plain
        sockets, sent = engineio.engine_sockets(self.server), 0
        for eio_sid in list(members.values()):
            sent += self._send(sockets.get(eio_sid), plain, framed)
        return sent

    def send_to(self, server, sid: str, sio_text: str) -> int:
        """Send the packet to one Socket.IO connection of `server` (a snapshot); answer 1 if it
        went, 0 if the connection is backed up."""
        eio_sid = engineio.engine_sid(server, NAMESPACE, sid)
        plain = engineio.Packet(engineio.MESSAGE, sio_text)
        s = engineio.engine_sockets(server).get(eio_sid)
        if s is None or server is not self.server:
            # Not a socket this Fanout framed: Flask-SocketIO's test client (no engine.io
            # socket), or a second app in one process re-initialised the extension's server.
            engineio.send_eio_packet(server, eio_sid, plain)
            return 1
        return self._send(s, plain, FramedPacket(sio_text) if self.framed else plain)

    def _send(self, s, plain, framed) -> int:
        if s is None or engineio.is_closed(s):
            return 0
        pending = engineio.pending(s)
        if pending >= self.max_pending:
            metrics.SKIPPED.inc()
            return 0
        if not engineio.on_websocket(s):
            engineio.queue_packet(s, plain)
            return 1
        ws = engineio.attached_driver(s)
        raw = None if pending or ws is None else ws.raw_socket()
        if raw is None or not write_now(raw, framed.frame, engineio.writer_queue(s)):
            engineio.queue_packet(s, framed)
        return 1
