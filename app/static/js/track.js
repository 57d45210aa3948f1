// The customer's tracking page: render the customer view, then keep it live over Socket.IO.
import { io } from "../vendor/socket.io/socket.io.esm.min.js";
import { addBasemap } from "./basemap.js";
import { SNAPSHOT, VIEW, WITHDRAWN } from "./events.js";
import { moveMarker, wayBetween } from "./glide.js";
import { fitPadding } from "./map-fit.js";
import { setUpInstructions, updateInstructions } from "./instructions.js";
import { setUpTexts } from "./texts.js";
import {
  headline, renderAttempt, renderDay, renderProof, renderTimeline,
} from "./timeline.js";
import { rotate, vehicleIcon, vehicleName } from "./vehicles.js";
import { plural, t } from "./words.js";

// Leaflet's minified build (148 KB, not the 425 KB ES module), a classic script the page loads
// before this module: its global L.
const { L } = window;
const root = document.getElementById("track");
const config = JSON.parse(root.dataset.config);
const map = L.map("map", { zoomControl: false, keyboard: true, maxZoom: 20 });
// Leaflet's own buttons say "Zoom in" in every language: the page's words instead.
L.control.zoom({ zoomInTitle: t("zoom_in"), zoomOutTitle: t("zoom_out") }).addTo(map);
const layers = { destination: null, driver: null, path: null };
const state = { view: null, receivedAt: 0, fitted: false, live: false, connected: false };

const streets = addBasemap(L, map, config);

function text(id, value) {
  const el = document.getElementById(id);
  if (el.textContent !== value) el.textContent = value;
}

function labelDelivered(view) {
  if (!view.proof || !layers.destination || layers.destination.getTooltip()) return;
  layers.destination.bindTooltip(t("delivered_here", { time: view.proof.time }), {
    permanent: true, direction: "top", offset: [0, -26], className: "delivered-label" });
}

function showDestination(dest) {
  if (!dest || layers.destination) return;
  layers.destination = L.marker([dest.lat, dest.lon], {
    icon: L.divIcon({ className: "destination-marker", html: "<span></span>", iconSize: [26, 26],
      iconAnchor: [13, 26] }),
    title: t("your_address"), alt: t("your_address"),
  }).addTo(map);
}

function onDriver(driver, previous) {
  const pos = driver && driver.position;
  if (!pos) {
    if (layers.driver) layers.driver.remove();
    layers.driver = null;
    return;
  }
  const to = [pos.lat, pos.lon];
  if (!layers.driver) {
    layers.driver = L.marker(to, { icon: vehicleIcon(L, driver.vehicle), keyboard: false,
      title: `${driver.name}, ${vehicleName(driver.vehicle)}` }).addTo(map);
  } else {
    const from = layers.driver.getLatLng();
    const way = wayBetween([from.lat, from.lng], to, previous && previous.path);
    moveMarker(layers.driver, way, performance.now() - state.receivedAt);
  }
  rotate(layers.driver, pos.heading);
  root.dataset.driverLat = pos.lat;
  root.dataset.driverLon = pos.lon;
}

function drawPath(path) {
  if (layers.path) layers.path.remove();
  layers.path = path && path.length > 1
    ? L.polyline(path, { className: "remaining-path", weight: 6, interactive: false }).addTo(map)
    : null;
}

// Before the map: say when it will appear, in stops, since the view knows how many are left.
function mapNote(view) {
  const away = view.stops_away;
  if (view.visited_at && away == null && !view.proof) {
    return t("map_closed");
  }
  if (view.status === "created" && view.status_text === t("arriving_today")) {
    return t("map_after_leaving");
  }
  if (away == null || view.status === "created") {
    return t("map_later");
  }
  if (away <= config.visibleStops) {
    return t("map_soon");
  }
  return plural("stops_before", away, { visible: config.visibleStops });
}

// The map keeps one box in every state (the first HTML's): before the driver is close it shows
// the customer's own door under a note, so the driver's coming moves nothing on the page.
function showMap(view) {
  const live = Boolean(view.driver && view.driver.position);
  // At another customer's door: no position, but the map (the door) keeps its place, veiled.
  const elsewhere = Boolean(view.driver && view.driver.at_another_stop);
  document.getElementById("map-veil").hidden = !elsewhere;
  const shown = live || elsewhere || Boolean(view.proof);
  document.getElementById("map-note").hidden = shown;
  if (!shown) text("map-note", mapNote(view));
  const points = [[view.destination.lat, view.destination.lon]];
  if (live) points.push([view.driver.position.lat, view.driver.position.lon]);
  const route = live && view.path ? [...points, ...view.path] : points;
  streets.watch({ stops: [points[0]], path: route.slice(1) }, "this route");
  const room = roomFor(view, shown);
  if (!state.fitted || live !== state.live || !points.every((p) => clear(p, room))) {
    fitView(route, room);
    state.fitted = true;
    state.live = live;
  }
}

// Room for the pins and the controls as they are at this width (map-fit.js); over a delivered
// door its "Delivered here" label stands too.
function roomFor(view, shown) {
  const room = fitPadding(map);
  if (view.proof) room.paddingTopLeft[1] += 36;
  // Under the note over the map: the door below it.
  if (!shown) room.paddingTopLeft[1] += document.getElementById("map-note").offsetHeight + 12;
  return room;
}

