// Copy the pinned npm packages the pages load into app/static/vendor (git-ignored).
import { cpSync, mkdirSync } from "node:fs";

const files = [
  ["node_modules/leaflet/dist", "app/static/vendor/leaflet"],
  ["node_modules/leaflet.markercluster/dist", "app/static/vendor/leaflet.markercluster"],
  ["node_modules/socket.io-client/dist/socket.io.esm.min.js", "app/static/vendor/socket.io/socket.io.esm.min.js"],
  ["node_modules/protomaps-leaflet/dist/protomaps-leaflet.js", "app/static/vendor/protomaps-leaflet/protomaps-leaflet.js"],
  // Only for BASEMAP=<a MapLibre style URL> (static/js/basemap-maplibre.js loads them then).
  ["node_modules/maplibre-gl/dist/maplibre-gl.mjs", "app/static/vendor/maplibre-gl/maplibre-gl.mjs"],
  ["node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs", "app/static/vendor/maplibre-gl/maplibre-gl-worker.mjs"],
  ["node_modules/maplibre-gl/dist/maplibre-gl.css", "app/static/vendor/maplibre-gl/maplibre-gl.css"],
  ["node_modules/@maplibre/maplibre-gl-leaflet/leaflet-maplibre-gl.js", "app/static/vendor/maplibre-gl-leaflet/leaflet-maplibre-gl.js"],
];
for (const [from, to] of files) {
  mkdirSync(to.replace(/\/[^/]*\.(m?js|css)$/, ""), { recursive: true });
  cpSync(from, to, { recursive: true });
}
console.log("vendor: copied", files.length, "packages into app/static/vendor");
