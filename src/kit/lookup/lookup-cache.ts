import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../sdk/clock.js';
import type { Context } from '../../sdk/context.js';
import { durationSchema, parseDuration } from '../../sdk/duration.js';
import type { Json, JsonObject } from '../../sdk/json.js';
import type { StateWrite } from '../../sdk/step-state.js';

/** A cached lookup answer: the output fields, or null when nothing matched (misses are cached too). */
export type CachedRow = JsonObject | null;

/** `cache:` of a lookup step: LRU size, time to live, and whether answers outlive the run. */
export const lookupCacheConfig = z
  .object({
    /** Answers kept in memory (least recently used go first). */
    size: z.number().int().nonnegative().default(10_000),
    /** How long an answer is used, from when it was fetched. */
    ttl: durationSchema.default('10m'),
    /**
     * `run`: answers live in memory for one run. `shared`: they are also kept in the state store and
     * used by later runs (and other workers) until `ttl` has passed since they were fetched.
     */
    scope: z.enum(['run', 'shared']).default('run'),
  })
  .strict();

export type LookupCacheConfig = z.infer<typeof lookupCacheConfig>;

/**
 * A size-bounded LRU map whose entries expire `ttlMs` after they were fetched, on the injected clock.
 * Eviction takes the least recently used first; to keep hits cheap, an entry used again is moved to
 * the recent end only once it has aged past half the size (so an answer is evicted only after at
 * least size/2 newer answers have come in since it was last used).
 */
export class LookupCache {
  private readonly entries = new Map<string, { row: CachedRow; expires: number; tick: number }>();
  /** Counts insertions: an entry's `tick` says how many came in after it. */
  private tick = 0;

  constructor(
    private readonly size: number,
    readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  static from(config: LookupCacheConfig | undefined, clock: Clock): LookupCache | undefined {
    return config ? new LookupCache(config.size, parseDuration(config.ttl) ?? 0, clock) : undefined;
  }

  /** The answer kept for `key`, if fresh at `now` (ms; pass it when asking for many keys at once). */
  get(key: string, now: number = this.clock.now().getTime()): CachedRow | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    if (this.tick - entry.tick > this.size / 2) {
      this.entries.delete(key);
      entry.tick = this.tick++;
      this.entries.set(key, entry);
    }
    return entry.row;
  }

  /** Keeps an answer fetched at `fetchedAt` (default now) until `ttl` after that. */
  set(key: string, row: CachedRow, fetchedAt?: Date): void {
    if (this.size <= 0) return;
    const expires = (fetchedAt ?? this.clock.now()).getTime() + this.ttlMs;
    this.entries.delete(key);
    if (expires <= this.clock.now().getTime()) return;
    this.entries.set(key, { row, expires, tick: this.tick++ });
    while (this.entries.size > this.size) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get count(): number {
    return this.entries.size;
  }
}

/**
 * The state-store namespace of a shared lookup cache: `lookup:<step type>:<connection>:<hash>`, the
 * hash over everything that decides an answer (the connection's address, table, match columns,
 * output fields), so two flows asking the same question share answers and different ones never mix.
 */
export function lookupNamespace(type: string, connection: string, identity: readonly Json[]): string {
  const hash = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 20);
  return `lookup:${type}:${connection}:${hash}`;
}

const isAnswer = (value: Json): value is CachedRow =>
  value === null || (typeof value === 'object' && !Array.isArray(value));

/**
 * The cache of one lookup step: the in-memory LRU, and with `scope: shared` the state store behind
 * it (one `get` for the keys memory lacks; what was fetched is written with the page's commit). Without a store
 * (`ctx.state` absent, as in previews) a shared cache works as a per-run one.
 */
export class SharedLookupCache {
  private purged = false;

  constructor(
    readonly memory: LookupCache,
    private readonly namespace: string | undefined,
    private readonly clock: Clock,
  ) {}

  static from(config: LookupCacheConfig | undefined, namespace: string, clock: Clock): SharedLookupCache | undefined {
    const memory = LookupCache.from(config, clock);
    if (!config || !memory) return undefined;
    return new SharedLookupCache(memory, config.scope === 'shared' ? namespace : undefined, clock);
  }

  /** Answers of `keys` still fresh in the store (each also put in memory); absent keys are not there or expired. */
  async recall(keys: readonly string[], ctx: Context): Promise<Map<string, CachedRow>> {
    const found = new Map<string, CachedRow>();
    const state = ctx.state;
    if (this.namespace === undefined || state === undefined || keys.length === 0) return found;
    const now = this.clock.now().getTime();
    if (!this.purged) {
      // once per run: forget the answers that expired, so the namespace holds only usable ones
      this.purged = true;
      await state.clear(this.namespace, new Date(now - this.memory.ttlMs + 1));
    }
    for (const [key, stored] of await state.get(this.namespace, keys)) {
      if (stored.at.getTime() + this.memory.ttlMs <= now || !isAnswer(stored.value)) continue;
      found.set(key, stored.value);
      this.memory.set(key, stored.value, stored.at);
    }
    return found;
  }

  /**
   * Keeps fetched answers in memory and, when shared, returns the write that keeps them in the store:
   * the engine makes it with the page's commit, in the same transaction (no write of its own).
   */
  remember(answers: ReadonlyMap<string, CachedRow>, ctx: Context): StateWrite | undefined {
    for (const [key, row] of answers) this.memory.set(key, row);
    if (this.namespace === undefined || ctx.state === undefined || answers.size === 0) return undefined;
    return { namespace: this.namespace, entries: [...answers].map(([key, value]) => ({ key, value })) };
  }

  get shared(): boolean {
    return this.namespace !== undefined;
  }
}
