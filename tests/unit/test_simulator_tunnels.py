"""No GPS in a tunnel: a phone underground sends no fix, and the ground truth still knows where
the driver was. Checked on the bundled Helsinki map's own tunnel ways (its service tunnel)."""

from __future__ import annotations

import io
import json
import random
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import osmium
import pytest

from simulator.drive.clock import Timestamps, start_time, zone
from simulator.drive.driver import Driver
from simulator.plan.block import _leg
from simulator.plan.timeline import Timeline, _Builder
from simulator.sinks import JsonlSink, ListSink
from simulator.world.geo import LocalProjection
from simulator.world.maps import load_map
from simulator.world.modes import DRIVING, underground
from simulator.world.profiles import PROFILES

TZ = "Europe/Helsinki"


@pytest.fixture(scope="module")
def city():
    return load_map()


@pytest.fixture(scope="module")
def tunnel_pieces(city):
    """Node pairs (OSM ids) of every highway piece tagged as a tunnel, read here from the file
    itself, and the nodes where a tunnel meets the open air (its mouths)."""
    pieces, tunnel_nodes, open_nodes = set(), set(), set()

    class Ways(osmium.SimpleHandler):
        def way(self, w):
            tags = {t.k: t.v for t in w.tags}
            if "highway" not in tags:
                return
            refs = [n.ref for n in w.nodes]
            if tags.get("tunnel") == "yes":
                pieces.update(zip(refs, refs[1:], strict=False))
                tunnel_nodes.update(refs)
            else:
                open_nodes.update(refs)

    Ways().apply_file(str(city.path))
    return pieces, tunnel_nodes & open_nodes


@pytest.mark.parametrize(("tags", "below"), [
    ({"highway": "service", "tunnel": "yes", "layer": "-3"}, True),
    ({"highway": "footway", "tunnel": "yes"}, True),
    ({"highway": "footway", "covered": "yes", "layer": "-1"}, True),
    ({"highway": "corridor", "indoor": "yes", "layer": "-2"}, True),
    ({"highway": "footway", "tunnel": "building_passage"}, False),  # a gateway: a fix outlasts it
    ({"highway": "footway", "covered": "yes"}, False),  # an arcade at street level
    ({"highway": "residential", "tunnel": "no", "layer": "-1"}, False),
    ({"highway": "residential", "layer": "x"}, False),
])
def test_which_ways_are_underground(tags, below):
    assert underground(tags) is below


def test_the_bundled_maps_service_tunnel_is_underground_for_vans(city):
    net = city.network(DRIVING)
    below = [e for e in net.edges.values() if e.underground]
    assert sum(e.length_m for e in below) > 1000  # Helsinki's service tunnel, kilometres of it
    # Nothing is snapped into a tunnel: a stop above one stands on the street.
    open_air = {i for k, e in net.edges.items() if not e.underground for i in k}
    for (i, _), e in net.edges.items():
        if e.underground:
            assert net.snap(*net.point(i)) in open_air


def _through_tunnel(net, tunnel_pieces):
    """A van's path into the longest tunnel piece's tunnel and out again: from an open street
    to the piece, then on to another open street."""
    pieces, _ = tunnel_pieces
    ids = net.osm_ids
    inside = max(((a, b) for a, b in net.edges if (ids[a], ids[b]) in pieces
                  or (ids[b], ids[a]) in pieces), key=lambda k: net.edges[k].length_m)
    below = {i for k, e in net.edges.items() if e.underground for i in k}
    above = [i for i in range(net.size) if i not in below][::97]
    routes = net.routes([*above, *inside])
    n = len(above)
    into = min(range(n), key=lambda i: routes.matrix[i, n])
    out = min(range(n), key=lambda j: routes.matrix[n + 1, j] if j != into else np.inf)
    return routes.path(into, n) + routes.path(n + 1, out)


