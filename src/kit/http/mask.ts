/** Hides secrets in text shown to users: the auth's secret values and secret query parameters. */
export interface Masker {
  /** The URL with secret query values and a userinfo password replaced by `***`. */
  url(url: string): string;
  /** Any text with every secret value replaced by `***`. */
  text(text: string): string;
}

export function createMasker(secrets: readonly string[], secretParams: readonly string[]): Masker {
  const values = [...new Set(secrets)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    for (const v of values) if (out.includes(v)) out = out.split(v).join('***');
    return out;
  };
  const url = (input: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(input);
    } catch {
      return text(input);
    }
    if (parsed.password) parsed.password = '***';
    for (const name of secretParams) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    return text(parsed.href.replaceAll('%2A%2A%2A', '***'));
  };
  return { url, text };
}

/** The first `max` characters of a response body, whitespace collapsed, for messages. */
export function bodyExcerpt(body: string, max = 300): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
