// The driver app: the block's stops in order, the way to the next one, and the buttons that
// send the API's stop events. Everything sent goes through the outbox (drive-outbox.js), so
// it works the same with and without a network; the block shown is the server's, with what
// is still waiting to be sent applied on top.
import { learnClock, serverSeconds } from "./drive-clock.js";
import { insecureText, Location } from "./drive-location.js";
import { DriveMap, navigationUrl } from "./drive-map.js";
import { kv, openDb, Outbox, rememberToken } from "./drive-outbox.js";
import { StopOrder } from "./drive-order.js";
import { shrinkPhoto } from "./drive-photo.js";
import { UndoWindow } from "./drive-undo.js";
import { aboutEvent, outcomeLabel, undoneText } from "./drive-words.js";
import { SignaturePad } from "./signature.js";

const root = document.getElementById("drive");
const config = JSON.parse(root.dataset.config);
const $ = (id) => document.getElementById(id);
const state = { block: null, token: null, db: null, outbox: null, location: null,
  warnings: new Map(), waiting: 0, saving: 0, others: { waiting: 0, revoked: 0 },
  order: null, undo: null, selected: null };
const map = new DriveMap("map", config);
const signature = new SignaturePad($("signature"));

// Warnings shown until their cause goes (offline, location) or, for `dismissable` ones (a
// refused event or photo), until the courier taps "OK".
function warn(name, text, dismissable = false) {
  if (text) state.warnings.set(name, { text, dismissable }); else state.warnings.delete(name);
  const box = $("warnings");
  box.replaceChildren(...[...state.warnings].map(([key, value]) => {
    const p = document.createElement("p");
    p.className = `warning warning-${key.split(":")[0]}`;
    p.textContent = value.text;
    if (value.dismissable) {
      const ok = document.createElement("button");
      ok.type = "button";
      ok.className = "small secondary dismiss";
      ok.textContent = "OK";
      ok.addEventListener("click", () => warn(key, null));
      p.append(" ", ok);
    }
    return p;
  }));
}

let refusals = 0;
function refused(text) { warn(`refused:${refusals += 1}`, text, true); }

function setText(id, value) { $(id).textContent = value; }

function people(stop) {
  return stop.shipments.map((s) => s.recipient).filter(Boolean).join(", ");
}

function plural(n, word) { return `${n} ${word}${n === 1 ? "" : "s"}`; }

const OUTCOMES = ["delivered", "attempted", "returned"];

// A parcel's outcome in the courier's words: "returned" is an attempted parcel the route took
// back to the station.
function outcomeWord(status) { return status === "returned" ? "attempted, taken back" : status; }

// A done stop's outcome: one word when its parcels share it, else each recipient's.
function outcomes(stop) {
  const words = [...new Set(stop.shipments.map((x) => outcomeWord(x.status)))];
  if (words.length === 1) return words[0];
  return stop.shipments.map((x) => `${x.recipient || x.tracking_id}: ${outcomeWord(x.status)}`).join(", ");
}

// At a stop of several parcels, those already given an outcome one by one: "Maria: delivered".
function partial(stop) {
  if (stop.done || stop.shipments.length < 2) return "";
  return stop.shipments.filter((s) => OUTCOMES.includes(s.status))
    .map((s) => `${s.recipient || s.tracking_id}: ${outcomeWord(s.status)}`).join(", ");
}

// A pickup (a restaurant, a second warehouse) has no recipients: what to collect there is the
// parcels of the later stops that name it.
function pickupText(block, stop) {
  const parcels = stop.for_stops.reduce((n, i) => n + parcelsOf(block.stops[i]), 0);
  return `Pick up ${plural(parcels, "parcel")} for stop${stop.for_stops.length === 1 ? "" : "s"} ` +
    stop.for_stops.map((i) => i + 1).join(", ");
}

