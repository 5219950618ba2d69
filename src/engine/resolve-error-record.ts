import { type Clock, FlowError } from '../sdk/index.js';
import type { ErrorRecordRow, StateStore } from '../store/state-store.js';
import type { RunEventPublisher } from './run-events.js';

export interface ResolveOptions {
  /** Why (kept on the record and in its history). */
  readonly note?: string;
}

/**
 * Marks an open error record resolved (an operator dealt with it: it is not retried any more) and
 * publishes `error.resolved`. A record that is not open is refused (ERROR_RECORD_RESOLVED).
 */
export async function resolveErrorRecord(
  deps: { store: StateStore; clock: Clock; events: RunEventPublisher },
  id: number,
  options: ResolveOptions = {},
): Promise<ErrorRecordRow> {
  const e = await deps.store.getError(id);
  if (!e) throw new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);
  if (e.status !== 'open') throw new FlowError('ERROR_RECORD_RESOLVED', `error record ${id} is already ${e.status}`);
  const at = deps.clock.now();
  const note = options.note ?? null;
  await deps.store.updateError(id, {
    status: 'resolved',
    note,
    updatedAt: at,
    history: { action: 'resolved', message: note ?? 'resolved without a note' },
  });
  deps.events.publish({
    type: 'error.resolved',
    flow: e.flow,
    at,
    errorId: id,
    runId: e.runId,
    recordId: e.recordId,
    stage: e.stage,
    note,
  });
  return (await deps.store.getError(id)) ?? { ...e, status: 'resolved', note, updatedAt: at };
}
