"""The street map archive, built from real extracts and read back with the pmtiles reader."""

from __future__ import annotations

import gzip
import math
import subprocess
import sys
from pathlib import Path

import mapbox_vector_tile
import osmium
import pytest

from app.basemap.archive import describe, open_reader, read_stamp
from app.basemap.build import BuildError, build
from app.basemap.layers import LAYERS
from simulator.world.maps import bundled_map
from simulator.world.synthetic import ONEWAY_STREET, write_grid_town

ROOT = Path(__file__).resolve().parents[2]
ALEKSANTERINKATU = (60.16935, 24.9470)  # a street in the middle of the bundled extract


@pytest.fixture(scope="session")
def helsinki_build(tmp_path_factory):
    """A fresh build of the bundled extract (the pages' copy is reused, this one is not)."""
    out = tmp_path_factory.mktemp("helsinki") / "helsinki.pmtiles"
    return build(bundled_map(), out, force=True)


@pytest.fixture(scope="session")
def helsinki(helsinki_build):
    return helsinki_build.path


def test_helsinki_builds_every_layer(helsinki_build):
    assert not helsinki_build.reused
    assert all(helsinki_build.counts[layer] > 0 for layer in LAYERS), helsinki_build.counts
    assert helsinki_build.size < 1_000_000  # a quarter of a megabyte for central Helsinki


@pytest.fixture(scope="session")
def grid_town(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("town")
    extract = write_grid_town(tmp / "town.osm.pbf", size=5)
    return extract, build(extract, tmp / "town.pmtiles")


def tile_at(lat: float, lon: float, z: int) -> tuple[int, int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def read_tile(path, z, x, y) -> dict:
    f, reader = open_reader(path)
    with f:
        data = reader.get(z, x, y)
    assert data is not None, f"no tile {z}/{x}/{y}"
    return mapbox_vector_tile.decode(gzip.decompress(data))


def names(tile: dict, layer: str, prop: str = "name") -> set[str]:
    return {f["properties"].get(prop) for f in tile.get(layer, {}).get("features", [])} - {None}


def test_helsinki_street_names_and_layers_at_zoom_16(helsinki):
    tile = read_tile(helsinki, *tile_at(*ALEKSANTERINKATU, 16))
    assert "Aleksanterinkatu" in names(tile, "roads")
    assert {"roads", "buildings", "addresses", "railways"} <= tile.keys()
    kinds = {f["properties"]["kind"] for f in tile["roads"]["features"]}
    assert {"major", "minor", "path"} <= kinds
    assert names(tile, "addresses", "housenumber")  # house numbers to find the door


def test_street_names_stand_as_points_where_a_phone_first_opens(helsinki):
    """Zoom 13-14 (data 12-13) is where a route or fleet opens on a phone; names along streets
    rarely fit there, so each street's name is also a point at its middle, for those zooms only."""
    near = {z: names(read_tile(helsinki, *tile_at(*ALEKSANTERINKATU, z)), "street_names")
            for z in (12, 13, 14, 16)}
    assert {"Eteläesplanadi", "Bulevardi"} <= near[13], near[13]
    assert len(near[12]) >= 20 and len(near[13]) >= 20
    assert near[14] == near[16] == set()  # from zoom 15 names run along the streets


def test_helsinki_small_streets_leave_the_low_zooms(helsinki):
    tile = read_tile(helsinki, *tile_at(*ALEKSANTERINKATU, 12))
    kinds = {f["properties"]["kind"] for f in tile["roads"]["features"]}
    assert "major" in kinds and not kinds & {"path", "service"}
    assert "buildings" not in tile and "addresses" not in tile
    assert names(tile, "places")  # district names label the city view


def test_helsinki_header_bounds_hold_the_extract(helsinki):
    about = describe(helsinki)
    (south, west), (north, east) = about["bounds"]
    assert south < ALEKSANTERINKATU[0] < north and west < ALEKSANTERINKATU[1] < east
    assert (about["minzoom"], about["maxzoom"]) == (10, 16)
    f, reader = open_reader(helsinki)
    with f:
        assert "OpenStreetMap" in reader.metadata()["attribution"]


def test_a_second_extract_builds_and_reads_back(grid_town):
    extract, built = grid_town
    assert built.counts["roads"] == 10 and built.counts["addresses"] == 16
    about = describe(built.path)
    (south, west), (north, east) = about["bounds"]
    tile = read_tile(built.path, *tile_at((south + north) / 2, (west + east) / 2, 16))
    assert ONEWAY_STREET in names(tile, "roads")
    assert names(tile, "addresses", "housenumber")


def test_an_unchanged_extract_is_reused_and_a_changed_one_rebuilt(grid_town, tmp_path):
    extract, built = grid_town
    again = build(extract, built.path)
    assert again.reused and read_stamp(built.path)["source"] == "town.osm.pbf"
    changed = write_grid_town(tmp_path / "town.osm.pbf", size=3)
    rebuilt = build(changed, built.path)
    assert not rebuilt.reused and rebuilt.counts["roads"] == 6


def test_bad_extracts_are_one_line_errors(tmp_path):
    with pytest.raises(BuildError, match="no such map file"):
        build(tmp_path / "missing.osm.pbf", tmp_path / "x.pmtiles")
    corrupt = tmp_path / "corrupt.osm.pbf"
    corrupt.write_bytes(b"not a map at all")
    with pytest.raises(BuildError, match="cannot read corrupt.osm.pbf"):
        build(corrupt, tmp_path / "x.pmtiles")
    empty = tmp_path / "empty.osm.pbf"
    with osmium.SimpleWriter(str(empty)) as w:
        w.add_node(osmium.osm.mutable.Node(id=1, location=(24.9, 60.2), tags={"note": "x"}))
    with pytest.raises(BuildError, match="no streets"):
        build(empty, tmp_path / "x.pmtiles")
    assert not (tmp_path / "x.pmtiles").exists()


def test_the_command_builds_reuses_and_fails_in_one_line(grid_town, tmp_path):
    extract, _ = grid_town
    out = tmp_path / "cli.pmtiles"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "app", "basemap", "build", *args],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)

    first = run("--map", str(extract), "--out", str(out))
    assert first.returncode == 0 and "built" in first.stdout and out.is_file()
    again = run("--map", str(extract), "--out", str(out))
    assert again.returncode == 0 and "up to date" in again.stdout
    bad = run("--map", str(tmp_path / "missing.osm.pbf"))
    assert bad.returncode == 1 and bad.stderr.strip().count("\n") == 0
    assert "no such map file" in bad.stderr and "Traceback" not in bad.stderr


