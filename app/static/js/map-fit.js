// Room to leave when a map fits its markers, so no pin or path sits under the map's controls
// (zoom buttons, attribution, scale, notes) or a box over the map (the report's title), at any
// width: on a 360 px phone the attribution wraps to two lines and took the delivered pin.
// Each control is measured as it is now; it is kept clear by padding the edge it hugs or the side
// it stands in, whichever costs less room (the zoom buttons: their width, not their height).

// The markers' own size around their point: the destination pin stands 26 px above it, the
// driver's badge is 40 px across, stops are circles of 9 px.
const MARKER = { top: 30, left: 22, right: 22, bottom: 22 };

export function fitPadding(map, extra = []) {
  const box = map.getContainer();
  const c = box.getBoundingClientRect();
  const pad = { top: 0, left: 0, right: 0, bottom: 0 };
  const obstacles = [...box.querySelectorAll(".leaflet-control"), ...extra];
  for (const el of obstacles) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const fromTop = r.bottom - c.top;
    const fromBottom = c.bottom - r.top;
    const fromLeft = r.right - c.left;
    const fromRight = c.right - r.left;
    const [edge, depth] = fromTop < fromBottom ? ["top", fromTop] : ["bottom", fromBottom];
    const [side, width] = fromLeft < fromRight ? ["left", fromLeft] : ["right", fromRight];
    if (depth <= width) pad[edge] = Math.max(pad[edge], depth);
    else pad[side] = Math.max(pad[side], width);
  }
  // Never more than half the map's room either way: a tiny map still shows its markers (and a
  // map not laid out yet, 0 px, gets a little room, never a negative one).
  const cap = (v, size) => Math.max(8, Math.min(Math.round(v), Math.floor(size / 2) - 8));
  return {
    paddingTopLeft: [cap(pad.left + MARKER.left, c.width), cap(pad.top + MARKER.top, c.height)],
    paddingBottomRight: [cap(pad.right + MARKER.right, c.width),
      cap(pad.bottom + MARKER.bottom, c.height)],
  };
}
