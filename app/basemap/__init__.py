"""The street map: built from an OSM extract (build.py), served by range (serve.py), chosen by
the BASEMAP setting (choice.py)."""

from __future__ import annotations

import logging

from flask import Flask

from app.extensions import services

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    basemap = services(app).basemap  # chosen by app/wiring.py (app/basemap/choice.py)
    status = basemap.status()
    if status is not None and status.state != "ok":
        log.warning("street map: %s; pages show a plain grid until then", status.message())
    from app.basemap import serve

    app.register_blueprint(serve.bp)
