"""The demo fleet: the route simulator, run as a separate process against this server's API.

It is a client like any driver's phone: the server learns about it only through /api/v1.
"""

from __future__ import annotations

import json
import logging
import shlex
import subprocess
import sys
import time
import urllib.request

from flask import Flask

log = logging.getLogger(__name__)


class DemoFleet:
    def __init__(self, app: Flask, server_url: str, public_url: str) -> None:
        self.app = app
        self.server_url = server_url
        self.public_url = public_url
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        key = next(iter(self.app.config["SELLER_KEYS"].values()))
        return [sys.executable, "-m", "simulator", "run", "--server", self.server_url,
                "--key", key, "--links", "-", *shlex.split(self.app.config["DEMO_ARGS"])]

    def run(self) -> None:
        """Wait for the server, start the simulator, and print each new demo tracking link."""
        if not self._wait_for_server():
            print("demo: the server did not come up; no demo fleet", file=sys.stderr)
            return
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE, text=True)
        shown = False
        for line in self.proc.stdout:
            try:
                route = json.loads(line)
            except ValueError:
                continue
            for s in route.get("shipments", [])[:1 if shown else 3]:
                link = s["tracking_url"].replace(self.server_url, self.public_url)
                print(f"demo: {route.get('vehicle', 'driver')} {route.get('driver', '')} "
                      f"is delivering {s['tracking_id']}: {link}", flush=True)
            shown = True
        code = self.proc.wait()
        if code not in (0, -15):
            print(f"demo: the simulator stopped (exit {code})", file=sys.stderr)

    def _wait_for_server(self, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.server_url + "/healthz", timeout=1):
                    return True
            except OSError:
                time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
