// The plan page's couriers: one line each, a name (optional) and a vehicle.
const $ = (id) => document.getElementById(id);

// One line per courier: a name (optional: "Courier-2" when left empty) and a vehicle.
function addCourier(vehicles, vehicle = "bike", name = "") {
  const li = document.createElement("li");
  li.className = "courier row";
  const n = $("courier-list").children.length + 1;
  const input = document.createElement("input");
  input.className = "courier-name";
  input.maxLength = 80;
  input.value = name;
  input.placeholder = `Courier-${n}`;
  input.setAttribute("aria-label", `Courier ${n}: name`);
  const select = document.createElement("select");
  select.className = "courier-vehicle";
  select.setAttribute("aria-label", `Courier ${n}: vehicle`);
  for (const v of vehicles) select.appendChild(new Option(v, v, false, v === vehicle));
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "small secondary";
  remove.textContent = "Remove";
  remove.addEventListener("click", () => li.remove());
  li.append(input, select, remove);
  $("courier-list").appendChild(li);
}

export function setUpCouriers(vehicles) {
  addCourier(vehicles);
  addCourier(vehicles);
  $("add-courier").addEventListener("click", () => addCourier(vehicles));
}

// What the planner takes: a vehicle each, and the name when one was typed.
export function readCouriers() {
  return [...document.querySelectorAll("#courier-list li")].map((li) => {
    const name = li.querySelector(".courier-name").value.trim();
    const vehicle = li.querySelector(".courier-vehicle").value;
    return name ? { vehicle, name } : { vehicle };
  });
}
