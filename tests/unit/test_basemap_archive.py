"""A street map archive that is there but broken says so (CLI, log, pages, /healthz), never
"not built" and never a 500; the area an archive covers and its house numbers, as labels."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.basemap.archive import inspect, open_reader
from app.basemap.build import build
from app.basemap.choice import ARCHIVE_PATH
from app.basemap.places import area_from_source, house_label
from simulator.world.synthetic import write_grid_town
from tests.support.helpers import register
from tests.unit.test_basemap_serve import client_for, page_basemap

ROOT = Path(__file__).resolve().parents[2]


def broken(kind: str, good: Path, tmp_path: Path) -> Path:
    data = good.read_bytes()
    out = tmp_path / f"{kind}.pmtiles"
    out.write_bytes({"truncated": data[: len(data) // 2],
                     "garbage": bytes(range(256)) * 40,
                     "empty": b"",
                     "header only": data[:127],
                     "bad metadata": data[:300] + b"\xff" * 2000 + data[2300:]}[kind])
    return out


KINDS = ["truncated", "garbage", "empty", "header only", "bad metadata"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_broken_archive_is_corrupt_not_missing(street_map, tmp_path, kind):
    status = inspect(broken(kind, street_map, tmp_path))
    assert status.state == "corrupt", status
    assert str(tmp_path) in status.message() and "--force" in status.message()


def test_a_good_archive_names_its_area_and_a_missing_one_is_not_built(street_map, tmp_path):
    ok = inspect(street_map)
    assert ok.state == "ok" and ok.about["area"] == "Helsinki"
    missing = inspect(tmp_path / "nothing.pmtiles")
    assert missing.state == "missing" and "not built" in missing.message()


@pytest.mark.parametrize("kind", ["truncated", "garbage"])
def test_pages_health_and_the_archive_url_say_corrupt(street_map, tmp_path, kind):
    path = broken(kind, street_map, tmp_path)
    client = client_for(str(path))
    basemap = page_basemap(client)
    assert basemap["kind"] == "none" and basemap["attribution"] == ""
    # Customers read the note too: the state, never the server's file path or a task.
    assert "cannot be read" in basemap["note"] and str(path) not in basemap["note"]
    health = client.get("/healthz")
    assert health.status_code == 200  # streets are decoration: the server is up
    assert health.json["basemap"] == {"state": "corrupt"}  # public: no path
    resp = client.get(ARCHIVE_PATH, headers={"Range": "bytes=0-16383"})
    assert resp.status_code == 503 and resp.json["field"] == "BASEMAP"
    assert str(path) not in resp.get_data(as_text=True)
    reg = register(client)
    assert client.get("/track/" + reg["shipments"][0]["token"]).status_code == 200


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "app", "basemap", *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=env)


def test_the_command_reports_corrupt_and_rebuilds_it(street_map, tmp_path):
    town = write_grid_town(tmp_path / "town.osm.pbf", size=3)
    out = broken("truncated", street_map, tmp_path)
    check = run_cli("check", str(out))
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert "unreadable (truncated" in check.stderr and str(out) in check.stderr
    assert "not built" not in check.stderr + check.stdout
    rebuilt = run_cli("build", "--map", str(town), "--out", str(out))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"replacing {out}: unreadable" in rebuilt.stdout and "built" in rebuilt.stdout
    assert run_cli("check", str(out)).returncode == 0
    assert "is not built" in run_cli("check", str(tmp_path / "none.pmtiles")).stderr


@pytest.mark.parametrize(("raw", "label"), [
    ("12", "12"), ("12A", "12A"), ("12 a", "12a"), ("7b", "7b"), ("12 A 3", "12A"),
    ("13 A, 5. krs./Floor 5", "13A"), ("4;6", "4"), ("8, Floor 6", "8"), ("14-20", "14"),
    ("50 3", "50"), (" 3 Ab", "3"), ("Ground floor", None), ("", None),
])
def test_house_numbers_label_as_number_and_letter(raw, label):
    assert house_label(raw) == label


@pytest.mark.parametrize(("source", "area"), [
    ("Helsinki.osm.pbf", "Helsinki"), ("berlin-latest.osm.pbf", "Berlin"),
    ("greater-london-260101.osm.pbf", "Greater London"), ("town.osm.pbf", "Town"),
])
def test_an_extract_without_places_is_named_by_its_file(source, area):
    assert area_from_source(source) == area


def test_every_house_number_in_the_tiles_is_clean(street_map):
    import gzip

    import mapbox_vector_tile

    f, reader = open_reader(street_map)
    with f:
        labels = set()
        for (z, _x, _y), data in _tiles(reader):
            if z == 16:
                tile = mapbox_vector_tile.decode(gzip.decompress(data))
                labels |= {ft["properties"]["housenumber"]
                           for ft in tile.get("addresses", {}).get("features", [])}
    assert len(labels) > 50
    assert all(re.fullmatch(r"\d+[A-Za-z]?", label) for label in labels), sorted(labels)


def _tiles(reader):
    from pmtiles.reader import all_tiles

    return all_tiles(reader.get_bytes)


@pytest.mark.parametrize(("extract", "area"), [("bundled", "Helsinki"), ("town", "Town")])
def test_the_front_page_names_the_area_of_the_map(street_map, tmp_path, extract, area):
    from app.ops.demo import DemoFleet

    if extract == "bundled":
        archive = street_map
    else:
        archive = build(write_grid_town(tmp_path / "town.osm.pbf", size=3),
                        tmp_path / "town.pmtiles").path
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                      "BASEMAP": str(archive), "DEMO": False})
    client = app.test_client()
    fleet = DemoFleet(app, "http://127.0.0.1:1", "http://localhost:1")  # not started
    fleet._own(register(client)["route_id"])  # as when the simulator prints its link record
    page = client.get("/").get_data(as_text=True)
    assert f"Simulated drivers on the streets of {area}." in page
    assert ("Helsinki" in page) == (area == "Helsinki")


def test_check_with_a_basemap_that_names_no_map_is_one_line(tmp_path):
    import os

    env = {**os.environ, "BASEMAP": str(tmp_path)}  # a directory, not a .pmtiles file
    result = run_cli("check", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
