import type { DataRecord, FlowError, Json } from '../../../src/sdk/index.js';
import { contactRejection } from './api-errors.js';
import { crmErrors } from './error-codes.js';

/** What one batch upsert did: an id per contact written, a rejection per contact refused (by index). */
export interface BatchOutcome {
  readonly ids: (string | undefined)[];
  readonly rejected: { index: number; error: FlowError }[];
}

/**
 * Reads `{ "results": [ { index, status: created | updated, id } | { index, status: failed, error } ] }`
 * for the contacts sent. An answer without exactly one result per contact fails the whole batch
 * (CRM_RESULTS_MISMATCH): counting unknown writes as written would report data that was not delivered.
 */
export function batchOutcome(sent: readonly DataRecord[], body: Json, request: string, where: string): BatchOutcome {
  const results = (body as { results?: unknown } | null)?.results;
  const mismatch = (why: string) =>
    crmErrors.fail(
      'CRM_RESULTS_MISMATCH',
      `${request} sent ${sent.length} contacts; ${why}: ${JSON.stringify(body).slice(0, 300)}`,
      {
        where,
      },
    );
  if (!Array.isArray(results) || results.length !== sent.length) throw mismatch('the answer has not one result each');
  const outcome: BatchOutcome = { ids: [], rejected: [] };
  for (const [i, result] of results.entries()) {
    const r = result as { index?: unknown; status?: unknown; id?: unknown; error?: Record<string, unknown> };
    if (r.index !== i) throw mismatch(`result ${i} names index ${JSON.stringify(r.index)}`);
    if ((r.status === 'created' || r.status === 'updated') && typeof r.id === 'string') {
      outcome.ids.push(r.id);
    } else if (r.status === 'failed') {
      outcome.ids.push(undefined);
      outcome.rejected.push({
        index: i,
        error: contactRejection(sent[i] as DataRecord, {
          code: String(r.error?.['code'] ?? 'UNKNOWN'),
          message: String(r.error?.['message'] ?? 'no message'),
          field: typeof r.error?.['field'] === 'string' ? r.error['field'] : undefined,
        }),
      });
    } else throw mismatch(`result ${i} is neither written nor failed`);
  }
  return outcome;
}
