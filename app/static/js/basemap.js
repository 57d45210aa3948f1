// Tiles are decoration: when they cannot load, the map turns to a plain street-grid background
// and says so, and the markers, path and destination stay readable on it.
export function addBasemap(L, map, config) {
  const tiles = L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 });
  let failures = 0;
  tiles.on("tileerror", () => {
    failures += 1;
    if (failures === 3) goOffline(map);
  });
  tiles.on("tileload", () => { failures = 0; map.getContainer().classList.remove("tiles-offline"); });
  tiles.addTo(map);
  return tiles;
}

function goOffline(map) {
  const box = map.getContainer();
  box.classList.add("tiles-offline");
  if (!box.querySelector(".offline-note")) {
    const note = document.createElement("p");
    note.className = "offline-note";
    note.textContent = "Offline: streets not shown";
    box.appendChild(note);
  }
}
