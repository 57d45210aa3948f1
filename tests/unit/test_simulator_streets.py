"""Issue 22, after the outside check: vehicles keep to the streets their mode may use, and cross
between the station and its street at their own pace rather than jumping."""

from __future__ import annotations

import math
import statistics

import osmium
import pytest

from simulator.world.geo import haversine_m
from simulator.world.maps import bundled_map
from simulator.world.modes import CYCLING, DRIVING, WALKING, edge_rule
from tests.unit.test_simulator_realism import epoch, kinds, run

# The Rautatientori bus terminal: `highway=service, bus=yes, vehicle=no`.
BUS_TERMINAL = {30259740, 34732053, 24449647, 655097844, 34732056, 29498963, 28777477}


@pytest.mark.parametrize(("mode", "tags", "expected"), [
    (DRIVING, {"highway": "service", "bus": "yes", "vehicle": "no"}, None),
    (DRIVING, {"highway": "residential", "motor_vehicle": "no"}, None),
    (DRIVING, {"highway": "residential", "motorcar": "no"}, None),
    (DRIVING, {"highway": "service", "access": "no", "psv": "yes"}, None),
    (DRIVING, {"highway": "residential", "motor_vehicle:forward": "no"}, (False, True, 8.3)),
    (DRIVING, {"highway": "residential", "oneway": "yes", "vehicle:backward": "no"},
     (True, False, 8.3)),
    # A delivery van is who `destination`, `delivery` and `goods=yes` let in.
    (DRIVING, {"highway": "residential", "motor_vehicle": "destination"}, (True, True, 8.3)),
    (DRIVING, {"highway": "residential", "motor_vehicle": "no", "goods": "delivery"},
     (True, True, 8.3)),
    (DRIVING, {"highway": "residential", "access": "no", "motor_vehicle": "yes"},
     (True, True, 8.3)),
    (CYCLING, {"highway": "residential", "bicycle": "no"}, None),
    (CYCLING, {"highway": "service", "vehicle": "no", "bicycle": "yes"}, (True, True, 7.0)),
    (CYCLING, {"highway": "service", "motor_vehicle": "no"}, (True, True, 7.0)),
    (WALKING, {"highway": "residential", "foot": "no"}, None),
    (WALKING, {"highway": "service", "vehicle": "no"}, (True, True, 2.0)),
    (WALKING, {"highway": "footway", "access": "no", "foot": "yes"}, (True, True, 2.0)),
])
def test_access_tags_decide_who_uses_a_way(mode, tags, expected):
    assert edge_rule(mode, tags) == expected


def _terminal_segments() -> list[tuple[tuple[float, float], tuple[float, float]]]:
    out = []

    class Ways(osmium.SimpleHandler):
        def way(self, w: osmium.osm.Way) -> None:
            if w.id in BUS_TERMINAL:
                pts = [(n.location.lat, n.location.lon) for n in w.nodes]
                out.extend(zip(pts, pts[1:], strict=False))

    Ways().apply_file(str(bundled_map()), locations=True)
    assert len(out) >= len(BUS_TERMINAL)
    return out


def _on_interior(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Within 1.5 m of the middle of segment a-b (its ends are junctions with open streets)."""
    kx, ky = 111_320 * math.cos(math.radians(p[0])), 110_574
    ax, ay, bx, by = (a[1] - p[1]) * kx, (a[0] - p[0]) * ky, (b[1] - p[1]) * kx, (b[0] - p[0]) * ky
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 < 100:
        return False
    u = -(ax * dx + ay * dy) / length2
    return 0.15 < u < 0.85 and math.hypot(ax + u * dx, ay + u * dy) < 1.5


def test_vans_keep_out_of_the_bus_terminal(tmp_path):
    # The outside check's reproduction: before, this block crossed the terminal at 10:05.
    records = run(tmp_path, "--vans", "1", "--program", "standard", "--seed", "1",
                  "--start", "08:00", "--date", "2026-12-02")
    segments = _terminal_segments()
    driven = [(f["truth"]["lat"], f["truth"]["lon"]) for f in kinds(records, "position")
              if f["truth"]["phase"] in {"drive", "light"}]
    assert len(driven) > 500
    assert not [p for p in driven if any(_on_interior(p, a, b) for a, b in segments)]


OFF_STREET = "60.17197,24.93973"  # 109 m from the nearest street a van may stand on


@pytest.mark.parametrize("args", [
    ["--vans", "1"],  # the default station stands on a pedestrian street
    ["--vans", "1", "--station", OFF_STREET],
    ["--walkers", "1", "--station", OFF_STREET],
])
def test_a_block_leaves_and_ends_at_the_station_without_a_jump(tmp_path, args):
    records = run(tmp_path, *args, "--stops", "4", "--program", "standard", "--seed", "3")
    station = kinds(records, "route")[0]["station"]
    fixes = kinds(records, "position")
    truth = [(f["truth"]["lat"], f["truth"]["lon"]) for f in fixes]
    assert haversine_m(station["lat"], station["lon"], *truth[0]) < 1
    # The last fix may fall in the final seconds of the yard crossing (before: 158 m away).
    assert haversine_m(station["lat"], station["lon"], *truth[-1]) < 15
    for a, b, pa, pb in zip(fixes, fixes[1:], truth, truth[1:], strict=False):
        # Before, the first moving fix stood 33-38 m (155 m off-street) from the station, 3 s on.
        fastest = max(a["truth"]["speed"], b["truth"]["speed"])
        assert haversine_m(*pa, *pb) <= fastest * (epoch(b) - epoch(a)) + 2.0


def test_walks_to_the_doors_follow_the_pedestrian_network(tmp_path):
    # Straight lines through the buildings before: each walk 1.00-1.06x the straight line.
    records = run(tmp_path, "--vans", "1", "--stops", "20", "--program", "standard",
                  "--seed", "1", "--interval", "1")
    ratios, stretch = [], []
    for f in kinds(records, "position"):
        if f["truth"]["phase"] == "walk":
            stretch.append((f["truth"]["lat"], f["truth"]["lon"]))
            continue
        if len(stretch) > 5 and haversine_m(*stretch[0], *stretch[-1]) > 20:
            length = sum(haversine_m(*a, *b) for a, b in zip(stretch, stretch[1:], strict=False))
            ratios.append(length / haversine_m(*stretch[0], *stretch[-1]))
        stretch = []
    assert len(ratios) >= 10
    assert statistics.median(ratios) > 1.15
    assert max(ratios) < 3.0 + 60 / 20  # a longer way means a door snapped across a block