// What the customers at this stop asked for on their tracking page (a safe place, a note).
function customerInstructions(stop) {
  return stop.shipments.filter((s) => s.instructions).map((s) => {
    const { note, safe_place: place } = s.instructions;
    const parts = [place ? `Safe place: ${place}` : "", note || ""].filter(Boolean);
    return `${s.recipient || "Customer"} asks: ${parts.join(". ")}`;
  }).join("\n");
}

// The stop the screen acts on: the one the courier opened from the list, else the next one in
// the courier's order. Stops can be done in any order (the API takes them so).
function current(block) {
  const chosen = state.selected === null ? null : block.stops[state.selected];
  if (chosen && !chosen.done) return chosen.index;
  state.selected = null;
  return state.order.next(block.stops);
}

// An order may be several parcels (a `parcels` column in the seller's list).
function parcelsOf(stop) {
  return stop.shipments.reduce((n, x) => n + (x.parcels || 1), 0);
}

// The plan's time at the stop and the customer's slot, in the route's own zone (as the printed
// day's sheet has them): "planned 10:25 · slot 10:00-12:00"; empty when the route has neither.
function clockIn(iso, tz) {
  return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: tz });
}

// A route planned for another day says which ("For Fri 4 Dec · "): a courier handed
// tomorrow's link tonight read its planned times as today's.
function dayOf(block) {
  if (!block.date) return "";
  const today = new Date().toLocaleDateString("en-CA", { timeZone: block.timezone });
  if (block.date === today) return "";
  const [y, m, d] = block.date.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d, 12)).toLocaleDateString("en-GB", {
    weekday: "short", day: "numeric", month: "short", timeZone: "UTC",
  });
  return `For ${day} · `;
}

function stopTimes(s, tz) {
  const parts = [];
  if (s.planned_at) parts.push(`planned ${clockIn(s.planned_at, tz)}`);
  if (s.window) parts.push(`slot ${clockIn(s.window[0], tz)}-${clockIn(s.window[1], tz)}`);
  return parts.join(" · ");
}

function renderNext(block) {
  const next = block.next_stop === null ? null : block.stops[block.next_stop];
  const done = block.stops.filter((s) => s.done).length;
  setText("who", `${block.driver.name} · ${block.station.name}`);
  setText("progress-text", `${dayOf(block)}${done} of ${block.stops.length} stops done`);
  const active = block.status === "on_route";
  const pickup = Boolean(next) && next.kind === "pickup";
  if (next) {
    setText("next-title", `Stop ${next.index + 1}: ${pickup ? "Pick up at " : ""}${
      next.address || "(no address)"}`);
    setText("next-people", pickup ? pickupText(block, next)
      : `For ${people(next)} · ${plural(parcelsOf(next), "parcel")}${
        partial(next) ? ` · ${partial(next)}` : ""}`);
    const times = stopTimes(next, block.timezone);
    $("next-times").hidden = !times;
    setText("next-times", times);
    $("next-notes").hidden = !next.notes;
    setText("next-notes", next.notes || "");
    const asked = customerInstructions(next);
    $("next-instructions").hidden = !asked;
    setText("next-instructions", asked);
    $("navigate").href = navigationUrl(next, block.driver.vehicle);
  } else {
    // Finished on the phone is not finished on the server while "Back at the station" (or
    // more) still waits: the courier must not close the app or leave the network for good.
    const unsent = state.waiting + (state.undo && state.undo.pending ? 1 : 0);
    setText("next-title", block.status !== "finished" ? `All stops done: back to ${block.station.name}`
      : unsent ? `Back at the station: keep the app open until the ${plural(unsent, "item")} waiting ${
        unsent === 1 ? "is" : "are"} sent` : "Route finished: thank you!");
    setText("next-people", "");
    $("next-times").hidden = true;
    $("next-notes").hidden = true;
    $("next-instructions").hidden = true;
  }
  $("stop-actions").hidden = !next || block.status === "finished";
  $("arrived").disabled = !next || next.arrived;
  // Only the events the API takes at this kind of stop: picked_up (or attempted, when the parcels
  // could not be collected) at a pickup, outcomes at a door.
  $("picked-up").hidden = !pickup;
  $("delivered").hidden = pickup;
  $("attempted").textContent = pickup ? "Could not pick up" : "Attempted";
  $("later").hidden = !next || block.stops.filter((s) => !s.done).length < 2;
  root.dataset.nextKind = next ? next.kind || "delivery" : "";
  $("start").hidden = block.status !== "not_started";
  $("returned").hidden = !active || Boolean(next); // every stop has an outcome first
  root.dataset.status = block.status;
  root.dataset.nextStop = block.next_stop === null ? "" : String(block.next_stop);
}

