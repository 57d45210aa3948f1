"""What the app needs to know about a built archive: whether it is readable, its bounds, zooms,
the area it covers, and its build stamp."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import deserialize_directory

from app.basemap.places import area_from_source

REPO = Path(__file__).resolve().parents[2]

REBUILD = "python -m app basemap build --force"


class Unreadable(Exception):
    """The file is there but is not a whole PMTiles archive; the message says what is wrong."""


@dataclass(frozen=True)
class Status:
    """missing | corrupt | ok, the file, and for a readable archive what the pages need."""

    state: str
    path: Path
    reason: str = ""
    about: dict = field(default_factory=dict)

    def shown_path(self) -> str:
        """The path as a user typed it: relative to the checkout when inside it."""
        try:
            return str(self.path.relative_to(REPO))
        except ValueError:
            return str(self.path)

    def message(self) -> str:
        """One line for the CLI, the log and /healthz."""
        if self.state == "ok":
            return f"{self.shown_path()}: street map of {self.about['area']}"
        if self.state == "missing":
            if self.path.name == "helsinki.pmtiles":  # the bundled map's own archive
                return f"{self.shown_path()} is not built: run python -m app basemap build"
            return (f"{self.shown_path()} is not built: run python -m app basemap build "
                    f"--map YOUR_EXTRACT.osm.pbf --out {self.shown_path()}")
        return (f"{self.shown_path()} is unreadable ({self.reason}): rebuild it with "
                f"{REBUILD}")


def open_reader(path: Path):
    """A pmtiles Reader over the file; the caller keeps the file object open while reading."""
    f = path.open("rb")
    return f, Reader(MmapSource(f))


def inspect(path: Path) -> Status:
    """Read the archive's header, root directory and metadata; never raises."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Status("missing", path)
    except OSError as exc:
        return Status("corrupt", path, exc.strerror or "cannot be read")
    if size == 0:
        return Status("corrupt", path, "empty file")
    try:
        f, reader = open_reader(path)
    except (OSError, ValueError) as exc:
        return Status("corrupt", path, getattr(exc, "strerror", None) or str(exc))
    with f:
        try:
            about = _about(reader, size)
        except Unreadable as exc:
            return Status("corrupt", path, str(exc))
        except Exception:  # pmtiles/gzip/json on garbage bytes: any of a dozen error types
            return Status("corrupt", path, "not a PMTiles archive")
    return Status("ok", path, about=about)


def _about(reader: Reader, size: int) -> dict:
    try:
        h = reader.header()
    except Exception:
        raise Unreadable("not a PMTiles v3 archive") from None
    end = max(h["tile_data_offset"] + h["tile_data_length"],
              h["leaf_directory_offset"] + h["leaf_directory_length"],
              h["metadata_offset"] + h["metadata_length"], h["root_offset"] + h["root_length"])
    if size < end:
        raise Unreadable(f"truncated: {size} of {end} bytes")
    root = reader.get_bytes(h["root_offset"], h["root_length"])
    if not deserialize_directory(root):
        raise Unreadable("no tiles in its directory")
    meta = reader.metadata()  # gunzips and parses JSON: garbage there raises
    return {"bounds": [[h["min_lat_e7"] / 1e7, h["min_lon_e7"] / 1e7],
                       [h["max_lat_e7"] / 1e7, h["max_lon_e7"] / 1e7]],
            "minzoom": h["min_zoom"], "maxzoom": h["max_zoom"], "area": _area(meta)}


def _area(meta: dict) -> str:
    """The place the archive covers: the builder's stamp, else the extract's file name."""
    stamp = _stamp(meta.get("doorstep"))
    if stamp and stamp.get("area"):
        return stamp["area"]
    return area_from_source(str((stamp or {}).get("source") or meta.get("name") or "this map"))


def _stamp(raw) -> dict | None:
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def describe(path: Path) -> dict | None:
    """{bounds: [[s, w], [n, e]], minzoom, maxzoom, area} for the pages, or None if unreadable."""
    status = inspect(path)
    return status.about if status.state == "ok" else None


def read_stamp(path: Path) -> dict | None:
    """The builder's stamp kept in the archive's metadata (build.py), or None."""
    try:
        f, reader = open_reader(path)
        with f:
            raw = reader.metadata().get("doorstep")
    except Exception:  # missing, truncated, or another tool's archive: build again
        return None
    return _stamp(raw)
