"""Which delivery programs are offered at a point (public: a shop's checkout may ask too)."""

from __future__ import annotations

from flask import current_app, jsonify, request

from app.domain import service_areas
from app.web.api import bp
from app.web.api.errors import ApiError
from app.web.numbers import to_float


def areas() -> list[service_areas.Area]:
    """The service areas table, read once per app from SERVICE_AREAS (or the built-in one)."""
    ext = current_app.extensions
    if "doorstep_areas" not in ext:
        ext["doorstep_areas"] = service_areas.load(current_app.config["SERVICE_AREAS"])
    return ext["doorstep_areas"]


def coordinate(name: str, lo: float, hi: float) -> float:
    value = to_float(request.args.get(name, ""))
    if value is None:
        raise ApiError(400, f"{name} must be a number", name)
    if not lo <= value <= hi:
        raise ApiError(400, f"{name} must be between {lo:g} and {hi:g}", name)
    return value


@bp.get("/programs")
def programs():
    """Answer which programs (standard, express, grocery, restaurant, locker) serve lat, lon."""
    lat, lon = coordinate("lat", -90, 90), coordinate("lon", -180, 180)
    return jsonify(lat=lat, lon=lon, programs=service_areas.programs_at(areas(), lat, lon))
