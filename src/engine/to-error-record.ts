import type { NewErrorRecord } from '../store/state-store.js';
import type { StageFailure } from './stage-failure.js';

/** A stage failure as the error store keeps it: payload, stage, code, message, hint, attempt. */
export function toErrorRecord(f: StageFailure, flow: string, runId: number, at: Date, attempts = 1): NewErrorRecord {
  return {
    flow,
    runId,
    recordId: f.record.meta.id,
    stage: f.stage,
    stageIndex: f.stageIndex,
    code: f.error.code,
    kind: f.error.kind,
    message: f.error.where ? `${f.error.where}: ${f.error.message}` : f.error.message,
    hint: f.error.hint ?? null,
    field: f.error.field ?? null,
    payload: f.record.data,
    raw: f.raw ?? null,
    attempts,
    createdAt: at,
  };
}
