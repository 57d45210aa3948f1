"""A planned block as the body of `POST /api/v1/routes`: what the API and the plan page register."""

from __future__ import annotations

from typing import Any

from app.planning.plan import Block


def route_body(block: Block, rows: list[dict[str, Any]], name: str, program: str, tz: str,
               station: dict[str, Any], pickups: list[dict[str, Any]] | None = None,
               day: str | None = None) -> dict[str, Any]:
    """The block as a `POST /api/v1/routes` body, ready to register: a pickup is a stop of
    kind pickup, and each delivery it loads names it by its index in the route."""
    stops: list[dict[str, Any]] = []
    index_of: dict[int, int] = {}
    for kind, i in block.visits:
        if kind == "pickup":
            place = (pickups or [])[i]
            index_of[i] = len(stops)
            stops.append({"kind": "pickup", "lat": place["lat"], "lon": place["lon"],
                          "address": place["address"], "dwell_s": round(place["dwell_s"])})
            continue
        row = rows[i]
        stop: dict[str, Any] = {
            "lat": row["lat"], "lon": row["lon"], "address": row["address"],
            "dwell_s": round(block.dwell_s),
            "shipments": [{k: row[k] for k in ("recipient", "reference", "phone") if row.get(k)}
                          | ({"parcels": row["parcels"]} if row.get("parcels", 1) > 1 else {})],
        }
        # The order's delivery notes, for the driver ("door code 1234"), after the address as
        # typed when the geocoder's differs: the flat, or a door the match may have missed.
        notes = [f"As typed: {row['typed_address']}"] if row.get("typed_address") else []
        notes += [row["notes"]] if row.get("notes") else []
        if notes:
            stop["notes"] = " · ".join(notes)[:500]  # a route stop's notes hold 500
        if row.get("slot"):
            stop["window"] = row["slot"]
        if row.get("pickup") is not None:
            stop["pickup"] = index_of[row["pickup"]]
        stops.append(stop)
    # `date`: the planned day, so a route registered the day before is not "Arriving today".
    return {"driver": {"name": name, "vehicle": block.vehicle}, "program": program,
            **({"date": day} if day else {}), "timezone": tz, "station": station, "stops": stops,
            "legs": [[[round(lat, 6), round(lon, 6)] for lat, lon in leg] for leg in block.legs]}
