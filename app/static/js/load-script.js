// A classic script (a UMD build: Leaflet in the report, maplibre-gl) added to the page, for
// module code that needs its global.
export function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = reject;
    document.head.appendChild(s);
  });
}
