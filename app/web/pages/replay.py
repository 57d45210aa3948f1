"""A finished (or running) route replayed for its seller: the driver's way at real-time
proportions, with play, pause, speed and a scrubber, from the bounded position history."""

from __future__ import annotations

from flask import abort, jsonify, render_template, url_for

from app.domain.hours import iso_utc
from app.domain.view import first_name, route_status
from app.extensions import services
from app.web.pages import bp, page_config
from app.web.pages.session import seller_required, signed_in_seller


def _own_route(route_id: str):
    loaded = services().reads.route_state(route_id)
    # Another seller's route answers exactly like a missing one: ids reveal nothing.
    if loaded is None or loaded[0].seller_id != signed_in_seller():
        abort(404)
    return loaded


@bp.get("/dashboard/routes/<route_id>/replay")
@seller_required
def route_replay(route_id: str):
    """The replay page; its script fetches the track from route_replay_data."""
    route, progress, _ = _own_route(route_id)
    config = page_config(dataUrl=url_for("web.route_replay_data", route_id=route_id))
    return render_template("replay.html", page=config, route=route,
                           driver=first_name(route.driver.name), status=route_status(progress))


@bp.get("/dashboard/routes/<route_id>/replay.json")
@seller_required
def route_replay_data(route_id: str):
    """The route's stops, with when each was done, and its accepted fixes, oldest first."""
    route, progress, _ = _own_route(route_id)
    fixes = services().reads.positions(route_id)
    return jsonify(
        route_id=route.id,
        timezone=route.timezone,
        vehicle=route.driver.vehicle,
        station={"lat": route.station.lat, "lon": route.station.lon, "name": route.station_name},
        stops=[{
            "index": stop.index, "lat": stop.lat, "lon": stop.lon, "address": stop.address,
            # When the stop stopped being work: an outcome, or a visit seen from the positions.
            "done_at": iso_utc(state.done_at if state.done_at is not None else state.visited_at),
        } for stop, state in zip(route.stops, progress.stops, strict=True)],
        # [epoch seconds, lat, lon, speed m/s or null]: compact, a day's history is thousands.
        track=[[f["t"], round(f["lat"], 6), round(f["lon"], 6), f.get("speed")]
               for f in fixes],
    )
