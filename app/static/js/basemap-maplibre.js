// A remote MapLibre style (BASEMAP=https://.../style.json) under the markers: maplibre-gl draws
// it inside Leaflet through @maplibre/maplibre-gl-leaflet. Loaded by basemap.js only in that
// mode, so no other page downloads maplibre-gl (1 MB). The credit is the style's sources' own.
import { loadScript } from "./load-script.js";

const VENDOR = new URL("../vendor/", import.meta.url);

function loadCss(href) {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.appendChild(link);
}

async function json(url) {
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`${url}: ${resp.status}`);
  return resp.json();
}

// The attribution of every source (a TileJSON source says it in its own document), as HTML
// Leaflet may insert: a remote style's text is escaped and only http(s) links are kept.
async function credits(style, base) {
  const found = [];
  for (const source of Object.values(style.sources || {})) {
    let text = source.attribution;
    if (!text && source.url && /^https?:/.test(source.url)) {
      text = (await json(source.url).catch(() => ({}))).attribution;
    }
    if (text && !found.includes(text)) found.push(text);
  }
  return found.map((html) => safeHtml(html, base)).join(" | ");
}

// Not parsed as HTML at all (Chromium reports a blocked inline handler even in an inert
// <template>): links picked out, every other tag dropped, entities decoded as text.
const ANCHOR = /<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>(.*?)<\/a>/gis;

function safeHtml(html, base) {
  const out = document.createElement("span");
  let last = 0;
  for (const m of html.matchAll(ANCHOR)) {
    out.append(plain(html.slice(last, m.index)));
    let href = null;
    try { href = new URL(plain(m[1]), base); } catch { /* not a link: its text only */ }
    if (href && /^https?:$/.test(href.protocol)) {
      const a = document.createElement("a");
      a.href = href.href;
      a.textContent = plain(m[2]);
      out.append(a);
    } else {
      out.append(plain(m[2]));
    }
    last = m.index + m[0].length;
  }
  out.append(plain(html.slice(last)));
  return out.innerHTML;
}

function plain(fragment) {
  const text = document.createElement("textarea");  // its content is text, never elements
  text.innerHTML = fragment.replace(/<[^>]*>/g, "");
  return text.value;
}

// Adds the style's layer; resolves to a note to show ("" when the streets are drawn).
export async function addStyle(L, map, basemap) {
  let style;
  try {
    style = await json(basemap.url);
  } catch {
    return "Streets not shown: the street map cannot be reached";
  }
  loadCss(new URL("maplibre-gl/maplibre-gl.css", VENDOR).href);
  const maplibregl = await import(new URL("maplibre-gl/maplibre-gl.mjs", VENDOR).href);
  // The worker from this server's own file, not a blob: URL the page's CSP would refuse.
  maplibregl.setWorkerUrl(new URL("maplibre-gl/maplibre-gl-worker.mjs", VENDOR).href);
  // The plugin is a UMD script: it reads the globals L and maplibregl once, when it runs.
  window.L = window.L || L;
  window.maplibregl = maplibregl;
  await loadScript(new URL("maplibre-gl-leaflet/leaflet-maplibre-gl.js", VENDOR).href);
  const attribution = (await credits(style, basemap.url)) || basemap.attribution;
  try {
    // The plugin would credit the sources' attribution as it comes (Leaflet inserts it as
    // HTML): it is given the escaped one instead.
    window.MaplibreGLLeaflet.maplibreGL({ style, interactive: false,
      attributionControl: { customAttribution: attribution } }).addTo(map);
  } catch {  // maplibre-gl needs WebGL
    return "Streets not shown: this browser cannot draw this street map (no WebGL)";
  }
  map.getContainer().classList.add("style-basemap");
  return "";
}
