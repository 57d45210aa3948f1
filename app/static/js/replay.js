// A route replayed for its seller: the driver's recorded way at real-time proportions (1x is
// the day as it happened; 60x a minute a second), with play, pause, speed and a scrubber. The
// track is the bounded position history (app/web/pages/replay.py); between two fixes the
// driver moves in a straight line, as nothing more is known.
import * as L from "../vendor/leaflet/leaflet-src.esm.js";
import { addBasemap } from "./basemap.js";
import { rotate, vehicleIcon } from "./vehicles.js";

const root = document.getElementById("replay");
const config = JSON.parse(root.dataset.config);
const play = document.getElementById("replay-play");
const speed = document.getElementById("replay-speed");
const scrub = document.getElementById("replay-scrub");
const clockText = document.getElementById("replay-clock");
const doneText = document.getElementById("replay-done");

const map = L.map("replay-map", { keyboard: true, maxZoom: 20 });
addBasemap(L, map, config);

const state = { data: null, times: [], t: 0, start: 0, end: 0, playing: false, last: 0 };
const layers = { driver: null, travelled: null, stops: [] };

function setState(name) {
  root.dataset.state = name;
  play.textContent = name === "playing" ? "Pause" : "Play";
  play.setAttribute("aria-pressed", String(name === "playing"));
}

// The index of the last fix at or before t (binary search: a day holds thousands).
function indexAt(t) {
  let lo = 0;
  let hi = state.times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (state.times[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function positionAt(t) {
  const track = state.data.track;
  const i = indexAt(t);
  const a = track[i];
  const b = track[Math.min(i + 1, track.length - 1)];
  const span = b[0] - a[0];
  const f = span > 0 ? Math.min(1, Math.max(0, (t - a[0]) / span)) : 0;
  return { i, lat: a[1] + (b[1] - a[1]) * f, lon: a[2] + (b[2] - a[2]) * f, a, b };
}

function heading(a, b) {
  const dy = b[1] - a[1];
  const dx = (b[2] - a[2]) * Math.cos((a[1] * Math.PI) / 180);
  return dx === 0 && dy === 0 ? null : (Math.atan2(dx, dy) * 180) / Math.PI;
}

function clockOf(t) {
  return new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: state.data.timezone,
  }).format(new Date(t * 1000));
}

function render() {
  const t = state.t;
  const { i, lat, lon, a, b } = positionAt(t);
  layers.driver.setLatLng([lat, lon]);
  const h = heading(a, b);
  if (h !== null) rotate(layers.driver, h);
  const way = state.data.track.slice(0, i + 1).map((p) => [p[1], p[2]]);
  way.push([lat, lon]);
  layers.travelled.setLatLngs(way);
  let done = 0;
  state.data.stops.forEach((stop, k) => {
    const isDone = stop.doneAt !== null && stop.doneAt <= t;
    done += isDone;
    layers.stops[k].setStyle({ fillColor: isDone ? "#2e7d32" : "#fff" });
  });
  clockText.textContent = clockOf(t);
  doneText.textContent = `${done} of ${state.data.stops.length} stops done`;
  root.dataset.time = String(Math.round(t));
  root.dataset.done = String(done);
  scrub.value = String(Math.round(((t - state.start) / (state.end - state.start || 1)) * 1000));
}

function frame(now) {
  if (!state.playing) return;
  const elapsed = (now - state.last) / 1000;
  state.last = now;
  state.t = Math.min(state.end, state.t + elapsed * Number(speed.value));
  render();
  if (state.t >= state.end) {
    state.playing = false;
    setState("ended");
    return;
  }
  requestAnimationFrame(frame);
}

play.addEventListener("click", () => {
  if (state.playing) {
    state.playing = false;
    setState("paused");
    return;
  }
  if (state.t >= state.end) state.t = state.start; // from the top again
  state.playing = true;
  state.last = performance.now();
  setState("playing");
  requestAnimationFrame(frame);
});

scrub.addEventListener("input", () => {
  state.t = state.start + (Number(scrub.value) / 1000) * (state.end - state.start);
  render();
  if (!state.playing) setState(state.t >= state.end ? "ended" : "paused");
});

function draw(data) {
  const toEpoch = (iso) => (iso ? Date.parse(iso) / 1000 : null);
  data.stops.forEach((s) => { s.doneAt = toEpoch(s.done_at); });
  state.data = data;
  state.times = data.track.map((p) => p[0]);
  state.start = state.times[0];
  // To the last fix, or to the last outcome if later (delivered after the van's last fix).
  const outcomes = data.stops.map((s) => s.doneAt).filter((t) => t !== null);
  state.end = Math.max(state.times[state.times.length - 1], ...outcomes);
  state.t = state.start;
  const all = data.track.map((p) => [p[1], p[2]]);
  L.polyline(all, { color: "#5b6b7a", weight: 3, opacity: 0.35 }).addTo(map);
  layers.travelled = L.polyline([], { color: "#1565c0", weight: 4 }).addTo(map);
  L.circleMarker([data.station.lat, data.station.lon], {
    radius: 7, color: "#37474f", fillColor: "#37474f", fillOpacity: 1,
  }).bindTooltip(data.station.name).addTo(map);
  layers.stops = data.stops.map((s) => L.circleMarker([s.lat, s.lon], {
    radius: 6, color: "#1b5e20", weight: 2, fillColor: "#fff", fillOpacity: 1,
  }).bindTooltip(`${s.index + 1}. ${s.address}`).addTo(map));
  layers.driver = L.marker(all[0], {
    icon: vehicleIcon(L, data.vehicle), keyboard: false, title: "Driver",
  }).addTo(map);
  const points = [...all, ...data.stops.map((s) => [s.lat, s.lon])];
  map.fitBounds(L.latLngBounds(points), { padding: [24, 24] });
  play.disabled = false;
  scrub.disabled = false;
  setState("paused");
  render();
}

async function load() {
  let data = null;
  try {
    const resp = await fetch(config.dataUrl, { credentials: "same-origin" });
    data = resp.ok ? await resp.json() : null;
  } catch {
    data = null;
  }
  if (!data) {
    clockText.textContent = "The route could not be loaded. Reload the page to try again.";
    setState("error");
    return;
  }
  if (!data.track.length) {
    map.setView([data.station.lat, data.station.lon], 15);
    clockText.textContent = "No positions recorded for this route yet: nothing to replay.";
    setState("empty");
    return;
  }
  draw(data);
}

load();
