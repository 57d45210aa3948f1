// The driver app's outbox: every event, batch of fixes and photo goes into IndexedDB first and
// is sent from there, oldest first, one at a time, so a dead zone loses nothing and reorders
// nothing. An item leaves the outbox only once the server has answered for it: a 2xx, or a
// refusal that sending again cannot change. The server takes the same item twice as once
// (docs/api.md: replayed outcomes answer 200, a repeated fix is dropped as a duplicate).
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

export class Outbox {
  constructor(db, token, route, onChange) {
    this.db = db;
    this.token = token;
    this.route = route; // the route id of the block this link opens
    this.onChange = onChange; // (count, problem) for the "3 waiting to send" line
    this.sending = false;
    this.problem = null;
    // Photos the server refused for good (too large, not an image): the delivery that names
    // one is still sent, without it, rather than refused for an unknown photo.
    this.refusedPhotos = new Set();
  }

  // kind: "json" (url, body) or "photo" (url, blob, then the event that names it). Each item
  // belongs to the route it was made for: a phone given a link to another route later keeps
  // the first route's items aside (sent again if a new link for that route is opened), never
  // sends them to the other route.
  async add(item) {
    await tx(this.db, STORE, "readwrite", (s) => s.add({ ...item, route: this.route,
      added: Date.now() }));
    await this.report();
    this.flush();
  }

  async mine() {
    const all = await tx(this.db, STORE, "readonly", (s) => s.getAll());
    return all.filter((item) => item.route === this.route);
  }

  async count() { return (await this.mine()).length; }

  async report() { this.onChange(await this.count(), this.problem); }

  async oldest() { return (await this.mine())[0] || null; } // getAll answers in key order

  remove(seq) { return tx(this.db, STORE, "readwrite", (s) => s.delete(seq)); }

  async send(item) {
    const headers = { Authorization: `Bearer ${this.token}` };
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

  // Send everything waiting, in order; stop at the first item the network or server could not
  // take, and try again later (`online`, a timer, the next item added).
  async flush() {
    if (this.sending) return;
    this.sending = true;
    let refused = false;  // a photo refused in this round: its notice outlives the next success
    try {
      for (const k of (await kv.get(this.db, "refusedPhotos")) || []) this.refusedPhotos.add(k);
      for (let item = await this.oldest(); item; item = await this.oldest()) {
        let resp;
        try {
          resp = await this.send(item);
        } catch {
          this.problem = navigator.onLine ? "No answer from the server" : "Offline";
          break;
        }
        if (resp.ok || final(resp.status)) {
          if (!resp.ok) {
            const body = await resp.json().catch(() => ({}));
            this.problem = `Not taken: ${body.error || resp.status}`;
            if (item.kind === "photo") {
              refused = true;
              this.problem = `A photo was not taken (${body.error || resp.status}): the ` +
                "delivery goes without it";
              this.refusedPhotos.add(item.key);
              // Kept on the phone: the event naming it may be sent after a reload.
              await kv.put(this.db, "refusedPhotos", [...this.refusedPhotos]);
            }
          } else if (!refused) {
            this.problem = null;
          }
          await this.remove(item.seq);
          await this.report();
          continue;
        }
        const body = await resp.json().catch(() => ({}));
        this.problem = resp.status === 401 ? "revoked" : (body.error || `Server busy (${resp.status})`);
        break;
      }
    } finally {
      this.sending = false;
      await this.report();
    }
  }
}