function renderStops(block) {
  $("stops").replaceChildren(...state.order.arrange(block.stops).map((s) => {
    const li = document.createElement("li");
    li.value = s.index + 1; // the stop's own number, wherever "Later" put it
    li.className = s.done ? "done" : (s.index === block.next_stop ? "next" : "");
    li.dataset.stop = String(s.index);
    const pickup = s.kind === "pickup";
    const outcome = pickup ? "picked up" : outcomes(s);
    const what = s.done ? outcome : [s.arrived ? "arrived" : "", partial(s)].filter(Boolean).join(", ");
    const who = pickup ? `Pick up for stops ${s.for_stops.map((i) => i + 1).join(", ")}` : people(s);
    const times = s.done ? "" : stopTimes(s, block.timezone);
    const text = `${s.address || "(no address)"} · ${who}${times ? ` · ${times}` : ""}${
      what ? ` · ${what}` : ""}`;
    if (s.done) {
      li.textContent = text;
    } else { // open it to act on it, out of order
      const open = document.createElement("button");
      open.type = "button";
      open.className = "stop-open";
      open.textContent = text;
      open.addEventListener("click", () => {
        state.selected = s.index;
        render();
        $("content").scrollIntoView({ block: "start" });
      });
      li.append(open);
    }
    if (pickup) li.classList.add("pickup");
    return li;
  }));
}

function render() {
  const block = state.block;
  if (!block) return;
  block.next_stop = current(block);
  renderNext(block);
  renderStops(block);
  map.show(block);
}

// What an event does to the block, on the phone, before the server has it.
function applyLocally(event) {
  const block = state.block;
  if (event.type === "route_started") block.status = "on_route";
  if (event.type === "returned") block.status = "finished";
  if (event.type !== "returned" && block.status === "not_started") block.status = "on_route";
  const stop = event.stop === undefined ? null : block.stops[event.stop];
  if (stop && event.type === "arrived") stop.arrived = true;
  if (stop && event.type === "picked_up") {
    stop.done = true;
    stop.arrived = false;
  }
  if (stop && stop.kind === "pickup" && event.type === "attempted") {
    // Nothing collected: the deliveries it loads are attempted with it (as the server does).
    stop.done = true;
    stop.arrived = false;
    for (const d of block.stops.filter((x) => x.pickup === stop.index)) {
      for (const s of d.shipments) if (!["delivered", "attempted"].includes(s.status)) s.status = "attempted";
      d.done = true;
    }
  } else if (stop && (event.type === "delivered" || event.type === "attempted")) {
    for (const s of stop.shipments) {
      // The whole stop: its open parcels (one given an outcome before keeps it, as on the server).
      if (event.shipment ? s.tracking_id === event.shipment : !OUTCOMES.includes(s.status)) {
        s.status = event.type;
      }
    }
    stop.done = stop.shipments.every((s) => OUTCOMES.includes(s.status));
    stop.arrived = stop.arrived && !stop.done;
  }
  if (stop && stop.done && state.selected === stop.index) state.selected = null;
  block.next_stop = current(block);
  kv.put(state.db, "block", block);
  render();
}

