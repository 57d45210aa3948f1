"""The python-socketio / python-engineio internals app/realtime/engineio.py relies on still exist.

Each check is numbered as in that module's docstring. A failure after an upgrade names what moved:
read the library's change, adapt app/realtime/engineio.py (and only it), then update the pins.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

import pytest

from app.realtime import engineio

PINNED = {"python-engineio": "4.15.1", "python-socketio": "5.18.1",
          "simple-websocket": "1.1.0", "gevent": "26.9.0"}


def _require(obj, attr: str, item: int) -> None:
    assert hasattr(obj, attr), (
        f"item {item} of app/realtime/engineio.py: {obj!r} has no {attr!r} any more; the "
        f"installed libraries ({_installed()}) changed an internal Doorstep relies on"
    )


def _params(func) -> list[str]:
    return list(inspect.signature(func).parameters)


def _installed() -> str:
    return ", ".join(f"{name} {version(name)}" for name in PINNED)


@pytest.fixture
def server():
    import socketio

    return socketio.Server(async_mode="threading")


@pytest.mark.parametrize("name", sorted(PINNED))
def test_versions_are_the_ones_checked(name):
    assert version(name) == PINNED[name], (
        f"{name} is {version(name)}, the internals in app/realtime/engineio.py were checked "
        f"against {PINNED[name]}: run this file, read the item it names, then update PINNED"
    )


def test_packet_encodes_a_message():  # 1
    packet = engineio.Packet(engineio.MESSAGE, '2["view",{}]')
    assert packet.encode(b64=False) == '42["view",{}]', "item 1: engine.io MESSAGE encoding"


def test_schedule_ping_shape(server):  # 9
    from engineio.socket import Socket

    source = inspect.getsource(engineio._library_schedule_ping)
    assert "if self.last_ping:" in source and "self.last_ping = None" in source, (
        "item 9: engine.io's schedule_ping no longer waits for the previous ping's answer")
    assert "start_background_task(self._send_ping)" in source, "item 9: schedule_ping changed"
    send_ping = inspect.getsource(Socket._send_ping)
    for step in ("self.server.sleep(self.server.ping_interval)", "self.last_ping = time.time()",
                 "self.closing", "self.closed", "packet.Packet(packet.PING)"):
        assert step in send_ping, f"item 9: _send_ping no longer does {step!r}"
    assert Socket.schedule_ping is engineio._schedule_ping


def test_schedule_ping_unmarked_server_is_the_library(server, monkeypatch):  # 9
    from engineio.socket import Socket

    started = []
    monkeypatch.setattr(server.eio, "start_background_task", lambda f: started.append(f))
    s = Socket(server.eio, "sid")
    s.schedule_ping()
    assert started == [s._send_ping] and s.last_ping is None
    s.schedule_ping()  # not answered yet: no second ping
    assert len(started) == 1


def test_simple_websocket_driver_shape(server):  # 2, 3
    driver = engineio.simple_websocket_driver()
    assert _params(driver.__init__)[:3] == ["self", "handler", "server"], (
        f"item 2: SimpleWebSocketWSGI.__init__ is now {inspect.signature(driver.__init__)}")
    assert "kwargs" in _params(driver.__init__), "item 2: SimpleWebSocketWSGI takes no **kwargs"
    _require(driver, "send", 2)
    assert "self.ws" in inspect.getsource(driver.__call__), (
        "item 2: SimpleWebSocketWSGI no longer keeps its simple_websocket.Server as .ws")
    _require(server.eio, "_async", 3)
    current = engineio.websocket_driver(server.eio)
    assert isinstance(current, type) and issubclass(current, driver), (
        f"item 3: Server._async['websocket'] is {current!r}, not the simple-websocket driver")
    engineio.set_websocket_driver(server.eio, type("Framed", (current,), {}))
    assert engineio.websocket_driver(server.eio).__name__ == "Framed"


def test_simple_websocket_server_attributes():  # 2
    import simple_websocket

    source = inspect.getsource(simple_websocket.ws.Base.__init__)
    for attr in ("self.sock", "self.connected"):
        assert attr in source, f"item 2: simple_websocket's Base no longer sets {attr}"


def test_engine_socket_attributes(server):  # 4
    from engineio.socket import Socket

    s = Socket(server.eio, "sid")
    for attr in ("queue", "closed", "upgraded", "upgrading", "send"):
        _require(s, attr, 4)
    assert engineio.pending(s) == 0 and not engineio.on_websocket(s)
    assert engineio.engine_socket(s._websocket_handler) is s, (
        "item 4: the websocket handler is no longer a method of the engine.io Socket")
    assert "self.server._async['websocket'](\n            self._websocket_handler" in (
        inspect.getsource(Socket)), "item 3, 4: how Socket builds its websocket driver changed"
    assert engineio.engine_sockets(server) == {}, "item 4: Server.sockets is not a dict"


def test_gevent_socket_has_os_socket():  # 5
    import _socket

    import gevent.socket

    sock = gevent.socket.socket()
    try:
        assert isinstance(getattr(sock, "_sock", None), _socket.socket), (
            "item 5: gevent's socket no longer wraps an OS socket as ._sock")
    finally:
        sock.close()


def test_manager_rooms_map_sids(server):  # 6
    manager = server.manager
    manager.set_server(server)
    manager.connect("eio-sid", "/")
    sid = manager.sid_from_eio_sid("eio-sid", "/")
    manager.enter_room(sid, "/", "shipment:X", eio_sid="eio-sid")
    assert engineio.room_members(server, "/", "shipment:X") == {sid: "eio-sid"}, (
        "item 6: manager.rooms[namespace][room] is no longer {sid: engine.io sid}")
    assert engineio.room_members(server, "/", "nobody") == {}
    assert engineio.engine_sid(server, "/", sid) == "eio-sid", (
        "item 6: manager.eio_sid_from_sid(sid, namespace) no longer answers the engine.io sid")
    assert _params(server._send_eio_packet) == ["eio_sid", "eio_pkt"], (
        "item 6: Server._send_eio_packet(eio_sid, eio_pkt) changed")


def test_pubsub_manager_publish_and_emit_message():  # 7, 8
    manager = engineio.RedisManager("redis://127.0.0.1:1/0", write_only=True)
    for attr in ("_publish", "host_id", "_handle_emit", "set_server", "json"):
        _require(manager, attr, 7 if attr in ("_publish", "host_id") else 8)
    assert engineio.has_queue(manager)
    assert _params(manager._publish) == ["data"], "item 7: _publish(data) changed"
    assert _params(manager._handle_emit) == ["message"], "item 8: _handle_emit(message) changed"
    # The emit message Doorstep publishes has the keys python-socketio's own emit publishes.
    source = inspect.getsource(type(manager).__mro__[1].emit)
    ours = engineio.emit_message(manager, "view", {}, "/", "shipment:X")
    for key in ours:
        assert f"'{key}'" in source, f"item 7: PubSubManager.emit no longer publishes {key!r}"


def test_set_server_comes_after_the_engine(server):  # 8
    import socketio

    seen = []

    class Probe(engineio.RedisManager):
        def set_server(self, server):
            super().set_server(server)
            seen.append(getattr(server, "eio", None))

    socketio.Server(async_mode="threading",
                    client_manager=Probe("redis://127.0.0.1:1/0", write_only=True))
    assert seen and seen[0] is not None, (
        "item 8: the Server calls manager.set_server before its engine.io server exists")


def test_plain_manager_has_no_queue(server):  # 7
    assert not engineio.has_queue(server.manager)


def test_disconnect_here_skips_the_queue(server):  # 6
    assert "ignore_queue" in _params(server.disconnect), (
        "item 6: Server.disconnect(sid, namespace, ignore_queue) changed")


def test_frame_manager_hooks():  # 7, 8
    import socketio

    seen = []

    class Json:
        dumps, loads = staticmethod(lambda v: "x"), staticmethod(lambda t: {})

    class Probe(engineio.FrameManager):
        json_module = Json

        def started(self, server):
            seen.append(("started", server.eio is not None))

        def received(self, message):
            seen.append(("received", message["n"]))

    manager = Probe("redis://127.0.0.1:1/0", write_only=True)
    socketio.Server(async_mode="threading", client_manager=manager)
    assert seen == [("started", True)] and manager.json is Json, (
        "item 8: set_server no longer runs once the engine exists, or no longer sets .json")
    published = []
    manager._publish = published.append  # the Redis connection itself is not what is checked
    manager.publish_own({"n": 7})
    assert published and published[0]["host_id"] == manager.host_id
    manager._handle_emit(published[0])
    assert seen[-1] == ("received", 7), "item 8: _handle_emit no longer gets the messages"
    manager._handle_emit({"method": "emit", "event": "x", "data": [], "namespace": "/",
                          "room": "nobody", "skip_sid": None, "callback": None,
                          "host_id": "other"})
    assert seen[-1] == ("received", 7), "item 8: another emit reached the frames hook"
