// The route report's streets (app/basemap/report.py): only reachable when the report is opened from
// the server. folium's map is a global named in data-map; Leaflet is the report's inlined copy.
import { addBasemap } from "./basemap.js";
import { loadScript } from "./load-script.js";

// Every point of the route's lines and markers, as folium drew them.
function routePoints(m) {
  const points = [];
  m.eachLayer((layer) => {
    if (layer.getLatLng) points.push(layer.getLatLng());
    else if (layer.getLatLngs) points.push(...layer.getLatLngs().flat(2));
  });
  return points;
}

const box = document.getElementById("report-basemap");
const map = window[box.dataset.map];
await loadScript(box.dataset.renderer);
const streets = addBasemap(window.L, map, { basemap: JSON.parse(box.dataset.basemap) });
streets.watch(routePoints(map), "this route");
document.getElementById("report-streets-note")?.remove();
