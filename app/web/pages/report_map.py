"""A delivered route as one self-contained HTML file: driven path, stops and proofs, on folium.

The file works opened from disk with no network: Leaflet is inlined from the local npm copy
(as data: URLs on the map instance's default_js / default_css); the streets are drawn only when
the report comes from the server (app/basemap/report.py).
Every string a seller or driver typed goes through `escape` before it reaches folium: folium
renders each popup, tooltip and element twice through Jinja2, the second time with the first
output as template source, so text that kept a `{` would run on the server (`{{ ... }}`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape as html_escape
from pathlib import Path

import folium

from app.basemap.report import HtmlData, ReportStreets
from app.domain.hours import clamped, clock_text, day_text, local_day
from app.domain.model import Route, Shipment
from app.domain.tracking import Progress

# A stored proof photo's JPEG by its key, when it was taken at that stop of this route.
PhotoBytes = Callable[[str, int], bytes | None]

# folium puts popups and tooltips inside JS template literals (` $ \\), and its MacroElements
# render their output again as Jinja2 source ({ }): as entities they are data to both, and the
# browser shows them as typed.
_ENTITIES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;",
                           "}": "&#125;"})


def escape(text: str) -> str:
    """Text a person typed, as HTML that neither Jinja2 nor a JS template literal interprets."""
    return html_escape(text).translate(_ENTITIES)


# folium builds popups with jQuery's `$(html)[0]`, all it needs of jQuery: a template element
# does the same without loading jQuery from a CDN (the file must work offline).
JQUERY_HTML_SHIM = ("window.$ = window.$ || function (html) { const t = "
                    "document.createElement('template'); t.innerHTML = String(html).trim(); "
                    "return [t.content.firstChild]; };")

STATUS_COLOURS = {"delivered": "#18794e", "attempted": "#b54708", "returned": "#b42318"}


def data_url(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def offline_map(leaflet_dir: Path, center: tuple[float, float],
                streets: ReportStreets) -> folium.Map:
    """A folium map that loads Leaflet from the file itself, not from a CDN."""
    m = folium.Map(location=center, zoom_start=15, tiles=None, control_scale=True)
    # Instance attributes: the class lists stay as folium ships them.
    m.default_js = [("leaflet", data_url(leaflet_dir / "leaflet.js", "text/javascript"))]
    m.default_css = [("leaflet_css", data_url(leaflet_dir / "leaflet.css", "text/css"))]
    streets.add_to(m)
    m.get_root().header.add_child(HtmlData(
        "<style>.folium-map{background:#eef1f4}.report-title{position:absolute;z-index:1000;"
        "top:10px;left:60px;right:10px;max-width:36em;padding:8px 12px;background:#fff;"
        "border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.3);font:14px/1.4 system-ui,"
        "sans-serif}</style>"))
    m.get_root().header.add_child(HtmlData(f"<script>{JQUERY_HTML_SHIM}</script>"))
    return m


def stop_popup(route: Route, progress: Progress, index: int, shipments: list[Shipment],
               photo: PhotoBytes | None = None) -> str:
    stop = route.stops[index]
    lines = [f"<b>Stop {index + 1}: {escape(stop.address)}</b>"]
    for s in (s for s in shipments if s.stop == index):
        ship = progress.shipments[s.tracking_id]
        lines.append(f"{escape(s.tracking_id)} · {escape(s.recipient)} · {escape(ship.status)}")
        proof = ship.proof or {}
        if proof.get("at"):
            lines.append(f"at {clock_text(proof['at'], route.timezone)}")
        for label in ("left_at", "note"):
            if proof.get(label):
                lines.append(f"{label.replace('_', ' ')}: {escape(str(proof[label]))}")
        for label in ("photo", "signature"):
            data = photo(proof.get(label), index) if photo and proof.get(label) else None
            if data:  # inside the file: the report opens offline and names no server
                lines.append(f'<img alt="{label}" width="280" src="data:image/jpeg;base64,'
                             f'{base64.b64encode(data).decode()}">')
    return "<br>".join(lines)


def stop_colour(progress: Progress, route: Route, index: int) -> str:
    statuses = {progress.shipments[t].status for t in route.stops[index].shipments}
    for status, colour in STATUS_COLOURS.items():
        if status in statuses:
            return colour
    return "#5b6575"


def route_report(route: Route, progress: Progress, shipments: list[Shipment],
                 positions: list[dict], leaflet_dir: Path, streets: ReportStreets,
                 photo: PhotoBytes | None = None) -> str:
    """The report's HTML. The driven path comes from the position log, else the planned legs."""
    driven = [(p["lat"], p["lon"]) for p in positions]
    path = driven or [tuple(pt) for leg in route.legs for pt in leg]
    station = (route.station.lat, route.station.lon)
    m = offline_map(leaflet_dir, station, streets)
    # Named as the seller knows the day (who, how, from where, when), not by the internal id.
    day = day_text(local_day(clamped(route.created_at), route.timezone))
    title = f"{route.driver.name}'s {route.driver.vehicle} route · {route.station_name} · {day}"
    m.get_root().header.add_child(HtmlData(f"<title>{escape(title)}</title>"))
    done = sum(progress.shipments[s.tracking_id].status == "delivered" for s in shipments)
    m.get_root().html.add_child(HtmlData(
        f'<div class="report-title"><b>{escape(title)}</b><br>{done} of {len(shipments)} '
        f'delivered · {"driven path" if driven else "planned path (no positions kept)"}</div>'))
    if len(path) > 1:
        folium.PolyLine(path, color="#0b6bcb", weight=5, opacity=0.8,
                        tooltip="Driven path" if driven else "Planned path").add_to(m)
    folium.CircleMarker(station, radius=8, color="#1d2430", fill=True, fill_opacity=1,
                        tooltip=escape(route.station_name or "Station")).add_to(m)
    for i, stop in enumerate(route.stops):
        folium.CircleMarker(
            (stop.lat, stop.lon), radius=9, color="#fff", weight=2, fill=True,
            fill_color=stop_colour(progress, route, i), fill_opacity=1,
            tooltip=f"Stop {i + 1}", class_name="report-stop",  # static/js/report-basemap.js
            popup=folium.Popup(stop_popup(route, progress, i, shipments, photo), max_width=320),
        ).add_to(m)
    points = [station, *path, *((s.lat, s.lon) for s in route.stops)]
    # Room for the title (top) and the scale and credit (bottom) as a file; from the server,
    # static/js/report-basemap.js fits again with the room they take at the screen's width.
    m.fit_bounds([[min(p[0] for p in points), min(p[1] for p in points)],
                  [max(p[0] for p in points), max(p[1] for p in points)]],
                 padding_top_left=(24, 110), padding_bottom_right=(24, 60), max_zoom=17)
    return m.get_root().render()
