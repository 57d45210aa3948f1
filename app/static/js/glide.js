// Smooth marker movement: glide along the path between two fixes over the time they took.
const MIN_MS = 300;
const MAX_MS = 4000;

function metres(a, b) {
  const k = Math.cos((a[0] * Math.PI) / 180) * 111320;
  return Math.hypot((b[0] - a[0]) * 110540, (b[1] - a[1]) * k);
}

// The route from `from` to `to` following `path` (the last known way ahead): the path's
// vertices up to the one nearest `to`, so the marker turns corners instead of cutting them.
export function wayBetween(from, to, path) {
  if (!path || path.length < 2) return [from, to];
  let best = 0;
  path.forEach((p, i) => { if (metres(p, to) < metres(path[best], to)) best = i; });
  return [from, ...path.slice(1, best), to];
}

function pointAt(points, cumulative, d) {
  for (let i = 1; i < points.length; i++) {
    if (cumulative[i] >= d) {
      const seg = cumulative[i] - cumulative[i - 1] || 1;
      const f = (d - cumulative[i - 1]) / seg;
      return [points[i - 1][0] + (points[i][0] - points[i - 1][0]) * f,
        points[i - 1][1] + (points[i][1] - points[i - 1][1]) * f];
    }
  }
  return points[points.length - 1];
}

// Move `marker` along `points` in `elapsedMs` (clamped); a newer call cancels the older one.
export function moveMarker(marker, points, elapsedMs) {
  cancelAnimationFrame(marker._glide || 0);
  const cumulative = [0];
  for (let i = 1; i < points.length; i++) {
    cumulative.push(cumulative[i - 1] + metres(points[i - 1], points[i]));
  }
  const total = cumulative[cumulative.length - 1];
  const duration = Math.min(MAX_MS, Math.max(MIN_MS, elapsedMs || MIN_MS));
  if (total > 5000 || document.hidden) {
    marker.setLatLng(points[points.length - 1]); // a jump across town is a new fix, not motion
    return;
  }
  const start = performance.now();
  function step(now) {
    const f = Math.min(1, (now - start) / duration);
    marker.setLatLng(pointAt(points, cumulative, total * f));
    if (f < 1) marker._glide = requestAnimationFrame(step);
  }
  marker._glide = requestAnimationFrame(step);
}
