"""The embedded archive over HTTP: byte ranges (206), ETag and If-None-Match (304), cache headers.

The browser's PMTiles reader fetches the header, then directories and tiles, each as one range of
the same file. Werkzeug's conditional send_file does ranges and validators; nginx can serve the
same file directly (deploy/nginx.conf) with the same URL.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, send_file

from app.basemap.choice import ARCHIVE_PATH

bp = Blueprint("basemap", __name__)

# Tiles change only when the archive is rebuilt; the ETag (mtime, size) tells a browser when.
MAX_AGE = 3600


@bp.get(ARCHIVE_PATH)
def archive():
    """Answer the street map archive, or the requested byte range of it."""
    basemap = current_app.extensions["basemap"]
    if basemap.kind != "embedded":
        return jsonify(error="this server is configured with another basemap",
                       field="BASEMAP"), 404
    if not basemap.file.is_file():
        return jsonify(error="the street map is not built: python -m app basemap build",
                       field="BASEMAP"), 404
    resp = send_file(basemap.file, mimetype="application/vnd.pmtiles", conditional=True,
                     etag=True, max_age=MAX_AGE)
    etag, _ = resp.get_etag()
    if resp.status_code == 206 and etag and request.if_none_match.contains(etag):
        # Werkzeug answers a Range before If-None-Match; RFC 9110 (13.2.2) asks the other way
        # round: a browser revalidating a cached range gets 304, not the bytes again.
        resp.close()
        not_modified = Response(status=304)
        for name in ("ETag", "Cache-Control", "Accept-Ranges", "Last-Modified"):
            if name in resp.headers:
                not_modified.headers[name] = resp.headers[name]
        return not_modified
    return resp
