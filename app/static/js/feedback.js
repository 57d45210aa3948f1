// The feedback page: two ratings and a comment, sent once for this delivery.
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
      status.textContent = `Choose a rating from 1 to 5 for ${name === "delivery"
        ? "the delivery" : "what you ordered"}.`;
      document.querySelector(`#rate-${name} input`).focus();
      return;
    }
  }
  let resp;
  try {
    resp = await fetch(config.feedbackUrl, { method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrfToken } });
  } catch {
    status.textContent = "Could not send just now: check your connection and try again.";
    return;
  }
  const answer = await resp.json().catch(() => ({}));
  if (resp.ok) done("Thank you! The shop has your feedback.");
  else if (resp.status === 409 && answer.field === "token") {
    done("You already sent feedback for this delivery. Thank you!");
  } else if (resp.status === 429) status.textContent = "Too many tries: try again later.";
  else if (answer.field === "comment") status.textContent = "The comment is too long (at most 1000 characters).";
  else status.textContent = "Could not send just now. Reload the page and try again.";
}

async function main() {
  if (config.brandColour) {
    root.style.setProperty("--brand", config.brandColour);
    root.dataset.brand = "";
  }
  form.addEventListener("submit", onSubmit);
  const resp = await fetch(config.feedbackUrl).catch(() => null);
  if (resp && resp.ok && (await resp.json()).given) {
    done("You already sent feedback for this delivery. Thank you!");
  }
}

main();