async function send(event) {
  await state.undo.commit(); // an outcome still in its undo window goes first
  const body = { ...event, timestamp: serverSeconds() };
  // Which stop and parcel, in the courier's words, for a refusal told later (drive-words.js).
  const about = aboutEvent(state.block, body);
  applyLocally(body);
  await state.outbox.add({ kind: "json", url: config.eventsUrl, body, about });
}

// An outcome: shown at once, into the outbox only after the undo window.
async function sendOutcome(event, photos = []) {
  await state.undo.commit();
  const before = structuredClone(state.block);
  const body = { ...event, timestamp: serverSeconds() };
  applyLocally(body);
  const stop = before.stops[event.stop];
  await state.undo.hold(outcomeLabel(stop, event), [...photos,
    { kind: "json", url: config.eventsUrl, body, about: aboutEvent(before, body) }], before,
  undoneText(stop, event));
}

// The bar says what is held (with its Undo button), or for a few seconds what was undone.
let undoneTimer = null;
function onUndoChange(pending, left) {
  if (pending) {
    clearTimeout(undoneTimer);
    $("undo").hidden = false;
    $("undo-button").hidden = false;
    setText("undo-text", `${pending.label}. Sending in ${left} s.`);
  } else if ($("undo-button").hidden === false) {
    $("undo").hidden = true;
  }
  onOutbox(state.waiting, state.outbox.problem);
}

function showUndone(text) {
  clearTimeout(undoneTimer);
  $("undo-button").hidden = true;
  setText("undo-text", text);
  $("undo").hidden = false;
  $("undo").dataset.undone = "true";
  undoneTimer = setTimeout(() => {
    $("undo").hidden = true;
    $("undo-button").hidden = false;
    delete $("undo").dataset.undone;
  }, 8000);
}

async function undoOutcome() {
  const pending = state.undo.pending;
  const before = await state.undo.undo();
  if (before) {
    state.block = before;
    await kv.put(state.db, "block", before);
    render();
  }
  onUndoChange(null, 0);
  if (pending) showUndone(pending.undone || "Undone. Nothing was sent.");
}

function fillShipments(select, stop) {
  const open = stop.shipments.filter((s) => !OUTCOMES.includes(s.status));
  if (open.length === 1 && stop.shipments.length > 1) {
    select.replaceChildren(new Option(`${open[0].recipient} · ${open[0].tracking_id}`, open[0].tracking_id));
    return;
  }
  const all = new Option(open.length < stop.shipments.length
    ? `The ${plural(open.length, "parcel")} still open here` : `All parcels of this stop (${open.length})`, "");
  select.replaceChildren(all, ...open.map((s) => new Option(`${s.recipient} · ${s.tracking_id}`, s.tracking_id)));
}

function photoKey() { return `ph_${crypto.randomUUID().replaceAll("-", "")}`; }

function photoItem(blob, stop) {
  return { kind: "photo", url: `${config.photosUrl}?stop=${stop}`, key: photoKey(), blob };
}

async function onDelivered(form, stop) {
  // Shrinking a photo takes a second or two: until the delivery is in the outbox the screen
  // says so, never "All sent" (a phone locked in between would otherwise lose it unawares).
  state.saving += 1;
  onOutbox(state.waiting, state.outbox.problem);
  try {
    await queueDelivery(form, stop);
  } finally {
    state.saving -= 1;
    onOutbox(state.waiting, state.outbox.problem);
  }
}

async function queueDelivery(form, stop) {
  const data = new FormData(form);
  const proof = { left_at: data.get("left_at"), note: data.get("note") || null };
  const file = $("deliver-photo").files[0];
  // Photos and the signature go first: the event names them, and the outbox keeps order.
  const photos = [];
  if (file) photos.push(photoItem(await shrinkPhoto(file), stop));
  if (photos.length) proof.photo = photos[0].key;
  const drawn = await signature.blob();
  if (drawn) {
    photos.push(photoItem(drawn, stop));
    proof.signature = photos[photos.length - 1].key;
  }
  const event = { type: "delivered", stop, proof };
  if (data.get("shipment")) event.shipment = data.get("shipment");
  await sendOutcome(event, photos);
}

