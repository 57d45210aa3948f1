"""Demo deliveries: the route simulator, run as a separate process against this server's API.

It is a client like any driver's phone: the server learns about it only through /api/v1. One
launcher serves both the `python -m app` demo fleet and the dashboard's "Start a demo delivery".
"""

from __future__ import annotations

import collections
import json
import os
import queue
import random
import shlex
import subprocess  # nosec B404 # runs our own simulator only
import sys
import threading
import time
import urllib.request
from collections.abc import Callable

from app.extensions import services
from app.live.reads import RUN_CLOCK

# A demo's phone sends at most this many fixes a wall second: 2,400 a minute, under the default
# FIXES_PER_DRIVER (3000/minute), so a demo at x1000 is not refused by its own server.
DEMO_FIXES_PER_S = 40.0


# Wall seconds a demo's driver stays at the station once the simulator's clock starts (the route
# is registered within the first of them, once planned): long enough
# for the tab to open on "Arriving today" (never on a parcel already delivered, whatever the
# speed-up), short enough that the seller sees the driver leave within seconds of the click.
DEMO_LEAVE_WALL_S = 1.5


def demo_interval(speedup: float) -> float:
    """Simulated seconds between a demo's fixes: the simulator's 3 s, longer when sped up."""
    return max(3.0, round(speedup / DEMO_FIXES_PER_S, 1))


VEHICLE_OPTIONS = {"van": "--vans", "bike": "--bikes", "foot": "--walkers",
                   "motorcycle": "--motorcycles", "drone": "--drones"}


def keep_clock(route: dict | None) -> None:
    """Record the sped-up run's clock of a route it printed: the views show its times on the
    server's clock (app/domain/run_clock.py), and the retention sweep forgets it with the route."""
    if route and route.get("route_id") and route.get("clock"):
        registry = services()
        registry.store.put_doc(RUN_CLOCK, route["route_id"], route["clock"])
        registry.reads.run_clock_recorded(route["route_id"])


class DemoError(RuntimeError):
    """A demo delivery could not start; the message is for the seller."""

    def __init__(self, message: str, status: int = 503) -> None:
        super().__init__(message)
        self.status = status  # 429: too many running; 503: the simulator did not start


def simulator_command(server_url: str, args: list[str]) -> list[str]:
    return [sys.executable, "-m", "simulator", "run", "--server", server_url, "--links", "-",
            "--quiet", *args]


