"""The server sink against a small stdlib HTTP server: contract, retry, backoff, buffering."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
from datetime import datetime
from http.server import ThreadingHTTPServer
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bench.sim_server import JsonHandler
from simulator.drive.clock import Timestamps
from simulator.drive.driver import PhoneFix
from simulator.errors import SimulatorError
from simulator.sinks.http import HttpSink
from tests.support.servers import until

T0 = datetime(2026, 11, 26, 8, tzinfo=ZoneInfo("Europe/Helsinki")).timestamp()


class FakeServer(ThreadingHTTPServer):
    """Records every request; answers 503 to the first `fail_first` API posts."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str, str, dict]] = []
        self.fail_first = 0
        self.attempts = 0
        self.route_status = 201
        self.reject: str | None = None  # reject every fix with this error, as the app does
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def posts(self, path: str) -> list[dict]:
        return [body for method, p, _, body in self.requests if method == "POST" and p == path]


class _Handler(JsonHandler):
    server: FakeServer

    def do_GET(self) -> None:
        self.server.requests.append(("GET", self.path, "", {}))
        self._answer(200, {"status": "ok", "store": "memory"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        srv = self.server
        with srv.lock:
            srv.attempts += 1
            if srv.fail_first > 0:
                srv.fail_first -= 1
                self._answer(503, {"error": "busy", "field": None})
                return
            srv.requests.append(("POST", self.path, self.headers["Authorization"], body))
            n = len(srv.posts("/api/v1/routes"))
        if self.path == "/api/v1/routes":
            if srv.route_status != 201:
                self._answer(srv.route_status, {"error": "bad seller key", "field": None})
                return
            shipments = [{"tracking_id": f"DS{n}{i}", "stop": i, "token": f"tok{n}{i}",
                          "tracking_url": f"{srv.url}/track/tok{n}{i}"}
                         for i, _ in enumerate(body["stops"])]
            self._answer(201, {"route_id": f"r_{n}", "driver_token": f"dt_{n}",
                               "shipments": shipments})
        else:
            key = "positions" if "positions" in body else "events"
            items = body.get(key) or []
            if len({i.get("driver_token") for i in items}) > 100:  # as the app refuses it
                self._answer(400, {"error": "a batch may name at most 100 driver tokens",
                                   "field": f"{key}[100].driver_token"})
                return
            rejected = [{"index": i, "field": f"{key}[{i}].driver_token", "error": srv.reject}
                        for i in range(len(items)) if srv.reject and key == "positions"]
            self._answer(200, {"accepted": len(items) - len(rejected), "dropped": 0,
                               "rejected": rejected})


@pytest.fixture
def server():
    srv = FakeServer()
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def fixes(n: int, start: int = 0, token: str = "dt_1") -> list[PhoneFix]:
    driver = SimpleNamespace(token=token)
    return [PhoneFix(driver, T0 + 3 * i, 60.17, 24.94 + i * 1e-5, 5.0, 90, 5.0, 60.17, 24.94, 5.0,
                "drive") for i in range(start, start + n)]


def make_sink(url: str, **kw) -> tuple[HttpSink, FakeTime]:
    clock = FakeTime()
    sink = HttpSink(url, "demo", Timestamps(ZoneInfo("Europe/Helsinki")), monotonic=clock,
                    backoff=(1.0, 8.0), **kw)
    return sink, clock


def test_retries_with_exponential_backoff_and_loses_nothing(server):
    server.fail_first = 3
    sink, clock = make_sink(server.url)
    tries = []
    for second in range(12):
        clock.now = float(second)
        before = server.attempts
        sink.send(fixes(1, second), [])
        if server.attempts != before:
            tries.append(second)
    assert tries[:5] == [0, 1, 3, 7, 8]  # waits 1, 2, 4 s after successive failures
    sent = [item for body in server.posts("/api/v1/positions") for item in body["positions"]]
    assert [round((item["lon"] - 24.94) * 1e5) for item in sent] == list(range(12))
    assert sent[0]["timestamp"] == "2026-11-26T08:00:00+02:00"
    assert sent[0]["driver_token"] == "dt_1" and sink.dropped == 0


def test_buffer_is_bounded_and_drops_the_oldest(server):
    server.fail_first = 100
    sink, clock = make_sink(server.url, buffer_limit=5)
    for second in range(10):
        clock.now = second * 100.0
        sink.send(fixes(1, second), [])
    assert sink.dropped == 5 and "dropped 5" in sink.status()
    server.fail_first = 0
    clock.now = 10_000.0
    assert sink.flush()
    sent = [item for body in server.posts("/api/v1/positions") for item in body["positions"]]
    assert [round((item["lon"] - 24.94) * 1e5) for item in sent] == [5, 6, 7, 8, 9]


def test_a_server_that_goes_away_does_not_stop_the_run(server):
    sink, clock = make_sink(server.url)
    url = server.url
    server.shutdown()
    server.server_close()
    sink.send(fixes(3), [])  # connection refused: buffered, no exception
    assert sink.failures == 1 and "server down" in sink.status()
    assert len(sink.fixes) == 3 and url


def test_refused_route_is_a_clear_error(server):
    server.route_status = 401
    sink, _ = make_sink(server.url)
    with pytest.raises(SimulatorError, match="HTTP 401 bad seller key"):
        sink.register(None, {"stops": []}, None)


def test_cli_run_speaks_the_api(server):
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "run", "--server", server.url, "--vans", "1",
         "--bikes", "1", "--stops", "3", "--max-speed", "--start", "09:00",
         "--date", "2026-11-26", "--links", "-"],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    routes = server.posts("/api/v1/routes")
    assert len(routes) == 2
    assert all(auth == "Bearer demo" for m, p, auth, _ in server.requests if p.endswith("routes"))
    assert routes[0]["timezone"] == "Europe/Helsinki" and routes[0]["driver"]["vehicle"] == "van"
    assert len(routes[0]["legs"]) == len(routes[0]["stops"]) + 1
    batches = server.posts("/api/v1/positions")
    assert any(len({i["driver_token"] for i in b["positions"]}) == 2 for b in batches)
    events = [e for b in server.posts("/api/v1/events") for e in b["events"]]
    kinds = [e["type"] for e in events if e["driver_token"] == "dt_1"]
    assert kinds[0] == "route_started" and kinds[-1] == "returned"
    assert kinds.count("arrived") == 3
    assert kinds.count("delivered") + kinds.count("attempted") == 3
    assert events[0]["timestamp"].endswith("+02:00")
    links = [json.loads(line) for line in proc.stdout.splitlines()]
    assert links[0]["route_id"] == "r_1" and links[0]["shipments"][0]["tracking_url"]


def test_cli_reports_a_refused_route_in_one_line(server):
    server.route_status = 401
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "run", "--server", server.url, "--key", "wrong",
         "--vans", "1", "--stops", "2", "--max-speed", "--quiet"],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "401" in proc.stderr


