import type { QuotaReader } from './quota-signal.js';

export interface UsageHeaderOptions {
  /** The `key=` the fraction follows in a list, e.g. `api-usage` in `api-usage=25/15000; api-bursts=…`. */
  readonly key?: string;
  /** What the bucket regains per second (Shopify REST: 2 calls/s on a 40-call bucket). */
  readonly restorePerSecond?: number;
  /** The signal's name in stats; default the key, else the header name. */
  readonly name?: string;
}

/**
 * A header holding `used/limit`: Shopify's `X-Shopify-Shop-Api-Call-Limit: 32/40` (a leaky bucket:
 * give `restorePerSecond`) or Salesforce's `Sforce-Limit-Info: api-usage=25/15000` (`key: 'api-usage'`,
 * a rolling 24 h window).
 */
export function usageHeader(header: string, options: UsageHeaderOptions = {}): QuotaReader {
  const name = options.name ?? options.key ?? header.toLowerCase();
  const pattern = new RegExp(
    `${options.key ? `(?:^|[;,\\s])${options.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=\\s*` : '^\\s*'}(\\d+)\\s*/\\s*(\\d+)`,
    'i',
  );
  return (headers) => {
    const value = headers.get(header);
    if (value === null) return undefined;
    const m = pattern.exec(value);
    if (!m) return undefined;
    const used = Number(m[1]);
    const limit = Number(m[2]);
    return {
      name,
      used,
      limit,
      remaining: Math.max(0, limit - used),
      ...(options.restorePerSecond === undefined ? {} : { restorePerSecond: options.restorePerSecond }),
    };
  };
}
