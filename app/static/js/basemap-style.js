// The quiet street style for Doorstep's own vector basemap (layers written by app/basemap/layers.py).
// Greys and muted greens and blues, so the driver, the path and the destination stand out; street
// names in dark grey with a white halo from street zoom, house numbers from zoom 17.

const LAND = "#f3f2ef";
const ROAD = "#ffffff";
const CASING = "#d6d3cc";
const LABEL = "#4a4f57";
const HALO = "#ffffff";
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

// Line width in pixels growing with zoom (from `at` pixels at `z0`, doubling every zoom level
// by `rate`), so streets keep their real proportions when zoomed in.
const grow = (z0, at, rate = 1.6) => (z) => at * rate ** Math.max(0, z - z0);
const kind = (...kinds) => (z, f) => kinds.includes(f.props.kind);

export const BACKGROUND = LAND;

export function paintRules(P) {
  return [
    { dataLayer: "parks", symbolizer: new P.PolygonSymbolizer({ fill: "#e2ead9" }) },
    { dataLayer: "water", symbolizer: new P.PolygonSymbolizer({ fill: "#cfdde8" }),
      filter: (z, f) => f.geomType === P.GeomType.Polygon },
    { dataLayer: "water", symbolizer: new P.LineSymbolizer({ color: "#cfdde8", width: 2 }),
      filter: (z, f) => f.geomType === P.GeomType.Line },
    { dataLayer: "buildings", minzoom: 14,
      symbolizer: new P.PolygonSymbolizer({ fill: "#e4e1db", stroke: "#d3cfc7",
        width: (z) => (z >= 16 ? 0.8 : 0) }) },
    { dataLayer: "railways", symbolizer: new P.LineSymbolizer({ color: "#c4c1bb",
      width: grow(14, 1, 1.3) }) },
    { dataLayer: "roads", minzoom: 15, filter: kind("path"),
      symbolizer: new P.LineSymbolizer({ color: "#dedad2", width: grow(15, 1, 1.5) }) },
    { dataLayer: "roads", minzoom: 14, filter: kind("service"),
      symbolizer: new P.LineSymbolizer({ color: CASING, width: grow(14, 2, 1.6) }) },
    { dataLayer: "roads", filter: kind("minor"),
      symbolizer: new P.LineSymbolizer({ color: CASING, width: grow(13, 2, 1.7) }) },
    { dataLayer: "roads", filter: kind("major"),
      symbolizer: new P.LineSymbolizer({ color: "#cbc6bb", width: grow(12, 2.5, 1.6) }) },
    { dataLayer: "roads", minzoom: 14, filter: kind("service"),
      symbolizer: new P.LineSymbolizer({ color: ROAD, width: grow(14, 1, 1.6) }) },
    { dataLayer: "roads", filter: kind("minor"),
      symbolizer: new P.LineSymbolizer({ color: ROAD, width: grow(13, 1, 1.7) }) },
    { dataLayer: "roads", filter: kind("major"),
      symbolizer: new P.LineSymbolizer({ color: "#fbfaf6", width: grow(12, 1.5, 1.6) }) },
  ];
}

// Street names from the zoom a phone first opens at: a route, the fleet or the report fitted
// into 360 px opens at zoom 13-14, where a block is 30 px, a name along the street rarely fits
// and only place names were drawn. There each street's name stands level at its middle (the
// archive's street_names points, app/basemap/layers.py); from zoom 15 names run along the
// streets, growing and repeating more often from 17, where a phone holds only a few blocks.
// Street names come before place names: where they collide, the street wins.
const byZoom = (z14, z15, z17) => (z) => (z >= 17 ? z17 : z >= 15 ? z15 : z14);

export function labelRules(P) {
  const text = (size, weight = 400) => ({ labelProps: ["name"], fill: LABEL, stroke: HALO,
    width: 3, fontFamily: FONT, fontSize: size, fontWeight: weight });
  return [
    { dataLayer: "street_names", minzoom: 13, maxzoom: 14,
      symbolizer: new P.CenteredTextSymbolizer({ ...text(11, 500) }),
      sort: (a, b) => (a.kind === "major" ? -1 : 0) - (b.kind === "major" ? -1 : 0) },
    { dataLayer: "roads", minzoom: 15, filter: kind("major"),
      symbolizer: new P.LineLabelSymbolizer({ ...text(byZoom(13, 13, 15), 600),
        repeatDistance: byZoom(320, 320, 200) }) },
    { dataLayer: "roads", minzoom: 15, filter: kind("minor"),
      symbolizer: new P.LineLabelSymbolizer({ ...text(byZoom(12, 12, 14), 500),
        repeatDistance: byZoom(260, 260, 180) }) },
    { dataLayer: "roads", minzoom: 15, filter: kind("service"),
      symbolizer: new P.LineLabelSymbolizer({ ...text(byZoom(11, 12, 14), 500),
        repeatDistance: byZoom(320, 260, 180) }) },
    { dataLayer: "roads", minzoom: 17, filter: kind("path"),
      symbolizer: new P.LineLabelSymbolizer({ ...text(12, 500), fill: "#5f646c",
        repeatDistance: 200 }) },
    { dataLayer: "places", maxzoom: 15, symbolizer: new P.CenteredTextSymbolizer({
      ...text(13, 600), fill: "#6b6f76", textTransform: "uppercase", letterSpacing: 1 }) },
    { dataLayer: "addresses", minzoom: 17, symbolizer: new P.CenteredTextSymbolizer({
      labelProps: ["housenumber"], fill: "#7a7d83", stroke: HALO, width: 2, fontFamily: FONT,
      fontSize: byZoom(10, 10, 11) }) },
  ];
}
