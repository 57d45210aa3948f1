// Leaflet as an ES module, plus leaflet.markercluster, which is a classic script that extends a
// global `L`: give it a mutable copy of the module's exports, then load it.
import * as Leaflet from "../vendor/leaflet/leaflet-src.esm.js";

window.L = { ...Leaflet };
await import("../vendor/leaflet.markercluster/leaflet.markercluster-src.js");

export const L = window.L;
