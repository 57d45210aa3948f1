"""A seller's delivery day planned from street addresses: geocoding first (docs/api.md)."""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Any

from app.planning.addresses import AddressError, read_extract
from app.planning.geocode import Cached, ExtractGeocoder

__all__ = ["AddressError", "Geocoding", "geocoding"]


class GeocoderConfigError(ValueError):
    pass


class Geocoding:
    """The configured geocoder, built on first use: reading the extract's addresses takes a
    second, which a server that never geocodes should not pay at start-up."""

    def __init__(self, setting: str, extract: str, user_agent: str, delay_s: float) -> None:
        self.setting, self.extract = setting, extract
        self.user_agent, self.delay_s = user_agent, delay_s
        self._built: Cached | None = None
        self._lock = threading.Lock()
        kind = setting.split(":", 1)[0]
        if kind not in ("embedded", "nominatim", "photon"):
            raise GeocoderConfigError(
                f"GEOCODER must be embedded, nominatim:<url> or photon:<url>, not {setting!r}")

    @property
    def provider(self) -> str:
        return self.setting.split(":", 1)[0]

    def get(self) -> Cached:
        with self._lock:
            if self._built is None:
                self._built = self._build()
            return self._built

    def _build(self) -> Cached:
        kind, _, url = self.setting.partition(":")
        if kind == "embedded":
            path = (Path(self.extract) if self.extract else _bundled()).resolve()
            return Cached(_extract_geocoder(path, path.stat().st_mtime_ns if path.is_file() else 0))
        from urllib.parse import urlsplit

        from geopy.geocoders import Nominatim, Photon

        parts = urlsplit(url)
        cls: Any = Nominatim if kind == "nominatim" else Photon
        remote = cls(domain=parts.netloc + parts.path.rstrip("/"), scheme=parts.scheme or "https",
                     user_agent=self.user_agent, timeout=10)
        return Cached(remote, min_delay_s=self.delay_s)


@functools.lru_cache(maxsize=4)
def _extract_geocoder(path: Path, mtime_ns: int) -> ExtractGeocoder:
    """The extract's addresses, read once per file version in a process (as the street map is,
    simulator.world.maps): the geocoder only reads them, so every app in the process shares it."""
    return ExtractGeocoder(*read_extract(path))


def _bundled() -> Path:
    from simulator.world.maps import bundled_map

    return bundled_map()


def geocoding(config: dict) -> Geocoding:
    return Geocoding(config["GEOCODER"], config["GEOCODER_MAP"],
                     config["GEOCODER_USER_AGENT"], config["GEOCODER_DELAY"])


def street_map(config: dict) -> Any:
    """The map the day is planned on: the geocoder's extract (GEOCODER_MAP), or the bundled one.
    Parsed once per file (simulator.world.maps caches it)."""
    from simulator.world.maps import load_map

    try:
        return load_map(config["GEOCODER_MAP"] or None)
    except Exception as exc:  # SimulatorError: missing or unreadable extract
        raise AddressError(str(exc)) from None
