"""One read path in fact: outside app/live, live state (routes, shipments, progress, driver
tokens) is read through app/live/reads.py `Reads` only, never from the store or ingest's parts.

Read from the source (AST), so a new page or worker that reaches for `store.get_shipments` or
`ingest.routes` fails here before it serves a stale or unfiltered copy.
"""

from __future__ import annotations

import ast
from pathlib import Path

from app.live.ingest import Ingest
from app.live.reads import Reads
from app.store import Store

ROOT = Path(__file__).resolve().parents[2]
# The store's reads of live state; its generic records (docs, logs, timetables) belong to the
# parts that keep them (sellers, sessions, messages...).
STORE_READS = {"get_route", "route_for_driver", "seller_routes", "get_progress", "get_shipment",
               "get_shipments", "shipment_for_token"}
# The live parts a reader could reach through: the write-behind progress and the route cache.
LIVE_PARTS = {"app.live.route_cache", "app.live.write_behind"}
BUILDER = "app/wiring.py"  # builds the parts, reads nothing
# What a caller may ask of the reader and of the writer: their methods (and the reader's plain
# settings), never the parts they keep.
READS_API = {n for n in dir(Reads) if not n.startswith("_")} | {"settings", "link_ttl", "clock"}
INGEST_API = {n for n in dir(Ingest) if not n.startswith("_")}


def _outside_live() -> list[Path]:
    return sorted(p for p in (ROOT / "app").rglob("*.py")
                  if not p.relative_to(ROOT).as_posix().startswith(("app/live/", "app/store/"))
                  and "vendor" not in p.parts)


def _receiver(node: ast.expr) -> str | None:
    """`reads` for `reads.x`, `self.reads.x` and `services().reads.x`; likewise `ingest`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _bypasses(source: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            owner = _receiver(node.value)
            if node.attr in STORE_READS and owner != "reads":
                found.append(f"{where}:{node.lineno} {owner}.{node.attr}")
            elif owner == "reads" and node.attr not in READS_API:
                found.append(f"{where}:{node.lineno} reads.{node.attr}")
            elif owner == "ingest" and node.attr not in INGEST_API:
                found.append(f"{where}:{node.lineno} ingest.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module in LIVE_PARTS and where != BUILDER:
            found.append(f"{where}:{node.lineno} imports {node.module}")
    return found


def test_the_store_reads_are_the_store_s():
    for name in STORE_READS:
        assert callable(getattr(Store, name)), name


def test_live_state_is_read_through_reads_only():
    assert [b for p in _outside_live()
            for b in _bypasses(p.read_text(), p.relative_to(ROOT).as_posix())] == []


def test_the_check_finds_a_bypass():
    """The scan sees each way around the reader that pages and workers had taken."""
    probe = ("from app.live.route_cache import RouteCache\n"
             "def f(svc, self):\n"
             "    svc.store.get_shipments([])\n"
             "    self.store.get_progress('r')\n"
             "    svc.ingest.routes.get('r')\n"
             "    svc.reads._live.get('r')\n"
             "    svc.reads.live.failing\n"
             "    svc.reads.shipment_records([])\n"
             "    self.reads.seller_routes('s')\n")
    assert sorted(b.split(" ", 1)[1] for b in _bypasses(probe, "app/probe.py")) == [
        "imports app.live.route_cache", "ingest.routes", "reads._live", "reads.live",
        "store.get_progress", "store.get_shipments"]
    assert _bypasses(probe, BUILDER) == [b for b in _bypasses(probe, BUILDER)
                                          if "imports" not in b]


def test_reads_answers_what_the_bypasses_read():
    for name in ("route", "route_for_driver_token", "shipment_records", "progress",
                 "saving_failed", "seller_routes", "shipment_for_token"):
        assert callable(getattr(Reads, name)), name
