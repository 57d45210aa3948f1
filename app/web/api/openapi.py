"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json.

Written as data next to the code it describes; tests/unit/test_openapi.py drives the live API from
it with schemathesis, so a route that drifts from this description fails the build.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from app.customer.instructions import SAFE_PLACES
from app.domain import sizes
from app.domain.model import ATTEMPT_REASONS, PROGRAMS, STOP_EVENTS, STOP_KINDS, VEHICLES

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

OBJ, STR, INT = {"type": "object"}, {"type": "string"}, {"type": "integer"}
NUM = {"type": "number"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str], **props: Any) -> dict:
    return {"type": "object", "required": required, "properties": props}


def lat_lon(**more: Any) -> dict:
    return obj(["lat", "lon"], lat={"type": "number", "minimum": -90, "maximum": 90},
               lon={"type": "number", "minimum": -180, "maximum": 180}, **more)


def text(max_len: int) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": max_len}


def answer(status: str, description: str, schema: dict | None = None) -> dict:
    body = {"content": {"application/json": {"schema": schema}}} if schema else {}
    return {status: {"description": description, **body}}


ERRORS = {code: {"description": why, "content": {"application/json": {"schema": ref("Error")}}}
          for code, why in [("400", "invalid input; `field` names it"), ("401", "not signed in"),
                            ("404", "not found (or not yours)"), ("409", "conflict"),
                            ("410", "a customer link whose delivery the seller withdrew"),
                            ("413", "body too large"), ("415", "not JSON"),
                            ("429", "rate limited; see Retry-After"),
                            ("503", "storage unavailable; retry")]}


def op(summary: str, responses: dict, body: dict | None = None, auth: bool = True,
       params: list | None = None) -> dict:
    spec: dict[str, Any] = {"summary": summary, "responses": {**responses, **ERRORS}}
    if body is not None:
        spec["requestBody"] = {"required": True,
                               "content": {"application/json": {"schema": body}}}
    spec["security"] = [{"bearer": []}] if auth else []
    if params:
        spec["parameters"] = params
    return spec


def path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": 100}}


TIMESTAMP = {"oneOf": [{"type": "string", "format": "date-time"},
                       {"type": "number", "minimum": 0, "maximum": 32503680000}],
             "description": "Within FIX_MAX_AGE before and FIX_MAX_AHEAD after the server's "
                            "clock (default 7 days back, 1 day ahead); else 400 naming it."}
FIX = lat_lon(timestamp=TIMESTAMP, speed={"type": "number", "minimum": 0, "maximum": 1000},
              heading={"type": "number", "minimum": -360, "maximum": 720},
              accuracy={"type": "number", "minimum": 0, "maximum": 100000},
              driver_token=STR)
FIX["required"].append("timestamp")
EVENT = obj(["type", "timestamp"], type={"type": "string", "enum": list(STOP_EVENTS)},
            timestamp=TIMESTAMP, stop={"type": "integer", "minimum": 0},
            shipment=text(sizes.SHIPMENT), reason={"type": "string", "enum": list(ATTEMPT_REASONS)},
            proof=obj([], left_at=text(sizes.PROOF_LEFT_AT), note=text(sizes.PROOF_NOTE),
                      photo=text(sizes.PROOF_PHOTO), signature=text(sizes.PROOF_SIGNATURE)),
            driver_token=STR)
SHIPMENT_IN = obj(["recipient"], recipient=text(sizes.RECIPIENT),
                  reference=text(sizes.REFERENCE), phone=text(sizes.PHONE),
                  parcels={"type": "integer", "minimum": 1, "maximum": sizes.PARCELS})