def test_a_drive_through_a_tunnel_sends_no_fix_from_inside_it(city, tunnel_pieces):
    net = city.network(DRIVING)
    path = _through_tunnel(net, tunnel_pieces)
    leg = _leg(net, path)
    pieces, mouths = tunnel_pieces
    ids = net.osm_ids
    # The test's own reading of the file: which stretches of this path are in a tunnel.
    proj = LocalProjection(*city.center)
    tunnel_xy = [(np.array(proj.to_xy(*net.point(a))), np.array(proj.to_xy(*net.point(b))))
                 for a, b in zip(path, path[1:], strict=False)
                 if (ids[a], ids[b]) in pieces or (ids[b], ids[a]) in pieces]
    mouth_xy = [np.array(proj.to_xy(*net.point(i))) for i in path if ids[i] in mouths]
    assert tunnel_xy and mouth_xy, "the path must go into a tunnel and out of it"

    def in_tunnel(lat, lon):
        p = np.array(proj.to_xy(lat, lon))
        if any(np.hypot(*(p - m)) < 1.0 for m in mouth_xy):
            return False  # at the mouth: as much outside as in
        for a, b in tunnel_xy:
            d = b - a
            f = np.clip(np.dot(p - a, d) / max(np.dot(d, d), 1e-9), 0.0, 1.0)
            if np.hypot(*(p - (a + f * d))) < 0.5:
                return True
        return False

    t0 = start_time(zone(TZ), "10:00", date(2026, 11, 26))
    rng = random.Random(5)  # noqa: S311 # nosec B311 # seeded simulation
    b = _Builder(PROFILES["van"], rng, t0, leg.points[0], ZoneInfo(TZ))
    b.stay(30.0, "load")
    b.drive(leg)
    b.stay(30.0, "park")
    driver = Driver("Test Driver", "van", "standard", Timeline(b.segs, []), rng)
    driver.route_id = "r_test"
    listed, out = ListSink(), io.StringIO()
    jsonl = JsonlSink(out, Timestamps(zone(TZ)))
    for t in np.arange(t0, driver.timeline.end, 1.0):
        fix = driver.fix(float(t))
        fixes = [fix] if fix is not None else []
        for sink in (listed, jsonl):
            sink.send(fixes, [])
            sink.no_fix(driver.blind)
        driver.blind = []

    sent_inside = [f for f in listed.fixes if in_tunnel(f.true_lat, f.true_lon)]
    assert not sent_inside, f"{len(sent_inside)} fixes sent from inside the tunnel"
    # The ground truth still has the drive through it, second by second.
    truth_inside = [g for g in listed.no_fixes if in_tunnel(g.true_lat, g.true_lon)]
    assert len(truth_inside) >= 10 and {g.why for g in listed.no_fixes} == {"tunnel"}
    assert all(g.phase in ("drive", "light") for g in truth_inside)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {r["kind"] for r in records} == {"position", "no_fix"}
    assert sum(r["kind"] == "no_fix" for r in records) == len(listed.no_fixes)
    # Fixes before the tunnel and after it: the first one out is rough, and says so.
    last_blind = max(g.t for g in listed.no_fixes)
    before = [f for f in listed.fixes if f.t < min(g.t for g in listed.no_fixes)]
    after = [f for f in listed.fixes if f.t > last_blind]
    assert before and after
    usual = float(np.median([f.accuracy for f in before]))
    assert after[0].accuracy >= 2 * usual
    assert after[0].t - last_blind <= 1.0  # the phone reports again as soon as it is out


def _segments(city, keep):
    """(starts, ends) in local metres of every highway piece whose tags `keep` accepts."""
    proj = LocalProjection(*city.center)
    starts, ends, mouths = [], [], []

    class Ways(osmium.SimpleHandler):
        def way(self, w):
            tags = {t.k: t.v for t in w.tags}
            if "highway" in tags and keep(tags):
                pts = [proj.to_xy(n.location.lat, n.location.lon) for n in w.nodes
                       if n.location.valid()]
                if len(pts) < 2:
                    return
                starts.extend(pts[:-1])
                ends.extend(pts[1:])
                mouths.extend((pts[0], pts[-1]))

    Ways().apply_file(str(city.path), locations=True)
    return np.array(starts), np.array(ends), np.array(mouths)


def _distance(points, starts, ends):
    """Each point's distance to the nearest of the pieces, in metres."""
    out = []
    for p in points:
        d = ends - starts
        f = np.clip(((p - starts) * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-9), 0, 1)
        out.append(float(np.hypot(*(starts + f[:, None] * d - p).T).min()))
    return np.array(out)


def test_a_walker_through_the_citys_tunnels_sends_no_fix_from_inside_them(city, tmp_path):
    from tests.unit.test_simulator_realism import kinds, run

    records = run(tmp_path, "--walkers", "1", "--stops", "12", "--seed", "8", "--start", "09:00")
    t_starts, t_ends, t_mouths = _segments(city, lambda tags: tags.get("tunnel") == "yes")
    o_starts, o_ends, _ = _segments(city, lambda tags: not ({"tunnel", "covered", "indoor"} & set(
        tags)) and tags.get("layer", "0") == "0")
    proj = LocalProjection(*city.center)

    def inside(rows):
        """Rows whose truth lies on a tunnel, away from its mouths and from any open-air way
        (a street above a tunnel, or crossing it, is no tunnel)."""
        if not rows:
            return []
        xy = np.array([proj.to_xy(r["truth"]["lat"], r["truth"]["lon"]) for r in rows])
        on = _distance(xy, t_starts, t_ends) < 0.5
        near = [i for i in np.flatnonzero(on)
                if np.hypot(*(t_mouths - xy[i]).T).min() > 2.0]
        if not near:
            return []
        clear = _distance(xy[near], o_starts, o_ends) > 3.0
        return [rows[i] for i, c in zip(near, clear, strict=True) if c]

    assert not inside(kinds(records, "position"))
    blind = [r for r in kinds(records, "no_fix") if r["why"] == "tunnel"]
    assert len(inside(blind)) >= 5  # the ground truth has the walk through the tunnel
