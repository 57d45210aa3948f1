// The route report's streets (app/basemap/report.py): only reachable when the report is opened from
// the server. folium's map is a global named in data-map; Leaflet is the report's inlined copy.
import { addBasemap } from "./basemap.js";
import { loadScript } from "./load-script.js";
import { fitPadding } from "./map-fit.js";

// The route as folium drew it: the stops (circle markers of class report-stop, report_map.py)
// and every other point (the path, the station).
function routePoints(m) {
  const stops = [];
  const path = [];
  m.eachLayer((layer) => {
    const stop = (layer.options.className || "").split(" ").includes("report-stop");
    if (layer.getLatLng) (stop ? stops : path).push(layer.getLatLng());
    else if (layer.getLatLngs) path.push(...layer.getLatLngs().flat(2));
  });
  return { stops, path };
}

const box = document.getElementById("report-basemap");
const map = window[box.dataset.map];
await loadScript(box.dataset.renderer);
const streets = addBasemap(window.L, map, { basemap: JSON.parse(box.dataset.basemap) });
const route = routePoints(map);
streets.watch(route, "this route");
// folium fitted the route with fixed room for the title and the credit; fit it again with the
// room the controls and the title take at this width (map-fit.js).
const all = [...route.stops, ...route.path];
if (all.length) {
  map.fitBounds(window.L.latLngBounds(all),
    { ...fitPadding(map, [document.querySelector(".report-title")].filter(Boolean)), maxZoom: 17 });
}
document.getElementById("report-streets-note")?.remove();
