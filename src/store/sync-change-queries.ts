import { sql } from 'kysely';
import type { Json } from '../sdk/index.js';
import { readInt, readIntOrNull } from './codec.js';
import { executeCompiledOnce } from './compiled-once.js';
import { holdLease } from './lease-fence.js';
import type { StoreDialect } from './migrations.js';
import type { StoreDb } from './run-queries.js';
import type { Lease } from './state-store.js';
import { CHANGE_COLUMNS, changeInsert, chunks, toStagedChange } from './sync-rows.js';
import type { NewStagedChange, StagedChange, SyncSide } from './sync-store.js';
import { setSyncWatermark } from './sync-watermark.js';

/**
 * The staging queue of a sync: the changes read from each side and not yet applied, one row per
 * (sync, side, record key), walked in `seq` order. `seq` is the sync's highest one + 1, taken inside
 * the fenced transaction (one index lookup on (sync, seq)): a restaged change moves to the end.
 */
export async function stage(
  db: StoreDb,
  dialect: StoreDialect,
  commit: {
    lease: Lease;
    sync: string;
    side: SyncSide;
    changes: readonly NewStagedChange[];
    watermark?: Json;
    at: Date;
  },
): Promise<void> {
  const { sync, side } = commit;
  // one row per key: a key read twice in one page keeps its last read (ON CONFLICT may touch a row once)
  const latest = new Map<string, NewStagedChange>();
  for (const change of commit.changes) {
    latest.delete(change.rid);
    latest.set(change.rid, change);
  }
  const same = sql`sync_changes.hash = excluded.hash AND sync_changes.deleted = excluded.deleted`;
  await db.transaction().execute(async (trx) => {
    await holdLease(trx, commit.lease, new Date(commit.at.getTime() + commit.lease.ms));
    if (latest.size > 0) {
      const top = await trx
        .selectFrom('sync_changes')
        .select((eb) => eb.fn.max('seq').as('top'))
        .where('sync', '=', sync)
        .executeTakeFirst();
      let seq = readIntOrNull(top?.top ?? null) ?? 0;
      for (const part of chunks([...latest.values()])) {
        const rows = part.map((change) => changeInsert({ ...change, sync, side }, ++seq));
        const parameters = rows.flatMap((row) => CHANGE_COLUMNS.map((c) => row[c]));
        // every chunk of this size has the same text: Kysely builds and compiles it once a process
        await executeCompiledOnce(trx, dialect, `stage:${rows.length}`, parameters, () =>
          trx
            .insertInto('sync_changes')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['sync', 'side', 'rid']).doUpdateSet({
                seq: sql`excluded.seq`,
                match_key: sql`excluded.match_key`,
                hash: sql`excluded.hash`,
                values: sql`excluded.${sql.ref('values')}`,
                changed_at: sql`excluded.changed_at`,
                deleted: sql`excluded.deleted`,
                // the same change read again (an overlap, a full read): its attempts, error and parking stay
                attempts: sql`CASE WHEN ${same} THEN sync_changes.attempts ELSE 0 END`,
                error: sql`CASE WHEN ${same} THEN sync_changes.error ELSE NULL END`,
                parked: sql`CASE WHEN ${same} THEN sync_changes.parked ELSE 0 END`,
              }),
            )
            .compile(),
        );
      }
    }
    if (commit.watermark !== undefined) await setSyncWatermark(trx, sync, side, commit.watermark, commit.at);
  });
}

export async function nextStaged(db: StoreDb, sync: string, afterSeq: number, limit: number): Promise<StagedChange[]> {
  const rows = await db
    .selectFrom('sync_changes')
    .selectAll()
    .where('sync', '=', sync)
    .where('seq', '>', afterSeq)
    .where('parked', '=', 0)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toStagedChange);
}

/** Staged changes in queue order. */
const bySeq = (x: StagedChange, y: StagedChange) => x.seq - y.seq;