class SimulatorRun:
    """One simulator process; its link lines (one JSON object per route) arrive on a queue."""

    def __init__(self, command: list[str], key: str, on_end: Callable[[], None] | None = None):
        # The key goes in the environment, not argv, where any local user could read it.
        env = {**os.environ, "DOORSTEP_KEY": key}
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)  # nosec B603 # fixed argv, no shell
        self.on_end = on_end
        self.links: queue.Queue[dict | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                self.links.put(json.loads(line))
            except ValueError:
                continue
        self.proc.wait()
        self.links.put(None)  # the process ended
        if self.on_end:
            self.on_end()

    def first_link(self, timeout: float, visible_stops: int = 10) -> str | None:
        """The tracking URL of the parcel to show from the first route the simulator prints,
        or None if it ends or times out."""
        try:
            route = self.links.get(timeout=timeout)
        except queue.Empty:
            return None
        keep_clock(route)
        shipments = (route or {}).get("shipments") or [{}]
        # The last stop's parcel is live the longest, but one more than `visible_stops` stops
        # away would show no driver until most of the route is done: the last within them.
        near = [s for s in shipments if (s.get("stop") or 0) < visible_stops] or shipments
        return max(near, key=lambda s: s.get("stop") or 0).get("tracking_url")

    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.running():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class DemoRuns:
    """Demo deliveries started from the dashboard, at most `limit` running per seller."""

    def __init__(self, limit: int, link_timeout: float, visible_stops: int = 10) -> None:
        self.limit, self.link_timeout, self.visible_stops = limit, link_timeout, visible_stops
        self._runs: dict[str, list[SimulatorRun]] = {}
        self._lock = threading.Lock()

    def start(self, seller: str, key: str, server_url: str, vehicle: str, stops: int,
              speedup: float, on_end: Callable[[], None] | None = None) -> str:
        """Start one short route and answer its first tracking URL; `on_end` runs at exit."""
        with self._lock:
            runs = [r for r in self._runs.get(seller, []) if r.running()]
            if len(runs) >= self.limit:
                raise DemoError(f"{len(runs)} demo deliveries are already running; "
                                "wait for one to finish", 429)
            args = [VEHICLE_OPTIONS[vehicle], "1", "--stops", str(stops), "--speedup",
                    f"{speedup:g}", "--interval", f"{demo_interval(speedup):g}",
                    "--fail-rate", "0", "--leave-after", f"{DEMO_LEAVE_WALL_S * speedup:g}",
                    "--seed", str(random.randrange(1 << 30))]  # nosec B311 # a demo's seed
            run = SimulatorRun(simulator_command(server_url, args), key, on_end)
            self._runs[seller] = [*runs, run]
        url = run.first_link(self.link_timeout, self.visible_stops)
        if url is None:
            run.stop()
            raise DemoError("the simulator did not start a route; see the server log")
        return url

    def stop_all(self) -> None:
        for runs in self._runs.values():
            for run in runs:
                run.stop()


DEMO_ROUTES_SHOWN = 20


class DemoFleet:
    """The `python -m app` demo fleet: runs DEMO_ARGS and prints each new tracking link."""

    def __init__(self, app, server_url: str, public_url: str) -> None:
        self.app = app
        self.server_url = server_url
        self.public_url = public_url
        self.run_: SimulatorRun | None = None
        # The routes this fleet registered, newest last: the front page links these and no
        # other route of the seller it drives for (a real customer's link is a secret).
        self.route_ids: collections.deque[str] = collections.deque(maxlen=DEMO_ROUTES_SHOWN)
        services(app).demo_fleet = self

    def command(self) -> list[str]:
        return simulator_command(self.server_url, shlex.split(self.app.config["DEMO_ARGS"]))

    def run(self) -> None:
        """Wait for the server, start the simulator, and print each new demo tracking link."""
        if not self._wait_for_server():
            print("demo: the server did not come up; no demo fleet", file=sys.stderr)
            return
        key = next(iter(self.app.config["SELLER_KEYS"].values()))
        self.run_ = SimulatorRun(self.command(), key)
        # A route is printed once its driver has left the station: registered, it says
        # "Order received" for minutes while the driver loads.
        waiting: list[dict] = []
        shown = False
        while True:
            try:
                route = self.run_.links.get(timeout=1.0)
            except queue.Empty:
                route = {}
            if route is None:
                break
            if route:
                self._own(route.get("route_id"))
                with self.app.app_context():
                    keep_clock(route)
                waiting.append(route)
            for left in [r for r in waiting if self._left(r.get("route_id"))]:
                waiting.remove(left)
                self._print(left, 1 if shown else 3)
                shown = True
        code = self.run_.proc.returncode
        if code not in (0, -15):
            print(f"demo: the simulator stopped (exit {code})", file=sys.stderr)

    def _left(self, route_id: str | None) -> bool:
        with self.app.app_context():
            summary = services(self.app).reads.route_summary(route_id or "")
        return summary is None or summary["status"] != "not_started"

    def _print(self, route: dict, count: int) -> None:
        """The route's first stops' links: the parcels about to be live."""
        ships = sorted(route.get("shipments", []), key=lambda s: s.get("stop") or 0)
        for s in ships[:count]:
            link = s["tracking_url"].replace(self.server_url, self.public_url)
            print(f"demo: {route.get('vehicle', 'driver')} {route.get('driver', '')} "
                  f"is on the way with {s['tracking_id']}: {link}", flush=True)

    def _own(self, route_id: str | None) -> None:
        if not route_id:
            return
        self.route_ids.append(route_id)
        with self.app.app_context():
            services(self.app).retention.shorten(
                route_id, self.app.config["DEMO_RETENTION"])

    def _wait_for_server(self, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.server_url + "/healthz", timeout=1):  # nosec B310 # the server's own http URL
                    return True
            except OSError:
                time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.run_:
            self.run_.stop()
