"""One encoded frame to every member of a room: JSON once, websocket framing once.

python-socketio already encodes a room emit once, but each websocket connection then frames the
text again in wsproto (and compresses it when the browser negotiated permessage-deflate). Here
the broadcaster's frame is encoded once as a Socket.IO packet and once as a websocket frame
(server frames are not masked, so the bytes are the same for everyone); each viewer's engine.io
writer only copies the bytes to its socket. An uncompressed message is valid on a deflate
connection too (RFC 7692: RSV1 unset). Polling clients get the ordinary engine.io packet.

A viewer whose socket is backed up (MAX_PENDING frames queued) is skipped for this frame, not
queued without bound: the next frame carries the latest state anyway.
"""

from __future__ import annotations

import struct

from engineio import packet as eio_packet
from flask_socketio import SocketIO

from . import metrics
from .jsontext import dumps

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


class FramedPacket(eio_packet.Packet):
    def __init__(self, sio_text: str) -> None:
        super().__init__(eio_packet.MESSAGE, sio_text)
        self.frame = websocket_frame(sio_text)

    def encode(self, b64=False):
        return self.frame


def _framed_websocket(base):
    """engine.io's simple-websocket wrapper, writing pre-built frames straight to the socket."""

    class FramedWebSocket(base):
        def send(self, message):
            if type(message) is not Frame:
                return super().send(message)
            if not self.ws.connected:
                raise OSError("websocket closed")
            self.ws.sock.sendall(message)

    return FramedWebSocket


class Fanout:
    def __init__(self, socketio: SocketIO, max_pending: int = MAX_PENDING) -> None:
        self.server = socketio.server
        self.max_pending = max_pending
        self.framed = self._install()

    def _install(self) -> bool:
        from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

        eio = self.server.eio
        base = eio._async.get("websocket")
        if not (isinstance(base, type) and issubclass(base, SimpleWebSocketWSGI)):
            return False  # gevent-websocket or another driver: ordinary packets
        eio._async = {**eio._async, "websocket": _framed_websocket(base)}
        return True

    def members(self, room: str) -> int:
        return len(self.server.manager.rooms.get(NAMESPACE, {}).get(room, ()))

    def viewers(self) -> int:
        return len(self.server.eio.sockets)

    def send(self, room: str, sio_text: str) -> int:
        """Queue the packet for every member of the room in this process; answer how many."""
        members = self.server.manager.rooms.get(NAMESPACE, {}).get(room)
        if not members:
            return 0
        plain = eio_packet.Packet(eio_packet.MESSAGE, sio_text)
        framed = FramedPacket(sio_text) if self.framed else plain
        sockets, sent = self.server.eio.sockets, 0
        for eio_sid in list(members.values()):
            s = sockets.get(eio_sid)
            if s is None or s.closed:
                continue
            if s.queue.qsize() >= self.max_pending:
                metrics.SKIPPED.inc()
                continue
            s.send(framed if s.upgraded and not s.upgrading else plain)
            sent += 1
        return sent
