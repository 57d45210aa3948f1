// "Start a demo delivery": the server runs the simulator; we open the customer page it made.
function say(message, href) {
  const status = document.getElementById("demo-status");
  status.replaceChildren(message);
  if (href) {
    const a = document.createElement("a");
    a.id = "demo-link";
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = "Open the customer page";
    status.append(" ", a);
  }
}

async function onDemo(event, config) {
  event.preventDefault();
  const form = event.target;
  const button = form.querySelector("button");
  const data = Object.fromEntries(new FormData(form));
  // Opened now, while the click still counts as a user gesture; filled in when the link exists.
  // It says what is happening meanwhile, rather than staying blank.
  const tab = window.open(config.demoStartingUrl, "_blank");
  button.disabled = true;
  say("Starting the demo: planning a route on the map…");
  try {
    const resp = await fetch(config.demoUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrfToken },
      body: JSON.stringify({ vehicle: data.vehicle, stops: Number(data.stops),
        speedup: Number(data.speedup) }),
    });
    const body = await resp.json().catch(() => ({}));
    if (!resp.ok) throw new Error(body.error || `the server answered ${resp.status}`);
    say("Demo started.", body.tracking_url);
    if (tab) tab.location = body.tracking_url;
  } catch (err) {
    // The tab says it did not start (closing it left the seller wondering where it went).
    if (tab) tab.location = `${config.demoStartingUrl}?failed`;
    say(`The demo did not start: ${err.message}`);
  } finally {
    button.disabled = false;
  }
}

export function setUpDemo(config) {
  document.getElementById("demo-form").addEventListener("submit", (e) => onDemo(e, config));
}
