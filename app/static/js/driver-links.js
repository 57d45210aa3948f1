// The dashboard's driver links: pick a route, make or revoke its link, show it as a QR code.
import { linkAddress } from "./link-address.js";

const $ = (id) => document.getElementById(id);
let csrf = "";

function linkPath(routeId) {
  return `/dashboard/routes/${encodeURIComponent(routeId)}/driver-link`;
}

function show(answer) {
  $("driver-link-revoke").disabled = !answer.active;
  $("driver-link-make").textContent = answer.active ? "Make a new link" : "Make driver link";
  $("driver-link-show").hidden = !answer.path;
  // Without PUBLIC_URL the server names no host (it would have to trust the request's Host
  // header): the link goes on this page's own address, and the panel says what phones need.
  $("driver-link-public").hidden = answer.public_url !== false;
  $("driver-link-insecure").hidden = answer.public_url !== false || location.protocol === "https:";
  if (answer.path) {
    const address = linkAddress(answer);
    $("driver-link-url").value = address.url;
    const sep = address.qr.includes("?") ? "&" : "?";
    $("driver-link-qr").src = `${address.qr}${sep}t=${Date.now()}`; // a new link: a new code
  }
  $("driver-link-status").textContent = answer.active
    ? (answer.path ? "Scan with the courier's phone camera." : "This route has a link made before (not shown again after a SECRET_KEY change): make a new one to show it.")
    : "No working driver link for this route.";
}

async function call(method) {
  const routeId = $("driver-route").value;
  if (!routeId) return;
  const headers = method === "GET" ? {} : { "X-CSRF-Token": csrf };
  const resp = await fetch(linkPath(routeId), { method, headers });
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    $("driver-link-status").textContent = body.error || `The server answered ${resp.status}`;
    return;
  }
  show(body);
}

// What tells two routes of the same courier and vehicle apart: where they start, and the id.
function firstStop(route) {
  const rows = (route.shipments || []).filter((s) => s.address);
  const first = rows.reduce((a, b) => (b.stop < a.stop ? b : a), rows[0]);
  return first ? `from ${first.address} (${route.route_id})` : route.route_id;
}

// Called with every fleet update: the list follows the seller's routes, unfinished first.
export function updateDriverRoutes(routes) {
  const select = $("driver-route");
  const chosen = select.value;
  const options = [...routes].sort((a, b) => (a.status === "finished") - (b.status === "finished"))
    .map((r) => new Option(`${r.driver} · ${r.vehicle} · ${r.stops_done}/${r.stops_total} stops`
      + ` · ${firstStop(r)}` + (r.status === "finished" ? " (finished)" : ""), r.route_id));
  const signature = options.map((o) => o.value + o.text).join("|");
  if (select.dataset.signature === signature) return;
  select.dataset.signature = signature;
  select.replaceChildren(new Option("Choose a route…", ""), ...options);
  select.value = chosen;
}

// Withdrawing a route (DELETE /dashboard/routes/<id>): asked twice, since its customers are
// told at once and its driver link stops working.
async function withdraw() {
  const routeId = $("driver-route").value;
  const button = $("route-withdraw");
  if (!routeId) return;
  if (button.dataset.armed !== routeId) {
    button.dataset.armed = routeId;
    button.textContent = "Withdraw it: click again";
    $("driver-link-status").textContent = "Withdrawing removes the route: its customers' links " +
      "say the delivery was withdrawn and its driver link stops working.";
    return;
  }
  delete button.dataset.armed;
  button.textContent = "Withdraw route";
  const resp = await fetch(`/dashboard/routes/${encodeURIComponent(routeId)}`,
    { method: "DELETE", headers: { "X-CSRF-Token": csrf } });
  const body = await resp.json().catch(() => ({}));
  $("driver-link-status").textContent = resp.ok
    ? `Route withdrawn: its ${body.shipments} customer link(s) now say so.`
    : body.error || `The server answered ${resp.status}`;
  if (resp.ok) {
    $("driver-route").value = "";
    $("driver-link-show").hidden = true;
    for (const id of ["driver-link-make", "driver-link-revoke", "route-withdraw"]) $(id).disabled = true;
  }
}

export function setUpDriverLinks(config) {
  csrf = config.csrfToken;
  $("driver-route").addEventListener("change", () => {
    const chosen = Boolean($("driver-route").value);
    $("driver-link-make").disabled = !chosen;
    $("driver-link-revoke").disabled = true;
    $("route-withdraw").disabled = !chosen;
    delete $("route-withdraw").dataset.armed;
    $("route-withdraw").textContent = "Withdraw route";
    $("driver-link-show").hidden = true;
    $("driver-link-status").textContent = "";
    if (chosen) call("GET");
  });
  $("driver-link-make").addEventListener("click", () => call("POST"));
  $("driver-link-revoke").addEventListener("click", () => call("DELETE"));
  $("route-withdraw").addEventListener("click", withdraw);
}
