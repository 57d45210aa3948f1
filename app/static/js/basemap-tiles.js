// Two repairs to protomaps-leaflet 5.1.0's tile loading, which left tiles blank under load:
// - a tile request that failed (a dropped connection, a busy server) was drawn as an empty tile
//   and never asked for again: the archive reader here retries it, with a growing pause;
// - a tile whose drawing began before another zoom level was asked for returned without telling
//   Leaflet it was done (its `lastRequestedZ` check), so Leaflet waited for it for ever (the route
//   report's "loading" never ended, tiles stayed blank): such a tile, still on screen at the
//   map's zoom, is drawn again.

const RETRIES = 3;
const PAUSE_MS = 400;

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// A PMTiles source (`getZxy`) that asks again when a tile request fails; the library's own reader
// does the reading (PmtilesSource wraps it as `.p`, a public field of an exported class).
export function retryingSource(P, url) {
  const reader = new P.PmtilesSource(url, true).p;
  return {
    async getZxy(z, x, y, signal) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await reader.getZxy(z, x, y, signal);
        } catch (err) {
          if (err.name === "AbortError" || attempt >= RETRIES) throw err;
          await sleep(PAUSE_MS * 2 ** attempt);
          if (signal?.aborted) throw err;
        }
      }
    },
  };
}

export function redrawStalledTiles(layer) {
  const render = layer.renderTile.bind(layer);
  // eslint-disable-next-line no-param-reassign -- replaces the layer's own method
  layer.renderTile = async (coords, el, key, done) => {
    if (!done) return render(coords, el, key);  // a redraw for labels: nothing waits on it
    let finished = false;
    const markDone = () => { finished = true; done(); };
    for (let attempt = 0; attempt <= RETRIES; attempt += 1) {
      await render(coords, el, key, markDone);
      // eslint-disable-next-line no-underscore-dangle -- Leaflet's current tile zoom
      const wanted = el.key === key && !el.removed && layer._map && layer._tileZoom === coords.z;
      if (finished || !wanted) return undefined;
    }
    return undefined;
  };
}
