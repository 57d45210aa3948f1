"""Real servers for the live tests: free ports, readiness, and gunicorn as a user deploys it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]


_next_port = 0


def free_port() -> int:
    """A free local port; within DOORSTEP_TEST_PORTS ("5450-5499") when that is set, for a
    machine where each developer owns a range."""
    global _next_port
    span = os.environ.get("DOORSTEP_TEST_PORTS")
    lo, hi = (int(x) for x in span.split("-")) if span else (0, 0)
    for k in range(hi - lo + 1):
        port = lo + (_next_port + k) % (hi - lo + 1) if span else 0
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            _next_port = (port - lo + 1) if span else 0
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in DOORSTEP_TEST_PORTS={span}")


def until(condition, timeout: float = 10.0, what: str = "the condition",
          interval: float = 0.05):
    """Wait for `condition()` to answer something true, and answer it; fail after `timeout`.

    The one place tests wait: on what they need, never for a fixed time.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s")
        time.sleep(interval)


def wait_for(url: str, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    """Wait until `url` answers below 500 (a server's health check); fail if `proc` exits."""

    def answers() -> bool:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            return requests.get(url, timeout=1).status_code < 500
        except requests.RequestException:
            return False

    until(answers, timeout, url, interval=0.1)


class LiveServer:
    """gunicorn with the production worker, on a free port, as a user would deploy it."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, "BIND": f"127.0.0.1:{self.port}", "DEMO": "0",
                    "BROADCAST_INTERVAL": "0.2", "PYTHONUNBUFFERED": "1", **env}
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "app:create_app()"],
            cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        try:
            wait_for(self.url + "/healthz", proc=self.proc)
        except Exception:
            self.stop()  # a server that did not come up is not left running for later tests
            raise

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a loaded machine: stop it, then reap it
                self.proc.kill()
                self.proc.wait(timeout=30)
        self.log.close()


class AppendOnlyRedis:
    """A redis-server of a test's own, persisting every write (appendfsync always) to its own
    directory: killed, it loses nothing; filled, it refuses writes as a full Redis does."""

    def __init__(self, workdir) -> None:
        self.port, self.dir, self.proc = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis(port=self.port)
        self.start()

    def start(self) -> None:
        exe = shutil.which("redis-server") or pytest.fail("redis-server is not installed")
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                if self.client.ping():
                    return
            except redis.RedisError:  # refused, or still loading the append-only file
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def kill(self) -> None:
        self.proc.kill()  # no shutdown save: only the append-only file can bring data back
        self.proc.wait(timeout=10)

    def fill(self) -> None:
        """Past maxmemory with noeviction: reads still answer, every write is refused (OOM)."""
        self.client.set("ballast", "x" * 4_000_000)
        self.client.config_set("maxmemory-policy", "noeviction")
        self.client.config_set("maxmemory", "2mb")

    def empty(self) -> None:
        self.client.config_set("maxmemory", "0")
        self.client.delete("ballast")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
