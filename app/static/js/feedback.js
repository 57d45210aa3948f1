// The feedback page: two ratings and a comment, sent once for this delivery.
import { t } from "./words.js";

const root = document.getElementById("feedback");
const config = JSON.parse(root.dataset.config);
const form = document.getElementById("feedback-form");
const status = document.getElementById("feedback-status");

function done(message) {
  form.hidden = true;
  status.textContent = message;
  root.dataset.state = "given";
}

async function onSubmit(event) {
  event.preventDefault();
  const data = new FormData(form);
  const body = { delivery: Number(data.get("delivery")), product: Number(data.get("product")),
    comment: data.get("comment") || "" };
  for (const name of ["delivery", "product"]) {
    if (!data.get(name)) {
      status.textContent = t(name === "delivery" ? "rate_delivery" : "rate_product");
      document.querySelector(`#rate-${name} input`).focus();
      return;
    }
  }
  let resp;
  try {
    resp = await fetch(config.feedbackUrl, { method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrfToken } });
  } catch {
    status.textContent = t("send_offline");
    return;
  }
  const answer = await resp.json().catch(() => ({}));
  if (resp.ok) done(t("feedback_thanks"));
  else if (resp.status === 409 && answer.field === "token") done(t("feedback_given"));
  else if (resp.status === 429) status.textContent = t("too_many_tries");
  else if (answer.field === "comment") status.textContent = t("comment_too_long");
  else status.textContent = t("send_failed");
}

async function main() {
  if (config.brandColour) {
    root.style.setProperty("--brand", config.brandColour);
    root.dataset.brand = "";
  }
  form.addEventListener("submit", onSubmit);
  const resp = await fetch(config.feedbackUrl).catch(() => null);
  if (resp && resp.ok && (await resp.json()).given) {
    done(t("feedback_given"));
  }
}

main();
