// The driver app's service worker: the app's shell (page, scripts, styles, icons) kept on the
// phone, so the app opens in a dead zone, and a copy of the street map's archive, so its
// streets are drawn there too. Its data is not here: the block and everything waiting to be
// sent live in IndexedDB (drive-outbox.js); API calls pass straight through.
const CACHE = "doorstep-driver-v7";  // a new name when SHELL changes: phones fetch it again
const MAP_CACHE = "doorstep-driver-map";  // kept across shell versions: the map has its ETag
// The archive's URL and the largest copy worth a phone's storage, from the page's server
// (app/web/pages/driver.py); without them the map is not kept.
const params = new URL(self.location.href).searchParams;
const MAP_PATH = params.get("map");
const MAP_MAX_BYTES = Number(params.get("max") || 0);
const SHELL = [
  "/drive/",
  "/drive/manifest.webmanifest",
  "/static/css/app.css",
  "/static/css/drive.css",
  "/static/js/drive.js",
  "/static/js/drive-clock.js",
  "/static/js/drive-location.js",
  "/static/js/drive-map.js",
  "/static/js/drive-order.js",
  "/static/js/drive-outbox.js",
  "/static/js/drive-photo.js",
  "/static/js/drive-undo.js",
  "/static/js/drive-words.js",
  "/static/js/signature.js",
  "/static/js/basemap.js",
  "/static/js/basemap-style.js",
  "/static/js/basemap-tiles.js",
  "/static/js/vehicles.js",
  "/static/js/words.js",
  "/static/icons/driver.svg",
  "/static/icons/driver-maskable.svg",
  "/static/vendor/leaflet/leaflet.css",
  "/static/vendor/leaflet/leaflet-src.esm.js",
  "/static/vendor/protomaps-leaflet/protomaps-leaflet.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE && k !== MAP_CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim())
    // The page's first tiles came before this worker was there: fetch the map now, while
    // the phone is surely online, not at the first dead zone.
    .then(() => MAP_PATH && fetch(MAP_PATH, { headers: { Range: "bytes=0-0" } })
      .then((resp) => resp.ok && keepMap(resp, null)).catch(() => {})));
});

// The network first, so a new version arrives as soon as there is one; the copy when offline.
async function fresh(request) {
  const cache = await caches.open(CACHE);
  try {
    const resp = await fetch(request);
    if (resp.ok) cache.put(request, resp.clone());
    return resp;
  } catch (err) {
    const copy = await cache.match(request, { ignoreSearch: true });
    if (copy) return copy;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (MAP_PATH && url.pathname === MAP_PATH) {
    event.respondWith(mapBytes(event));
    return;
  }
  if (url.pathname === "/drive/" || url.pathname.startsWith("/drive/manifest")
      || SHELL.includes(url.pathname)) {
    event.respondWith(fresh(event.request));
  }
});

// The street map: byte ranges from the network while there is one; each answer's ETag tells
// whether the phone's copy is still the server's archive, and a changed one is fetched whole
// again. Without a network, the same ranges are cut from the copy.
let copy = null;  // { etag, bytes: ArrayBuffer, type } read once from MAP_CACHE
let refreshing = null;  // the ETag being fetched, so 20 tiles at once fetch it once
const told = new Set();  // pages told the map is too large to keep (once each)

async function mapBytes(event) {
  let resp;
  try {
    resp = await fetch(event.request);
  } catch (err) {
    const kept = await keptMap();
    if (!kept) throw err;
    return rangeOf(kept, event.request.headers.get("Range"));
  }
  if (resp.ok) event.waitUntil(keepMap(resp, event.clientId).catch(() => {}));
  if (resp.status < 500) return resp;
  // A server (or its proxy) that is down: the phone's copy still has the streets.
  const kept = await keptMap();
  return kept ? rangeOf(kept, event.request.headers.get("Range")) : resp;
}

async function keptMap() {
  if (copy) return copy;
  const resp = await (await caches.open(MAP_CACHE)).match(MAP_PATH);
  if (!resp) return null;
  copy = { etag: resp.headers.get("ETag"), type: resp.headers.get("Content-Type"),
    bytes: await resp.arrayBuffer() };
  return copy;
}

async function keepMap(resp, clientId) {
  const etag = resp.headers.get("ETag");
  const total = Number((resp.headers.get("Content-Range") || "").split("/")[1]
    || resp.headers.get("Content-Length"));
  if (!etag || refreshing === etag) return;
  const kept = await keptMap();
  if (kept && kept.etag === etag) return;
  if (!(total > 0 && total <= MAP_MAX_BYTES)) {
    if (!told.has(`${clientId}|${etag}`)) {
      told.add(`${clientId}|${etag}`);
      const client = clientId && await self.clients.get(clientId);
      if (client) client.postMessage({ kind: "map-offline", kept: false, bytes: total });
    }
    return;
  }
  refreshing = etag;
  try {
    const whole = await fetch(MAP_PATH, { cache: "no-store" });
    const bytes = await whole.clone().arrayBuffer();
    if (whole.status !== 200 || bytes.byteLength > MAP_MAX_BYTES) return;
    await (await caches.open(MAP_CACHE)).put(MAP_PATH, whole);
    copy = { etag: whole.headers.get("ETag"), type: whole.headers.get("Content-Type"), bytes };
  } finally {
    refreshing = null;
  }
}

// One range, as the server answers it (app/basemap/serve.py): 206 and Content-Range; a
// header that does not parse, the whole copy; a start past the end, 416.
function rangeOf(kept, header) {
  const size = kept.bytes.byteLength;
  const base = { "Content-Type": kept.type || "application/vnd.pmtiles",
    "Accept-Ranges": "bytes", ...(kept.etag ? { ETag: kept.etag } : {}) };
  const m = /^bytes=(\d*)-(\d*)$/.exec((header || "").trim());
  if (!m || (m[1] === "" && m[2] === "")) {
    return new Response(kept.bytes, { status: 200,
      headers: { ...base, "Content-Length": String(size) } });
  }
  let start = m[1] === "" ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === "" || m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) {
    return new Response(null, { status: 416, headers: { ...base,
      "Content-Range": `bytes */${size}` } });
  }
  start = Math.max(0, start);
  return new Response(kept.bytes.slice(start, end + 1), { status: 206, headers: { ...base,
    "Content-Range": `bytes ${start}-${end}/${size}`, "Content-Length": String(end - start + 1) } });
}
