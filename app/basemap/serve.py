"""The embedded archive over HTTP: byte ranges (206), ETag and If-None-Match (304), cache headers.

The browser's PMTiles reader fetches the header, then directories and tiles, each as one range of
the same file. Werkzeug's conditional send_file does ranges and validators; nginx can serve the
same file directly (deploy/nginx.conf) with the same URL.

Range headers, as RFC 9110 (14.2) allows: one satisfiable range is a 206; a range that starts
past the end is a 416 with `Content-Range: bytes */size`; a header that does not parse or names
another unit, and a multi-range request (no reader of this archive sends one, and a multipart
body would be another format to test), are ignored: a 200 with the whole file. nginx
(deploy/nginx.conf, `max_ranges 1`) agrees except on a header that does not parse: 416.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, send_file
from werkzeug.datastructures import Range
from werkzeug.http import parse_range_header

from app.basemap.choice import ARCHIVE_PATH
from app.extensions import services

bp = Blueprint("basemap", __name__)

# Tiles change only when the archive is rebuilt; the ETag (mtime, size) tells a browser when.
MAX_AGE = 3600


@bp.get(ARCHIVE_PATH)
def archive():
    """Answer the street map archive, or the requested byte range of it."""
    basemap = services().basemap
    if basemap.kind != "embedded":
        return jsonify(error="this server is configured with another basemap",
                       field="BASEMAP"), 404
    status = basemap.status()
    # Public answers: the state, not the file's path (the log and `basemap check` name it).
    if status.state == "missing":
        return jsonify(error="the street map is not built", field="BASEMAP"), 404
    if status.state == "corrupt":
        return jsonify(error="the street map cannot be read", field="BASEMAP"), 503
    size = status.path.stat().st_size
    rng = _usable_range()
    if rng is not None and rng.range_for_length(size) is None:
        return (jsonify(error=f"the range starts past the end of the archive ({size} bytes)",
                        field="Range"), 416, {"Content-Range": f"bytes */{size}"})
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


def _usable_range() -> Range | None:
    """The one byte range asked for; any other Range header is dropped (Werkzeug: 416)."""
    rng = parse_range_header(request.headers.get("Range"))
    if rng is not None and rng.units == "bytes" and len(rng.ranges) == 1:
        return rng
    request.environ.pop("HTTP_RANGE", None)  # send_file reads the range from the environ
    return None
