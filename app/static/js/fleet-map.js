// The seller's fleet map: one marker per active driver, coloured by status, clustered when close.
import { addBasemap } from "./basemap.js";
import { L } from "./leaflet-cluster.js";
import { rotate, VEHICLE_NAMES, vehicleIcon } from "./vehicles.js";

const HELSINKI = [60.1699, 24.9384];  // the bundled map, when the street map gives no area

function startView(L, basemap) {
  return basemap && basemap.bounds ? L.latLngBounds(basemap.bounds).getCenter() : HELSINKI;
}

export function createFleetMap(element, config, onPick) {
  // maxZoom here, not from a tile layer: with no streets (archive missing) the clusters need it.
  const map = L.map(element, { keyboard: true, maxZoom: 20 }).setView(startView(L, config.basemap), 14);
  const streets = addBasemap(L, map, config);
  const cluster = L.markerClusterGroup({ maxClusterRadius: 40, disableClusteringAtZoom: 18,
    showCoverageOnHover: false });
  map.addLayer(cluster);
  map.on("click", (e) => onPick(e.latlng.lat, e.latlng.lng));
  return { map, cluster, streets, markers: new Map(), fitted: false };
}

function isActive(route, filters) {
  return route.position && route.status !== "finished"
    && (!filters.vehicle || route.vehicle === filters.vehicle)
    && (!filters.program || route.program === filters.program);
}

function label(route) {
  const vehicle = VEHICLE_NAMES[route.vehicle] || route.vehicle;
  const visited = route.stops_visited ? ` (${route.stops_visited} more visited)` : "";
  // A Traccar / OsmAnd phone's battery, from its fixes and heartbeats.
  const battery = route.phone && route.phone.battery != null
    ? `, phone ${Math.round(route.phone.battery)}%` : "";
  return `${route.driver} (${vehicle}, ${route.program}): ${route.stops_done} of ` +
    `${route.stops_total} stops done${visited}, ${route.status.replace("_", " ")}${battery}`;
}

function upsert(fleet, route) {
  const at = [route.position.lat, route.position.lon];
  const icon = () => vehicleIcon(L, route.vehicle, `fleet-marker status-${route.status}`);
  let marker = fleet.markers.get(route.route_id);
  if (!marker) {
    marker = L.marker(at, { icon: icon(), title: label(route), keyboard: true });
    fleet.markers.set(route.route_id, marker);
    fleet.cluster.addLayer(marker);
  } else {
    marker.setLatLng(at);
    if (marker.status !== route.status) marker.setIcon(icon());
  }
  marker.status = route.status;
  marker.options.title = label(route);
  const el = marker.getElement();
  if (el) el.title = label(route);
  rotate(marker, route.position.heading);
}

// Show exactly the active, unfiltered drivers; answer how many are shown.
export function updateFleet(fleet, routes, filters) {
  const shown = new Set();
  for (const route of routes) {
    if (!isActive(route, filters)) continue;
    upsert(fleet, route);
    shown.add(route.route_id);
  }
  for (const [id, marker] of fleet.markers) {
    if (!shown.has(id)) {
      fleet.cluster.removeLayer(marker);
      fleet.markers.delete(id);
    }
  }
  fleet.cluster.refreshClusters();
  fleet.streets.watch([...fleet.markers.values()].map((m) => m.getLatLng()),
    (n) => (n === 1 ? "1 driver" : `${n} drivers`));
  if (!fleet.fitted && shown.size) {
    fleet.map.fitBounds(fleet.cluster.getBounds(), { padding: [40, 40], maxZoom: 16 });
    fleet.fitted = true;
  }
  fleet.map.getContainer().dataset.drivers = String(shown.size);
  return shown.size;
}
