import { Cron } from 'croner';
import type { DeltaSettings } from '../config/definition.js';
import { valueAt } from '../kit/index.js';
import { type DataRecord, FlowError, type Json, parseDuration } from '../sdk/index.js';
import { type Cursor, compareCursors, cursorCodec } from './delta-cursor.js';
import type { StageFailure } from './stage-failure.js';

/** A cursor as stored: normalised (ISO 8601 UTC or a number) and as the source wrote it. */
type StoredCursor = {
  readonly value: Json;
  readonly raw: Json;
};

/**
 * What the store keeps per flow and source (committed with each page's checkpoint): the watermark
 * of the completed runs, the highest cursor of the run in progress, and how that run started, so a
 * resumed run reads with the same `since` as before the crash.
 */
export type DeltaState = {
  readonly since: StoredCursor | null;
  readonly high: StoredCursor | null;
  readonly run: { readonly since: Json | null; readonly full: boolean } | null;
  readonly fullSyncAt: string | null;
};

const emptyState: DeltaState = { since: null, high: null, run: null, fullSyncAt: null };

/** The name the watermark is kept under (one source per flow). */
export const WATERMARK_SOURCE = 'source';

/** One run's delta sync: what the source is asked for, which records pass, and the watermark to keep. */
export interface DeltaRun {
  /** Handed to the source as `since` (undefined: read everything). */
  readonly since: Json | undefined;
  readonly full: boolean;
  /** Why the run reads what it reads, for the log and the run summary. */
  readonly reason: string;
  /**
   * Checks a page: records without a usable cursor become error records (stage `delta`), records
   * at or before the watermark (minus the overlap) are dropped (a source that cannot filter), the
   * rest pass and move the run's high mark.
   */
  admit(records: readonly DataRecord[]): { records: DataRecord[]; failures: StageFailure[]; skipped: number };
  /** The state to commit with the page just admitted. */
  pending(): DeltaState;
  /** The state after the run completed: the watermark moves to the highest cursor handled. */
  completed(at: Date): DeltaState;
}

/** The stored delta state of a flow, decoded (empty when there is none). */
export function asState(value: Json | undefined): DeltaState {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return emptyState;
  return { ...emptyState, ...(value as unknown as DeltaState) };
}

function fullSyncDue(expr: string | undefined, zone: string | undefined, last: string | null, now: Date): boolean {
  if (expr === undefined || last === null) return false;
  const next = new Cron(expr, { paused: true, ...(zone ? { timezone: zone } : {}) }).nextRun(new Date(last));
  return next !== null && next.getTime() <= now.getTime();
}

/**
 * Plans the delta sync of one run from the stored state. `resuming`: the run goes on from a stored
 * checkpoint (the run in progress keeps its `since`). `full`: `syncline run --full`.
 */
