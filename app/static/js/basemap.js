// The map under the markers: Doorstep's own vector streets (a PMTiles archive drawn by
// protomaps-leaflet), a raster tile server, a remote MapLibre style (basemap-maplibre.js), or
// none. Streets are decoration: where they cannot be drawn (archive missing or unreachable,
// tiles failing, a route outside the map's area) the map shows a plain grid and says why, and
// the markers, path and destination stay readable on it.
// Only what is drawn is credited: the grid shows no OpenStreetMap data, so no OSM credit.
import { BACKGROUND, labelRules, paintRules } from "./basemap-style.js";
import { retryingSource } from "./basemap-tiles.js";

const OFFLINE = "Offline: streets not shown";

// What addBasemap answers: watch(points, what) names the points that must be on the streets
// (the driver, the path, the destination; the fleet's drivers) and what they are, for the note.
const NO_WATCH = { watch() {} };

export function addBasemap(L, map, config) {
  const basemap = config.basemap || { kind: "none", note: "Streets not shown" };
  map.getContainer().classList.add("basemap-grid");  // under the tiles, and where there are none
  if (basemap.kind === "vector") return addVector(L, map, basemap);
  if (basemap.kind === "raster") return addRaster(L, map, basemap);
  if (basemap.kind === "style") {  // maplibre-gl, fetched only for this setting
    import("./basemap-maplibre.js")
      .then((m) => m.addStyle(L, map, basemap))
      .catch(() => "Streets not shown: the map renderer did not load")
      .then((note) => setNote(L, map, note));
    return NO_WATCH;
  }
  setNote(L, map, basemap.note);
  return NO_WATCH;
}

function addVector(L, map, basemap) {
  const P = window.protomapsL; // a classic script (base.html) that reads the global L when called
  if (!P) {
    setNote(L, map, "Streets not shown: the map renderer did not load");
    return NO_WATCH;
  }
  window.L = window.L || L;
  const bounds = basemap.bounds ? L.latLngBounds(basemap.bounds) : null;
  const layer = P.leafletLayer({
    url: retryingSource(P, basemap.url), paintRules: paintRules(P), labelRules: labelRules(P),
    backgroundColor: BACKGROUND, attribution: basemap.attribution,
    maxDataZoom: basemap.maxzoom || 16, maxZoom: 20, bounds: bounds || undefined,
  });
  layer.addTo(map);
  map.getContainer().classList.add("vector-basemap");
  map.getContainer().dataset.credited = "yes";  // the layer credits its data when added
  const state = { down: false, stops: [], path: [], what: "" };
  const check = () => {
    const note = state.down ? OFFLINE : outsideNote(L, map, bounds, basemap.area, state);
    setNote(L, map, note);
    // Tiles are 512 px, read one zoom below the view's: no streets below minzoom + 1. (No
    // minZoom on the layer: Leaflet would stop the whole map zooming out, the fleet's too.)
    const drawable = map.getZoom() > (basemap.minzoom || 0);
    credit(map, basemap.attribution,
      !state.down && drawable && (!bounds || bounds.intersects(map.getBounds())));
  };
  map.whenReady(() => {  // map.getBounds() needs a view first
    reachable(basemap.url).then((ok) => { state.down = !ok; check(); });
    map.on("moveend", check);
    check();
  });
  return {
    // points: what must be on the streets, or { stops, path } for a route (the report, the
    // customer's view), where stops are counted and the path is judged by its share outside.
    watch(points, what) {
      const route = Array.isArray(points) ? { stops: points, path: [] } : points;
      state.stops = (route.stops || []).map((p) => L.latLng(p));
      state.path = (route.path || []).map((p) => L.latLng(p));
      state.what = what;
      if (map._loaded) check();  // eslint-disable-line no-underscore-dangle -- Leaflet's flag
    },
  };
}

