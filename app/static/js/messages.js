// Message templates to copy, with a shipment's link filled in, and the feedback requests.
import { clock, dayText } from "./timeline.js";

const order = document.getElementById("msg-order");
const TEMPLATE = order.value;
const feedback = document.getElementById("msg-feedback");
const FEEDBACK_TEMPLATE = feedback.value;

async function copy(id) {
  const area = document.getElementById(id);
  area.select();
  try {
    await navigator.clipboard.writeText(area.value);
  } catch {
    document.execCommand("copy"); // older browsers, or no clipboard permission
  }
}

export async function fillOrderMessage(trackingId) {
  const resp = await fetch(`/dashboard/shipments/${encodeURIComponent(trackingId)}/link`);
  if (!resp.ok) return;
  const { tracking_url: url } = await resp.json();
  order.value = TEMPLATE.replace("{tracking_link}", url);
  feedback.value = FEEDBACK_TEMPLATE.replace("{tracking_link}", url);
  order.focus();
}

export async function loadFeedback(config) {
  const resp = await fetch(config.feedbackUrl);
  if (!resp.ok) return;
  const { messages } = await resp.json();
  if (!messages.length) return;
  const tz = config.timezone;
  const items = messages.slice(0, 20).map((m) => {
    const li = document.createElement("li");
    li.textContent = `${m.tracking_id}: ${m.state}, ${dayText(m.send_at, tz)} ` +
      `${clock(m.send_at, tz)}`;
    return li;
  });
  document.getElementById("feedback-list").replaceChildren(...items);
}

export function setUpMessages() {
  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", () => copy(button.dataset.copy));
  }
}
