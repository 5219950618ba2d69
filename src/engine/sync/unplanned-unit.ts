import { type FlowError, isFlowError } from '../../sdk/index.js';
import type { StagedChange } from '../../store/sync-store.js';
import { changeRef, failureText, syncErrorRecord } from './sync-errors.js';
import { otherSide } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';
import type { SyncUnit } from './sync-unit.js';

/**
 * A unit planned by `make`, or, when planning throws a record error (a value the mapping cannot
 * translate: RECORD_BAD_VALUE), a unit that writes nothing and keeps the changes staged as failed —
 * an error record, one more attempt, parked after `maxAttempts` — instead of failing the whole run
 * (and every run after it) on one record. Other errors propagate.
 */
export async function plannedUnit(
  run: SyncRun,
  rows: readonly StagedChange[],
  make: () => SyncUnit | undefined | Promise<SyncUnit | undefined>,
  linkId?: number,
): Promise<SyncUnit | undefined> {
  try {
    return await make();
  } catch (error) {
    if (!isFlowError(error) || error.kind !== 'record' || rows.length === 0) throw error;
    if (linkId !== undefined) run.failedLinks.add(linkId);
    return unplannedUnit(run, rows, error);
  }
}

function unplannedUnit(run: SyncRun, rows: readonly StagedChange[], error: FlowError): SyncUnit {
  return {
    writes: [],
    settle({ parts }) {
      const [first] = rows;
      if (!first) return;
      const to = otherSide(first.side);
      const attempts = first.attempts + 1;
      run.failures++;
      run.counts.sync[to].failed++;
      parts.errors.push(
        syncErrorRecord(run, run.sides[to].stage, changeRef(first.side, first.rid), first.values, error, attempts),
      );
      for (const r of rows) {
        parts.failed.push({
          side: r.side,
          rid: r.rid,
          error: failureText(run, r.values, error),
          park: r.attempts + 1 >= run.def.maxAttempts,
        });
      }
    },
  };
}