ROUTE_IN = obj(
    ["driver", "station", "stops"],
    driver=obj(["name", "vehicle"], name=text(sizes.NAME), vehicle={"enum": list(VEHICLES)}),
    program={"enum": list(PROGRAMS)}, timezone=text(sizes.TIMEZONE),
    station=lat_lon(name=text(sizes.NAME)),
    # The local delivery day, within 30 days of today; without it, the day it is registered.
    date={"type": "string", "format": "date"},
    stops={"type": "array", "minItems": 1, "maxItems": sizes.STOPS,
           "items": lat_lon(address=text(sizes.ADDRESS),
                            dwell_s={"type": "number", "minimum": 0},
                            notes=text(sizes.NOTES),
                            window=obj(["from", "to"], **{"from": TIMESTAMP, "to": TIMESTAMP}),
                            planned_at=TIMESTAMP,
                            # A delivery holds 1-50 shipments; a pickup none (its deliveries
                            # name it by index in `pickup`, and it comes before them).
                            kind={"enum": list(STOP_KINDS)},
                            pickup={"type": "integer", "minimum": 0},
                            shipments={"type": "array", "maxItems": sizes.SHIPMENTS_PER_STOP,
                                       "items": SHIPMENT_IN})},
    legs={"type": "array", "items": {"type": "array", "minItems": 2, "items": {
        "type": "array", "minItems": 2, "maxItems": 2, "items": NUM}}},
)
ROUTE_IN["properties"]["stops"]["items"]["required"] += ["address"]
SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "field"],
              "properties": {"error": STR, "field": {"type": "string", "nullable": True}}},
    "Registered": obj(["route_id", "driver_token", "shipments"], route_id=STR,
                      driver_token=STR, shipments={"type": "array", "items": obj(
                          ["tracking_id", "stop", "token", "tracking_url"], tracking_id=STR,
                          stop=INT, token=STR, tracking_url=STR)}),
    "Accepted": obj(["accepted", "rejected"], accepted=INT, dropped=INT, rejected={
        "type": "array", "items": obj(["index", "field", "error"], index=INT, field=STR,
                                      error=STR)}),
    "CustomerView": obj(["tracking_id", "status", "status_text", "timeline", "timezone"],
                        tracking_id=STR, status=STR, status_text=STR,
                        timeline={"type": "array", "items": OBJ}, timezone=STR,
                        delivery_date={"type": "string", "format": "date", "nullable": True},
                        arrives_on={"type": "string", "format": "date", "nullable": True}),
    "Fleet": obj(["routes"], routes={"type": "array", "items": OBJ}),
    "Instructions": obj(["note", "safe_place", "open", "safe_places", "max_note"], note=STR,
                        safe_place={"type": "string", "nullable": True,
                                    "enum": [*SAFE_PLACES, None]},
                        open={"type": "boolean"},
                        safe_places={"type": "array", "items": STR}, max_note=INT),
    "Branding": obj(["name", "colour", "email", "phone", "website", "logo"],
                    **{f: {"type": "string", "nullable": True}
                       for f in ("name", "colour", "email", "phone", "website", "logo")}),
    "Averages": obj(["count", "delivery", "product"], count=INT,
                    delivery={"type": "number", "nullable": True},
                    product={"type": "number", "nullable": True}),
    "Key": obj(["key_id", "created_at"], key_id=STR, created_at=NUM,
               last_used_at={"type": "number", "nullable": True}, source=STR),
}
RATING = {"type": "integer", "minimum": 1, "maximum": 5}
FEEDBACK = obj(["tracking_id", "route_id", "driver", "day", "delivery", "product", "comment"],
               tracking_id=STR, route_id=STR, driver=STR, day=STR, delivery=RATING,
               product=RATING, comment=STR)
# The customer's page writes these with the CSRF token it was rendered with (X-CSRF-Token and
# the page's session cookie); without it, 400 naming X-CSRF-Token.
CSRF_NOTE = " (the page's CSRF token in X-CSRF-Token, else 400)"
ANY_BODY = {"oneOf": [FIX, obj(["positions"], positions={"type": "array", "minItems": 1,
                                                           "items": FIX})]}
ANY_EVENTS = {"oneOf": [EVENT, obj(["events"], events={"type": "array", "minItems": 1,
                                                       "items": EVENT})]}
