// Positions from the phone while the route is active: watchPosition, batched like the
// simulator's HTTP sink (one request per few seconds, not one per fix), a wake lock so the
// screen stays on while driving, and a warning when the page cannot follow the driver.
import { serverSeconds } from "./drive-clock.js";

const BATCH_MAX = 30;

// Browsers give location, service workers (offline use) and the wake lock to HTTPS pages only:
// no site setting can allow them on http://, so the courier is told what will help.
export const insecureText = "This link is not on HTTPS: the browser allows location, offline use " +
  "and keeping the screen on only over HTTPS. Ask your dispatcher for the https:// link.";

export class Location {
  constructor(outbox, positionsUrl, batchSeconds, { onFix, onWarning }) {
    this.batchSeconds = batchSeconds;
    this.outbox = outbox;
    this.url = positionsUrl;
    this.onFix = onFix;
    this.onWarning = onWarning; // (name, text or null)
    this.pending = [];
    this.watch = null;
    this.timer = null;
    this.lock = null;
  }

  start() {
    if (this.watch !== null) return;
    if (!("geolocation" in navigator)) {
      this.onWarning("location", "This browser cannot share your location: customers will not see you move.");
      return;
    }
    this.watch = navigator.geolocation.watchPosition((p) => this.take(p), (e) => this.refused(e),
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
    this.timer = setInterval(() => this.flush(), this.batchSeconds * 1000);
    this.keepAwake();
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  stop() {
    if (this.watch !== null) navigator.geolocation.clearWatch(this.watch);
    clearInterval(this.timer);
    this.watch = null;
    this.flush();
    if (this.lock) this.lock.release().catch(() => {});
    this.lock = null;
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.onWarning("background", null);
  }

  take(p) {
    this.onWarning("location", null);
    const c = p.coords;
    const fix = { lat: c.latitude, lon: c.longitude, timestamp: serverSeconds(p.timestamp),
      accuracy: c.accuracy };
    if (Number.isFinite(c.speed) && c.speed >= 0) fix.speed = c.speed;
    if (Number.isFinite(c.heading) && c.heading >= 0) fix.heading = c.heading;
    this.pending.push(fix);
    this.onFix(fix);
    if (this.pending.length >= BATCH_MAX) this.flush();
  }

  refused(err) {
    if (!window.isSecureContext) return; // the page's own warning says why (insecureText)
    const text = err.code === err.PERMISSION_DENIED
      ? "Location is off for this page: allow it in the browser's site settings, or customers will not see you coming."
      : "Looking for your location… (no GPS fix yet)";
    this.onWarning("location", text);
  }

  // Fixes go through the outbox with everything else: in order, and kept through dead zones.
  flush() {
    if (!this.pending.length) return Promise.resolve();
    const positions = this.pending.splice(0);
    return this.outbox.add({ kind: "json", url: this.url, body: { positions } });
  }

  async keepAwake() {
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible") return;
    try {
      this.lock = await navigator.wakeLock.request("screen");
    } catch {
      this.lock = null; // refused (battery saver): the warning below still tells the driver
    }
  }

  onVisibility = () => {
    if (document.visibilityState === "hidden") {
      this.flush();
      this.onWarning("background", null);
      this.hiddenAt = Date.now();
    } else {
      if (this.hiddenAt) {
        this.onWarning("background", "The app was in the background: your position was not sent meanwhile. Keep it open while driving.");
      }
      this.keepAwake(); // a wake lock ends when the page is hidden
    }
  };
}
