// The plan page after registering: each route handed to its courier.
import { linkAddress } from "./link-address.js";

const $ = (id) => document.getElementById(id);

// Each registered route with its driver-app link and QR code (made with the routes, as the
// dashboard's driver-app panel makes them); the raw token is for a seller's own app.
export function showRegistered(routes, config) {
  const box = $("registered");
  box.replaceChildren();
  const p = document.createElement("p");
  p.textContent = `${routes.length} route(s) registered. Each courier scans their code with the ` +
    "phone's camera (or opens the link) to start the driver app; the routes are live on the " +
    "dashboard.";
  box.appendChild(p);
  if (routes.some((r) => r.driver_link && r.driver_link.public_url === false)) {
    // As the dashboard's driver-app panel says: the links are on this page's own address,
    // which a courier's phone may not reach, and location and offline use need HTTPS.
    const warn = document.createElement("p");
    warn.className = "note";
    warn.textContent = "These links use this page's address: couriers' phones need the " +
      "server's public HTTPS address (set PUBLIC_URL=https://..., see the README), or the " +
      "driver app cannot use location or work offline.";
    box.appendChild(warn);
  }
  const ul = document.createElement("ul");
  ul.className = "registered-routes";
  for (const r of routes) {
    const li = document.createElement("li");
    li.dataset.routeId = r.route_id;
    const title = document.createElement("strong");
    title.textContent = `${r.driver} (${r.vehicle}), ${r.parcels} parcels`;
    const address = linkAddress(r.driver_link);
    const img = document.createElement("img");
    img.src = address.qr;
    img.alt = `QR code of ${r.driver}'s driver link`;
    img.width = img.height = 160;
    const link = document.createElement("input");
    link.readOnly = true;
    link.value = address.url;
    link.setAttribute("aria-label", `${r.driver}'s driver link (private: it lets its holder report for this route)`);
    const more = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "Driver token (for your own app)";
    const code = document.createElement("code");
    code.textContent = r.driver_token;
    more.append(summary, code);
    li.append(title, img, link, more, phoneForm(r, config));
    ul.appendChild(li);
  }
  box.appendChild(ul);
}

// A courier with Traccar Client instead of the driver app: the route gets the phone's device id
// (or a new, unguessable one to type into the phone's settings), as PUT /api/v1/routes/<id>/device.
function phoneForm(route, config) {
  const box = document.createElement("details");
  box.className = "phone-link";
  const summary = document.createElement("summary");
  summary.textContent = "Traccar Client phone (device id)";
  const form = document.createElement("form");
  const id = `device-${route.route_id}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = "Device identifier (empty: one is issued to type into the phone)";
  const input = document.createElement("input");
  input.id = id;
  input.name = "device_id";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.maxLength = 64;
  const button = document.createElement("button");
  button.type = "submit";
  button.className = "small";
  button.textContent = "Link this phone";
  const out = document.createElement("p");
  out.className = "muted";
  out.setAttribute("role", "status");
  form.append(label, input, button, out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const typed = input.value.trim();
    out.textContent = "Linking…";
    const resp = await fetch(`${config.routesUrl}/${encodeURIComponent(route.route_id)}/device`, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrfToken },
      body: JSON.stringify(typed ? { device_id: typed } : {}),
    }).catch(() => null);
    const data = resp ? await resp.json().catch(() => ({})) : {};
    if (!resp || !resp.ok) {
      out.textContent = `Not linked: ${data.error || "the server did not answer"}`;
      return;
    }
    input.value = data.device_id;
    box.dataset.device = data.device_id;
    out.textContent = `Linked. In Traccar Client set the device identifier to ${data.device_id} ` +
      `and the server URL to ${config.phoneUrl || window.location.origin}; its positions now ` +
      "move this route.";
  });
  box.append(summary, form);
  return box;
}
