"""The street map in the route report (a folium file): the same basemap when the report is opened
from the server, an honest note when it is opened as a file without it.

The streets need this server (the archive, the renderer, the style), so they are loaded by a module
script from /static that a file on disk cannot reach; the note is in the HTML from the start and the
script removes it once the streets are drawn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

import folium
from jinja2 import Template

from app.basemap.choice import Basemap


class HtmlData(folium.Element):
    """Ready HTML as data: `folium.Element(html)` would compile `html` as a Jinja2 template."""

    _template = Template("{{ this.html }}")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html

STYLE_NOTE = ("The route report draws no streets with a MapLibre style street map; the "
              "route is shown on a plain background.")
FILE_NOTE = ("Streets are drawn when this report is opened from the Doorstep server; "
             "as a file it shows the route on a plain background.")
# The file note sits above the attribution, clear of the scale bar (bottom left); the street
# map's own notes are Leaflet controls (static/js/basemap.js) stacked above the attribution.
# tests/live/test_basemap_pages.py checks none covers another at 360 and 1280 px.
STYLE = ("<style>.report-streets-note{position:absolute;z-index:1000;right:10px;bottom:26px;"
         "max-width:min(28em,calc(100% - 150px));margin:0;padding:4px 8px;"
         "background:rgba(255,255,255,.95);border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.25);"
         "font:12px/1.4 system-ui,sans-serif}"
         ".leaflet-control.offline-note{margin:0 10px 6px 0;padding:4px 8px;"
         "max-width:min(28em,calc(100vw - 150px));background:rgba(255,255,255,.95);"
         "border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.25);clear:both;"
         "font:12px/1.4 system-ui,sans-serif}"
         ".leaflet-container.basemap-grid{background-color:#eef1f4;background-image:"
         "linear-gradient(#dfe4ea 1px,transparent 1px),linear-gradient(90deg,#dfe4ea 1px,"
         "transparent 1px);background-size:32px 32px}"
         # On a phone the attribution spans the width: the scale bar stands above it.
         ".leaflet-bottom.leaflet-left .leaflet-control-scale{margin-bottom:24px}</style>")


def attribute(value: str) -> str:
    # folium renders every Element's text as a Jinja template: no brace may reach it unescaped.
    return escape(value, quote=True).replace("{", "&#123;").replace("}", "&#125;")


@dataclass
class ReportStreets:
    basemap: Basemap
    static_url: str  # "/static/": absolute on the server, unreachable from a file

    def add_to(self, m: folium.Map) -> None:
        if self.basemap.kind == "raster":  # tiles from a tile server load from a file too
            folium.TileLayer(self.basemap.url, attr=self.basemap.attribution,
                             max_zoom=19).add_to(m)
            return
        if self.basemap.kind == "style":  # maplibre-gl and its CSP are the pages' only
            m.get_root().header.add_child(HtmlData(STYLE))
            m.get_root().html.add_child(HtmlData(
                f'<p id="report-streets-note" class="report-streets-note">{attribute(STYLE_NOTE)}'
                "</p>"))
            return
        config = json.dumps(self.basemap.page())
        renderer = self.static_url + "vendor/protomaps-leaflet/protomaps-leaflet.js"
        m.get_root().header.add_child(HtmlData(STYLE))
        m.get_root().html.add_child(HtmlData(
            f'<p id="report-streets-note" class="report-streets-note">{attribute(FILE_NOTE)}</p>'
            f'<div id="report-basemap" hidden data-map="{attribute(m.get_name())}" '
            f'data-basemap="{attribute(config)}" data-renderer="{attribute(renderer)}"></div>'
            f'<script type="module" src="{attribute(self.static_url)}js/report-basemap.js">'
            "</script>"))

    def csp_sources(self) -> tuple[str, str]:
        """(script-src, connect-src) additions for the report's own policy."""
        if self.basemap.kind in ("raster", "style"):
            return "", ""
        remote = self.basemap.url if self.basemap.kind == "remote" else ""
        from app.access.security_headers import tile_origin

        return "'self'", f"'self' {tile_origin(remote)}".rstrip()
