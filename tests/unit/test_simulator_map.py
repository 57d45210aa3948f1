"""Maps and networks: the bundled Helsinki extract, a synthetic second extract, bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.errors import SimulatorError
from simulator.world.maps import load_map
from simulator.world.modes import DRIVING, WALKING
from simulator.world.network import Network
from simulator.world.synthetic import ONEWAY_STREET, write_grid_town


@pytest.fixture(scope="module")
def helsinki():
    return load_map()


@pytest.mark.parametrize("mode", ["driving", "cycling", "walking"])
def test_bundled_map_has_a_network_per_mode(helsinki, mode):
    net = helsinki.network(mode)
    assert net.size > 500
    assert helsinki.timezone() == "Europe/Helsinki"


def test_bundled_map_has_real_addresses(helsinki):
    labels = [a.label for a in helsinki.addresses]
    assert len(labels) > 300
    assert any(label.startswith("Aleksanterinkatu ") for label in labels)


def test_driving_graph_is_directed_with_one_ways(helsinki):
    edges = helsinki.network(DRIVING).edges
    one_way = [e for e in edges if (e[1], e[0]) not in edges]
    assert len(one_way) > 100


def test_walking_graph_is_symmetric(helsinki):
    edges = helsinki.network(WALKING).edges
    assert all((b, a) in edges for a, b in edges)


def test_second_extract_with_one_way_and_addresses(tmp_path):
    city = load_map(write_grid_town(tmp_path / "town.osm.pbf", origin=(40.70, -74.00)))
    assert city.timezone() == "America/New_York"
    assert len(city.addresses) == 25 and city.addresses[0].label == "Katu 0 1"
    net = city.network(DRIVING)
    assert net.size == 36
    assert len(net.edges) == 2 * 60 - 5  # the one-way street loses its 5 reverse edges
    assert ONEWAY_STREET


@pytest.mark.parametrize("content", [b"", b"not a pbf at all" * 100])
def test_corrupt_map_is_a_clear_error(tmp_path, content):
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(content)
    with pytest.raises(SimulatorError, match="cannot read map|no usable streets"):
        city = load_map(bad)
        city.network(DRIVING)


def test_missing_map_is_a_clear_error(tmp_path):
    with pytest.raises(SimulatorError, match="not found"):
        load_map(tmp_path / "nope.osm.pbf")


def test_map_without_streets_for_a_mode(tmp_path):
    city = load_map(write_grid_town(tmp_path / "paths.osm.pbf", footways_only=True))
    assert city.network(WALKING).size == 36
    with pytest.raises(SimulatorError, match="no usable streets for driving"):
        Network(DRIVING, city.extract)


def test_map_is_cached_per_file(helsinki):
    assert load_map() is helsinki
    assert load_map(Path(helsinki.path)) is helsinki


def test_stations_and_parking_stand_on_real_streets(helsinki):
    # The bundled map's station point lies over the service tunnel's ways, tagged 5 km/h
    # (issue 22): a plain snap no longer goes into a tunnel, and a kerb is a real street.
    net = helsinki.network(DRIVING)
    st = helsinki.station()
    nearest = int(np.argmin((net.lat - st.lat) ** 2 + ((net.lon - st.lon) * 0.5) ** 2))
    assert {(net.edges[e].highway, net.edges[e].underground) for e in net.edges
            if nearest in e} == {("service", True)}
    assert not any(net.edges[e].underground for e in net.edges if net.snap(st.lat, st.lon) in e)
    kerb = net.snap_kerb(st.lat, st.lon)
    assert {net.edges[e].highway for e in net.edges if kerb in e} - {"service"}
    for a in helsinki.addresses[::25]:
        node = net.snap_kerb(a.lat, a.lon)
        assert any(net.edges[e].highway not in ("service", "living_street")
                   for e in net.edges if node in e)


@pytest.mark.parametrize("before, after, cost", [
    (0, 5, 0.0), (0, 90, 3.0), (0, 270, 8.0), (350, 80, 3.0), (10, 185, 40.0)])
def test_a_left_turn_costs_more_than_a_right_one(before, after, cost):
    from simulator.world.routes import turn_cost

    assert turn_cost(before, after) == cost


def test_vans_pay_for_turns_and_walkers_do_not(helsinki):
    import random

    from simulator.world.routes import Routes

    rng = random.Random(3)
    for mode, turns in ((DRIVING, True), (WALKING, False)):
        net = helsinki.network(mode)
        nodes = [net.snap(a.lat, a.lon) for a in rng.sample(helsinki.addresses, 12)]
        plain = Routes(net.graph, nodes, None)
        routes = net.routes(nodes)
        assert (routes.turns is not None) == turns
        extra = routes.matrix - plain.matrix
        assert extra.min() >= -1e-6 and (extra.max() > 10) == turns
        for i in range(12):
            for j in range(12):
                path = routes.path(i, j)
                assert path[0] == nodes[i] and path[-1] == nodes[j]
                assert all((a, b) in net.edges for a, b in zip(path, path[1:], strict=False))
