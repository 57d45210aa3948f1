"""Which basemap the pages draw, from the one BASEMAP setting.

- `embedded` (default): this server's own archive, var/basemap/helsinki.pmtiles, built from the
  bundled extract (`python -m app basemap build`);
- a path to a .pmtiles file on this machine (an archive built for your own city);
- an http(s) URL of a .pmtiles archive built the same way (served by nginx, a bucket, a CDN);
- a raster tile URL template with {z}/{x}/{y} (OpenStreetMap's tiles, your own tile server);
- an http(s) URL of a MapLibre style (`.../style.json`), drawn by maplibre-gl
  (static/js/basemap-maplibre.js), credited from the style's sources.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from app.basemap.archive import Status, inspect
from app.basemap.build import DATA_DIR, REPO

EMBEDDED_FILE = DATA_DIR / "helsinki.pmtiles"
# The URL the pages read the embedded archive from (serve.py; deploy/nginx.conf serves it too).
ARCHIVE_PATH = "/basemap/streets.pmtiles"
OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                   "contributors")
# What a page says: a customer reads it too, so neither a file path nor an operator's task
# (the log, /healthz's state and `basemap check` name the file and the fix).
NOT_BUILT = "Streets not shown: the street map is not available"
CORRUPT = "Streets not shown: the street map cannot be read"


@dataclass(frozen=True)
class Basemap:
    kind: str  # embedded | remote (vector archives) | raster | style (MapLibre)
    url: str
    attribution: str
    file: Path | None = None

    def page(self) -> dict:
        """What the page's script needs (static/js/basemap.js)."""
        if self.kind == "raster":
            return {"kind": "raster", "url": self.url, "attribution": self.attribution}
        if self.kind == "remote":
            return {"kind": "vector", "url": self.url, "attribution": self.attribution}
        if self.kind == "style":  # credited from the style's sources; this when they say nothing
            return {"kind": "style", "url": self.url, "attribution": self.attribution}
        status = self.status()
        if status.state == "missing":
            # No streets drawn: nothing of OpenStreetMap's to credit either.
            return {"kind": "none", "note": NOT_BUILT, "attribution": ""}
        if status.state == "corrupt":
            return {"kind": "none", "note": CORRUPT, "attribution": ""}
        return {"kind": "vector", "url": ARCHIVE_PATH, "attribution": self.attribution,
                **status.about}

    def status(self) -> Status | None:
        """The embedded archive's state (missing, corrupt, ok); None for other basemaps."""
        if self.file is None:
            return None
        try:
            st = self.file.stat()
        except OSError:
            return inspect(self.file)
        return _inspect_version(self.file, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=8)
def _inspect_version(path: Path, mtime_ns: int, size: int) -> Status:
    return inspect(path)  # read once per build of the archive, not per page


def choose(setting: str, attribution: str) -> Basemap:
    """The Basemap for a BASEMAP value; a mistake is a ValueError naming the setting."""
    setting = setting.strip() or "embedded"
    if setting == "embedded":
        return Basemap("embedded", ARCHIVE_PATH, OSM_ATTRIBUTION, EMBEDDED_FILE)
    scheme = urlsplit(setting).scheme
    if scheme in ("http", "https"):
        if "{z}" in setting:
            missing = [k for k in ("{x}", "{y}") if k not in setting]
            if missing:  # every row (or column) would be the same tile
                raise ValueError(f"BASEMAP: a tile URL needs {{z}}, {{x}} and {{y}}; "
                                 f"{' and '.join(missing)} missing in {setting!r}")
            return Basemap("raster", setting, attribution or OSM_ATTRIBUTION)
        if urlsplit(setting).path.endswith(".pmtiles"):
            return Basemap("remote", setting, attribution or OSM_ATTRIBUTION)
        if urlsplit(setting).path.endswith(".json"):
            return Basemap("style", setting, attribution)
        raise ValueError("BASEMAP: expected embedded, a .pmtiles file or URL, a MapLibre style "
                         f"URL (.json) or a tile URL with {{z}}/{{x}}/{{y}}; got {setting!r}")
    if scheme:
        raise ValueError(f"BASEMAP: only http and https URLs are supported, got {setting!r}")
    path = Path(setting).expanduser()
    path = path if path.is_absolute() else REPO / path
    if path.suffix != ".pmtiles":
        raise ValueError(f"BASEMAP: a local map must be a .pmtiles file, got {setting!r}")
    return Basemap("embedded", ARCHIVE_PATH, OSM_ATTRIBUTION, path)
