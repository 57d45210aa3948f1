"""One way to wire: app/wiring.py builds and connects every long-lived part, and the app keeps
them in one registry, `app.extensions["doorstep"]` (app/extensions.py)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from app import create_app
from app.extensions import KEY, services
from app.wiring import Services

ROOT = Path(__file__).resolve().parents[2]
# What the libraries register themselves: Flask-SocketIO, Flask-Babel, Flask-Limiter.
LIBRARIES = {"socketio", "babel", "limiter"}
# The data path's parts: built in app/wiring.py and nowhere else.
# (The Redis frame queue's manager, which python-socketio builds, keeps a Fanout of its own.)
PARTS = {"Reads", "Ingest", "LiveProgress", "RouteCache", "Broadcaster", "Retention",
         "Notify", "Dispatch", "Worker", "Messages", "Subscriptions", "Endpoints", "Photos",
         "Sellers", "DriverLinks", "Sessions", "Instructions", "Feedback", "Branding"}


@functools.cache
def _app_modules() -> list[tuple[str, ast.AST]]:
    """Every app module's syntax tree, parsed once for all the checks here (read, never changed)."""
    return [(p.relative_to(ROOT).as_posix(), ast.parse(p.read_text()))
            for p in sorted((ROOT / "app").rglob("*.py")) if "vendor" not in p.parts]


def test_the_app_keeps_one_registry_of_its_parts():
    app = create_app({"TESTING": True})
    assert set(app.extensions) == LIBRARIES | {KEY}
    svc = services(app)
    assert isinstance(svc, Services)
    # What had a slot of its own is a part of the registry.
    assert {"basemap", "geocoding", "limiter", "demo_fleet", "notify"} <= set(vars(svc))
    assert svc.basemap is not None and svc.geocoding is not None and svc.limiter is not None


def test_only_the_factory_writes_app_extensions():
    writes = []
    for where, tree in _app_modules():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Attribute) and node.value.attr == "extensions"):
                writes.append(where)
    assert writes == ["app/factory.py"]


def test_the_data_path_is_built_in_one_place():
    """Each part in app/wiring.py and nowhere else: no second builder (notify had one)."""
    built = [(where, name) for where, tree in _app_modules() for name in _constructed(tree)]
    assert {where for where, _ in built} == {"app/wiring.py"}
    assert sorted(part for _, part in built) == sorted(PARTS)  # and each once


def _constructed(tree: ast.AST) -> list[str]:
    """The parts a module calls by name, `Retention(...)`, or through a module,
    `retention.Retention(...)` (app/live/withdraw.py built a second Retention so)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            if name in PARTS:
                names.append(name)
    return names


def test_the_check_sees_a_part_built_through_its_module():
    tree = ast.parse("from app.ops import retention as r\nkeeper = r.Retention(store, 0)\n"
                     "links = DriverLinks(store, '')\n")
    assert _constructed(tree) == ["Retention", "DriverLinks"]


def test_one_instance_of_each_part():
    """Retention forgets through the registry's own feedback, driver links and sessions."""
    svc = services(create_app({"TESTING": True}))
    assert svc.retention.feedback is svc.feedback
    assert svc.retention.driver_links is svc.driver_links
    assert svc.retention.sessions is svc.sessions
    assert svc.retention.photos is svc.photos


def _wall_clock_reads(tree: ast.AST) -> list[int]:
    """Lines that read the wall clock directly: `time.time` (called or handed on) or CLOCK."""
    return sorted(node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "time"
            and isinstance(node.value, ast.Name) and node.value.id == "time"
            or isinstance(node, ast.Constant) and node.value == "CLOCK")


def test_one_clock_on_the_data_path():
    """app/live (the writer and the reader) and the doors' server_now use the registry's clock,
    built once from CLOCK in app/wiring.py: a view's "now" is the ingest's "now"."""
    found = {where: lines for where, tree in _app_modules()
             if (where.startswith("app/live/") or where == "app/web/times.py"
                 or where == "app/realtime/broadcaster.py")
             and (lines := _wall_clock_reads(tree))}
    assert found == {}
    clock_reads = [where for where, tree in _app_modules()
                   if any(isinstance(n, ast.Constant) and n.value == "CLOCK"
                          for n in ast.walk(tree))]
    assert clock_reads == ["app/wiring.py"]
    assert _wall_clock_reads(ast.parse("import time\nnow = time.time()\nclock = time.time\n"
                                       "c = config.get('CLOCK')\n")) == [2, 3, 4]


def test_a_moved_clock_moves_every_part():
    app = create_app({"TESTING": True})
    svc = services(app)
    svc.clock.now = lambda: 1_000_000.0
    with app.app_context():
        from app.web.times import server_now
        assert server_now() == 1_000_000.0
    assert svc.reads.clock() == svc.ingest.clock() == svc.retention.clock() == 1_000_000.0
    assert svc.feedback.clock() == svc.sessions.clock() == svc.photos.clock() == 1_000_000.0