function openDialog(id, formId, onConfirm) {
  const stop = state.block.stops[current(state.block)];
  const index = stop.index; // the stop on screen when the dialog opened
  const dialog = $(id);
  const form = $(formId);
  form.reset();
  fillShipments(form.querySelector("select[name=shipment]"), stop);
  // At a pickup the whole collection failed: no parcels to choose, no "safe place" reason.
  const pickup = stop.kind === "pickup";
  form.querySelectorAll("[data-door-only]").forEach((el) => { el.hidden = pickup; el.disabled = pickup; });
  // One parcel open: nothing to choose (the last one of several is named, so Undo and a
  // refusal say whose it was).
  const open = stop.shipments.filter((s) => !OUTCOMES.includes(s.status)).length;
  form.querySelector("select[name=shipment]").closest("label").hidden = pickup || open < 2;
  if (id === "attempt-dialog") setText("attempt-title", pickup ? "Could not pick up" : "Delivery attempted");
  if (id === "deliver-dialog") signature.clear();
  dialog.returnValue = "";
  dialog.showModal();
  dialog.onclose = () => { if (dialog.returnValue === "ok") onConfirm(form, index); };
}

function setUpActions() {
  $("start").addEventListener("click", () => { send({ type: "route_started" }); state.location.start(); });
  $("arrived").addEventListener("click", () => send({ type: "arrived", stop: current(state.block) }));
  $("picked-up").addEventListener("click", () => send({ type: "picked_up", stop: current(state.block) }));
  $("delivered").addEventListener("click", () => openDialog("deliver-dialog", "deliver-form", onDelivered));
  $("attempted").addEventListener("click", () => openDialog("attempt-dialog", "attempt-form",
    (form, stop) => {
      const data = new FormData(form);
      const event = { type: "attempted", stop, reason: data.get("reason") };
      if (data.get("shipment")) event.shipment = data.get("shipment");
      sendOutcome(event);
    }));
  $("later").addEventListener("click", async () => {
    await state.order.putOff(current(state.block));
    state.selected = null;
    render();
  });
  $("undo-button").addEventListener("click", undoOutcome);
  $("returned").addEventListener("click", async () => {
    await state.location.flush();
    state.location.stop();
    send({ type: "returned" });
  });
  $("signature-clear").addEventListener("click", () => signature.clear());
}

function onOutbox(count, problem, others = state.others) {
  state.others = others;
  const line = $("outbox");
  const before = state.waiting;
  state.waiting = count;
  line.dataset.waiting = String(count);
  if (problem === "revoked") {
    warn("link", "This driver link was revoked: ask your dispatcher for a new one. Nothing waiting was lost; it stays on this phone.");
  }
  warn("aside", others.revoked ? `${others.revoked} kept on this phone for another route ` +
    "whose link was revoked: open a new link for that route to send them." : null);
  const why = problem && problem !== "revoked" ? ` (${problem})` : "";
  const elsewhere = others.waiting ? `${others.waiting} waiting to send for another route` : "";
  const held = state.undo && state.undo.pending;
  line.textContent = count ? `${count} waiting to send${why}${elsewhere ? ` · ${elsewhere}` : ""}`
    : state.saving ? "Saving the delivery…" : held ? "1 held for Undo"
      : (elsewhere || (problem ? problem : "All sent"));
  line.dataset.others = String(others.waiting);
  line.dataset.saving = String(state.saving > 0);
  line.classList.toggle("waiting", count + others.waiting > 0 || Boolean(held));
  if (before !== count && state.block && state.block.status === "finished") render();
  if (before > 0 && count === 0) refresh();
}

