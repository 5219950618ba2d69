import { FlowError, type KeyedOperation } from '../../sdk/index.js';
import { recordKey } from './stage-side.js';
import { changeRef, failureText, syncErrorRecord } from './sync-errors.js';
import { otherSide, type Side } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';
import { emptyParts, type SyncUnit } from './sync-unit.js';
import { type KeyedWrite, writeKeyed } from './sync-writers.js';

const ORDER: readonly KeyedOperation[] = ['update', 'insert', 'delete'];

/**
 * Applies a batch's units: first the links that must exist before any write (create intents, newly
 * matched pairs) in one fenced commit, then the writes per side and operation (each through the
 * side's retry policy and breaker), then one fenced commit of every unit's outcome — links moved,
 * changes consumed, failed changes kept with one more attempt (parked after `maxAttempts`), conflicts
 * opened and closed, error records. A whole-batch failure throws before the last commit: the changes
 * stay staged, and the intents committed first let the next run find what was created.
 */
export async function runUnits(run: SyncRun, units: readonly SyncUnit[]): Promise<void> {
  if (units.length === 0) return;
  const { store, def, lease } = run;
  const linkIds = new Map<number, number>();
  const early = units.flatMap((u, i) => (u.before ? [{ i, link: u.before }] : []));
  if (early.length > 0) {
    const done = await store.commitBatch({
      lease,
      sync: def.name,
      insertLinks: early.map((e) => e.link),
      at: run.clock.now(),
    });
    early.forEach((e, k) => {
      const id = done.linkIds[k];
      if (id !== undefined) linkIds.set(e.i, id);
    });
  }
  // the writes, grouped by side and operation; a write's ref is `<unit>.<write>`
  const refused = new Map<number, { error: FlowError; write: number }>();
  const created = new Map<number, Map<number, string>>();
  for (const side of ['a', 'b'] as const) {
    for (const op of ORDER) {
      const batch: KeyedWrite[] = [];
      for (const [i, u] of units.entries()) {
        if (refused.has(i)) continue;
        for (const [j, w] of u.writes.entries()) {
          if (w.side === side && w.op === op) batch.push({ ref: `${i}.${j}`, data: w.data });
        }
      }
      if (batch.length === 0) continue;
      const outcome = await writeKeyed(run.sides[side], op, batch, run.ctx);
      for (const { ref, data } of batch) {
        const [i, j] = ref.split('.').map(Number) as [number, number];
        const error = outcome.failed.get(ref);
        if (error) {
          refused.set(i, { error, write: j });
          continue;
        }
        if (op !== 'insert') continue;
        const key = outcome.ids.get(ref) ?? recordKey(data[run.sides[side].def.key]);
        if (key === null) {
          refused.set(i, { error: noCreatedId(run, side), write: j });
          continue;
        }
        const mine = created.get(i) ?? new Map<number, string>();
        mine.set(j, key);
        created.set(i, mine);
      }
    }
  }
  const parts = emptyParts();
  const now = run.clock.now();
  units.forEach((u, i) => {
    const failure = refused.get(i);
    const linkId = linkIds.get(i);
    if (!failure) {
      for (const w of u.writes) run.counts.sync[w.side][w.counts]++;
      u.settle({ linkId, created: created.get(i) ?? new Map(), parts, now });
      return;
    }
    const w = u.writes[failure.write];
    if (!w) return;
    run.counts.sync[w.side].failed++;
    run.failures++;
    const from = w.from;
    const ref = from
      ? changeRef(from.side, from.rid)
      : changeRef(w.side, String(w.data[run.sides[w.side].def.key] ?? ''));
    const attempts = (from?.attempts ?? 0) + 1;
    parts.errors.push(syncErrorRecord(run, run.sides[w.side].stage, ref, w.data, failure.error, attempts));
    if (from) {
      parts.failed.push({
        side: from.side,
        rid: from.rid,
        error: failureText(run, w.data, failure.error),
        park: attempts >= def.maxAttempts,
      });
    }
    u.unsettled?.({ linkId, created: failure.error.code === 'SYNC_NO_CREATED_ID', parts });
  });
  await store.commitBatch({ lease, sync: def.name, ...parts, at: now });
}

function noCreatedId(run: SyncRun, side: Side): FlowError {
  const s = run.sides[side].def;
  return new FlowError(
    'SYNC_NO_CREATED_ID',
    `side ${side} (${s.label}) created the record but did not say which ${s.key} it got, so it cannot be linked to its pair on side ${otherSide(side)}`,
    {
      kind: 'record',
      where: `sync ${run.def.name}/side ${side}`,
      field: s.key,
      hint: `Map side ${side}'s key (${s.key}) so the sync writes it, or use a destination that returns the keys of the records it creates; the next run links the record if it reads it back unchanged.`,
    },
  );
}
