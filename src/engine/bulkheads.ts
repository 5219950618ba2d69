import { type BulkheadPolicy, bulkhead } from 'cockatiel';
import type { ConnectionDefinition } from '../config/definition.js';
import { breakerKey } from './breakers.js';

/** The bulkheads of the process: at most `maxConcurrent` calls at once per connection, across every flow. */
export interface Bulkheads {
  forConnection(def: ConnectionDefinition, baseDir: string): BulkheadPolicy | undefined;
}

export function createBulkheads(): Bulkheads {
  const made = new Map<string, BulkheadPolicy>();
  return {
    forConnection(def, baseDir) {
      if (def.maxConcurrent === undefined) return undefined;
      const key = breakerKey(def, baseDir);
      let policy = made.get(key);
      if (!policy) {
        // callers beyond the limit wait their turn (an unbounded queue): nothing is refused
        policy = bulkhead(def.maxConcurrent, Number.POSITIVE_INFINITY);
        made.set(key, policy);
      }
      return policy;
    },
  };
}
