// The customer's tracking page: render the customer view, then keep it live over Socket.IO.
import * as L from "../vendor/leaflet/leaflet-src.esm.js";
import { io } from "../vendor/socket.io/socket.io.esm.min.js";
import { SNAPSHOT, VIEW } from "./events.js";

const root = document.getElementById("track");
const config = JSON.parse(root.dataset.config);
const map = L.map("map", { zoomControl: true });
const layers = { destination: null, driver: null, path: null };
let fitted = false;

// Tiles are decoration: offline, the markers and path still stand on a plain background.
L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);

function text(id, value) {
  const el = document.getElementById(id);
  if (el.textContent !== value) el.textContent = value;
}

function driverIcon(vehicle) {
  return L.divIcon({ className: `driver-marker vehicle-${vehicle}`, html: "<span></span>",
    iconSize: [28, 28] });
}

function showDestination(dest) {
  if (!dest || layers.destination) return;
  layers.destination = L.marker([dest.lat, dest.lon], {
    icon: L.divIcon({ className: "destination-marker", html: "<span></span>", iconSize: [22, 22] }),
    title: "Your delivery address", keyboard: false,
  }).addTo(map);
}

function moveDriver(driver) {
  const pos = driver && driver.position;
  if (!pos) {
    if (layers.driver) layers.driver.remove();
    layers.driver = null;
    return;
  }
  const at = [pos.lat, pos.lon];
  if (!layers.driver) {
    layers.driver = L.marker(at, { icon: driverIcon(driver.vehicle), title: driver.name,
      keyboard: false }).addTo(map);
  } else {
    layers.driver.setLatLng(at);
  }
  root.dataset.driverLat = pos.lat;
  root.dataset.driverLon = pos.lon;
}

function drawPath(path) {
  if (layers.path) layers.path.remove();
  layers.path = path && path.length > 1
    ? L.polyline(path, { className: "remaining-path", weight: 5 }).addTo(map) : null;
}

function fit(view) {
  if (fitted) return;
  const points = [];
  if (view.destination) points.push([view.destination.lat, view.destination.lon]);
  if (view.driver && view.driver.position) points.push([view.driver.position.lat, view.driver.position.lon]);
  if (points.length === 1) map.setView(points[0], 16);
  else if (points.length > 1) map.fitBounds(points, { padding: [40, 40], maxZoom: 17 });
  fitted = points.length > 0;
}

function render(view) {
  text("status-text", view.status_text);
  text("eta-text", view.eta ? view.eta.text : "");
  document.title = `${view.status_text} · Doorstep`;
  root.dataset.status = view.status;
  showDestination(view.destination);
  moveDriver(view.driver);
  drawPath(view.path);
  fit(view);
}

function onSnapshot(view) {
  render(view);
  text("connection", "Live");
}

function connect() {
  const socket = io({ auth: { token: config.token }, transports: ["websocket"] });
  socket.on(SNAPSHOT, onSnapshot);
  socket.on(VIEW, render);
  socket.on("connect_error", () => text("connection", "Reconnecting…"));
  socket.on("disconnect", () => text("connection", "Reconnecting…"));
}

render(JSON.parse(root.dataset.view));
connect();
