"""The addresses of an OSM extract (house number, street, postcode, city, where), read once.

The same extract the simulator drives on and the street map is built from: a seller's orders
in that area geocode offline, with nothing sent to a service outside the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import osmium


@dataclass(frozen=True)
class PostalAddress:
    street: str
    number: str  # as tagged: "21", "21 B", "5a"
    postcode: str
    city: str
    lat: float
    lon: float

    @property
    def label(self) -> str:
        tail = " ".join(p for p in (self.postcode, self.city) if p)
        return f"{self.street} {self.number}" + (f", {tail}" if tail else "")


class AddressError(Exception):
    """The extract cannot be read: one line for the log or the CLI."""


# Places whose other-language names a seller may write as the town (Helsingfors for Helsinki).
_TOWNS = {"city", "town", "village", "municipality", "hamlet"}


class _Reader(osmium.SimpleHandler):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[PostalAddress] = []
        self.town_names: dict[str, str] = {}  # another name -> the town's `name`

    def node(self, n: osmium.osm.Node) -> None:
        if n.location.valid():
            self._add(n.tags, n.location.lat, n.location.lon)
        if n.tags.get("place") in _TOWNS and n.tags.get("name"):
            for tag in n.tags:
                if tag.k.startswith(("name:", "alt_name", "official_name")) and tag.v:
                    self.town_names.setdefault(tag.v.strip(), n.tags["name"])

    def way(self, w: osmium.osm.Way) -> None:
        if "addr:housenumber" not in w.tags:
            return
        pts = [(nd.location.lat, nd.location.lon) for nd in w.nodes if nd.location.valid()]
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts = pts[:-1]  # a closed outline counts its first corner once
        if pts:
            self._add(w.tags, sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))

    def _add(self, tags: osmium.osm.TagList, lat: float, lon: float) -> None:
        street, number = tags.get("addr:street"), tags.get("addr:housenumber")
        if not street or not number:
            return
        # One object may carry several numbers ("12;14", "12-14"): each is an address.
        for one in number.replace(",", ";").split(";"):
            one = one.strip()
            if one:
                self.found.append(PostalAddress(street.strip(), one, tags.get("addr:postcode", ""),
                                          tags.get("addr:city", ""), lat, lon))


def read_addresses(path: Path) -> list[PostalAddress]:
    return read_extract(path)[0]


def read_extract(path: Path) -> tuple[list[PostalAddress], dict[str, str]]:
    """The extract's addresses, and its towns' other names (`name:sv`, ...) -> their `name`."""
    if not path.is_file():
        raise AddressError(f"map file not found: {path}")
    reader = _Reader()
    try:
        reader.apply_file(str(path), locations=True)
    except Exception as exc:  # pyosmium raises RuntimeError/ValueError for corrupt input
        raise AddressError(f"cannot read map {path}: {str(exc).splitlines()[0]}") from None
    return reader.found, reader.town_names
