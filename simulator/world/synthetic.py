"""Write a small synthetic grid town as .osm.pbf: a second map for tests and benchmarks.

Streets run on a square grid; one street is one-way, every block has addressed buildings.
"""

from __future__ import annotations

from pathlib import Path

import osmium

ONEWAY_STREET = "Yksisuuntainen"


def write_grid_town(path: Path, size: int = 6, spacing_m: float = 120.0,
                    origin: tuple[float, float] = (60.20, 24.90),
                    footways_only: bool = False) -> Path:
    """Create the town; with footways_only there is nothing a van may drive on."""
    lat0, lon0 = origin
    dlat = spacing_m / 111_320.0
    dlon = spacing_m / (111_320.0 * 0.5)  # cos(60 deg) = 0.5

    def node_id(i: int, j: int) -> int:
        return 1 + i * size + j

    with osmium.SimpleWriter(str(path)) as w:
        for i in range(size):
            for j in range(size):
                w.add_node(osmium.osm.mutable.Node(
                    id=node_id(i, j), location=(lon0 + j * dlon, lat0 + i * dlat)))
        way_id = 1
        highway = "footway" if footways_only else "residential"
        for i in range(size):  # east-west streets; street 2 is one-way eastbound
            tags = {"highway": highway, "name": f"Katu {i}"}
            if i == 2 and not footways_only:
                tags |= {"oneway": "yes", "name": ONEWAY_STREET}
            w.add_way(osmium.osm.mutable.Way(
                id=way_id, nodes=[node_id(i, j) for j in range(size)], tags=tags))
            way_id += 1
        for j in range(size):
            w.add_way(osmium.osm.mutable.Way(
                id=way_id, nodes=[node_id(i, j) for i in range(size)],
                tags={"highway": highway, "name": f"Tie {j}"}))
            way_id += 1
        nid = 10_000
        for i in range(size - 1):  # an addressed building node in every block
            for j in range(size - 1):
                nid += 1
                loc = (lon0 + (j + 0.5) * dlon, lat0 + (i + 0.3) * dlat)
                w.add_node(osmium.osm.mutable.Node(id=nid, location=loc, tags={
                    "building": "yes", "addr:street": f"Katu {i}",
                    "addr:housenumber": str(j + 1)}))
    return path
