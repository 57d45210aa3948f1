"""What the app needs to know about a built archive: its bounds, zooms and build stamp."""

from __future__ import annotations

import json
from pathlib import Path

from pmtiles.reader import MmapSource, Reader


def open_reader(path: Path):
    """A pmtiles Reader over the file; the caller keeps the file object open while reading."""
    f = path.open("rb")
    return f, Reader(MmapSource(f))


def describe(path: Path) -> dict | None:
    """{bounds: [[s, w], [n, e]], minzoom, maxzoom} for the pages, or None if unreadable."""
    try:
        f, reader = open_reader(path)
    except OSError:
        return None
    with f:
        try:
            h = reader.header()
        except Exception:  # not a PMTiles v3 file: the pages fall back to the grid
            return None
    return {"bounds": [[h["min_lat_e7"] / 1e7, h["min_lon_e7"] / 1e7],
                       [h["max_lat_e7"] / 1e7, h["max_lon_e7"] / 1e7]],
            "minzoom": h["min_zoom"], "maxzoom": h["max_zoom"]}


def read_stamp(path: Path) -> dict | None:
    """The builder's stamp kept in the archive's metadata (build.py), or None."""
    try:
        f, reader = open_reader(path)
        with f:
            raw = reader.metadata().get("doorstep")
    except Exception:  # missing, truncated, or another tool's archive: build again
        return None
    try:
        return json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
