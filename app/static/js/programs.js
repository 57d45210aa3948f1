// Program availability at a point: click the map or type coordinates.
const NAMES = { standard: "Standard", express: "Two-hour express", grocery: "Grocery",
  restaurant: "Restaurant take-out", locker: "Pickup lockers" };

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
    const li = document.createElement("li");
    li.className = "error";
    li.textContent = body.error;
    document.getElementById("programs-list").replaceChildren(li);
    return;
  }
  renderPrograms(body.programs);
}

export function setUpPrograms(config) {
  document.getElementById("programs-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const lat = Number(document.getElementById("programs-lat").value);
    const lon = Number(document.getElementById("programs-lon").value);
    checkPrograms(config, lat, lon);
  });
}
