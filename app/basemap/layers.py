"""The map's layers, read from an OSM extract with pyosmium: one GeoJSON feature per OSM object.

Each feature carries only what the quiet style draws (a kind, a name, a house number) and the zoom
from which tippecanoe keeps it, so a whole city's tiles stay small at low zoom.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import osmium
import shapely
from osmium.geom import GeoJSONFactory

from app.basemap import streets
from app.basemap.coast import Coast
from app.basemap.places import AreaName, house_label

LAYERS = ("water", "parks", "buildings", "railways", "roads", "street_names", "addresses",
          "places")

ROAD_KINDS = {
    "major": {"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
              "secondary", "secondary_link"},
    "minor": {"tertiary", "tertiary_link", "residential", "unclassified", "living_street",
              "road"},
    "service": {"service"},
    "path": {"pedestrian", "footway", "cycleway", "path", "steps", "track", "bridleway"},
}
ROAD_KIND = {hw: kind for kind, values in ROAD_KINDS.items() for hw in values}
# Smaller streets appear as the map zooms in: a delivery map is read at street zoom.
ROAD_MINZOOM = {"major": 0, "minor": 12, "service": 14, "path": 14}
# A street's name as a point in the data of zooms 12-13 (the pages draw zooms 13-14 with them,
# tiles being read one zoom below): there a block is 30 px and a name along the street rarely
# fits, so a phone opening on a whole route saw no street names. Streets shorter than this get
# none (stubs, slip roads).
NAME_POINT_ZOOMS = (12, 13)
NAME_POINT_MIN_M = 120
RAIL_KINDS = {"rail", "light_rail", "subway", "tram", "narrow_gauge"}
PARK_TAGS = {("leisure", "park"), ("leisure", "garden"), ("leisure", "playground"),
             ("landuse", "grass"), ("landuse", "forest"), ("landuse", "recreation_ground"),
             ("landuse", "cemetery"), ("natural", "wood"), ("natural", "scrub"),
             ("natural", "heath")}
WATER_TAGS = {("natural", "water"), ("waterway", "riverbank"), ("landuse", "basin"),
              ("landuse", "reservoir")}
PLACE_KINDS = {"city", "town", "suburb", "quarter", "neighbourhood", "village", "hamlet",
               "square"}


class Feature(NamedTuple):
    layer: str
    geometry: str  # GeoJSON text from pyosmium, written as it is (parsing it costs more than OSM)
    properties: dict
    minzoom: int
    maxzoom: int | None = None

    def json(self) -> str:
        upto = f',"maxzoom":{self.maxzoom}' if self.maxzoom is not None else ""
        return (f'{{"type":"Feature","geometry":{self.geometry},"properties":'
                f'{json.dumps(self.properties, separators=(",", ":"))},'
                f'"tippecanoe":{{"layer":"{self.layer}","minzoom":{self.minzoom}{upto}}}}}')


def feature(layer: str, geometry: str, props: dict, minzoom: int = 0,
            maxzoom: int | None = None) -> Feature:
    return Feature(layer, geometry, props, minzoom, maxzoom)


def _named(props: dict, tags) -> dict:
    name = tags.get("name")
    return props | {"name": name} if name else props


def _way(w, geo: GeoJSONFactory, named: dict, coast: Coast) -> Iterator[Feature]:
    tags = w.tags
    if tags.get("natural") == "coastline":
        coast.add(w.nodes)  # the sea is made from all of them at the end (coast.py)
    highway = tags.get("highway")
    if highway in ROAD_KIND and tags.get("area") != "yes":
        kind = ROAD_KIND[highway]
        tunnel = int(tags.get("tunnel") not in (None, "no"))
        if "name" in tags:  # joined with the street's other ways at the end (streets.py)
            piece = [(n.ref, (n.lon, n.lat)) for n in w.nodes]
            if len(piece) > 1:
                named.setdefault((tags["name"], kind, tunnel), []).append(piece)
        else:
            props = {"kind": kind, "tunnel": 1} if tunnel else {"kind": kind}
            yield feature("roads", geo.create_linestring(w), props, ROAD_MINZOOM[kind])
    railway = tags.get("railway")
    if railway in RAIL_KINDS and tags.get("tunnel") in (None, "no"):
        yield feature("railways", geo.create_linestring(w), {"kind": railway}, 12)
    if tags.get("waterway") in ("river", "stream", "canal"):
        yield feature("water", geo.create_linestring(w),
                      _named({"kind": tags["waterway"]}, tags), 12)


def _area(a, geo: GeoJSONFactory) -> Iterator[Feature]:
    tags = a.tags
    pairs = {(k, tags[k]) for k in ("natural", "waterway", "landuse", "leisure") if k in tags}
    if pairs & WATER_TAGS:
        yield feature("water", geo.create_multipolygon(a), _named({"kind": "water"}, tags))
    elif pairs & PARK_TAGS:
        yield feature("parks", geo.create_multipolygon(a), _named({"kind": "park"}, tags), 11)
    if "building" in tags:
        geometry = geo.create_multipolygon(a)
        yield feature("buildings", geometry, {}, 14)
        address = _address(tags)
        if address:
            yield feature("addresses", json.dumps(_label_point(json.loads(geometry))),
                          address, 16)


def _label_point(multipolygon: dict) -> dict:
    """The mean of the first outer ring: inside nearly every building, cheap, and stable."""
    ring = multipolygon["coordinates"][0][0][:-1]
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring)
    return {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}


def _node(n, geo: GeoJSONFactory, area: AreaName) -> Iterator[Feature]:
    tags = n.tags
    place = tags.get("place")
    if place in PLACE_KINDS and "name" in tags:
        area.offer(place, tags["name"], tags.get("population"))
        yield feature("places", geo.create_point(n), {"kind": place, "name": tags["name"]}, 10)
    address = _address(tags)
    if address:
        yield feature("addresses", geo.create_point(n), address, 16)


def _address(tags) -> dict | None:
    """{housenumber, street} with the number as its label reads ("12 A 3" -> "12A"), or None."""
    number = house_label(tags.get("addr:housenumber") or "")
    if number is None:
        return None
    props = {"housenumber": number}
    return props | {"street": tags["addr:street"]} if "addr:street" in tags else props


def read_layers(extract: Path, area: AreaName | None = None) -> Iterator[Feature]:
    """Every feature of the extract, in file order; `area` learns the extract's main place."""
    geo = GeoJSONFactory()
    area = area if area is not None else AreaName()
    named: dict[tuple[str, str, int], list[streets.Piece]] = {}
    coast = Coast()
    processor = osmium.FileProcessor(str(extract)).with_locations().with_areas()
    for obj in processor:
        try:
            if obj.is_node():
                yield from _node(obj, geo, area)
            elif obj.is_way():
                yield from _way(obj, geo, named, coast)
            elif obj.is_area():
                yield from _area(obj, geo)
        except osmium.InvalidLocationError:
            continue  # a way cut by the extract's edge: its missing nodes have no location
        except RuntimeError:
            continue  # pyosmium: a broken ring or a way of one node; drop that object only
    for (name, kind, tunnel), pieces in named.items():
        props = {"kind": kind, "name": name} | ({"tunnel": 1} if tunnel else {})
        for line in streets.merge(pieces):
            yield feature("roads", streets.geojson(line), props, ROAD_MINZOOM[kind])
            if kind in ("major", "minor") and not tunnel:
                metres, (lon, lat) = streets.length_and_middle(line)
                if metres >= NAME_POINT_MIN_M:
                    point = {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
                    yield feature("street_names", json.dumps(point),
                                  {"kind": kind, "name": name}, *NAME_POINT_ZOOMS)
    if coast.runs:
        for polygon in coast.sea(extract_box(extract, processor)):
            yield feature("water", shapely.to_geojson(polygon), {"kind": "sea"})


def extract_box(extract: Path,
                processor: osmium.FileProcessor | None = None) -> tuple[float, ...]:
    """(west, south, east, north): the box the extract was cut to (its header), else the box
    around its nodes."""
    processor = processor or osmium.FileProcessor(str(extract))
    header = processor.header.box()
    if header.valid():
        return (header.bottom_left.lon, header.bottom_left.lat,
                header.top_right.lon, header.top_right.lat)
    lons, lats = [], []
    for node in osmium.FileProcessor(str(extract), osmium.osm.NODE):
        lons.append(node.lon)
        lats.append(node.lat)
    return min(lons), min(lats), max(lons), max(lats)


def write_layers(extract: Path, out: Path, area: AreaName | None = None) -> dict[str, int]:
    """Write newline-delimited GeoJSON for tippecanoe; answer the count per layer."""
    counts = dict.fromkeys(LAYERS, 0)
    seen_addresses: set[tuple[str, str]] = set()
    with out.open("w") as f:
        for feat in read_layers(extract, area):
            layer, props = feat.layer, feat.properties
            if layer == "addresses" and "street" in props:
                # A building and its entrances often carry the same address: one label each.
                key = (props.pop("street"), props["housenumber"])
                if key in seen_addresses:
                    continue
                seen_addresses.add(key)
            counts[layer] += 1
            f.write(feat.json())
            f.write("\n")
    return counts
