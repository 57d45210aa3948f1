// The map under the markers: Doorstep's own vector streets (a PMTiles archive drawn by
// protomaps-leaflet), a raster tile server, or none. Streets are decoration: where they cannot be
// drawn (archive missing or unreachable, tiles failing, a route outside the map's area) the map
// turns to a plain grid and says why, and the markers, path and destination stay readable on it.
import { BACKGROUND, labelRules, paintRules } from "./basemap-style.js";

const OUTSIDE = "Outside this server's street map: streets not shown";

export function addBasemap(L, map, config) {
  const basemap = config.basemap || { kind: "none", note: "Streets not shown" };
  if (basemap.kind === "vector") return addVector(L, map, basemap);
  if (basemap.kind === "raster") return addRaster(L, map, basemap);
  setNote(map, basemap.note);  // no streets: nothing of OpenStreetMap's to credit either
  return null;
}

function addVector(L, map, basemap) {
  const P = window.protomapsL; // a classic script (base.html) that reads the global L when called
  if (!P) {
    setNote(map, "Streets not shown: the map renderer did not load");
    return null;
  }
  window.L = window.L || L;
  const bounds = basemap.bounds ? L.latLngBounds(basemap.bounds) : null;
  const layer = P.leafletLayer({
    url: basemap.url, paintRules: paintRules(P), labelRules: labelRules(P),
    backgroundColor: BACKGROUND, attribution: basemap.attribution,
    maxDataZoom: basemap.maxzoom || 16, maxZoom: 20, bounds: bounds || undefined,
  });
  layer.addTo(map);
  map.getContainer().classList.add("vector-basemap");
  let down = false;
  const check = () => {
    if (down) setNote(map, "Offline: streets not shown");
    else if (bounds) setNote(map, bounds.intersects(map.getBounds()) ? "" : OUTSIDE);
  };
  map.whenReady(() => {  // map.getBounds() needs a view first
    reachable(basemap.url).then((ok) => { down = !ok; check(); });
    map.on("moveend", check);
    check();
  });
  return layer;
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
    if (failures === 3) setNote(map, "Offline: streets not shown");
  });
  tiles.on("tileload", () => { failures = 0; setNote(map, ""); });
  tiles.addTo(map);
  return tiles;
}

// An empty note: streets are drawn. Otherwise the grid background and one line saying why not.
function setNote(map, text) {
  const box = map.getContainer();
  box.classList.toggle("tiles-offline", Boolean(text));
  let note = box.querySelector(".offline-note");
  if (!text) {
    note?.remove();
    return;
  }
  if (!note) {
    note = document.createElement("p");
    note.className = "offline-note";
    box.appendChild(note);
  }
  note.textContent = text;
}
