"""Join a street's OSM ways into long lines, so its name fits along it.

OSM splits a street into a way at every change of tags (lanes, speed, a bridge), often every
block; a label that is longer than each piece would never be drawn. Pieces of one name and class
that share an end node become one line.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict

# One OSM way: (node id, (lon, lat)) in order.
Piece = list[tuple[int, tuple[float, float]]]


def merge(pieces: list[Piece]) -> list[Piece]:
    """Chain pieces end to end (either direction); a fork keeps its branches as separate lines."""
    ends: dict[int, list[int]] = defaultdict(list)
    for i, piece in enumerate(pieces):
        ends[piece[0][0]].append(i)
        ends[piece[-1][0]].append(i)
    used = [False] * len(pieces)
    lines = []
    for i, piece in enumerate(pieces):
        if used[i]:
            continue
        used[i] = True
        line = list(piece)
        _extend(line, pieces, ends, used, forward=True)
        _extend(line, pieces, ends, used, forward=False)
        lines.append(line)
    return lines


def _extend(line: Piece, pieces: list[Piece], ends, used: list[bool], forward: bool) -> None:
    while True:
        end = line[-1][0] if forward else line[0][0]
        nxt = next((j for j in ends[end] if not used[j]), None)
        if nxt is None:
            return
        used[nxt] = True
        piece = pieces[nxt]
        if forward:
            line.extend((piece if piece[0][0] == end else piece[::-1])[1:])
        else:
            line[:0] = (piece if piece[-1][0] == end else piece[::-1])[:-1]


def geojson(line: Piece) -> str:
    return json.dumps({"type": "LineString",
                       "coordinates": [[round(lon, 7), round(lat, 7)] for _, (lon, lat) in line]},
                      separators=(",", ":"))


def length_and_middle(line: Piece) -> tuple[float, tuple[float, float]]:
    """(length in metres, the point halfway along): where a street's name stands when the map is
    zoomed out too far for the name to fit along the street (layers.py: street_names)."""
    pts = [p for _, p in line]
    k = math.cos(math.radians(pts[0][1]))
    legs = list(itertools.pairwise(pts))
    steps = [math.hypot((b[0] - a[0]) * k, b[1] - a[1]) * 111_320 for a, b in legs]
    total = sum(steps)
    half = total / 2
    for (a, b), step in zip(legs, steps, strict=True):
        if step and half <= step:
            t = half / step
            return total, (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
        half -= step
    return total, pts[-1]
