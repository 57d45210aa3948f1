// The seller's day: orders checked row by row (unsure pins draggable), couriers chosen, blocks
// planned on the street network, routes registered. All the work is the server's
// (app/web/pages/planning.py); this page shows it and carries the seller's corrections.
import * as L from "../vendor/leaflet/leaflet-src.esm.js";
import { addBasemap } from "./basemap.js";
import { readCouriers, setUpCouriers } from "./plan-couriers.js";
import { showRegistered } from "./plan-handover.js";
import { downloadCsv, renderSheet } from "./plan-sheet.js";

const root = document.getElementById("planner");
const config = JSON.parse(root.dataset.config);
const $ = (id) => document.getElementById(id);
const status = $("plan-status");
const COLOURS = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#4e342e"];

const map = L.map("plan-map", { keyboard: true, maxZoom: 20 }).setView([60.1699, 24.9384], 14);
addBasemap(L, map, config);
// The side panel grows as the steps open: keep the map's idea of its size true.
new ResizeObserver(() => map.invalidateSize()).observe(map.getContainer());
const layers = { pins: L.layerGroup().addTo(map), blocks: L.layerGroup().addTo(map) };
const state = { report: null, station: null, plan: null };

// Tomorrow in the seller's zone (not UTC's: after 22:00 UTC Helsinki is already on the next day).
$("plan-date").value = new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone })
  .format(new Date(Date.now() + 86400000));

let stationMarker = null;
function setStation(latlng) {
  state.station = { lat: latlng.lat, lon: latlng.lng, name: "Station" };
  if (!stationMarker) {
    stationMarker = L.marker(latlng, { draggable: true, title: "Station", keyboard: true })
      .bindTooltip("Station", { permanent: true, direction: "top" }).addTo(map);
    stationMarker.on("dragend", () => setStation(stationMarker.getLatLng()));
  } else {
    stationMarker.setLatLng(latlng);
  }
  root.dataset.station = "set";
}
map.on("click", (e) => setStation(e.latlng));

async function post(url, body) {
  const resp = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrfToken },
    body: JSON.stringify(body),
  });
  const data = await resp.json().catch(() => ({ error: `the server answered ${resp.status}` }));
  if (!resp.ok) {
    const err = new Error(data.error || `the server answered ${resp.status}`);
    err.data = data;
    throw err;
  }
  return data;
}

function say(text) {
  status.textContent = text;
}

function cell(tr, text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  tr.appendChild(td);
  return td;
}

function statusText(row) {
  if (row.status === "error") return row.problems.map((p) => `${p.field}: ${p.message}`).join("; ");
  if (row.status === "ok") return "ok";
  const why = ["exact", "other_street"].includes(row.place.quality) ? []
    : [`check the pin (${row.place.quality})`];
  return [...why, ...(row.warnings || []).map((w) => w.message)].join("; ");
}

// Where parcels are collected first: a pin of its own, which the seller may drag to the door.
function renderPickups(pickups) {
  for (const p of pickups) {
    const marker = L.marker([p.place.lat, p.place.lon], {
      draggable: true, keyboard: true, title: `Pickup: ${p.address}`,
      icon: L.divIcon({ className: "pickup-pin", html: "P", iconSize: [26, 26] }),
    }).bindTooltip(`Pickup: ${p.address}`, { direction: "top" }).addTo(layers.pins);
    marker.on("dragend", () => {
      const at = marker.getLatLng();
      p.place.lat = at.lat;
      p.place.lon = at.lng;
    });
  }
}

function renderRows(report) {
  const body = $("rows-body");
  body.replaceChildren();
  layers.pins.clearLayers();
  const points = [];
  for (const row of report.rows) {
    const tr = document.createElement("tr");
    tr.dataset.status = row.status;
    cell(tr, row.row);
    cell(tr, row.order.recipient);
    // What the seller typed; and what the geocoder found, when it is not that house.
    const address = cell(tr, row.order.address);
    if (row.place && row.place.quality !== "exact") {
      const found = document.createElement("small");
      found.className = "found";
      found.textContent = `found: ${row.place.address}`;
      address.append(document.createElement("br"), found);
    }
    cell(tr, statusText(row)).className = `status-pill row-${row.status}`;
    body.appendChild(tr);
    if (!row.place) continue;
    const at = [row.place.lat, row.place.lon];
    points.push(at);
    const marker = L.marker(at, {
      draggable: row.status === "check", keyboard: true,
      title: `${row.order.recipient}: ${row.place.address}`,
    }).addTo(layers.pins);
    marker.on("dragend", () => {
      const p = marker.getLatLng();
      row.place.lat = p.lat;
      row.place.lon = p.lng;
      row.place.quality = "exact"; // the seller put it there
      const warned = (row.warnings || []).map((w) => w.message);
      row.status = warned.length ? "check" : "ok";
      tr.dataset.status = row.status;
      tr.lastChild.textContent = ["ok (pin moved)", ...warned].join("; ");
    });
  }
  renderPickups(report.pickups || []);
  const s = report.summary;
  $("rows-summary").textContent = `${s.ok} ok, ${s.check} to check, ${s.error} to fix`;
  $("rows-panel").hidden = false;
  $("rows-panel").classList.remove("stale");
  $("couriers-form").hidden = s.error > 0;
  if (points.length) map.fitBounds(L.latLngBounds(points), { padding: [30, 30] });
  if (!state.station && points.length) setStation(L.latLngBounds(points).getCenter());
  root.dataset.checked = String(report.rows.length);
}

