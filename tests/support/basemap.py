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


# Where a map's note sits: inside its map, text not clipped, and clear of Leaflet's controls.
NOTE_PLACE = """((selector) => {
  const note = document.querySelector(selector);
  if (!note) return null;
  const r = note.getBoundingClientRect();
  const box = (note.closest('.leaflet-container')
    || document.querySelector('.leaflet-container')).getBoundingClientRect();
  const clear = (o) => o.right <= r.left || o.left >= r.right || o.bottom <= r.top
    || o.top >= r.bottom;
  const covered = [...document.querySelectorAll(
    '.leaflet-control-attribution, .leaflet-control-scale, .leaflet-control-zoom')]
    .filter((c) => c.getBoundingClientRect().width && !clear(c.getBoundingClientRect()))
    .map((c) => c.className.split(' ').find((n) => n.startsWith('leaflet-control-')));
  const scale = document.querySelector('.leaflet-control-scale')?.getBoundingClientRect();
  const credit = document.querySelector('.leaflet-control-attribution')?.getBoundingClientRect();
  const apart = (a, b) => a.right <= b.left || a.left >= b.right || a.bottom <= b.top
    || a.top >= b.bottom;
  if (scale?.width && credit?.width && !apart(scale, credit)) covered.push('scale-attribution');
  return { inside: r.left >= box.left && r.right <= box.right && r.top >= box.top
    && r.bottom <= box.bottom, clipped: note.scrollWidth > note.clientWidth + 1
    || note.scrollHeight > note.clientHeight + 1, covered, text: note.textContent };
})"""


def note_place(page, selector: str = ".offline-note") -> dict | None:
    return page.evaluate(f"{NOTE_PLACE}({selector!r})")


def assert_note_readable(page, selector: str = ".offline-note") -> str:
    place = note_place(page, selector)
    assert place is not None, f"no {selector}"
    assert place["inside"] and not place["clipped"] and place["covered"] == [], place
    return place["text"]


# Tiles of the street map: how many are on screen, loaded (Leaflet told they are done), and
# drawn with nothing but the land colour.
TILES = """(() => {
  const tiles = [...document.querySelectorAll('.vector-basemap .leaflet-tile-container canvas')];
  let blank = 0;
  for (const c of tiles) {
    if (!c.width) continue;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let off = 0;
    for (let i = 0; i < d.length && !off; i += 64) {
      off = Math.abs(d[i] - 0xf3) + Math.abs(d[i + 1] - 0xf2) + Math.abs(d[i + 2] - 0xef) > 24;
    }
    if (!off) blank++;
  }
  return { count: tiles.length, blank,
    loaded: tiles.filter((c) => c.classList.contains('leaflet-tile-loaded')).length };
})()"""

# Pixels of street-name ink (the style's LABEL colour, #4a4f57) on the drawn tiles.
LABEL_INK = """(() => {
  let ink = 0;
  for (const c of document.querySelectorAll('.vector-basemap .leaflet-tile-container canvas')) {
    if (!c.width) continue;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - 0x4a) + Math.abs(d[i + 1] - 0x4f) + Math.abs(d[i + 2] - 0x57) < 30) ink++;
    }
  }
  return ink;
})()"""


# The scale bar and the attribution, both in view and apart (the report, on a phone).
SCALE_CLEAR = """(() => {
  const a = document.querySelector('.leaflet-control-scale')?.getBoundingClientRect();
  const b = document.querySelector('.leaflet-control-attribution')?.getBoundingClientRect();
  return Boolean(a?.width && b?.width) && (a.right <= b.left || a.left >= b.right
    || a.bottom <= b.top || a.top >= b.bottom);
})()"""

# Pixels of the style's water colour (#cfdde8) on the drawn tiles: the sea, lakes, rivers.
WATER_PIXELS = """(() => {
  let water = 0;
  for (const c of document.querySelectorAll('.vector-basemap .leaflet-tile-container canvas')) {
    if (!c.width) continue;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 16) {
      const off = Math.abs(d[i] - 0xcf) + Math.abs(d[i + 1] - 0xdd) + Math.abs(d[i + 2] - 0xe8);
      if (off < 6) water++;
    }
  }
  return water;
})()"""
