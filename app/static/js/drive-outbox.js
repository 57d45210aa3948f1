// The driver app's outbox: every event, batch of fixes and photo goes into IndexedDB first and
// is sent from there, oldest first, one at a time, so a dead zone loses nothing and reorders
// nothing. An item leaves the outbox only once the server has answered for it: a 2xx, or a
// refusal that sending again cannot change. The server takes the same item twice as once
// (docs/api.md: replayed outcomes answer 200, a repeated fix is dropped as a duplicate).
import { learnClock } from "./drive-clock.js";
import { advice } from "./drive-words.js";

const DB = "doorstep-driver";
const STORE = "outbox";
const KV = "kv";

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function openDb() {
  const req = indexedDB.open(DB, 1);
  req.onupgradeneeded = () => {
    req.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
    req.result.createObjectStore(KV);
  };
  return request(req);
}

function tx(db, name, mode, fn) {
  return new Promise((resolve, reject) => {
    const t = db.transaction(name, mode);
    const out = fn(t.objectStore(name));
    t.oncomplete = () => resolve(out && "result" in out ? out.result : undefined);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

export const kv = {
  get: (db, key) => tx(db, KV, "readonly", (s) => s.get(key)),
  put: (db, key, value) => tx(db, KV, "readwrite", (s) => s.put(value, key)),
  del: (db, key) => tx(db, KV, "readwrite", (s) => s.delete(key)),
};

// Answers that sending the same thing again cannot change: drop the item and say so.
function final(status) {
  return status >= 400 && status < 500 && ![401, 408, 425, 429].includes(status);
}

function withoutRefused(body, refused) {
  const proof = body && body.proof;
  if (!proof || !refused.size) return body;
  const keep = { ...proof };
  for (const name of ["photo", "signature"]) if (refused.has(keep[name])) keep[name] = null;
  return { ...body, proof: keep };
}

// Each route's driver token, kept with its route's items (IndexedDB, on this phone only): a
// phone given a second route's link still sends the first route's items with the first token.
export async function rememberToken(db, route, token) {
  if (!route || !token) return;
  const tokens = (await kv.get(db, "routeTokens")) || {};
  if (tokens[route] === token) return;
  tokens[route] = token;
  await kv.put(db, "routeTokens", tokens);
}

export class Outbox {
  constructor(db, token, route, onChange) {
    this.db = db;
    this.token = token;
    this.route = route; // the route id of the block the open link shows
    // (count, problem, others) for the "3 waiting to send" line: others = {waiting, revoked},
    // the items of the phone's other routes.
    this.onChange = onChange;
    this.onRefused = () => {}; // (text): a refusal the courier must see until dismissed
    this.sending = false;
    this.problem = null;
    // Photos the server refused for good (too large, not an image): the delivery that names
    // one is still sent, without it, rather than refused for an unknown photo.
    this.refusedPhotos = new Set();
    this.revokedRoutes = new Set(); // other routes whose token the server refused (401)
  }

  // kind: "json" (url, body) or "photo" (url, blob, then the event that names it). Each item
  // belongs to the route it was made for and is sent with that route's token, whichever link
  // is open now. A revoked route's items stay aside on the phone (sent if a new link for that
  // route is opened), never sent to another route.
  async add(item) {
    await rememberToken(this.db, this.route, this.token);
    // An item made for a route before another link was opened names its route already.
    await tx(this.db, STORE, "readwrite", (s) => s.add({ ...item, route: item.route ?? this.route,
      added: Date.now() }));
    await this.report();
    this.flush();
  }

  all() { return tx(this.db, STORE, "readonly", (s) => s.getAll()); } // in key order

  async mine() { return (await this.all()).filter((item) => item.route === this.route); }

  async count() { return (await this.mine()).length; }

  async report() {
    const all = await this.all();
    const others = all.filter((item) => item.route !== this.route);
    this.onChange(all.length - others.length, this.problem, {
      waiting: others.filter((item) => !this.revokedRoutes.has(item.route)).length,
      revoked: others.filter((item) => this.revokedRoutes.has(item.route)).length,
    });
  }

  // The oldest item of a route not held back in this round: order is kept within each route.
  async oldest(held) {
    return (await this.all()).find((item) => !held.has(item.route)) || null;
  }

  // A refusal that sending again cannot change (a photo too large, a phone clock a day off):
  // the item leaves the outbox, and the courier is told until they dismiss it (onRefused).
  async refused(item, resp) {
    const body = await resp.json().catch(() => ({}));
    const why = body.error || `the server answered ${resp.status}`;
    const other = item.route === this.route ? "" : " (another route)";
    if (item.kind === "photo") {
      this.refusedPhotos.add(item.key);
      // Kept on the phone: the event naming it may be sent after a reload.
      await kv.put(this.db, "refusedPhotos", [...this.refusedPhotos]);
      this.onRefused(`A photo was not taken${other}: ${why}. The delivery goes without it.`);
    } else {
      const what = item.body && item.body.type ? `"${item.body.type.replace("_", " ")}"` : "Positions";
      // The stop and parcel it was for (items from before `about` was kept: the stop's number).
      const stop = item.body && Number.isInteger(item.body.stop) ? item.body.stop : null;
      const about = item.about || (stop === null ? "" : `Stop ${stop + 1}`);
      const todo = item.body && item.body.type ? ` ${advice(body)}` : "";
      this.onRefused(`${about ? `${about}: ` : ""}${what} was not taken${other}: ${why}.${todo}`);
    }
  }

  remove(seq) { return tx(this.db, STORE, "readwrite", (s) => s.delete(seq)); }

  async tokenFor(route) {
    if (route === this.route) return this.token;
    return ((await kv.get(this.db, "routeTokens")) || {})[route] || null;
  }

  async send(item, token) {
    const headers = { Authorization: `Bearer ${token}` };
    let body;
    if (item.kind === "photo") {
      headers["Content-Type"] = item.blob.type || "application/octet-stream";
      headers["Idempotency-Key"] = item.key;
      body = item.blob;
    } else {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(withoutRefused(item.body, this.refusedPhotos));
    }
    return fetch(item.url, { method: "POST", headers, body, cache: "no-store" });
  }

  // Send everything waiting, oldest first; a route whose item the server would not take
  // (revoked, no token on this phone) is held back while the others go on; the network or a
  // busy server stops the round, tried again later (`online`, a timer, the next item added).
  async flush() {
    if (this.sending) return;
    this.sending = true;
    const held = new Set();
    try {
      for (const k of (await kv.get(this.db, "refusedPhotos")) || []) this.refusedPhotos.add(k);
      for (let item = await this.oldest(held); item; item = await this.oldest(held)) {
        const token = await this.tokenFor(item.route);
        if (!token) { // items from before tokens were kept per route, of a route since left
          held.add(item.route);
          this.revokedRoutes.add(item.route);
          continue;
        }
        let resp;
        try {
          resp = await this.send(item, token);
          learnClock(resp);
        } catch {
          this.problem = navigator.onLine ? "No answer from the server" : "Offline";
          break;
        }
        if (resp.ok || final(resp.status)) {
          if (!resp.ok) await this.refused(item, resp);
          else if (item.route === this.route || this.problem !== "revoked") this.problem = null;
          if (item.route !== this.route) this.revokedRoutes.delete(item.route);
          await this.remove(item.seq);
          await this.report();
          continue;
        }
        if (resp.status === 401) {
          held.add(item.route);
          if (item.route === this.route) this.problem = "revoked";
          else this.revokedRoutes.add(item.route);
          continue;
        }
        const body = await resp.json().catch(() => ({}));
        this.problem = body.error || `Server busy (${resp.status})`;
        break;
      }
    } finally {
      this.sending = false;
      await this.report();
    }
  }
}
