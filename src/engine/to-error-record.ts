import { createHash } from 'node:crypto';
import { canonicalJson, type DataRecord } from '../sdk/index.js';
import type { NewErrorRecord } from '../store/state-store.js';
import type { StageFailure } from './stage-failure.js';

/**
 * What failed, by content: a hash of the raw text the source could not parse, else of the record as
 * the source read it (`source`), else of the failing stage's payload. Positional ids (`line:3`,
 * `index:7`, `row:12`) repeat when a file is rewritten under the same name; this does not.
 */
export function errorFingerprint(f: StageFailure, source?: DataRecord): string {
  const content = f.raw !== undefined ? `raw:${f.raw}` : canonicalJson((source ?? f.record).data);
  return createHash('sha256').update(content).digest('hex');
}

/** A stage failure as the error store keeps it: payload, stage, code, message, hint, attempt, fingerprint. */
export function toErrorRecord(
  f: StageFailure,
  flow: string,
  runId: number,
  at: Date,
  options: { attempts?: number; source?: DataRecord } = {},
): NewErrorRecord {
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
    fingerprint: errorFingerprint(f, options.source),
    attempts: options.attempts ?? 1,
    createdAt: at,
  };
}
