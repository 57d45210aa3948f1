// Program availability at a point: type an address (geocoded), click the map or type coordinates.
const NAMES = { standard: "Standard", express: "Two-hour express", grocery: "Grocery",
  restaurant: "Restaurant take-out", locker: "Pickup lockers" };

function showError(message) {
  const li = document.createElement("li");
  li.className = "error";
  li.textContent = message;
  document.getElementById("programs-list").replaceChildren(li);
}

function renderPrograms(programs) {
  const items = programs.map((p) => {
    const li = document.createElement("li");
    li.className = p.offered ? "offered" : "not-offered";
    li.dataset.program = p.program;
    li.textContent = `${p.offered ? "✓" : "✗"} ${NAMES[p.program] || p.program}` +
      (p.offered ? ` (${p.area})` : ": not offered here");
    return li;
  });
  document.getElementById("programs-list").replaceChildren(...items);
}

export async function checkPrograms(config, lat, lon) {
  document.getElementById("programs-lat").value = lat.toFixed(5);
  document.getElementById("programs-lon").value = lon.toFixed(5);
  const resp = await fetch(`${config.programsUrl}?lat=${lat}&lon=${lon}`);
  const body = await resp.json();
  if (!resp.ok) {
    showError(body.error);
    return;
  }
  renderPrograms(body.programs);
}

// The address through the server's geocoder (the extract's own addresses by default), then
// the programs at the place it found; the place is shown so a wrong match is seen.
async function checkAddress(config, query) {
  const place = document.getElementById("programs-place");
  place.textContent = "Finding the address…";
  const resp = await fetch(`${config.geocodeUrl}?q=${encodeURIComponent(query)}`);
  const body = await resp.json().catch(() => ({ error: "the server did not answer" }));
  if (!resp.ok) {
    place.textContent = "";
    showError(body.error);
    return;
  }
  place.textContent = `${body.address} (${body.quality} match)`;
  place.dataset.quality = body.quality;
  await checkPrograms(config, body.lat, body.lon);
}

export function setUpPrograms(config) {
  document.getElementById("programs-address-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const query = document.getElementById("programs-address").value.trim();
    if (query) checkAddress(config, query);
  });
  document.getElementById("programs-form").addEventListener("submit", (e) => {
    e.preventDefault();
    document.getElementById("programs-place").textContent = "";
    const lat = Number(document.getElementById("programs-lat").value);
    const lon = Number(document.getElementById("programs-lon").value);
    checkPrograms(config, lat, lon);
  });
}
