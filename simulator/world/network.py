"""A mode's street graph: CSR matrix for scipy Dijkstra, node coordinates, snapping, paths.

Edges are weighted by travel time at the street's speed (plus a traffic light's expected wait
for motor vehicles), not by length: weighted by length, vans took 5 km/h courtyard ways as
short cuts and crawled (issue 22).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from simulator.errors import SimulatorError
from simulator.world.geo import LocalProjection, haversine_m
from simulator.world.modes import DRIVING
from simulator.world.osm_reader import OsmExtract
from simulator.world.routes import Routes, TurnGraph, walk_back

LIGHT_COST_S = 15.0  # expected wait at a traffic light, for routing (half of them red, ~30 s)
# Ways a station or a parking place is never snapped to: courtyards, driveways, parking aisles
# and living streets (walking pace), which on real maps lead a van into blocks it must crawl out of.
NOT_A_KERB = {"service", "living_street", "track", "pedestrian", "footway", "path", "cycleway"}


@dataclass(frozen=True)
class EdgeInfo:
    length_m: float
    cap_ms: float
    highway: str
    underground: bool = False  # a tunnel: no GPS fix there (modes.underground)


class Network:
    """The largest strongly connected component of one mode's directed street graph."""

    def __init__(self, mode: str, extract: OsmExtract) -> None:
        self.mode = mode
        best: dict[tuple[int, int], EdgeInfo] = {}
        for a, b, cap, hw, below in extract.edges[mode]:
            if a == b:
                continue
            (la, lo), (lb, lob) = extract.coords[a], extract.coords[b]
            info = EdgeInfo(haversine_m(la, lo, lb, lob), cap, hw, below)
            old = best.get((a, b))
            # csr_matrix would sum parallel edges; keep the quickest instead.
            if old is None or info.length_m / info.cap_ms < old.length_m / old.cap_ms:
                best[(a, b)] = info
        if not best:
            raise SimulatorError(f"the map has no usable streets for {mode}")
        osm_ids = sorted({n for pair in best for n in pair})
        index = {osm: i for i, osm in enumerate(osm_ids)}
        rows = np.array([index[a] for a, _ in best])
        cols = np.array([index[b] for _, b in best])
        weights = np.array([e.length_m for e in best.values()])
        full = csr_matrix((weights, (rows, cols)), shape=(len(osm_ids), len(osm_ids)))
        _, labels = connected_components(full, directed=True, connection="strong")
        keep = np.flatnonzero(labels == np.bincount(labels).argmax())
        if len(keep) < 2:
            raise SimulatorError(f"the map has no connected streets for {mode}")
        self.osm_ids = [osm_ids[i] for i in keep]
        renum = {osm: i for i, osm in enumerate(self.osm_ids)}
        self.lat = np.array([extract.coords[o][0] for o in self.osm_ids])
        self.lon = np.array([extract.coords[o][1] for o in self.osm_ids])
        self.edges: dict[tuple[int, int], EdgeInfo] = {
            (renum[a], renum[b]): e for (a, b), e in best.items() if a in renum and b in renum
        }
        self.signal = np.array([o in extract.signals for o in self.osm_ids], dtype=bool)
        r = np.array([a for a, _ in self.edges])
        c = np.array([b for _, b in self.edges])
        light = LIGHT_COST_S if mode == DRIVING else 0.0
        w = np.array([e.length_m / e.cap_ms + (light if self.signal[b] else 0.0)
                      for (_, b), e in self.edges.items()])
        n = len(self.osm_ids)
        self.graph = csr_matrix((w, (r, c)), shape=(n, n))
        lengths = np.array([e.length_m for e in self.edges.values()])
        self.length_graph = csr_matrix((lengths, (r, c)), shape=(n, n))
        # Motor vehicles pay for turns (world/routes.py); others turn for free.
        self.turns = TurnGraph(list(self.edges), w, self.lat, self.lon) if mode == DRIVING \
            else None
        self.projection = LocalProjection(float(self.lat.mean()), float(self.lon.mean()))
        # A point is snapped to the open air, never to a node inside a tunnel (an underground
        # passage beneath an address is not where its door is, and has no GPS).
        above = sorted({i for (a, b), e in self.edges.items() if not e.underground
                        for i in (a, b)})
        self._above = np.array(above or range(n))
        self._tree = cKDTree(np.column_stack(self._xy(self.lat[self._above],
                                                      self.lon[self._above])))
        kerb = sorted({i for (a, b), e in self.edges.items() if _base(e.highway) not in NOT_A_KERB
                       and not e.underground for i in (a, b)})
        self._kerb = np.array(kerb or range(n))
        self._kerb_tree = cKDTree(np.column_stack(self._xy(self.lat[self._kerb],
                                                           self.lon[self._kerb])))

    def _xy(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self.projection
        return (lon - p.lon0) * p.kx, (lat - p.lat0) * p.ky

    @property
    def size(self) -> int:
        return len(self.osm_ids)

    def snap(self, lat: float, lon: float) -> int:
        """Return the nearest graph node to a point, outside tunnels."""
        _, i = self._tree.query(self._xy(np.array(lat), np.array(lon)))
        return int(self._above[int(i)])

    def snap_kerb(self, lat: float, lon: float) -> int:
        """Return the nearest node on a real street (never a courtyard or service way).

        A map with no such street falls back to any node.
        """
        _, i = self._kerb_tree.query(self._xy(np.array(lat), np.array(lon)))
        return int(self._kerb[int(i)])

    def point(self, node: int) -> tuple[float, float]:
        return float(self.lat[node]), float(self.lon[node])

    def routes(self, nodes: list[int]) -> Routes:
        """Travel times among `nodes` and the paths between them (what the simulator drives)."""
        return Routes(self.graph, nodes, self.turns)

    def shortest(self, sources: list[int],
                 limit: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
        """Return (metres, predecessors) by the shortest way from each source to every node
        within `limit` metres (app/planning sizes its blocks in metres; see `path_from`)."""
        return dijkstra(self.length_graph, directed=True, indices=sources,
                        return_predecessors=True, limit=limit)


def _base(highway: str) -> str:
    return highway[:-5] if highway.endswith("_link") else highway


def path_from(pred_row: np.ndarray, source: int, target: int) -> list[int]:
    """Walk a `shortest` predecessor row back from target to source."""
    return walk_back(pred_row, source, target)
