import type { NewErrorRecord } from '../store/state-store.js';
import type { MessageMask } from './message-mask.js';
import type { StageFailure } from './stage-failure.js';

/** The raw text of a record the source could not read (file lines keep it as `raw`), for masking. */
export function malformedText(f: StageFailure): string | undefined {
  if (f.raw !== undefined) return f.raw;
  if (f.error.code !== 'RECORD_MALFORMED') return undefined;
  const raw = f.record.data.raw;
  return typeof raw === 'string' ? raw : JSON.stringify(raw ?? f.record.data);
}

/**
 * A stage failure as the error store keeps it: payload, stage, code, message, hint, attempt. The
 * message and hint go through `mask` (secrets, and the record's PII), as they are shown and sent.
 */
export function toErrorRecord(
  f: StageFailure,
  flow: string,
  runId: number,
  at: Date,
  mask: MessageMask,
  attempts = 1,
): NewErrorRecord {
  const malformed = malformedText(f);
  const masked = (text: string) => mask.record(text, f.record.data, malformed);
  return {
    flow,
    runId,
    recordId: f.record.meta.id,
    stage: f.stage,
    stageIndex: f.stageIndex,
    code: f.error.code,
    kind: f.error.kind,
    message: masked(f.error.where ? `${f.error.where}: ${f.error.message}` : f.error.message),
    hint: f.error.hint === undefined ? null : masked(f.error.hint),
    field: f.error.field ?? null,
    payload: f.record.data,
    raw: f.raw === undefined ? null : mask.text(f.raw),
    attempts,
    createdAt: at,
  };
}
