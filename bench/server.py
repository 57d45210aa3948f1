"""The measured process: CPU seconds and resident memory read from /proc; a gunicorn of our own
for the page benches."""

from __future__ import annotations

import os
import subprocess  # nosec B404 # starts our own server
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]

_TICK = os.sysconf("SC_CLK_TCK")


def worker_pid(master: int, timeout: float = 10.0) -> int:
    """gunicorn's worker: the master's child (one worker per process here)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{master}/task/{master}/children") as f:
                kids = f.read().split()
        except FileNotFoundError:
            kids = []
        if kids:
            return int(kids[0])
        time.sleep(0.1)
    return master


class Proc:
    def __init__(self, pid: int) -> None:
        self.pid = pid

    def cpu(self) -> float:
        """User + system CPU seconds so far."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK

    def rss(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0


def start_gunicorn(port: int, log: Path, env: dict[str, str],
                   wait_s: float = 90.0) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port` with `env` over ours, once /healthz answers."""
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "DEMO": "0", "SELLER_KEYS": "demo:demo",
           **env}
    proc = subprocess.Popen(  # nosec B603 # fixed argv, no shell
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "app:create_app()"], cwd=ROOT, env=env, stdout=log.open("w"),
        stderr=subprocess.STDOUT)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"the server on port {port} did not come up (see {log})")
