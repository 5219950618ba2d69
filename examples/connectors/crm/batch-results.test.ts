import { describe, expect, it } from 'vitest';
import { createRecord, FlowError } from '../../../src/sdk/index.js';
import { batchOutcome } from './batch-results.js';

const sent = ['a@example.com', 'b@example.com', 'c@example.com'].map((email, i) =>
  createRecord({ email, name: 'N' }, { id: `line:${i + 2}`, position: `leads.csv:${i + 2}` }),
);
const read = (results: unknown) => batchOutcome(sent, { results } as never, 'POST /v1/contacts/batch-upsert', 'crm');

describe('batchOutcome', () => {
  it("maps each result by index: ids of the written, the CRM's refusals to the connector's codes", () => {
    const outcome = read([
      { index: 0, status: 'created', id: 'c_1' },
      { index: 1, status: 'failed', error: { code: 'AMBIGUOUS', message: 'several contacts have this email' } },
      { index: 2, status: 'failed', error: { code: 'FROZEN', message: 'the account is frozen', field: 'email' } },
    ]);
    expect(outcome.ids).toEqual(['c_1', undefined, undefined]);
    expect(outcome.rejected.map((r) => [r.index, r.error.code, r.error.kind, r.error.where, r.error.field])).toEqual([
      [1, 'CRM_DUPLICATE_EMAIL', 'record', 'leads.csv:3', undefined],
      [2, 'CRM_REJECTED', 'record', 'leads.csv:4', 'email'],
    ]);
    expect(outcome.rejected[1]?.error.message).toBe('the CRM refused contact line:4: FROZEN: the account is frozen');
    expect(outcome.rejected[0]?.error.hint).toMatch(/Merge the duplicate contacts/);
  });

  it.each([
    ['fewer results than contacts', [{ index: 0, status: 'created', id: 'c_1' }], /has not one result each/],
    [
      'a result out of place',
      [
        { index: 0, status: 'created', id: 'c_1' },
        { index: 2, status: 'created', id: 'c_2' },
        { index: 1, status: 'created', id: 'c_3' },
      ],
      /result 1 names index 2/,
    ],
    [
      'a result neither written nor failed',
      [
        { index: 0, status: 'created', id: 'c_1' },
        { index: 1, status: 'queued' },
        { index: 2, status: 'updated', id: 'c_3' },
      ],
      /result 1 is neither written nor failed/,
    ],
    ['no results at all', undefined, /has not one result each/],
  ])('%s fails the whole batch with CRM_RESULTS_MISMATCH: nothing counted as written', (_, results, why) => {
    const error = (() => {
      try {
        read(results);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FlowError);
    expect(error).toMatchObject({ code: 'CRM_RESULTS_MISMATCH', kind: 'system' });
    expect((error as FlowError).message).toMatch(why);
  });
});
