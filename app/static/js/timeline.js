// The words beside the map: local times, the timeline, proof of delivery, a failed attempt.
import { LOCALE, placeName, t } from "./words.js";
export function clock(iso, timeZone) {
  if (!iso) return "";
  // As the server's Babel writes them (app/i18n/wording.py): Finnish 9.05, Swedish 09:05.
  return new Intl.DateTimeFormat(LOCALE, { hour: LOCALE === "fi" ? "numeric" : "2-digit",
    minute: "2-digit", timeZone })
    .format(new Date(iso));
}

export function dayText(iso, timeZone) {
  return new Intl.DateTimeFormat(LOCALE, { weekday: "short", day: "numeric", month: "short",
    timeZone }).format(new Date(iso));
}

function text(id, value) {
  const el = document.getElementById(id);
  if (el && el.textContent !== value) el.textContent = value;
}

// "Delivered at 14:22, left at the front door", "Out for delivery: 10 stops away": the
// headline a person reads first, worded on the server (app/i18n/page_view.py) as the first HTML
// has it, so the script never rewrites it into a longer line.
export function headline(view) {
  return view.headline || view.status_text;
}

// The delivery day, and the cut-off (the end of service hours, which the server sends in the
// page's config: rules/hours.py) only where it matters: a late window, or a move.
export function renderDay(view, cutOffHour) {
  const eta = view.eta;
  if (!eta) return text("day-text", "");
  // The day and the window's last hour, local, from the server (Babel's format, as the page's).
  const day = eta.day_text;
  if (eta.moved_to_next_day) {
    return text("day-text", t("moved_day", { hour: cutOffHour, day }));
  }
  const late = eta.end_hour >= cutOffHour - 2;
  text("day-text", late ? t("late_day", { hour: cutOffHour, day })
    : t("delivery_day", { day }));
}

export function renderTimeline(view) {
  const list = document.getElementById("timeline");
  const items = [...view.timeline].reverse().map((entry, i) => {
    const li = document.createElement("li");
    li.className = `status-${entry.status}`;
    const time = document.createElement("time");
    time.dateTime = entry.at;
    time.textContent = entry.when;
    const span = document.createElement("span");
    // The newest "N stops away" entry was written when the driver came close; the count has
    // gone down since: say what the headline says, not an older number beside it.
    const current = i === 0 && entry.status === "approaching" && view.status === "approaching";
    span.textContent = current ? view.status_text : entry.text;
    li.append(time, span);
    return li;
  });
  list.replaceChildren(...items);
}

function showImage(id, key, photoUrl, onGone = () => {}) {
  const img = document.getElementById(id);
  if (!img) return;
  img.hidden = !key || img.dataset.gone === key;
  const src = key ? photoUrl(key) : "";
  if (!key) return;
  // Photos may be deleted before the rest (PHOTO_RETENTION_DAYS): no broken image then.
  const gone = () => { img.dataset.gone = key; img.hidden = true; onGone(); };
  img.onerror = gone;
  if (img.getAttribute("src") !== src) img.src = src;
  // The first HTML names the photo itself: it may have failed before this script ran.
  else if (img.complete && img.naturalWidth === 0) gone();
}

// Photos the driver app uploaded are named by key (ph_...) and shown from this server, to this
// link only; an API client's own photo is a URL, offered as a link.
export function renderProof(view, photoUrl) {
  const proof = view.proof;
  document.getElementById("proof").hidden = !proof;
  if (!proof) return;
  text("proof-left", proof.left_at ? placeName(proof.left_at) : t("handed_over"));
  text("proof-note", proof.note || t("no_note"));
  const stored = /^ph_[0-9a-f]{32}$/;
  const named = stored.test(proof.photo || "") && photoUrl ? proof.photo : null;
  // A photo the server does not have (never uploaded, or no longer kept) is not promised.
  const key = named && document.getElementById("proof-image").dataset.gone !== named
    ? named : null;
  showImage("proof-image", key, photoUrl, () => renderProof(view, photoUrl));
  showImage("proof-signature", stored.test(proof.signature || "") && photoUrl
    ? proof.signature : null, photoUrl);
  const photo = /^https?:\/\//.test(proof.photo || "") ? proof.photo : null;
  const caption = document.getElementById("proof-photo");
  // An SVG element has no .hidden property: the attribute itself.
  document.getElementById("proof-placeholder").toggleAttribute("hidden", Boolean(key));
  if (key) {
    caption.textContent = t("photo_at", { time: proof.time });
  } else if (photo) {
    const a = document.createElement("a");
    a.href = photo;
    a.rel = "noopener";
    a.textContent = t("see_photo");
    caption.replaceChildren(a);
  } else if (named) {
    caption.textContent = t("photo_gone", { time: proof.time });
  } else {
    caption.textContent = t("no_photo", { time: proof.time });
  }
}

export function renderAttempt(view) {
  const attempted = view.status === "attempted" || view.status === "returned";
  document.getElementById("attempt").hidden = !attempted;
  if (!attempted) return;
  const last = view.timeline[view.timeline.length - 1];
  text("attempt-text", last ? last.text : t("attempted"));
  text("attempt-next", t("attempt_next"));
}
