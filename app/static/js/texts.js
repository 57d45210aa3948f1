// Text updates for this shipment: sign up a phone number, see it masked, undo it.
import { LANG, t } from "./words.js";

const form = document.getElementById("texts-form");
const on = document.getElementById("texts-on");
const status = document.getElementById("texts-status");

function show(state) {
  form.hidden = state.subscribed;
  on.hidden = !state.subscribed;
  document.getElementById("texts-masked").textContent = state.phone || "";
}

async function call(url, method, body) {
  const resp = await fetch(url, {
    method, headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await resp.json().catch(() => ({}));
  return { ok: resp.ok, status: resp.status, data };
}

async function onSubmit(event, url) {
  event.preventDefault();
  const phone = document.getElementById("texts-phone").value.replace(/[\s()-]/g, "");
  const { ok, data } = await call(url, "POST", { phone, lang: LANG });
  if (!ok) {
    status.textContent = data.field === "phone"
      ? t("bad_phone") : t("signup_failed");
    document.getElementById("texts-phone").setAttribute("aria-invalid", "true");
    return;
  }
  document.getElementById("texts-phone").removeAttribute("aria-invalid");
  show(data);
  // The number itself is on the line above ("Texts go to ..."): not said twice.
  status.textContent = t("signed_up");
}

async function onStop(url) {
  const { ok, data } = await call(url, "DELETE");
  if (!ok) { status.textContent = t("stop_failed"); return; }
  show(data);
  status.textContent = t("stopped");
  document.getElementById("texts-phone").focus();
}

export async function setUpTexts(url) {
  const { ok, status: code, data } = await call(url, "GET");
  if (!ok && code === 404) {
    document.getElementById("texts").hidden = true; // this server has no text updates
    return;
  }
  if (ok) show(data);
  form.addEventListener("submit", (event) => onSubmit(event, url));
  document.getElementById("texts-stop").addEventListener("click", () => onStop(url));
}