PATHS = {
    "/routes": {
        "post": op("Register a driver's route (seller)",
                   answer("201", "registered", ref("Registered")), body=ROUTE_IN),
        "get": op("List the seller's routes", answer("200", "routes", ref("Fleet"))),
    },
    "/routes/{route_id}": {
        "get": op("One of the seller's routes", answer("200", "route", OBJ),
                  params=[path_param("route_id")]),
        "delete": op("Withdraw one of the seller's routes: it and its live state, driver link "
                     "and phone go; its customers' links answer 410 (withdrawn)",
                     answer("200", "withdrawn", obj(["route_id", "withdrawn", "shipments"],
                                                    route_id=STR, withdrawn={"type": "boolean"},
                                                    shipments=INT)),
                     params=[path_param("route_id")])},
    "/routes/{route_id}/positions": {"get": op(
        "The positions accepted for one of the seller's routes, oldest first",
        answer("200", "positions", obj(["positions"], positions={"type": "array", "items": obj(
            ["lat", "lon", "at", "t"], lat=NUM, lon=NUM, t=NUM,
            at={"type": "string", "nullable": True},
            speed={"type": "number", "nullable": True},
            heading={"type": "number", "nullable": True})})),
        params=[path_param("route_id")])},
    "/positions": {"post": op("Positions from a driver (one fix or a batch)",
                              answer("200", "accepted", ref("Accepted")), body=ANY_BODY)},
    "/events": {"post": op("Stop events from a driver (one or a batch)",
                           answer("200", "accepted", ref("Accepted")), body=ANY_EVENTS)},
    "/driver/block": {"get": op("The driver's block: station, stops in order, the next stop "
                                "(a driver link's token or the route's driver token)",
                                answer("200", "block", OBJ))},
    "/track/{token}": {"get": op("The customer view of one shipment",
                                 answer("200", "view", ref("CustomerView")), auth=False,
                                 params=[path_param("token")])},
    "/track/{token}/instructions": {
        "get": op("The delivery instructions left on this link, and whether they can change",
                  answer("200", "instructions", ref("Instructions")), auth=False,
                  params=[path_param("token")]),
        "put": op("Leave or change the delivery instructions until the driver is at the door"
                  + CSRF_NOTE, answer("200", "instructions", ref("Instructions")),
                  body=obj([], note={"type": "string", "maxLength": sizes.INSTRUCTIONS_NOTE},
                           safe_place={"type": "string", "nullable": True,
                                       "enum": [*SAFE_PLACES, "", None]}),
                  auth=False, params=[path_param("token")]),
    },
    "/track/{token}/feedback": {
        "get": op("Whether this delivery can be rated, and the rating given",
                  answer("200", "feedback", obj(
                      ["open", "given"], open={"type": "boolean"}, given={"type": "boolean"},
                      delivery={**RATING, "nullable": True},
                      product={**RATING, "nullable": True},
                      comment={"type": "string", "nullable": True})),
                  auth=False, params=[path_param("token")]),
        "post": op("Rate a delivered parcel and what was ordered, once" + CSRF_NOTE,
                   answer("201", "given", obj(["given", "delivery", "product", "comment"],
                                              given={"type": "boolean"}, delivery=RATING,
                                              product=RATING, comment=STR)),
                   body=obj(["delivery", "product"], delivery=RATING, product=RATING,
                            comment={"type": "string", "maxLength": sizes.FEEDBACK_COMMENT}),
                   auth=False, params=[path_param("token")]),
    },
    "/feedback": {"get": op(
        "The seller's feedback, newest first, with averages per driver and per day",
        answer("200", "feedback", obj(["summary", "feedback"], summary=obj(
            ["all", "by_driver", "by_day"], all=ref("Averages"),
            by_driver={"type": "array", "items": {"allOf": [ref("Averages"), obj(
                ["driver"], driver=STR)]}},
            by_day={"type": "array", "items": {"allOf": [ref("Averages"), obj(
                ["day"], day=STR)]}}), feedback={"type": "array", "items": FEEDBACK})),
        params=[{"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}])},
    "/settings/branding": {
        "get": op("The seller's name, colour and contact shown on customers' pages",
                  answer("200", "branding", ref("Branding"))),
        "put": op("Replace the seller's name, colour and contact (the logo stays)",
                  answer("200", "branding", ref("Branding")),
                  body=obj([], colour={"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
                           **{f: {"type": "string", "maxLength": n}
                              for f, n in sizes.BRANDING.items()})),
    },
    "/settings/branding/logo": {
        "put": {**op("Upload the seller's logo (PNG, JPEG or WebP; re-encoded as PNG)",
                     answer("200", "branding", ref("Branding"))),
                "requestBody": {"required": True, "content": {
                    "image/png": {"schema": {"type": "string", "format": "binary"}}}}},
        "delete": op("Remove the seller's logo", answer("200", "branding", ref("Branding"))),
    },
    "/keys": {
        "get": op("The seller's keys (ids and dates, never the keys)",
                  answer("200", "keys", obj(["keys"], keys={"type": "array",
                                                           "items": ref("Key")}))),
        "post": op("Create a seller key, shown once",
                   answer("201", "created", {"allOf": [ref("Key"), obj(["key"], key=STR)]})),
    },
    "/keys/{key_id}": {"delete": op("Revoke a seller key", {"204": {"description": "revoked"}},
                                    params=[path_param("key_id")])},
    "/geocode": {"get": op("The place of a street address, with the match's quality",
                           answer("200", "place", obj(
                               ["query", "address", "lat", "lon", "quality", "score", "provider"],
                               query=STR, address=STR, lat=NUM, lon=NUM, score=NUM,
                               provider=STR, quality={"enum": ["exact", "house", "nearby",
                                                               "other_street", "street"]})),
                           params=[{"name": "q", "in": "query", "required": True,
                                    "schema": {"type": "string", "minLength": 1,
                                               "maxLength": sizes.ADDRESS}}])},
    "/orders/check": {"post": op(
        "A CSV of the day's orders read, checked and geocoded row by row (nothing stored)",
        answer("200", "report", obj(["date", "timezone", "summary", "rows", "pickups"],
                                    date=STR, timezone=STR, summary={"type": "object"},
                                    rows={"type": "array", "items": {"type": "object"}},
                                    pickups={"type": "array", "items": {"type": "object"}})),
        body=obj(["csv", "date"], csv=text(sizes.CSV), date=text(10), timezone=STR))},
    "/plans": {"post": op(
        "The day's orders split into blocks per courier, each ordered and ready to register",
        answer("200", "plan", obj(["date", "timezone", "blocks", "unassigned"], date=STR,
                                  timezone=STR, blocks={"type": "array",
                                                        "items": {"type": "object"}},
                                  unassigned={"type": "array", "items": {"type": "object"}})),
        body=obj(["date", "station", "couriers", "orders"], date=text(10), timezone=STR,
                 station=lat_lon(name=text(sizes.NAME)), max_block_hours=NUM,
                 couriers={"type": "array", "minItems": 1, "items": obj(
                     ["vehicle"], vehicle={"enum": list(VEHICLES)},
                     count={"type": "integer", "minimum": 1, "maximum": sizes.COURIERS},
                     name=text(sizes.NAME))},
                 orders={"type": "array", "minItems": 1, "maxItems": sizes.ORDERS, "items": lat_lon(
                     recipient=text(sizes.RECIPIENT), address=text(sizes.ADDRESS),
                     phone=text(sizes.PHONE), reference=text(sizes.REFERENCE),
                     notes=text(sizes.NOTES), program={"enum": list(PROGRAMS)},
                     parcels={"type": "integer", "minimum": 1, "maximum": sizes.PARCELS},
                     pickup={"type": "integer", "minimum": 0})},
                 pickups={"type": "array", "maxItems": sizes.PICKUPS, "items": lat_lon(
                     address=text(sizes.ADDRESS), dwell_s={"type": "number", "minimum": 0})}))},
    "/programs": {"get": op("Delivery programs offered at a point",
                            answer("200", "programs", obj(["programs"], programs={
                                "type": "array", "items": obj(["program", "offered"],
                                                              program=STR, offered={
                                                                  "type": "boolean"})})),
                            auth=False, params=[
                                {"name": n, "in": "query", "required": True,
                                 "schema": {"type": "number"}} for n in ("lat", "lon")])},
}


def spec(server_url: str = "/api/v1") -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Doorstep API", "version": "1",
                 "description": "Real-time delivery tracking. See docs/api.md."},
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "a seller key, or a driver token for positions/events"}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    """Serve this API's OpenAPI description."""
    return jsonify(spec(current_app.config.get("APPLICATION_ROOT", "/").rstrip("/") + "/api/v1"))
