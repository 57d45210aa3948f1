// The courier's own order of the stops: the block's order, except the stops put off with
// "Later", which go to the end in the order they were put off. Kept on the phone only (nothing
// is sent: the API has no event for it, and the server's order does not change).
import { kv } from "./drive-outbox.js";

export class StopOrder {
  constructor(db) {
    this.db = db;
    this.route = null;
    this.later = []; // stop indexes, put off first first
  }

  async load(route) {
    if (route === this.route) return;
    this.route = route;
    this.later = (await kv.get(this.db, `later:${route}`)) || [];
  }

  async putOff(index) {
    this.later = [...this.later.filter((i) => i !== index), index];
    await kv.put(this.db, `later:${this.route}`, this.later);
  }

  // Every stop, in the courier's order.
  arrange(stops) {
    const later = new Set(this.later);
    return [...stops.filter((s) => s.done || !later.has(s.index)),
      ...this.later.map((i) => stops[i]).filter((s) => s && !s.done)];
  }

  // The stop to go to next: the first without an outcome, in the courier's order.
  next(stops) {
    const open = this.arrange(stops).find((s) => !s.done);
    return open ? open.index : null;
  }
}
