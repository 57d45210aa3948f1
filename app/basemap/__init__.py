"""The street map: built from an OSM extract (build.py), served by range (serve.py), chosen by
the BASEMAP setting (choice.py)."""

from __future__ import annotations

import logging

from flask import Flask

from app.basemap.choice import Basemap

log = logging.getLogger(__name__)


def init_app(app: Flask, basemap: Basemap) -> None:
    """Serve the street map chosen by app/wiring.py (choice.py); say when it is not usable."""
    status = basemap.status()
    if status is not None and status.state != "ok":
        log.warning("street map: %s; pages show a plain grid until then", status.message())
    from app.basemap import serve

    app.register_blueprint(serve.bp)
