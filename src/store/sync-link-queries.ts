import { sql } from 'kysely';
import { readInt, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import { chunks, linkColumns, linkInsert, toLinkRow } from './sync-rows.js';
import type { LinkFilter, LinkPatch, LinkRow, LinkStatus, NewLink, SyncSide } from './sync-store.js';

/** The identity map of a sync: one link per pair of records, unique per side. */

const sideColumn = (side: SyncSide) => (side === 'a' ? 'a_id' : 'b_id');

/** Inserts links (inside the caller's transaction); returns their ids in order. */
export async function insertLinks(db: StoreDb, links: readonly NewLink[], at: Date): Promise<number[]> {
  const ids: number[] = [];
  for (const part of chunks(links)) {
    const rows = await db
      .insertInto('sync_links')
      .values(part.map((link) => linkInsert(link, at)))
      .returning('id')
      .execute();
    for (const row of rows) ids.push(readInt(row.id));
  }
  return ids;
}

/** Changes only the fields the patch gives (and `updated_at`). */
export async function updateLink(db: StoreDb, patch: LinkPatch, at: Date): Promise<void> {
  const { id, ...fields } = patch;
  await db
    .updateTable('sync_links')
    .set({ ...linkColumns(fields), updated_at: writeTime(at) })
    .where('id', '=', id)
    .execute();
}

export async function deleteLinks(db: StoreDb, ids: readonly number[]): Promise<number> {
  let n = 0;
  for (const part of chunks([...new Set(ids)])) {
    const result = await db.deleteFrom('sync_links').where('id', 'in', part).executeTakeFirst();
    n += Number(result.numDeletedRows);
  }
  return n;
}

export async function deleteLink(db: StoreDb, id: number): Promise<boolean> {
  return (await deleteLinks(db, [id])) === 1;
}

export async function getLink(db: StoreDb, id: number): Promise<LinkRow | undefined> {
  const row = await db.selectFrom('sync_links').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toLinkRow(row);
}

export async function linksByIds(
  db: StoreDb,
  sync: string,
  side: SyncSide,
  ids: readonly string[],
): Promise<LinkRow[]> {
  const out: LinkRow[] = [];
  for (const part of chunks([...new Set(ids)])) {
    const rows = await db
      .selectFrom('sync_links')
      .selectAll()
      .where('sync', '=', sync)
      .where(sideColumn(side), 'in', part)
      .orderBy('id')
      .execute();
    out.push(...rows.map(toLinkRow));
  }
  return out;
}

export async function linksByStatus(
  db: StoreDb,
  sync: string,
  status: LinkStatus,
  afterId: number,
  limit: number,
): Promise<LinkRow[]> {
  const rows = await db
    .selectFrom('sync_links')
    .selectAll()
    .where('sync', '=', sync)
    .where('status', '=', status)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toLinkRow);
}

/**
 * A case-insensitive substring pattern: `%`, `_` and `\` taken literally (escape `\`). SQLite's lower()
 * folds ASCII letters only, so a search for non-ASCII text is case-sensitive there.
 */
export function likeText(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A search names a record when it is a key of one of the sync's links (either side): then only those match. */
async function isKey(db: StoreDb, sync: string, search: string): Promise<boolean> {
  const row = await db
    .selectFrom('sync_links')
    .select('id')
    .where('sync', '=', sync)
    .where((eb) => eb.or([eb('a_id', '=', search), eb('b_id', '=', search)]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

async function filtered(db: StoreDb, filter: LinkFilter) {
  let query = db.selectFrom('sync_links').where('sync', '=', filter.sync);
  if (filter.status !== undefined) {
    const statuses: readonly LinkStatus[] = typeof filter.status === 'string' ? [filter.status] : filter.status;
    query = query.where('status', 'in', statuses);
  }
  const search = filter.search;
  if (search === undefined || search === '') return query;
  if (await isKey(db, filter.sync, search))
    return query.where((eb) => eb.or([eb('a_id', '=', search), eb('b_id', '=', search)]));
  const pattern = likeText(search);
  return query.where((eb) =>
    eb.or([
      sql<boolean>`lower(base_a) like ${pattern} escape '\\'`,
      sql<boolean>`lower(base_b) like ${pattern} escape '\\'`,
    ]),
  );
}

/** Links in id order after `afterId` (default limit 100). */
export async function listLinks(db: StoreDb, filter: LinkFilter): Promise<LinkRow[]> {
  let query = (await filtered(db, filter))
    .selectAll()
    .orderBy('id')
    .limit(filter.limit ?? 100);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  return (await query.execute()).map(toLinkRow);
}

/** How many links match (paging fields are ignored). */
export async function countLinks(db: StoreDb, filter: LinkFilter): Promise<number> {
  const row = await (await filtered(db, filter))
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return readInt(row.n);
}
