"""`python -m app`, the README's run command: serves, runs the demo fleet, stops cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import requests

from tests.support.servers import ROOT, free_port, until, wait_for


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_demo_fleet_drives_and_the_server_stops_on_a_signal(signum):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--port", str(port), "--demo"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={"PATH": "/usr/bin:/bin", "DEMO_ARGS": "--bikes 1 --speedup 100 --quiet --repeat"},
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith(f"Doorstep is running at http://localhost:{port}/")
        wait_for(f"http://127.0.0.1:{port}/healthz", proc=proc)
        link = proc.stdout.readline()  # the demo prints its first customer link
        assert link.startswith("demo: bike ") and "/track/" in link
        token = link.rsplit("/track/", 1)[1].strip()
        view = requests.get(f"http://127.0.0.1:{port}/api/v1/track/{token}", timeout=5)
        # Printed once the driver has left the station: never an "Order received" parcel.
        assert view.ok and view.json()["status"] != "created", view.text
        simulators = children(proc.pid)
        assert simulators, "the demo fleet runs as a child process"
        proc.send_signal(signum)
        assert proc.wait(timeout=15) == 0
        until(lambda: all(subprocess.run(["kill", "-0", str(pid)], capture_output=True).returncode
                          for pid in simulators), 10, "the demo fleet to stop")
    finally:
        if proc.poll() is None:
            proc.kill()
