"""The OpenAPI description is true: schemathesis drives every operation from it, property-based.

No input may cause a 500, and every answer (status, content type, body) must match the
description. Examples are capped so the whole file runs in well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from tests.support.helpers import register

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


# Built at import: schemathesis reads the description once, when pytest collects this file.
API_APP = create_app({
    "TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
    "SELLER_KEYS": {"demo": "demo"}, "FIXES_PER_DRIVER": "100000/second",
    "EVENTS_PER_DRIVER": "100000/second", "ROUTES_PER_SELLER": "100000/second",
    "DEVICES_PER_SELLER": "100000/second", "SIGNIN_FAILURE_RATE": "100000/minute",
    "MAX_BATCH": 50,
})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", API_APP)


@pytest.fixture(scope="module")
def driver_token():
    return register(API_APP.test_client())["driver_token"]


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_matches_its_description(case, driver_token):
    # Positions and events need a driver's token; everything else here takes the seller key.
    driver = case.path in ("/positions", "/events")
    token = driver_token if driver else "demo"
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_the_description_is_served_and_names_every_api_route(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    described = {(m.upper(), "/api/v1" + p.replace("{", "<").replace("}", ">"))
                 for p, ops in spec["paths"].items() for m in ops}
    mine = {("POST", "/api/v1/routes"), ("GET", "/api/v1/routes"),
            ("GET", "/api/v1/routes/<route_id>"), ("POST", "/api/v1/positions"),
            ("POST", "/api/v1/events"), ("GET", "/api/v1/track/<token>"),
            ("GET", "/api/v1/keys"), ("POST", "/api/v1/keys"),
            ("DELETE", "/api/v1/keys/<key_id>")}
    assert mine <= described
    served = {(m, r.rule) for r in app.url_map.iter_rules() for m in r.methods
              if r.rule.startswith("/api/v1")}
    assert described <= served  # nothing described that does not exist
