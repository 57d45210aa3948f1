"""The sea, made from coastline ways: water where OSM's coast has it, land where it does not."""

from __future__ import annotations

import gzip
import json

import mapbox_vector_tile
import osmium
import pytest
from shapely.geometry import Point, shape

from app.basemap.archive import open_reader
from app.basemap.build import build
from app.basemap.layers import read_layers
from simulator.world.maps import bundled_map
from simulator.world.synthetic import write_grid_town
from tests.unit.test_basemap_build import ALEKSANTERINKATU, tile_at

# In the bundled extract (24.935-24.953 E, 60.164-60.179 N): the South Harbour lies just east
# of it, so these are the sea it holds: Kaisaniemenlahti bay and the basin off the Market Square.
KAISANIEMENLAHTI = (60.1785, 24.9425)
MARKET_SQUARE_BASIN = (60.1671, 24.9533)
SILTASAARI = (60.17816, 24.94974)  # the district across the bay: land

# The synthetic coast town: a box with the mainland north of a coast running west to east (land
# on its left), an island out in the sea to the south.
WEST, SOUTH, EAST, NORTH = 24.90, 60.20, 24.92, 60.21
MAINLAND, SEA, ISLAND = (60.208, 24.91), (60.2015, 24.903), (60.2025, 24.915)


def write_coast_town(path, reverse_island: bool = False):
    """Two joined coastline ways: the first starts at a node the extract does not hold (cut at
    the west edge), the second runs on past the east edge. A closed ring is the island."""
    header = osmium.io.Header()
    header.add_box(
        osmium.osm.Box(osmium.osm.Location(WEST, SOUTH), osmium.osm.Location(EAST, NORTH))
    )
    coast = [
        (24.901, 60.2051),
        (24.906, 60.2049),
        (24.910, 60.2052),
        (24.915, 60.2048),
        (24.925, 60.2050),
    ]
    island = [(24.913, 60.2020), (24.917, 60.2020), (24.917, 60.2030), (24.913, 60.2030)]
    if reverse_island:
        island.reverse()
    with osmium.SimpleWriter(str(path), header=header) as w:
        for i, loc in enumerate(coast, start=1):
            w.add_node(osmium.osm.mutable.Node(id=i, location=loc))
        for i, loc in enumerate(island, start=101):
            w.add_node(osmium.osm.mutable.Node(id=i, location=loc))
        street = [(24.902, 60.208), (24.918, 60.208)]
        for i, loc in enumerate(street, start=201):
            w.add_node(osmium.osm.mutable.Node(id=i, location=loc))
        # node 999 (west of the box) is left out, as an extract drops what lies outside it
        w.add_way(osmium.osm.mutable.Way(id=1, nodes=[999, 1, 2, 3], tags={"natural": "coastline"}))
        w.add_way(osmium.osm.mutable.Way(id=2, nodes=[3, 4, 5], tags={"natural": "coastline"}))
        w.add_way(
            osmium.osm.mutable.Way(
                id=3,
                nodes=[101, 102, 103, 104, 101],
                tags={"natural": "coastline", "place": "islet"},
            )
        )
        w.add_way(
            osmium.osm.mutable.Way(
                id=4, nodes=[201, 202], tags={"highway": "residential", "name": "Rantatie"}
            )
        )
    return path


def sea_of(extract) -> list:
    return [
        shape(json.loads(f.geometry))
        for f in read_layers(extract)
        if f.layer == "water" and f.properties.get("kind") == "sea"
    ]


def wet(sea, lat_lon) -> bool:
    lat, lon = lat_lon
    return any(polygon.contains(Point(lon, lat)) for polygon in sea)


def test_helsinki_bays_are_sea_and_its_streets_are_not():
    sea = sea_of(bundled_map())
    assert wet(sea, KAISANIEMENLAHTI) and wet(sea, MARKET_SQUARE_BASIN)
    assert not wet(sea, ALEKSANTERINKATU) and not wet(sea, SILTASAARI)


def test_a_coast_open_at_the_edges_and_an_island(tmp_path):
    sea = sea_of(write_coast_town(tmp_path / "coast.osm.pbf"))
    assert wet(sea, SEA)
    assert not wet(sea, MAINLAND) and not wet(sea, ISLAND)
    (west, south, east, north) = (
        min(p.bounds[0] for p in sea),
        min(p.bounds[1] for p in sea),
        max(p.bounds[2] for p in sea),
        max(p.bounds[3] for p in sea),
    )
    assert (west, south, east) == (WEST, SOUTH, EAST) and north < 60.2053  # clipped to the box


def test_a_ring_drawn_clockwise_is_water_inside_land(tmp_path):
    """The side rule, not a guess: the same ring turned round holds water, and the coast's
    right-hand side stays sea."""
    sea = sea_of(write_coast_town(tmp_path / "coast.osm.pbf", reverse_island=True))
    assert wet(sea, ISLAND) and not wet(sea, MAINLAND)


def test_an_extract_without_coastline_gets_no_sea(tmp_path):
    assert sea_of(write_grid_town(tmp_path / "town.osm.pbf", size=3)) == []


def sea_in_tile(path, lat_lon, z) -> bool:
    """Is the point inside a sea polygon of the archive's tile at zoom z (pmtiles reader)?"""
    z, x, y = tile_at(*lat_lon, z)
    f, reader = open_reader(path)
    with f:
        tile = mapbox_vector_tile.decode(
            gzip.decompress(reader.get(z, x, y)), default_options={"y_coord_down": True}
        )
    lat, lon = lat_lon
    px, py = tile_at(lat, lon, z + 12)[1:]  # the point in the tile's 4096 units
    point = Point(px - x * 4096, py - y * 4096)
    return any(
        f["properties"].get("kind") == "sea" and shape(f["geometry"]).contains(point)
        for f in tile.get("water", {}).get("features", [])
    )


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory):
    return build(bundled_map(), tmp_path_factory.mktemp("sea") / "helsinki.pmtiles").path


@pytest.mark.parametrize("z", [14, 15, 16])
def test_the_archive_draws_the_sea_at_street_zoom(helsinki, z):
    assert sea_in_tile(helsinki, KAISANIEMENLAHTI, z)
    assert sea_in_tile(helsinki, MARKET_SQUARE_BASIN, z)
    assert not sea_in_tile(helsinki, ALEKSANTERINKATU, z)


def test_the_coast_town_archive_has_sea_round_its_island(tmp_path):
    built = build(write_coast_town(tmp_path / "coast.osm.pbf"), tmp_path / "coast.pmtiles")
    assert built.counts["water"] == 1
    assert sea_in_tile(built.path, SEA, 15)
    assert not sea_in_tile(built.path, ISLAND, 15) and not sea_in_tile(built.path, MAINLAND, 15)
