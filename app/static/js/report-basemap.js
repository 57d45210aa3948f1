// The route report's streets (app/basemap/report.py): only reachable when the report is opened from
// the server. folium's map is a global named in data-map; Leaflet is the report's inlined copy.
import { addBasemap } from "./basemap.js";

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = reject;
    document.head.appendChild(s);
  });
}

const box = document.getElementById("report-basemap");
const map = window[box.dataset.map];
await loadScript(box.dataset.renderer);
addBasemap(window.L, map, { basemap: JSON.parse(box.dataset.basemap) });
document.getElementById("report-streets-note")?.remove();
