import type { FlowError, JsonObject, Stage } from '../../sdk/index.js';
import type { NewErrorRecord } from '../../store/state-store.js';
import { toErrorRecord } from '../to-error-record.js';
import type { Side } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';

/** The record id of a sync's error records: the side a change was read from and its key there (`a:42`). */
export function changeRef(side: Side, rid: string): string {
  return `${side}:${rid}`;
}

/**
 * An error record of a sync run (flow = the sync's name): where it failed (the side's destination, or
 * the delta check of a side's reads), the change's `<side>:<key>`, the payload written or read, the
 * error's field, masked message and hint (secrets, the sync's `pii` fields).
 */
export function syncErrorRecord(
  run: SyncRun,
  stage: Stage,
  ref: string,
  payload: JsonObject,
  error: FlowError,
  attempts = 1,
): NewErrorRecord {
  return toErrorRecord(
    { stage, record: { data: payload, meta: { id: ref } }, error },
    run.def.name,
    run.runId,
    run.clock.now(),
    run.mask,
    {
      attempts,
    },
  );
}

/** The masked text a failed staged change keeps (its last failure). */
export function failureText(run: SyncRun, payload: JsonObject, error: FlowError): string {
  const said = error.where ? `${error.where}: ${error.message}` : error.message;
  return run.mask.record(`[${error.code}] ${said}`, payload);
}
