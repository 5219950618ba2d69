import type { FlowDefinition } from '../config/definition.js';
import { FlowError } from '../sdk/index.js';
import type { NewErrorRecord } from '../store/state-store.js';

/** When a run stops because its records nearly all fail (flow `errorThreshold:`, run option). */
export interface ErrorThreshold {
  /** Stop once more than this many records failed (none: no absolute limit). */
  readonly maxErrors?: number;
  /** Stop once more than this fraction of the records read failed (1: never by rate). */
  readonly maxErrorRate: number;
  /** The rate counts only once this many records were read, so that a first bad record stops nothing. */
  readonly minRecords: number;
}

/**
 * More than 90% of at least 1000 records: a run whose records nearly all fail (a wrong mapping, a
 * renamed column, a destination that refuses every record) stops after about a thousand error
 * records instead of one per source record, while a run with many bad records but mostly good ones
 * (even half bad) goes on: stopping it would hold back the good ones.
 */
export const DEFAULT_ERROR_THRESHOLD: ErrorThreshold = { maxErrorRate: 0.9, minRecords: 1000 };

/** Defaults ← the flow's `errorThreshold:` ← the run's options, key by key. */
export function resolveErrorThreshold(flow: FlowDefinition, override: Partial<ErrorThreshold> = {}): ErrorThreshold {
  return { ...DEFAULT_ERROR_THRESHOLD, ...definedOnly(flow.errorThreshold ?? {}), ...definedOnly(override) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The run's failed records as the threshold counts them. */
export interface ErrorTally {
  /** Takes a committed page's error records. */
  add(errors: readonly NewErrorRecord[]): void;
  /** The error that stops the run once the threshold is crossed, given the records read so far. */
  exceeded(read: number): FlowError | undefined;
}

/**
 * Counts the records that failed for a reason of their own (kind `record`, `config`, `system`: each
 * record once, however many destinations refused it). Transient failures do not count: a spoke that
 * is down is handled by `onOutage` and its breaker, and its records are retried once it is back.
 */
export function createErrorTally(threshold: ErrorThreshold, where: { flow: string; runId: number }): ErrorTally {
  let failed = 0;
  const codes = new Map<string, number>();
  return {
    add(errors) {
      const seen = new Set<string>();
      for (const e of errors) {
        if (e.kind === 'transient' || seen.has(e.recordId)) continue;
        seen.add(e.recordId);
        failed += 1;
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      }
    },
    exceeded(read) {
      const overCount = threshold.maxErrors !== undefined && failed > threshold.maxErrors;
      const overRate = read >= threshold.minRecords && read > 0 && failed / read > threshold.maxErrorRate;
      if (!overCount && !overRate) return undefined;
      return thresholdError(threshold, failed, read, codes, where, overCount);
    },
  };
}

function thresholdError(
  t: ErrorThreshold,
  failed: number,
  read: number,
  codes: ReadonlyMap<string, number>,
  where: { flow: string; runId: number },
  overCount: boolean,
): FlowError {
  const [code, count] = [...codes].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const limit = overCount
    ? `more than maxErrors ${t.maxErrors}`
    : `more than maxErrorRate ${t.maxErrorRate} (${percent(t.maxErrorRate)}) of at least ${t.minRecords} records`;
  const common = code ? `; most often ${code} (${count} of them)` : '';
  const raise = overCount
    ? `errorThreshold: { maxErrors: ${(t.maxErrors ?? 0) * 10} }`
    : `errorThreshold: { maxErrorRate: 1 } (never stop by rate)`;
  return new FlowError(
    'ERROR_THRESHOLD',
    `${failed} of ${read} records failed (${percent(failed / read)}), ${limit}${common}: the run stopped at a page boundary, its checkpoint kept, instead of filling the error store`,
    {
      kind: 'system',
      where: `flow ${where.flow}`,
      hint: `Look at them (next: the first command); fix the cause (a preview shows each step's output), then run again: it resumes from the checkpoint, and retrying the run's error records retries the failed records. If such failures are expected, raise the threshold: ${raise}, or override it for one run.`,
      next: [
        { action: 'errors.list', filter: { runId: where.runId, ...(code ? { code } : {}) } },
        { action: 'flows.preview', flow: where.flow },
        { action: 'errors.retry', filter: { runId: where.runId } },
        { action: 'flows.run', flow: where.flow, overrideThreshold: true },
      ],
    },
  );
}
