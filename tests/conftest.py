"""Shared fixtures: a real redis-server, a real gunicorn, a real Socket.IO client, real Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import tests.support.fuzz  # noqa: F401  (the hypothesis profile, before any test module)
from tests.support.servers import LiveServer, free_port

# The tests replay one fixed day (tests/support/helpers.py: 2026-11-26), older than the
# default FIX_MAX_AGE as time goes by: the window is widened for every app and gunicorn the
# tests start. tests/unit/test_attack_times.py checks the default window on apps of its own.
os.environ.setdefault("FIX_MAX_AGE", "3650d")


def _share_url_builders() -> None:
    """Compile each URL rule's builder once per test process instead of once per app.

    Most tests build an app of their own, and werkzeug compiles two Python functions from an AST
    for each of the app's ~40 rules: about 80 ms per app, most of the fast suite's time. The
    function depends only on the rule's text parts and append_unknown (converters are looked up on
    the rule at call time), so rules without defaults share it. Rules with defaults compile as
    before. Production builds one app and never needs this.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    built: dict = {}

    def shared(self, append_unknown=True):
        if self.defaults:
            return compile_builder(self, append_unknown)
        key = (tuple(self._trace), append_unknown)
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    Rule._compile_builder = shared


_share_url_builders()


def _share_compiled_templates() -> None:
    """Compile each template once per test process instead of once per app.

    Every app has a Jinja environment of its own, and each compiled the templates its tests
    rendered again: parsing and compiling them was a quarter of the CPU of the tests that render
    pages. Jinja's bytecode cache hands the compiled code to every environment; it is keyed by
    the template, its source's checksum and the environment's syntax and extensions, so a
    changed template or another set-up compiles anew. Production builds one app and never
    needs this.
    """
    from flask import Flask
    from jinja2 import BytecodeCache

    class Shared(BytecodeCache):
        def __init__(self) -> None:
            self.code: dict = {}

        @staticmethod
        def _key(bucket) -> tuple:
            env = bucket.environment
            syntax = (env.block_start_string, env.block_end_string, env.variable_start_string,
                      env.variable_end_string, env.comment_start_string, env.comment_end_string,
                      env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                      env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                      env.optimized, env.is_async, env.finalize is None)
            return bucket.key, bucket.checksum, syntax, tuple(sorted(env.extensions))

        def load_bytecode(self, bucket) -> None:
            bucket.code = self.code.get(self._key(bucket))

        def dump_bytecode(self, bucket) -> None:
            self.code[self._key(bucket)] = bucket.code

    shared = Shared()
    create = Flask.create_jinja_environment

    def with_shared_cache(self):
        env = create(self)
        env.bytecode_cache = shared
        return env

    Flask.create_jinja_environment = with_shared_cache


_share_compiled_templates()


@pytest.fixture(autouse=True)
def limits_start_mid_window(monkeypatch):
    """The fixed windows of app/access/limits.py roll over on the clock's minute and hour: a
    test that crossed one would see its budget refilled or a short Retry-After. In this process
    each test starts 30 min 30 s into an hour (and so 30 s into a minute), and time then runs
    on as usual. Servers the tests start in other processes keep the real clock."""
    from app.access import limits

    start, base = time.time(), 1_800_000_000 + 1830.0  # an hour boundary + 30 min 30 s
    monkeypatch.setattr(limits, "now", lambda: base + (time.time() - start))


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server of our own on a free port (or TEST_REDIS_URL, if set)."""
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail("redis-server is not installed (scripts/test.sh installs it)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def street_map():
    """The bundled map's street archive where the server looks for it (built once, reused)."""
    from tests.support.basemap import embedded_archive

    return embedded_archive()


@pytest.fixture
def clean_redis(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


@pytest.fixture
def app():
    from app import create_app

    return create_app({
        "TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
        "BROADCAST_INTERVAL": 0.05, "SELLER_KEYS": {"demo": "demo", "acme": "acme-key"},
        "DEMO": False,  # the embedded default runs a demo fleet; tests start their own
    })


@pytest.fixture
def routes_registered_before_t0(monkeypatch):
    """For tests that send a phone's fixes stamped around T0, a fixed day: the phone door
    drops fixes from before their route was registered (yesterday's queue must not start
    today's route), so routes registered in this process are registered an hour before T0."""
    from app.live.ingest import Ingest
    from tests.support.helpers import T0

    register_route = Ingest.register_route

    def registered_earlier(self, seller_id, req, now=None):
        return register_route(self, seller_id, req, T0.timestamp() - 3600 if now is None else now)

    monkeypatch.setattr(Ingest, "register_route", registered_earlier)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_server_factory(tmp_path):
    servers = []

    def start(**env: str) -> LiveServer:
        server = LiveServer(env, tmp_path / f"server{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(live_server_factory):
    return live_server_factory()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        pytest.fail("chromium is not installed (scripts/test.sh installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=exe,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield b
        b.close()


LIVE_FIXTURES = {"redis_url", "clean_redis", "live_server", "live_server_factory", "browser"}


def pytest_collection_modifyitems(items):
    """`-m live`: needs a real server, Redis or Chromium; `-m "not live"` needs none."""
    for item in items:
        in_live = "tests/live/" in item.nodeid or item.nodeid.startswith("live/")
        if in_live or LIVE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.live)


def pytest_ignore_collect(collection_path, config):
    """`-m "not live"` does not import tests/live at all: every test there is live, and importing
    them (Playwright, Socket.IO clients) cost each xdist worker a second and a half."""
    if config.getoption("markexpr", "").strip() == "not live":
        live = Path(__file__).parent / "live"
        if collection_path == live or live in collection_path.parents:
            return True
    return None