async function refresh() {
  // The server does not have everything yet: keep ours.
  if (state.waiting > 0 || (state.undo && state.undo.pending)) return;
  let resp;
  try {
    resp = await fetch(config.blockUrl, { headers: { Authorization: `Bearer ${state.token}` },
      cache: "no-store" });
  } catch {
    warn("offline", state.block ? "Offline: the block as last loaded. Everything you do is kept and sent later." : "Offline, and this block was never loaded on this phone.");
    return;
  }
  if (resp.status === 401) {
    warn("link", "This driver link does not work (revoked or mistyped): ask your dispatcher for a new one.");
    return;
  }
  learnClock(resp);
  if (!resp.ok) return;
  warn("offline", null);
  const block = await resp.json();
  await rememberToken(state.db, block.route_id, state.token);
  await state.order.load(block.route_id);
  // Something done on the phone while the block was on its way: ours is newer.
  if (state.waiting > 0 || state.undo.pending) return;
  // Shown at once, with the courier's own next stop: a tap in between must not act on the
  // server's next stop.
  state.block = block;
  render();
  await kv.put(state.db, "block", block);
  if (state.outbox.route !== block.route_id) {
    state.outbox.route = block.route_id;
    await state.outbox.report();
    state.outbox.flush();
  }
}

async function token(db) {
  const fromLink = decodeURIComponent(location.hash.slice(1));
  if (fromLink) {
    // Off the address bar (screenshots, shoulder surfers); kept on this phone only.
    history.replaceState(null, "", location.pathname);
    const before = await kv.get(db, "token");
    if (fromLink !== before) {
      // The route open until now keeps its token: its items waiting go with it.
      const block = await kv.get(db, "block");
      if (block) await rememberToken(db, block.route_id, before);
      await kv.put(db, "token", fromLink);
      await kv.del(db, "block");
    }
    return fromLink;
  }
  return kv.get(db, "token");
}

// A new link opened in the same tab changes only the part after "#": no page load follows,
// and the app would go on with the old (perhaps revoked) token. Start again with the new one.
window.addEventListener("hashchange", () => {
  if (location.hash.length > 1) location.reload();
});

async function main() {
  if (!window.isSecureContext) warn("insecure", insecureText);
  state.db = await openDb();
  state.token = await token(state.db);
  if (!state.token) {
    setText("next-title", "Open the driver link your dispatcher sent you");
    setText("progress-text", "");
    return;
  }
  state.block = await kv.get(state.db, "block");
  state.outbox = new Outbox(state.db, state.token, state.block && state.block.route_id, onOutbox);
  state.outbox.onRefused = refused;
  state.order = new StopOrder(state.db);
  if (state.block) await state.order.load(state.block.route_id);
  state.undo = new UndoWindow(state.db, state.outbox, { onChange: onUndoChange });
  await state.undo.commit(); // one left waiting when the app was closed: its window has passed
  state.location = new Location(state.outbox, config.positionsUrl, config.batchSeconds, {
    onFix: (fix) => map.moveMe(fix, state.block ? state.block.driver.vehicle : "van"),
    onWarning: warn,
  });
  render();
  setUpActions();
  await state.outbox.report();
  await refresh();
  if (state.block && state.block.status === "on_route") state.location.start();
  window.addEventListener("online", () => {
    warn("offline", null);
    state.outbox.flush();
    refresh();
  });
  window.addEventListener("offline", () => warn("offline", "Offline: everything you do is kept on this phone and sent when the network is back."));
  if (!navigator.onLine) {
    warn("offline", "Offline: everything you do is kept on this phone and sent when the network is back.");
  }
  setInterval(() => state.outbox.flush(), 15000);
  setInterval(refresh, 30000);
  state.outbox.flush();
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(config.worker, { scope: config.scope }).catch(() => {});
  // The worker keeps the street map for dead zones, unless it is too large for a phone.
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.kind !== "map-offline" || event.data.kept) return;
    const mb = (event.data.bytes / 1e6).toFixed(1);
    warn("map", `The street map (${mb} MB) is too large to keep on this phone: without a network the map has no streets.`);
  });
}
main();
