"""Static files as browsers should get them: text compressed, and cached for long where the URL
names the content.

- `url_for('static', ...)` adds `?v=<hash of the file>`: such a URL changes when the file does,
  so its answer is cached for a year (`immutable`); a new file is a new URL.
- `module_script('js/track.js')` writes a page's one module script with an import map before it:
  every module the script imports by a relative path (`./words.js`, `../vendor/...`), and
  theirs, mapped to its versioned URL, so those are cached for a year too (a browser resolves
  `./words.js` to `/static/js/words.js`, which the map turns into `...?v=<hash>`). The map is
  inline: the page's CSP lets it in by its hash (app/access/security_headers.py).
- Scripts, styles, SVG and JSON are sent gzipped to browsers that take it (gzip -6, once per
  file version, kept in memory), with a weak ETag, as nginx's gzip does; HTML pages are not
  (they carry a CSRF token beside text the request chose, the BREACH pattern).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import posixpath
import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, g, request, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

YEAR_S = 365 * 86400
COMPRESSED = ("text/javascript", "application/javascript", "text/css", "image/svg+xml",
              "application/json", "application/manifest+json")
MIN_BYTES = 1024  # below one packet, gzip saves nothing worth a CPU's time


@lru_cache(maxsize=512)
def _version(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=256)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), 6, mtime=0)


def _file(app: Flask, filename: str) -> Path | None:
    root = Path(app.static_folder or "").resolve()
    path = (root / filename).resolve()
    return path if path.is_file() and root in path.parents else None


def version(app: Flask, filename: str) -> str | None:
    """The content hash of a static file, or None if there is no such file."""
    path = _file(app, filename)
    if path is None:
        return None
    st = path.stat()
    return _version(str(path), st.st_mtime_ns, st.st_size)


# `import ... from "./x.js"`, `import "./x.js"`, `import("./x.js")`: relative specifiers only
# (an absolute URL, a bare name, one built at run time are not the page's static modules).
_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}/[^"']+)["']""")


@lru_cache(maxsize=512)
def _imports(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    return tuple(_IMPORT.findall(Path(path).read_text(encoding="utf-8")))


def _module_graph(app: Flask, entry: str) -> list[str]:
    """The static files `entry` imports, and theirs, by their path under the static folder."""
    seen, todo = [], [entry]
    while todo:
        name = todo.pop()
        path = _file(app, name)
        if path is None:
            continue
        st = path.stat()
        for spec in _imports(str(path), st.st_mtime_ns, st.st_size):
            found = posixpath.normpath(posixpath.join(posixpath.dirname(name), spec))
            if found not in seen and not found.startswith(".."):
                seen.append(found)
                todo.append(found)
    return sorted(seen)


def script_hash(text: str) -> str:
    """An inline script's CSP source: 'sha256-<base64>'."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def module_script(filename: str) -> Markup:
    """A page's module script, after an import map giving its imports' versioned URLs."""
    app = current_app
    plain = app.static_url_path.rstrip("/") + "/"
    imports = {plain + name: url_for("static", filename=name)
               for name in _module_graph(app, filename)}
    # Jinja's tojson: JSON safe inside a script element (no "<", ">", "&" or "'" left as they
    # are), marked safe; the CSP hash is over exactly these characters.
    text = htmlsafe_json_dumps({"imports": imports}, dumps=app.json.dumps)
    g.script_hashes = [*g.get("script_hashes", []), script_hash(str(text))]
    return Markup('<script type="importmap">{}</script>\n'
                  '<script type="module" src="{}"></script>').format(
                      text, url_for("static", filename=filename))


def _add_version(app: Flask):
    def add(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and values.get("filename"):
            v = version(app, values["filename"])
            if v:
                values["v"] = v
    return add


def _serve(app: Flask):
    def after(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args["v"] == version(app, filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR_S
            response.cache_control.immutable = True
        if response.mimetype not in COMPRESSED:
            return response
        response.vary.add("Accept-Encoding")
        if response.status_code == 304 or "gzip" not in request.accept_encodings:
            return response
        path = _file(app, filename)
        if path is None or request.range is not None:
            return response
        st = path.stat()
        if st.st_size < MIN_BYTES:
            return response
        body = _gzipped(str(path), st.st_mtime_ns, st.st_size)
        etag, _ = response.get_etag()
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.headers.pop("Accept-Ranges", None)  # ranges of the file, not of the gzip
        if etag:
            response.set_etag(etag, weak=True)
        return response
    return after


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version(app))
    app.add_template_global(module_script)
    app.after_request(_serve(app))
