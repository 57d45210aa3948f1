"""The street map: built from an OSM extract (build.py), served by range (serve.py), chosen by
the BASEMAP setting (choice.py)."""

from __future__ import annotations

import logging

from flask import Flask

from app.basemap.choice import choose

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    basemap = choose(app.config["BASEMAP"], app.config["TILE_ATTRIBUTION"])
    app.extensions["basemap"] = basemap
    if basemap.kind == "embedded" and not basemap.file.is_file():
        log.warning("no street map at %s: pages show a plain grid until "
                    "`python -m app basemap build` makes it", basemap.file)
    from app.basemap import serve

    app.register_blueprint(serve.bp)
