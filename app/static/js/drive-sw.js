// The driver app's service worker: the app's shell (page, scripts, styles, icons) kept on the
// phone, so the app opens in a dead zone. Its data is not here: the block and everything
// waiting to be sent live in IndexedDB (drive-outbox.js); API calls pass straight through.
const CACHE = "doorstep-driver-v3";  // a new name when SHELL changes: phones fetch it again
const SHELL = [
  "/drive/",
  "/drive/manifest.webmanifest",
  "/static/css/app.css",
  "/static/css/drive.css",
  "/static/js/drive.js",
  "/static/js/drive-location.js",
  "/static/js/drive-map.js",
  "/static/js/drive-order.js",
  "/static/js/drive-outbox.js",
  "/static/js/drive-photo.js",
  "/static/js/drive-undo.js",
  "/static/js/signature.js",
  "/static/js/basemap.js",
  "/static/js/basemap-style.js",
  "/static/js/basemap-tiles.js",
  "/static/js/vehicles.js",
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
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
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
  if (url.pathname === "/drive/" || url.pathname.startsWith("/drive/manifest")
      || SHELL.includes(url.pathname)) {
    event.respondWith(fresh(event.request));
  }
});
