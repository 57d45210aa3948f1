// The seller's dashboard: fleet map and shipments, live over Socket.IO with the session cookie.
import { io } from "../vendor/socket.io/socket.io.esm.min.js";
import { setUpCustomers } from "./customers.js";
import { setUpDemo } from "./demo.js";
import { setUpDriverLinks, updateDriverRoutes } from "./driver-links.js";
import { FLEET, SNAPSHOT } from "./events.js";
import { createFleetMap, updateFleet } from "./fleet-map.js";
import { fillOrderMessage, loadFeedback, setUpMessages } from "./messages.js";
import { checkPrograms, setUpPrograms } from "./programs.js";
import { renderTable, shipmentRows } from "./shipments-table.js";

const root = document.getElementById("dashboard");
const config = JSON.parse(root.dataset.config);
const routes = new Map();
const filters = { vehicle: "", program: "", query: "", status: "" };
const fleet = createFleetMap("fleet-map", config, (lat, lon) => checkPrograms(config, lat, lon));
let delivered = 0;

function text(id, value) {
  const el = document.getElementById(id);
  if (el.textContent !== value) el.textContent = value;
}

function render() {
  const all = [...routes.values()];
  text("driver-count", String(updateFleet(fleet, all, filters)));
  const rows = shipmentRows(all).filter((r) => (!filters.vehicle || r.route.vehicle === filters.vehicle)
    && (!filters.program || r.route.program === filters.program));
  renderTable(rows, filters, fillOrderMessage);
  updateDriverRoutes(all);
  const now = rows.filter((r) => r.status === "delivered").length;
  if (now !== delivered) {
    delivered = now;
    loadFeedback(config); // a delivery schedules a feedback request
  }
}

function onSnapshot(data) {
  routes.clear(); // a snapshot replaces everything, e.g. after a reconnect
  for (const route of data.routes) routes.set(route.route_id, route);
  text("connection", "Live");
  root.dataset.connection = "live";
  render();
}

function onFleet(data) {
  for (const route of data.routes) routes.set(route.route_id, route);
  for (const id of data.withdrawn || []) routes.delete(id); // the seller took it back
  render();
}

function onLost() {
  text("connection", "Reconnecting…");
  root.dataset.connection = "reconnecting";
}

function bindFilter(id, key, event = "change") {
  document.getElementById(id).addEventListener(event, (e) => {
    filters[key] = e.target.value;
    render();
  });
}

function connect() {
  // No key in the page: the signed-in session cookie authorises the socket.
  const socket = io({ transports: ["websocket"] });
  socket.on(SNAPSHOT, onSnapshot);
  socket.on(FLEET, onFleet);
  socket.on("disconnect", onLost);
  socket.on("connect_error", () => {
    onLost();
    if (!socket.active) setTimeout(() => socket.connect(), 5000);
  });
}

bindFilter("filter-vehicle", "vehicle");
bindFilter("filter-program", "program");
bindFilter("filter-status", "status");
bindFilter("search", "query", "input");
setUpDemo(config);
setUpDriverLinks(config);
setUpPrograms(config);
setUpMessages();
loadFeedback(config);
setUpCustomers(config);
connect();
