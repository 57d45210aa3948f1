"""The OpenAPI document's maxLength and maxItems are the checks' sizes (app/domain/sizes.py):
a string or a list one longer than the document says is refused naming its field, one of the
document's length is not refused for its length. A size changed in one place fails here."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain import sizes
from app.web.api import openapi, plans
from app.web.api.errors import ApiError
from app.web.api.route_input import parse_route
from app.web.api.validation import InvalidField

_HEL = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=_HEL).timestamp()
PHONE = "+358 40 123 4567"
ROUTE = {
    "driver": {"name": "Aino", "vehicle": "van"}, "timezone": "Europe/Helsinki",
    "station": {"lat": 60.1675, "lon": 24.945, "name": "Station HEL1"},
    "stops": [{"lat": 60.168, "lon": 24.95, "address": "Rikhardinkatu 4", "notes": "blue door",
               "shipments": [{"recipient": "Customer", "reference": "order-1",
                              "phone": PHONE}]}],
}
DAY = (datetime.now(_HEL).date() + timedelta(days=2)).isoformat()
PLAN = {
    "date": DAY, "timezone": "Europe/Helsinki",
    "station": {"lat": 60.1675, "lon": 24.945, "name": "Station HEL1"},
    "couriers": [{"vehicle": "bike", "name": "Aino"}],
    "orders": [{"lat": 60.168, "lon": 24.95, "address": "Rikhardinkatu 4", "recipient": "C",
                "reference": "order-1", "notes": "blue door", "phone": PHONE, "pickup": 0}],
    "pickups": [{"lat": 60.169, "lon": 24.94, "address": "Kauppatori 1"}],
}


def sized(schema: dict, body: object, path: tuple = ()) -> Iterator[tuple[tuple, str, int]]:
    """(path, "maxLength" or "maxItems", size) for every sized value the example body holds."""
    for key in ("maxLength", "maxItems"):
        if key in schema and path:
            yield path, key, schema[key]
    if isinstance(body, dict):
        for name, sub in schema.get("properties", {}).items():
            if name in body:
                yield from sized(sub, body[name], (*path, name))
    elif isinstance(body, list) and body and "items" in schema:
        yield from sized(schema["items"], body[0], (*path, 0))


def field(path: tuple) -> str:
    return ".".join(str(p) for p in path).replace(".0.", "[0].").replace(".0", "[0]")


def resized(body: dict, path: tuple, n: int) -> dict:
    out = copy.deepcopy(body)
    *head, last = path
    holder = out
    for p in head:
        holder = holder[p]
    value = holder[last]
    if isinstance(value, list):  # the length check comes before the items' own checks
        holder[last] = [copy.deepcopy(value[0]) for _ in range(n)]
    else:
        digits = value.startswith("+")  # a phone: still a number when padded with spaces
        holder[last] = value[:1] + (" " if digits else "x") * (n - len(value)) + value[1:]
    return out


class Checked(Exception):
    """Every field passed its check (the plan stops before planning)."""


def refusal(check, body: dict) -> tuple[str, str] | None:
    """The field a check refuses and why, or None."""
    try:
        check(body)
    except (InvalidField, ApiError) as e:
        return e.field, e.message
    except Checked:
        pass
    return None


def route_check(body: dict) -> None:
    parse_route(body, "Europe/Helsinki", now=NOW)


def the_cases():
    route_doc = openapi.PATHS["/routes"]["post"]["requestBody"]["content"]
    plan_doc = openapi.PATHS["/plans"]["post"]["requestBody"]["content"]
    for name, doc, body in (("route", route_doc, ROUTE), ("plan", plan_doc, PLAN)):
        for path, key, size in sized(doc["application/json"]["schema"], body):
            yield pytest.param(name, body, path, size, id=f"{name}:{field(path)}:{key}")


CASES = list(the_cases())


def test_the_walk_sees_every_size():
    seen = {(c.values[0], c.values[3]) for c in CASES}
    assert ("route", sizes.STOPS) in seen and ("plan", sizes.ORDERS) in seen
    assert len(CASES) >= 20


@pytest.mark.parametrize(("name", "body", "path", "size"), CASES)
def test_the_document_s_size_is_the_check_s(name, body, path, size, app, monkeypatch):
    monkeypatch.setattr(plans, "street_map", lambda _cfg: (_ for _ in ()).throw(Checked()))
    check = route_check if name == "route" else plans.day_plan
    with app.app_context():
        assert refusal(check, body) is None  # the example is valid
        over = refusal(check, resized(body, path, size + 1))
        at = refusal(check, resized(body, path, size))
    assert over is not None and over[0] == field(path), over
    assert at != over, at  # one of the document's length: refused for something else if at all
