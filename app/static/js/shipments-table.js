// The shipments table: every shipment of the seller's routes, searchable, filterable, live.
import { clock } from "./timeline.js";

const MAX_ROWS = 500;
const FINAL = ["delivered", "attempted", "returned"];

export function shipmentRows(routes) {
  return routes.flatMap((route) => route.shipments.map((s) => ({ ...s, route })));
}

function matches(row, query, status) {
  if (status && row.status !== status) return false;
  if (!query) return true;
  const hay = [row.tracking_id, row.recipient, row.address, row.reference, row.route.driver]
    .join(" ").toLowerCase();
  return hay.includes(query);
}

function cell(tr, value) {
  const td = document.createElement("td");
  td.textContent = value == null ? "—" : String(value);
  tr.appendChild(td);
  return td;
}

function link(parent, href, textValue) {
  const a = document.createElement("a");
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener";
  a.textContent = textValue;
  parent.appendChild(a);
  return a;
}

// A stop the phone's positions show visited, with no outcome from the driver's app yet.
function statusText(r) {
  return r.visited_at && !FINAL.includes(r.status)
    ? `visited ${clock(r.visited_at, r.route.timezone)}` : r.status.replaceAll("_", " ");
}

function row(r, onMessage) {
  const tr = document.createElement("tr");
  tr.dataset.trackingId = r.tracking_id;
  tr.dataset.status = r.status;
  cell(tr, r.tracking_id).className = "mono";
  cell(tr, r.recipient);
  const status = cell(tr, statusText(r));
  status.className = `status-pill status-${r.status}`;
  cell(tr, r.stops_away);
  cell(tr, r.eta);
  cell(tr, clock(r.updated_at, r.route.timezone));
  const links = cell(tr, "");
  const id = encodeURIComponent(r.tracking_id);
  // Each name begins with the words on screen (WCAG 2.5.3, label in name): a voice user says
  // "Track" and the row's id tells the rows apart for a screen reader.
  link(links, `/dashboard/shipments/${id}/track`, "Track").setAttribute("aria-label",
    `Track ${r.tracking_id}`);
  if (/^ph_[0-9a-f]{32}$/.test(r.photo || "")) {
    link(links, `/dashboard/photos/${encodeURIComponent(r.photo)}`, "Photo").setAttribute(
      "aria-label", `Photo of ${r.tracking_id}`);
  }
  if (r.route.status === "finished") {
    const route = encodeURIComponent(r.route.route_id);
    link(links, `/dashboard/routes/${route}/report.html`, "Report");
    link(links, `/dashboard/routes/${route}/replay`, "Replay").setAttribute("aria-label",
      `Replay the route of ${r.tracking_id}`);
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "small secondary";
  button.textContent = "Message";
  button.setAttribute("aria-label", `Message ${r.tracking_id}`);
  button.addEventListener("click", () => onMessage(r.tracking_id));
  links.appendChild(button);
  return tr;
}

let lastSignature = "";

// What the table shows, as a string: unchanged rows are not rebuilt, so a keyboard user's
// focus on a link or button survives the live updates.
function signature(rows) {
  return JSON.stringify(rows.slice(0, MAX_ROWS).map((r) => [r.tracking_id, r.status,
    r.stops_away, r.visited_at, r.eta, r.updated_at, r.route.status, r.photo]));
}

export function renderTable(rows, filters, onMessage) {
  const query = filters.query.trim().toLowerCase();
  const shown = rows.filter((r) => matches(r, query, filters.status));
  shown.sort((a, b) => (b.route.updated_at || "").localeCompare(a.route.updated_at || "")
    || a.tracking_id.localeCompare(b.tracking_id));
  const sig = signature(shown);
  if (sig === lastSignature) return;
  lastSignature = sig;
  const body = document.querySelector("#shipments tbody");
  body.replaceChildren(...shown.slice(0, MAX_ROWS).map((r) => row(r, onMessage)));
  document.getElementById("shipment-count").textContent = String(shown.length);
}
