// The driver's map: the way to the next stop on the planned path, the stops, and the phone's
// own position, on the same street map as every other page.
import * as L from "../vendor/leaflet/leaflet-src.esm.js";
import { addBasemap } from "./basemap.js";
import { rotate, vehicleIcon } from "./vehicles.js";

export class DriveMap {
  constructor(elementId, config) {
    this.map = L.map(elementId, { zoomControl: true, keyboard: true, maxZoom: 20 });
    addBasemap(L, this.map, config);
    this.stops = L.layerGroup().addTo(this.map);
    this.way = null;
    this.me = null;
    this.fittedTo = null;
  }

  // legs[i] ends at stop i; without a planned path, a straight line from where the driver is.
  wayTo(block, next) {
    const target = next === null ? block.station : block.stops[next];
    const leg = next === null ? block.legs[block.stops.length] : block.legs[next];
    // A planned leg starts at the stop before it: out of order (a stop opened from the list,
    // one put off with "Later") it would start elsewhere, so a straight line is drawn instead.
    const inOrder = next === null || next === 0 || block.stops[next - 1].done;
    if (inOrder && leg && leg.length > 1) return leg;
    const from = this.me ? this.me.getLatLng() : null;
    const last = block.stops[block.stops.length - 1];
    const start = from ? [from.lat, from.lng]
      : (next === null ? [last.lat, last.lon] : [block.station.lat, block.station.lon]);
    return [start, [target.lat, target.lon]];
  }

  show(block) {
    this.stops.clearLayers();
    L.marker([block.station.lat, block.station.lon], {
      icon: L.divIcon({ className: "station-marker", html: "<span>S</span>", iconSize: [28, 28] }),
      title: block.station.name, alt: block.station.name, keyboard: false,
    }).addTo(this.stops);
    for (const s of block.stops) {
      const cls = s.done ? "done" : (s.index === block.next_stop ? "next" : "later");
      L.marker([s.lat, s.lon], {
        icon: L.divIcon({ className: `stop-marker ${cls}`, html: `<span>${s.index + 1}</span>`,
          iconSize: [28, 28] }),
        title: `Stop ${s.index + 1}: ${s.address}`, alt: `Stop ${s.index + 1}`, keyboard: false,
      }).addTo(this.stops);
    }
    const way = this.wayTo(block, block.next_stop);
    if (this.way) this.way.remove();
    this.way = L.polyline(way, { color: "#0b6bcb", weight: 6, opacity: 0.85 }).addTo(this.map);
    const key = `${block.route_id}:${block.next_stop}`;
    if (this.fittedTo !== key) {  // refit when the next stop changes, not on every render
      // The way to the next stop; once all are done, the whole block and the way back.
      const bounds = this.way.getBounds();
      if (block.next_stop === null) for (const s of block.stops) bounds.extend([s.lat, s.lon]);
      this.map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 });
      this.fittedTo = key;
    }
  }

  moveMe(fix, vehicle) {
    const at = [fix.lat, fix.lon];
    if (!this.me) {
      this.me = L.marker(at, { icon: vehicleIcon(L, vehicle), keyboard: false, title: "You" })
        .addTo(this.map);
    } else {
      this.me.setLatLng(at);
    }
    rotate(this.me, fix.heading);
  }
}

// The route's vehicle as each navigation app names a way of travelling. Apple's `dirflg` has
// driving, walking and transit only: a bike is given walking (paths, no motorways) there.
const MODES = {
  foot: { apple: "w", google: "walking" },
  bike: { apple: "w", google: "bicycling" },
  motorcycle: { apple: "d", google: "two-wheeler" },
};
const DRIVING = { apple: "d", google: "driving" };

// A hand-off to the phone's own navigation app: Apple Maps on iOS, a geo: URI on Android
// (which offers every installed navigation app for it; it carries no travel mode), Google
// Maps elsewhere; in the route's own way of travelling.
export function navigationUrl(stop, vehicle) {
  const where = `${stop.lat},${stop.lon}`;
  const mode = MODES[vehicle] || DRIVING;
  if (/iPhone|iPad|iPod/.test(navigator.userAgent)) {
    return `https://maps.apple.com/?daddr=${where}&dirflg=${mode.apple}`;
  }
  if (/Android/.test(navigator.userAgent)) {
    return `geo:${where}?q=${where}(${encodeURIComponent(stop.address || "Stop")})`;
  }
  return `https://www.google.com/maps/dir/?api=1&destination=${where}&travelmode=${mode.google}`;
}
