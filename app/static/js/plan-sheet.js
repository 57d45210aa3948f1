// The day's sheet: per courier, the stops in order with the planned time, address, slot and
// notes, to print (the page prints only the sheet: app.css @media print) or to download as CSV.
// After registering, each courier's part carries their driver-app link and its QR code.
import { linkAddress } from "./link-address.js";

const $ = (id) => document.getElementById(id);
const clock = (iso) => (iso ? iso.slice(11, 16) : "");

function slotText(window) {
  return window ? `${clock(window.from)}-${clock(window.to)}` : "";
}

// One line per stop of every block, in visiting order: what the sheet and the CSV both show.
export function sheetRows(plan) {
  const rows = [];
  plan.blocks.forEach((b, block) => {
    b.route.stops.forEach((s, n) => {
      const ship = (s.shipments || [])[0] || {};
      rows.push({
        block, courier: b.courier, vehicle: b.vehicle, stop: n + 1, time: clock(b.arrivals[n]),
        kind: s.kind === "pickup" ? "pick up" : "deliver", recipient: ship.recipient || "",
        address: s.address, phone: ship.phone || "", reference: ship.reference || "",
        slot: slotText(s.window), notes: s.notes || "",
      });
    });
  });
  return rows;
}

const COLUMNS = ["courier", "vehicle", "stop", "time", "kind", "recipient", "address", "phone",
  "reference", "slot", "notes"];

// A spreadsheet runs a cell that starts with "=" (or "+", "-", "@" before a letter) as a
// formula: such a cell is kept as text. A phone number ("+358 40…") is not one.
function cellText(value) {
  const text = String(value ?? "");
  const risky = /^[=@\t\r]/.test(text) || /^[+-]\s*[^\d\s(]/.test(text);
  const safe = risky ? `'${text}` : text;
  return /[",\n\r;]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function sheetCsv(plan) {
  const lines = [COLUMNS.join(",")];
  for (const row of sheetRows(plan)) lines.push(COLUMNS.map((c) => cellText(row[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

// `links`: per block, the registered route's driver link ({url, qr}), once registered.
export function renderSheet(plan, date, links = []) {
  const sheet = $("day-sheet");
  sheet.replaceChildren(el("h1", `Delivery day ${date}`));
  const rows = sheetRows(plan);
  plan.blocks.forEach((b, k) => {
    const part = el("section", undefined, "sheet-courier");
    part.dataset.courier = b.courier;
    part.appendChild(el("h2", `${b.courier} · ${b.vehicle} · ${clock(b.start)}-${clock(b.end)} · ` +
      `${b.stops} stops, ${b.parcels} parcels, ${(b.distance_m / 1000).toFixed(1)} km`));
    const link = linkAddress(links[k]);
    if (link.url) {
      const box = el("div", undefined, "sheet-link");
      const img = el("img");
      img.src = link.qr;
      img.alt = `QR code of ${b.courier}'s driver link`;
      img.width = img.height = 140;
      box.append(img, el("p", "Scan with the phone's camera to open the route in the driver app."));
      part.appendChild(box);
    }
    const table = el("table", undefined, "rows");
    const head = el("tr");
    for (const h of ["#", "Time", "", "Recipient", "Address", "Phone", "Slot", "Notes"]) {
      head.appendChild(el("th", h));
    }
    table.appendChild(head);
    for (const r of rows.filter((x) => x.block === k)) {
      const tr = el("tr");
      for (const v of [r.stop, r.time, r.kind, r.recipient, r.address, r.phone, r.slot, r.notes]) {
        tr.appendChild(el("td", v));
      }
      table.appendChild(tr);
    }
    part.appendChild(table);
    sheet.appendChild(part);
  });
}

export function downloadCsv(plan, date) {
  const blob = new Blob([sheetCsv(plan)], { type: "text/csv;charset=utf-8" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `delivery-day-${date}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
