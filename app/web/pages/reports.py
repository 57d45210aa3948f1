"""The route report page: a self-contained folium map of a route, for its seller only."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, url_for

from app.basemap.report import ReportStreets
from app.extensions import services
from app.web.pages import bp
from app.web.pages.report_map import route_report
from app.web.pages.report_scripts import seal_scripts
from app.web.pages.session import seller_required, signed_in_seller


# The report is a standalone file: its scripts (folium's, Leaflet inlined) run by their hashes
# (report_scripts.py), never 'unsafe-inline'; it loads nothing from elsewhere except the street
# map (from this server, app/basemap/report.py) or (optional) raster tiles.
def report_csp(streets: ReportStreets, hashes: list[str]) -> str:
    scripts, connect = streets.csp_sources()
    allowed = " ".join([scripts, *(f"'{h}'" for h in hashes)]).strip() or "'none'"
    return "; ".join([
        "default-src 'none'", f"script-src {allowed}",
        "style-src 'unsafe-inline' data:", "img-src data: https:",
        "connect-src " + (connect or "'none'"),
    ])


@bp.get("/dashboard/routes/<route_id>/report.html")
@seller_required
def route_report_page(route_id: str):
    """Answer the route's HTML report: driven path, stops and proofs of delivery."""
    svc = services()
    loaded = svc.reads.route_state(route_id)
    if loaded is None or loaded[0].seller_id != signed_in_seller():
        abort(404)
    route, progress, shipments = loaded
    streets = ReportStreets(services().basemap, url_for("static", filename=""))

    def photo(key: str, stop: int) -> bytes | None:
        doc = svc.photos.of_stop(key, route_id, stop)
        return svc.photos.read(doc) if doc else None

    html = route_report(route, progress, shipments, svc.reads.positions(route_id),
                        Path(current_app.static_folder) / "vendor" / "leaflet", streets, photo)
    html, hashes = seal_scripts(html)
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = report_csp(streets, hashes)
    resp.headers["Content-Disposition"] = f'inline; filename="route-{route_id}.html"'
    return resp
