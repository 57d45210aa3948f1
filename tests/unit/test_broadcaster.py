"""The broadcaster: leading-edge throttle, views only for watched rooms, frames encoded once."""

from __future__ import annotations

import json
import threading

import pytest

from app.realtime.broadcaster import REMEMBERED, Broadcaster, seller_room, shipment_room
from app.realtime.frames import packet, websocket_frame
from tests.support.helpers import STATION, STOPS, fix_between, register


class FakeFanout:
    """Rooms with members and the packets handed to them, without sockets."""

    def __init__(self, rooms=()) -> None:
        self.rooms, self.sent = set(rooms), []

    def members(self, room):
        return int(room in self.rooms)

    def send(self, room, text):
        self.sent.append((room, json.loads(text[1:])))
        return self.members(room)


@pytest.fixture
def world(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client, recipients=["A a", "B b", "C c"])
    fanout = FakeFanout()
    b = Broadcaster(svc.broadcaster.socketio, svc.reads, interval=10.0, tick=0.05, fanout=fanout)
    b.shared = False

    def post(i):
        fix = fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], i / 40, 10 * i)
        svc.ingest.positions(reg["route_id"], [_fix(fix)])
        b.touch(reg["route_id"])
        return fix

    b._task = object()  # no background loop: the test calls flush() itself
    return reg, b, fanout, post


def _fix(d):
    from datetime import datetime

    from app.domain.model import Fix

    return Fix(d["lat"], d["lon"], datetime.fromisoformat(d["timestamp"]).timestamp(),
               d["speed"], d["heading"], d["accuracy"])


def test_only_watched_rooms_get_views(world):
    reg, b, fanout, post = world
    watched = shipment_room(reg["shipments"][1]["tracking_id"])
    fanout.rooms = {watched}
    post(1)
    b.flush()
    assert [room for room, _ in fanout.sent] == [watched]


def test_dashboard_gets_one_frame_per_tick_with_the_changed_routes(world):
    reg, b, fanout, post = world
    fanout.rooms = {seller_room("demo")}
    post(1)
    b.flush()
    (room, (event, data)), = fanout.sent
    assert (room, event) == (seller_room("demo"), "fleet")
    assert [r["route_id"] for r in data["routes"]] == [reg["route_id"]]


def test_a_big_tick_reaches_the_dashboard_in_chunks_each_route_once(world, app, monkeypatch):
    import app.realtime.broadcaster as broadcaster_module

    monkeypatch.setattr(broadcaster_module, "CHUNK", 2)
    _, b, fanout, _ = world
    client = app.test_client()
    routes = [register(client)["route_id"] for _ in range(5)]
    fanout.rooms = {seller_room("demo")}
    for rid in routes:
        b.touch(rid)
    b.flush()
    frames = [data["routes"] for _, (event, data) in fanout.sent if event == "fleet"]
    assert [len(f) for f in frames] == [2, 2, 1]  # the first rows left before the last
    assert [r["route_id"] for f in frames for r in f] == routes


def test_a_quiet_route_goes_out_at_once_a_busy_one_waits_its_interval(world):
    reg, b, fanout, post = world
    room = shipment_room(reg["shipments"][0]["tracking_id"])
    fanout.rooms = {room}
    post(1)
    assert b.flush() == 1
    post(2)
    post(3)
    assert b.flush() == 0  # within BROADCAST_INTERVAL: held back, latest wins
    b._sent[reg["route_id"]] -= 10.0
    assert b.flush() == 1


def test_latest_position_wins(world):
    reg, b, fanout, post = world
    fanout.rooms = {shipment_room(reg["shipments"][0]["tracking_id"])}
    post(1)
    b.flush()
    post(2)
    last = post(3)
    b._sent[reg["route_id"]] -= 10.0
    b.flush()
    assert len(fanout.sent) == 2
    assert fanout.sent[-1][1][1]["driver"]["position"]["lat"] == pytest.approx(last["lat"],
                                                                                abs=1e-6)


def test_repeats_are_skipped_and_the_memory_is_bounded(world, monkeypatch):
    reg, b, fanout, post = world
    monkeypatch.setattr("app.realtime.broadcaster.REMEMBERED", 2)
    frames = []
    for i in range(5):
        b._frame(frames, f"shipment:{i}", "view", {"n": 1})
    b._frame(frames, "shipment:4", "view", {"n": 1})
    assert len(frames) == 5 and len(b._last) == 2
    assert REMEMBERED >= 10_000


@pytest.mark.parametrize("size", [10, 200, 70_000])
def test_websocket_frame_is_a_complete_unmasked_text_frame(size):
    text = packet("view", {"x": "y" * size})
    frame = websocket_frame(text)
    assert frame[0] == 0x81 and not frame[1] & 0x80
    n = frame[1] & 0x7F
    offset = 2 if n < 126 else 4 if n == 126 else 10
    assert frame[offset:].decode() == "4" + text
    assert json.loads(text[1:]) == ["view", {"x": "y" * size}]


def test_a_frame_written_straight_to_a_nearly_full_socket_keeps_the_stream_whole():
    # app/fanout.write_now: what the socket does not take at once is queued as the next
    # thing to write, so the reader still sees whole frames in order.
    import queue
    import socket

    from app.realtime.frames import write_now

    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)  # small, fixed buffers
    client.connect(listener.getsockname())
    server, _ = listener.accept()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
    server.setblocking(False)
    chunk = b"x" * 100
    sent = 0
    while True:  # fill both buffers up
        try:
            sent += server.send(chunk)
        except BlockingIOError:
            break
    received = bytearray()
    while len(received) < 3000:  # make a little room: less than the frame below
        received += client.recv(3000 - len(received))
    frame = websocket_frame(packet("view", {"big": "y" * 200_000}))
    pending = queue.Queue()
    assert write_now(server, frame, pending) is True
    rest = pending.get_nowait().encode()
    assert 0 < len(rest) < len(frame) and frame.endswith(rest)
    assert pending.empty()
    server.setblocking(True)
    writer = threading.Thread(target=server.sendall, args=(rest,))
    writer.start()
    while len(received) < sent + len(frame):
        received += client.recv(1 << 16)
    writer.join()
    assert bytes(received) == chunk * (sent // 100) + frame
    for s in (server, client, listener):
        s.close()


def test_a_change_overtaken_before_it_was_sent_is_counted(world):
    from app.ops import metrics

    reg, b, fanout, post = world
    before = metrics.COALESCED._value.get()
    b.touch(reg["route_id"])
    b.touch(reg["route_id"])  # the first change was never sent: its viewers will not see it
    b.flush(force=True)
    b.touch(reg["route_id"])  # sent already: nothing overtaken
    assert metrics.COALESCED._value.get() - before == 1


def test_each_language_room_gets_its_own_wording_and_only_when_watched(world):
    reg, b, fanout, post = world
    tid = reg["shipments"][0]["tracking_id"]
    fanout.rooms = {shipment_room(tid), shipment_room(tid, "fi")}
    post(1)
    assert b.flush() == 2
    views = {room: data for room, (event, data) in fanout.sent}
    assert set(views) == {f"shipment:{tid}", f"shipment:{tid}:fi"}  # no Swedish reader: none
    english, finnish = views[f"shipment:{tid}"], views[f"shipment:{tid}:fi"]
    assert english["status_text"] == "Your driver is almost there"
    assert finnish["status_text"] == "Kuljettaja on melkein perillä"
    assert finnish["eta"]["text"].startswith("Saapuu klo ")
    assert finnish["driver"] == english["driver"]  # the same view, only its words differ