export async function stagedByIds(
  db: StoreDb,
  sync: string,
  side: SyncSide,
  rids: readonly string[],
): Promise<StagedChange[]> {
  const out: StagedChange[] = [];
  for (const part of chunks([...new Set(rids)])) {
    const rows = await db
      .selectFrom('sync_changes')
      .selectAll()
      .where('sync', '=', sync)
      .where('side', '=', side)
      .where('rid', 'in', part)
      .execute();
    out.push(...rows.map(toStagedChange));
  }
  // sorted here, not by the query: ORDER BY seq makes SQLite walk the (sync, seq) index over the whole queue
  return out.sort(bySeq);
}

export async function stagedByMatchKeys(db: StoreDb, sync: string, keys: readonly string[]): Promise<StagedChange[]> {
  const out: StagedChange[] = [];
  for (const part of chunks([...new Set(keys)])) {
    const rows = await db
      .selectFrom('sync_changes')
      .selectAll()
      .where('sync', '=', sync)
      .where('match_key', 'in', part)
      .where('parked', '=', 0)
      .execute();
    out.push(...rows.map(toStagedChange));
  }
  // sorted here, not by the query: ORDER BY seq makes SQLite walk the (sync, seq) index over the whole queue
  return out.sort(bySeq);
}

export async function stagedByHashes(
  db: StoreDb,
  sync: string,
  side: SyncSide,
  hashes: readonly string[],
): Promise<StagedChange[]> {
  const out: StagedChange[] = [];
  for (const part of chunks([...new Set(hashes)])) {
    const rows = await db
      .selectFrom('sync_changes')
      .selectAll()
      .where('sync', '=', sync)
      .where('side', '=', side)
      .where('hash', 'in', part)
      .execute();
    out.push(...rows.map(toStagedChange));
  }
  // sorted here, not by the query: ORDER BY seq makes SQLite walk the (sync, seq) index over the whole queue
  return out.sort(bySeq);
}

export async function countStaged(db: StoreDb, sync: string): Promise<{ pending: number; parked: number }> {
  const rows = await db
    .selectFrom('sync_changes')
    .select((eb) => ['parked', eb.fn.countAll<number | string>().as('n')])
    .where('sync', '=', sync)
    .groupBy('parked')
    .execute();
  const count = (parked: number) => readInt(rows.find((r) => readInt(r.parked) === parked)?.n ?? 0);
  return { pending: count(0), parked: count(1) };
}

/** Un-parks (and gives fresh attempts to) parked changes: all of the sync, or these keys. */
export async function unpark(
  db: StoreDb,
  sync: string,
  keys?: readonly { side: SyncSide; rid: string }[],
): Promise<number> {
  const base = db
    .updateTable('sync_changes')
    .set({ parked: 0, attempts: 0 })
    .where('sync', '=', sync)
    .where('parked', '=', 1);
  if (keys === undefined) return Number((await base.executeTakeFirst()).numUpdatedRows);
  let n = 0;
  for (const side of ['a', 'b'] as const) {
    const rids = [...new Set(keys.filter((k) => k.side === side).map((k) => k.rid))];
    for (const part of chunks(rids)) {
      const result = await base.where('side', '=', side).where('rid', 'in', part).executeTakeFirst();
      n += Number(result.numUpdatedRows);
    }
  }
  return n;
}

/** Applied changes leave the queue (inside the batch's transaction). */
export async function consumeStaged(
  db: StoreDb,
  sync: string,
  keys: readonly { side: SyncSide; rid: string }[],
): Promise<void> {
  for (const side of ['a', 'b'] as const) {
    const rids = [...new Set(keys.filter((k) => k.side === side).map((k) => k.rid))];
    for (const part of chunks(rids))
      await db
        .deleteFrom('sync_changes')
        .where('sync', '=', sync)
        .where('side', '=', side)
        .where('rid', 'in', part)
        .execute();
  }
}

/** Changes whose write failed stay queued: attempts + 1, the (masked) error, parked when told. */
export async function failStaged(
  db: StoreDb,
  sync: string,
  failed: readonly { side: SyncSide; rid: string; error: string; park: boolean }[],
): Promise<void> {
  for (const f of failed)
    await db
      .updateTable('sync_changes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), error: f.error, parked: f.park ? 1 : 0 }))
      .where('sync', '=', sync)
      .where('side', '=', f.side)
      .where('rid', '=', f.rid)
      .execute();
}
