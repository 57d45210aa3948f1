// An outcome (Delivered, Attempted) waits a few seconds with an "Undo" button before it goes
// into the outbox: a tap on the wrong stop can be taken back before anything is sent. It waits
// in IndexedDB too, so a page closed meanwhile sends it when it opens again (the window has
// passed). Any other action, or the page going to the background, sends it at once.
import { kv } from "./drive-outbox.js";

export const UNDO_SECONDS = 10;

export class UndoWindow {
  constructor(db, outbox, { onChange }) {
    this.db = db;
    this.outbox = outbox;
    this.onChange = onChange; // (pending or null, seconds left)
    this.pending = null; // {label, items, before}
    this.timer = null;
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.commit();
    });
  }

  // items: what goes into the outbox, in order (photos first, then the event naming them);
  // before: the block as it was, shown again on "Undo".
  // undone: what the bar says once "Undo" was pressed.
  async hold(label, items, before, undone = "") {
    await this.commit();
    // Each item names its route: a link to another route opened meanwhile must not take it.
    const route = this.outbox.route;
    this.pending = { label, undone, items: items.map((item) => ({ ...item, route })), before,
      until: Date.now() + UNDO_SECONDS * 1000 };
    await kv.put(this.db, "pending", this.pending);
    this.tick();
  }

  tick() {
    clearTimeout(this.timer);
    if (!this.pending) return;
    const left = Math.ceil((this.pending.until - Date.now()) / 1000);
    if (left <= 0) {
      this.commit();
      return;
    }
    this.onChange(this.pending, left);
    this.timer = setTimeout(() => this.tick(), 1000);
  }

  // Into the outbox now. Safe to call at any time, and twice (one after the other).
  commit() {
    this.committing = (this.committing || Promise.resolve()).then(() => this.commitNow());
    return this.committing;
  }

  async commitNow() {
    const pending = this.pending || await kv.get(this.db, "pending");
    this.pending = null;
    clearTimeout(this.timer);
    if (!pending) return;
    await kv.del(this.db, "pending");
    this.onChange(null, 0);
    for (const item of pending.items) await this.outbox.add(item);
  }

  // Forget the outcome; answer the block as it was before it.
  async undo() {
    const pending = this.pending;
    this.pending = null;
    clearTimeout(this.timer);
    await kv.del(this.db, "pending");
    return pending ? pending.before : null; // the caller shows it, then hides the bar
  }
}
