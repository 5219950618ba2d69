import type { ExpressionBuilder } from 'kysely';
import { readInt, writeJson, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { StoreDatabase } from './schema.js';
import { chunks, conflictInsert, conflictValues, toConflictRow } from './sync-rows.js';
import type { ConflictFilter, ConflictResolution, ConflictRow, ConflictStatus, NewConflict } from './sync-store.js';

/** The conflict queue of syncs: field conflicts of a link and ambiguous matches, for review. */

type ConflictEb = ExpressionBuilder<StoreDatabase, 'sync_conflicts'>;
type NullableColumn = 'link_id' | 'field' | 'a_id' | 'b_id';

/** `column = value`, or `column is null` for null. */
const same = (eb: ConflictEb, column: NullableColumn, value: string | number | null) =>
  value === null ? eb(column, 'is', null) : eb(column, '=', value);

/** Not settled yet: a repeat of one of these is the same conflict. */
const UNSETTLED: readonly ConflictStatus[] = ['open', 'resolved'];

/**
 * Opens conflicts (inside the batch's transaction). A conflict still open (or resolved, not yet
 * applied) for the same link and field (match conflicts: the same link and records) gets the new
 * values, run and time instead of being added twice.
 */
export async function openConflicts(db: StoreDb, conflicts: readonly NewConflict[], at: Date): Promise<void> {
  for (const c of conflicts) {
    const existing = await db
      .selectFrom('sync_conflicts')
      .select('id')
      .where('sync', '=', c.sync)
      .where('kind', '=', c.kind)
      .where('status', 'in', UNSETTLED)
      .where((eb) =>
        eb.and(
          c.kind === 'field'
            ? [same(eb, 'link_id', c.linkId), same(eb, 'field', c.field)]
            : [same(eb, 'link_id', c.linkId), same(eb, 'a_id', c.aId), same(eb, 'b_id', c.bId)],
        ),
      )
      .orderBy('id')
      .executeTakeFirst();
    if (existing === undefined) await db.insertInto('sync_conflicts').values(conflictInsert(c, at)).execute();
    else
      await db
        .updateTable('sync_conflicts')
        .set(conflictValues(c, at))
        .where('id', '=', readInt(existing.id))
        .execute();
  }
}

export async function closeConflicts(
  db: StoreDb,
  closes: readonly { id: number; status: 'applied' | 'cleared' }[],
  at: Date,
): Promise<void> {
  for (const close of closes)
    await db
      .updateTable('sync_conflicts')
      .set({ status: close.status, updated_at: writeTime(at) })
      .where('id', '=', close.id)
      .execute();
}

/** The unsettled conflicts of links that are gone (a pair deleted on both sides, a propagated delete) are cleared. */
export async function clearLinkConflicts(db: StoreDb, linkIds: readonly number[], at: Date): Promise<void> {
  for (const part of chunks([...new Set(linkIds)]))
    await db
      .updateTable('sync_conflicts')
      .set({ status: 'cleared', updated_at: writeTime(at) })
      .where('link_id', 'in', part)
      .where('status', 'in', UNSETTLED)
      .execute();
}

export async function getConflict(db: StoreDb, id: number): Promise<ConflictRow | undefined> {
  const row = await db.selectFrom('sync_conflicts').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toConflictRow(row);
}

/** Every filter field but the paging ones. */
function filtered(db: StoreDb, filter: ConflictFilter) {
  let query = db.selectFrom('sync_conflicts');
  if (filter.sync !== undefined) query = query.where('sync', '=', filter.sync);
  if (filter.status !== undefined) {
    const statuses: readonly ConflictStatus[] = typeof filter.status === 'string' ? [filter.status] : filter.status;
    query = query.where('status', 'in', statuses);
  }
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.field !== undefined) query = query.where('field', '=', filter.field);
  if (filter.linkId !== undefined) query = query.where('link_id', '=', filter.linkId);
  const record = filter.record;
  if (record !== undefined) query = query.where((eb) => eb.or([eb('a_id', '=', record), eb('b_id', '=', record)]));
  return query;
}

/** Conflicts in id order after `afterId` (default limit 100). */
export async function listConflicts(db: StoreDb, filter: ConflictFilter): Promise<ConflictRow[]> {
  let query = filtered(db, filter)
    .selectAll()
    .orderBy('id')
    .limit(filter.limit ?? 100);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  return (await query.execute()).map(toConflictRow);
}

/** How many conflicts match (paging fields are ignored). */
export async function countConflicts(db: StoreDb, filter: ConflictFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return readInt(row.n);
}

/**
 * A person's resolution of open conflicts: the given ids, or every open one the filter matches (its
 * `afterId` and `limit` apply only when given). Conflicts not open are left as they are.
 */
export async function resolveConflicts(
  db: StoreDb,
  which: { ids: readonly number[] } | { filter: ConflictFilter },
  resolution: ConflictResolution,
  note: string | null,
  at: Date,
): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    let ids: number[];
    if ('ids' in which) ids = [...new Set(which.ids)];
    else {
      let query = filtered(trx, which.filter).select('id').where('status', '=', 'open').orderBy('id');
      if (which.filter.afterId !== undefined) query = query.where('id', '>', which.filter.afterId);
      if (which.filter.limit !== undefined) query = query.limit(which.filter.limit);
      ids = (await query.execute()).map((r) => readInt(r.id));
    }
    const resolved: number[] = [];
    for (const part of chunks(ids)) {
      const rows = await trx
        .updateTable('sync_conflicts')
        .set({ status: 'resolved', resolution: writeJson(resolution), note, updated_at: writeTime(at) })
        .where('id', 'in', part)
        .where('status', '=', 'open')
        .returning('id')
        .execute();
      resolved.push(...rows.map((r) => readInt(r.id)));
    }
    return resolved.sort((x, y) => x - y);
  });
}
