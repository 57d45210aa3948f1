"""Everything Doorstep takes from python-socketio / python-engineio beyond their public API.

Flask-SocketIO's documented API (emit, rooms, a message queue by URL) sends each emit as its
own message, encoded and framed per connection. The broadcaster needs less work per frame
(app/realtime/frames.py, app/realtime/queue.py), and for that it reaches under the libraries.
Every such reach is here, so an upgrade has one module to read and one test to run:
tests/unit/test_engineio_contract.py checks each item exists with the shape used. Written
against the pins in requirements.txt: python-engineio 4.15.1, python-socketio 5.18.1,
simple-websocket 1.1.0, gevent 26.9.0.

engine.io (python-engineio)
 1. `engineio.packet.Packet(MESSAGE, text)` and `Packet.encode(b64=False)`: frames.py subclasses
    it so a viewer's writer sends bytes built once per room.
 2. `engineio.async_drivers._websocket_wsgi.SimpleWebSocketWSGI` (a private module): the
    websocket driver class for simple-websocket, `__init__(handler, server, **kwargs)`,
    `send(message)`, and `.ws`, a `simple_websocket.Server` with `.connected` and `.sock`
    (`driver_websocket`, `websocket_open`, `websocket_write`).
 3. `Server._async["websocket"]` (a private dict): the driver class engine.io instantiates for
    each websocket; replaced by frames.py's subclass.
 4. `Server.sockets` {engine.io sid: Socket}; a Socket's `queue` (its `qsize()` is how far a
    viewer is behind; `writer_queue`), `closed`, `upgraded`, `upgrading` and
    `send(packet)` (`queue_packet`). The handler a driver receives is the bound method
    `Socket._websocket_handler` (its `__self__` is the Socket); the Socket takes an attribute of
    ours, the driver serving it (`attach_driver`, `attached_driver`).

gevent
 5. `gevent.socket.socket._sock`: the non-blocking OS socket under gevent's cooperative one, for
    one write that never waits (frames.write_now).

Socket.IO (python-socketio)
 6. `Server.manager.rooms[namespace][room]` {sid: engine.io sid}: a room's members here;
    `Server.manager.eio_sid_from_sid(sid, namespace)`: one connection's engine.io sid;
    `Server._send_eio_packet(eio_sid, packet)`: python-socketio's own send of an engine.io packet
    to one connection, what its emit does per member (and what Flask-SocketIO's test client
    intercepts); frames.py uses it for a snapshot to a connection with no engine.io socket here.
    `Server.disconnect(sid, namespace, ignore_queue=True)` closes one connection of this process.
 7. `PubSubManager._publish(message)` and `.host_id`: a manager with a message queue has them;
    the message is a dict shaped as python-socketio's own `emit` publishes it.
 8. `RedisManager.set_server(server)`, called by the Server once its `eio` exists (queue.py
    builds its Fanout there), which installs the server's JSON module as `.json` (used for
    queue messages); `_handle_emit(message)`, called for every emit message received. queue.py
    sees none of these: it subclasses `FrameManager`, which overrides them and calls its hooks.
 9. `engineio.socket.Socket.schedule_ping()` (called at connect and on every PONG; it starts a
    greenlet running `_send_ping`, which sleeps `Server.ping_interval`, sets `last_ping` and
    sends a PING unless `closing` or `closed`). Replaced on the class, for servers marked by
    `timer_pings(eio)` only (gevent): the same steps from one hub timer per socket, so a viewer
    has no greenlet sleeping between pings (its stack and objects, and a switch per ping).
"""

from __future__ import annotations

import time

import socketio
from engineio import packet as _packet
from engineio import socket as _socket

# 1. The engine.io packet and its MESSAGE type.
Packet = _packet.Packet
MESSAGE = _packet.MESSAGE
# 8. The Redis manager queue.FrameQueue extends.
RedisManager = socketio.RedisManager


def simple_websocket_driver() -> type:
    """2. engine.io's driver class for simple-websocket (imported late: it needs the package)."""
    from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

    return SimpleWebSocketWSGI


def driver_websocket(driver):
    """2. The simple_websocket.Server a driver writes through, or None before it has one."""
    return getattr(driver, "ws", None)


def websocket_open(ws) -> bool:
    """2. The websocket is still connected."""
    return ws.connected


def websocket_write(ws, data: bytes) -> None:
    """2. Write bytes that are already a websocket frame, waiting for room as needed."""
    ws.sock.sendall(data)


def websocket_driver(eio) -> type | None:
    """3. The class engine.io builds for each websocket connection."""
    return eio._async.get("websocket")


def set_websocket_driver(eio, driver: type) -> None:
    """3. Use `driver` for new websocket connections (the dict is copied, not changed in place)."""
    eio._async = {**eio._async, "websocket": driver}


def engine_socket(handler):
    """4. The engine.io Socket a websocket driver serves, or None."""
    return getattr(handler, "__self__", None)


def attach_driver(eio_socket, driver) -> None:
    """4. Remember on the engine.io Socket the driver that serves it."""
    eio_socket.doorstep_ws = driver


