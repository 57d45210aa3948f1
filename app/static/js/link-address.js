// A driver link's address as a seller's page shows it (the dashboard's panel, the plan page and
// its printed sheet): on PUBLIC_URL when the server has one, else on this page's own origin,
// since the server never builds a link from the request's Host header.
export function linkAddress(link) {
  if (!link || !link.path) return { url: null, qr: null };
  if (link.url) return { url: link.url, qr: link.qr };
  return {
    url: location.origin + link.path,
    qr: `${link.qr}?base=${encodeURIComponent(location.origin)}`,
  };
}