// A chosen file is read into the text box, which is what gets checked: the seller sees it and can
// correct it there. Excel saves CSV in the PC's code page unless told "CSV UTF-8": a file that
// is not valid UTF-8 is read as Windows-1252 (a superset of Latin-1) instead of garbling "ö".
async function fileText(file) {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

// Which file was read into the text box last (name, size, time): choosing the same file again
// after fixing it fires no "change" in some browsers, so "Check" reads a new one itself.
let loaded = "";
async function loadFile() {
  const file = $("orders-file").files[0];
  const sig = file ? `${file.name}:${file.size}:${file.lastModified}` : "";
  if (!file || sig === loaded) return;
  loaded = sig;
  $("orders-csv").value = await fileText(file);
}

// A check answers for the text (and date) it was given: any edit after it makes it stale, and
// "Plan the day" would plan the old orders. `edits` also drops an answer to an older text.
let edits = 0;
function uncheck() {
  edits += 1;
  if (!state.report) return;
  state.report = null;
  $("couriers-form").hidden = true;
  $("rows-panel").classList.add("stale");
  root.dataset.checked = "";
  say("The orders changed: check them again before planning.");
}

let reading = Promise.resolve();
$("orders-file").addEventListener("change", () => { uncheck(); reading = loadFile(); });
$("orders-csv").addEventListener("input", uncheck);
$("plan-date").addEventListener("change", uncheck);

$("orders-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  await reading;
  await loadFile();
  const csv = $("orders-csv").value;
  const asked = edits;
  say("Checking the orders…");
  let report;
  try {
    report = await post(config.checkUrl, {
      csv, date: $("plan-date").value, timezone: config.timezone,
    });
  } catch (err) {
    say(`Not checked: ${err.message}`);
    return;
  }
  if (asked !== edits) { // edited while it was checked: that answer is for the old text
    say("The orders changed while they were checked: check them again.");
    return;
  }
  state.report = report;
  onTheWay = new Set(); // a new file: the register step names them again
  renderRows(state.report);
  const errors = state.report.summary.error;
  say(errors ? `${errors} order(s) to fix in the file; check it again when they are.`
    : "Orders checked. Drag any pin marked \"check\", then choose the couriers.");
});

// Orders on a route already on the way (the register step names them when the day is
// replaced): planned again they would be delivered twice, so the new plan leaves them out.
let onTheWay = new Set();

function orders() {
  return state.report.rows.filter((r) => r.status !== "error" &&
    !(r.order.reference && onTheWay.has(r.order.reference))).map((r) => ({
    // The pin is the geocoder's (or where the seller dragged it); the address the driver and the
    // sheet show is the one found, with what the seller typed (its staircase and flat, or a typo)
    // as a note when it differs: the planner answers both.
    lat: r.place.lat, lon: r.place.lon, recipient: r.order.recipient,
    address: r.order.address || r.place.address, found_address: r.place.address || undefined,
    phone: r.order.phone || undefined,
    reference: r.order.reference || undefined, notes: r.order.notes || undefined,
    program: r.order.program, parcels: r.order.parcels || 1,
    slot: r.order.slot || undefined, pickup: r.order.pickup ?? undefined,
  }));
}

function pickups() {
  return (state.report.pickups || []).map((p) => ({
    lat: p.place.lat, lon: p.place.lon, address: p.address,
  }));
}

