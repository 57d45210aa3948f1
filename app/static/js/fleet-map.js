// The seller's fleet map: one marker per active driver, coloured by status, clustered when close.
import { addBasemap } from "./basemap.js";
import { L } from "./leaflet-cluster.js";
import { fitPadding } from "./map-fit.js";
import { rotate, vehicleIcon, vehicleName } from "./vehicles.js";

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
  const plans = L.layerGroup().addTo(map);
  return { map, cluster, streets, markers: new Map(), plans, planned: new Map(), fitted: false };
}

// Registered routes not started yet: the planned way and stops, dashed, one colour per route,
// so the seller sees the day before it starts. A route leaves this layer at its first fix.
const PLAN_COLOURS = ["#1f6feb", "#d1242f", "#1a7f37", "#8250df", "#bc4c00", "#0a7ea4"];

function drawPlan(route, colour) {
  const group = L.featureGroup();
  const title = `${route.driver} (${vehicleName(route.vehicle)}): planned, ` +
    `${route.stops_total} stops, not started`;
  L.polyline(route.planned.path, { color: colour, weight: 3, opacity: 0.8, dashArray: "6 6",
    className: "planned-path", interactive: false }).addTo(group);
  route.planned.stops.forEach((at, i) => {
    L.circleMarker(at, { radius: 5, color: colour, weight: 2, fillColor: "#fff", fillOpacity: 1,
      className: "planned-stop" }).bindTooltip(`${route.driver}: stop ${i + 1}`).addTo(group);
  });
  L.circleMarker(route.planned.station, { radius: 7, color: colour, weight: 3, fillOpacity: 0.9,
    className: "planned-station" }).bindTooltip(title).addTo(group);
  return group;
}

function updatePlanned(fleet, routes, filters) {
  const shown = new Set();
  for (const route of routes) {
    if (!route.planned || route.status !== "not_started"
      || (filters.vehicle && route.vehicle !== filters.vehicle)
      || (filters.program && route.program !== filters.program)) continue;
    shown.add(route.route_id);
    if (!fleet.planned.has(route.route_id)) {
      const group = drawPlan(route, PLAN_COLOURS[fleet.planned.size % PLAN_COLOURS.length]);
      fleet.planned.set(route.route_id, group);
      fleet.plans.addLayer(group);
    }
  }
  for (const [id, group] of fleet.planned) {
    if (!shown.has(id)) {
      fleet.plans.removeLayer(group);
      fleet.planned.delete(id);
    }
  }
  fleet.map.getContainer().dataset.planned = String(shown.size);
  return shown.size;
}

function isActive(route, filters) {
  return route.position && route.status !== "finished"
    && (!filters.vehicle || route.vehicle === filters.vehicle)
    && (!filters.program || route.program === filters.program);
}

function label(route) {
  const vehicle = vehicleName(route.vehicle);
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

// Show exactly the active, unfiltered drivers (and the routes planned, not started); answer
// how many drivers are shown.
export function updateFleet(fleet, routes, filters) {
  const planned = updatePlanned(fleet, routes, filters);
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
  if (!fleet.fitted && (shown.size || planned)) {
    const bounds = L.latLngBounds([]);
    if (shown.size) bounds.extend(fleet.cluster.getBounds());
    for (const group of fleet.planned.values()) bounds.extend(group.getBounds());
    fleet.map.fitBounds(bounds, { ...fitPadding(fleet.map), maxZoom: 16 });
    fleet.fitted = true;
  }
  fleet.map.getContainer().dataset.drivers = String(shown.size);
  return shown.size;
}
