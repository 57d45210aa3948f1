"""The street map for tests: built once per session where the server looks for it (reused while
the extract is unchanged, so a set-up that already built it costs nothing)."""

from __future__ import annotations

from app.basemap.build import build
from app.basemap.choice import EMBEDDED_FILE
from simulator.world.maps import bundled_map


def embedded_archive():
    return build(bundled_map(), EMBEDDED_FILE).path


# Every request a page makes that leaves this machine is refused, and remembered.
def block_outside(page) -> list[str]:
    refused: list[str] = []

    def route(r):
        host = r.request.url.split("/")[2].split(":")[0] if "://" in r.request.url else ""
        if host in ("127.0.0.1", "localhost", ""):
            return r.continue_()
        refused.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    return refused


# How many pixels of the drawn map tiles differ from the land colour: roads, buildings, labels.
DRAWN_PIXELS = """(() => {
  let drawn = 0;
  for (const c of document.querySelectorAll('.vector-basemap .leaflet-tile-container canvas')) {
    if (!c.width) continue;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 16) {
      const off = Math.abs(d[i] - 0xf3) + Math.abs(d[i + 1] - 0xf2) + Math.abs(d[i + 2] - 0xef);
      if (off > 24) drawn++;
    }
  }
  return drawn;
})()"""
