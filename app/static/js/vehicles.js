// Vehicle pictograms drawn top-down, nose up (north), so rotating by the heading points them.
import { has, t } from "./words.js";

const BODY = 'fill="currentColor" stroke="#fff" stroke-width="1.5"';
const GLASS = 'fill="#cfe3f7"';

const SHAPES = {
  van: `<rect x="9" y="4" width="14" height="24" rx="3" ${BODY}/>
        <rect x="11" y="7" width="10" height="4" rx="1" ${GLASS}/>
        <rect x="7" y="9" width="2" height="3" fill="currentColor"/>
        <rect x="23" y="9" width="2" height="3" fill="currentColor"/>`,
  bike: `<rect x="14" y="2" width="4" height="10" rx="2" ${BODY}/>
         <rect x="14" y="20" width="4" height="10" rx="2" ${BODY}/>
         <path d="M16 9v14" stroke="currentColor" stroke-width="3"/>
         <path d="M9 9h14" stroke="currentColor" stroke-width="2.6" stroke-linecap="round"/>
         <circle cx="16" cy="16" r="4.5" ${BODY}/>`,
  motorcycle: `<rect x="13.5" y="2" width="5" height="9" rx="2.5" ${BODY}/>
               <rect x="13.5" y="21" width="5" height="9" rx="2.5" ${BODY}/>
               <rect x="12" y="9" width="8" height="13" rx="3" ${BODY}/>
               <path d="M8 10h16" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"/>
               <circle cx="16" cy="16" r="3.5" ${GLASS}/>`,
  foot: `<ellipse cx="16" cy="17" rx="9" ry="5" ${BODY}/>
         <circle cx="16" cy="16" r="4.5" ${BODY}/>
         <path d="M16 4l4 6h-8z" fill="currentColor"/>`,
  drone: `<path d="M8 8l16 16M24 8L8 24" stroke="currentColor" stroke-width="2.5"/>
          <circle cx="8" cy="8" r="4" ${BODY}/><circle cx="24" cy="8" r="4" ${BODY}/>
          <circle cx="8" cy="24" r="4" ${BODY}/><circle cx="24" cy="24" r="4" ${BODY}/>
          <rect x="13" y="12" width="6" height="8" rx="2" ${BODY}/>
          <path d="M16 2l3 5h-6z" fill="currentColor"/>`,
};

const VEHICLE_NAMES = {
  van: "van", bike: "bike", motorcycle: "motorcycle", foot: "on foot", drone: "drone",
};

// In the page's language where it has the words (the customer's page), else English.
export function vehicleName(vehicle) {
  const key = `vehicle_${vehicle}`;
  return has(key) ? t(key) : VEHICLE_NAMES[vehicle] || vehicle;
}

export function vehicleSvg(vehicle) {
  const shape = SHAPES[vehicle] || SHAPES.van;
  return `<svg viewBox="0 0 32 32" width="30" height="30" aria-hidden="true">${shape}</svg>`;
}

// A Leaflet divIcon: a round badge with the vehicle inside; `.vehicle` is what rotates.
export function vehicleIcon(L, vehicle, className = "driver-marker") {
  return L.divIcon({
    className: `${className} vehicle-${vehicle}`,
    html: `<span class="badge"><span class="vehicle">${vehicleSvg(vehicle)}</span></span>`,
    iconSize: [40, 40], iconAnchor: [20, 20],
  });
}

export function rotate(marker, heading) {
  const el = marker.getElement();
  const inner = el && el.querySelector(".vehicle");
  if (inner && Number.isFinite(heading)) inner.style.transform = `rotate(${heading}deg)`;
}