def test_a_fleet_registers_once_the_server_is_back(server):
    from simulator.drive.clock import InstantClock, start_time, zone
    from simulator.drive.fleet import Fleet, FleetConfig
    from simulator.world.maps import load_map

    server.fail_first = 3
    sink = HttpSink(server.url, "demo", Timestamps(ZoneInfo("Europe/Helsinki")),
                    backoff=(0.001, 0.002))
    t0 = start_time(zone("Europe/Helsinki"), "09:00", None)
    cfg = FleetConfig({"bike": 2}, t0, "Europe/Helsinki", stops=2, program="standard")
    fleet = Fleet(load_map(), cfg, [sink], InstantClock())
    fleet.run()
    assert len(server.posts("/api/v1/routes")) == 2
    assert sum(s.delivered + s.attempted for s in fleet.slots) == 4
    assert not sink.fixes and not sink.events


def test_a_batch_names_at_most_100_drivers(server):
    sink, _ = make_sink(server.url)
    sink.send([f for d in range(250) for f in fixes(2, token=f"dt_{d}")], [])
    batches = server.posts("/api/v1/positions")
    assert [len({i["driver_token"] for i in b["positions"]}) for b in batches] == [100, 100, 50]
    assert sink.sent == 500 and sink.rejected == 0


def test_the_summary_says_why_fixes_were_rejected(server):
    server.reject = "fixes for this driver: over 3000/minute"
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "run", "--server", server.url, "--bikes", "1",
         "--stops", "2", "--max-speed", "--start", "09:00", "--date", "2026-11-26"],
        capture_output=True, text=True, timeout=60)
    assert re.search(r"\n\d+ positions rejected by the server: driver_token: fixes for this "
                     r"driver: over 3000/minute\n", proc.stderr), proc.stderr
    # Every position refused: a run for nothing ends non-zero, in one last line.
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == ("simulator: the server took none of the positions "
                                            "sent (the summary above says why)")


def test_a_date_the_server_will_refuse_is_noted_up_front(server):
    server.reject = "timestamp: too old (FIX_MAX_AGE)"
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "run", "--server", server.url, "--bikes", "1",
         "--stops", "2", "--max-speed", "--start", "09:00", "--date", "2020-01-06"],
        capture_output=True, text=True, timeout=60)
    first = proc.stderr.splitlines()[0]
    assert first.startswith("simulator: note: --date: the run's fixes are dated ")
    assert "default FIX_MAX_AGE (7d) refuses them" in first
    assert proc.returncode == 1, proc.stderr


def test_a_run_stopped_with_ctrl_c_counts_the_stops_left(server):
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "run", "--server", server.url, "--vans", "1",
         "--stops", "20", "--speedup", "100", "--start", "09:00"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        until(lambda: server.posts("/api/v1/positions"), 60, "the first positions",
              interval=0.2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    row = next(line for line in err.splitlines() if line.rstrip().endswith(tuple("0123456789"))
               and " van " in line)
    not_done = int(row.split()[-4])  # ... not done, road km, walk km, hours
    assert not_done >= 15, err  # stopped early in a 20-stop block: before, "not done 0"
    assert f"{not_done} stops not done: the run was stopped" in err
