// Delivery instructions for the driver: a note and a safe place, until the driver is at the door.
import { placeName, t } from "./words.js";

const panel = document.getElementById("instructions");
const form = document.getElementById("instructions-form");
const status = document.getElementById("instructions-status");
const saved = document.getElementById("instructions-saved");
// The statuses in which they can change come from the server (app/customer/instructions.py).
const state = { url: "", csrf: "", open: [], current: { note: "", safe_place: null } };

function describe({ note, safe_place: place }) {
  const lines = [];
  if (place) lines.push(t("if_nobody_home", { place: placeName(place) }));
  if (note) lines.push(t("note_is", { note }));
  return lines.join("\n");
}

function showSaved() {
  const words = describe(state.current);
  saved.hidden = !words;
  saved.textContent = words ? `${t("your_instructions")}\n${words}` : "";
}

// Closed once the driver is at the door: the form keeps its box, disabled, until the delivery
// is over (hidden at the door, the page under it moved up into view); what was left stays shown.
const OVER = ["delivered", "attempted", "returned"];
export function updateInstructions(viewStatus) {
  const open = state.open.includes(viewStatus);
  const over = OVER.includes(viewStatus);
  form.hidden = over;
  for (const field of form.elements) field.disabled = !open;
  panel.hidden = over && !describe(state.current);
  if (!open) status.textContent = over ? "" : t("at_door_already");
}

async function onSubmit(event) {
  event.preventDefault();
  const body = {
    note: document.getElementById("instructions-note").value,
    safe_place: document.getElementById("instructions-place").value || null,
  };
  let resp;
  try {
    resp = await fetch(state.url, { method: "PUT", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": state.csrf } });
  } catch {
    status.textContent = t("save_offline");
    return;
  }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    status.textContent = resp.status === 409
      ? t("at_door_already")
      : resp.status === 429 ? t("too_many_changes")
      : data.field === "note" ? t("note_too_long")
      : t("save_failed");
    return;
  }
  state.current = data;
  showSaved();
  status.textContent = t("instructions_saved");
}

export async function setUpInstructions(config, viewStatus) {
  state.url = config.instructionsUrl;
  state.csrf = config.csrfToken;
  state.open = config.instructionsOpen;
  const resp = await fetch(state.url).catch(() => null);
  if (resp && resp.ok) {
    state.current = await resp.json();
    document.getElementById("instructions-note").value = state.current.note || "";
    document.getElementById("instructions-place").value = state.current.safe_place || "";
    showSaved();
  }
  updateInstructions(viewStatus);
  form.addEventListener("submit", onSubmit);
}