// A point this close past the map's edge is on it: GPS noise, a stop on the extract's edge, an
// archive built before its box held the whole extract.
const EDGE_M = 100;
// "Outside" only when it matters: all the stops, at least a quarter of them, or a quarter of the
// path; a mostly central route with one point past the edge is not "outside the map".
const SHARE = 0.25;

function withMargin(L, bounds) {
  const dLat = EDGE_M / 111320;
  const dLon = dLat / Math.cos((bounds.getCenter().lat * Math.PI) / 180);
  return L.latLngBounds([bounds.getSouth() - dLat, bounds.getWest() - dLon],
    [bounds.getNorth() + dLat, bounds.getEast() + dLon]);
}

// "The street map covers Helsinki; 2 of 5 stops are outside it": for the points that matter, or
// for the view when it has left the map's area altogether.
export function outsideText(L, bounds, area, state) {
  const covers = `The street map covers ${area || "another area"}`;
  const near = withMargin(L, bounds);
  const stops = state.stops || [];
  const path = state.path || [];
  const out = stops.filter((p) => !near.contains(p)).length;
  const pathOut = path.filter((p) => !near.contains(p)).length;
  if (typeof state.what === "function") {  // the fleet: how many drivers ("2 drivers")
    return out ? `${covers}; ${state.what(out)} ${out > 1 ? "are" : "is"} outside it` : "";
  }
  const what = state.what || "this route";
  if (out && out === stops.length) return `${covers}; ${what} is outside it`;
  if (out && out / stops.length >= SHARE) {
    return `${covers}; ${out} of ${stops.length} stops ${out > 1 ? "are" : "is"} outside it`;
  }
  if (path.length && pathOut / path.length >= SHARE) {
    return `${covers}; part of ${what} is outside it`;
  }
  return "";
}

function outsideNote(L, map, bounds, area, state) {
  if (!bounds) return "";
  const text = outsideText(L, bounds, area, state);
  if (text || bounds.intersects(map.getBounds())) return text;
  return `The street map covers ${area || "another area"}; this view is outside it`;
}

// The layer's credit on the map only while some of its streets are in view.
function credit(map, attribution, shown) {
  const control = map.attributionControl;
  if (!control || !attribution) return;
  const box = map.getContainer();
  if (shown && box.dataset.credited !== "yes") control.addAttribution(attribution);
  if (!shown && box.dataset.credited !== "no") control.removeAttribution(attribution);
  box.dataset.credited = shown ? "yes" : "no";
}

// protomaps-leaflet only logs a failed archive to the console: ask for the archive's header
// ourselves (the same small range request it makes first) and say so when it does not answer.
async function reachable(url) {
  try {
    return (await fetch(url, { headers: { Range: "bytes=0-126" } })).ok;
  } catch {
    return false;
  }
}

function addRaster(L, map, basemap) {
  const tiles = L.tileLayer(basemap.url, { attribution: basemap.attribution, maxZoom: 19 });
  let failures = 0;
  tiles.on("tileerror", () => {
    failures += 1;
    if (failures === 3) setNote(L, map, OFFLINE);
  });
  tiles.on("tileload", () => { failures = 0; setNote(L, map, ""); });
  tiles.addTo(map);
  return NO_WATCH;
}

// An empty note: streets are drawn. Otherwise the grid shows through and one line says why.
// The note is a Leaflet control in the attribution's corner, so Leaflet stacks the two and
// neither covers the other at any width (the scale bar, bottom left, stays clear too).
function setNote(L, map, text) {
  const box = map.getContainer();
  box.classList.toggle("tiles-offline", Boolean(text));
  let note = box.querySelector(".offline-note");
  if (!text) {
    note?.closest(".leaflet-control")?.remove();
    return;
  }
  if (!note) {
    const control = L.control({ position: "bottomright" });
    control.onAdd = () => {
      const el = L.DomUtil.create("p", "leaflet-control offline-note");
      el.setAttribute("role", "status");
      return el;
    };
    control.addTo(map);
    note = box.querySelector(".offline-note");
  }
  if (note.textContent !== text) note.textContent = text;
}
