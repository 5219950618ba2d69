import type { Json } from './json.js';

/** One keyed value a step keeps in the state store. */
export interface StateEntry {
  readonly key: string;
  readonly value: Json;
}

/** A stored entry and when it was written. */
export interface StoredState {
  readonly value: Json;
  readonly at: Date;
}

/**
 * Writes a step asks the engine to make together with the page's checkpoint (in the same
 * transaction): e.g. the keys a dedupe step let through, so that a crash before the commit
 * forgets them and a crash after it keeps them.
 */
export interface StateWrite {
  readonly namespace: string;
  readonly entries: readonly StateEntry[];
}

/**
 * Durable keyed values for steps, in the state store (SQLite or PostgreSQL): a lookup cache shared
 * across runs, the keys a dedupe step has seen, an aggregate's spilled groups. A namespace is the
 * step's own (e.g. `dedupe:<flow>:<step>`); keys within it are unique. Present in runs the engine
 * starts, absent in previews.
 */
export interface StepState {
  /** The stored entries among `keys` (missing keys are absent from the map). */
  get(namespace: string, keys: readonly string[]): Promise<Map<string, StoredState>>;
  /** Inserts or replaces entries now (outside any page transaction). */
  put(namespace: string, entries: readonly StateEntry[]): Promise<void>;
  /** Up to `limit` entries in key order after `after` (keyset paging through a namespace). */
  scan(namespace: string, after: string | undefined, limit: number): Promise<StateEntry[]>;
  /** Removes the namespace's entries, or only those written before `before`. Returns how many. */
  clear(namespace: string, before?: Date): Promise<number>;
}
