// What customers left on their pages: feedback with its averages, and delivery instructions.
function item(words) {
  const li = document.createElement("li");
  li.textContent = words;
  return li;
}

function fillTable(id, rows, first) {
  const table = document.getElementById(id);
  table.hidden = rows.length === 0;
  table.querySelector("tbody").replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    for (const value of [r[first], r.count, r.delivery, r.product]) {
      const td = document.createElement("td");
      td.textContent = String(value);
      tr.appendChild(td);
    }
    return tr;
  }));
}

async function getJson(url) {
  const resp = await fetch(url).catch(() => null);
  return resp && resp.ok ? resp.json() : null;
}

export async function loadRatings(config) {
  const data = await getJson(config.ratingsUrl);
  if (!data || !data.feedback.length) return;
  const all = data.summary.all;
  document.getElementById("ratings-all").textContent = `${all.count} rating${
    all.count === 1 ? "" : "s"}: delivery ${all.delivery} of 5, product ${all.product} of 5`;
  fillTable("ratings-by-driver", data.summary.by_driver, "driver");
  fillTable("ratings-by-day", data.summary.by_day.slice(0, 7), "day");
  document.getElementById("ratings-list").replaceChildren(...data.feedback.slice(0, 10).map(
    (f) => item(`${f.tracking_id} (${f.driver}): delivery ${f.delivery}, product ${f.product}${
      f.comment ? `: “${f.comment}”` : ""}`)));
}

export async function loadInstructions(config) {
  const data = await getJson(config.instructionsUrl);
  if (!data || !data.instructions.length) return;
  document.getElementById("instructions-list").replaceChildren(...data.instructions.slice(0, 20)
    .map((i) => item(`${i.tracking_id}${i.recipient ? ` (${i.recipient})` : ""}: ${
      [i.safe_place ? `safe place: ${i.safe_place}` : "", i.note].filter(Boolean).join("; ")}`)));
}

export function setUpCustomers(config) {
  const load = () => { loadRatings(config); loadInstructions(config); };
  load();
  setInterval(load, 30000);
}