export function planDelta(
  flow: string,
  settings: DeltaSettings,
  stored: Json | undefined,
  options: { resuming: boolean; full: boolean; now: Date; flowZone?: string },
  where: string,
): DeltaRun {
  const codec = cursorCodec(settings);
  if (typeof codec === 'string') {
    throw new FlowError('CONFIG_INVALID', `flow ${flow}: source delta: ${codec}`, {
      where,
      hint: 'Use an IANA time zone (Europe/Berlin) and a format like "yyyy-MM-dd HH:mm:ss", "millis" or "seconds".',
    });
  }
  const state = asState(stored);
  const overlapMs = settings.overlap === undefined ? 0 : (parseDuration(settings.overlap) ?? 0);
  const restore = (c: StoredCursor | null): Cursor | undefined => {
    if (c === null) return undefined;
    const read = codec.read(c.raw);
    return typeof read === 'string' ? undefined : read;
  };
  const watermark = restore(state.since);
  let full: boolean;
  let since: Json | undefined;
  let reason: string;
  let floor: Cursor | undefined; // records at or before it are old
  let strict = overlapMs === 0; // drop records equal to the floor too
  const sinceDate = settings.since === undefined ? undefined : codec.read(settings.since);
  if (typeof sinceDate === 'string') {
    throw new FlowError('CONFIG_INVALID', `flow ${flow}: source delta.since: ${sinceDate}`, {
      where,
      hint: 'Write the date as the source writes its cursor values, e.g. 2026-01-01 or 2026-01-01T00:00:00Z.',
    });
  }
  if (options.resuming && state.run) {
    full = state.run.full;
    since = state.run.since ?? undefined;
    reason = `resumed ${full ? 'full sync' : `delta from ${JSON.stringify(since)}`}`;
    floor = full ? sinceDate : watermark;
  } else if (
    options.full ||
    watermark === undefined ||
    fullSyncDue(settings.fullSync, options.flowZone, state.fullSyncAt, options.now)
  ) {
    full = true;
    since = settings.since;
    floor = sinceDate;
    strict = false;
    reason = options.full
      ? 'full sync (--full)'
      : watermark === undefined
        ? settings.since === undefined
          ? 'first run: full sync'
          : `first run: from ${settings.since}`
        : `full sync (fullSync "${settings.fullSync}")`;
  } else {
    full = false;
    since = codec.write(watermark, overlapMs);
    floor = watermark;
    reason = `delta from ${JSON.stringify(since)} (watermark ${JSON.stringify(state.since?.value)}${overlapMs > 0 ? `, overlap ${settings.overlap}` : ''})`;
  }
  const floorCut = floor && (overlapMs > 0 && !full ? codec.read(codec.write(floor, overlapMs)) : floor);
  const cut = typeof floorCut === 'string' ? undefined : floorCut;
  let high = options.resuming && state.run ? restore(state.high) : undefined;
  let highStored: StoredCursor | null = high && state.high ? state.high : null;
  const run = { since: since ?? null, full };
  return {
    since,
    full,
    reason,
    admit(records) {
      const kept: DataRecord[] = [];
      const failures: StageFailure[] = [];
      let skipped = 0;
      const fail = (record: DataRecord, code: string, message: string, hint: string) =>
        failures.push({
          stage: { kind: 'delta' },
          record,
          error: new FlowError(code, message, {
            where: `flow ${flow}/source delta record ${record.meta.id}`,
            field: settings.field,
            hint,
          }),
        });
      for (const record of records) {
        const value = valueAt(record.data, settings.field);
        if (value === undefined || value === null || value === '') {
          if (settings.onMissing === 'pass') kept.push(record);
          else
            fail(
              record,
              'DELTA_CURSOR_MISSING',
              `record ${record.meta.id} has no ${settings.field}, the delta cursor field`,
              `Fill ${settings.field} in the source, or set delta.onMissing: pass to deliver such records without moving the watermark.`,
            );
          continue;
        }
        const cursor = codec.read(value);
        if (typeof cursor === 'string') {
          fail(
            record,
            'DELTA_CURSOR_INVALID',
            `record ${record.meta.id}: ${settings.field} ${cursor}`,
            'Set delta.format to the format of the values (e.g. "dd.MM.yyyy HH:mm", millis, seconds), and delta.timezone for values without an offset.',
          );
          continue;
        }
        const against = high ?? cut;
        if (against && compareCursors(cursor, against) === undefined) {
          fail(
            record,
            'DELTA_CURSOR_INVALID',
            `record ${record.meta.id}: ${settings.field} ${JSON.stringify(value)} is a ${cursor.kind === 'time' ? 'timestamp' : 'number'}, but the other values are ${cursor.kind === 'time' ? 'numbers' : 'timestamps'}`,
            'A cursor field holds either timestamps or numbers; set delta.format: millis or seconds for epoch times.',
          );
          continue;
        }
        if (cut) {
          const c = compareCursors(cursor, cut) ?? 0;
          if (c < 0 || (strict && c === 0)) {
            skipped++;
            continue;
          }
        }
        if (!high || (compareCursors(cursor, high) ?? 0) > 0) {
          high = cursor;
          highStored = { value: codec.normal(cursor), raw: cursor.raw };
        }
        kept.push(record);
      }
      return { records: kept, failures, skipped };
    },
    pending: () => ({ ...state, high: highStored, run }),
    completed(at) {
      const moved = high && (!watermark || (compareCursors(high, watermark) ?? 0) > 0);
      return {
        since: moved ? highStored : state.since,
        high: null,
        run: null,
        fullSyncAt: full ? at.toISOString() : state.fullSyncAt,
      };
    },
  };
}
