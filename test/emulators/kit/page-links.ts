/** The URLs of paging: next-page URLs in bodies (`nextRecordsUrl`, `@odata.nextLink`) and `Link` headers. */

/** The absolute URL a Fastify request was made to (`http://host:port/path?query`). */
export function requestUrl(req: { protocol: string; headers: { host?: string }; url: string }): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost'}${req.url}`;
}

/** `url` with `params` set in its query (an undefined value removes the parameter); other parameters kept. */
export function withQuery(url: string, params: Readonly<Record<string, string | number | undefined>>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) u.searchParams.delete(k);
    else u.searchParams.set(k, String(v));
  }
  return u.toString();
}

/** The path and query of `url` (what a relative next URL such as Salesforce's `nextRecordsUrl` holds). */
export function relative(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** An RFC 8288 `Link` header: `<url>; rel="next", <url>; rel="prev"`. */
export function linkHeader(links: readonly { readonly rel: string; readonly url: string }[]): string {
  return links.map((l) => `<${l.url}>; rel="${l.rel}"`).join(', ');
}
