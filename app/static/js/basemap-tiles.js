// protomaps-leaflet 5.1.0 draws a tile whose request failed (a dropped connection, a server
// busy with many viewers) as an empty tile and never asks for it again: the map stayed patchy
// under load. The archive reader here asks again, with a growing pause.

const RETRIES = 3;
const PAUSE_MS = 400;

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// A PMTiles source (`getZxy`) that retries a failed tile; the library's own reader does the
// reading (PmtilesSource keeps it as `.p`, a public field of an exported class).
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
