// The server's clock, as the phone can know it: every answer carries a Date header, and a
// phone's own clock may be minutes or days wrong (set by hand, a flat battery). Outcomes and
// positions are stamped by the server's clock, so a customer never reads "Delivered at 11:43"
// above a timeline that says 12:22, and an event is never stamped before its route existed.
// Offline, the offset last learned still holds: a phone's clock drifts seconds a day.
const KEY = "doorstep-clock-offset";
// The Date header counts whole seconds and the answer took time to come: a smaller difference
// is the header's rounding, not a wrong clock.
const TRUST_MS = 5000;

let offset = Number(localStorage.getItem(KEY)) || 0;

// Learn the offset from an answer of this server.
export function learnClock(resp) {
  const date = resp && resp.headers && resp.headers.get("Date");
  const server = date ? Date.parse(date) : NaN;
  if (!Number.isFinite(server)) return;
  const seen = server + 500 - Date.now(); // the header's second began up to 1 s before
  offset = Math.abs(seen) > TRUST_MS ? seen : 0;
  localStorage.setItem(KEY, String(offset));
}

// Now by the server's clock, in epoch seconds; `ms` a time by the phone's clock.
export function serverSeconds(ms = Date.now()) {
  return (ms + offset) / 1000;
}
