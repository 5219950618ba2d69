import type { JsonObject } from '../sdk/index.js';
import { maskPii, maskValue, maskValuesInText, piiValues, rawValues } from '../security/index.js';
import type { ErrorHistoryRow, ErrorRecordRow } from '../store/state-store.js';

/** The `pii` paths of an error record's flow, or 'all' when the flow is unknown (then every value is masked). */
export type PiiPaths = readonly string[] | 'all';

/**
 * The PII values of an error record, to mask in its message, hint and history: those at the flow's
 * `pii` paths (every value when the flow is unknown), every word of a line the source could not read.
 */
function piiOf(e: ErrorRecordRow, pii: PiiPaths): string[] {
  if (pii !== 'all' && pii.length === 0) return [];
  const values = piiValues(e.payload, pii === 'all' ? ['*'] : pii);
  if (e.code === 'RECORD_MALFORMED') {
    const raw = e.raw ?? e.payload.raw;
    values.push(...rawValues(typeof raw === 'string' ? raw : JSON.stringify(raw ?? '')));
  }
  return values;
}

/** A payload of the record (its own, or one its history keeps) masked: whole for an unreadable line or an unknown flow. */
function maskPayload(e: ErrorRecordRow, payload: JsonObject, pii: PiiPaths): JsonObject {
  if (pii === 'all' || e.code === 'RECORD_MALFORMED') return maskValue(payload) as JsonObject;
  return pii.length === 0 ? payload : maskPii(payload, pii);
}

/**
 * A record with its PII masked: the flow's `pii` paths, or every value when the flow is unknown. A
 * line the source could not read is masked whole: its fields cannot be told apart. Messages were
 * masked when stored; masked again here for records stored before that.
 */
export function maskErrorRecord(e: ErrorRecordRow, pii: PiiPaths): ErrorRecordRow {
  if (pii !== 'all' && pii.length === 0) return e;
  const values = piiOf(e, pii);
  const text = (t: string) => maskValuesInText(t, values);
  const raw = e.raw === null ? null : (maskValue(e.raw) as string);
  return {
    ...e,
    message: text(e.message),
    hint: e.hint === null ? null : text(e.hint),
    note: e.note === null ? null : text(e.note),
    payload: maskPayload(e, e.payload, pii),
    raw,
  };
}

/** The history of an error record, with the record's PII masked in its messages and the payloads it keeps. */
export function maskErrorHistory(
  e: ErrorRecordRow,
  history: readonly ErrorHistoryRow[],
  pii: PiiPaths,
): ErrorHistoryRow[] {
  if (pii !== 'all' && pii.length === 0) return [...history];
  const values = piiOf(e, pii);
  return history.map((h) => ({
    ...h,
    message: maskValuesInText(h.message, values),
    ...(h.payload === null ? {} : { payload: maskPayload(e, h.payload, pii) }),
  }));
}
