"""Read an .osm.pbf once with pyosmium: usable ways per mode, plus address points."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import osmium

from simulator.errors import SimulatorError
from simulator.world.modes import NETWORK_MODES, edge_rule, underground

# (from node, to node, speed cap m/s, highway, underground: no GPS there)
EdgeRow = tuple[int, int, float, str, bool]


@dataclass
class Address:
    """A place a parcel can go: a real address where the map has one."""

    lat: float
    lon: float
    label: str


@dataclass
class OsmExtract:
    coords: dict[int, tuple[float, float]] = field(default_factory=dict)
    edges: dict[str, list[EdgeRow]] = field(default_factory=lambda: {m: [] for m in NETWORK_MODES})
    addresses: list[Address] = field(default_factory=list)
    buildings: list[Address] = field(default_factory=list)
    signals: set[int] = field(default_factory=set)  # nodes with traffic lights


class _Handler(osmium.SimpleHandler):
    def __init__(self, out: OsmExtract) -> None:
        super().__init__()
        self.out = out

    def node(self, n: osmium.osm.Node) -> None:
        if n.tags.get("highway") == "traffic_signals":
            self.out.signals.add(n.id)
        label = _address_label(n.tags)
        if label and n.location.valid():
            self.out.addresses.append(Address(n.location.lat, n.location.lon, label))

    def way(self, w: osmium.osm.Way) -> None:
        tags = {t.k: t.v for t in w.tags}
        if "building" in tags:
            self._building(w, tags)
        if "highway" not in tags:
            return
        refs = [(nd.ref, nd.location) for nd in w.nodes if nd.location.valid()]
        for ref, loc in refs:
            self.out.coords.setdefault(ref, (loc.lat, loc.lon))
        below = underground(tags)
        for mode in NETWORK_MODES:
            rule = edge_rule(mode, tags)
            if rule is None:
                continue
            fwd, back, cap = rule
            rows = self.out.edges[mode]
            for (a, _), (b, _) in zip(refs, refs[1:], strict=False):
                if fwd:
                    rows.append((a, b, cap, tags["highway"], below))
                if back:
                    rows.append((b, a, cap, tags["highway"], below))

    def _building(self, w: osmium.osm.Way, tags: dict[str, str]) -> None:
        pts = [(nd.location.lat, nd.location.lon) for nd in w.nodes if nd.location.valid()]
        if not pts:
            return
        if pts[0] == pts[-1] and len(pts) > 1:
            pts = pts[:-1]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        label = _address_label(tags)
        target = self.out.addresses if label else self.out.buildings
        target.append(Address(lat, lon, label or tags.get("name") or "Building"))


def _address_label(tags: object) -> str | None:
    street = tags.get("addr:street")  # type: ignore[attr-defined]
    number = tags.get("addr:housenumber")  # type: ignore[attr-defined]
    return f"{street} {number}" if street and number else None


def read_extract(path: Path) -> OsmExtract:
    """Parse the file; any failure becomes a one-line SimulatorError."""
    if not path.is_file():
        raise SimulatorError(f"map file not found: {path}")
    out = OsmExtract()
    try:
        _Handler(out).apply_file(str(path), locations=True)
    except Exception as exc:  # pyosmium raises RuntimeError/ValueError for corrupt input
        raise SimulatorError(f"cannot read map {path}: {str(exc).splitlines()[0]}") from None
    return out
