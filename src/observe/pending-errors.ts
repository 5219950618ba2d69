import {
  digestActions,
  type ErrorDigest,
  type ErrorNotice,
  maxDigestSamples,
  maxSampleMessageLength,
} from './error-notice.js';

/** At most this many distinct codes are counted one by one; the rest are counted under `OTHER`. */
export const maxCountedCodes = 100;

/**
 * The errors of one flow waiting for the next message. Bounded: every error is counted, but only
 * the first `maxDigestSamples` are kept.
 */
export interface PendingErrors {
  readonly flow: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
  readonly codes: Map<string, number>;
  readonly samples: ErrorNotice[];
}

function validDate(value: unknown, fallback: Date): Date {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : fallback;
}

function countCode(codes: Map<string, number>, code: string, by: number): void {
  const key = codes.has(code) || codes.size < maxCountedCodes ? code : 'OTHER';
  codes.set(key, (codes.get(key) ?? 0) + by);
}

/**
 * Adds one notice (a copy, with its message cut and its time made valid: `now` when it is not a
 * valid Date) to the pending errors of its flow, creating them when undefined.
 */
export function addNotice(pending: PendingErrors | undefined, notice: ErrorNotice, now: Date): PendingErrors {
  const at = validDate(notice.at, now);
  const sample: ErrorNotice = {
    flow: String(notice.flow),
    runId: notice.runId,
    code: String(notice.code),
    stage: notice.stage,
    recordId: String(notice.recordId),
    message: String(notice.message).slice(0, maxSampleMessageLength),
    at,
    ...(notice.errorId === undefined ? {} : { errorId: notice.errorId }),
  };
  const p: PendingErrors = pending ?? {
    flow: sample.flow,
    count: 0,
    firstAt: at,
    lastAt: at,
    codes: new Map(),
    samples: [],
  };
  p.count += 1;
  if (at < p.firstAt) p.firstAt = at;
  if (at > p.lastAt) p.lastAt = at;
  countCode(p.codes, sample.code, 1);
  if (p.samples.length < maxDigestSamples) p.samples.push(sample);
  return p;
}

/** The message content for the pending errors. */
export function toDigest(pending: PendingErrors): ErrorDigest {
  const codes = Object.fromEntries([...pending.codes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  return {
    flow: pending.flow,
    count: pending.count,
    firstAt: pending.firstAt,
    lastAt: pending.lastAt,
    codes,
    samples: [...pending.samples],
    next: digestActions(pending.flow),
  };
}

/**
 * Puts a digest that could not be sent back in front of the errors that arrived meanwhile, so the
 * next message carries both; its samples come first (they are older), the total stays bounded.
 */
export function restoreDigest(digest: ErrorDigest, pending: PendingErrors | undefined): PendingErrors {
  const codes = new Map<string, number>();
  for (const [code, n] of Object.entries(digest.codes)) countCode(codes, code, n);
  const restored: PendingErrors = {
    flow: digest.flow,
    count: digest.count,
    firstAt: digest.firstAt,
    lastAt: digest.lastAt,
    codes,
    samples: [...digest.samples].slice(0, maxDigestSamples),
  };
  if (pending === undefined) return restored;
  restored.count += pending.count;
  if (pending.firstAt < restored.firstAt) restored.firstAt = pending.firstAt;
  if (pending.lastAt > restored.lastAt) restored.lastAt = pending.lastAt;
  for (const [code, n] of pending.codes) countCode(codes, code, n);
  for (const s of pending.samples) if (restored.samples.length < maxDigestSamples) restored.samples.push(s);
  return restored;
}
