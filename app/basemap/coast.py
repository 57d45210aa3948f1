"""The sea: water polygons made from the extract's coastline ways.

OSM maps no sea, only its edge: `natural=coastline` ways, drawn with the land on their left and
the water on their right. An extract cut from a city holds pieces of them, cut where they leave
its box. The pieces are joined end to end, their cut ends carried out to the box's edge, and the
box is divided along them; each part is water or land by the side of the coastline it lies on.
Closed rings are islands (land inside). An extract without coastline gets no sea.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import polygonize

Coord = tuple[float, float]
Bounds = tuple[float, float, float, float]  # west, south, east, north


@dataclass
class Run:
    """Consecutive located nodes of coastline ways; `cut_*`: the next node lies outside the
    extract (its location is missing), so the coast goes on past the box's edge there."""

    refs: list[int]
    coords: list[Coord]
    cut_start: bool = False
    cut_end: bool = False


@dataclass
class Coast:
    """Coastline ways, collected while the extract is read (see layers.read_layers)."""

    runs: list[Run] = field(default_factory=list)

    def add(self, nodes) -> None:
        """Keep a way's located nodes, split where the extract dropped the ones outside it."""
        run: Run | None = None
        for i, node in enumerate(nodes):
            if not node.location.valid():
                if run is not None:
                    run.cut_end = True
                    self._keep(run)
                    run = None
                continue
            if run is None:
                run = Run([], [], cut_start=i > 0)  # the node before it is missing
            run.refs.append(node.ref)
            run.coords.append((node.lon, node.lat))
        if run is not None:
            self._keep(run)

    def _keep(self, run: Run) -> None:
        if len(run.coords) > 1:
            self.runs.append(run)

    def sea(self, bounds: Bounds) -> list[Polygon]:
        """The water inside `bounds`, as polygons (none without coastline)."""
        if not self.runs:
            return []
        frame = box(*bounds)
        lines = [_reach_edge(run, frame) for run in _join(self.runs)]
        lines = [line for line in lines if line is not None]
        if not lines:
            return []
        edges = {edge for line in lines for edge in zip(line[:-1], line[1:], strict=True)}
        noded = shapely.unary_union([frame.exterior, *(LineString(line) for line in lines)])
        water = []
        for face in polygonize(noded.geoms if hasattr(noded, "geoms") else [noded]):
            if not frame.contains(face.representative_point()):
                continue  # a ring or an overshoot outside the box
            if _is_water(orient(face, 1.0), edges, lines):
                water.append(face)
        return water


def _join(runs: list[Run]) -> list[Run]:
    """Chain runs whose end node starts another (coastline keeps its direction, so never
    reversed, unlike street pieces)."""
    starts = {run.refs[0]: i for i, run in enumerate(runs)}
    ends = {run.refs[-1]: i for i, run in enumerate(runs)}
    used = [False] * len(runs)
    joined = []
    for i, run in enumerate(runs):
        if used[i]:
            continue
        used[i] = True
        line = Run(list(run.refs), list(run.coords), run.cut_start, run.cut_end)
        while (j := starts.get(line.refs[-1])) is not None and not used[j]:
            used[j] = True
            line.refs += runs[j].refs[1:]
            line.coords += runs[j].coords[1:]
            line.cut_end = runs[j].cut_end
        while (j := ends.get(line.refs[0])) is not None and not used[j]:
            used[j] = True
            line.refs[:0] = runs[j].refs[:-1]
            line.coords[:0] = runs[j].coords[:-1]
            line.cut_start = runs[j].cut_start
        joined.append(line)
    return joined


def _reach_edge(run: Run, frame: Polygon) -> list[Coord] | None:
    """The run's coordinates with each cut end carried straight past the nearest edge of the
    box (the missing node lies beyond it). A ring is kept as it is. A run that simply stops
    inside the box is broken coastline: which side is sea cannot be told, so it is left out."""
    coords = run.coords
    if run.refs[0] == run.refs[-1]:
        return coords
    start, end = coords[0], coords[-1]
    if _inside(start, frame):
        if not run.cut_start:
            return None
        coords = [_past_edge(start, frame), *coords]
    if _inside(end, frame):
        if not run.cut_end:
            return None
        coords = [*coords, _past_edge(end, frame)]
    return coords


def _inside(point: Coord, frame: Polygon) -> bool:
    return frame.contains(Point(point))


def _past_edge(point: Coord, frame: Polygon) -> Coord:
    west, south, east, north = frame.bounds
    lon, lat = point
    margin = max(east - west, north - south) * 0.01
    gaps = {
        (west - margin, lat): lon - west,
        (east + margin, lat): east - lon,
        (lon, south - margin): lat - south,
        (lon, north + margin): north - lat,
    }
    return min(gaps, key=gaps.get)


def _is_water(face: Polygon, edges: set[tuple[Coord, Coord]], lines: list[list[Coord]]) -> bool:
    """A face oriented counter-clockwise has its inside on the left of every ring. Where a
    ring runs along the coastline the same way, the face is on the coast's left: land."""
    land = water = 0
    for ring in (face.exterior, *face.interiors):
        points = list(ring.coords)
        for p, q in zip(points[:-1], points[1:], strict=True):
            if (p, q) in edges:
                land += 1
            elif (q, p) in edges:
                water += 1
    if land or water:
        return water > land
    return _right_of_nearest(face.representative_point(), lines)


def _right_of_nearest(point: Point, lines: list[list[Coord]]) -> bool:
    """Fallback for a face no coastline vertex bounds (a coast that only clips a corner):
    is the point on the right of the nearest coastline segment?"""
    best, right = float("inf"), False
    for line in lines:
        for a, b in zip(line[:-1], line[1:], strict=True):
            segment = LineString([a, b])
            gap = segment.distance(point)
            if gap < best:
                cross = (b[0] - a[0]) * (point.y - a[1]) - (b[1] - a[1]) * (point.x - a[0])
                best, right = gap, cross < 0
    return right
