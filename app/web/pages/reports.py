"""The route report page: a self-contained folium map of a route, for its seller only."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app

from app.extensions import services
from app.web.pages import bp
from app.web.pages.report_map import route_report
from app.web.pages.session import seller_required, signed_in_seller

# The report is a standalone file with folium's inline scripts; it loads nothing from elsewhere
# except (optional) tiles.
REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline' data:; style-src 'unsafe-inline' "
              "data:; img-src data: https:")


@bp.get("/dashboard/routes/<route_id>/report.html")
@seller_required
def route_report_page(route_id: str):
    """Answer the route's HTML report: driven path, stops and proofs of delivery."""
    svc = services()
    loaded = svc.reads.route_state(route_id)
    if loaded is None or loaded[0].seller_id != signed_in_seller():
        abort(404)
    route, progress, shipments = loaded
    cfg = current_app.config
    html = route_report(route, progress, shipments, svc.reads.positions(route_id),
                        Path(current_app.static_folder) / "vendor" / "leaflet",
                        cfg["TILE_URL"], cfg["TILE_ATTRIBUTION"])
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = REPORT_CSP
    resp.headers["Content-Disposition"] = f'inline; filename="route-{route_id}.html"'
    return resp
