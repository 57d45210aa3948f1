// What the driver app says about a stop and a parcel: which one (its number, address and
// recipient, as the courier sees them on the door and the label), what was done or undone, and
// what to do when the server refuses it. A courier reading "stop already delivered" an hour
// later cannot tell which door it meant.

export function stopName(stop, index) {
  const address = stop && stop.address ? ` (${stop.address})` : "";
  return `Stop ${index + 1}${address}`;
}

// One parcel of a stop: "Maria's parcel DS1234567890", or the whole stop's parcels.
export function parcelName(stop, shipment) {
  if (!shipment) return "";
  const found = stop ? stop.shipments.find((s) => s.tracking_id === shipment) : null;
  return found && found.recipient ? `${found.recipient}'s parcel ${shipment}` : `parcel ${shipment}`;
}

// "Stop 3 (Bulevardi 5), Maria's parcel DS...": what an event is about, kept with it in the
// outbox so a refusal long after still names it.
export function aboutEvent(block, event) {
  if (event.stop === undefined || event.stop === null) return "";
  const stop = block ? block.stops[event.stop] : null;
  const parcel = parcelName(stop, event.shipment);
  return `${stopName(stop, event.stop)}${parcel ? `, ${parcel}` : ""}`;
}

const DONE = { delivered: "delivered", attempted: "attempted" };

// The undo bar's line: exactly what is held, for one parcel of several or for the whole stop.
export function outcomeLabel(stop, event) {
  const what = DONE[event.type] || event.type;
  const name = stopName(stop, event.stop);
  const total = stop ? stop.shipments.length : 0;
  if (event.shipment) {
    return `${name}: ${parcelName(stop, event.shipment)} ${what} (1 of ${total} parcels here)`;
  }
  const open = openParcels(stop);
  if (open < total) return `${name}: the ${open === 1 ? "open parcel" : `${open} open parcels`} ${what}`;
  return `${name}: ${total > 1 ? `${total === 2 ? "both" : `all ${total}`} parcels ` : ""}${what}`;
}

const FINAL = ["delivered", "attempted", "returned"];

function openParcels(stop) {
  return stop ? stop.shipments.filter((s) => !FINAL.includes(s.status)).length : 0;
}

// After "Undo": what was taken back, and that the rest stays as it was.
export function undoneText(stop, event) {
  const what = DONE[event.type] || event.type;
  const name = stopName(stop, event.stop);
  if (event.shipment) {
    const others = stop ? stop.shipments.length - 1 : 0;
    return `Undone: ${parcelName(stop, event.shipment)} at ${name} is not ${what}` +
      `${others ? `; the other parcel${others === 1 ? "" : "s"} here ${others === 1 ? "is" : "are"} as before` : ""}` +
      ". Nothing was sent.";
  }
  const open = openParcels(stop);
  if (stop && open < stop.shipments.length) {
    return `Undone: the ${open === 1 ? "open parcel" : `${open} open parcels`} at ${name} ${
      open === 1 ? "is" : "are"} not ${what}. Nothing was sent.`;
  }
  if (stop && stop.shipments.length > 1) {
    return `Undone: ${name}: its ${stop.shipments.length} parcels are not ${what}. Nothing was sent.`;
  }
  return `Undone: ${name} is not ${what}. Nothing was sent.`;
}

// What the courier can do about a refusal, from the field the server named.
export function advice(body) {
  const field = String(body.field || "");
  const error = String(body.error || "");
  if (/already/.test(error)) {
    return "The server already has an outcome for it (from this or another phone): nothing " +
      "more to send for it. Check the stop list; call your dispatcher if it is wrong.";
  }
  if (/collected at stop/.test(error)) return "Pick up its parcels first, then report this stop.";
  if (field.endsWith("shipment")) {
    return "The server does not know this parcel at this stop: keep the parcel and call your dispatcher.";
  }
  if (field.endsWith("timestamp")) return "Check the phone's date and time.";
  if (field.endsWith("route")) return "The route is finished on the server.";
  return "Call your dispatcher about it.";
}
