/**
 * The target of the `rel="next"` link of an RFC 8288 `Link` header, resolved against `base`;
 * undefined when there is none. `<https://api/x?page=2>; rel="next", <…>; rel="last"`.
 */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,"=]+(?:=\s*(?:"[^"]*"|[^;,]*))?)*)/g)) {
    const params = m[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) {
      try {
        return new URL(m[1] ?? '', base).href;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
