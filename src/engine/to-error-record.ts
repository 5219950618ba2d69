import { createHash } from 'node:crypto';
import { canonicalJson, type DataRecord } from '../sdk/index.js';
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
 * What failed, by content: a hash of the raw text the source could not parse, else of the record as
 * the source read it (`source`), else of the failing stage's payload. Positional ids (`line:3`,
 * `index:7`, `row:12`) repeat when a file is rewritten under the same name; this does not.
 */
export function errorFingerprint(f: StageFailure, source?: DataRecord): string {
  const content = f.raw !== undefined ? `raw:${f.raw}` : canonicalJson((source ?? f.record).data);
  return createHash('sha256').update(content).digest('hex');
}

/**
 * A stage failure as the error store keeps it: payload, stage, code, message, hint, attempt, fingerprint.
 * The message and hint go through `mask` (secrets, and the record's PII), as they are shown and sent.
 */
export function toErrorRecord(
  f: StageFailure,
  flow: string,
  runId: number,
  at: Date,
  mask: MessageMask,
  options: { attempts?: number; source?: DataRecord } = {},
): NewErrorRecord {
  const malformed = malformedText(f);
  const masked = (text: string) => mask.record(text, f.record.data, malformed);
  return {
    flow,
    runId,
    recordId: f.record.meta.id,
    stage: f.stage,
    code: f.error.code,
    kind: f.error.kind,
    message: masked(f.error.where ? `${f.error.where}: ${f.error.message}` : f.error.message),
    hint: f.error.hint === undefined ? null : masked(f.error.hint),
    field: f.error.field ?? null,
    payload: f.record.data,
    raw: f.raw === undefined ? null : mask.text(f.raw),
    fingerprint: errorFingerprint(f, options.source),
    attempts: options.attempts ?? 1,
    createdAt: at,
  };
}
