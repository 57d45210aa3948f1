"""Read a GPX track: points with optional times."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # nosec B405 # see parse below
from datetime import datetime
from pathlib import Path

from simulator.errors import SimulatorError


def read_gpx(path: Path) -> list[tuple[float, float, float | None]]:
    """Return (lat, lon, epoch seconds or None) for every trkpt (or rtept/wpt if no track)."""
    if not path.is_file():
        raise SimulatorError(f"GPX file not found: {path}")
    try:
        root = ET.parse(path).getroot()  # nosec B314 # the developer's own file; expat limits entity expansion
    except ET.ParseError as exc:
        raise SimulatorError(f"cannot read GPX {path}: {exc}") from None
    points = []
    for tag in ("trkpt", "rtept", "wpt"):
        for el in root.iter():
            if el.tag.rsplit("}", 1)[-1] != tag:
                continue
            try:
                lat, lon = float(el.attrib["lat"]), float(el.attrib["lon"])
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValueError
            except (KeyError, ValueError):
                raise SimulatorError(f"GPX {path}: a point without valid lat/lon "
                                     "(-90..90, -180..180)") from None
            points.append((lat, lon, _time(el)))
        if points:
            break
    if not points:
        raise SimulatorError(f"GPX {path} has no track points")
    return points


def _time(el: ET.Element) -> float | None:
    for child in el:
        if child.tag.rsplit("}", 1)[-1] == "time" and child.text:
            try:
                return datetime.fromisoformat(child.text.strip().replace("Z", "+00:00")).timestamp()
            except ValueError:
                return None
    return None
