const CANDIDATES = [';', '\t', '|', ','] as const;

const shown: Record<string, string> = { ';': '";"', '\t': '"\\t"', '|': '"|"', ',': '","' };

/**
 * The delimiter a header line seems to use when it is not the configured one: the candidate that
 * splits it into the most fields (at least two), or undefined when the configured one fits.
 */
export function guessDelimiter(headerFields: readonly string[], configured: string): string | undefined {
  if (headerFields.length !== 1) return undefined;
  const line = headerFields[0] ?? '';
  let best: string | undefined;
  let bestCount = 1;
  for (const candidate of CANDIDATES) {
    if (candidate === configured) continue;
    const count = line.split(candidate).length;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/** The YAML to write for a delimiter, e.g. `delimiter: ";"`. */
export function delimiterSetting(delimiter: string): string {
  return `delimiter: ${shown[delimiter] ?? JSON.stringify(delimiter)}`;
}
