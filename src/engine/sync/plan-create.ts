import type { StagedChange } from '../../store/sync-store.js';
import { type CompiledSync, type CreatePlan, otherSide } from './sync-plan-types.js';

/**
 * A record with no counterpart, created on the other side: its values are the translated fields (only
 * those whose direction goes that way; the run adds the cursor stamp). The link's bases are the record's
 * values on its side and the created values on the other, so the created record read back is an echo
 * and, after a crash before its id is stored, is found by its hash (the intent's: the created side's).
 */
export function planCreate(sync: CompiledSync, change: StagedChange): CreatePlan {
  const from = change.side;
  const values = sync.translate(from, change.values);
  const own = sync.extract(from, change.values);
  const other = sync.extract(otherSide(from), values);
  const [baseA, baseB] = from === 'a' ? [own, other] : [other, own];
  return { from, change, values, baseA, baseB, aHash: sync.hash('a', baseA), bHash: sync.hash('b', baseB) };
}
