import { z } from 'zod';
import type { Clock } from './clock.js';
import { durationSchema, parseDuration } from './duration.js';
import type { JsonObject } from './json.js';

/** A cached lookup answer: the matched values, or null when nothing matched (misses are cached too). */
export type CachedRow = JsonObject | null;

/** `cache:` of a lookup step: LRU size and time to live. */
export const lookupCacheConfig = z
  .object({ size: z.number().int().nonnegative().default(10_000), ttl: durationSchema.default('10m') })
  .strict();

export type LookupCacheConfig = z.infer<typeof lookupCacheConfig>;

/** A size-bounded LRU map whose entries expire after `ttlMs` on the injected clock; shared by every connector's lookup step. */
export class LookupCache {
  private readonly entries = new Map<string, { row: CachedRow; expires: number }>();

  constructor(
    private readonly size: number,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  static from(config: LookupCacheConfig | undefined, clock: Clock): LookupCache | undefined {
    return config ? new LookupCache(config.size, parseDuration(config.ttl) ?? 0, clock) : undefined;
  }

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
