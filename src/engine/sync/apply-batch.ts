import type { LinkRow, StagedChange } from '../../store/sync-store.js';
import { createUnit } from './create-units.js';
import { bothDeletedUnit, deleteUnit } from './delete-units.js';
import { matchUnits } from './match-units.js';
import { consumeUnit, pairUnit } from './pair-units.js';
import { runUnits } from './run-units.js';
import { conflictsOf, keyOf, linksOf } from './sync-links.js';
import type { SyncRun } from './sync-run-context.js';
import type { SyncUnit } from './sync-unit.js';

/** A linked pair's changes, sorted out: a delete, a pending delete coming back, or a three-way plan. */
export async function linkedUnit(
  run: SyncRun,
  link: LinkRow,
  a: StagedChange | undefined,
  b: StagedChange | undefined,
): Promise<SyncUnit | undefined> {
  const rows = [a, b].filter((r): r is StagedChange => r !== undefined);
  // a create in flight, an ambiguous match, an approved delete: their own passes handle them
  if (link.status === 'pending-create' || link.status === 'conflict' || link.status === 'delete-approved')
    return undefined;
  if (a?.deleted && b?.deleted) return bothDeletedUnit(link, rows);
  if (link.status === 'pending-delete' && link.deletedOn !== null) {
    const back = link.deletedOn === 'a' ? a : b;
    // a later change of the deleted record that is not a delete clears the pending delete; else it waits
    if (!back || back.deleted) return back ? consumeUnit(...rows) : undefined;
  }
  if (a?.deleted) return deleteUnit(run, link, 'a', rows);
  if (b?.deleted) return deleteUnit(run, link, 'b', rows);
  return pairUnit(run, link, a, b, await conflictsOf(run, link.id));
}

/**
 * Applies one batch of staged changes (seq order): linked pairs with both sides' staged changes, new
 * pairs by the match rule, creates, deletes; then runUnits writes and commits them.
 */
export async function applyBatch(run: SyncRun, batch: readonly StagedChange[]): Promise<void> {
  const rows = batch.filter((r) => !r.parked);
  const links = await linksOf(run, rows);
  const pairs = new Map<number, { link: LinkRow; a?: StagedChange; b?: StagedChange }>();
  const unlinked: StagedChange[] = [];
  for (const r of rows) {
    const link = links.get(keyOf(r));
    if (!link) {
      unlinked.push(r);
      continue;
    }
    const pair = pairs.get(link.id) ?? { link };
    pair[r.side] = r;
    pairs.set(link.id, pair);
  }
  // the other side's staged change of each linked pair, wherever it is in the queue
  for (const side of ['a', 'b'] as const) {
    const wanted = [...pairs.values()].flatMap((p) => {
      const id = side === 'a' ? p.link.aId : p.link.bId;
      return p[side] === undefined && id !== null ? [id] : [];
    });
    if (wanted.length === 0) continue;
    const found = await run.store.stagedByIds(run.def.name, side, wanted);
    const byId = new Map(found.filter((r) => !r.parked).map((r) => [r.rid, r]));
    for (const p of pairs.values()) {
      const id = side === 'a' ? p.link.aId : p.link.bId;
      const r = id === null ? undefined : byId.get(id);
      if (r && p[side] === undefined) p[side] = r;
    }
  }
  const units: SyncUnit[] = [];
  for (const p of pairs.values()) {
    const unit = await linkedUnit(run, p.link, p.a, p.b);
    if (unit) units.push(unit);
  }
  const deleted = unlinked.filter((r) => r.deleted);
  if (deleted.length > 0) units.push(consumeUnit(...deleted));
  const fresh = unlinked.filter((r) => !r.deleted);
  if (run.def.match) units.push(...(await matchUnits(run, fresh, keyOf)));
  else units.push(...fresh.map((r) => createUnit(run, r)));
  await runUnits(run, units);
}