def inside(bounds, lat: float, lon: float) -> bool:
    (s, w), (n, e) = bounds
    return s <= lat <= n and w <= lon <= e


def test_the_archive_holds_every_stop_the_demo_can_deliver_to(helsinki):
    """The demo delivers to the extract's addresses; one (Kalevankatu 21) lies on the extract's
    west edge, just outside the box of the features tippecanoe kept (rounded to 6 decimals), and
    the pages called a route with it "outside the map"."""
    from simulator.world.maps import load_map

    city = load_map(bundled_map())
    bounds = describe(helsinki)["bounds"]
    station = city.station()
    assert inside(bounds, station.lat, station.lon)
    outside = [a.label for a in city.addresses if not inside(bounds, a.lat, a.lon)]
    assert outside == []


def test_a_second_extract_is_held_whole_by_its_archive(tmp_path):
    import pyrosm

    from simulator.world.maps import load_map

    kotka = Path(pyrosm.__file__).parent / "data" / "test.osm.pbf"
    if not kotka.is_file():
        pytest.skip("pyrosm's test extract is missing")
    built = build(kotka, tmp_path / "kotka.pmtiles")
    bounds = describe(built.path)["bounds"]
    box = osmium.FileProcessor(str(kotka)).header.box()
    corners = [(box.bottom_left.lat, box.bottom_left.lon), (box.top_right.lat, box.top_right.lon)]
    assert all(inside(bounds, lat, lon) for lat, lon in corners), (bounds, corners)
    city = load_map(kotka)
    assert all(inside(bounds, a.lat, a.lon) for a in city.addresses)
    assert built.counts["roads"] > 0 and built.counts["addresses"] > 0, built.counts