function renderPlan(plan, list) {
  layers.blocks.clearLayers();
  const ol = $("blocks-list");
  ol.replaceChildren();
  plan.blocks.forEach((b, k) => {
    const colour = COLOURS[k % COLOURS.length];
    b.route.legs.forEach((leg) => L.polyline(leg, { color: colour, weight: 4, opacity: 0.8 })
      .addTo(layers.blocks));
    b.route.stops.forEach((s, n) => L.circleMarker([s.lat, s.lon], {
      radius: 8, color: colour, fillColor: "#fff", fillOpacity: 1, weight: 3,
    }).bindTooltip(`${b.courier} · ${n + 1}. ${s.address}`).addTo(layers.blocks));
    const li = document.createElement("li");
    li.style.borderLeftColor = colour;
    const clock = (iso) => iso.slice(11, 16);
    li.textContent = `${b.courier} (${b.vehicle}): ${b.stops} stops, ${b.parcels} parcels, ` +
      `${(b.distance_m / 1000).toFixed(1)} km, ${clock(b.start)}-${clock(b.end)}`;
    ol.appendChild(li);
  });
  const ul = $("unassigned-list");
  ul.replaceChildren();
  for (const u of plan.unassigned) {
    const li = document.createElement("li");
    li.textContent = `Not planned: ${list[u.order].recipient}, ${list[u.order].address} (${u.reason})`;
    ul.appendChild(li);
  }
  $("blocks-panel").hidden = false;
  $("register-button").disabled = false;
  $("registered").hidden = true;
  $("replace-box").hidden = true;
  renderSheet(plan, $("plan-date").value);
  root.dataset.blocks = String(plan.blocks.length);
}

setUpCouriers(config.vehicles);

$("couriers-form").addEventListener("submit", (e) => {
  e.preventDefault();
  planDay();
});

async function planDay() {
  if (!state.report) {
    say("Check the orders first.");
    return;
  }
  const couriers = readCouriers();
  if (!couriers.length) {
    say("Add at least one courier.");
    return;
  }
  const list = orders();
  say("Planning…");
  try {
    state.plan = await post(config.planUrl, {
      date: $("plan-date").value, timezone: config.timezone, station: state.station,
      couriers, orders: list, pickups: pickups(),
      max_block_hours: Number($("block-hours").value),
    });
  } catch (err) {
    say(`Not planned: ${err.message}`);
    return;
  }
  renderPlan(state.plan, list);
  say(`${state.plan.blocks.length} block(s) planned` +
    (state.plan.unassigned.length ? `, ${state.plan.unassigned.length} order(s) left out.` : ".") +
    (onTheWay.size ? ` ${onTheWay.size} order(s) already on the way are not planned again.` : ""));
  return true;
}

$("print-button").addEventListener("click", () => window.print());
$("csv-button").addEventListener("click", () => {
  if (state.plan) downloadCsv(state.plan, $("plan-date").value);
});

// Registering a day again (planned again after a change) would double it: the server says
// which routes that day already has, and the seller replaces them or adds these too.
function askReplace(earlier) {
  const box = $("replace-box");
  const list = $("replace-list");
  list.replaceChildren(...earlier.map((r) => {
    const li = document.createElement("li");
    li.textContent = `${r.driver} (${r.vehicle}), ${r.stops} stops` +
      (r.started ? " · on the way: kept" : "");
    return li;
  }));
  $("replace-title").textContent = `${earlier.length} route(s) are already registered for ` +
    `${$("plan-date").value}.`;
  box.hidden = false;
  $("register-button").disabled = true;
}

async function register(replace) {
  if (!state.plan) return;
  say("Registering…");
  $("replace-box").hidden = true;
  let result;
  try {
    result = await post(config.registerUrl, {
      routes: state.plan.blocks.map((b) => b.route), ...(replace === undefined ? {} : { replace }),
    });
  } catch (err) {
    if (err.data && err.data.field === "routes" && err.data.on_the_way) {
      err.data.on_the_way.forEach((ref) => onTheWay.add(ref));
      if (await planDay()) {
        say(`${err.data.on_the_way.length} order(s) are on a route already on the way ` +
          `(${err.data.on_the_way.join(", ")}): planned again without them. ` +
          "Look at the plan and register it.");
      }
      return;
    }
    if (err.data && err.data.field === "replace") {
      askReplace(err.data.earlier);
      say("This day has routes already: replace them, or add these too.");
      return;
    }
    say(`Not registered: ${err.message}`);
    return;
  }
  showRegistered(result.routes, config);
  renderSheet(state.plan, $("plan-date").value, result.routes.map((r) => r.driver_link));
  const a = document.createElement("a");
  a.href = config.dashboardUrl;
  a.textContent = "See them on the dashboard";
  const box = $("registered");
  box.appendChild(a);
  box.hidden = false;
  $("register-button").disabled = true;
  root.dataset.registered = String(result.routes.length);
  const gone = result.withdrawn.length;
  say(gone ? `Registered; the ${gone} route(s) registered before for this day were withdrawn` +
    (result.kept.length ? ` (${result.kept.length} on the way kept).` : ".") : "Registered.");
}

$("register-button").addEventListener("click", () => register());
$("replace-yes").addEventListener("click", () => register(true));
$("replace-add").addEventListener("click", () => register(false));
