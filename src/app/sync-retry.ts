import type { ProjectDefinition } from '../config/definition.js';
import { type Clock, FlowError } from '../sdk/index.js';
import type { ErrorRecordRow, StateStore } from '../store/state-store.js';
import type { SyncSide } from '../store/sync-store.js';
import type { RetryEvent } from './errors.js';
import type { RunService } from './runs.js';

/** `a:42` → side a, key 42: how a sync's error records name the change that failed. */
export function changeOf(e: ErrorRecordRow): { side: SyncSide; rid: string } | undefined {
  const m = /^(a|b):(.+)$/s.exec(e.recordId);
  return m ? { side: m[1] as SyncSide, rid: m[2] as string } : undefined;
}

/**
 * Retries error records of a sync: a sync retries a failed change by writing it again from its staged
 * row, so each record's change is un-parked (a change parked after `maxAttempts` failures is left out
 * of runs until then) and the sync runs once. A record whose change was applied by that run (it is no
 * longer staged) is marked retried; one still staged failed again (the run updated the record).
 */
export async function* retrySyncRecords(
  deps: {
    readonly store: StateStore;
    readonly clock: Clock;
    readonly runs: (project: ProjectDefinition) => Pick<RunService, 'requestAndWait'>;
  },
  project: ProjectDefinition,
  sync: string,
  records: readonly ErrorRecordRow[],
): AsyncGenerator<RetryEvent> {
  const { store } = deps;
  const targets: { record: ErrorRecordRow; side: SyncSide; rid: string }[] = [];
  for (const record of records) {
    const change = changeOf(record);
    if (record.status !== 'open')
      yield {
        type: 'not-retried',
        id: record.id,
        error: new FlowError('ERROR_RECORD_RESOLVED', `error record ${record.id} is already ${record.status}`),
      };
    else if (!change)
      yield {
        type: 'not-retried',
        id: record.id,
        error: new FlowError('CONFIG_INVALID', `error record ${record.id} names no change of sync ${sync}`),
      };
    else targets.push({ record, ...change });
  }
  if (targets.length === 0) return;
  await store.sync.unpark(
    sync,
    targets.map(({ side, rid }) => ({ side, rid })),
  );
  yield { type: 'sync-started', sync, file: project.file, records: targets.length };
  try {
    const runs = await deps.runs(project).requestAndWait({ flow: sync, trigger: 'retry' });
    yield { type: 'sync-ended', sync, runs };
  } catch (error) {
    if (!(error instanceof FlowError) || error.code !== 'RUN_ALREADY_ACTIVE') throw error;
    // a run of the sync is active: it (or the next) writes the un-parked changes
    yield { type: 'sync-busy', sync, file: project.file, error };
    return;
  }
  for (const { record, side, rid } of targets) {
    const [staged] = await store.sync.stagedByIds(sync, side, [rid]);
    if (staged === undefined) {
      const at = deps.clock.now();
      await store.updateError(record.id, {
        status: 'retried',
        updatedAt: at,
        history: { action: 'retried', message: `applied by a run of sync ${sync}` },
      });
    }
    const now = (await store.getError(record.id)) ?? record;
    yield {
      type: 'retried',
      id: record.id,
      outcome: {
        id: record.id,
        ok: staged === undefined,
        message:
          staged === undefined
            ? `applied by the run of sync ${sync}`
            : `[${now.code}] ${staged.error ?? now.message}${staged.parked ? ' (parked again)' : ''}`,
        record: now,
        handedOn: [],
      },
    };
  }
}
