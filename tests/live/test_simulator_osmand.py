"""The OsmAnd sink against a stdlib server: Traccar Client's request, phones, knots, retry."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import datetime
from http.server import ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest

from bench.sim_server import JsonHandler
from simulator.drive.clock import Timestamps
from simulator.drive.driver import PhoneFix
from simulator.errors import SimulatorError
from simulator.sinks import OsmAndSink

T0 = datetime(2026, 11, 26, 8, tzinfo=ZoneInfo("Europe/Helsinki")).timestamp()
TRACCAR_PARAMS = ["id", "timestamp", "lat", "lon", "speed", "bearing", "altitude", "accuracy",
                  "batt"]


class Receiver(ThreadingHTTPServer):
    """A server speaking the API plus /osmand; `fail_osmand` answers 503 to that many fixes."""

    def __init__(self, has_osmand: bool = True) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.has_osmand = has_osmand
        self.lock = threading.Lock()
        self.routes: list[dict] = []
        self.devices: dict[str, str] = {}  # device id -> route id
        self.puts: list[tuple[str, str, dict]] = []  # path, auth, body
        self.fixes: list[tuple[str, list[tuple[str, str]], bytes]] = []  # method, params, body
        self.events: list[dict] = []
        self.api_positions = 0
        self.fail_osmand = 0
        self.attempts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(JsonHandler):
    server: Receiver

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        self._answer(200, {"status": "ok", "store": "memory"})

    def do_PUT(self) -> None:
        srv, body = self.server, json.loads(self._body())
        with srv.lock:
            srv.puts.append((self.path, self.headers["Authorization"], body))
            srv.devices[body["device_id"]] = self.path.split("/")[4]
        self._answer(200, {"route_id": self.path.split("/")[4], "device_id": body["device_id"]})

    def do_POST(self) -> None:
        srv, url, raw = self.server, urlsplit(self.path), self._body()
        if url.path == "/osmand" and srv.has_osmand:
            params = parse_qsl(url.query, keep_blank_values=True)
            with srv.lock:
                srv.attempts += 1
                if srv.fail_osmand > 0 and params:
                    srv.fail_osmand -= 1
                    return self._answer(503, {"error": "busy", "field": None})
                srv.fixes.append(("POST", params, raw))
            if dict(params).get("id") not in srv.devices:
                return self._answer(400, {"error": "id unknown device", "field": "id"})
            return self._answer(200, {"accepted": 1, "dropped": 0})
        if url.path == "/api/v1/routes":
            with srv.lock:
                srv.routes.append(json.loads(raw))
                n = len(srv.routes)
            return self._answer(201, {"route_id": f"r_{n}", "driver_token": f"dt_{n}",
                                      "shipments": []})
        if url.path == "/api/v1/events":
            with srv.lock:
                srv.events.extend(json.loads(raw)["events"])
            return self._answer(200, {"accepted": 1, "rejected": []})
        if url.path == "/api/v1/positions":
            srv.api_positions += 1
            return self._answer(200, {"accepted": 1, "dropped": 0, "rejected": []})
        self._answer(404, {"error": "not found", "field": None})


@pytest.fixture
def receiver():
    srv = Receiver()
    threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


class FakeTime:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def make_sink(url: str) -> tuple[OsmAndSink, FakeTime]:
    clock = FakeTime()
    sink = OsmAndSink(url, "demo", Timestamps(ZoneInfo("Europe/Helsinki")), monotonic=clock,
                      backoff=(1.0, 8.0), device_prefix="simtest")
    return sink, clock


def register(sink: OsmAndSink) -> SimpleNamespace:
    driver = SimpleNamespace(slot=object(), timeline=SimpleNamespace(start=T0), token=None)
    driver.token = sink.register(driver, {"stops": []}, None).driver_token
    return driver


def fixes(driver, n: int, start: int = 0, speed: float = 5.0) -> list[PhoneFix]:
    return [PhoneFix(driver, T0 + 3 * i, 60.17, 24.94 + i * 1e-5, speed, 90, 6.5, 60.17, 24.94,
                     speed, "drive") for i in range(start, start + n)]


def test_a_fix_is_what_traccar_client_sends(receiver):
    sink, _ = make_sink(receiver.url)
    driver = register(sink)
    assert receiver.puts == [("/api/v1/routes/r_1/device", "Bearer demo",
                              {"device_id": "simtest-0001"})]
    sink.send(fixes(driver, 1, speed=5.0), [])
    method, params, body = receiver.fixes[0]
    assert method == "POST" and body == b""  # Traccar Client: parameters in the query string
    assert [k for k, _ in params] == TRACCAR_PARAMS
    fix = dict(params)
    assert fix["id"] == "simtest-0001" and fix["timestamp"] == str(int(T0))
    assert float(fix["speed"]) == pytest.approx(5.0 / 0.514444, abs=0.01)  # knots
    assert (fix["lat"], fix["lon"], fix["bearing"], fix["accuracy"]) == (
        "60.17", "24.94", "90.0", "6.5")
    assert 55.0 <= float(fix["batt"]) <= 100.0
    assert receiver.api_positions == 0 and sink.sent == 1


def test_every_partner_keeps_one_phone_across_blocks(receiver):
    sink, _ = make_sink(receiver.url)
    slot_a, slot_b = object(), object()
    for slot in (slot_a, slot_b, slot_a):
        sink.register(SimpleNamespace(slot=slot, timeline=SimpleNamespace(start=T0)),
                      {"stops": []}, None)
    assert [body["device_id"] for _, _, body in receiver.puts] == [
        "simtest-0001", "simtest-0002", "simtest-0001"]
    assert receiver.devices["simtest-0001"] == "r_3"


def test_a_server_that_goes_away_gets_each_phones_fixes_in_order(receiver):
    receiver.fail_osmand = 6  # each try, both phones fail their oldest fix
    sink, clock = make_sink(receiver.url)
    one, two = register(sink), register(sink)
    tries = []
    for second in range(12):
        clock.now = float(second)
        before = receiver.attempts
        sink.send(fixes(one, 1, second) + fixes(two, 1, second), [])
        if receiver.attempts != before:
            tries.append(second)
    assert tries[:4] == [0, 1, 3, 7]  # HttpSink's backoff: waits 1, 2, 4 s
    for phone in ("simtest-0001", "simtest-0002"):
        stamps = [int(dict(p)["timestamp"]) for _, p, _ in receiver.fixes if dict(p)["id"] == phone]
        assert stamps == [int(T0) + 3 * i for i in range(12)]  # nothing lost, oldest first
    assert sink.dropped == 0 and not sink.fixes


def test_a_refused_fix_is_counted_not_retried(receiver):
    sink, _ = make_sink(receiver.url)
    driver = register(sink)
    receiver.devices.clear()  # the server forgot the phone: 400 unknown device
    sink.send(fixes(driver, 2), [])
    assert sink.rejected == 2 and not sink.fixes
    assert "rejected 2" in sink.status() and "unknown device" in sink.last_error


def test_a_server_without_osmand_is_a_clear_error():
    srv = Receiver(has_osmand=False)
    threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
    try:
        with pytest.raises(SimulatorError, match="no OsmAnd endpoint"):
            make_sink(srv.url)[0].check()
    finally:
        srv.shutdown()
        srv.server_close()


def test_cli_run_with_osmand_protocol(receiver):
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "run", "--server", receiver.url, "--protocol",
         "osmand", "--bikes", "2", "--stops", "2", "--max-speed", "--start", "09:00",
         "--date", "2026-11-26", "--quiet"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(receiver.routes) == 2 and len(receiver.puts) == 2
    assert receiver.api_positions == 0
    phones = {body["device_id"] for _, _, body in receiver.puts}
    for phone in phones:
        stamps = [int(dict(p)["timestamp"]) for _, p, _ in receiver.fixes
                  if p and dict(p)["id"] == phone]
        assert len(stamps) > 20 and stamps == sorted(stamps)
    kinds = [e["type"] for e in receiver.events if e["driver_token"] == "dt_1"]
    assert kinds[0] == "route_started" and kinds[-1] == "returned"
    assert kinds.count("arrived") == 2
