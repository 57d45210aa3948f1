"""Program availability by area: the built-in Helsinki table, a configured file, the API."""

from __future__ import annotations

import json

import pytest

from app.domain import service_areas


@pytest.mark.parametrize("lat, lon, offered", [
    (60.1685, 24.9450, {"standard", "express", "grocery", "restaurant", "locker"}),  # centre
    (60.2100, 24.9400, {"standard", "grocery", "locker"}),  # Käpylä: no express, no take-out
    (60.2900, 25.0400, {"standard"}),  # Vantaa, near the airport
    (61.4978, 23.7610, set()),  # Tampere: not served
])
def test_builtin_helsinki_table(lat, lon, offered):
    result = service_areas.programs_at(service_areas.load(""), lat, lon)
    assert {p["program"] for p in result if p["offered"]} == offered
    assert [p["program"] for p in result] == list(service_areas.PROGRAMS)


def test_polygon_inside_and_outside():
    square = ((0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0))
    assert service_areas.inside(0.5, 0.5, square)
    assert not service_areas.inside(1.5, 0.5, square)


def test_configured_table_replaces_the_builtin(tmp_path):
    path = tmp_path / "areas.json"
    path.write_text(json.dumps({"areas": [
        {"program": "locker", "name": "Tampere", "center": [61.4978, 23.761], "radius_km": 5}]}))
    from app import create_app

    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "SERVICE_AREAS": str(path)})
    body = app.test_client().get("/api/v1/programs?lat=61.5&lon=23.76").get_json()
    assert [p["area"] for p in body["programs"] if p["offered"]] == ["Tampere"]


def test_malformed_table_names_the_area():
    with pytest.raises(ValueError, match="area 0: unknown program 'boat'"):
        service_areas.parse({"areas": [{"program": "boat", "center": [0, 0], "radius_km": 1}]})


def test_api_answers_every_program(client):
    body = client.get("/api/v1/programs?lat=60.1685&lon=24.945").get_json()
    express = next(p for p in body["programs"] if p["program"] == "express")
    assert express == {"program": "express", "offered": True, "area": "Central Helsinki"}


@pytest.mark.parametrize("query, field", [("lat=x&lon=24", "lat"), ("lat=60", "lon"),
                                          ("lat=91&lon=24", "lat"), ("lat=nan&lon=1", "lat")])
def test_api_refuses_bad_coordinates(client, query, field):
    resp = client.get(f"/api/v1/programs?{query}")
    assert resp.status_code == 400 and resp.get_json()["field"] == field