def attached_driver(eio_socket):
    """4. The driver attach_driver remembered, or None."""
    return getattr(eio_socket, "doorstep_ws", None)


def is_closed(eio_socket) -> bool:
    """4. The connection is closed."""
    return eio_socket.closed


def queue_packet(eio_socket, pkt) -> None:
    """4. Queue a packet for the connection's writer, as engine.io's own send does."""
    eio_socket.send(pkt)


def writer_queue(eio_socket):
    """4. The queue the connection's writer takes packets from (`put` on it goes next)."""
    return eio_socket.queue


def engine_sockets(server) -> dict:
    """4. {engine.io sid: Socket} of this process."""
    return server.eio.sockets


def pending(eio_socket) -> int:
    """4. Packets queued for one connection and not yet written."""
    return eio_socket.queue.qsize()


def on_websocket(eio_socket) -> bool:
    """4. The connection writes through a websocket (not polling, not mid-upgrade)."""
    return eio_socket.upgraded and not eio_socket.upgrading


def os_socket(ws):
    """2, 5. The OS socket under a simple-websocket connection, when gevent's is underneath."""
    return getattr(ws.sock, "_sock", None)


def engine_sid(server, namespace: str, sid: str) -> str | None:
    """6. The engine.io sid of one Socket.IO connection (sid) in this process."""
    return server.manager.eio_sid_from_sid(sid, namespace)


def send_eio_packet(server, eio_sid: str, pkt) -> None:
    """6. Send an engine.io packet to one connection the way python-socketio's emit does."""
    server._send_eio_packet(eio_sid, pkt)


def room_members(server, namespace: str, room: str) -> dict:
    """6. {sid: engine.io sid} of a room's members in this process."""
    return server.manager.rooms.get(namespace, {}).get(room) or {}


def disconnect_here(server, namespace: str, sid: str) -> None:
    """6. Close one connection of this process, not through the message queue."""
    server.disconnect(sid, namespace=namespace, ignore_queue=True)


def has_queue(manager) -> bool:
    """7. The manager publishes to other processes (a message queue is configured)."""
    return hasattr(manager, "_publish")


def publish(manager, message: dict) -> None:
    """7. Send one message to the other processes, as the manager's own emit does."""
    manager._publish(message)


def emit_message(manager, event: str, data, namespace: str, room: str) -> dict:
    """7. The queue message python-socketio's PubSubManager.emit publishes for a room emit."""
    return {"method": "emit", "event": event, "data": [data], "binary": False,
            "namespace": namespace, "room": room, "skip_sid": None, "callback": None,
            "host_id": manager.host_id}


_TIMER_PINGS = "doorstep_timer_pings"  # the mark on an engine.io Server
_PING_TIMER = "doorstep_ping_timer"  # on a Socket: its pending timer, kept alive until it fires
_library_schedule_ping = _socket.Socket.schedule_ping


def timer_pings(eio) -> None:
    """9. Ping this (gevent) engine.io server's sockets from hub timers, not a greenlet each."""
    setattr(eio, _TIMER_PINGS, True)


def _schedule_ping(self) -> None:
    if not getattr(self.server, _TIMER_PINGS, False):
        return _library_schedule_ping(self)
    if self.last_ping:  # as the library: only once the previous ping was answered
        self.last_ping = None
        import gevent

        timer = gevent.get_hub().loop.timer(self.server.ping_interval)
        setattr(self, _PING_TIMER, timer)
        timer.start(_ping, self)
    return None


def _ping(eio_socket) -> None:
    """The library's `_send_ping` after its sleep; runs in the hub, so it never waits: the
    packet goes on the socket's queue (engine.io's `send` only puts it there once `last_ping`
    is fresh)."""
    timer = eio_socket.__dict__.pop(_PING_TIMER, None)
    if timer is not None:
        timer.close()
    if not eio_socket.closing and not eio_socket.closed:
        eio_socket.last_ping = time.time()
        eio_socket.send(Packet(_packet.PING))


_socket.Socket.schedule_ping = _schedule_ping


class FrameManager(RedisManager):
    """7, 8. The Redis manager, with hooks in place of the internals queue.FrameQueue needs.

    `json_module`: the JSON the queue's messages use (set_server installs the server's).
    `started(server)`: the server exists (it is built around this manager).
    `received(message)`: a message publish_own sent from another process.
    Other emit messages (snapshots, other parts of the app) are handled as python-socketio does.
    """

    json_module = None
    OWN = "doorstep"  # the key that marks publish_own's messages

    def set_server(self, server):
        super().set_server(server)
        if self.json_module is not None:
            self.json = self.json_module
        self.started(server)

    def started(self, server) -> None:
        pass

    def received(self, message: dict) -> None:
        pass

    def publish_own(self, body: dict) -> None:
        """Send `body` (with its own keys) to the other processes' `received`."""
        publish(self, {"method": "emit", "namespace": "/", "host_id": self.host_id,
                       self.OWN: True, **body})

    def _handle_emit(self, message):
        if not message.get(self.OWN):
            return super()._handle_emit(message)
        return self.received(message)