// A point is clear when it is in view outside that room: under the credit or the zoom buttons
// (or below a map that shrank when the proof appeared) it is not, and the view fits again.
function clear(latlng, room) {
  const p = map.latLngToContainerPoint(latlng);
  const size = map.getSize();
  return p.x >= room.paddingTopLeft[0] && p.y >= room.paddingTopLeft[1]
    && p.x <= size.x - room.paddingBottomRight[0] && p.y <= size.y - room.paddingBottomRight[1];
}

// The driver, the path and the destination, all in view with room around them, at any width.
function fitView(route, room) {
  const bounds = L.latLngBounds(route);
  if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
    // One point (the door once delivered): at street zoom, centred in the room left for it.
    const [l, t] = room.paddingTopLeft;
    const [r, b] = room.paddingBottomRight;
    map.setView(bounds.getCenter(), 17, { animate: false });
    map.panBy([(r - l) / 2, (b - t) / 2], { animate: false });
  } else {
    map.fitBounds(bounds, { ...room, maxZoom: 17 });
  }
}

// The page's layout moves the map's size (the proof appears under it, the phone turns): Leaflet
// is told, and the view is checked again against the new size.
new ResizeObserver(() => {
  map.invalidateSize({ pan: false });
  if (state.view) showMap(state.view);
}).observe(document.getElementById("map"));

function announce(view, previous) {
  if (previous && headline(previous) === headline(view)) return;
  // A headline may end in its own full stop (a Finnish date, "pe 27.11."): not one more.
  const said = headline(view);
  const stop = /[.!?…]$/.test(said) ? "" : ".";
  text("announce", `${said}${stop} ${view.eta ? view.eta.text : ""}`.trim());
}

// "Live · updated 3 s ago" only while the driver is on the way: before they leave, once it is
// over or moved to another day, nothing on the page is live (the line keeps its box, hidden).
const ON_THE_WAY = ["out_for_delivery", "approaching", "arriving"];
function onTheWay(view) {
  return ON_THE_WAY.includes(view.status) && !(view.eta && view.eta.moved_to_next_day);
}

function render(view) {
  const previous = state.view;
  root.toggleAttribute("data-on-the-way", onTheWay(view));
  text("status-text", headline(view));
  text("eta-text", view.eta ? view.eta.text : "");
  const d = view.driver;
  // Before the driver leaves the station, the name is who will come, not who is on the way.
  const who = view.status === "created" ? "will_deliver" : "is_delivering";
  // Once it is over (delivered, attempted, back at the station) or moved to the next delivery
  // day, nobody "is delivering" it today.
  const over = ["delivered", "attempted", "returned"].includes(view.status)
    || Boolean(view.eta && view.eta.moved_to_next_day);
  text("driver-text", d && d.name && !over ? t(who, { name: d.name }) : "");
  document.title = `${view.status_text} · Doorstep`;
  root.dataset.status = view.status;
  renderDay(view, config.closesHour);
  renderTimeline(view);
  renderProof(view, (key) => `${config.photosUrl}/${encodeURIComponent(key)}`);
  renderAttempt(view);
  updateInstructions(view.status);
  document.getElementById("feedback-link").hidden = view.status !== "delivered";
  showDestination(view.destination);
  labelDelivered(view);
  onDriver(view.driver, previous);
  drawPath(view.path);
  showMap(view);
  if (previous) announce(view, previous);
  state.view = view;
  state.receivedAt = performance.now();
}

// "updated N s ago": the age of the driver's last fix when its clock is sane, else of our data.
function tickUpdated() {
  const v = state.view;
  if (!v) return;
  const at = Date.parse(v.driver && v.driver.position ? v.driver.position.at : v.updated_at);
  const fixAge = (Date.now() - at) / 1000;
  const age = fixAge >= 0 && fixAge < 6 * 3600 ? fixAge
    : (performance.now() - state.receivedAt) / 1000;
  const words = age < 90 ? `${Math.round(age)} s` : `${Math.round(age / 60)} min`;
  text("updated", state.connected && onTheWay(v) ? t("updated", { age: words }) : "");
}

function onSnapshot(view) {
  state.view = null; // a snapshot replaces everything, e.g. after a server restart
  render(view);
  state.connected = true;
  root.dataset.connection = "live";
  text("connection", t("live"));
}

function onLost() {
  state.connected = false;
  root.dataset.connection = "reconnecting";
  text("connection", t("reconnecting"));
}

function connect() {
  // The language picks the room whose views are worded for this page (app/realtime/sockets.py).
  const socket = io({ auth: { token: config.token, lang: config.lang }, transports: ["websocket"] });
  socket.on(SNAPSHOT, onSnapshot);
  socket.on(VIEW, render);
  // The seller withdrew the route: the page itself says so now (the server answers 410).
  socket.on(WITHDRAWN, () => window.location.reload());
  socket.on("disconnect", onLost);
  socket.on("connect_error", (err) => {
    onLost();
    if (err && /withdrawn/.test(err.message)) {
      window.location.reload();
      return;
    }
    // Refused by the server (e.g. restarted without this link yet): socket.io stops; we retry.
    if (!socket.active) setTimeout(() => socket.connect(), 5000);
  });
}

// The seller's colour, set through the CSSOM: the CSP allows no inline style attribute.
if (config.brandColour) {
  root.style.setProperty("--brand", config.brandColour);
  root.dataset.brand = "";
}
const initial = JSON.parse(root.dataset.view);
setUpInstructions(config, initial.status); // first: render() asks it what is open
render(initial);
connect();
setInterval(tickUpdated, 1000);
setUpTexts(config.textsUrl);
