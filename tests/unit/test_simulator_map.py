"""Maps and networks: the bundled Helsinki extract, a synthetic second extract, bad files."""

from __future__ import annotations

from pathlib import Path

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
