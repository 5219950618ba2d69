import { FlowError, type Json } from '../../sdk/index.js';
import type { NewErrorRecord } from '../../store/state-store.js';
import type { NewStagedChange as StagedRow } from '../../store/sync-store.js';
import { planDelta } from '../delta-sync.js';
import { checkSideFields } from './field-check.js';
import { asSideMark, type SideMark, sideMarkJson } from './side-mark.js';
import { sidePages } from './side-pages.js';
import { changeRef, syncErrorRecord } from './sync-errors.js';
import type { Side } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';

/** A record key as the sync keeps it: text (a number key 7 is "7"); null when the record has none. */
export function recordKey(value: Json | undefined): string | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
}

/**
 * How far below a side's watermark a delta read starts when the side sets no `overlap`, for a time
 * cursor: a row stamped with a time at or before the watermark can commit after the read that moved
 * it — second-precision columns, PostgreSQL's now() (the transaction's start), a database clock behind
 * the sync host. Re-read rows hash as before: echoes, nothing written. A number cursor (a version)
 * has no default: its unit is not a duration.
 */
export const DEFAULT_SYNC_OVERLAP = '5s';

function sideOverlap(set: string | number | undefined, mark: SideMark): string | number | undefined {
  if (set !== undefined) return set;
  return typeof mark.since?.value === 'string' ? DEFAULT_SYNC_OVERLAP : undefined;
}

/**
 * The keys of read records that are exactly the version their link last synced: the same change time
 * and the same hash, on a pair that is plainly linked (no intent, conflict or pending delete holds it).
 * The overlap reads such records again at every run (our own writes of the last seconds, rows stamped
 * alike); they are counted as echoes and not staged, so a run's work follows the changes, not the
 * overlap. Anything else — a new time, another hash, a deleted flag — is staged as a change.
 */
async function sameAsLinked(run: SyncRun, side: Side, changes: ReadonlyMap<string, StagedRow>): Promise<string[]> {
  if (changes.size === 0) return [];
  const links = await run.store.linksByIds(run.def.name, side, [...changes.keys()]);
  const same: string[] = [];
  for (const link of links) {
    const rid = side === 'a' ? link.aId : link.bId;
    const change = rid === null ? undefined : changes.get(rid);
    if (change === undefined || change.deleted || link.status !== 'linked') continue;
    const hash = side === 'a' ? link.aHash : link.bHash;
    const at = side === 'a' ? link.aChangedAt : link.bChangedAt;
    if (hash === change.hash && at !== null && change.changedAt !== null && run.compiled.same(at, change.changedAt))
      same.push(change.rid);
  }
  return same;
}

/**
 * Stages one side's changes since its watermark (the delta machinery: `since` from the stored cursor
 * less the side's overlap, records at or below it dropped), page by page: each record's mapped values,
 * hash, match key and soft-delete flag upserted into the staging queue. The side's watermark moves
 * only after its last page, in its own transaction: a crash before it restages the same changes
 * (idempotent: a restaged change replaces the staged one). The first page is checked for the fields
 * the sync needs before anything is written (SYNC_FIELD_MISSING).
 */
export async function stageSide(run: SyncRun, side: Side, options: { full: boolean; started: Date }): Promise<void> {
  const { def, compiled, store, lease, ctx } = run;
  const open = run.sides[side];
  const sideDef = open.def;
  const mark = asSideMark(await store.getWatermark(def.name, side));
  const overlap = sideOverlap(sideDef.overlap, mark);
  const delta = sideDef.cursor
    ? planDelta(
        def.name,
        { field: sideDef.cursor, ...(overlap === undefined ? {} : { overlap }) },
        sideMarkJson(mark),
        { resuming: false, full: options.full, now: options.started },
        sideDef.source.where,
      )
    : undefined;
  if (delta) ctx.log.info({ side, since: delta.since ?? null, full: delta.full }, `side ${side}: ${delta.reason}`);
  let checked = false;
  const pages = open.source.read(
    {
      config: sideDef.source.config,
      connection: open.connection,
      ...(delta?.since === undefined ? {} : { since: delta.since }),
      ...(sideDef.cursor ? { cursorField: sideDef.cursor } : {}),
    },
    ctx,
  );
  for await (const page of sidePages(def, open, pages, run.clock, ctx.signal)) {
    if (!checked && page.records.length > 0) {
      checkSideFields(def, sideDef, page.records);
      checked = true;
    }
    const admitted = delta ? delta.admit(page.records) : { records: [...page.records], failures: [] };
    const errors: NewErrorRecord[] = admitted.failures.map((f) =>
      syncErrorRecord(run, { kind: 'delta' }, changeRef(side, f.record.meta.id), f.record.data, f.error),
    );
    const changes = new Map<string, StagedRow>();
    for (const record of admitted.records) {
      const rid = recordKey(record.data[sideDef.key]);
      if (rid === null) {
        const error = new FlowError(
          'SYNC_FIELD_MISSING',
          `side ${side} (${sideDef.label}): record ${record.meta.id} has no ${sideDef.key}, the key`,
          {
            kind: 'record',
            where: `sync ${def.name}/side ${side}`,
            field: sideDef.key,
            hint: `Every record of side ${side} needs its key (${sideDef.key}) to be linked.`,
          },
        );
        errors.push(syncErrorRecord(run, { kind: 'source' }, changeRef(side, record.meta.id), record.data, error));
        continue;
      }
      const values = compiled.extract(side, record.data);
      const change: StagedRow = {
        sync: def.name,
        side,
        rid,
        matchKey: compiled.matchKey(side, values),
        hash: compiled.hash(side, values),
        values,
        changedAt: sideDef.cursor ? (record.data[sideDef.cursor] ?? null) : null,
        deleted: compiled.isDeleted(side, record.data),
      };
      changes.set(rid, change); // the last read of a key in a page wins
    }
    const reread = await sameAsLinked(run, side, changes);
    for (const rid of reread) changes.delete(rid);
    if (changes.size > 0)
      await store.stage({ lease, sync: def.name, side, changes: [...changes.values()], at: run.clock.now() });
    if (errors.length > 0) {
      await store.commitBatch({ lease, sync: def.name, errors, at: run.clock.now() });
      run.failures += errors.length;
      run.counts.sync[side].failed += errors.length;
    }
    run.counts.sync[side].read += changes.size + reread.length;
    run.counts.sync[side].echoes += reread.length;
    run.progress();
    if (ctx.signal.aborted) return; // canceled: the watermark stays, the next run restages from it
  }
  const moved = delta ? delta.completed(options.started) : mark;
  await store.stage({
    lease,
    sync: def.name,
    side,
    changes: [],
    watermark: sideMarkJson({ ...moved, reconciledAt: mark.reconciledAt }),
    at: run.clock.now(),
  });
}
