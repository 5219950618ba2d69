import type { Clock, JsonObject } from '../../sdk/index.js';

/** A cached lookup answer: the matched row's columns, or null when no row matched. */
export type CachedRow = JsonObject | null;

/** A size-bounded LRU map whose entries expire after `ttlMs` on the injected clock. */
export class LookupCache {
  private readonly entries = new Map<string, { row: CachedRow; expires: number }>();

  constructor(
    private readonly size: number,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  get(key: string): CachedRow | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.clock.now().getTime()) return undefined;
    this.entries.set(key, entry);
    return entry.row;
  }

  set(key: string, row: CachedRow): void {
    if (this.size <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { row, expires: this.clock.now().getTime() + this.ttlMs });
    while (this.entries.size > this.size) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get count(): number {
    return this.entries.size;
  }
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `10m`, `1h`, `1d` or a number of milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
  return m ? Number(m[1]) * (units[m[2] as string] as number) : undefined;
}
